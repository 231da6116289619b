/* codec.h: the elements iterator and the writer. Every composite value of
 * tests/vectors/values.tsv (made by the Python and Node.js drivers) is
 * walked with cql_elements and written again with cql_writer, which must
 * give back the same bytes; scalars are checked against the core encoder;
 * malformed input and writer misuse give their errors. */
#include <stdio.h>
#include <string.h>

#include "api_fixture.h"
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

static void rewrite(cql_writer *w, const cql_type *t, cql_slice v, int depth);

/* Tuples and UDTs may end early; the rest is not written either. */
static bool ended_early(const cql_elements *it, cql_type_id id) {
  return (id == CQL_TYPE_TUPLE || id == CQL_TYPE_UDT) && it->pos_ == it->end_;
}

static void rewrite_composite(cql_writer *w, const cql_type *t, cql_slice v, int depth) {
  cql_elements it;
  assert_int_equal(cql_elements_init(&it, t, v), CQL_OK);
  uint32_t n = cql_elements_count(&it);
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    cql_write_list_begin(w, n);
    break;
  case CQL_TYPE_MAP:
    cql_write_map_begin(w, n / 2);
    break;
  case CQL_TYPE_VECTOR:
    cql_write_vector_begin(w, t->children[0]);
    break;
  default:
    cql_write_tuple_begin(w);
    break;
  }
  const cql_type *et;
  cql_slice ev;
  bool null;
  uint32_t seen = 0;
  while (!ended_early(&it, t->id) && cql_elements_next(&it, &et, &ev, &null)) {
    if (null)
      cql_write_null(w);
    else
      rewrite(w, et, ev, depth + 1);
    seen++;
  }
  assert_int_equal(cql_elements_status(&it), CQL_OK);
  assert_true(seen <= n);
  cql_write_end(w);
}

static void rewrite(cql_writer *w, const cql_type *t, cql_slice v, int depth) {
  assert_true(depth < 40);
  t = cql_type_resolve(t);
  if (!cql_type_is_composite(t->id) || v.len == 0)
    cql_write_serialized(w, v);
  else
    rewrite_composite(w, t, v, depth);
}

static void test_vectors_walk_and_rewrite(void **state) {
  (void)state;
  tu_vector_file vf;
  tu_vectors_load(&vf, "values.tsv");
  cql_arena a;
  cql_arena_init(&a, NULL);
  registry reg = {.n = 0};
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "udt") == 0) {
      const cql_type *t;
      assert_int_equal(cql_type_parse_class(cql_slice_from_cstr(l->fields[2]), &a, &t), CQL_OK);
      reg.udts[reg.n++] = t;
    }
  }
  cql_writer *w = NULL;
  assert_int_equal(cql_writer_new(&w, NULL), CQL_OK);
  size_t composites = 0, total = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "value") != 0 || strcmp(l->fields[3], "null") == 0)
      continue;
    const cql_type *parsed, *t;
    if (cql_type_parse_cql(cql_slice_from_cstr(l->fields[2]), &a, &parsed) != CQL_OK ||
        cql_type_bind_udts(parsed, lookup, &reg, &a, &t) != CQL_OK)
      continue;
    size_t len;
    uint8_t *bytes = tu_hex_decode(l->fields[4], &len);
    cql_writer_reset(w);
    rewrite(w, t, (cql_slice){bytes, len}, 0);
    cql_slice out;
    assert_int_equal(cql_writer_status(w), CQL_OK);
    assert_int_equal(cql_writer_value(w, &out), CQL_OK);
    if (out.len != len || (len && memcmp(out.ptr, bytes, len) != 0))
      fail_msg("%s: rewritten bytes differ", l->fields[1]);
    composites += cql_type_is_composite(cql_type_resolve(t)->id);
    total++;
    free(bytes);
  }
  print_message("%zu values rewritten, %zu of them composite\n", total, composites);
  assert_true(composites >= 40);
  cql_writer_free(w);
  cql_arena_free(&a);
  tu_vectors_free(&vf);
}

