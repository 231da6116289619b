/* How a connection ends: closed by its owner with requests pending, a
 * transport failure, every kind of protocol violation; callbacks that
 * submit, cancel, close or free the connection from inside; and allocation
 * failures at every step. Throughout: each request's callback fires exactly
 * once, on_closed exactly once and last, and nothing leaks. */
#include "test_conn_fake.h"

#include "envelope.h"

static void open_ready(tctx *t, fake_server *fs, uint8_t v, bool lz4) {
  cql_conn_config cfg = tc_config(v, lz4);
  tc_open(t, &cfg);
  fs_init(fs, v);
  fs_handshake(fs, t->conn, 0);
  assert_int_equal(t->ready, 1);
}

static void submit_n(tctx *t, treq *r, int n) {
  for (int i = 0; i < n; i++)
    assert_int_equal(tq_submit(t, "q", 0, &r[i], NULL), CQL_OK);
}

static void expect_all(const treq *r, int n, cql_status st) {
  for (int i = 0; i < n; i++) {
    assert_int_equal(r[i].calls, 1);
    assert_int_equal(r[i].status, st);
  }
}

/* ---- closing -------------------------------------------------------------------- */

static void test_close_with_pending(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, true);
  treq r[50] = {{0}};
  submit_n(&t, r, 50);
  fs_pump(&fs, t.conn);
  cql_conn_close(t.conn);
  expect_all(r, 50, CQL_E_CANCELLED);
  assert_non_null(strstr(r[0].text, "owner"));
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_OK);
  assert_int_equal(cql_conn_get_state(t.conn), CQL_CONN_CLOSED);
  /* late answers are ignored, and nothing fires twice */
  for (int i = 0; i < 50; i++)
    fs_send_void(&fs, &fs.msgs[i]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_E_CONNECTION_CLOSED);
  cql_conn_close(t.conn);
  assert_int_equal(cql_conn_tick(t.conn), CQL_E_CONNECTION_CLOSED);
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_conn_take_output(t.conn, &b), CQL_OK);
  assert_int_equal(b.len, 0);
  cql_buf_free(&b);
  cql_conn_free(t.conn);
  expect_all(r, 50, CQL_E_CANCELLED);
  assert_int_equal(t.closed, 1);
  fs_free(&fs);
}

static void test_free_with_pending(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 4, false);
  treq r[5] = {{0}};
  submit_n(&t, r, 5);
  cql_conn_free(t.conn);
  expect_all(r, 5, CQL_E_CANCELLED);
  assert_int_equal(t.closed, 1);
  fs_free(&fs);
}

static void test_close_during_handshake(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  tc_open(&t, &cfg);
  cql_conn_close(t.conn);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.ready, 0);
  assert_int_equal(t.info.status, CQL_OK);
  cql_conn_free(t.conn);
}

static void test_transport_abort(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, false);
  treq r[3] = {{0}};
  submit_n(&t, r, 3);
  cql_conn_abort(t.conn, CQL_E_CONNECTION_CLOSED, "peer closed the connection (EOF)");
  expect_all(r, 3, CQL_E_CONNECTION_CLOSED);
  assert_non_null(strstr(r[0].text, "EOF"));
  assert_int_equal(t.info.status, CQL_E_CONNECTION_CLOSED);
  assert_string_equal(t.closed_msg, "peer closed the connection (EOF)");
  cql_conn_abort(t.conn, CQL_E_TLS, "twice");
  assert_int_equal(t.closed, 1);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* ---- protocol violations -------------------------------------------------------------- */

/* Three requests pending; the server then sends what `bad` writes into
 * fs->out after a good answer to the first, and a good answer to the third
 * after it. The connection must fail with `expect`. Returns the statuses. */
typedef void (*bad_fn)(fake_server *fs);

