/* Requests on an established connection: 10,000 in flight answered out of
 * order, replies fed byte by byte, write coalescing (one buffer, few
 * segments), server errors with their details, events, keeping a reply
 * past its callback, pre-encoded bodies, stream exhaustion and limits. */
#include "test_conn_fake.h"

/* A connection in `version`, ready, with its fake server. */
static void open_ready(tctx *t, fake_server *fs, uint8_t version, bool lz4,
                       uint32_t max_in_flight) {
  cql_conn_config cfg = tc_config(version, lz4);
  if (max_in_flight)
    cfg.max_in_flight = max_in_flight;
  tc_open(t, &cfg);
  fs_init(fs, version);
  fs_handshake(fs, t->conn, 0);
  assert_int_equal(t->ready, 1);
}

static void close_all(tctx *t, fake_server *fs) {
  cql_conn_free(t->conn);
  assert_int_equal(t->closed, 1);
  fs_free(fs);
}

/* xorshift: a deterministic shuffle */
static uint32_t rnd(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static void shuffle(size_t *idx, size_t n, uint32_t seed) {
  for (size_t i = n; i > 1; i--) {
    size_t j = rnd(&seed) % i;
    size_t tmp = idx[i - 1];
    idx[i - 1] = idx[j];
    idx[j] = tmp;
  }
}

enum { MANY = 10000 };

static void many_in_flight(uint8_t version, bool lz4, size_t chunk) {
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, version, lz4, 32768);
  static treq reqs[MANY];
  static char texts[MANY][24];
  memset(reqs, 0, sizeof(reqs));
  int ww = t.want_write;
  for (int i = 0; i < MANY; i++) {
    snprintf(texts[i], sizeof(texts[i]), "q%d", i);
    assert_int_equal(tq_submit(&t, texts[i], CQL_CONN_NO_TIMEOUT, &reqs[i], NULL), CQL_OK);
  }
  /* one notification for the whole batch, and one buffer to write */
  assert_int_equal(t.want_write, ww + 1);
  assert_int_equal(cql_conn_in_flight(t.conn), MANY);
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_conn_take_output(t.conn, &b), CQL_OK);
  assert_false(cql_conn_want_write(t.conn));
  if (version == 5) {
    /* Many envelopes per segment: 10,000 small queries fit in a few. */
    size_t segments = 0;
    for (size_t pos = 0; pos < b.len; segments++) {
      cql_segment_header h;
      assert_int_equal(cql_segment_header_decode((cql_slice){b.data + pos, b.len - pos}, lz4, &h),
                       CQL_OK);
      assert_true(h.self_contained);
      pos += cql_segment_wire_size(&h, lz4);
    }
    assert_true(segments <= 4);
  }
  fs_feed(&fs, b.data, b.len);
  cql_buf_free(&b);
  assert_int_equal(fs.n_msgs, MANY);

  /* Answer in a shuffled order; each answer echoes the query text. */
  static size_t order[MANY];
  for (size_t i = 0; i < MANY; i++)
    order[i] = i;
  shuffle(order, MANY, 12345);
  for (size_t k = 0; k < MANY; k++) {
    const fs_msg *m = &fs.msgs[order[k]];
    fs_send_keyspace(&fs, m, m->req.u.query.query);
    if (k % 1000 == 999)
      assert_int_equal(fs_deliver(&fs, t.conn, chunk), CQL_OK);
  }
  assert_int_equal(fs_deliver(&fs, t.conn, chunk), CQL_OK);
  for (int i = 0; i < MANY; i++) {
    assert_int_equal(reqs[i].calls, 1);
    assert_int_equal(reqs[i].status, CQL_OK);
    assert_string_equal(reqs[i].text, texts[i]);
  }
  assert_int_equal(cql_conn_in_flight(t.conn), 0);
  assert_int_equal(cql_conn_orphaned(t.conn), 0);
  assert_int_equal(t.closed, 0);
  fs_clear(&fs);
  close_all(&t, &fs);
}

static void test_many_v5_lz4(void **state) {
  (void)state;
  many_in_flight(5, true, 0);
}

static void test_many_v5_plain(void **state) {
  (void)state;
  many_in_flight(5, false, 0);
}

static void test_many_v4(void **state) {
  (void)state;
  many_in_flight(4, false, 0);
  many_in_flight(4, true, 0);
}

/* ---- byte by byte ------------------------------------------------------------ */