/* The writer's scalars against the core value encoder. */
static void test_scalars_match_encoder(void **state) {
  (void)state;
  cql_writer *w = NULL;
  assert_int_equal(cql_writer_new(&w, NULL), CQL_OK);
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_uuid u = {{1, 2, 3}};
  cql_inet in6 = {.len = 16, .addr = {0x20, 0x01, 0x0d, 0xb8}};
  cql_duration du = {-1, -2, -3};
  uint8_t vb[2] = {0xff, 0x01};
  cql_decimal dec = {-3, {{vb, 2}}};
#define SAME(wcall, ecall)                                                                         \
  do {                                                                                             \
    cql_writer_reset(w);                                                                           \
    cql_buf_reset(&b);                                                                             \
    wcall;                                                                                         \
    ecall;                                                                                         \
    cql_slice v;                                                                                   \
    assert_int_equal(cql_writer_value(w, &v), CQL_OK);                                             \
    assert_int_equal(v.len, b.len);                                                                \
    assert_memory_equal(v.ptr, b.data, b.len);                                                     \
  } while (0)
  SAME(cql_write_boolean(w, true), cql_encode_boolean(&b, true));
  SAME(cql_write_tinyint(w, -1), cql_encode_tinyint(&b, -1));
  SAME(cql_write_smallint(w, -300), cql_encode_smallint(&b, -300));
  SAME(cql_write_int(w, 123456), cql_encode_int(&b, 123456));
  SAME(cql_write_bigint(w, -1234567890123), cql_encode_bigint(&b, -1234567890123));
  SAME(cql_write_float(w, 3.5f), cql_encode_float(&b, 3.5f));
  SAME(cql_write_double(w, -0.25), cql_encode_double(&b, -0.25));
  SAME(cql_write_date(w, CQL_DATE_EPOCH + 3), cql_encode_date(&b, CQL_DATE_EPOCH + 3));
  SAME(cql_write_uuid(w, &u), cql_encode_uuid(&b, &u));
  SAME(cql_write_inet(w, &in6), cql_encode_inet(&b, &in6));
  SAME(cql_write_duration(w, &du), cql_encode_duration(&b, &du));
  SAME(cql_write_varint(w, dec.unscaled), cql_encode_varint(&b, dec.unscaled));
  SAME(cql_write_decimal(w, &dec), cql_encode_decimal(&b, &dec));
  SAME(cql_write_bytes(w, "abc", 3), cql_buf_put_raw(&b, "abc", 3));
#undef SAME
  cql_buf_free(&b);
  cql_writer_free(w);
}

/* A hand-built nested value, checked byte by byte and walked back. */
static void test_nested_by_hand(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  const cql_type *t;
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr("map<text, frozen<list<tuple<int, "
                                                          "vector<float, 2>, vector<text, 2>>>>>"),
                                      &a, &t),
                   CQL_OK);
  const cql_type *tup = t->children[1]->children[0];
  cql_writer *w = NULL;
  assert_int_equal(cql_writer_new(&w, NULL), CQL_OK);
  cql_write_map_begin(w, 1);
  cql_write_bytes(w, "k", 1);
  cql_write_list_begin(w, 1);
  cql_write_tuple_begin(w);
  cql_write_int(w, 9);
  cql_write_vector_begin(w, tup->children[1]->children[0]);
  cql_write_float(w, 1.0f);
  cql_write_float(w, 2.0f);
  cql_write_end(w);
  cql_write_vector_begin(w, tup->children[2]->children[0]);
  cql_write_bytes(w, "ab", 2);
  cql_write_bytes(w, "", 0);
  cql_write_end(w);
  cql_write_end(w);
  cql_write_end(w);
  cql_write_end(w);
  cql_slice v;
  assert_int_equal(cql_writer_value(w, &v), CQL_OK);
  static const uint8_t want[] = {
      0, 0, 0, 1,                                     /* one entry */
      0, 0, 0, 1,  'k',                               /* key */
      0, 0, 0, 36,                                    /* the list */
      0, 0, 0, 1,                                     /* one element */
      0, 0, 0, 28,                                    /* the tuple */
      0, 0, 0, 4,  0,    0,    0,   9,                /* int 9 */
      0, 0, 0, 8,  0x3f, 0x80, 0,   0, 0x40, 0, 0, 0, /* vector<float,2>: packed */
      0, 0, 0, 4,  2,    'a',  'b', 0,                /* vector<text,2>: vint lengths */
  };
  assert_int_equal(v.len, sizeof(want));
  assert_memory_equal(v.ptr, want, v.len);
  cql_value tree;
  assert_int_equal(cql_value_decode(t, v, &a, &tree), CQL_OK);
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_value_encode(&b, &tree), CQL_OK);
  assert_int_equal(b.len, v.len);
  assert_memory_equal(b.data, v.ptr, v.len);
  cql_buf_free(&b);
  cql_writer_free(w);
  cql_arena_free(&a);
}

