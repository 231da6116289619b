/* cql_config: defaults, setter validation (an unsupported protocol version
 * fails here, not on the network), contact point parsing, the environment,
 * copies and the mapping onto the connection's settings. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "transcript.h"

static cql_config *new_config(void) {
  cql_config *c = NULL;
  assert_int_equal(cql_config_new(&c, NULL), CQL_OK);
  return c;
}

static void test_defaults(void **state) {
  (void)state;
  cql_config *c = new_config();
  assert_int_equal(c->n_contacts, 1);
  assert_string_equal(c->contacts[0].host, "127.0.0.1");
  assert_int_equal(c->port, 9042);
  assert_int_equal(c->min_version, 4);
  assert_int_equal(c->max_version, 5);
  assert_int_equal(c->connect_timeout_ms, 5000);
  assert_int_equal(c->request_timeout_ms, 12000);
  assert_int_equal(c->consistency, CQL_CONSISTENCY_LOCAL_ONE);
  assert_int_equal(c->serial_consistency, CQL_CONSISTENCY_SERIAL);
  assert_int_equal(c->page_size, 5000);
  assert_int_equal(c->heartbeat_interval_ms, 30000);
  assert_int_equal(c->heartbeat_dead_ms, 60000);
  assert_int_equal(c->connections_per_host, 1);
  assert_int_equal(c->backoff_base_ms, 1000);
  assert_int_equal(c->backoff_max_ms, 60000);
  assert_null(c->keyspace);
  assert_false(c->tls);
  assert_int_equal(cql_config_new(NULL, NULL), CQL_E_INVALID_ARG);
  cql_config_free(c);
  cql_config_free(NULL);
}

static void test_versions(void **state) {
  (void)state;
  cql_config *c = new_config();
  assert_int_equal(cql_config_set_protocol_versions(c, 5, 5), CQL_OK);
  assert_int_equal(c->min_version, 5);
  assert_int_equal(cql_config_set_protocol_versions(c, 3, 5), CQL_E_UNSUPPORTED);
  assert_int_equal(cql_config_set_protocol_versions(c, 4, 6), CQL_E_UNSUPPORTED);
  assert_int_equal(cql_config_set_protocol_versions(c, 5, 4), CQL_E_UNSUPPORTED);
  assert_int_equal(c->min_version, 5); /* unchanged by the failures */
  assert_int_equal(cql_config_set_protocol_versions(c, 4, 4), CQL_OK);
  cql_config_free(c);
}

static void test_setters_validate(void **state) {
  (void)state;
  cql_config *c = new_config();
  assert_int_equal(cql_config_set_port(c, 0), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_port(c, 19042), CQL_OK);
  assert_int_equal(cql_config_set_connect_timeout(c, 0), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_request_timeout(c, 0), CQL_OK);
  assert_int_equal(cql_config_set_keyspace(c, ""), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_keyspace(c, "ks"), CQL_OK);
  assert_string_equal(c->keyspace, "ks");
  assert_int_equal(cql_config_set_keyspace(c, NULL), CQL_OK);
  assert_null(c->keyspace);
  assert_int_equal(cql_config_set_consistency(c, (cql_consistency)11), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_serial_consistency(c, CQL_CONSISTENCY_QUORUM), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_serial_consistency(c, CQL_CONSISTENCY_LOCAL_SERIAL), CQL_OK);
  assert_int_equal(cql_config_set_compression(c, (cql_compression)2), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_compression(c, CQL_COMPRESSION_LZ4), CQL_OK);
  assert_int_equal(cql_config_set_page_size(c, 0), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_heartbeat(c, 1000, 500), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_heartbeat(c, 0, 0), CQL_OK);
  assert_int_equal(cql_config_set_connections_per_host(c, 0), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_local_dc(c, "dc1"), CQL_OK);
  assert_int_equal(cql_config_set_reconnect_backoff(c, 100, 50), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_credentials(c, "u", NULL), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_credentials(c, "u", "p"), CQL_OK);
  cql_tls_options tls;
  cql_tls_options_init(&tls);
  assert_true(tls.verify_peer && tls.verify_hostname);
  tls.key_file = "k.pem";
  assert_int_equal(cql_config_set_tls(c, &tls), CQL_E_INVALID_ARG); /* key without cert */
  tls.cert_file = "c.pem";
  tls.server_name = "db.example";
  assert_int_equal(cql_config_set_tls(c, &tls), CQL_OK);
  assert_true(c->tls);
  assert_string_equal(c->tls_server_name, "db.example");
  cql_authenticator bad = {0};
  assert_int_equal(cql_config_set_authenticator(c, &bad, NULL), CQL_E_INVALID_ARG);
  assert_int_equal(cql_config_set_log(c, (cql_log_level)9, NULL, NULL), CQL_E_INVALID_ARG);

  cql_conn_config cc;
  cql_config_conn_config(c, 5, &cc);
  assert_int_equal(cc.protocol_version, 5);
  assert_int_equal(cc.min_protocol_version, 4);
  assert_int_equal(cc.compression, CQL_CONN_COMPRESSION_LZ4);
  assert_string_equal(cc.username, "u");
  assert_int_equal(cc.heartbeat_interval_ms, 0);
  assert_int_equal(cc.request_timeout_ms, CQL_CONN_NO_TIMEOUT);
  cql_config_free(c);
}

