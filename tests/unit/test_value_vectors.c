/* The value codec against tests/vectors/values.tsv: bytes the Python and
 * Node.js drivers serialized. For every case: the CQL type parses, the hex
 * decodes, formats to the expected text and re-encodes to the same bytes,
 * the typed scalar decoder agrees with the tree, and the type survives
 * [option] and text round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "type.h"
#include "value.h"

typedef struct registry {
  const cql_type *udts[32];
  size_t n;
} registry;

static const cql_type *lookup(void *ud, cql_slice ks, cql_slice name) {
  registry *reg = ud;
  for (size_t i = 0; i < reg->n; i++)
    if ((ks.len == 0 || cql_slice_eq(reg->udts[i]->udt_keyspace, ks)) &&
        cql_slice_eq(reg->udts[i]->udt_name, name))
      return reg->udts[i];
  return NULL;
}

static void load_udts(const tu_vector_file *vf, registry *reg, cql_arena *a) {
  for (size_t i = 0; i < vf->n_lines; i++) {
    const tu_vector_line *l = &vf->lines[i];
    if (strcmp(l->fields[0], "udt") != 0)
      continue;
    assert_int_equal(l->n_fields, 3);
    const cql_type *t;
    assert_int_equal(cql_type_parse_class(cql_slice_from_cstr(l->fields[2]), a, &t), CQL_OK);
    assert_int_equal(t->id, CQL_TYPE_UDT);
    assert_true(reg->n < sizeof(reg->udts) / sizeof(reg->udts[0]));
    reg->udts[reg->n++] = t;
  }
}

/* The typed scalar decoder where one exists; it must agree with the tree. */
static void check_scalar(const cql_type *t, cql_slice in, const cql_value *v, const char *name) {
  cql_status st = CQL_OK;
  bool same = true;
  switch (t->id) {
  case CQL_TYPE_BOOLEAN: {
    bool x;
    st = cql_decode_boolean(in, &x);
    same = x == v->u.boolean;
    break;
  }
  case CQL_TYPE_TINYINT: {
    int8_t x;
    st = cql_decode_tinyint(in, &x);
    same = x == v->u.i64;
    break;
  }
  case CQL_TYPE_SMALLINT: {
    int16_t x;
    st = cql_decode_smallint(in, &x);
    same = x == v->u.i64;
    break;
  }
  case CQL_TYPE_INT: {
    int32_t x;
    st = cql_decode_int(in, &x);
    same = x == v->u.i64;
    break;
  }
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
  case CQL_TYPE_TIMESTAMP: {
    int64_t x;
    st = cql_decode_bigint(in, &x);
    same = x == v->u.i64;
    break;
  }
  case CQL_TYPE_TIME: {
    cql_time x;
    st = cql_decode_time(in, &x);
    same = x == v->u.i64;
    break;
  }
  case CQL_TYPE_DATE: {
    cql_date x;
    st = cql_decode_date(in, &x);
    same = x == v->u.date;
    break;
  }
  case CQL_TYPE_FLOAT: {
    float x;
    st = cql_decode_float(in, &x);
    same = memcmp(&x, &v->u.f32, sizeof(x)) == 0;
    break;
  }
  case CQL_TYPE_DOUBLE: {
    double x;
    st = cql_decode_double(in, &x);
    same = memcmp(&x, &v->u.f64, sizeof(x)) == 0;
    break;
  }
  case CQL_TYPE_UUID:
  case CQL_TYPE_TIMEUUID: {
    cql_uuid x;
    st = t->id == CQL_TYPE_UUID ? cql_decode_uuid(in, &x) : cql_decode_timeuuid(in, &x);
    same = memcmp(&x, &v->u.uuid, sizeof(x)) == 0;
    break;
  }
  case CQL_TYPE_INET: {
    cql_inet x;
    st = cql_decode_inet(in, &x);
    same = x.len == v->u.inet.len && memcmp(x.addr, v->u.inet.addr, x.len) == 0;
    break;
  }
  case CQL_TYPE_DURATION: {
    cql_duration x;
    st = cql_decode_duration(in, &x);
    same = x.months == v->u.duration.months && x.days == v->u.duration.days &&
           x.nanoseconds == v->u.duration.nanoseconds;
    break;
  }
  case CQL_TYPE_VARINT: {
    cql_varint x;
    st = cql_decode_varint(in, &x);
    same = cql_slice_eq(x.bytes, in);
    int64_t i;
    uint8_t tmp[8];
    /* where it fits in 64 bits, the conversion round-trips minimally */
    if (st == CQL_OK && cql_varint_to_i64(x, &i) == CQL_OK)
      same = same && cql_slice_eq(cql_varint_from_i64(i, tmp).bytes, in);
    break;
  }
  case CQL_TYPE_DECIMAL: {
    cql_decimal x;
    st = cql_decode_decimal(in, &x);
    same = x.scale == v->u.decimal.scale &&
           cql_slice_eq(x.unscaled.bytes, v->u.decimal.unscaled.bytes);
    break;
  }
  case CQL_TYPE_ASCII:
  case CQL_TYPE_VARCHAR: {
    cql_slice x;
    st = t->id == CQL_TYPE_ASCII ? cql_decode_ascii(in, &x) : cql_decode_text(in, &x);
    same = cql_slice_eq(x, in);
    break;
  }
  default:
    return;
  }
  if (st != CQL_OK || !same)
    fail_msg("%s: typed decoder: %s, same=%d", name, cql_status_name(st), same);
}

