/* Sessions against an in-process cqlkit-node: connect, queries, the
 * prepared cache (one round trip for concurrent prepares of one text),
 * UNPREPARED answered by a transparent re-prepare, 10,000 requests in
 * flight, request timeouts (and the late reply that frees the stream),
 * reconnection after the node drops every connection, USE propagation,
 * metrics, and close with requests in flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "itest.h"

/* ---- helpers -------------------------------------------------------------------- */

typedef struct counter {
  int done;
  int ok;
  int failed;
  cql_status last;
  int cancelled;
} counter;

static void count_cb(const cql_result *r, void *ud) {
  counter *c = ud;
  c->done++;
  cql_status st = cql_result_status(r);
  c->last = st;
  if (st == CQL_OK)
    c->ok++;
  else
    c->failed++;
  if (st == CQL_E_CANCELLED)
    c->cancelled++;
}

static void run_until_count(itest *t, const counter *c, int n, const char *what) {
  uint64_t start = uv_now(t->loop);
  while (c->done < n) {
    if (uv_now(t->loop) - start > 30000)
      fail_msg("timed out waiting for %s (%d of %d)", what, c->done, n);
    uv_run(t->loop, UV_RUN_ONCE);
  }
}

static void setup_table(itest *t) {
  itest_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}");
  itest_ok(t, "CREATE TABLE ks.kv (k int PRIMARY KEY, v text)");
  itest_ok(t, "INSERT INTO ks.kv (k, v) VALUES (1, 'one')");
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_connect_and_query(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  setup_table(&t);
  cql_result *r = itest_query(&t, "SELECT v FROM ks.kv WHERE k = 1");
  itest_assert_ok(r, "select");
  assert_int_equal(cql_result_row_count(r), 1);
  cql_slice v;
  assert_int_equal(cql_result_get_text(r, 0, 0, &v), CQL_OK);
  assert_true(cql_slice_eq_cstr(v, "one"));
  cql_result_release(r);

  cql_session_metrics m;
  cql_session_get_metrics(t.session, &m);
  assert_int_equal(m.protocol_version, 5);
  assert_true(m.connections >= 1);
  assert_true(m.requests >= 4);
  assert_true(m.bytes_sent > 0 && m.bytes_received > 0);
  assert_true(m.latency_p50_us > 0 && m.latency_p50_us <= m.latency_p99_us);
  itest_stop(&t);
}

static void test_server_error_keeps_code(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  cql_result *r = itest_query(&t, "SELECT * FROM nosuchks.nosuchtable");
  assert_int_not_equal(cql_result_status(r), CQL_OK);
  const cql_error_info *e = cql_result_error(r);
  assert_non_null(e);
  assert_true(e->server_code >= 0);
  cql_result_release(r);
  itest_stop(&t);
}

typedef struct prep_state {
  int done;
  cql_prepared *p[8];
  cql_status st[8];
} prep_state;

typedef struct prep_slot {
  prep_state *ps;
  int i;
} prep_slot;

static void prep_cb(cql_prepared *p, const cql_result *r, void *ud) {
  prep_slot *slot = ud;
  slot->ps->p[slot->i] = p;
  slot->ps->st[slot->i] = p ? CQL_OK : cql_result_status(r);
  slot->ps->done++;
}