static void byte_by_byte(uint8_t version, bool lz4) {
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, version, lz4, 0);
  enum { N = 40 };
  treq reqs[N] = {0};
  char texts[N][16];
  for (int i = 0; i < N; i++) {
    snprintf(texts[i], sizeof(texts[i]), "b%d", i);
    assert_int_equal(tq_submit(&t, texts[i], 0, &reqs[i], NULL), CQL_OK);
  }
  fs_pump(&fs, t.conn);
  for (int i = N - 1; i >= 0; i--)
    fs_send_keyspace(&fs, &fs.msgs[i], fs.msgs[i].req.u.query.query);
  /* an event in the middle too */
  cql_response ev = {.opcode = CQL_OP_EVENT};
  ev.u.event.kind = CQL_EVENT_STATUS_CHANGE;
  ev.u.event.change = cql_slice_from_cstr("UP");
  ev.u.event.address = (cql_inet){4, {127, 0, 0, 1}};
  ev.u.event.port = 9042;
  fs_send_on(&fs, -1, &ev);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 1), CQL_OK);
  for (int i = 0; i < N; i++) {
    assert_int_equal(reqs[i].calls, 1);
    assert_string_equal(reqs[i].text, texts[i]);
  }
  assert_int_equal(t.events, 1);
  close_all(&t, &fs);
}

static void test_byte_by_byte(void **state) {
  (void)state;
  byte_by_byte(5, false);
  byte_by_byte(5, true);
  byte_by_byte(4, false);
  byte_by_byte(4, true);
}

/* ---- server errors ------------------------------------------------------------ */

static void on_unavailable(cql_conn *c, const cql_conn_result *res, void *ud) {
  (void)c;
  int *calls = ud;
  (*calls)++;
  assert_int_equal(res->status, CQL_E_SERVER_UNAVAILABLE);
  assert_non_null(res->server_error);
  assert_int_equal(res->server_error->code, 0x1000);
  assert_int_equal(res->server_error->consistency, CQL_CONSISTENCY_QUORUM);
  assert_int_equal(res->server_error->block_for, 2);
  assert_int_equal(res->server_error->received, 1);
  assert_true(cql_slice_eq_cstr(res->server_error->message, "Cannot achieve consistency"));
  assert_non_null(strstr(res->message, "Cannot achieve consistency"));
  assert_int_equal(res->response->opcode, CQL_OP_ERROR);
}

static void test_server_error_details(void **state) {
  (void)state;
  for (uint8_t v = 4; v <= 5; v++) {
    tctx t;
    fake_server fs;
    open_ready(&t, &fs, v, true, 0);
    int calls = 0;
    cql_request q = tq_query("INSERT");
    assert_int_equal(cql_conn_submit(t.conn, &q, 0, on_unavailable, &calls, NULL), CQL_OK);
    treq syntax = {0};
    assert_int_equal(tq_submit(&t, "SELEKT", 0, &syntax, NULL), CQL_OK);
    fs_pump(&fs, t.conn);
    cql_response r = {.opcode = CQL_OP_ERROR};
    r.u.error.code = CQL_SERVER_UNAVAILABLE;
    r.u.error.message = cql_slice_from_cstr("Cannot achieve consistency");
    r.u.error.consistency = CQL_CONSISTENCY_QUORUM;
    r.u.error.block_for = 2;
    r.u.error.received = 1;
    fs_send(&fs, &fs.msgs[0], &r);
    fs_send_error(&fs, &fs.msgs[1], CQL_SERVER_SYNTAX_ERROR, "line 1:0 no viable alternative");
    fs_clear(&fs);
    assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
    assert_int_equal(calls, 1);
    assert_int_equal(syntax.status, CQL_E_SERVER_SYNTAX_ERROR);
    assert_int_equal(syntax.server_code, 0x2000);
    /* a server error is an answer, not a reason to close */
    assert_int_equal(t.closed, 0);
    close_all(&t, &fs);
  }
}

/* ---- events -------------------------------------------------------------------- */

static int kept_events;
static cql_reply *kept_event;

static void keep_event(cql_conn *c, cql_reply *ev, void *ud) {
  (void)c;
  (void)ud;
  kept_events++;
  kept_event = cql_reply_retain(ev);
}