/* Both text forms and the [option] form give back an equal type. */
static void check_type_round_trips(const cql_type *t, registry *reg, cql_arena *a,
                                   const char *name) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_type_format_cql(&b, t);
  cql_buf_put_u8(&b, 0);
  const cql_type *back, *bound;
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr((char *)b.data), a, &back), CQL_OK);
  assert_int_equal(cql_type_bind_udts(back, lookup, reg, a, &bound), CQL_OK);
  if (!cql_type_equal(bound, t))
    fail_msg("%s: CQL text %s does not parse back", name, (char *)b.data);
  cql_buf_reset(&b);
  cql_type_format_class(&b, t);
  assert_int_equal(cql_type_parse_class((cql_slice){b.data, b.len}, a, &back), CQL_OK);
  assert_true(cql_type_equal(back, t));
  cql_buf_reset(&b);
  cql_type_write_option(&b, t);
  cql_rd r;
  cql_rd_init(&r, b.data, b.len);
  back = cql_type_read_option(&r, a);
  assert_true(cql_rd_expect_end(&r, "option"));
  assert_true(cql_type_equal(back, t));
  cql_buf_free(&b);
}

static void check_case(const tu_vector_line *l, registry *reg, cql_arena *a, cql_buf *b) {
  const char *name = l->fields[1];
  assert_int_equal(l->n_fields, 5);
  const cql_type *parsed, *t;
  cql_status st = cql_type_parse_cql(cql_slice_from_cstr(l->fields[2]), a, &parsed);
  if (st != CQL_OK)
    fail_msg("%s: type %s: %s", name, l->fields[2], cql_status_name(st));
  assert_int_equal(cql_type_bind_udts(parsed, lookup, reg, a, &t), CQL_OK);
  size_t n;
  uint8_t *bytes = tu_hex_decode(l->fields[4], &n);
  cql_slice in = {bytes, n};
  cql_value v;
  st = cql_value_decode(t, in, a, &v);
  if (st != CQL_OK)
    fail_msg("%s: decode: %s", name, cql_status_name(st));

  cql_buf_reset(b);
  cql_value_format(b, &v);
  cql_buf_put_u8(b, 0);
  assert_int_equal(b->err, CQL_OK);
  if (strcmp((char *)b->data, l->fields[3]) != 0)
    fail_msg("%s: format\n  got  %s\n  want %s", name, (char *)b->data, l->fields[3]);

  cql_buf_reset(b);
  assert_int_equal(cql_value_encode(b, &v), CQL_OK);
  if (b->len != n || (n && memcmp(b->data, bytes, n) != 0)) {
    char *got = tu_hex_encode(b->data, b->len);
    fail_msg("%s: encode\n  got  %s\n  want %s", name, got, l->fields[4]);
  }
  check_scalar(t, in, &v, name);
  check_type_round_trips(t, reg, a, name);
  assert_int_equal(cql_value_compare(t, in, in), 0);
  free(bytes);
}

static void test_value_vectors(void **state) {
  (void)state;
  tu_vector_file vf;
  tu_vectors_load(&vf, "values.tsv");
  cql_arena a;
  cql_arena_init(&a, NULL);
  registry reg = {.n = 0};
  load_udts(&vf, &reg, &a);
  cql_buf b;
  cql_buf_init(&b, NULL);
  size_t python = 0, node = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "value") != 0)
      continue;
    check_case(l, &reg, &a, &b);
    if (strncmp(l->fields[1], "node_", 5) == 0)
      node++;
    else
      python++;
  }
  printf("value vectors: %zu from the Python driver, %zu from the Node.js driver\n", python, node);
  assert_true(python >= 150);
  assert_true(node >= 30);
  assert_true(reg.n >= 3);
  cql_buf_free(&b);
  cql_arena_free(&a);
  tu_vectors_free(&vf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_value_vectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
