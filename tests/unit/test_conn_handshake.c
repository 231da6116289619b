/* The connection's handshake against a scripted server: v5 and v4, with
 * and without LZ4, fed whole and byte by byte; SASL PLAIN and a pluggable
 * authenticator; USE <keyspace>; protocol version negotiation (a v4-only
 * server refusing v5, strict v5 mode) and the messages servers use to say
 * which versions they speak. */
#include "test_conn_fake.h"

/* After the handshake, one query round trip proves both directions agree
 * on framing and compression. */
static void round_trip(tctx *t, fake_server *fs, size_t chunk) {
  treq r = {0};
  assert_int_equal(tq_submit(t, "SELECT now() FROM system.local", 0, &r, NULL), CQL_OK);
  fs_pump(fs, t->conn);
  assert_int_equal(fs->n_msgs, 1);
  assert_int_equal(fs->msgs[0].req.opcode, CQL_OP_QUERY);
  assert_true(cql_slice_eq_cstr(fs->msgs[0].req.u.query.query, "SELECT now() FROM system.local"));
  fs_send_keyspace(fs, &fs->msgs[0], cql_slice_from_cstr("echo"));
  fs_clear(fs);
  assert_int_equal(fs_deliver(fs, t->conn, chunk), CQL_OK);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, CQL_OK);
  assert_string_equal(r.text, "echo");
}

static void handshake_case(uint8_t version, bool lz4, size_t chunk) {
  tctx t;
  cql_conn_config cfg = tc_config(version, lz4);
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, version);

  /* OPTIONS first, in the version we try, unframed. */
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 1);
  assert_int_equal(fs.msgs[0].env.header.version, version);
  assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_OPTIONS);
  fs_send_supported(&fs, &fs.msgs[0]);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, chunk), CQL_OK);

  /* STARTUP with what SUPPORTED offered. */
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 1);
  const fs_msg *m = &fs.msgs[0];
  assert_int_equal(m->req.opcode, CQL_OP_STARTUP);
  assert_non_null(fs_option(m, "CQL_VERSION"));
  assert_true(cql_slice_eq_cstr(fs_option(m, "CQL_VERSION")->value, "3.4.5"));
  assert_true(cql_slice_eq_cstr(fs_option(m, "DRIVER_NAME")->value, "cqlkit"));
  assert_true(cql_slice_eq_cstr(fs_option(m, "DRIVER_VERSION")->value, CQL_CONN_DRIVER_VERSION));
  assert_int_equal(fs_option(m, "COMPRESSION") != NULL, lz4);
  fs_answer_handshake(&fs, m);
  fs_clear(&fs);
  assert_int_equal(t.ready, 0);
  assert_int_equal(fs_deliver(&fs, t.conn, chunk), CQL_OK);
  assert_int_equal(t.ready, 1);
  assert_int_equal(cql_conn_get_state(t.conn), CQL_CONN_READY);

  const cql_conn_info *info = cql_conn_get_info(t.conn);
  assert_int_equal(info->protocol_version, version);
  assert_int_equal(info->lz4, lz4);
  assert_int_equal(info->framing, version == 5);
  assert_string_equal(info->cql_version, "3.4.5");
  assert_true(info->server_lz4);
  assert_int_equal(info->server_versions, (1u << 3) | (1u << 4) | (1u << 5));
  assert_int_equal(info->server_beta, 1u << 6);
  assert_false(info->authenticated);

  round_trip(&t, &fs, chunk);
  round_trip(&t, &fs, chunk);
  assert_int_equal(t.closed, 0);
  cql_conn_free(t.conn);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_OK);
  fs_free(&fs);
}

static void test_v5_plain(void **state) {
  (void)state;
  handshake_case(5, false, 0);
}

static void test_v5_lz4(void **state) {
  (void)state;
  handshake_case(5, true, 0);
}

static void test_v4_plain(void **state) {
  (void)state;
  handshake_case(4, false, 0);
}

static void test_v4_lz4(void **state) {
  (void)state;
  handshake_case(4, true, 0);
}

