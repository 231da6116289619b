/* The sans-IO server connection: handshakes, negotiation, compression,
 * authentication, events and bad input, fed whole and in pieces. */
#include "server_test.h"

static void check_supported(const cql_response *r, const char *versions) {
  char got[128] = "";
  bool comp = false, cqlv = false;
  for (uint32_t i = 0; i < r->u.supported.n_entries; i++) {
    const cql_multi_entry *e = &r->u.supported.entries[i];
    if (cql_slice_eq(e->key, cql_slice_from_cstr("PROTOCOL_VERSIONS"))) {
      for (uint32_t k = 0; k < e->n_values; k++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%.*s", k ? "," : "",
                 (int)e->values[k].len, (const char *)e->values[k].ptr);
    } else if (cql_slice_eq(e->key, cql_slice_from_cstr("COMPRESSION"))) {
      comp = e->n_values == 1 && cql_slice_eq(e->values[0], cql_slice_from_cstr("lz4"));
    } else if (cql_slice_eq(e->key, cql_slice_from_cstr("CQL_VERSION"))) {
      cqlv = e->n_values == 1 && cql_slice_eq(e->values[0], cql_slice_from_cstr("3.4.5"));
    }
  }
  assert_string_equal(got, versions);
  assert_true(comp);
  assert_true(cqlv);
}

static void expect_rows(tc *t, int16_t stream, int32_t rows) {
  cql_response r;
  tc_expect(t, CQL_OP_RESULT, stream, &r);
  assert_int_equal(r.u.result.kind, CQL_RESULT_ROWS);
  if (rows >= 0)
    assert_int_equal(r.u.result.u.rows.rows_count, rows);
}

/* OPTIONS, STARTUP, a query: the whole handshake of one version. */
static void handshake(uint8_t version, const char *compression, size_t step) {
  cql_srv *s = tc_srv_new(NULL, NULL, 0);
  tc t;
  tc_init(&t, s, version);
  t.feed_step = step;
  cql_response r;
  tc_simple(&t, CQL_OP_OPTIONS, 0);
  tc_expect(&t, CQL_OP_SUPPORTED, 0, &r);
  check_supported(&r, "4/v4,5/v5");
  tc_ready(&t, compression);
  tc_query(&t, 2, "SELECT release_version, rpc_address FROM system.local");
  expect_rows(&t, 2, 1);
  /* Many in flight at once, answered in order with their stream ids. */
  for (int16_t i = 0; i < 40; i++)
    tc_query(&t, (int16_t)(100 + i), "SELECT key FROM system.local");
  for (int16_t i = 0; i < 40; i++)
    expect_rows(&t, (int16_t)(100 + i), 1);
  tc_simple(&t, CQL_OP_OPTIONS, 3); /* heartbeat after READY */
  tc_expect(&t, CQL_OP_SUPPORTED, 3, &r);
  assert_int_equal(tc_pending(&t), 0);
  assert_true(cql_srv_requests(s) == 44);
  tc_free(&t);
  cql_srv_free(s);
}

static void test_v4(void **state) {
  (void)state;
  handshake(4, NULL, 0);
}
static void test_v5(void **state) {
  (void)state;
  handshake(5, NULL, 0);
}
static void test_v4_lz4(void **state) {
  (void)state;
  handshake(4, "lz4", 0);
}
static void test_v5_lz4(void **state) {
  (void)state;
  handshake(5, "lz4", 0);
}
static void test_split_feeds(void **state) {
  (void)state;
  handshake(5, "lz4", 1);
  handshake(4, "lz4", 1);
  handshake(5, NULL, 7);
  handshake(4, NULL, 3);
}

