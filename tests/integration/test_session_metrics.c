/* The latency histogram behind cql_session_metrics' percentiles: bucket
 * bounds, the promised ~6% relative error over the whole range, and
 * quantiles of known distributions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../runtime/src/session/metrics.h"

static void test_buckets_cover_every_value(void **state) {
  (void)state;
  for (uint64_t v = 0; v < 100000; v++) {
    uint32_t i = cql_hist_index(v);
    assert_true(v <= cql_hist_upper(i));
    if (i > 0)
      assert_true(v > cql_hist_upper(i - 1));
  }
  uint64_t big[] = {UINT64_C(1) << 40, (UINT64_C(1) << 52) + 12345, UINT64_MAX / 3, UINT64_MAX};
  for (size_t k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
    uint32_t i = cql_hist_index(big[k]);
    assert_true(i < CQL_HIST_BUCKETS);
    assert_true(big[k] <= cql_hist_upper(i));
  }
}

static void test_relative_error_bounded(void **state) {
  (void)state;
  for (uint64_t v = 32; v < (UINT64_C(1) << 40); v = v * 3 / 2 + 7) {
    uint64_t up = cql_hist_upper(cql_hist_index(v));
    assert_true((double)(up - v) <= (double)v / 16.0 + 1);
  }
}

static void test_quantiles(void **state) {
  (void)state;
  static cql_latency_hist h;
  memset(&h, 0, sizeof(h));
  assert_int_equal(cql_hist_quantile(&h, 0.5), 0);
  for (uint64_t v = 1; v <= 10000; v++)
    cql_hist_record(&h, v);
  uint64_t p50 = cql_hist_quantile(&h, 0.50), p99 = cql_hist_quantile(&h, 0.99);
  assert_true(p50 >= 5000 && p50 <= 5000 + 5000 / 16 + 1);
  assert_true(p99 >= 9900 && p99 <= 9900 + 9900 / 16 + 1);
  assert_true(cql_hist_quantile(&h, 1.0) >= 10000);
  /* One slow outlier among fast requests shows in p99.9 only. */
  memset(&h, 0, sizeof(h));
  for (int i = 0; i < 999; i++)
    cql_hist_record(&h, 100);
  cql_hist_record(&h, 1000000);
  assert_true(cql_hist_quantile(&h, 0.99) <= 110);
  assert_true(cql_hist_quantile(&h, 0.9999) >= 1000000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buckets_cover_every_value),
      cmocka_unit_test(test_relative_error_bounded),
      cmocka_unit_test(test_quantiles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
