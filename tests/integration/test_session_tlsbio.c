/* The TLS byte transform (runtime/src/net/tlsbio.h) without any socket: a
 * client cql_tls against an OpenSSL server over memory BIOs, with the
 * server's bytes fed to the client one at a time, application data both
 * ways, and the two verification failures (untrusted chain, wrong name).
 * Certificates come from the openssl command line, in a temporary
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../../runtime/src/net/tlsbio.h"

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

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/cqlkit-tlsbio-XXXXXX");
  if (!mkdtemp(dir))
    return -1;
  sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
     "-keyout ca.key -out ca.pem -days 2 -subj /CN=tlsbio-ca 2>/dev/null",
     dir);
  sh("cd %s && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
     "-keyout srv.key -out srv.csr -subj /CN=db.example 2>/dev/null && "
     "printf 'subjectAltName=DNS:db.example,IP:10.1.2.3\\n' > srv.ext && "
     "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem "
     "-days 2 -extfile srv.ext 2>/dev/null",
     dir);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static const char *path(const char *f) {
  static char buf[4][320];
  static int n;
  char *p = buf[n++ % 4];
  snprintf(p, 320, "%s/%s", dir, f);
  return p;
}

typedef struct server {
  SSL_CTX *ctx;
  SSL *ssl;
  BIO *in, *out;
} server;

static void server_init(server *s) {
  s->ctx = SSL_CTX_new(TLS_server_method());
  assert_non_null(s->ctx);
  assert_int_equal(SSL_CTX_use_certificate_file(s->ctx, path("srv.pem"), SSL_FILETYPE_PEM), 1);
  assert_int_equal(SSL_CTX_use_PrivateKey_file(s->ctx, path("srv.key"), SSL_FILETYPE_PEM), 1);
  s->ssl = SSL_new(s->ctx);
  s->in = BIO_new(BIO_s_mem());
  s->out = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(s->in, -1);
  SSL_set_bio(s->ssl, s->in, s->out);
  SSL_set_accept_state(s->ssl);
}

static void server_free(server *s) {
  SSL_free(s->ssl);
  SSL_CTX_free(s->ctx);
}

/* Moves the client's output to the server and the server's output back,
 * byte by byte; returns the client's handshake status. */
static cql_status pump(cql_tls *c, server *s, bool *done, char *msg, size_t n) {
  cql_status st = CQL_OK;
  *done = false;
  for (int round = 0; round < 20 && !*done && st == CQL_OK; round++) {
    cql_buf b;
    cql_buf_init(&b, NULL);
    cql_tls_take_output(c, &b);
    if (b.len)
      BIO_write(s->in, b.data, (int)b.len);
    cql_buf_free(&b);
    SSL_do_handshake(s->ssl);
    ERR_clear_error();
    uint8_t byte;
    while (BIO_read(s->out, &byte, 1) == 1) {
      assert_int_equal(cql_tls_feed(c, &byte, 1), CQL_OK);
      st = cql_tls_handshake(c, done, msg, n);
      if (st != CQL_OK || *done)
        break;
    }
    if (st == CQL_OK && !*done)
      st = cql_tls_handshake(c, done, msg, n);
  }
  return st;
}

static cql_tls_ctx *client_ctx(const char *ca) {
  cql_tls_settings set = {path(ca), NULL, NULL, true, true};
  cql_tls_ctx *ctx = NULL;
  char err[256];
  assert_int_equal(cql_tls_ctx_new(&ctx, &set, err, sizeof(err)), CQL_OK);
  return ctx;
}