static void test_byte_by_byte(void **state) {
  (void)state;
  handshake_case(5, false, 1);
  handshake_case(5, true, 1);
  handshake_case(4, false, 1);
  handshake_case(4, true, 1);
  handshake_case(5, true, 7);
}

/* v4 with LZ4: every request after STARTUP carries the compression flag. */
static void test_v4_lz4_requests_compressed(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(4, true);
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 4);
  fs_handshake(&fs, t.conn, 0);
  assert_int_equal(t.ready, 1);
  treq r = {0};
  assert_int_equal(tq_submit(&t, "SELECT * FROM t", 0, &r, NULL), CQL_OK);
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_conn_take_output(t.conn, &b), CQL_OK);
  assert_true(b.len > 9);
  assert_int_equal(b.data[0], 4);
  assert_int_equal(b.data[1] & CQL_FLAG_COMPRESSION, CQL_FLAG_COMPRESSION);
  fs_feed(&fs, b.data, b.len);
  cql_buf_free(&b);
  assert_int_equal(fs.n_msgs, 1);
  assert_true(cql_slice_eq_cstr(fs.msgs[0].req.u.query.query, "SELECT * FROM t"));
  cql_conn_free(t.conn);
  assert_int_equal(r.calls, 1);
  assert_int_equal(r.status, CQL_E_CANCELLED);
  fs_free(&fs);
}

/* LZ4 asked for but not offered: the connection goes on uncompressed. */
static void test_lz4_not_offered(void **state) {
  (void)state;
  for (uint8_t v = 4; v <= 5; v++) {
    tctx t;
    cql_conn_config cfg = tc_config(v, true);
    tc_open(&t, &cfg);
    fake_server fs;
    fs_init(&fs, v);
    fs.offer_lz4 = false;
    fs_handshake(&fs, t.conn, 0);
    assert_int_equal(t.ready, 1);
    assert_false(cql_conn_get_info(t.conn)->lz4);
    assert_false(fs.lz4);
    round_trip(&t, &fs, 0);
    cql_conn_free(t.conn);
    fs_free(&fs);
  }
}

/* ---- authentication --------------------------------------------------------- */

static void auth_case(uint8_t version, bool lz4, const char *password, size_t chunk) {
  tctx t;
  cql_conn_config cfg = tc_config(version, lz4);
  cfg.username = "cassandra";
  cfg.password = password;
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, version);
  fs.auth = true;
  fs.password = "cassandra";
  fs_handshake(&fs, t.conn, chunk);
  bool good = strcmp(password, "cassandra") == 0;
  if (good) {
    assert_int_equal(t.ready, 1);
    assert_int_equal(t.closed, 0);
    const cql_conn_info *info = cql_conn_get_info(t.conn);
    assert_true(info->authenticated);
    assert_string_equal(info->authenticator, "org.apache.cassandra.auth.PasswordAuthenticator");
    round_trip(&t, &fs, chunk);
  } else {
    assert_int_equal(t.ready, 0);
    assert_int_equal(t.closed, 1);
    assert_int_equal(t.info.status, CQL_E_SERVER_BAD_CREDENTIALS);
    assert_int_equal(t.closed_server_code, 0x0100);
    assert_non_null(strstr(t.closed_msg, "authentication failed"));
    assert_non_null(strstr(t.closed_msg, FS_BAD_CREDENTIALS_MSG));
    assert_false(t.info.version_refused);
    assert_int_equal(cql_conn_get_state(t.conn), CQL_CONN_CLOSED);
    assert_int_equal(cql_conn_recv(t.conn, (const uint8_t *)"x", 1), CQL_E_CONNECTION_CLOSED);
  }
  cql_conn_free(t.conn);
  assert_int_equal(t.closed, 1);
  fs_free(&fs);
}

static void test_auth_success(void **state) {
  (void)state;
  auth_case(5, true, "cassandra", 0);
  auth_case(5, false, "cassandra", 0);
  auth_case(4, true, "cassandra", 0);
  auth_case(4, false, "cassandra", 1);
  auth_case(5, true, "cassandra", 1);
}