static void violation(uint8_t v, bad_fn bad, cql_status expect, cql_status second) {
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, v, v == 5);
  treq r[3] = {{0}};
  submit_n(&t, r, 3);
  fs_pump(&fs, t.conn);
  fs_send_void(&fs, &fs.msgs[0]);
  bad(&fs);
  fs_send_void(&fs, &fs.msgs[2]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), expect);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, expect);
  assert_int_equal(r[0].calls, 1);
  assert_int_equal(r[0].status, CQL_OK);
  assert_int_equal(r[1].calls, 1);
  assert_int_equal(r[1].status, second);
  assert_int_equal(r[2].calls, 1);
  assert_int_equal(r[2].status, CQL_E_CONNECTION_CLOSED);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

static int16_t unused_stream = 777;

static void bad_unknown_stream(fake_server *fs) {
  cql_response r = {.opcode = CQL_OP_RESULT};
  r.u.result.kind = CQL_RESULT_VOID;
  fs_send_on(fs, unused_stream, &r);
}

static void bad_error_unknown_stream(fake_server *fs) {
  cql_response r = {.opcode = CQL_OP_ERROR};
  r.u.error.code = CQL_SERVER_PROTOCOL_ERROR;
  r.u.error.message = cql_slice_from_cstr("Invalid frame");
  fs_send_on(fs, 0x1234, &r);
}

static void bad_result_on_minus_one(fake_server *fs) {
  cql_response r = {.opcode = CQL_OP_RESULT};
  r.u.result.kind = CQL_RESULT_VOID;
  fs_send_on(fs, -1, &r);
}

static void bad_ready_to_query(fake_server *fs) {
  cql_response r = {.opcode = CQL_OP_READY};
  bool framed = fs->framed;
  fs->framed = true; /* no framing switch: it is not the handshake's READY */
  fs_send(fs, &fs->msgs[1], &r);
  fs->framed = framed;
}

/* Raw bytes: a header claiming RESULT with a 2-byte body. */
static void put_raw_envelope(fake_server *fs, uint8_t version, int16_t stream, uint8_t op,
                             const uint8_t *body, uint32_t len) {
  uint8_t env[64];
  cql_header h = {(uint8_t)(version | 0x80), 0, stream, op, len};
  cql_header_encode(env, &h);
  memcpy(env + 9, body, len);
  if (fs->version == 5)
    assert_int_equal(cql_segment_frame(&fs->out, (cql_slice){env, 9 + len}, fs->lz4), CQL_OK);
  else
    cql_buf_put_raw(&fs->out, env, 9 + len);
}

static void bad_truncated_result(fake_server *fs) {
  static const uint8_t body[2] = {0, 0};
  put_raw_envelope(fs, fs->version, fs->msgs[1].env.header.stream, CQL_OP_RESULT, body, 2);
}

static void bad_other_version(fake_server *fs) {
  static const uint8_t body[4] = {0, 0, 0, 1};
  put_raw_envelope(fs, fs->version == 5 ? 4 : 5, fs->msgs[1].env.header.stream, CQL_OP_RESULT, body,
                   4);
}

static void bad_request_direction(fake_server *fs) {
  uint8_t env[9];
  cql_header h = {fs->version, 0, fs->msgs[1].env.header.stream, CQL_OP_RESULT, 0};
  cql_header_encode(env, &h);
  if (fs->version == 5)
    assert_int_equal(cql_segment_frame(&fs->out, (cql_slice){env, 9}, fs->lz4), CQL_OK);
  else
    cql_buf_put_raw(&fs->out, env, 9);
}

static void bad_event(fake_server *fs) {
  static const uint8_t body[3] = {0, 1, 'X'}; /* an unknown event type */
  put_raw_envelope(fs, fs->version, -1, CQL_OP_EVENT, body, 3);
}