/* The first bytes of a connection asking for version `v` (an OPTIONS). */
static void refused(uint8_t v, int max_version, const char *expected_msg, uint8_t reply_version) {
  cql_srv *s = tc_srv_new(NULL, NULL, max_version);
  cql_sconn *c;
  assert_int_equal(cql_sconn_new(s, 0, &c), CQL_OK);
  uint8_t req[9] = {v, 0, 0, 7, CQL_OP_OPTIONS, 0, 0, 0, 0};
  assert_int_not_equal(cql_sconn_feed(c, req, sizeof(req)), CQL_OK);
  assert_true(cql_sconn_closing(c));
  cql_buf out;
  cql_buf_init(&out, NULL);
  assert_true(cql_sconn_take_output(c, &out));
  assert_int_equal(out.data[0], reply_version | 0x80);
  cql_header h;
  cql_slice body;
  if (reply_version <= 2) {
    assert_int_equal(out.data[2], 0); /* one-byte stream of a v1/v2 header */
    assert_int_equal(out.data[3], CQL_OP_ERROR);
    body = (cql_slice){out.data + 8, out.len - 8};
    h = (cql_header){(uint8_t)(0x80 | 4), 0, 0, CQL_OP_ERROR, (uint32_t)body.len};
  } else {
    assert_int_equal(cql_header_decode(out.data, &h), CQL_OK);
    assert_int_equal(h.stream, 7);
    body = (cql_slice){out.data + 9, out.len - 9};
    assert_int_equal(h.length, body.len);
  }
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_response r;
  h.version = (uint8_t)(0x80 | (reply_version < 3 ? 4 : reply_version));
  assert_int_equal(cql_response_decode(&h, body, &a, &r, NULL), CQL_OK);
  assert_int_equal(r.u.error.code, CQL_SERVER_PROTOCOL_ERROR);
  char got[256];
  snprintf(got, sizeof(got), "%.*s", (int)r.u.error.message.len,
           (const char *)r.u.error.message.ptr);
  assert_string_equal(got, expected_msg);
  cql_arena_free(&a);
  cql_buf_free(&out);
  cql_sconn_free(c);
  cql_srv_free(s);
}

static void test_negotiation(void **state) {
  (void)state;
  const char *m6 =
      "Invalid or unsupported protocol version (6); supported versions are (4/v4, 5/v5)";
  refused(6, 0, m6, 5);
  refused(6 | 0, 0, m6, 5);
  refused(0x42, 0,
          "Invalid or unsupported protocol version (66); supported versions are (4/v4, 5/v5)", 5);
  refused(3, 0, "Invalid or unsupported protocol version (3); supported versions are (4/v4, 5/v5)",
          3);
  refused(5, 4, "Invalid or unsupported protocol version (5); supported versions are (4/v4)", 4);
  /* v1/v2 get their own 8-byte header; the stream is the one-byte id. */
  uint8_t v2[8] = {2, 0, 0, CQL_OP_OPTIONS, 0, 0, 0, 0};
  cql_srv *s = tc_srv_new(NULL, NULL, 0);
  cql_sconn *c;
  assert_int_equal(cql_sconn_new(s, 0, &c), CQL_OK);
  assert_int_not_equal(cql_sconn_feed(c, v2, sizeof(v2)), CQL_OK);
  cql_buf out;
  cql_buf_init(&out, NULL);
  assert_true(cql_sconn_take_output(c, &out));
  assert_int_equal(out.data[0], 0x82);
  assert_int_equal(cql_load_u32(out.data + 4), out.len - 8);
  cql_buf_free(&out);
  cql_sconn_free(c);
  cql_srv_free(s);
}

static void test_state_machine(void **state) {
  (void)state;
  cql_srv *s = tc_srv_new(NULL, NULL, 0);
  tc t;
  tc_init(&t, s, 4);
  tc_query(&t, 5, "SELECT * FROM system.local");
  tc_expect_error(&t, 5, CQL_SERVER_PROTOCOL_ERROR,
                  "Unexpected message QUERY, expecting STARTUP or OPTIONS");
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_STARTUP;
  q.stream = 6;
  tc_send(&t, &q);
  tc_expect_error(&t, 6, CQL_SERVER_PROTOCOL_ERROR, "Missing value CQL_VERSION in STARTUP message");
  tc_startup(&t, 7, "snappy");
  t.lz4 = false;
  tc_expect_error(&t, 7, CQL_SERVER_PROTOCOL_ERROR,
                  "This instance does not support Snappy compression");
  tc_startup(&t, 8, "zstd");
  tc_expect_error(&t, 8, CQL_SERVER_PROTOCOL_ERROR, "Unknown compression algorithm: zstd");
  tc_ready(&t, NULL);
  tc_startup(&t, 9, NULL);
  tc_expect_error(&t, 9, CQL_SERVER_PROTOCOL_ERROR,
                  "Unexpected message STARTUP, the connection is already initialized");
  /* A version change mid-connection is fatal. */
  uint8_t v5[9] = {5, 0, 0, 10, CQL_OP_OPTIONS, 0, 0, 0, 0};
  assert_int_not_equal(tc_feed(&t, v5, sizeof(v5)), CQL_OK);
  tc_expect_error(&t, 10, CQL_SERVER_PROTOCOL_ERROR,
                  "Invalid message version. Got 5/v5 but previous messages on this connection "
                  "had version 4/v4");
  assert_true(cql_sconn_closing(t.c));
  tc_free(&t);
  cql_srv_free(s);
}