/* READY and an EVENT in the same read: the framing switches in between. */
static void test_event_right_after_ready(void **state) {
  (void)state;
  for (uint8_t v = 4; v <= 5; v++) {
    tctx t;
    cql_conn_config cfg = tc_config(v, true);
    memset(&t, 0, sizeof(t));
    cql_conn_callbacks cb = tc_callbacks(&t);
    cb.on_event = keep_event;
    assert_int_equal(cql_conn_new(&t.conn, &cfg, &cb), CQL_OK);
    assert_int_equal(cql_conn_start(t.conn), CQL_OK);
    fake_server fs;
    fs_init(&fs, v);
    fs_pump(&fs, t.conn);
    fs_answer_handshake(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
    fs_pump(&fs, t.conn);
    fs_answer_handshake(&fs, &fs.msgs[0]); /* READY */
    fs_clear(&fs);
    cql_response ev = {.opcode = CQL_OP_EVENT};
    ev.u.event.kind = CQL_EVENT_SCHEMA_CHANGE;
    ev.u.event.schema_change.change_type = cql_slice_from_cstr("CREATED");
    ev.u.event.schema_change.target = cql_slice_from_cstr("KEYSPACE");
    ev.u.event.schema_change.keyspace = cql_slice_from_cstr("ks1");
    fs_send_on(&fs, -1, &ev);
    kept_events = 0;
    assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
    assert_int_equal(t.ready, 1);
    assert_int_equal(kept_events, 1);
    cql_conn_free(t.conn);
    fs_free(&fs);
    /* the retained event outlives the connection */
    const cql_response *r = cql_reply_response(kept_event);
    assert_int_equal(r->opcode, CQL_OP_EVENT);
    assert_int_equal(cql_reply_header(kept_event)->stream, -1);
    assert_true(cql_slice_eq_cstr(r->u.event.schema_change.keyspace, "ks1"));
    cql_reply_release(kept_event);
  }
}

/* ---- keeping replies ------------------------------------------------------------ */

static void test_retained_rows_outlive_connection(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, true, 0);
  treq r = {.keep = true};
  treq other = {0};
  assert_int_equal(tq_submit(&t, "SELECT v FROM t", 0, &r, NULL), CQL_OK);
  assert_int_equal(tq_submit(&t, "SELECT w FROM t", 0, &other, NULL), CQL_OK);
  fs_pump(&fs, t.conn);
  /* a Rows result with two text cells */
  cql_buf rows;
  cql_buf_init(&rows, NULL);
  cql_cell c1 = {5, cql_slice_from_cstr("hello")}, c2 = {-1, {NULL, 0}};
  cql_rows_put_cell(&rows, &c1);
  cql_rows_put_cell(&rows, &c2);
  cql_type text = {.id = CQL_TYPE_VARCHAR};
  cql_column_spec col = {cql_slice_from_cstr("ks"), cql_slice_from_cstr("t"),
                         cql_slice_from_cstr("v"), &text};
  cql_response resp = {.opcode = CQL_OP_RESULT};
  resp.u.result.kind = CQL_RESULT_ROWS;
  resp.u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
  resp.u.result.u.rows.metadata.columns_count = 1;
  resp.u.result.u.rows.metadata.columns = &col;
  resp.u.result.u.rows.rows_count = 2;
  resp.u.result.u.rows.rows_content = (cql_slice){rows.data, rows.len};
  fs_send(&fs, &fs.msgs[0], &resp);
  fs_send_void(&fs, &fs.msgs[1]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  cql_buf_free(&rows);
  assert_int_equal(r.calls, 1);
  assert_non_null(r.kept);
  assert_int_equal(other.calls, 1);
  close_all(&t, &fs);

  const cql_response *resp2 = cql_reply_response(r.kept);
  assert_int_equal(resp2->u.result.kind, CQL_RESULT_ROWS);
  cql_row_iter it;
  cql_row_iter_init(&it, &resp2->u.result);
  cql_cell cell;
  assert_true(cql_row_iter_next(&it, &cell));
  assert_true(cql_slice_eq_cstr(cell.bytes, "hello"));
  assert_true(cql_row_iter_next(&it, &cell));
  assert_int_equal(cell.len, -1);
  assert_false(cql_row_iter_next(&it, &cell));
  /* the rows point into the reply's own body */
  cql_slice body = cql_reply_body(r.kept);
  assert_true(cell.bytes.ptr == NULL ||
              (cell.bytes.ptr >= body.ptr && cell.bytes.ptr <= body.ptr + body.len));
  cql_reply_retain(r.kept);
  cql_reply_release(r.kept);
  cql_reply_release(r.kept);
}

/* ---- pre-encoded bodies ----------------------------------------------------------- */

static void test_submit_encoded(void **state) {
  (void)state;
  for (int mode = 0; mode < 3; mode++) {
    uint8_t v = mode == 0 ? 4 : 5;
    bool lz4 = mode != 2;
    tctx t;
    fake_server fs;
    open_ready(&t, &fs, v, lz4, 0);
    /* The body cql_request_encode would make, sent as bytes. */
    cql_request q = tq_query("SELECT raw");
    cql_buf env;
    cql_buf_init(&env, NULL);
    assert_int_equal(cql_request_encode(&env, v, &q, false), CQL_OK);
    cql_slice body = {env.data + CQL_HEADER_SIZE, env.len - CQL_HEADER_SIZE};
    treq r = {0};
    int16_t stream = -1;
    assert_int_equal(cql_conn_submit_encoded(t.conn, CQL_OP_QUERY, CQL_FLAG_TRACING, body, 0, tr_cb,
                                             &r, &stream),
                     CQL_OK);
    assert_true(stream >= 0);
    assert_int_equal(cql_conn_submit_encoded(t.conn, CQL_OP_QUERY, CQL_FLAG_COMPRESSION, body, 0,
                                             tr_cb, &r, NULL),
                     CQL_E_INVALID_ARG);
    assert_int_equal(cql_conn_submit_encoded(t.conn, CQL_OP_STARTUP, 0, body, 0, tr_cb, &r, NULL),
                     CQL_E_INVALID_ARG);
    cql_buf_free(&env);
    fs_pump(&fs, t.conn);
    assert_int_equal(fs.n_msgs, 1);
    assert_int_equal(fs.msgs[0].env.header.stream, stream);
    assert_int_equal(fs.msgs[0].env.header.flags & CQL_FLAG_TRACING, CQL_FLAG_TRACING);
    assert_true(cql_slice_eq_cstr(fs.msgs[0].req.u.query.query, "SELECT raw"));
    fs_send_keyspace(&fs, &fs.msgs[0], cql_slice_from_cstr("raw"));
    fs_clear(&fs);
    assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
    assert_int_equal(r.calls, 1);
    assert_string_equal(r.text, "raw");
    close_all(&t, &fs);
  }
}

/* ---- limits -------------------------------------------------------------------------- */

static void test_streams_exhausted_and_refused_submits(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, false, 3);
  treq r[4] = {{0}};
  for (int i = 0; i < 3; i++)
    assert_int_equal(tq_submit(&t, "q", 0, &r[i], NULL), CQL_OK);
  assert_int_equal(tq_submit(&t, "q", 0, &r[3], NULL), CQL_E_STREAMS_EXHAUSTED);
  /* refused submits never call back */
  cql_request startup = {.opcode = CQL_OP_STARTUP};
  assert_int_equal(cql_conn_submit(t.conn, &startup, 0, tr_cb, &r[3], NULL), CQL_E_INVALID_ARG);
  cql_request q = tq_query("q");
  assert_int_equal(cql_conn_submit(t.conn, &q, 0, NULL, NULL, NULL), CQL_E_INVALID_ARG);
  assert_int_equal(cql_conn_submit(t.conn, NULL, 0, tr_cb, &r[3], NULL), CQL_E_INVALID_ARG);
  /* v5-only fields on... v5 are fine; a bad value state is the encoder's error */
  cql_value_arg bad = {.state = (cql_value_state)7};
  q.u.query.params.values = &bad;
  q.u.query.params.n_values = 1;
  assert_int_equal(cql_conn_submit(t.conn, &q, 0, tr_cb, &r[3], NULL), CQL_E_INVALID_ARG);
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 3);
  fs_send_void(&fs, &fs.msgs[1]);
  fs_clear(&fs);
  fs_deliver(&fs, t.conn, 0);
  assert_int_equal(r[1].calls, 1);
  assert_int_equal(tq_submit(&t, "q", 0, &r[3], NULL), CQL_OK);
  assert_int_equal(r[3].calls, 0);
  cql_conn_close(t.conn);
  for (int i = 0; i < 4; i++)
    assert_int_equal(r[i].calls, 1);
  assert_int_equal(r[0].status, CQL_E_CANCELLED);
  assert_int_equal(tq_submit(&t, "q", 0, &r[0], NULL), CQL_E_CONNECTION_CLOSED);
  close_all(&t, &fs);
}

