/* The value codec on hand-made input: scalar sizes and contents, malformed
 * and hostile values (lying counts, bad lengths, deep nesting, bad UTF-8
 * and vints), empty values, null elements, encoder checks and formatting
 * details the driver vectors cannot reach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "type.h"
#include "value.h"

typedef struct fixture {
  cql_arena arena;
  cql_buf buf;
  char text[8192];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof(*f));
  cql_arena_init(&f->arena, NULL);
  cql_buf_init(&f->buf, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  cql_arena_free(&f->arena);
  cql_buf_free(&f->buf);
  free(f);
  return 0;
}

static cql_slice S(const void *p, size_t n) { return (cql_slice){p, n}; }

static const cql_type *type_of(fixture *f, const char *cql) {
  const cql_type *t;
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(cql), &f->arena, &t), CQL_OK);
  return t;
}

/* Decodes hex as `type`; the status is returned, the value kept in *v. */
static cql_status decode_hex(fixture *f, const char *type, const char *hex, cql_value *v) {
  size_t n;
  uint8_t *in = tu_hex_decode(hex, &n);
  /* a private copy in the arena: the tree may point into it */
  uint8_t *copy = cql_arena_alloc(&f->arena, n + 1);
  memcpy(copy, in, n);
  free(in);
  return cql_value_decode(type_of(f, type), S(copy, n), &f->arena, v);
}

static const char *format(fixture *f, const cql_value *v) {
  cql_buf_reset(&f->buf);
  cql_value_format(&f->buf, v);
  assert_int_equal(f->buf.err, CQL_OK);
  assert_true(f->buf.len < sizeof(f->text));
  memcpy(f->text, f->buf.data, f->buf.len);
  f->text[f->buf.len] = 0;
  return f->text;
}

static const char *decode_format(fixture *f, const char *type, const char *hex) {
  cql_value v;
  cql_status st = decode_hex(f, type, hex, &v);
  if (st != CQL_OK)
    fail_msg("%s %s: %s", type, hex, cql_status_name(st));
  return format(f, &v);
}

static void test_scalar_sizes(void **state) {
  (void)state;
  static const uint8_t z[17] = {0};
  bool b;
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  float fl;
  double db;
  cql_date d;
  cql_uuid u;
  cql_inet in;
  for (size_t n = 0; n <= 17; n++) {
    assert_int_equal(cql_decode_boolean(S(z, n), &b) == CQL_OK, n == 1);
    assert_int_equal(cql_decode_tinyint(S(z, n), &i8) == CQL_OK, n == 1);
    assert_int_equal(cql_decode_smallint(S(z, n), &i16) == CQL_OK, n == 2);
    assert_int_equal(cql_decode_int(S(z, n), &i32) == CQL_OK, n == 4);
    assert_int_equal(cql_decode_bigint(S(z, n), &i64) == CQL_OK, n == 8);
    assert_int_equal(cql_decode_time(S(z, n), &i64) == CQL_OK, n == 8);
    assert_int_equal(cql_decode_date(S(z, n), &d) == CQL_OK, n == 4);
    assert_int_equal(cql_decode_float(S(z, n), &fl) == CQL_OK, n == 4);
    assert_int_equal(cql_decode_double(S(z, n), &db) == CQL_OK, n == 8);
    assert_int_equal(cql_decode_uuid(S(z, n), &u) == CQL_OK, n == 16);
    assert_int_equal(cql_decode_inet(S(z, n), &in) == CQL_OK, n == 4 || n == 16);
  }
  /* boolean: any non-zero byte is true */
  static const uint8_t two = 2;
  assert_int_equal(cql_decode_boolean(S(&two, 1), &b), CQL_OK);
  assert_true(b);
}