static void send_credentials(tc *t, int16_t stream, const char *token, size_t len) {
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_AUTH_RESPONSE;
  q.stream = stream;
  q.u.auth_response.token = (cql_slice){(const uint8_t *)token, len};
  tc_send(t, &q);
}

static void auth(uint8_t version, const char *compression) {
  cql_srv *s = tc_srv_new("cassandra", "secret", 0);
  tc t;
  tc_init(&t, s, version);
  cql_response r;
  tc_startup(&t, 1, compression);
  tc_expect(&t, CQL_OP_AUTHENTICATE, 1, &r);
  assert_true(cql_slice_eq(r.u.authenticate.authenticator,
                           cql_slice_from_cstr("org.apache.cassandra.auth.PasswordAuthenticator")));
  tc_query(&t, 2, "SELECT * FROM system.local");
  tc_expect_error(&t, 2, CQL_SERVER_PROTOCOL_ERROR,
                  "Unexpected message QUERY, expecting SASL_RESPONSE");
  send_credentials(&t, 3, "\0cassandra\0wrong", 16);
  tc_expect_error(&t, 3, CQL_SERVER_BAD_CREDENTIALS,
                  "Provided username cassandra and/or password are incorrect");
  send_credentials(&t, 4, "\0cassandra\0", 11);
  tc_expect_error(&t, 4, CQL_SERVER_BAD_CREDENTIALS, "Password must not be null");
  send_credentials(&t, 5, "\0cassandra\0secret", 17);
  tc_expect(&t, CQL_OP_AUTH_SUCCESS, 5, &r);
  assert_true(r.u.auth.token_null);
  tc_query(&t, 6, "SELECT key FROM system.local");
  expect_rows(&t, 6, 1);
  tc_free(&t);
  cql_srv_free(s);
}

static void test_auth(void **state) {
  (void)state;
  auth(4, NULL);
  auth(4, "lz4");
  auth(5, NULL);
  auth(5, "lz4");
}