static void bad_crc(fake_server *fs) {
  size_t start = fs->out.len;
  cql_response r = {.opcode = CQL_OP_RESULT};
  r.u.result.kind = CQL_RESULT_VOID;
  fs_send(fs, &fs->msgs[1], &r);
  fs->out.data[start + fs->out.len / 2 - start / 2] ^= 0x40; /* somewhere inside it */
}

static void test_reply_on_unknown_stream(void **state) {
  (void)state;
  violation(5, bad_unknown_stream, CQL_E_BAD_MESSAGE, CQL_E_CONNECTION_CLOSED);
  violation(4, bad_unknown_stream, CQL_E_BAD_MESSAGE, CQL_E_CONNECTION_CLOSED);
}

static void test_error_on_unknown_stream(void **state) {
  (void)state;
  violation(5, bad_error_unknown_stream, CQL_E_SERVER_PROTOCOL_ERROR, CQL_E_CONNECTION_CLOSED);
}

static void test_non_event_on_minus_one(void **state) {
  (void)state;
  violation(4, bad_result_on_minus_one, CQL_E_BAD_MESSAGE, CQL_E_CONNECTION_CLOSED);
}

static void test_unexpected_opcode(void **state) {
  (void)state;
  violation(5, bad_ready_to_query, CQL_E_BAD_OPCODE, CQL_E_BAD_OPCODE);
  violation(4, bad_ready_to_query, CQL_E_BAD_OPCODE, CQL_E_BAD_OPCODE);
}

static void test_undecodable_body(void **state) {
  (void)state;
  violation(5, bad_truncated_result, CQL_E_TRUNCATED, CQL_E_TRUNCATED);
  violation(4, bad_truncated_result, CQL_E_TRUNCATED, CQL_E_TRUNCATED);
}

static void test_version_change_mid_connection(void **state) {
  (void)state;
  violation(5, bad_other_version, CQL_E_BAD_VERSION, CQL_E_CONNECTION_CLOSED);
  violation(4, bad_other_version, CQL_E_BAD_VERSION, CQL_E_CONNECTION_CLOSED);
}

static void test_request_direction(void **state) {
  (void)state;
  violation(5, bad_request_direction, CQL_E_BAD_VERSION, CQL_E_CONNECTION_CLOSED);
  violation(4, bad_request_direction, CQL_E_BAD_VERSION, CQL_E_CONNECTION_CLOSED);
}

static void test_malformed_event(void **state) {
  (void)state;
  violation(5, bad_event, CQL_E_BAD_MESSAGE, CQL_E_CONNECTION_CLOSED);
}

static void test_bad_segment_crc(void **state) {
  (void)state;
  violation(5, bad_crc, CQL_E_BAD_CRC, CQL_E_CONNECTION_CLOSED);
}

static void test_garbage(void **state) {
  (void)state;
  for (uint8_t v = 4; v <= 5; v++) {
    tctx t;
    fake_server fs;
    open_ready(&t, &fs, v, false);
    treq r = {0};
    submit_n(&t, &r, 1);
    static const uint8_t junk[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    cql_status st = cql_conn_recv(t.conn, junk, sizeof(junk) - 1);
    assert_true(cql_status_source(st) == CQL_SOURCE_PROTOCOL);
    assert_int_equal(t.closed, 1);
    assert_int_equal(t.info.status, st);
    assert_non_null(strstr(t.closed_msg, "protocol violation"));
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.status, CQL_E_CONNECTION_CLOSED);
    cql_conn_free(t.conn);
    fs_free(&fs);
  }
}

/* ---- callbacks that call back --------------------------------------------------------- */

typedef struct chain {
  tctx *t;
  int done, limit;
  treq last;
} chain;

static void chain_cb(cql_conn *c, const cql_conn_result *res, void *ud) {
  chain *ch = ud;
  assert_int_equal(res->status, CQL_OK);
  if (++ch->done < ch->limit) {
    cql_request q = tq_query("next");
    assert_int_equal(cql_conn_submit(c, &q, 0, chain_cb, ch, NULL), CQL_OK);
  }
}

