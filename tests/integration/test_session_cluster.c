/* A three-node cqlkit-node cluster (127.0.0.1..3): discovery through the
 * control connection, round robin for unrouted statements, token-aware
 * routing for bound ones, retries on another host (OVERLOADED), no retry of
 * non-idempotent statements after a timeout, and a node going down and
 * coming back. */
#include "session_env.h"

static void fast(cql_config *cfg, void *ud) {
  (void)ud;
  cql_config_set_reconnect_backoff(cfg, 20, 200);
}

static void start_cluster(senv *e) {
  cql_node_options o;
  cql_node_options_init(&o);
  o.nodes = 3;
  senv_start_node(e, &o);
  assert_int_equal(senv_connect(e, fast, NULL), CQL_OK);
}

static void wait_hosts_up(senv *e, uint32_t n) {
  cql_session_metrics m;
  for (int i = 0; i < 500; i++) {
    cql_session_get_metrics(e->session, &m);
    if (m.hosts_up == n && m.connections == n)
      return;
    senv_run_for(e, 10);
  }
  fail_msg("expected %u hosts up, have %u (connections %u)", n, m.hosts_up, m.connections);
}

/* Which node answered: system.local describes the node of the connection. */
static uint32_t answering_node(const cql_result *r) {
  assert_int_equal(cql_result_status(r), CQL_OK);
  assert_int_equal(cql_result_row_count(r), 1);
  cql_inet a;
  assert_int_equal(cql_result_get_inet(r, 0, 0, &a), CQL_OK);
  assert_int_equal(a.len, 4);
  return a.addr[3];
}

static void test_discovery(void **state) {
  (void)state;
  senv e;
  start_cluster(&e);
  wait_hosts_up(&e, 3);
  senv_stop(&e);
}

static void test_round_robin_and_token_aware(void **state) {
  (void)state;
  senv e;
  start_cluster(&e);
  wait_hosts_up(&e, 3);
  unsigned seen = 0;
  for (int i = 0; i < 12; i++) {
    cql_result *r = senv_query(&e, "SELECT rpc_address FROM system.local WHERE key = 'local'");
    seen |= 1u << answering_node(r);
    cql_result_release(r);
  }
  /* Unrouted: every node serves some. */
  assert_int_equal(seen, (1u << 1) | (1u << 2) | (1u << 3));

  cql_prepared *p = senv_prepare(&e, "SELECT rpc_address FROM system.local WHERE key = ?");
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 0, "local"), CQL_OK);
  seen = 0;
  for (int i = 0; i < 12; i++) {
    cql_result *r = senv_execute(&e, st);
    seen |= 1u << answering_node(r);
    cql_result_release(r);
  }
  /* Routed by the key's token: always the same replica. */
  assert_int_equal(__builtin_popcount(seen), 1);
  cql_statement_free(st);
  cql_prepared_release(p);
  senv_stop(&e);
}

static void test_retry_overloaded_elsewhere(void **state) {
  (void)state;
  senv e;
  start_cluster(&e);
  wait_hosts_up(&e, 3);
  cql_node_fail_next(e.node, 1, 0x1001, "busy");
  cql_result *r = senv_query(&e, "SELECT rpc_address FROM system.local");
  assert_int_equal(cql_result_status(r), CQL_OK);
  cql_result_release(r);
  cql_session_metrics m;
  cql_session_get_metrics(e.session, &m);
  assert_int_equal(m.retries, 1);
  senv_stop(&e);
}

static void short_timeout(cql_config *cfg, void *ud) {
  (void)ud;
  cql_config_set_request_timeout(cfg, 150);
  cql_config_set_reconnect_backoff(cfg, 20, 200);
}

typedef struct one {
  bool done;
  cql_status st;
} one;

static void one_cb(const cql_result *r, void *ud) {
  one *o = ud;
  o->st = cql_result_status(r);
  o->done = true;
}

static cql_status run_statement(senv *e, const char *q, bool idempotent) {
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, q, 0, NULL), CQL_OK);
  assert_int_equal(cql_statement_set_idempotent(st, idempotent), CQL_OK);
  one o = {false, CQL_OK};
  assert_int_equal(cql_session_execute(e->session, st, one_cb, &o), CQL_OK);
  cql_statement_free(st);
  assert_true(senv_run_until(e, &o.done, 10000));
  return o.st;
}