static void test_scalar_contents(void **state) {
  (void)state;
  static const uint8_t neg[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
  int64_t i64;
  int32_t i32;
  assert_int_equal(cql_decode_bigint(S(neg, 8), &i64), CQL_OK);
  assert_true(i64 == -2);
  assert_int_equal(cql_decode_int(S(neg + 4, 4), &i32), CQL_OK);
  assert_int_equal(i32, -2);
  /* time: 0 .. 86399999999999 only */
  static const uint8_t last[8] = {0x00, 0x00, 0x4e, 0x94, 0x91, 0x4e, 0xff, 0xff};
  static const uint8_t past[8] = {0x00, 0x00, 0x4e, 0x94, 0x91, 0x4f, 0x00, 0x00};
  assert_int_equal(cql_decode_time(S(last, 8), &i64), CQL_OK);
  assert_int_equal(cql_decode_time(S(past, 8), &i64), CQL_E_BAD_VALUE);
  assert_int_equal(cql_decode_time(S(neg, 8), &i64), CQL_E_BAD_VALUE);
  /* timeuuid needs version 1 */
  uint8_t uuid[16] = {0};
  cql_uuid u;
  uuid[6] = 0x40;
  assert_int_equal(cql_decode_timeuuid(S(uuid, 16), &u), CQL_E_BAD_VALUE);
  assert_int_equal(cql_decode_uuid(S(uuid, 16), &u), CQL_OK);
  uuid[6] = 0x1f;
  assert_int_equal(cql_decode_timeuuid(S(uuid, 16), &u), CQL_OK);
  /* varint: empty refused; decimal needs a scale and one byte */
  cql_varint vi;
  cql_decimal de;
  assert_int_equal(cql_decode_varint(S(uuid, 0), &vi), CQL_E_BAD_VALUE);
  assert_int_equal(cql_decode_decimal(S(uuid, 4), &de), CQL_E_BAD_VALUE);
  assert_int_equal(cql_decode_decimal(S(neg, 5), &de), CQL_OK);
  assert_int_equal(de.scale, -1);
  assert_int_equal(de.unscaled.bytes.len, 1);
}

static void test_text_validation(void **state) {
  (void)state;
  static const struct {
    const char *bytes;
    bool utf8_ok;
  } cases[] = {
      {"plain ascii, long enough for the word loop", true},
      {"caf\xc3\xa9", true},
      {"\xe6\x97\xa5\xe6\x9c\xac", true},
      {"\xf0\x9f\x98\x80", true},
      {"\xf4\x8f\xbf\xbf", true},     /* U+10FFFF */
      {"\xef\xbf\xbf", true},         /* U+FFFF */
      {"\xc3", false},                /* cut short */
      {"\xc3\x28", false},            /* bad continuation */
      {"\xc0\xaf", false},            /* overlong */
      {"\xe0\x80\xaf", false},        /* overlong */
      {"\xed\xa0\x80", false},        /* surrogate */
      {"\xf4\x90\x80\x80", false},    /* past U+10FFFF */
      {"\xf5\x80\x80\x80", false},    /* bad lead */
      {"\x80", false},                /* lone continuation */
      {"\xff", false},                /* never valid */
      {"12345678\xe2\x82", false},    /* cut short after the word loop */
      {"abcdefgh\xe2\x82\xac", true}, /* euro sign after the word loop */
      {"\xf0\x9f\x98", false},        /* four-byte form cut short */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    cql_slice s = cql_slice_from_cstr(cases[i].bytes), out;
    if ((cql_decode_text(s, &out) == CQL_OK) != cases[i].utf8_ok)
      fail_msg("case %zu", i);
  }
  cql_slice out;
  assert_int_equal(cql_decode_ascii(cql_slice_from_cstr("ok\x7f"), &out), CQL_OK);
  assert_int_equal(cql_decode_ascii(cql_slice_from_cstr("not ok \xc3\xa9"), &out), CQL_E_BAD_VALUE);
  assert_int_equal(cql_decode_ascii(cql_slice_from_cstr("0123456789abcdef\x80"), &out),
                   CQL_E_BAD_VALUE);
  assert_int_equal(cql_decode_text(S(NULL, 0), &out), CQL_OK);
}

static void test_duration_rules(void **state) {
  (void)state;
  cql_duration d;
  static const uint8_t pos[] = {0x02, 0x04, 0x06};
  assert_int_equal(cql_decode_duration(S(pos, 3), &d), CQL_OK);
  assert_int_equal(d.months, 1);
  assert_int_equal(d.days, 2);
  assert_true(d.nanoseconds == 3);
  static const uint8_t mixed[] = {0x02, 0x03, 0x00}; /* +1 month, -2 days */
  assert_int_equal(cql_decode_duration(S(mixed, 3), &d), CQL_E_BAD_VALUE);
  static const uint8_t two[] = {0x02, 0x04};
  assert_int_equal(cql_decode_duration(S(two, 2), &d), CQL_E_BAD_VALUE);
  static const uint8_t trailing[] = {0x02, 0x04, 0x06, 0x00};
  assert_int_equal(cql_decode_duration(S(trailing, 4), &d), CQL_E_BAD_VALUE);
  static const uint8_t cut_vint[] = {0x00, 0x00, 0xc0, 0x01}; /* claims 2 more bytes */
  assert_int_equal(cql_decode_duration(S(cut_vint, 4), &d), CQL_E_BAD_VALUE);
  /* months of -2^31 fit (zigzag 2^32-1 in a 5-byte vint); 2^31 does not */
  static const uint8_t big_months[] = {0xf0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00};
  assert_int_equal(cql_decode_duration(S(big_months, 7), &d), CQL_OK);
  assert_int_equal(d.months, INT32_MIN);
  static const uint8_t too_big[] = {0xf1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  assert_int_equal(cql_decode_duration(S(too_big, 7), &d), CQL_E_BAD_VALUE);
  /* the encoder's checks live in the tree */
  cql_value v = {.type = cql_type_native(CQL_TYPE_DURATION)};
  v.u.duration = (cql_duration){1, -1, 0};
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_value_encode(&b, &v), CQL_E_BAD_VALUE);
  cql_buf_free(&b);
}

static void test_varint_conversions(void **state) {
  (void)state;
  static const int64_t values[] = {
      0,   1,     -1,     127,     128,       -128,      -129,          255,
      256, 32767, -32768, 1 << 30, INT64_MAX, INT64_MIN, INT64_MIN + 1, -4294967296LL};
  static const size_t lens[] = {1, 1, 1, 1, 2, 1, 2, 2, 2, 2, 2, 4, 8, 8, 8, 5};
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
    uint8_t tmp[8];
    cql_varint v = cql_varint_from_i64(values[i], tmp);
    assert_int_equal(v.bytes.len, lens[i]);
    int64_t back;
    assert_int_equal(cql_varint_to_i64(v, &back), CQL_OK);
    assert_true(back == values[i]);
  }
  static const uint8_t padded[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05};
  int64_t out;
  assert_int_equal(cql_varint_to_i64((cql_varint){S(padded, 10)}, &out), CQL_OK);
  assert_true(out == 5);
  static const uint8_t neg_padded[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80};
  assert_int_equal(cql_varint_to_i64((cql_varint){S(neg_padded, 10)}, &out), CQL_OK);
  assert_true(out == -128);
  static const uint8_t big[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  assert_int_equal(cql_varint_to_i64((cql_varint){S(big, 9)}, &out), CQL_E_OVERFLOW);
  static const uint8_t just_past[] = {0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  assert_int_equal(cql_varint_to_i64((cql_varint){S(just_past, 9)}, &out), CQL_E_OVERFLOW);
  assert_int_equal(cql_varint_to_i64((cql_varint){S(big, 0)}, &out), CQL_E_BAD_VALUE);
}

static void test_empty_values(void **state) {
  fixture *f = *state;
  static const char *never_empty[] = {
      "int",  "bigint", "boolean",  "uuid",      "inet",          "varint",           "decimal",
      "date", "time",   "duration", "list<int>", "map<int, int>", "vector<float, 2>", "double"};
  for (size_t i = 0; i < sizeof(never_empty) / sizeof(never_empty[0]); i++) {
    cql_value v;
    assert_int_equal(decode_hex(f, never_empty[i], "", &v), CQL_OK);
    assert_true(v.is_empty);
    assert_false(v.is_null);
    assert_string_equal(format(f, &v), "empty");
    cql_buf_reset(&f->buf);
    assert_int_equal(cql_value_encode(&f->buf, &v), CQL_OK);
    assert_int_equal(f->buf.len, 0);
  }
  /* strings and blobs are simply empty; a tuple or UDT has no fields */
  assert_string_equal(decode_format(f, "text", ""), "''");
  assert_string_equal(decode_format(f, "blob", ""), "0x");
  assert_string_equal(decode_format(f, "tuple<int, text>", ""), "(null, null)");
}

static void test_null_elements(void **state) {
  fixture *f = *state;
  /* drivers refuse to send these, but the format allows them */
  assert_string_equal(decode_format(f, "list<int>", "00000002ffffffff0000000400000007"),
                      "[null, 7]");
  assert_string_equal(decode_format(f, "map<text, int>", "0000000100000001 61 ffffffff"),
                      "{'a': null}");
  assert_string_equal(decode_format(f, "set<int>", "00000001 00000000"), "{empty}");
  cql_value v;
  assert_int_equal(decode_hex(f, "list<int>", "00000002ffffffff0000000400000007", &v), CQL_OK);
  assert_true(v.u.elems.items[0].is_null);
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &v), CQL_OK);
  char *hex = tu_hex_encode(f->buf.data, f->buf.len);
  assert_string_equal(hex, "00000002ffffffff0000000400000007");
  free(hex);
}