static void test_frame_too_large(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(4, false);
  cfg.max_frame_size = 200; /* SUPPORTED is about 110 bytes */
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 4);
  fs_handshake(&fs, t.conn, 0);
  assert_int_equal(t.ready, 1);
  char big[300];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  treq r = {0};
  size_t before = cql_conn_output_size(t.conn);
  assert_int_equal(tq_submit(&t, big, 0, &r, NULL), CQL_E_FRAME_TOO_LARGE);
  assert_int_equal(cql_conn_output_size(t.conn), before);
  assert_int_equal(cql_conn_in_flight(t.conn), 0);
  assert_int_equal(tq_submit(&t, "small", 0, &r, NULL), CQL_OK);
  /* an answer larger than max_frame_size is a violation */
  fs_pump(&fs, t.conn);
  fs_send_keyspace(&fs, &fs.msgs[0], cql_slice_from_cstr(big));
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_E_FRAME_TOO_LARGE);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, CQL_E_CONNECTION_CLOSED);
  close_all(&t, &fs);
}

/* A large request is split over several v5 segments and still arrives. */
static void test_large_request_v5(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, true, 0);
  size_t n = 300000;
  char *big = malloc(n + 1);
  for (size_t i = 0; i < n; i++)
    big[i] = (char)('a' + (i * 7 + i / 13) % 26);
  big[n] = '\0';
  treq r = {0}, small = {0};
  assert_int_equal(tq_submit(&t, "before", 0, &small, NULL), CQL_OK);
  assert_int_equal(tq_submit(&t, big, 0, &r, NULL), CQL_OK);
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 2);
  assert_true(cql_slice_eq_cstr(fs.msgs[1].req.u.query.query, big));
  fs_send_keyspace(&fs, &fs.msgs[1], (cql_slice){(const uint8_t *)big, 100});
  fs_send_void(&fs, &fs.msgs[0]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 4096), CQL_OK);
  assert_int_equal(r.calls, 1);
  assert_int_equal(strlen(r.text), 100);
  assert_int_equal(strncmp(r.text, big, 100), 0);
  assert_int_equal(small.calls, 1);
  free(big);
  close_all(&t, &fs);
}

