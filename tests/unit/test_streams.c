/* Stream-id allocation: exhaustion, reuse, limits, and orphaned ids that
 * stay taken until their late reply arrives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "streams.h"

static void test_exhaust_and_reuse(void **state) {
  (void)state;
  static cql_streams s;
  cql_streams_init(&s, CQL_STREAMS_MAX);
  static uint8_t seen[CQL_STREAMS_MAX];
  for (int i = 0; i < CQL_STREAMS_MAX; i++) {
    int32_t id = cql_streams_acquire(&s);
    assert_true(id >= 0 && id < CQL_STREAMS_MAX);
    assert_int_equal(seen[id], 0);
    seen[id] = 1;
  }
  assert_int_equal(cql_streams_acquire(&s), -1);
  assert_true(cql_streams_release(&s, 12345, NULL));
  assert_int_equal(cql_streams_acquire(&s), 12345);
  assert_int_equal(cql_streams_acquire(&s), -1);
}

static void test_limit(void **state) {
  (void)state;
  cql_streams s;
  cql_streams_init(&s, 100);
  for (int i = 0; i < 100; i++)
    assert_true(cql_streams_acquire(&s) < 100);
  assert_int_equal(cql_streams_acquire(&s), -1);
  assert_false(cql_streams_release(&s, 100, NULL));
  assert_false(cql_streams_release(&s, -1, NULL));
}

static void test_orphan_blocks_reuse_until_reply(void **state) {
  (void)state;
  cql_streams s;
  cql_streams_init(&s, 2);
  int32_t a = cql_streams_acquire(&s);
  int32_t b = cql_streams_acquire(&s);
  cql_streams_orphan(&s, a);
  cql_streams_orphan(&s, a); /* twice is harmless */
  assert_int_equal(s.n_orphaned, 1);
  assert_true(cql_streams_release(&s, b, NULL));
  /* only b comes back: a still waits for its late reply */
  assert_int_equal(cql_streams_acquire(&s), b);
  assert_int_equal(cql_streams_acquire(&s), -1);
  bool orphaned = false;
  assert_true(cql_streams_release(&s, a, &orphaned));
  assert_true(orphaned);
  assert_int_equal(s.n_orphaned, 0);
  assert_int_equal(cql_streams_acquire(&s), a);
}

static void test_reply_on_free_stream_is_refused(void **state) {
  (void)state;
  cql_streams s;
  cql_streams_init(&s, 64);
  assert_false(cql_streams_release(&s, 3, NULL));
  int32_t id = cql_streams_acquire(&s);
  assert_true(cql_streams_release(&s, id, NULL));
  assert_false(cql_streams_release(&s, id, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exhaust_and_reuse),
      cmocka_unit_test(test_limit),
      cmocka_unit_test(test_orphan_blocks_reuse_until_reply),
      cmocka_unit_test(test_reply_on_free_stream_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