static void test_short_udts_and_tuples(void **state) {
  fixture *f = *state;
  /* fewer fields than the type: the rest are null, and re-encoding keeps
   * the value as short as it came */
  const cql_type *t;
  assert_int_equal(cql_type_parse_class(cql_slice_from_cstr("UserType(ks,7074,78:Int32Type,"
                                                            "79:Int32Type,7a:UTF8Type)"),
                                        &f->arena, &t),
                   CQL_OK);
  static const uint8_t one_field[] = {0, 0, 0, 4, 0, 0, 0, 9};
  cql_value v;
  assert_int_equal(cql_value_decode(t, S(one_field, 8), &f->arena, &v), CQL_OK);
  assert_int_equal(v.u.elems.n, 1);
  assert_string_equal(format(f, &v), "{x: 9, y: null, z: null}");
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &v), CQL_OK);
  assert_int_equal(f->buf.len, 8);
  assert_string_equal(decode_format(f, "tuple<int, int>", "0000000400000001"), "(1, null)");
  /* more fields than the type: trailing bytes */
  assert_int_equal(decode_hex(f, "tuple<int>", "0000000400000001ffffffff", &v),
                   CQL_E_TRAILING_BYTES);
}

typedef struct bad_case {
  const char *type;
  const char *hex;
  cql_status st;
} bad_case;

