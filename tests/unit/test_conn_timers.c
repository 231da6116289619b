/* Everything the clock drives, with a fake clock: request timeouts with
 * orphaned stream ids and late answers, mixed timeouts in deadline order,
 * the handshake timeout, heartbeats on a quiet connection and the verdict
 * that an unresponsive peer is dead. */
#include "test_conn_fake.h"

static void open_ready(tctx *t, fake_server *fs, cql_conn_config *cfg) {
  tc_open(t, cfg);
  fs_init(fs, cfg->protocol_version);
  fs_handshake(fs, t->conn, 0);
  assert_int_equal(t->ready, 1);
}

static void close_all(tctx *t, fake_server *fs) {
  cql_conn_free(t->conn);
  assert_int_equal(t->closed, 1);
  fs_free(fs);
}

/* Moves the clock and ticks. */
static cql_status advance(tctx *t, uint64_t ms) {
  t->now += ms;
  return cql_conn_tick(t->conn);
}

static void test_timeout_orphans_until_late_reply(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = tc_config(5, true);
  cfg.request_timeout_ms = 500;
  cfg.max_in_flight = 2;
  cfg.heartbeat_interval_ms = 0;
  open_ready(&t, &fs, &cfg);
  assert_int_equal(cql_conn_next_deadline(t.conn), CQL_CONN_NO_DEADLINE);

  treq slow = {0}, fast = {0};
  int16_t s_slow, s_fast;
  assert_int_equal(tq_submit(&t, "slow", 0, &slow, &s_slow), CQL_OK);
  uint64_t deadline = t.now + 500;
  assert_int_equal(cql_conn_next_deadline(t.conn), deadline);
  fs_pump(&fs, t.conn);

  assert_int_equal(advance(&t, 499), CQL_OK);
  assert_int_equal(slow.calls, 0);
  assert_int_equal(advance(&t, 1), CQL_OK);
  assert_int_equal(slow.calls, 1);
  assert_int_equal(slow.status, CQL_E_TIMEOUT);
  assert_int_equal(cql_conn_orphaned(t.conn), 1);
  assert_int_equal(cql_conn_in_flight(t.conn), 0);
  assert_int_equal(cql_conn_next_deadline(t.conn), CQL_CONN_NO_DEADLINE);

  /* the orphaned id is not reused while its answer may still come */
  assert_int_equal(tq_submit(&t, "fast", 0, &fast, &s_fast), CQL_OK);
  assert_int_not_equal(s_fast, s_slow);
  treq third = {0};
  assert_int_equal(tq_submit(&t, "third", 0, &third, NULL), CQL_E_STREAMS_EXHAUSTED);
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 2);

  /* the late answer is swallowed and frees the id */
  fs_send_keyspace(&fs, &fs.msgs[0], cql_slice_from_cstr("late"));
  fs_send_keyspace(&fs, &fs.msgs[1], cql_slice_from_cstr("fast"));
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  assert_int_equal(slow.calls, 1);
  assert_int_equal(fast.calls, 1);
  assert_string_equal(fast.text, "fast");
  assert_int_equal(cql_conn_orphaned(t.conn), 0);
  assert_int_equal(tq_submit(&t, "third", 0, &third, NULL), CQL_OK);
  assert_int_equal(t.closed, 0);
  close_all(&t, &fs);
  assert_int_equal(third.status, CQL_E_CANCELLED);
}

/* Requests with different timeouts expire in deadline order, whatever
 * order they were sent in. */
static void test_mixed_timeouts(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = tc_config(4, false);
  cfg.heartbeat_interval_ms = 0;
  open_ready(&t, &fs, &cfg);
  enum { N = 200 };
  static treq r[N];
  memset(r, 0, sizeof(r));
  uint32_t seed = 99;
  uint32_t timeouts[N];
  for (int i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    timeouts[i] = 10 + (seed >> 16) % 1000;
    if (i % 10 == 0)
      timeouts[i] = CQL_CONN_NO_TIMEOUT;
    assert_int_equal(tq_submit(&t, "q", timeouts[i], &r[i], NULL), CQL_OK);
  }
  for (uint32_t ms = 1; ms <= 1100; ms++) {
    assert_int_equal(advance(&t, 1), CQL_OK);
    for (int i = 0; i < N; i++) {
      bool due = timeouts[i] != CQL_CONN_NO_TIMEOUT && timeouts[i] <= ms;
      assert_int_equal(r[i].calls, due ? 1 : 0);
    }
  }
  for (int i = 0; i < N; i++)
    if (r[i].calls)
      assert_int_equal(r[i].status, CQL_E_TIMEOUT);
  assert_int_equal(cql_conn_next_deadline(t.conn), CQL_CONN_NO_DEADLINE);
  close_all(&t, &fs);
  for (int i = 0; i < N; i += 10)
    assert_int_equal(r[i].status, CQL_E_CANCELLED);
}