static void test_prepare_cache_and_dedupe(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  setup_table(&t);
  uint64_t before = cql_node_requests(t.node);
  prep_state ps;
  memset(&ps, 0, sizeof(ps));
  prep_slot slots[8];
  const char *query = "SELECT v FROM ks.kv WHERE k = ?";
  /* The synchronous lookup sees only fully prepared statements. */
  assert_null(cql_session_prepared_cached(t.session, query));
  for (int i = 0; i < 4; i++) {
    slots[i] = (prep_slot){&ps, i};
    assert_int_equal(cql_session_prepare(t.session, query, prep_cb, &slots[i]), CQL_OK);
  }
  assert_int_equal(ps.done, 0);                               /* never inside the submitting call */
  assert_null(cql_session_prepared_cached(t.session, query)); /* still in flight */
  uint64_t start = uv_now(t.loop);
  while (ps.done < 4 && uv_now(t.loop) - start < 10000)
    uv_run(t.loop, UV_RUN_ONCE);
  assert_int_equal(ps.done, 4);
  /* Four concurrent prepares of one text: one PREPARE on the wire. */
  assert_int_equal(cql_node_requests(t.node) - before, 1);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(ps.st[i], CQL_OK);
    assert_ptr_equal(ps.p[i], ps.p[0]);
  }
  /* A later prepare is answered from the cache. */
  slots[4] = (prep_slot){&ps, 4};
  assert_int_equal(
      cql_session_prepare(t.session, "SELECT v FROM ks.kv WHERE k = ?", prep_cb, &slots[4]),
      CQL_OK);
  while (ps.done < 5 && uv_now(t.loop) - start < 10000)
    uv_run(t.loop, UV_RUN_ONCE);
  assert_int_equal(cql_node_requests(t.node) - before, 1);
  assert_ptr_equal(ps.p[4], ps.p[0]);
  cql_prepared *cached = cql_session_prepared_cached(t.session, query);
  assert_ptr_equal(cached, ps.p[0]); /* a new reference to the same statement */
  cql_prepared_release(cached);
  assert_null(cql_session_prepared_cached(t.session, "SELECT v FROM ks.kv WHERE k = 1"));

  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(ps.p[0], &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 1), CQL_OK);
  cql_result *r = itest_execute(&t, st);
  itest_assert_ok(r, "execute");
  assert_int_equal(cql_result_row_count(r), 1);
  cql_result_release(r);

  /* The node forgets: the session re-prepares and retries, unseen. */
  cql_node_forget_prepared(t.node);
  r = itest_execute(&t, st);
  itest_assert_ok(r, "execute after forget");
  assert_int_equal(cql_result_row_count(r), 1);
  cql_result_release(r);
  cql_session_metrics m;
  cql_session_get_metrics(t.session, &m);
  assert_int_equal(m.reprepares, 1);

  cql_statement_free(st);
  for (int i = 0; i < 5; i++)
    cql_prepared_release(ps.p[i]);
  itest_stop(&t);
}

/* ALTER TABLE changes a prepared SELECT *'s columns: the v5 result says
 * METADATA_CHANGED, the session updates the prepared statement and the
 * results show the new column. */
static void test_metadata_changed(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  setup_table(&t);
  cql_prepared *p = itest_prepare(&t, "SELECT * FROM ks.kv WHERE k = ?");
  assert_int_equal(cql_prepared_column_count(p), 2);
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 1), CQL_OK);
  cql_result *r = itest_execute(&t, st);
  itest_assert_ok(r, "before ALTER");
  assert_int_equal(cql_result_column_count(r), 2);
  cql_result_release(r);
  itest_ok(&t, "ALTER TABLE ks.kv ADD extra int");
  r = itest_execute(&t, st);
  itest_assert_ok(r, "after ALTER");
  assert_int_equal(cql_result_column_count(r), 3);
  cql_result_release(r);
  assert_int_equal(cql_prepared_column_count(p), 3);
  r = itest_execute(&t, st);
  itest_assert_ok(r, "again");
  assert_int_equal(cql_result_column_count(r), 3);
  cql_result_release(r);
  cql_statement_free(st);
  cql_prepared_release(p);
  itest_stop(&t);
}

static void test_ten_thousand_in_flight(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  setup_table(&t);
  cql_prepared *p = itest_prepare(&t, "SELECT v FROM ks.kv WHERE k = ?");
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 1), CQL_OK);
  int n = itest_under_valgrind() ? 1000 : 10000;
  counter c;
  memset(&c, 0, sizeof(c));
  for (int i = 0; i < n; i++)
    assert_int_equal(cql_session_execute(t.session, st, count_cb, &c), CQL_OK);
  cql_session_metrics m;
  cql_session_get_metrics(t.session, &m);
  assert_int_equal(m.in_flight, (uint32_t)n);
  run_until_count(&t, &c, n, "10,000 requests");
  assert_int_equal(c.ok, n);
  cql_statement_free(st);
  cql_prepared_release(p);
  itest_stop(&t);
}

static void short_timeout(cql_config *cfg, void *ud) {
  (void)ud;
  cql_config_set_request_timeout(cfg, 200);
}

static void test_request_timeout_and_late_reply(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, short_timeout, NULL);
  setup_table(&t);
  cql_node_set_delay_ms(t.node, 600);
  counter c;
  memset(&c, 0, sizeof(c));
  assert_int_equal(cql_session_query(t.session, "SELECT v FROM ks.kv WHERE k = 1", count_cb, &c),
                   CQL_OK);
  run_until_count(&t, &c, 1, "the timeout");
  assert_int_equal(c.last, CQL_E_TIMEOUT);
  /* Let the late reply arrive (it is dropped), then the connection still
   * works. */
  cql_node_set_delay_ms(t.node, 0);
  uint64_t start = uv_now(t.loop);
  while (uv_now(t.loop) - start < 800)
    uv_run(t.loop, UV_RUN_NOWAIT), uv_sleep(5);
  cql_result *r = itest_query(&t, "SELECT v FROM ks.kv WHERE k = 1");
  itest_assert_ok(r, "after the late reply");
  cql_result_release(r);
  cql_session_metrics m;
  cql_session_get_metrics(t.session, &m);
  assert_int_equal(m.timeouts, 1);
  itest_stop(&t);
}