static void test_malformed_values(void **state) {
  fixture *f = *state;
  static const bad_case cases[] = {
      {"int", "000001", CQL_E_BAD_VALUE},
      {"int", "0000000001", CQL_E_BAD_VALUE},
      {"bigint", "00", CQL_E_BAD_VALUE},
      {"uuid", "00", CQL_E_BAD_VALUE},
      {"timeuuid", "00000000000040000000000000000000", CQL_E_BAD_VALUE},
      {"inet", "0000000000", CQL_E_BAD_VALUE},
      {"boolean", "0000", CQL_E_BAD_VALUE},
      {"text", "c328", CQL_E_BAD_VALUE},
      {"ascii", "80", CQL_E_BAD_VALUE},
      {"decimal", "00000001", CQL_E_BAD_VALUE},
      {"duration", "0203", CQL_E_BAD_VALUE},
      {"duration", "ff", CQL_E_BAD_VALUE},
      /* collections */
      {"list<int>", "000000", CQL_E_TRUNCATED},
      {"list<int>", "ffffffff", CQL_E_BAD_VALUE},                        /* count -1 */
      {"list<int>", "7fffffff00000000", CQL_E_BAD_LENGTH},               /* count lies */
      {"map<int, int>", "4000000000000000", CQL_E_BAD_LENGTH},           /* 2 * count lies */
      {"list<int>", "00000001000000050000000000", CQL_E_BAD_VALUE},      /* int of 5 bytes */
      {"list<int>", "0000000100000008000000", CQL_E_BAD_LENGTH},         /* element cut */
      {"list<int>", "00000001fffffffe", CQL_E_BAD_LENGTH},               /* length -2 */
      {"list<int>", "0000000180000000", CQL_E_BAD_LENGTH},               /* length -2^31 */
      {"list<int>", "000000010000000400000001ff", CQL_E_TRAILING_BYTES}, /* extra byte */
      {"list<int>", "00000002000000040000000100", CQL_E_TRUNCATED},      /* missing element */
      {"set<text>", "0000000100000001ff", CQL_E_BAD_VALUE},              /* bad UTF-8 inside */
      {"tuple<int, int>", "00000004000000", CQL_E_BAD_LENGTH},
      {"tuple<int>", "fffffffd", CQL_E_BAD_LENGTH},
      /* vectors */
      {"vector<float, 2>", "3f800000", CQL_E_BAD_VALUE}, /* one element short */
      {"vector<float, 2>", "3f8000003f80000000", CQL_E_BAD_VALUE},
      {"vector<text, 2>", "0161", CQL_E_TRUNCATED},    /* no second length */
      {"vector<text, 3>", "0161", CQL_E_BAD_LENGTH},   /* 3 elements, 2 bytes */
      {"vector<text, 2>", "016105", CQL_E_BAD_LENGTH}, /* length past the end */
      {"vector<text, 1>", "ff", CQL_E_TRUNCATED},      /* vint cut short */
      {"vector<text, 1>", "0161ff", CQL_E_TRAILING_BYTES},
      {"vector<text, 1>", "02c328", CQL_E_BAD_VALUE},
      {"vector<smallint, 1>", "0100", CQL_E_BAD_VALUE}, /* smallint of 1 byte */
      {"vector<vector<float, 2>, 2>", "3f8000003f800000", CQL_E_BAD_VALUE},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    cql_value v;
    cql_status st = decode_hex(f, cases[i].type, cases[i].hex, &v);
    if (st != cases[i].st)
      fail_msg("%s %s: got %s, want %s", cases[i].type, cases[i].hex, cql_status_name(st),
               cql_status_name(cases[i].st));
  }
}