static void test_submit_from_callback(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, true);
  chain ch = {&t, 0, 100, {0}};
  cql_request q = tq_query("first");
  assert_int_equal(cql_conn_submit(t.conn, &q, 0, chain_cb, &ch, NULL), CQL_OK);
  for (int round = 0; round < 200 && cql_conn_want_write(t.conn); round++) {
    fs_pump(&fs, t.conn);
    for (size_t i = 0; i < fs.n_msgs; i++)
      fs_send_void(&fs, &fs.msgs[i]);
    fs_clear(&fs);
    assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  }
  assert_int_equal(ch.done, 100);
  assert_int_equal(cql_conn_in_flight(t.conn), 0);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* The first answer's callback closes the connection; answers behind it in
 * the same read are not delivered, and the others get CANCELLED once. */
typedef struct closer {
  treq r;
  bool do_free;
} closer;

static void closing_cb(cql_conn *c, const cql_conn_result *res, void *ud) {
  closer *cl = ud;
  tr_cb(c, res, &cl->r);
  /* re-entering recv from a callback is refused */
  assert_int_equal(cql_conn_recv(c, (const uint8_t *)"x", 1), CQL_E_BAD_STATE);
  if (cl->do_free)
    cql_conn_free(c);
  else
    cql_conn_close(c);
  /* the connection is still valid memory here, and closed */
  cql_request q = tq_query("after");
  assert_int_equal(cql_conn_submit(c, &q, 0, tr_cb, &cl->r, NULL), CQL_E_CONNECTION_CLOSED);
}

static void close_from_callback(bool do_free) {
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, false);
  treq r[4] = {{0}};
  closer cl = {{0}, do_free};
  cql_request q = tq_query("closer");
  assert_int_equal(cql_conn_submit(t.conn, &q, 0, closing_cb, &cl, NULL), CQL_OK);
  submit_n(&t, r, 4);
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 5);
  fs_send_void(&fs, &fs.msgs[0]);
  for (int i = 1; i < 5; i++)
    fs_send_void(&fs, &fs.msgs[i]);
  fs_clear(&fs);
  /* all five answers in one read */
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_E_CONNECTION_CLOSED);
  assert_int_equal(cl.r.calls, 1);
  assert_int_equal(cl.r.status, CQL_OK);
  expect_all(r, 4, CQL_E_CANCELLED);
  assert_int_equal(t.closed, 1);
  if (!do_free)
    cql_conn_free(t.conn);
  fs_free(&fs);
}

static void test_close_from_callback(void **state) {
  (void)state;
  close_from_callback(false);
}

static void test_free_from_callback(void **state) {
  (void)state;
  close_from_callback(true);
}

/* on_closed frees the connection while recv is still on the stack. */
static void free_on_closed(tctx *t) { cql_conn_free(t->conn); }

static void test_free_from_on_closed(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 4, true);
  t.on_closed_hook = free_on_closed;
  treq r[2] = {{0}};
  submit_n(&t, r, 2);
  static const uint8_t junk[] = {0x07, 0, 0, 0, 0, 0, 0, 0, 0};
  assert_int_equal(cql_conn_recv(t.conn, junk, sizeof(junk)), CQL_E_BAD_VERSION);
  expect_all(r, 2, CQL_E_CONNECTION_CLOSED);
  assert_int_equal(t.closed, 1);
  fs_free(&fs);
}

/* A timeout callback closes the connection while tick walks the heap. */
static void close_cb(cql_conn *c, const cql_conn_result *res, void *ud) {
  tr_cb(c, res, ud);
  cql_conn_close(c);
}