static void test_auth_bad_credentials(void **state) {
  (void)state;
  auth_case(5, true, "wrong", 0);
  auth_case(4, true, "wrong", 0);
  auth_case(5, false, "wrong", 3);
}

static void test_auth_without_credentials(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 5);
  fs.auth = true;
  fs_handshake(&fs, t.conn, 0);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_E_AUTH);
  assert_non_null(strstr(t.closed_msg, "PasswordAuthenticator"));
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* A challenge-response mechanism through the pluggable authenticator. */
typedef struct fake_auth {
  int initial, challenges, success;
  char last_class[96];
} fake_auth;

static cql_status fa_initial(void *ud, cql_slice cls, cql_buf *token, bool *null) {
  fake_auth *a = ud;
  a->initial++;
  snprintf(a->last_class, sizeof(a->last_class), "%.*s", (int)cls.len, (const char *)cls.ptr);
  cql_buf_put_raw(token, "hello", 5);
  *null = false;
  return CQL_OK;
}

static cql_status fa_challenge(void *ud, cql_slice ch, bool ch_null, cql_buf *resp, bool *null) {
  fake_auth *a = ud;
  a->challenges++;
  assert_false(ch_null);
  cql_buf_put_raw(resp, "re:", 3);
  cql_buf_put_raw(resp, ch.ptr, ch.len);
  *null = false;
  return CQL_OK;
}

static cql_status fa_success(void *ud, cql_slice token, bool null) {
  fake_auth *a = ud;
  a->success++;
  assert_false(null);
  assert_true(cql_slice_eq_cstr(token, "welcome"));
  return CQL_OK;
}

static void test_pluggable_authenticator(void **state) {
  (void)state;
  fake_auth a = {0};
  cql_conn_authenticator au = {fa_initial, fa_challenge, fa_success, &a};
  tctx t;
  cql_conn_config cfg = tc_config(5, true);
  cfg.authenticator = &au;
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 5);
  fs.auth = true;
  /* OPTIONS, STARTUP as usual (AUTHENTICATE answers STARTUP). */
  for (int i = 0; i < 2; i++) {
    fs_pump(&fs, t.conn);
    fs_answer_handshake(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
  }
  assert_int_equal(a.initial, 1);
  assert_string_equal(a.last_class, "org.apache.cassandra.auth.PasswordAuthenticator");
  /* Two challenge rounds, then success. */
  const char *expect[] = {"hello", "re:nonce-1", "re:nonce-2"};
  for (int round = 0; round < 3; round++) {
    fs_pump(&fs, t.conn);
    assert_int_equal(fs.n_msgs, 1);
    assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_AUTH_RESPONSE);
    assert_true(cql_slice_eq_cstr(fs.msgs[0].req.u.auth_response.token, expect[round]));
    cql_response r = {.opcode = round < 2 ? CQL_OP_AUTH_CHALLENGE : CQL_OP_AUTH_SUCCESS};
    r.u.auth.token = cql_slice_from_cstr(round == 0   ? "nonce-1"
                                         : round == 1 ? "nonce-2"
                                                      : "welcome");
    fs_send(&fs, &fs.msgs[0], &r);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
  }
  assert_int_equal(a.challenges, 2);
  assert_int_equal(a.success, 1);
  assert_int_equal(t.ready, 1);
  round_trip(&t, &fs, 0);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

static cql_status fa_fail_initial(void *ud, cql_slice cls, cql_buf *token, bool *null) {
  (void)ud, (void)cls, (void)token, (void)null;
  return CQL_E_UNSUPPORTED;
}

static cql_status fa_refuse_success(void *ud, cql_slice token, bool null) {
  (void)ud, (void)token, (void)null;
  return CQL_E_AUTH;
}

/* An authenticator that fails (at the start, or at the end) fails the
 * handshake with CQL_E_AUTH. */