/* A timeout callback may submit again (a retry). */
static int retries;

static void retry_cb(cql_conn *c, const cql_conn_result *res, void *ud) {
  treq *r = ud;
  r->calls++;
  r->status = res->status;
  if (res->status == CQL_E_TIMEOUT && retries < 3) {
    retries++;
    cql_request q = tq_query("retry");
    assert_int_equal(cql_conn_submit(c, &q, 100, retry_cb, ud, NULL), CQL_OK);
  }
}

static void test_retry_from_timeout(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = tc_config(5, false);
  cfg.heartbeat_interval_ms = 0;
  open_ready(&t, &fs, &cfg);
  treq r = {0};
  retries = 0;
  cql_request q = tq_query("first");
  assert_int_equal(cql_conn_submit(t.conn, &q, 100, retry_cb, &r, NULL), CQL_OK);
  for (int i = 0; i < 5; i++)
    advance(&t, 100);
  assert_int_equal(r.calls, 4);
  assert_int_equal(retries, 3);
  assert_int_equal(cql_conn_orphaned(t.conn), 4);
  close_all(&t, &fs);
}

static void test_handshake_timeout(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  cfg.handshake_timeout_ms = 300;
  tc_open(&t, &cfg);
  assert_int_equal(cql_conn_next_deadline(t.conn), t.now + 300);
  assert_int_equal(advance(&t, 299), CQL_OK);
  assert_int_equal(t.closed, 0);
  assert_int_equal(advance(&t, 1), CQL_E_TIMEOUT);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_E_TIMEOUT);
  assert_non_null(strstr(t.closed_msg, "handshake"));
  assert_non_null(strstr(t.closed_msg, "waiting for SUPPORTED"));
  assert_int_equal(cql_conn_next_deadline(t.conn), CQL_CONN_NO_DEADLINE);
  assert_int_equal(advance(&t, 1), CQL_E_CONNECTION_CLOSED);
  cql_conn_free(t.conn);
}

/* ---- heartbeats ---------------------------------------------------------------- */

static cql_conn_config hb_config(uint8_t v) {
  cql_conn_config cfg = tc_config(v, true);
  cfg.heartbeat_interval_ms = 1000;
  cfg.idle_timeout_ms = 3000;
  cfg.request_timeout_ms = CQL_CONN_NO_TIMEOUT;
  return cfg;
}

static void test_heartbeat_sent_and_answered(void **state) {
  (void)state;
  for (uint8_t v = 4; v <= 5; v++) {
    tctx t;
    fake_server fs;
    cql_conn_config cfg = hb_config(v);
    open_ready(&t, &fs, &cfg);
    /* The handshake's last write/read was at t.now. */
    uint64_t base = t.now;
    assert_int_equal(cql_conn_next_deadline(t.conn), base + 1000);
    assert_int_equal(advance(&t, 999), CQL_OK);
    assert_false(cql_conn_want_write(t.conn));
    assert_int_equal(advance(&t, 1), CQL_OK);
    assert_true(cql_conn_want_write(t.conn));
    /* while it is outstanding, the dead-peer deadline is what is next */
    assert_int_equal(cql_conn_next_deadline(t.conn), t.now + 3000);
    fs_pump(&fs, t.conn);
    assert_int_equal(fs.n_msgs, 1);
    assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_OPTIONS);
    assert_int_equal(cql_conn_in_flight(t.conn), 1);
    advance(&t, 10);
    fs_send_supported(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
    assert_int_equal(cql_conn_in_flight(t.conn), 0);
    /* the next one is due an interval after that read */
    assert_int_equal(cql_conn_next_deadline(t.conn), t.now + 1000);
    /* the next heartbeat goes out, unanswered but not yet fatal */
    for (int i = 0; i < 5; i++)
      assert_int_equal(advance(&t, 500), CQL_OK);
    assert_int_equal(t.closed, 0);
    assert_int_equal(cql_conn_in_flight(t.conn), 1);
    close_all(&t, &fs);
  }
}