static void test_lying_count_allocates_nothing(void **state) {
  fixture *f = *state;
  /* count 2^31-1 with 4 bytes left: refused before any allocation */
  static const uint8_t in[] = {0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0};
  cql_arena small;
  cql_arena_init(&small, NULL);
  cql_value v;
  const cql_type *t = type_of(f, "list<list<int>>");
  assert_int_equal(cql_value_decode(t, S(in, sizeof(in)), &small, &v), CQL_E_BAD_LENGTH);
  assert_int_equal(small.total, 0);
  t = type_of(f, "vector<text, 1000000>");
  assert_int_equal(cql_value_decode(t, S(in, sizeof(in)), &small, &v), CQL_E_BAD_LENGTH);
  t = type_of(f, "vector<bigint, 2000000000>");
  assert_int_equal(cql_value_decode(t, S(in, sizeof(in)), &small, &v), CQL_E_BAD_VALUE);
  assert_int_equal(small.total, 0);
  cql_arena_free(&small);
  /* and an exhausted arena is E_NOMEM, not a crash */
  cql_arena tiny;
  cql_arena_init(&tiny, NULL);
  tiny.limit = 1;
  static const uint8_t one[] = {0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1};
  assert_int_equal(cql_value_decode(type_of(f, "list<int>"), S(one, 12), &tiny, &v), CQL_E_NOMEM);
  cql_arena_free(&tiny);
}

