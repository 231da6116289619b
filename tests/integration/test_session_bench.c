/* A measurement, run as a test so that it keeps working: a prepared
 * single-row SELECT with 256 requests in flight against a cqlkit-node on
 * its own thread. Prints requests/s, the client thread's CPU time per
 * request and the heap allocations per request made through the session's
 * allocator, and fails only when allocations per request regress badly.
 *
 *   build-x/tests/integration/itest_session_bench [requests]
 *
 * (CQLKIT_BENCH_REQUESTS overrides the count as well.) */
#include "itest.h"
#include "session_env.h"

#include <time.h>

typedef struct counting_mem {
  cql_mem mem;
  uint64_t allocations;
} counting_mem;

static void *cm_malloc(size_t n, void *ud) {
  ((counting_mem *)ud)->allocations++;
  return malloc(n);
}

static void *cm_realloc(void *p, size_t n, void *ud) {
  ((counting_mem *)ud)->allocations++;
  return realloc(p, n);
}

static void cm_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

typedef struct bench {
  uv_loop_t loop;
  cql_session *session;
  cql_statement *st;
  uint64_t target, sent, done, failed;
  bool connected, closed;
} bench;

static void on_result(const cql_result *r, void *ud);

static void send_one(bench *b) {
  b->sent++;
  assert_int_equal(cql_session_execute(b->session, b->st, on_result, b), CQL_OK);
}

static void on_result(const cql_result *r, void *ud) {
  bench *b = ud;
  b->done++;
  if (cql_result_status(r) != CQL_OK || cql_result_row_count(r) != 1)
    b->failed++;
  if (b->sent < b->target)
    send_one(b);
}

static void on_connect(cql_session *s, cql_status st, const char *m, void *ud) {
  (void)s;
  if (st != CQL_OK)
    fail_msg("connect: %s", m);
  ((bench *)ud)->connected = true;
}

static void on_closed(cql_session *s, void *ud) {
  (void)s;
  ((bench *)ud)->closed = true;
}

typedef struct prep_wait {
  bool done;
  cql_prepared *p;
} prep_wait;

static void on_prepared(cql_prepared *p, const cql_result *r, void *ud) {
  (void)r;
  prep_wait *w = ud;
  w->p = p;
  w->done = true;
}

static void on_plain(const cql_result *r, void *ud) {
  assert_int_equal(cql_result_status(r), CQL_OK);
  *(bool *)ud = true;
}

static void run_query(bench *b, const char *q) {
  bool done = false;
  assert_int_equal(cql_session_query(b->session, q, on_plain, &done), CQL_OK);
  while (!done)
    uv_run(&b->loop, UV_RUN_ONCE);
}

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t requests_wanted(void) {
  const char *env = getenv("CQLKIT_BENCH_REQUESTS");
  if (env && *env)
    return strtoull(env, NULL, 10);
  return itest_under_valgrind() ? 2000 : 100000;
}

static uint64_t g_requests;

static void test_prepared_select_256_in_flight(void **state) {
  (void)state;
  cql_node_options o;
  cql_node_options_init(&o);
  cql_node_thread *nt = NULL;
  assert_int_equal(cql_node_thread_start(&o, &nt), CQL_OK);
  uint16_t port = cql_node_port(cql_node_thread_node(nt));

  counting_mem cm = {{cm_malloc, cm_realloc, cm_free, NULL}, 0};
  cm.mem.ud = &cm;
  bench b;
  memset(&b, 0, sizeof(b));
  assert_int_equal(uv_loop_init(&b.loop), 0);
  cql_config *cfg = NULL;
  assert_int_equal(cql_config_new(&cfg, &cm.mem), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, port), CQL_OK);
  assert_int_equal(cql_session_connect(&b.loop, cfg, on_connect, &b, &b.session), CQL_OK);
  cql_config_free(cfg);
  while (!b.connected)
    uv_run(&b.loop, UV_RUN_ONCE);
  run_query(&b, "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}");
  run_query(&b, "CREATE TABLE bench.kv (k int PRIMARY KEY, v text)");
  run_query(&b, "INSERT INTO bench.kv (k, v) VALUES (42, 'the answer')");
  prep_wait w = {false, NULL};
  assert_int_equal(
      cql_session_prepare(b.session, "SELECT k, v FROM bench.kv WHERE k = ?", on_prepared, &w),
      CQL_OK);
  while (!w.done)
    uv_run(&b.loop, UV_RUN_ONCE);
  assert_non_null(w.p);
  assert_int_equal(cql_prepared_bind(w.p, &b.st), CQL_OK);
  assert_int_equal(cql_bind_int(b.st, 0, 42), CQL_OK);

  /* Warm up (pools, free lists, buffers), then measure. */
  b.target = 2000;
  for (int i = 0; i < 256; i++)
    send_one(&b);
  while (b.done < b.target)
    uv_run(&b.loop, UV_RUN_ONCE);
  b.sent = b.done = 0;
  b.target = g_requests;
  uint64_t served0 = cql_node_requests(cql_node_thread_node(nt));
  uint64_t allocs0 = cm.allocations;
  uint64_t cpu0 = thread_cpu_ns(), t0 = uv_hrtime();
  for (int i = 0; i < 256; i++)
    send_one(&b);
  while (b.done < b.target)
    uv_run(&b.loop, UV_RUN_ONCE);
  uint64_t cpu = thread_cpu_ns() - cpu0, wall = uv_hrtime() - t0;
  uint64_t allocs = cm.allocations - allocs0;
  assert_int_equal(b.failed, 0);
  /* Every request really went to the node and back. */
  assert_true(cql_node_requests(cql_node_thread_node(nt)) - served0 >= b.done);
  double n = (double)b.done;
  printf("prepared single-row SELECT, 256 in flight, %llu requests:\n"
         "  %.0f requests/s, %.2f us client CPU/request, %.2f allocations/request\n",
         (unsigned long long)b.done, n / ((double)wall / 1e9), (double)cpu / 1e3 / n,
         (double)allocs / n);
  cql_session_metrics m;
  cql_session_get_metrics(b.session, &m);
  printf("  latency p50 %llu us, p99 %llu us, p99.9 %llu us\n",
         (unsigned long long)m.latency_p50_us, (unsigned long long)m.latency_p99_us,
         (unsigned long long)m.latency_p999_us);
  /* A guard, far above today's figure, against an allocation per cell. */
  assert_true((double)allocs / n < 16.0);

  cql_statement_free(b.st);
  cql_prepared_release(w.p);
  cql_session_close(b.session, on_closed, &b);
  while (!b.closed)
    uv_run(&b.loop, UV_RUN_ONCE);
  uv_run(&b.loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&b.loop), 0);
  cql_node_thread_stop(nt);
}

int main(int argc, char **argv) {
  g_requests = argc > 1 ? strtoull(argv[1], NULL, 10) : requests_wanted();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prepared_select_256_in_flight),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
