/* Connecting: protocol negotiation (v5, a v4-only node, strict v5 mode
 * with a clear error), authentication success and failure, a refused
 * connection, requests submitted before the connection is up, and close
 * while still connecting. */
#include "session_env.h"

static void test_v5_by_default(void **state) {
  (void)state;
  senv e;
  senv_start_node(&e, NULL);
  assert_int_equal(senv_connect(&e, NULL, NULL), CQL_OK);
  cql_session_metrics m;
  cql_session_get_metrics(e.session, &m);
  assert_int_equal(m.protocol_version, 5);
  senv_stop(&e);
}

static void test_v4_only_node_negotiates_down(void **state) {
  (void)state;
  senv e;
  cql_node_options o;
  cql_node_options_init(&o);
  o.max_version = 4;
  senv_start_node(&e, &o);
  assert_int_equal(senv_connect(&e, NULL, NULL), CQL_OK);
  cql_session_metrics m;
  cql_session_get_metrics(e.session, &m);
  assert_int_equal(m.protocol_version, 4);
  cql_result *r = senv_query(&e, "SELECT release_version FROM system.local");
  assert_int_equal(cql_result_status(r), CQL_OK);
  cql_result_release(r);
  senv_stop(&e);
}

static void lz4(cql_config *cfg, void *ud) {
  (void)ud;
  assert_int_equal(cql_config_set_compression(cfg, CQL_COMPRESSION_LZ4), CQL_OK);
}

/* LZ4 in v5 (compressed segments) and in v4 (compressed envelopes), with
 * a result large enough to be worth compressing. */