static void test_deep_nesting(void **state) {
  fixture *f = *state;
  /* a hand-built type deeper than the parsers allow is still refused */
  enum { DEPTH = CQL_TYPE_MAX_DEPTH + 2 };
  cql_type types[DEPTH];
  const cql_type *kids[DEPTH];
  for (int i = 0; i < DEPTH; i++) {
    memset(&types[i], 0, sizeof(types[i]));
    if (i == DEPTH - 1) {
      types[i].id = CQL_TYPE_INT;
    } else {
      types[i].id = CQL_TYPE_LIST;
      types[i].n_children = 1;
      kids[i] = &types[i + 1];
      types[i].children = &kids[i];
    }
  }
  /* a list holding one list holding one list ... holding an int */
  cql_buf in;
  cql_buf_init(&in, NULL);
  size_t patch[DEPTH];
  for (int i = 0; i < DEPTH - 1; i++) {
    cql_buf_put_i32(&in, 1);
    patch[i] = in.len;
    cql_buf_put_i32(&in, 0);
  }
  cql_buf_put_i32(&in, 42);
  for (int i = DEPTH - 2; i >= 0; i--)
    cql_buf_patch_i32(&in, patch[i], (int32_t)(in.len - patch[i] - 4));
  cql_value v;
  assert_int_equal(cql_value_decode(&types[0], S(in.data, in.len), &f->arena, &v), CQL_E_TOO_DEEP);
  /* the deepest allowed nesting decodes, formats and re-encodes */
  size_t skip = 4 * 2 * 2; /* drop the two outer levels */
  assert_int_equal(cql_value_decode(&types[2], S(in.data + skip, in.len - skip), &f->arena, &v),
                   CQL_OK);
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &v), CQL_OK);
  assert_int_equal(f->buf.len, in.len - skip);
  assert_int_equal(cql_value_compare(&types[2], S(in.data + skip, in.len - skip),
                                     S(in.data + skip, in.len - skip)),
                   0);
  /* compare on the too-deep value falls back to bytes instead of recursing on */
  assert_int_equal(cql_value_compare(&types[0], S(in.data, in.len), S(in.data, in.len)), 0);
  cql_buf_free(&in);

  /* formatting and encoding a hand-built cycle stop at the limit */
  cql_value loop = {.type = &types[0]};
  loop.u.elems.items = &loop;
  loop.u.elems.n = 1;
  cql_buf_reset(&f->buf);
  cql_value_format(&f->buf, &loop);
  assert_int_equal(f->buf.err, CQL_E_TOO_DEEP);
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &loop), CQL_E_TOO_DEEP);
}

static void test_bad_descriptors(void **state) {
  fixture *f = *state;
  cql_type map1 = {.id = CQL_TYPE_MAP, .n_children = 1, .children = NULL};
  const cql_type *k[1] = {cql_type_native(CQL_TYPE_INT)};
  map1.children = k;
  cql_value v;
  static const uint8_t empty_map[] = {0, 0, 0, 0};
  assert_int_equal(cql_value_decode(&map1, S(empty_map, 4), &f->arena, &v), CQL_E_BAD_TYPE);
  assert_int_equal(cql_value_decode(NULL, S(empty_map, 4), &f->arena, &v), CQL_E_BAD_TYPE);
  cql_type vec0 = {.id = CQL_TYPE_VECTOR, .n_children = 1, .children = k, .dimension = 0};
  assert_int_equal(cql_value_decode(&vec0, S(empty_map, 4), &f->arena, &v), CQL_E_BAD_TYPE);
}

static void test_custom_types(void **state) {
  fixture *f = *state;
  /* a custom type naming a native class decodes as that type (v4 sends
   * duration this way); an unknown class keeps its bytes */
  cql_type dur = {.id = CQL_TYPE_CUSTOM,
                  .custom_class =
                      cql_slice_from_cstr("org.apache.cassandra.db.marshal.DurationType")};
  static const uint8_t d123[] = {0x02, 0x04, 0x06};
  cql_value dv;
  assert_int_equal(cql_value_decode(&dur, S(d123, 3), &f->arena, &dv), CQL_OK);
  assert_ptr_equal(dv.type, cql_type_native(CQL_TYPE_DURATION));
  assert_string_equal(format(f, &dv), "1mo2d3ns");
  /* the class string in CQL syntax names the native type directly */
  assert_string_equal(decode_format(f, "'org.apache.cassandra.db.marshal.DurationType'", "020406"),
                      "1mo2d3ns");
  assert_string_equal(decode_format(f, "'com.example.Thing'", "0102"), "0x0102");
  cql_value v;
  assert_int_equal(decode_hex(f, "'com.example.Thing'", "0102", &v), CQL_OK);
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &v), CQL_OK);
  assert_int_equal(f->buf.len, 2);
}