static void test_writer_misuse(void **state) {
  (void)state;
  cql_writer *w = NULL;
  cql_slice v;
  assert_int_equal(cql_writer_new(&w, NULL), CQL_OK);
  assert_int_equal(cql_writer_value(w, &v), CQL_E_BAD_STATE); /* nothing written */
  cql_write_null(w);
  assert_int_equal(cql_writer_status(w), CQL_E_BAD_STATE); /* null at the top */
  cql_writer_reset(w);
  cql_write_int(w, 1);
  cql_write_int(w, 2);
  assert_int_equal(cql_writer_status(w), CQL_E_BAD_STATE); /* two top-level values */
  cql_writer_reset(w);
  cql_write_end(w);
  assert_int_equal(cql_writer_status(w), CQL_E_BAD_STATE); /* end without begin */
  cql_writer_reset(w);
  cql_write_list_begin(w, 2);
  cql_write_int(w, 1);
  assert_int_equal(cql_writer_value(w, &v), CQL_E_BAD_STATE); /* still open */
  cql_write_end(w);
  assert_int_equal(cql_writer_status(w), CQL_E_BAD_STATE); /* count mismatch */
  cql_writer_reset(w);
  cql_write_vector_begin(w, cql_type_native(CQL_TYPE_INT));
  cql_write_bigint(w, 1); /* 8 bytes in a vector of 4-byte ints */
  assert_int_equal(cql_writer_status(w), CQL_E_BAD_STATE);
  cql_writer_reset(w);
  cql_write_vector_begin(w, cql_type_native(CQL_TYPE_INT));
  cql_write_null(w);
  assert_int_equal(cql_writer_status(w), CQL_E_BAD_STATE);
  cql_writer_reset(w);
  for (int i = 0; i < 40; i++)
    cql_write_tuple_begin(w);
  assert_int_equal(cql_writer_status(w), CQL_E_TOO_DEEP);
  cql_writer_reset(w);
  cql_write_map_begin(w, 1);
  cql_write_int(w, 1);
  cql_write_null(w);
  cql_write_end(w);
  assert_int_equal(cql_writer_value(w, &v), CQL_OK);
  assert_int_equal(v.len, 16);
  cql_writer_free(w);
  cql_writer_free(NULL);
}

static cql_status walk(const char *type, const uint8_t *p, size_t n, uint32_t *count) {
  cql_arena a;
  cql_arena_init(&a, NULL);
  const cql_type *t;
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(type), &a, &t), CQL_OK);
  cql_elements it;
  cql_status s = cql_elements_init(&it, t, (cql_slice){p, n});
  *count = 0;
  if (s == CQL_OK) {
    while (cql_elements_next(&it, NULL, NULL, NULL))
      (*count)++;
    s = cql_elements_status(&it);
  }
  cql_arena_free(&a);
  return s;
}

static void test_elements_malformed(void **state) {
  (void)state;
  uint32_t n;
  static const uint8_t neg[] = {0xff, 0xff, 0xff, 0xfe};
  static const uint8_t huge[] = {0, 0, 1, 0, 0, 0, 0, 1};
  static const uint8_t cut[] = {0, 0, 0, 1, 0, 0, 0, 4, 0, 0};
  static const uint8_t trail[] = {0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 9};
  static const uint8_t badlen[] = {0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfd};
  static const uint8_t nulls[] = {0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff};
  static const uint8_t tuple_short[] = {0, 0, 0, 4, 0, 0, 0, 1};
  static const uint8_t vec_odd[] = {0, 0, 0, 1, 0, 0};
  static const uint8_t vec_vint[] = {0x05, 'a'};
  assert_int_equal(walk("int", neg, 4, &n), CQL_E_TYPE_MISMATCH);
  assert_int_equal(walk("list<int>", neg, 4, &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("list<int>", huge, 8, &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("list<int>", neg, 3, &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("list<int>", cut, sizeof(cut), &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("list<int>", trail, sizeof(trail), &n), CQL_E_TRAILING_BYTES);
  assert_int_equal(n, 1);
  assert_int_equal(walk("list<int>", badlen, sizeof(badlen), &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("list<int>", nulls, sizeof(nulls), &n), CQL_OK);
  assert_int_equal(n, 1);
  assert_int_equal(walk("map<int, int>", huge, 8, &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("tuple<int, int, text>", tuple_short, sizeof(tuple_short), &n), CQL_OK);
  assert_int_equal(n, 3); /* the missing fields read as null */
  assert_int_equal(walk("vector<int, 2>", vec_odd, sizeof(vec_odd), &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("vector<text, 1>", vec_vint, sizeof(vec_vint), &n), CQL_E_BAD_VALUE);
  assert_int_equal(walk("list<int>", NULL, 0, &n), CQL_OK);
  assert_int_equal(n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vectors_walk_and_rewrite), cmocka_unit_test(test_scalars_match_encoder),
      cmocka_unit_test(test_nested_by_hand),           cmocka_unit_test(test_writer_misuse),
      cmocka_unit_test(test_elements_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