static void test_authenticator_failures(void **state) {
  (void)state;
  for (int which = 0; which < 2; which++) {
    fake_auth a = {0};
    cql_conn_authenticator au = {which == 0 ? fa_fail_initial : fa_initial, NULL,
                                 which == 0 ? NULL : fa_refuse_success, &a};
    tctx t;
    cql_conn_config cfg = tc_config(4, false);
    cfg.authenticator = &au;
    tc_open(&t, &cfg);
    fake_server fs;
    fs_init(&fs, 4);
    fs.auth = true;
    for (int i = 0; i < 3 && !t.closed; i++) {
      fs_pump(&fs, t.conn);
      if (fs.msgs[0].req.opcode == CQL_OP_AUTH_RESPONSE) {
        cql_response r = {.opcode = CQL_OP_AUTH_SUCCESS};
        r.u.auth.token_null = true;
        fs_send(&fs, &fs.msgs[0], &r);
      } else {
        fs_answer_handshake(&fs, &fs.msgs[0]);
      }
      fs_clear(&fs);
      fs_deliver(&fs, t.conn, 0);
    }
    assert_int_equal(t.closed, 1);
    assert_int_equal(t.ready, 0);
    assert_int_equal(t.info.status, CQL_E_AUTH);
    assert_non_null(strstr(t.closed_msg, which == 0 ? "CQL_E_UNSUPPORTED" : "AUTH_SUCCESS"));
    cql_conn_free(t.conn);
    fs_free(&fs);
  }
}

/* SASL PLAIN cannot answer a challenge. */
static void test_plain_rejects_challenge(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(4, false);
  cfg.username = "u";
  cfg.password = "p";
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 4);
  fs.auth = true;
  for (int i = 0; i < 2; i++) {
    fs_pump(&fs, t.conn);
    fs_answer_handshake(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
  }
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_AUTH_RESPONSE);
  /* \0u\0p */
  cql_slice tok = fs.msgs[0].req.u.auth_response.token;
  assert_int_equal(tok.len, 4);
  assert_memory_equal(tok.ptr, "\0u\0p", 4);
  cql_response r = {.opcode = CQL_OP_AUTH_CHALLENGE};
  fs_send(&fs, &fs.msgs[0], &r);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_E_AUTH);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_E_AUTH);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* ---- USE <keyspace> ------------------------------------------------------------- */

static void test_use_keyspace(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, true);
  cfg.keyspace = "my\"ks";
  cfg.username = "cassandra";
  cfg.password = "cassandra";
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 5);
  fs.auth = true;
  fs.password = "cassandra";
  /* OPTIONS, STARTUP, AUTH_RESPONSE */
  for (int i = 0; i < 3; i++) {
    fs_pump(&fs, t.conn);
    fs_answer_handshake(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
  }
  assert_int_equal(t.ready, 0);
  fs_pump(&fs, t.conn);
  assert_int_equal(fs.n_msgs, 1);
  assert_true(cql_slice_eq_cstr(fs.msgs[0].req.u.query.query, "USE \"my\"\"ks\""));
  assert_int_equal(fs.msgs[0].req.u.query.params.consistency, CQL_CONSISTENCY_ONE);
  /* submitting before READY is refused */
  treq r = {0};
  assert_int_equal(tq_submit(&t, "x", 0, &r, NULL), CQL_E_BAD_STATE);
  fs_answer_handshake(&fs, &fs.msgs[0]);
  fs_clear(&fs);
  fs_deliver(&fs, t.conn, 0);
  assert_int_equal(t.ready, 1);
  round_trip(&t, &fs, 0);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

static void test_use_keyspace_fails(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(4, false);
  cfg.keyspace = "nope";
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 4);
  for (int i = 0; i < 2; i++) {
    fs_pump(&fs, t.conn);
    fs_answer_handshake(&fs, &fs.msgs[0]);
    fs_clear(&fs);
    fs_deliver(&fs, t.conn, 0);
  }
  fs_pump(&fs, t.conn);
  fs_send_error(&fs, &fs.msgs[0], CQL_SERVER_INVALID, "Keyspace 'nope' does not exist");
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_E_SERVER_INVALID);
  assert_int_equal(t.ready, 0);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_E_SERVER_INVALID);
  assert_int_equal(t.closed_server_code, 0x2200);
  assert_non_null(strstr(t.closed_msg, "does not exist"));
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* ---- version negotiation ------------------------------------------------------------ */