static void test_encoder_checks(void **state) {
  fixture *f = *state;
  cql_value v = {.type = cql_type_native(CQL_TYPE_TINYINT)};
  static const struct {
    cql_type_id id;
    int64_t value;
    cql_status st;
  } ints[] = {
      {CQL_TYPE_TINYINT, 127, CQL_OK},
      {CQL_TYPE_TINYINT, 128, CQL_E_OVERFLOW},
      {CQL_TYPE_TINYINT, -129, CQL_E_OVERFLOW},
      {CQL_TYPE_SMALLINT, -32768, CQL_OK},
      {CQL_TYPE_SMALLINT, 32768, CQL_E_OVERFLOW},
      {CQL_TYPE_INT, INT32_MIN, CQL_OK},
      {CQL_TYPE_INT, (int64_t)INT32_MAX + 1, CQL_E_OVERFLOW},
      {CQL_TYPE_TIME, -1, CQL_E_BAD_VALUE},
      {CQL_TYPE_TIME, INT64_C(86400000000000), CQL_E_BAD_VALUE},
      {CQL_TYPE_BIGINT, INT64_MIN, CQL_OK},
  };
  for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
    v.type = cql_type_native(ints[i].id);
    v.u.i64 = ints[i].value;
    cql_buf_reset(&f->buf);
    assert_int_equal(cql_value_encode(&f->buf, &v), ints[i].st);
  }
  /* vectors: exact dimension, no null elements */
  const cql_type *vt = type_of(f, "vector<int, 2>");
  cql_value items[2] = {{.type = cql_type_native(CQL_TYPE_INT)},
                        {.type = cql_type_native(CQL_TYPE_INT)}};
  cql_value vec = {.type = vt};
  vec.u.elems.items = items;
  vec.u.elems.n = 1;
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &vec), CQL_E_BAD_VALUE);
  vec.u.elems.n = 2;
  items[1].is_null = true;
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &vec), CQL_E_BAD_VALUE);
  items[1].is_null = false;
  items[1].is_empty = true; /* packed elements cannot be empty */
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &vec), CQL_E_BAD_VALUE);
  items[1].is_empty = false;
  items[0].u.i64 = 1;
  items[1].u.i64 = -1;
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &vec), CQL_OK);
  assert_int_equal(f->buf.len, 8);
  /* a variable-size element gets its length in front, even a long one */
  char big[300];
  memset(big, 'q', sizeof(big));
  cql_value txt = {.type = cql_type_native(CQL_TYPE_VARCHAR)};
  txt.u.bytes = S(big, sizeof(big));
  cql_value tvec = {.type = type_of(f, "vector<text, 1>")};
  tvec.u.elems.items = &txt;
  tvec.u.elems.n = 1;
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &tvec), CQL_OK);
  assert_int_equal(f->buf.len, 302);
  assert_int_equal(f->buf.data[0], 0x81); /* 300 = 0x12c in a 2-byte vint */
  assert_int_equal(f->buf.data[1], 0x2c);
  assert_int_equal(f->buf.data[2], 'q');
  /* text must be valid, maps must have pairs, tuples no extra items */
  static const uint8_t bad_utf8[] = {0xc3};
  txt.u.bytes = S(bad_utf8, 1);
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &txt), CQL_E_BAD_VALUE);
  cql_value map = {.type = type_of(f, "map<int, int>")};
  map.u.elems.items = items;
  map.u.elems.n = 1;
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &map), CQL_E_BAD_VALUE);
  cql_value tup = {.type = type_of(f, "tuple<int>")};
  tup.u.elems.items = items;
  tup.u.elems.n = 2;
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &tup), CQL_E_BAD_VALUE);
  /* null top level: nothing written */
  cql_value null_v = {.type = cql_type_native(CQL_TYPE_INT), .is_null = true};
  cql_buf_reset(&f->buf);
  assert_int_equal(cql_value_encode(&f->buf, &null_v), CQL_OK);
  assert_int_equal(f->buf.len, 0);
  assert_string_equal(format(f, &null_v), "null");
}