static void test_close_from_timeout(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, false);
  treq first = {0}, r[3] = {{0}};
  cql_request q = tq_query("q");
  assert_int_equal(cql_conn_submit(t.conn, &q, 10, close_cb, &first, NULL), CQL_OK);
  for (int i = 0; i < 3; i++)
    assert_int_equal(tq_submit(&t, "q", 10, &r[i], NULL), CQL_OK);
  t.now += 10;
  assert_int_equal(cql_conn_tick(t.conn), CQL_E_CONNECTION_CLOSED);
  assert_int_equal(first.calls, 1);
  assert_int_equal(first.status, CQL_E_TIMEOUT);
  expect_all(r, 3, CQL_E_CANCELLED);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* A callback cancels another pending request. */
static int16_t victim_stream;

static void cancel_cb(cql_conn *c, const cql_conn_result *res, void *ud) {
  tr_cb(c, res, ud);
  assert_int_equal(cql_conn_cancel(c, victim_stream), CQL_OK);
}

static void test_cancel_from_callback(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 4, false);
  treq a = {0}, victim = {0};
  cql_request q = tq_query("a");
  assert_int_equal(cql_conn_submit(t.conn, &q, 0, cancel_cb, &a, NULL), CQL_OK);
  assert_int_equal(tq_submit(&t, "victim", 0, &victim, &victim_stream), CQL_OK);
  fs_pump(&fs, t.conn);
  fs_send_void(&fs, &fs.msgs[0]);
  fs_send_void(&fs, &fs.msgs[1]); /* arrives after the cancel: swallowed */
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  assert_int_equal(a.calls, 1);
  assert_int_equal(victim.calls, 1);
  assert_int_equal(victim.status, CQL_E_CANCELLED);
  assert_int_equal(cql_conn_orphaned(t.conn), 0);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* on_ready submits at once; on_want_write takes the output at once (an
 * adapter that writes synchronously). */
static treq ready_req;
static fake_server *sync_server;

static void submit_on_ready(tctx *t) {
  assert_int_equal(tq_submit(t, "from on_ready", 0, &ready_req, NULL), CQL_OK);
}

static void take_now(cql_conn *c, void *ud) {
  tctx *t = ud;
  t->want_write++;
  fs_pump(sync_server, c);
}