static void test_no_retry_for_non_idempotent(void **state) {
  (void)state;
  senv e;
  cql_node_options o;
  cql_node_options_init(&o);
  o.nodes = 3;
  senv_start_node(&e, &o);
  assert_int_equal(senv_connect(&e, short_timeout, NULL), CQL_OK);
  wait_hosts_up(&e, 3);
  senv_ok(&e, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}");
  senv_ok(&e, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
  cql_node_set_delay_ms(e.node, 400);
  assert_int_equal(run_statement(&e, "INSERT INTO ks.t (k, v) VALUES (1, 1)", false),
                   CQL_E_TIMEOUT);
  cql_session_metrics m;
  cql_session_get_metrics(e.session, &m);
  assert_int_equal(m.retries, 0);
  /* The same write marked idempotent goes to the other hosts. */
  assert_int_equal(run_statement(&e, "INSERT INTO ks.t (k, v) VALUES (1, 1)", true), CQL_E_TIMEOUT);
  cql_session_get_metrics(e.session, &m);
  assert_int_equal(m.retries, 2);
  cql_node_set_delay_ms(e.node, 0);
  senv_run_for(&e, 500); /* late answers arrive and are dropped */
  senv_stop(&e);
}

static void test_node_down_and_back(void **state) {
  (void)state;
  senv e;
  start_cluster(&e);
  wait_hosts_up(&e, 3);
  cql_node_set_down(e.node, 1, true);
  cql_session_metrics m;
  for (int i = 0; i < 300; i++) {
    cql_session_get_metrics(e.session, &m);
    if (m.hosts_up == 2)
      break;
    senv_run_for(&e, 10);
  }
  assert_int_equal(m.hosts_up, 2);
  for (int i = 0; i < 6; i++) {
    cql_result *r = senv_query(&e, "SELECT rpc_address FROM system.local");
    assert_int_not_equal(answering_node(r), 2);
    cql_result_release(r);
  }
  cql_node_set_down(e.node, 1, false);
  wait_hosts_up(&e, 3);
  senv_stop(&e);
}

/* The contact point (and with it the control connection) goes down: the
 * session keeps serving from the other nodes, moves its control
 * connection, and takes the node back when it returns. */
static void test_control_host_down_and_back(void **state) {
  (void)state;
  senv e;
  start_cluster(&e);
  wait_hosts_up(&e, 3);
  cql_node_set_down(e.node, 0, true);
  cql_session_metrics m;
  for (int i = 0; i < 300; i++) {
    cql_session_get_metrics(e.session, &m);
    if (m.hosts_up == 2)
      break;
    senv_run_for(&e, 10);
  }
  assert_int_equal(m.hosts_up, 2);
  senv_run_for(&e, 300); /* the control connection moves */
  for (int i = 0; i < 6; i++) {
    cql_result *r = senv_query(&e, "SELECT rpc_address FROM system.local");
    assert_int_not_equal(answering_node(r), 1);
    cql_result_release(r);
  }
  cql_node_set_down(e.node, 0, false);
  wait_hosts_up(&e, 3);
  senv_stop(&e);
}

/* Routed statements on keyspaces with several replicas (SimpleStrategy
 * and NetworkTopologyStrategy), also while a node is down. */
static void test_replicated_keyspaces(void **state) {
  (void)state;
  senv e;
  start_cluster(&e);
  wait_hosts_up(&e, 3);
  senv_ok(&e, "CREATE KEYSPACE s2 WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 2}");
  senv_ok(&e, "CREATE KEYSPACE n2 WITH replication = {'class': 'NetworkTopologyStrategy', "
              "'datacenter1': 2}");
  senv_ok(&e, "CREATE TABLE s2.t (k int PRIMARY KEY, v int)");
  senv_ok(&e, "CREATE TABLE n2.t (k int PRIMARY KEY, v int)");
  senv_run_for(&e, 100); /* the schema event refreshes the replication map */
  cql_node_set_down(e.node, 1, true);
  const char *ins[] = {"INSERT INTO s2.t (k, v) VALUES (?, ?)",
                       "INSERT INTO n2.t (k, v) VALUES (?, ?)"};
  const char *sel[] = {"SELECT v FROM s2.t WHERE k = ?", "SELECT v FROM n2.t WHERE k = ?"};
  for (int t = 0; t < 2; t++) {
    cql_prepared *pi = senv_prepare(&e, ins[t]);
    cql_prepared *ps = senv_prepare(&e, sel[t]);
    for (int k = 0; k < 20; k++) {
      cql_statement *st = NULL;
      assert_int_equal(cql_prepared_bind(pi, &st), CQL_OK);
      assert_int_equal(cql_bind_int(st, 0, k), CQL_OK);
      assert_int_equal(cql_bind_int(st, 1, k * 10), CQL_OK);
      cql_result *r = senv_execute(&e, st);
      assert_int_equal(cql_result_status(r), CQL_OK);
      cql_result_release(r);
      cql_statement_free(st);
      assert_int_equal(cql_prepared_bind(ps, &st), CQL_OK);
      assert_int_equal(cql_bind_int(st, 0, k), CQL_OK);
      r = senv_execute(&e, st);
      assert_int_equal(cql_result_status(r), CQL_OK);
      int32_t v = 0;
      assert_int_equal(cql_result_get_int(r, 0, 0, &v), CQL_OK);
      assert_int_equal(v, k * 10);
      cql_result_release(r);
      cql_statement_free(st);
    }
    cql_prepared_release(pi);
    cql_prepared_release(ps);
  }
  cql_node_set_down(e.node, 1, false);
  senv_stop(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_discovery),
      cmocka_unit_test(test_round_robin_and_token_aware),
      cmocka_unit_test(test_retry_overloaded_elsewhere),
      cmocka_unit_test(test_no_retry_for_non_idempotent),
      cmocka_unit_test(test_node_down_and_back),
      cmocka_unit_test(test_control_host_down_and_back),
      cmocka_unit_test(test_replicated_keyspaces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