static void fast_backoff(cql_config *cfg, void *ud) {
  (void)ud;
  cql_config_set_reconnect_backoff(cfg, 20, 200);
}

static void test_reconnect_after_drop(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, fast_backoff, NULL);
  setup_table(&t);
  cql_node_drop_connections(t.node);
  /* Wait for the pool to come back. */
  uint64_t start = uv_now(t.loop);
  cql_session_metrics m;
  bool dropped = false;
  for (;;) {
    uv_run(t.loop, UV_RUN_NOWAIT);
    cql_session_get_metrics(t.session, &m);
    if (m.connections == 0)
      dropped = true;
    if (dropped && m.connections >= 1)
      break;
    if (uv_now(t.loop) - start > 10000)
      fail_msg("the pool did not reconnect");
    uv_sleep(2);
  }
  cql_result *r = itest_query(&t, "SELECT v FROM ks.kv WHERE k = 1");
  itest_assert_ok(r, "after reconnect");
  cql_result_release(r);
  itest_stop(&t);
}

static void test_set_keyspace(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  setup_table(&t);
  counter c;
  memset(&c, 0, sizeof(c));
  assert_int_equal(cql_session_set_keyspace(t.session, "ks", count_cb, &c), CQL_OK);
  run_until_count(&t, &c, 1, "USE");
  assert_int_equal(c.last, CQL_OK);
  cql_result *r = itest_query(&t, "SELECT v FROM kv WHERE k = 1");
  itest_assert_ok(r, "unqualified select");
  assert_int_equal(cql_result_row_count(r), 1);
  cql_result_release(r);
  /* New connections USE it too. */
  cql_node_drop_connections(t.node);
  counter c2;
  memset(&c2, 0, sizeof(c2));
  uint64_t start = uv_now(t.loop);
  while (uv_now(t.loop) - start < 10000) {
    memset(&c2, 0, sizeof(c2));
    cql_session_query(t.session, "SELECT v FROM kv WHERE k = 1", count_cb, &c2);
    run_until_count(&t, &c2, 1, "select after reconnect");
    if (c2.ok)
      break;
    uv_sleep(20);
  }
  assert_int_equal(c2.ok, 1);
  itest_stop(&t);
}

typedef struct close_state {
  counter *c;
  bool closed;
  int done_at_close;
} close_state;

static void on_closed(cql_session *s, void *ud) {
  (void)s;
  close_state *cs = ud;
  cs->closed = true;
  cs->done_at_close = cs->c->done;
}

static void test_close_with_requests_in_flight(void **state) {
  (void)state;
  itest t;
  itest_start(&t, NULL, NULL, NULL);
  setup_table(&t);
  cql_node_set_delay_ms(t.node, 2000);
  counter c;
  memset(&c, 0, sizeof(c));
  for (int i = 0; i < 100; i++)
    assert_int_equal(cql_session_query(t.session, "SELECT v FROM ks.kv WHERE k = 1", count_cb, &c),
                     CQL_OK);
  uv_run(t.loop, UV_RUN_NOWAIT); /* they are on the wire */
  close_state cs = {&c, false, 0};
  cql_session_close(t.session, on_closed, &cs);
  t.session = NULL;
  uint64_t start = uv_now(t.loop);
  while (!cs.closed && uv_now(t.loop) - start < 5000)
    uv_run(t.loop, UV_RUN_ONCE);
  assert_true(cs.closed);
  assert_int_equal(cs.done_at_close, 100); /* every request before the close callback */
  assert_int_equal(c.cancelled, 100);
  cql_node_set_delay_ms(t.node, 0);
  itest_stop(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_connect_and_query),
      cmocka_unit_test(test_server_error_keeps_code),
      cmocka_unit_test(test_prepare_cache_and_dedupe),
      cmocka_unit_test(test_metadata_changed),
      cmocka_unit_test(test_ten_thousand_in_flight),
      cmocka_unit_test(test_request_timeout_and_late_reply),
      cmocka_unit_test(test_reconnect_after_drop),
      cmocka_unit_test(test_set_keyspace),
      cmocka_unit_test(test_close_with_requests_in_flight),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