static void test_lz4_compression_v5_and_v4(void **state) {
  (void)state;
  for (int max = 5; max >= 4; max--) {
    senv e;
    cql_node_options o;
    cql_node_options_init(&o);
    o.max_version = max;
    senv_start_node(&e, &o);
    assert_int_equal(senv_connect(&e, lz4, NULL), CQL_OK);
    cql_session_metrics m;
    cql_session_get_metrics(e.session, &m);
    assert_int_equal(m.protocol_version, max);
    assert_true(m.compression);
    senv_ok(&e, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}");
    senv_ok(&e, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
    char q[256];
    for (int i = 0; i < 50; i++) {
      snprintf(
          q, sizeof(q),
          "INSERT INTO ks.t (k, v) VALUES (%d, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')",
          i);
      senv_ok(&e, q);
    }
    cql_result *r = senv_query(&e, "SELECT * FROM ks.t");
    assert_int_equal(cql_result_status(r), CQL_OK);
    assert_int_equal(cql_result_row_count(r), 50);
    cql_result_release(r);
    senv_stop(&e);
  }
}

static void strict_v5(cql_config *cfg, void *ud) {
  (void)ud;
  assert_int_equal(cql_config_set_protocol_versions(cfg, 5, 5), CQL_OK);
}

static void test_strict_v5_names_server_version(void **state) {
  (void)state;
  senv e;
  cql_node_options o;
  cql_node_options_init(&o);
  o.max_version = 4;
  senv_start_node(&e, &o);
  assert_int_equal(senv_connect(&e, strict_v5, NULL), CQL_E_PROTOCOL_NEGOTIATION);
  if (!strstr(e.message, "v4"))
    fail_msg("the message should name the server's highest version: %s", e.message);
  senv_stop(&e);
}

typedef struct creds {
  const char *user, *password;
} creds;

static void with_creds(cql_config *cfg, void *ud) {
  const creds *c = ud;
  assert_int_equal(cql_config_set_credentials(cfg, c->user, c->password), CQL_OK);
}

static void test_auth_ok_and_bad_password(void **state) {
  (void)state;
  senv e;
  cql_node_options o;
  cql_node_options_init(&o);
  o.auth_user = "cassandra";
  o.auth_password = "s3cret";
  senv_start_node(&e, &o);
  creds good = {"cassandra", "s3cret"};
  assert_int_equal(senv_connect(&e, with_creds, &good), CQL_OK);
  cql_result *r = senv_query(&e, "SELECT release_version FROM system.local");
  assert_int_equal(cql_result_status(r), CQL_OK);
  cql_result_release(r);
  senv_close_session(&e);

  creds bad = {"cassandra", "wrong"};
  cql_status st = senv_connect(&e, with_creds, &bad);
  if (st != CQL_E_SERVER_BAD_CREDENTIALS && st != CQL_E_AUTH)
    fail_msg("bad credentials gave %s: %s", cql_status_name(st), e.message);
  senv_close_session(&e);

  /* No credentials for a node that wants them. */
  st = senv_connect(&e, NULL, NULL);
  assert_int_not_equal(st, CQL_OK);
  senv_stop(&e);
}

/* A pluggable authenticator speaking SASL PLAIN by hand. */
typedef struct plain_auth {
  char token[64];
  size_t len;
  int initial_calls;
  char cls[128];
} plain_auth;

static cql_status pa_initial(void *ud, const char *cls, cql_slice *token) {
  plain_auth *a = ud;
  a->initial_calls++;
  snprintf(a->cls, sizeof(a->cls), "%s", cls);
  static const char plain[] = "\0cassandra\0s3cret";
  memcpy(a->token, plain, sizeof(plain) - 1);
  a->len = sizeof(plain) - 1;
  token->ptr = (const uint8_t *)a->token;
  token->len = a->len;
  return CQL_OK;
}

static void with_authenticator(cql_config *cfg, void *ud) {
  static const cql_authenticator auth = {pa_initial, NULL, NULL, NULL};
  assert_int_equal(cql_config_set_authenticator(cfg, &auth, ud), CQL_OK);
}

static void test_pluggable_authenticator(void **state) {
  (void)state;
  senv e;
  cql_node_options o;
  cql_node_options_init(&o);
  o.auth_user = "cassandra";
  o.auth_password = "s3cret";
  senv_start_node(&e, &o);
  plain_auth a;
  memset(&a, 0, sizeof(a));
  cql_status st = senv_connect(&e, with_authenticator, &a);
  if (st != CQL_OK)
    fail_msg("custom authenticator: %s: %s", cql_status_name(st), e.message);
  assert_true(a.initial_calls >= 1);
  assert_non_null(strstr(a.cls, "Authenticator"));
  senv_stop(&e);
}

static void test_refused_connection(void **state) {
  (void)state;
  senv e;
  senv_start_node(&e, NULL);
  uint16_t port = e.port;
  bool closed = false;
  cql_node_close(e.node, senv_node_closed, &closed);
  senv_run_until(&e, &closed, 5000);
  e.node = NULL;
  e.port = port; /* nobody listens there now */
  assert_int_equal(senv_connect(&e, NULL, NULL), CQL_E_CONNECT);
  senv_stop(&e);
}

typedef struct counter {
  int done, ok, cancelled;
} counter;

static void count_cb(const cql_result *r, void *ud) {
  counter *c = ud;
  c->done++;
  c->ok += cql_result_status(r) == CQL_OK;
  c->cancelled += cql_result_status(r) == CQL_E_CANCELLED;
}

static void test_requests_before_connect(void **state) {
  (void)state;
  senv e;
  cql_node_options o;
  cql_node_options_init(&o);
  o.max_version = 4; /* the version is learnt after the requests were encoded */
  senv_start_node(&e, &o);
  senv_connect_async(&e, NULL, NULL);
  counter c = {0, 0, 0};
  for (int i = 0; i < 10; i++)
    assert_int_equal(
        cql_session_query(e.session, "SELECT release_version FROM system.local", count_cb, &c),
        CQL_OK);
  assert_int_equal(c.done, 0);
  assert_true(senv_run_until(&e, &e.connected, 10000));
  assert_int_equal(e.connect_status, CQL_OK);
  for (int i = 0; i < 200 && c.done < 10; i++)
    senv_run_for(&e, 10);
  assert_int_equal(c.ok, 10);
  senv_stop(&e);
}

typedef struct status_wait {
  bool done;
  cql_status st;
} status_wait;

static void status_cb(const cql_result *r, void *ud) {
  status_wait *w = ud;
  w->st = cql_result_status(r);
  w->done = true;
}

/* A v5-only option (a statement keyspace) submitted before the version is
 * known: it runs on v5 and fails cleanly with CQL_E_UNSUPPORTED on v4; once
 * connected to v4 the submit itself refuses it. */
static void test_v5_only_option_before_and_after_connect(void **state) {
  (void)state;
  for (int max = 5; max >= 4; max--) {
    senv e;
    cql_node_options o;
    cql_node_options_init(&o);
    o.max_version = max;
    senv_start_node(&e, &o);
    senv_connect_async(&e, NULL, NULL);
    cql_statement *st = NULL;
    assert_int_equal(cql_statement_new(&st, "SELECT release_version FROM local", 0, NULL), CQL_OK);
    assert_int_equal(cql_statement_set_keyspace(st, "system"), CQL_OK);
    status_wait w = {false, CQL_OK};
    assert_int_equal(cql_session_execute(e.session, st, status_cb, &w), CQL_OK);
    assert_true(senv_run_until(&e, &w.done, 10000));
    assert_int_equal(w.st, max == 5 ? CQL_OK : CQL_E_UNSUPPORTED);
    if (max == 4)
      assert_int_equal(cql_session_execute(e.session, st, status_cb, &w), CQL_E_UNSUPPORTED);
    cql_statement_free(st);
    senv_stop(&e);
  }
}

static void by_name(cql_config *cfg, void *ud) {
  (void)ud;
  assert_int_equal(cql_config_set_contact_points(cfg, "localhost"), CQL_OK);
}

static void test_contact_point_by_name(void **state) {
  (void)state;
  senv e;
  senv_start_node(&e, NULL);
  assert_int_equal(senv_connect(&e, by_name, NULL), CQL_OK);
  cql_result *r = senv_query(&e, "SELECT release_version FROM system.local");
  assert_int_equal(cql_result_status(r), CQL_OK);
  cql_result_release(r);
  senv_stop(&e);
}

static void test_close_while_connecting(void **state) {
  (void)state;
  senv e;
  senv_start_node(&e, NULL);
  senv_connect_async(&e, NULL, NULL);
  counter c = {0, 0, 0};
  assert_int_equal(
      cql_session_query(e.session, "SELECT release_version FROM system.local", count_cb, &c),
      CQL_OK);
  /* Close before the loop ever ran: nothing is connected yet. */
  e.closed = false;
  cql_session_close(e.session, senv_on_closed, &e);
  e.session = NULL;
  assert_true(senv_run_until(&e, &e.closed, 10000));
  assert_true(e.connected); /* the connect callback ran, before the close callback */
  assert_int_equal(e.connect_status, CQL_E_CANCELLED);
  assert_int_equal(c.cancelled, 1);

  /* While a contact point given by name is being resolved. */
  senv_connect_async(&e, by_name, NULL);
  e.closed = false;
  cql_session_close(e.session, senv_on_closed, &e);
  e.session = NULL;
  assert_true(senv_run_until(&e, &e.closed, 10000));
  assert_int_equal(e.connect_status, CQL_E_CANCELLED);

  /* And in the middle of the handshake. */
  senv_connect_async(&e, NULL, NULL);
  uv_run(&e.loop, UV_RUN_NOWAIT);
  uv_run(&e.loop, UV_RUN_NOWAIT);
  e.closed = false;
  cql_session_close(e.session, senv_on_closed, &e);
  e.session = NULL;
  assert_true(senv_run_until(&e, &e.closed, 10000));
  senv_stop(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v5_by_default),
      cmocka_unit_test(test_v4_only_node_negotiates_down),
      cmocka_unit_test(test_strict_v5_names_server_version),
      cmocka_unit_test(test_lz4_compression_v5_and_v4),
      cmocka_unit_test(test_auth_ok_and_bad_password),
      cmocka_unit_test(test_pluggable_authenticator),
      cmocka_unit_test(test_refused_connection),
      cmocka_unit_test(test_requests_before_connect),
      cmocka_unit_test(test_v5_only_option_before_and_after_connect),
      cmocka_unit_test(test_contact_point_by_name),
      cmocka_unit_test(test_close_while_connecting),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