/* A server answering our first message with a PROTOCOL_ERROR in
 * `answer_version`. */
static void refuse(tctx *t, uint8_t answer_version, const char *msg) {
  fake_server fs;
  fs_init(&fs, answer_version);
  fs_pump(&fs, t->conn);
  assert_int_equal(fs.n_msgs, 1);
  assert_int_equal(fs.msgs[0].req.opcode, CQL_OP_OPTIONS);
  fs_send_error(&fs, &fs.msgs[0], CQL_SERVER_PROTOCOL_ERROR, msg);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t->conn, 0), CQL_E_PROTOCOL_NEGOTIATION);
  fs_free(&fs);
  assert_int_equal(t->closed, 1);
  assert_int_equal(t->info.status, CQL_E_PROTOCOL_NEGOTIATION);
  assert_true(t->info.version_refused);
  assert_int_equal(t->closed_server_code, CQL_SERVER_PROTOCOL_ERROR);
}

#define C4_REFUSAL                                                                                 \
  "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4, 5/v5-beta)"

static void test_negotiate_down_to_v4(void **state) {
  (void)state;
  /* A v4-only server answers the v5 OPTIONS with a v4 ERROR. */
  tctx t;
  cql_conn_config cfg = tc_config(5, true);
  tc_open(&t, &cfg);
  refuse(&t, 4, C4_REFUSAL);
  assert_int_equal(t.info.retry_version, 4);
  assert_int_equal(t.info.server_max_version, 4);
  assert_non_null(strstr(t.closed_msg, "reconnect with v4"));
  assert_int_equal(t.ready, 0);
  cql_conn_free(t.conn);

  /* The owner reconnects with what it was told. */
  cfg.protocol_version = t.info.retry_version;
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 4);
  fs_handshake(&fs, t.conn, 0);
  assert_int_equal(t.ready, 1);
  assert_int_equal(cql_conn_get_info(t.conn)->protocol_version, 4);
  round_trip(&t, &fs, 0);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

static void test_negotiate_message_forms(void **state) {
  (void)state;
  static const struct {
    uint8_t answer_version;
    const char *msg;
    uint8_t server_max;
  } cases[] = {
      {4, C4_REFUSAL, 4},
      /* Cassandra 3.x */
      {4,
       "Invalid or unsupported protocol version (5); the lowest supported version is 3 and the "
       "greatest is 4",
       4},
      /* v5 known only as a beta, answered in v5 itself */
      {5, "Beta version of the protocol used (5/v5-beta), but USE_BETA flag is unset", 4},
      /* no list at all: the header's version tells */
      {4, "Invalid or unsupported protocol version: 5", 4},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    tctx t;
    cql_conn_config cfg = tc_config(5, false);
    tc_open(&t, &cfg);
    refuse(&t, cases[i].answer_version, cases[i].msg);
    assert_int_equal(t.info.server_max_version, cases[i].server_max);
    assert_int_equal(t.info.retry_version, 4);
    cql_conn_free(t.conn);
  }
}

static void test_strict_v5_fails(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  cfg.min_protocol_version = 5;
  tc_open(&t, &cfg);
  refuse(&t, 4, C4_REFUSAL);
  assert_int_equal(t.info.retry_version, 0);
  assert_int_equal(t.info.server_max_version, 4);
  assert_non_null(strstr(t.closed_msg, "up to v4"));
  assert_non_null(strstr(t.closed_msg, "v5 is required"));
  cql_conn_free(t.conn);
}

/* The refusal may come on a stream we did not use (it is about the
 * envelope as a whole). */