static void test_register_and_events(void **state) {
  (void)state;
  cql_srv *s = tc_srv_new(NULL, NULL, 0);
  tc a, b;
  tc_init(&a, s, 5);
  tc_init(&b, s, 4);
  tc_ready(&a, "lz4");
  tc_ready(&b, NULL);
  cql_slice evs[2] = {cql_slice_from_cstr("SCHEMA_CHANGE"), cql_slice_from_cstr("STATUS_CHANGE")};
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_REGISTER;
  q.stream = 2;
  q.u.reg.events = evs;
  q.u.reg.n_events = 2;
  tc_send(&a, &q);
  cql_response r;
  tc_expect(&a, CQL_OP_READY, 2, &r);
  cql_slice bad = cql_slice_from_cstr("NOPE");
  q.u.reg.events = &bad;
  q.u.reg.n_events = 1;
  tc_send(&b, &q);
  tc_expect_error(&b, 2, CQL_SERVER_PROTOCOL_ERROR, "Invalid value 'NOPE' for Type");
  tc_query(
      &b, 3,
      "CREATE KEYSPACE ev WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
  tc_expect(&b, CQL_OP_RESULT, 3, &r);
  assert_int_equal(r.u.result.kind, CQL_RESULT_SCHEMA_CHANGE);
  assert_int_equal(tc_pending(&b), 0); /* b did not register */
  tc_pump(&a);
  tc_expect(&a, CQL_OP_EVENT, -1, &r);
  assert_int_equal(r.u.event.kind, CQL_EVENT_SCHEMA_CHANGE);
  assert_true(cql_slice_eq(r.u.event.schema_change.keyspace, cql_slice_from_cstr("ev")));
  assert_true(cql_slice_eq(r.u.event.schema_change.change_type, cql_slice_from_cstr("CREATED")));
  cql_inet addr = {4, {127, 0, 0, 2}};
  cql_srv_status_event(s, 1, false, &addr, 9042);
  tc_pump(&a);
  tc_expect(&a, CQL_OP_EVENT, -1, &r);
  assert_int_equal(r.u.event.kind, CQL_EVENT_STATUS_CHANGE);
  assert_true(cql_slice_eq(r.u.event.change, cql_slice_from_cstr("DOWN")));
  tc_free(&a);
  tc_free(&b);
  cql_srv_free(s);
}

static void test_faults(void **state) {
  (void)state;
  cql_srv *s = tc_srv_new(NULL, NULL, 0);
  tc t;
  tc_init(&t, s, 5);
  tc_ready(&t, NULL);
  cql_response r;
  cql_srv_fail_next(s, 2, CQL_SERVER_OVERLOADED, "busy");
  tc_query(&t, 2, "SELECT key FROM system.local");
  tc_expect_error(&t, 2, CQL_SERVER_OVERLOADED, "busy");
  cql_srv_fail_next(s, 1, CQL_SERVER_WRITE_TIMEOUT, "timed out");
  tc_query(&t, 3, "SELECT key FROM system.local");
  tc_expect_error(&t, 3, CQL_SERVER_WRITE_TIMEOUT, "timed out");
  tc_query(&t, 4, "SELECT key FROM system.local");
  expect_rows(&t, 4, 1);
  /* forget_prepared: EXECUTE answers UNPREPARED until prepared again. */
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_PREPARE;
  q.stream = 5;
  q.u.prepare.query = cql_slice_from_cstr("SELECT key FROM system.local");
  tc_send(&t, &q);
  tc_expect(&t, CQL_OP_RESULT, 5, &r);
  uint8_t id[32];
  size_t id_len = r.u.result.u.prepared.id.len;
  memcpy(id, r.u.result.u.prepared.id.ptr, id_len);
  uint8_t md[32];
  size_t md_len = r.u.result.u.prepared.result_metadata_id.len;
  memcpy(md, r.u.result.u.prepared.result_metadata_id.ptr, md_len);
  cql_srv_forget_prepared(s);
  cql_request e;
  memset(&e, 0, sizeof(e));
  e.opcode = CQL_OP_EXECUTE;
  e.stream = 6;
  e.u.execute.id = (cql_slice){id, id_len};
  e.u.execute.result_metadata_id = (cql_slice){md, md_len};
  e.u.execute.params.consistency = 1;
  tc_send(&t, &e);
  tc_expect(&t, CQL_OP_ERROR, 6, &r);
  assert_int_equal(r.u.error.code, CQL_SERVER_UNPREPARED);
  assert_true(cql_slice_eq(r.u.error.unprepared_id, (cql_slice){id, id_len}));
  tc_send(&t, &q);
  tc_expect(&t, CQL_OP_RESULT, 5, &r);
  tc_send(&t, &e);
  expect_rows(&t, 6, 1);
  tc_free(&t);
  cql_srv_free(s);
}

static void test_bad_input(void **state) {
  (void)state;
  cql_srv *s = tc_srv_new(NULL, NULL, 0);
  /* A malformed body: PROTOCOL_ERROR on its stream, connection goes on. */
  tc t;
  tc_init(&t, s, 4);
  tc_ready(&t, NULL);
  uint8_t bad_query[9 + 4] = {4, 0, 0, 9, CQL_OP_QUERY, 0, 0, 0, 4, 0, 0, 0, 50};
  assert_int_equal(tc_feed(&t, bad_query, sizeof(bad_query)), CQL_OK);
  cql_response r;
  tc_expect(&t, CQL_OP_ERROR, 9, &r);
  assert_int_equal(r.u.error.code, CQL_SERVER_PROTOCOL_ERROR);
  tc_query(&t, 10, "SELECT key FROM system.local");
  expect_rows(&t, 10, 1);
  /* A response opcode sent as a request. */
  uint8_t resp_op[9] = {4, 0, 0, 11, CQL_OP_RESULT, 0, 0, 0, 0};
  assert_int_equal(tc_feed(&t, resp_op, sizeof(resp_op)), CQL_OK);
  tc_expect(&t, CQL_OP_ERROR, 11, &r);
  /* A frame over the limit: INVALID on its stream, its body skipped (fed
   * in pieces), then the connection goes on, as Cassandra does on v4. */
  uint8_t big[9 + 3000];
  memset(big, 0x41, sizeof(big));
  memcpy(big, (uint8_t[]){4, 0, 0, 12, CQL_OP_QUERY, 0, 0x20, 0, 0}, 9);
  size_t big_len = 9 + 0x200000;
  assert_int_equal(tc_feed(&t, big, sizeof(big)), CQL_OK);
  tc_expect_error(&t, 12, CQL_SERVER_INVALID,
                  "Request is too big: length 2097161 exceeds maximum allowed length 1048576.");
  uint8_t *rest = calloc(1, big_len - sizeof(big));
  t.feed_step = 65536;
  assert_int_equal(tc_feed(&t, rest, big_len - sizeof(big)), CQL_OK);
  t.feed_step = 0;
  free(rest);
  assert_int_equal(tc_pending(&t), 0);
  tc_query(&t, 13, "SELECT key FROM system.local");
  expect_rows(&t, 13, 1);
  /* A negative length cannot be skipped: an error, then closed. */
  uint8_t neg[9] = {4, 0, 0, 14, CQL_OP_QUERY, 0x80, 0, 0, 0};
  assert_int_not_equal(tc_feed(&t, neg, sizeof(neg)), CQL_OK);
  tc_expect(&t, CQL_OP_ERROR, 0, &r);
  assert_int_equal(r.u.error.code, CQL_SERVER_PROTOCOL_ERROR);
  assert_true(cql_sconn_closing(t.c));
  assert_int_not_equal(tc_feed(&t, bad_query, sizeof(bad_query)), CQL_OK);
  tc_free(&t);
  /* A corrupt segment on v5: error in a segment, then closed. */
  tc_init(&t, s, 5);
  tc_ready(&t, NULL);
  uint8_t junk[32];
  memset(junk, 0x5a, sizeof(junk));
  assert_int_not_equal(tc_feed(&t, junk, sizeof(junk)), CQL_OK);
  tc_expect(&t, CQL_OP_ERROR, 0, &r);
  tc_free(&t);
  /* Random bytes from the first byte on, in many splits: never a crash. */
  uint32_t seed = 12345;
  for (int round = 0; round < 300; round++) {
    cql_sconn *c;
    assert_int_equal(cql_sconn_new(s, 0, &c), CQL_OK);
    uint8_t buf[256];
    for (size_t i = 0; i < sizeof(buf); i++) {
      seed = seed * 1103515245u + 12345u;
      buf[i] = (uint8_t)(seed >> 16);
    }
    buf[0] = (uint8_t)(round % 3 ? 4 + round % 2 : buf[0]);
    for (size_t i = 0; i < sizeof(buf); i += 1 + (size_t)(round % 17))
      if (cql_sconn_feed(c, buf + i,
                         sizeof(buf) - i < 1 + (size_t)(round % 17)
                             ? sizeof(buf) - i
                             : 1 + (size_t)(round % 17)) != CQL_OK)
        break;
    cql_buf out;
    cql_buf_init(&out, NULL);
    cql_sconn_take_output(c, &out);
    cql_buf_free(&out);
    cql_sconn_free(c);
  }
  /* The server still serves. */
  tc_init(&t, s, 5);
  tc_ready(&t, "lz4");
  tc_query(&t, 2, "SELECT key FROM system.local");
  expect_rows(&t, 2, 1);
  tc_free(&t);
  cql_srv_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v4),
      cmocka_unit_test(test_v5),
      cmocka_unit_test(test_v4_lz4),
      cmocka_unit_test(test_v5_lz4),
      cmocka_unit_test(test_split_feeds),
      cmocka_unit_test(test_negotiation),
      cmocka_unit_test(test_state_machine),
      cmocka_unit_test(test_auth),
      cmocka_unit_test(test_register_and_events),
      cmocka_unit_test(test_faults),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