static void test_ready_hook_and_sync_writes(void **state) {
  (void)state;
  tctx t;
  memset(&t, 0, sizeof(t));
  t.now = 5;
  t.on_ready_hook = submit_on_ready;
  memset(&ready_req, 0, sizeof(ready_req));
  fake_server fs;
  fs_init(&fs, 5);
  sync_server = &fs;
  cql_conn_callbacks cb = tc_callbacks(&t);
  cb.on_want_write = take_now;
  cql_conn_config cfg = tc_config(5, true);
  assert_int_equal(cql_conn_new(&t.conn, &cfg, &cb), CQL_OK);
  assert_int_equal(cql_conn_start(t.conn), CQL_OK); /* OPTIONS taken at once */
  assert_int_equal(t.want_write, 1);
  for (int round = 0; round < 3; round++) {
    assert_int_equal(fs.n_msgs, 1);
    fs_answer_handshake(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
    if (round == 1)
      break;
  }
  assert_int_equal(t.ready, 1);
  /* the query submitted from on_ready was written in the same call */
  assert_int_equal(fs.n_msgs, 1);
  assert_true(cql_slice_eq_cstr(fs.msgs[0].req.u.query.query, "from on_ready"));
  fs_send_void(&fs, &fs.msgs[0]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  assert_int_equal(ready_req.calls, 1);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* ---- allocation failures --------------------------------------------------------------- */

typedef struct failing_mem {
  long left; /* allocations before failing; < 0: never fail */
  long count;
} failing_mem;

static void *fm_malloc(size_t n, void *ud) {
  failing_mem *f = ud;
  if (f->left == 0)
    return NULL;
  if (f->left > 0)
    f->left--;
  f->count++;
  return malloc(n);
}

static void *fm_realloc(void *p, size_t n, void *ud) {
  failing_mem *f = ud;
  if (f->left == 0)
    return NULL;
  if (f->left > 0)
    f->left--;
  f->count++;
  return realloc(p, n);
}

static void fm_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

/* Handshake with auth and keyspace, then three requests answered; any
 * allocation may fail. Returns true when everything succeeded. */
static bool scenario(failing_mem *fm) {
  cql_mem mem = {fm_malloc, fm_realloc, fm_free, fm};
  cql_conn_config cfg = tc_config(5, true);
  cfg.mem = &mem;
  cfg.username = "cassandra";
  cfg.password = "cassandra";
  cfg.keyspace = "ks";
  tctx t;
  memset(&t, 0, sizeof(t));
  cql_conn_callbacks cb = tc_callbacks(&t);
  if (cql_conn_new(&t.conn, &cfg, &cb) != CQL_OK)
    return false;
  fake_server fs;
  fs_init(&fs, 5);
  fs.auth = true;
  fs.password = "cassandra";
  treq r[3] = {{0}};
  bool submitted = false;
  if (cql_conn_start(t.conn) == CQL_OK) {
    for (int round = 0; round < 8 && t.closed == 0; round++) {
      cql_buf b;
      cql_buf_init(&b, NULL);
      cql_status st = cql_conn_take_output(t.conn, &b);
      if (st == CQL_OK && b.len)
        fs_feed(&fs, b.data, b.len);
      cql_buf_free(&b);
      if (t.ready && !submitted) {
        submitted = true;
        for (int i = 0; i < 3; i++)
          if (tq_submit(&t, "q", 0, &r[i], NULL) != CQL_OK)
            r[i].calls = -100; /* refused: must never call back */
        continue;
      }
      for (size_t i = 0; i < fs.n_msgs; i++) {
        if (t.ready)
          fs_send_void(&fs, &fs.msgs[i]);
        else
          fs_answer_handshake(&fs, &fs.msgs[i]);
      }
      fs_clear(&fs);
      fs_deliver(&fs, t.conn, 0);
    }
  }
  bool ok = t.ready == 1 && t.closed == 0;
  for (int i = 0; i < 3; i++)
    ok = ok && r[i].calls == 1 && r[i].status == CQL_OK;
  cql_conn_free(t.conn);
  assert_int_equal(t.closed, 1);
  for (int i = 0; i < 3; i++)
    assert_true(r[i].calls == 1 || r[i].calls == -100 || (!submitted && r[i].calls == 0));
  fs_free(&fs);
  return ok;
}

static void test_allocation_failures(void **state) {
  (void)state;
  failing_mem fm = {-1, 0};
  assert_true(scenario(&fm));
  long total = fm.count;
  assert_true(total > 5);
  for (long n = 0; n < total; n++) {
    failing_mem f = {n, 0};
    scenario(&f); /* must not crash or leak, whatever fails */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_close_with_pending),
      cmocka_unit_test(test_free_with_pending),
      cmocka_unit_test(test_close_during_handshake),
      cmocka_unit_test(test_transport_abort),
      cmocka_unit_test(test_reply_on_unknown_stream),
      cmocka_unit_test(test_error_on_unknown_stream),
      cmocka_unit_test(test_non_event_on_minus_one),
      cmocka_unit_test(test_unexpected_opcode),
      cmocka_unit_test(test_undecodable_body),
      cmocka_unit_test(test_version_change_mid_connection),
      cmocka_unit_test(test_request_direction),
      cmocka_unit_test(test_bad_segment_crc),
      cmocka_unit_test(test_malformed_event),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_submit_from_callback),
      cmocka_unit_test(test_close_from_callback),
      cmocka_unit_test(test_free_from_callback),
      cmocka_unit_test(test_free_from_on_closed),
      cmocka_unit_test(test_close_from_timeout),
      cmocka_unit_test(test_cancel_from_callback),
      cmocka_unit_test(test_ready_hook_and_sync_writes),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