static void test_refusal_on_other_stream(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 5);
  fs_pump(&fs, t.conn);
  cql_response r = {.opcode = CQL_OP_ERROR};
  r.u.error.code = CQL_SERVER_PROTOCOL_ERROR;
  r.u.error.message = cql_slice_from_cstr(
      "Beta version of the protocol used (5/v5-beta), but USE_BETA flag is unset");
  fs_send_on(&fs, 77, &r);
  fs_clear(&fs);
  assert_int_equal(fs_deliver(&fs, t.conn, 0), CQL_E_PROTOCOL_NEGOTIATION);
  assert_true(t.info.version_refused);
  assert_int_equal(t.info.retry_version, 4);
  cql_conn_free(t.conn);
  fs_free(&fs);
}

/* A first answer in another version that is not a decodable ERROR. */
static void test_other_version_garbage(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  tc_open(&t, &cfg);
  /* a v4 ERROR whose body is too short */
  static const uint8_t bad[] = {0x84, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0};
  assert_int_equal(cql_conn_recv(t.conn, bad, sizeof(bad)), CQL_E_BAD_VERSION);
  assert_false(t.info.version_refused);
  assert_non_null(strstr(t.closed_msg, "undecodable"));
  cql_conn_free(t.conn);
  /* a v4 answer that is not an ERROR */
  tc_open(&t, &cfg);
  static const uint8_t ready[] = {0x84, 0, 0, 0, 2, 0, 0, 0, 0};
  assert_int_equal(cql_conn_recv(t.conn, ready, sizeof(ready)), CQL_E_BAD_VERSION);
  assert_false(t.info.version_refused);
  cql_conn_free(t.conn);
}

/* A v3-only server: nothing we can speak. */
static void test_v3_server(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(4, false);
  tc_open(&t, &cfg);
  refuse(&t, 3, "Invalid or unsupported protocol version: 4");
  assert_int_equal(t.info.retry_version, 0);
  assert_int_equal(t.info.server_max_version, 3);
  assert_non_null(strstr(t.closed_msg, "up to v3"));
  cql_conn_free(t.conn);
}

/* A PROTOCOL_ERROR about something else is not a version refusal. */
static void test_startup_refused(void **state) {
  (void)state;
  tctx t;
  cql_conn_config cfg = tc_config(5, false);
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, 5);
  fs_pump(&fs, t.conn);
  fs_answer_handshake(&fs, &fs.msgs[0]);
  fs_clear(&fs);
  fs_deliver(&fs, t.conn, 0);
  fs_pump(&fs, t.conn);
  fs_send_error(&fs, &fs.msgs[0], CQL_SERVER_PROTOCOL_ERROR, "Unknown compression algorithm");
  fs_clear(&fs);
  fs_deliver(&fs, t.conn, 0);
  assert_int_equal(t.closed, 1);
  assert_int_equal(t.info.status, CQL_E_SERVER_PROTOCOL_ERROR);
  assert_false(t.info.version_refused);
  assert_non_null(strstr(t.closed_msg, "STARTUP refused"));
  cql_conn_free(t.conn);
  fs_free(&fs);
}