/* Traffic postpones heartbeats. */
static void test_activity_postpones_heartbeat(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = hb_config(5);
  open_ready(&t, &fs, &cfg);
  for (int i = 0; i < 10; i++) {
    advance(&t, 600);
    treq r = {0};
    assert_int_equal(tq_submit(&t, "ping", 0, &r, NULL), CQL_OK);
    fs_pump(&fs, t.conn);
    assert_int_equal(fs.n_msgs, 1);
    assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_QUERY); /* no heartbeat among them */
    fs_send_void(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
    assert_int_equal(r.calls, 1);
  }
  close_all(&t, &fs);
}

static void test_dead_connection(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = hb_config(5);
  open_ready(&t, &fs, &cfg);
  treq pending = {0};
  assert_int_equal(tq_submit(&t, "never answered", 0, &pending, NULL), CQL_OK);
  fs_pump(&fs, t.conn);
  assert_int_equal(advance(&t, 1000), CQL_OK); /* heartbeat goes out */
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 2);
  assert_int_equal(fs.msgs[1].req.opcode, CQL_OP_OPTIONS);
  /* the server goes silent */
  assert_int_equal(advance(&t, 2999), CQL_OK);
  assert_int_equal(t.closed, 0);
  assert_int_equal(advance(&t, 1), CQL_E_TIMEOUT);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_E_TIMEOUT);
  assert_non_null(strstr(t.closed_msg, "dead"));
  assert_int_equal(pending.calls, 1);
  assert_int_equal(pending.status, CQL_E_CONNECTION_CLOSED);
  assert_non_null(strstr(pending.text, "dead"));
  /* nothing more happens */
  assert_int_equal(cql_conn_recv(t.conn, (const uint8_t *)"\x85", 1), CQL_E_CONNECTION_CLOSED);
  assert_false(cql_conn_want_write(t.conn));
  close_all(&t, &fs);
  assert_int_equal(pending.calls, 1);
}

/* Bytes arriving keep an outstanding heartbeat from killing the connection
 * (a busy server answers it late). */
static void test_reads_keep_alive(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = hb_config(4);
  open_ready(&t, &fs, &cfg);
  treq r = {0};
  assert_int_equal(tq_submit(&t, "slow", 0, &r, NULL), CQL_OK);
  fs_pump(&fs, t.conn);
  advance(&t, 1000); /* heartbeat */
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 2);
  /* The answer to "slow" trickles in, one byte every 2 s. */
  fs_send_keyspace(&fs, &fs.msgs[0], cql_slice_from_cstr("done"));
  for (size_t i = 0; i < fs.out.len; i++) {
    assert_int_equal(advance(&t, 2000), CQL_OK);
    assert_int_equal(cql_conn_recv(t.conn, fs.out.data + i, 1), CQL_OK);
  }
  cql_buf_reset(&fs.out);
  assert_int_equal(r.calls, 1);
  assert_int_equal(t.closed, 0);
  assert_int_equal(advance(&t, 3000), CQL_E_TIMEOUT);
  fs_clear(&fs);
  close_all(&t, &fs);
}

/* With every stream id taken the heartbeat waits for the next interval. */
static void test_heartbeat_waits_for_a_stream(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  cql_conn_config cfg = hb_config(5);
  cfg.max_in_flight = 1;
  open_ready(&t, &fs, &cfg);
  treq r = {0};
  assert_int_equal(tq_submit(&t, "busy", 0, &r, NULL), CQL_OK);
  fs_pump(&fs, t.conn);
  assert_int_equal(advance(&t, 1000), CQL_OK);
  assert_false(cql_conn_want_write(t.conn)); /* no id for it */
  assert_int_equal(cql_conn_next_deadline(t.conn), t.now + 1000);
  fs_send_void(&fs, &fs.msgs[0]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  assert_int_equal(advance(&t, 1000), CQL_OK);
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 1);
  assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_OPTIONS);
  fs_clear(&fs);
  close_all(&t, &fs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_timeout_orphans_until_late_reply),
      cmocka_unit_test(test_mixed_timeouts),
      cmocka_unit_test(test_retry_from_timeout),
      cmocka_unit_test(test_handshake_timeout),
      cmocka_unit_test(test_heartbeat_sent_and_answered),
      cmocka_unit_test(test_activity_postpones_heartbeat),
      cmocka_unit_test(test_dead_connection),
      cmocka_unit_test(test_reads_keep_alive),
      cmocka_unit_test(test_heartbeat_waits_for_a_stream),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