static void test_handshake_and_data_byte_by_byte(void **state) {
  (void)state;
  cql_tls_ctx *ctx = client_ctx("ca.pem");
  cql_tls *c = NULL;
  assert_int_equal(cql_tls_new(&c, ctx, "db.example"), CQL_OK);
  server s;
  server_init(&s);
  bool done = false;
  char msg[300] = "";
  cql_status st = pump(c, &s, &done, msg, sizeof(msg));
  if (st != CQL_OK)
    fail_msg("handshake: %s", msg);
  assert_true(done);
  /* Client to server. */
  assert_int_equal(cql_tls_write(c, (const uint8_t *)"hello", 5), CQL_OK);
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_tls_take_output(c, &b);
  BIO_write(s.in, b.data, (int)b.len);
  char got[16] = "";
  assert_int_equal(SSL_read(s.ssl, got, sizeof(got)), 5);
  assert_memory_equal(got, "hello", 5);
  /* Server to client, fed one byte at a time. */
  assert_int_equal(SSL_write(s.ssl, "world!", 6), 6);
  uint8_t byte, plain[16];
  size_t total = 0;
  while (BIO_read(s.out, &byte, 1) == 1) {
    assert_int_equal(cql_tls_feed(c, &byte, 1), CQL_OK);
    size_t n = 0;
    do {
      assert_int_equal(cql_tls_read(c, plain + total, sizeof(plain) - total, &n, msg, sizeof(msg)),
                       CQL_OK);
      total += n;
    } while (n > 0);
  }
  assert_int_equal(total, 6);
  assert_memory_equal(plain, "world!", 6);
  cql_buf_free(&b);
  server_free(&s);
  cql_tls_free(c);
  cql_tls_ctx_free(ctx);
}

static void expect_verify_failure(const char *ca, const char *host, cql_status want,
                                  const char *needle) {
  cql_tls_ctx *ctx = client_ctx(ca);
  cql_tls *c = NULL;
  assert_int_equal(cql_tls_new(&c, ctx, host), CQL_OK);
  server s;
  server_init(&s);
  bool done = false;
  char msg[300] = "";
  assert_int_equal(pump(c, &s, &done, msg, sizeof(msg)), want);
  if (!strstr(msg, needle))
    fail_msg("message '%s' lacks '%s'", msg, needle);
  server_free(&s);
  cql_tls_free(c);
  cql_tls_ctx_free(ctx);
}

static void test_wrong_name_and_ip(void **state) {
  (void)state;
  expect_verify_failure("ca.pem", "other.example", CQL_E_TLS_HOSTNAME,
                        "does not name host 'other.example'");
  expect_verify_failure("ca.pem", "10.9.9.9", CQL_E_TLS_HOSTNAME, "does not name host '10.9.9.9'");
}

static void test_untrusted_chain(void **state) {
  (void)state;
  /* The server's own certificate as the only trust anchor: not a CA. */
  expect_verify_failure("srv.pem", "db.example", CQL_E_TLS_VERIFY, "not trusted");
}

static void test_ip_san_matches(void **state) {
  (void)state;
  cql_tls_ctx *ctx = client_ctx("ca.pem");
  cql_tls *c = NULL;
  assert_int_equal(cql_tls_new(&c, ctx, "10.1.2.3"), CQL_OK);
  server s;
  server_init(&s);
  bool done = false;
  char msg[300] = "";
  assert_int_equal(pump(c, &s, &done, msg, sizeof(msg)), CQL_OK);
  assert_true(done);
  server_free(&s);
  cql_tls_free(c);
  cql_tls_ctx_free(ctx);
}

static void test_missing_ca_file(void **state) {
  (void)state;
  cql_tls_settings set = {"/nonexistent/ca.pem", NULL, NULL, true, true};
  cql_tls_ctx *ctx = NULL;
  char err[256];
  assert_int_equal(cql_tls_ctx_new(&ctx, &set, err, sizeof(err)), CQL_E_TLS);
  assert_non_null(strstr(err, "CA file"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_handshake_and_data_byte_by_byte),
      cmocka_unit_test(test_wrong_name_and_ip),
      cmocka_unit_test(test_untrusted_chain),
      cmocka_unit_test(test_ip_san_matches),
      cmocka_unit_test(test_missing_ca_file),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