static void test_parse_supported_version(void **state) {
  (void)state;
  static const struct {
    const char *msg;
    uint8_t tried, expect;
  } cases[] = {
      {C4_REFUSAL, 5, 4},
      {"Invalid or unsupported protocol version (6); supported versions are (3/v3, 4/v4, 5/v5, "
       "6/v6-beta)",
       6, 5},
      {"Invalid or unsupported protocol version (66); supported versions are (3/v3, 4/v4, "
       "5/v5-beta, 65/dse-v1)",
       66, 4},
      /* Cassandra 4.0.0's answer to the Node.js driver's first STARTUP
       * (cassandra-4.0.0-v4-nodejs.jsonl), sent in a v5 header */
      {"Invalid or unsupported protocol version (66); supported versions are (3/v3, 4/v4, 5/v5, "
       "6/v6-beta)",
       66, 5},
      {"the lowest supported version is 3 and the greatest is 4", 5, 4},
      {"the lowest supported version is 3 and the greatest is 5", 5, 0},
      {"Beta version of the protocol used (5/v5-beta), but USE_BETA flag is unset", 5, 4},
      {"Invalid or unsupported protocol version: 5", 5, 0},
      {"", 5, 0},
      {"12345678901234567890/v9", 5, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    assert_int_equal(
        cql_conn_parse_supported_version(cql_slice_from_cstr(cases[i].msg), cases[i].tried),
        cases[i].expect);
  cql_error_body e = {.code = CQL_SERVER_PROTOCOL_ERROR};
  e.message = cql_slice_from_cstr(C4_REFUSAL);
  assert_true(cql_conn_is_version_refusal(&e));
  e.message = cql_slice_from_cstr("Beta version of the protocol used, but USE_BETA flag is unset");
  assert_true(cql_conn_is_version_refusal(&e));
  e.message = cql_slice_from_cstr("Unknown compression algorithm");
  assert_false(cql_conn_is_version_refusal(&e));
  e.code = CQL_SERVER_INVALID;
  e.message = cql_slice_from_cstr(C4_REFUSAL);
  assert_false(cql_conn_is_version_refusal(&e));
}

/* ---- configuration --------------------------------------------------------------------- */

static void test_config_checks(void **state) {
  (void)state;
  tctx t = {0};
  cql_conn_callbacks cb = tc_callbacks(&t);
  cql_conn *c = NULL;
  cql_conn_config cfg;
  cql_conn_config_init(&cfg);
  cfg.protocol_version = 3;
  assert_int_equal(cql_conn_new(&c, &cfg, &cb), CQL_E_INVALID_ARG);
  cql_conn_config_init(&cfg);
  cfg.protocol_version = 4;
  cfg.min_protocol_version = 5;
  assert_int_equal(cql_conn_new(&c, &cfg, &cb), CQL_E_INVALID_ARG);
  cql_conn_config_init(&cfg);
  cfg.password = "x";
  assert_int_equal(cql_conn_new(&c, &cfg, &cb), CQL_E_INVALID_ARG);
  cql_conn_callbacks no_clock = cb;
  no_clock.now_ms = NULL;
  assert_int_equal(cql_conn_new(&c, NULL, &no_clock), CQL_E_INVALID_ARG);
  assert_int_equal(cql_conn_new(&c, NULL, &cb), CQL_OK);
  assert_int_equal(cql_conn_get_state(c), CQL_CONN_NEW);
  assert_int_equal(cql_conn_next_deadline(c), CQL_CONN_NO_DEADLINE);
  assert_int_equal(cql_conn_recv(c, (const uint8_t *)"x", 1), CQL_E_BAD_STATE);
  t.conn = c;
  assert_int_equal(cql_conn_start(c), CQL_OK);
  assert_int_equal(cql_conn_start(c), CQL_E_BAD_STATE);
  /* the handshake deadline is armed */
  assert_int_equal(cql_conn_next_deadline(c), t.now + 10000);
  cql_conn_free(c);
  assert_int_equal(t.closed, 1);
  cql_conn_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v5_plain),
      cmocka_unit_test(test_v5_lz4),
      cmocka_unit_test(test_v4_plain),
      cmocka_unit_test(test_v4_lz4),
      cmocka_unit_test(test_byte_by_byte),
      cmocka_unit_test(test_v4_lz4_requests_compressed),
      cmocka_unit_test(test_lz4_not_offered),
      cmocka_unit_test(test_auth_success),
      cmocka_unit_test(test_auth_bad_credentials),
      cmocka_unit_test(test_auth_without_credentials),
      cmocka_unit_test(test_pluggable_authenticator),
      cmocka_unit_test(test_plain_rejects_challenge),
      cmocka_unit_test(test_authenticator_failures),
      cmocka_unit_test(test_use_keyspace),
      cmocka_unit_test(test_use_keyspace_fails),
      cmocka_unit_test(test_negotiate_down_to_v4),
      cmocka_unit_test(test_negotiate_message_forms),
      cmocka_unit_test(test_strict_v5_fails),
      cmocka_unit_test(test_v3_server),
      cmocka_unit_test(test_refusal_on_other_stream),
      cmocka_unit_test(test_other_version_garbage),
      cmocka_unit_test(test_startup_refused),
      cmocka_unit_test(test_parse_supported_version),
      cmocka_unit_test(test_config_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
