/* The [notation] writer and reader: round trips, vint boundaries, and a
 * reader that never reads past its end whatever the lengths claim. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire.h"

static void test_scalars_round_trip(void **state) {
  (void)state;
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_u8(&b, 0xAB);
  cql_buf_put_u16(&b, 0xBEEF);
  cql_buf_put_i32(&b, -2);
  cql_buf_put_i64(&b, INT64_MIN);
  cql_buf_put_string(&b, cql_slice_from_cstr("hello"));
  cql_buf_put_long_string(&b, cql_slice_from_cstr("world"));
  cql_buf_put_null_bytes(&b);
  cql_buf_put_unset_bytes(&b);
  assert_int_equal(b.err, CQL_OK);

  cql_rd r;
  cql_rd_init(&r, b.data, b.len);
  assert_int_equal(cql_rd_u8(&r), 0xAB);
  assert_int_equal(cql_rd_u16(&r), 0xBEEF);
  assert_int_equal(cql_rd_i32(&r), -2);
  assert_true(cql_rd_i64(&r) == INT64_MIN);
  assert_true(cql_slice_eq_cstr(cql_rd_string(&r), "hello"));
  assert_true(cql_slice_eq_cstr(cql_rd_long_string(&r), "world"));
  cql_slice s;
  assert_int_equal(cql_rd_value(&r, &s, true), -1);
  assert_int_equal(cql_rd_value(&r, &s, true), -2);
  assert_true(cql_rd_expect_end(&r, "end"));
  cql_buf_free(&b);
}

static void test_unset_refused_where_not_allowed(void **state) {
  (void)state;
  static const uint8_t in[] = {0xff, 0xff, 0xff, 0xfe};
  cql_rd r;
  cql_rd_init(&r, in, sizeof(in));
  bool is_null = false;
  cql_rd_bytes(&r, &is_null);
  assert_int_equal(r.err, CQL_E_BAD_LENGTH);
}

static void test_lengths_that_lie(void **state) {
  (void)state;
  /* [string] claiming 5 bytes with 2 present */
  static const uint8_t s1[] = {0x00, 0x05, 'a', 'b'};
  cql_rd r;
  cql_rd_init(&r, s1, sizeof(s1));
  cql_slice s = cql_rd_string(&r);
  assert_int_equal(r.err, CQL_E_BAD_LENGTH);
  assert_null(s.ptr);
  /* sticky: later reads return zero */
  assert_int_equal(cql_rd_u8(&r), 0);
  /* [long string] with a negative length */
  static const uint8_t s2[] = {0x80, 0x00, 0x00, 0x00};
  cql_rd_init(&r, s2, sizeof(s2));
  cql_rd_long_string(&r);
  assert_int_equal(r.err, CQL_E_BAD_LENGTH);
  /* truncated [int] */
  cql_rd_init(&r, s2, 3);
  cql_rd_i32(&r);
  assert_int_equal(r.err, CQL_E_TRUNCATED);
}

static void test_vint_boundaries(void **state) {
  (void)state;
  static const uint64_t values[] = {
      0,          1,         127, 128, 16383, 16384, (1ull << 21) - 1, 1ull << 21, (1ull << 56) - 1,
      1ull << 56, UINT64_MAX};
  static const size_t sizes[] = {1, 1, 1, 2, 2, 3, 3, 4, 8, 9, 9};
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
    cql_buf b;
    cql_buf_init(&b, NULL);
    cql_buf_put_uvint(&b, values[i]);
    assert_int_equal(b.len, sizes[i]);
    cql_rd r;
    cql_rd_init(&r, b.data, b.len);
    assert_true(cql_rd_uvint(&r) == values[i]);
    assert_true(cql_rd_expect_end(&r, "vint"));
    cql_buf_free(&b);
  }
  static const int64_t signed_values[] = {0, -1, 1, -64, 64, INT64_MIN, INT64_MAX};
  for (size_t i = 0; i < sizeof(signed_values) / sizeof(signed_values[0]); i++) {
    cql_buf b;
    cql_buf_init(&b, NULL);
    cql_buf_put_vint(&b, signed_values[i]);
    cql_rd r;
    cql_rd_init(&r, b.data, b.len);
    assert_true(cql_rd_vint(&r) == signed_values[i]);
    cql_buf_free(&b);
  }
  /* -1 zigzags to 1: a single byte 0x01 */
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_vint(&b, -1);
  assert_int_equal(b.len, 1);
  assert_int_equal(b.data[0], 1);
  cql_buf_free(&b);
}

static void test_string_too_long_for_prefix(void **state) {
  (void)state;
  static uint8_t big[70000];
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_slice s = {big, sizeof(big)};
  cql_buf_put_string(&b, s);
  assert_int_equal(b.err, CQL_E_BAD_LENGTH);
  cql_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars_round_trip),
      cmocka_unit_test(test_unset_refused_where_not_allowed),
      cmocka_unit_test(test_lengths_that_lie),
      cmocka_unit_test(test_vint_boundaries),
      cmocka_unit_test(test_string_too_long_for_prefix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
