/* TLS between the session and cqlkit-node: success with the right CA,
 * distinct verification errors for an untrusted chain and for a
 * certificate that names another host, SNI, and client certificates.
 * Certificates are made for each run with the openssl command line in a
 * temporary directory. */
#include "session_env.h"

#include <unistd.h>

static char dir[256];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...) {
  char cmd[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  if (system(cmd) != 0)
    fail_msg("command failed: %s", cmd);
}

/* A key and a certificate `name` signed by CA `ca` with the given SANs. */
static void make_cert(const char *name, const char *ca, const char *cn, const char *san) {
  sh("cd %s && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
     "-keyout %s.key -out %s.csr -subj /CN=%s 2>/dev/null",
     dir, name, name, cn);
  sh("cd %s && printf 'subjectAltName=%s\\nbasicConstraints=CA:FALSE\\n' > %s.ext", dir, san, name);
  sh("cd %s && openssl x509 -req -in %s.csr -CA %s.pem -CAkey %s.key -CAcreateserial "
     "-out %s.pem -days 2 -extfile %s.ext 2>/dev/null",
     dir, name, ca, ca, name, name);
}

static void make_ca(const char *name) {
  sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
     "-keyout %s.key -out %s.pem -days 2 -subj /CN=%s 2>/dev/null",
     dir, name, name, name);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/cqlkit-tls-XXXXXX");
  if (!mkdtemp(dir))
    return -1;
  make_ca("ca");
  make_ca("otherca");
  make_cert("server", "ca", "127.0.0.1", "IP:127.0.0.1,DNS:localhost");
  make_cert("wrongname", "ca", "other.example", "DNS:other.example");
  make_cert("client", "ca", "cqlkit-client", "DNS:cqlkit-client");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static const char *path(const char *file) {
  static char buf[8][320];
  static int next;
  char *p = buf[next++ % 8];
  snprintf(p, 320, "%s/%s", dir, file);
  return p;
}

static void start_tls_node(senv *e, const char *cert, bool require_client_cert) {
  cql_node_options o;
  cql_node_options_init(&o);
  char c[64], k[64];
  snprintf(c, sizeof(c), "%s.pem", cert);
  snprintf(k, sizeof(k), "%s.key", cert);
  o.tls_cert_file = path(c);
  o.tls_key_file = path(k);
  if (require_client_cert)
    o.tls_ca_file = path("ca.pem");
  senv_start_node(e, &o);
}

typedef struct tls_conf {
  const char *ca;
  const char *server_name;
  bool client_cert;
} tls_conf;

static void with_tls(cql_config *cfg, void *ud) {
  const tls_conf *t = ud;
  cql_tls_options o;
  cql_tls_options_init(&o);
  o.ca_file = path(t->ca);
  o.server_name = t->server_name;
  if (t->client_cert) {
    o.cert_file = path("client.pem");
    o.key_file = path("client.key");
  }
  assert_int_equal(cql_config_set_tls(cfg, &o), CQL_OK);
}

static void by_name_localhost(cql_config *cfg, void *ud) {
  with_tls(cfg, ud);
  assert_int_equal(cql_config_set_contact_points(cfg, "localhost"), CQL_OK);
}

static void expect_query_ok(senv *e) {
  cql_result *r = senv_query(e, "SELECT release_version FROM system.local");
  assert_int_equal(cql_result_status(r), CQL_OK);
  cql_result_release(r);
}

static void test_tls_ok(void **state) {
  (void)state;
  senv e;
  start_tls_node(&e, "server", false);
  tls_conf t = {"ca.pem", NULL, false};
  cql_status st = senv_connect(&e, with_tls, &t);
  if (st != CQL_OK)
    fail_msg("TLS connect: %s: %s", cql_status_name(st), e.message);
  expect_query_ok(&e);
  senv_close_session(&e);
  /* By name, with SNI. */
  tls_conf byname = {"ca.pem", "localhost", false};
  assert_int_equal(senv_connect(&e, with_tls, &byname), CQL_OK);
  expect_query_ok(&e);
  senv_close_session(&e);
  /* A contact point given by name is verified by that name. */
  tls_conf plain = {"ca.pem", NULL, false};
  assert_int_equal(senv_connect(&e, by_name_localhost, &plain), CQL_OK);
  expect_query_ok(&e);
  senv_stop(&e);
}

static void test_tls_wrong_ca(void **state) {
  (void)state;
  senv e;
  start_tls_node(&e, "server", false);
  tls_conf t = {"otherca.pem", NULL, false};
  assert_int_equal(senv_connect(&e, with_tls, &t), CQL_E_TLS_VERIFY);
  if (!strstr(e.message, "not trusted"))
    fail_msg("unexpected message: %s", e.message);
  senv_stop(&e);
}

static void test_tls_wrong_hostname(void **state) {
  (void)state;
  senv e;
  start_tls_node(&e, "wrongname", false);
  tls_conf t = {"ca.pem", NULL, false};
  assert_int_equal(senv_connect(&e, with_tls, &t), CQL_E_TLS_HOSTNAME);
  if (!strstr(e.message, "does not name host '127.0.0.1'"))
    fail_msg("unexpected message: %s", e.message);
  senv_close_session(&e);
  /* The same certificate passes when we ask for the name it carries. */
  tls_conf named = {"ca.pem", "other.example", false};
  assert_int_equal(senv_connect(&e, with_tls, &named), CQL_OK);
  senv_close_session(&e);
  /* By contact point name: the message names it. */
  tls_conf plain = {"ca.pem", NULL, false};
  assert_int_equal(senv_connect(&e, by_name_localhost, &plain), CQL_E_TLS_HOSTNAME);
  if (!strstr(e.message, "does not name host 'localhost'"))
    fail_msg("unexpected message: %s", e.message);
  senv_stop(&e);
}

static void test_tls_client_certificate(void **state) {
  (void)state;
  senv e;
  start_tls_node(&e, "server", true);
  tls_conf without = {"ca.pem", NULL, false};
  assert_int_not_equal(senv_connect(&e, with_tls, &without), CQL_OK);
  senv_close_session(&e);
  tls_conf with = {"ca.pem", NULL, true};
  cql_status st = senv_connect(&e, with_tls, &with);
  if (st != CQL_OK)
    fail_msg("client certificate: %s: %s", cql_status_name(st), e.message);
  expect_query_ok(&e);
  senv_stop(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tls_ok),
      cmocka_unit_test(test_tls_wrong_ca),
      cmocka_unit_test(test_tls_wrong_hostname),
      cmocka_unit_test(test_tls_client_certificate),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