/* take_output appends to a non-empty buffer instead of swapping. */
static void test_take_output_appends(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 4, false, 0);
  treq r = {0};
  assert_int_equal(tq_submit(&t, "x", 0, &r, NULL), CQL_OK);
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_raw(&b, "PRE", 3);
  assert_int_equal(cql_conn_take_output(t.conn, &b), CQL_OK);
  assert_memory_equal(b.data, "PRE", 3);
  assert_int_equal(b.data[3], 4);
  fs_feed(&fs, b.data + 3, b.len - 3);
  assert_int_equal(fs.n_msgs, 1);
  /* nothing more to take */
  size_t len = b.len;
  assert_int_equal(cql_conn_take_output(t.conn, &b), CQL_OK);
  assert_int_equal(b.len, len);
  cql_buf_free(&b);
  close_all(&t, &fs);
}

/* ---- cancel ------------------------------------------------------------------------------ */

static void test_cancel(void **state) {
  (void)state;
  tctx t;
  fake_server fs;
  open_ready(&t, &fs, 5, false, 0);
  treq a = {0}, b = {0};
  int16_t sa, sb;
  assert_int_equal(tq_submit(&t, "a", 0, &a, &sa), CQL_OK);
  assert_int_equal(tq_submit(&t, "b", 0, &b, &sb), CQL_OK);
  assert_int_equal(cql_conn_cancel(t.conn, sa), CQL_OK);
  assert_int_equal(a.calls, 1);
  assert_int_equal(a.status, CQL_E_CANCELLED);
  assert_int_equal(cql_conn_cancel(t.conn, sa), CQL_E_NOT_FOUND);
  assert_int_equal(cql_conn_cancel(t.conn, 999), CQL_E_NOT_FOUND);
  assert_int_equal(cql_conn_orphaned(t.conn), 1);
  fs_pump(&fs, t.conn);
  fs_send_void(&fs, &fs.msgs[0]); /* the cancelled one's late answer */
  fs_send_void(&fs, &fs.msgs[1]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_OK);
  assert_int_equal(a.calls, 1);
  assert_int_equal(b.calls, 1);
  assert_int_equal(cql_conn_orphaned(t.conn), 0);
  assert_int_equal(cql_conn_in_flight(t.conn), 0);
  close_all(&t, &fs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_v5_lz4),
      cmocka_unit_test(test_many_v5_plain),
      cmocka_unit_test(test_many_v4),
      cmocka_unit_test(test_byte_by_byte),
      cmocka_unit_test(test_server_error_details),
      cmocka_unit_test(test_event_right_after_ready),
      cmocka_unit_test(test_retained_rows_outlive_connection),
      cmocka_unit_test(test_submit_encoded),
      cmocka_unit_test(test_streams_exhausted_and_refused_submits),
      cmocka_unit_test(test_frame_too_large),
      cmocka_unit_test(test_large_request_v5),
      cmocka_unit_test(test_take_output_appends),
      cmocka_unit_test(test_cancel),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