static void test_contact_points(void **state) {
  (void)state;
  cql_config *c = new_config();
  assert_int_equal(
      cql_config_set_contact_points(c, " 10.0.0.1:9043, [::1]:9044,::1 , db.local,[fe80::1]"),
      CQL_OK);
  assert_int_equal(c->n_contacts, 5);
  assert_string_equal(c->contacts[0].host, "10.0.0.1");
  assert_int_equal(c->contacts[0].port, 9043);
  assert_string_equal(c->contacts[1].host, "::1");
  assert_int_equal(c->contacts[1].port, 9044);
  assert_string_equal(c->contacts[2].host, "::1");
  assert_int_equal(c->contacts[2].port, 0);
  assert_string_equal(c->contacts[3].host, "db.local");
  assert_string_equal(c->contacts[4].host, "fe80::1");
  static const char *bad[] = {"",           ",",      "a,,b", "host:", "host:0",
                              "host:65536", "host:x", "[::1", "[]:1",  "[::1]x"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    assert_int_equal(cql_config_set_contact_points(c, bad[i]), CQL_E_INVALID_ARG);
    assert_int_equal(c->n_contacts, 5); /* the old list stays */
  }
  cql_config *copy = NULL;
  assert_int_equal(cql_config_copy(c, NULL, &copy), CQL_OK);
  cql_config_free(c);
  assert_string_equal(copy->contacts[3].host, "db.local");
  cql_config_free(copy);
}

static void test_env(void **state) {
  (void)state;
  cql_config *c = new_config();
  setenv("CQLKIT_CONTACT_POINTS", "127.0.0.2:1234,127.0.0.3", 1);
  setenv("CQLKIT_PORT", "9999", 1);
  setenv("CQLKIT_KEYSPACE", "envks", 1);
  setenv("CQLKIT_LOCAL_DC", "dc9", 1);
  setenv("CQLKIT_USERNAME", "cassandra", 1);
  setenv("CQLKIT_PASSWORD", "secret", 1);
  setenv("CQLKIT_PROTOCOL_VERSION", "5", 1);
  assert_int_equal(cql_config_apply_env(c), CQL_OK);
  assert_int_equal(c->n_contacts, 2);
  assert_int_equal(c->contacts[0].port, 1234);
  assert_int_equal(c->port, 9999);
  assert_string_equal(c->keyspace, "envks");
  assert_string_equal(c->local_dc, "dc9");
  assert_string_equal(c->password, "secret");
  assert_int_equal(c->min_version, 5);
  setenv("CQLKIT_PROTOCOL_VERSION", "3", 1);
  assert_int_equal(cql_config_apply_env(c), CQL_E_UNSUPPORTED);
  setenv("CQLKIT_PROTOCOL_VERSION", "four", 1);
  assert_int_equal(cql_config_apply_env(c), CQL_E_INVALID_ARG);
  unsetenv("CQLKIT_PROTOCOL_VERSION");
  setenv("CQLKIT_PORT", "70000", 1);
  assert_int_equal(cql_config_apply_env(c), CQL_E_INVALID_ARG);
  const char *names[] = {"CQLKIT_CONTACT_POINTS", "CQLKIT_PORT",     "CQLKIT_KEYSPACE",
                         "CQLKIT_LOCAL_DC",       "CQLKIT_USERNAME", "CQLKIT_PASSWORD"};
  for (size_t i = 0; i < 6; i++)
    unsetenv(names[i]);
  assert_int_equal(cql_config_apply_env(c), CQL_OK); /* nothing set: nothing changes */
  assert_string_equal(c->keyspace, "envks");
  cql_config_free(c);
}

static int log_calls;
static void count_log(cql_log_level level, const char *message, void *ud) {
  (void)level;
  (void)message;
  (void)ud;
  log_calls++;
}

static void test_log_and_copy(void **state) {
  (void)state;
  cql_config *c = new_config();
  assert_int_equal(cql_config_set_log(c, CQL_LOG_INFO, count_log, NULL), CQL_OK);
  log_calls = 0;
  cql_config_log(c, CQL_LOG_ERROR, "e");
  cql_config_log(c, CQL_LOG_DEBUG, "d");
  assert_int_equal(log_calls, 1);
  assert_int_equal(cql_config_set_keyspace(c, "k"), CQL_OK);
  cql_tls_options tls;
  cql_tls_options_init(&tls);
  tls.ca_file = "ca.pem";
  assert_int_equal(cql_config_set_tls(c, &tls), CQL_OK);
  cql_config *copy = NULL;
  assert_int_equal(cql_config_copy(c, NULL, &copy), CQL_OK);
  cql_config_free(c);
  assert_string_equal(copy->keyspace, "k");
  assert_string_equal(copy->tls_ca_file, "ca.pem");
  cql_config_log(copy, CQL_LOG_WARN, "w");
  assert_int_equal(log_calls, 2);
  cql_config_free(copy);
}

/* Every allocation of building and copying a config may fail; none leaks. */
static void test_allocation_failures(void **state) {
  (void)state;
  for (size_t fail = 1; fail < 40; fail++) {
    tu_counting_mem m;
    tu_counting_mem_init(&m);
    m.fail_at = fail;
    cql_config *c = NULL, *copy = NULL;
    if (cql_config_new(&c, &m.mem) == CQL_OK) {
      (void)cql_config_set_contact_points(c, "a,b,c");
      (void)cql_config_set_keyspace(c, "ks");
      (void)cql_config_set_credentials(c, "u", "p");
      if (cql_config_copy(c, NULL, &copy) == CQL_OK)
        cql_config_free(copy);
      cql_config_free(c);
    }
    assert_int_equal(m.live, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_versions),
      cmocka_unit_test(test_setters_validate),
      cmocka_unit_test(test_contact_points),
      cmocka_unit_test(test_env),
      cmocka_unit_test(test_log_and_copy),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