static void test_format_details(void **state) {
  fixture *f = *state;
  /* decimals whose scale is far from the digits stay short */
  assert_string_equal(decode_format(f, "decimal", "7fffffff01"), "1E-2147483647");
  assert_string_equal(decode_format(f, "decimal", "8000000001"), "1E+2147483648");
  assert_string_equal(decode_format(f, "decimal", "00000003ff"), "-0.001");
  assert_string_equal(decode_format(f, "decimal", "0000000380"), "-0.128");
  assert_string_equal(decode_format(f, "decimal", "000000020000000001"), "0.01");
  assert_string_equal(decode_format(f, "decimal", "00000000ff7f"), "-129");
  /* non-minimal varints format by value */
  assert_string_equal(decode_format(f, "varint", "0000ff"), "255");
  assert_string_equal(decode_format(f, "varint", "ffff80"), "-128");
  assert_string_equal(decode_format(f, "varint", "80000000000000000000"),
                      "-604462909807314587353088");
  /* boolean byte 2 is true and re-encodes as 1 */
  assert_string_equal(decode_format(f, "boolean", "02"), "true");
  /* durations */
  assert_string_equal(decode_format(f, "duration", "000000"), "0s");
  assert_string_equal(decode_format(f, "duration", "180000"), "1y");
  assert_string_equal(decode_format(f, "duration", "000005"), "-3ns");
  assert_string_equal(decode_format(f, "duration", "0000809d"), "-79ns"); /* 2-byte vint */
  /* collections, nested */
  assert_string_equal(decode_format(f, "map<int, frozen<list<text>>>",
                                    "00000001 00000004 00000001 00000009 00000001 00000001 61"),
                      "{1: ['a']}");
  assert_string_equal(decode_format(f, "vector<smallint, 2>", "0200010200ff"), "[1, 255]");
}

static void test_format_huge_varint(void **state) {
  fixture *f = *state;
  /* past 16 KiB a varint is written as hex, so formatting stays cheap */
  size_t n = 16385;
  uint8_t *big = cql_arena_alloc(&f->arena, n);
  memset(big, 0x11, n);
  cql_value v;
  assert_int_equal(cql_value_decode(cql_type_native(CQL_TYPE_VARINT), S(big, n), &f->arena, &v),
                   CQL_OK);
  cql_buf_reset(&f->buf);
  cql_value_format(&f->buf, &v);
  assert_int_equal(f->buf.len, 2 + 2 * n);
  assert_memory_equal(f->buf.data, "0x1111", 6);
  /* just under the limit: decimal digits */
  v.u.varint.bytes.len = 1000;
  cql_buf_reset(&f->buf);
  cql_value_format(&f->buf, &v);
  assert_true(f->buf.len > 2000 && f->buf.len < 2500);
  assert_true(f->buf.data[0] >= '1' && f->buf.data[0] <= '9');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_scalar_sizes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_scalar_contents, setup, teardown),
      cmocka_unit_test_setup_teardown(test_text_validation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_duration_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(test_varint_conversions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_null_elements, setup, teardown),
      cmocka_unit_test_setup_teardown(test_short_udts_and_tuples, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lying_count_allocates_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_descriptors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_custom_types, setup, teardown),
      cmocka_unit_test_setup_teardown(test_encoder_checks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_format_details, setup, teardown),
      cmocka_unit_test_setup_teardown(test_format_huge_varint, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
