/* OpenSSL through memory BIOs; see tlsbio.h. */
#include "tlsbio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "cqlkit/mem.h"

struct cql_tls_ctx {
  SSL_CTX *ssl_ctx;
  bool verify_hostname;
};

struct cql_tls {
  SSL *ssl;
  BIO *in;  /* ciphertext from the network, read by OpenSSL */
  BIO *out; /* ciphertext from OpenSSL, to the network */
  char host[256];
};

/* The last queued OpenSSL error as text, or `fallback`. */
static void ssl_error_text(char *buf, size_t n, const char *prefix, const char *fallback) {
  unsigned long e = ERR_get_error();
  char tmp[256];
  if (e)
    ERR_error_string_n(e, tmp, sizeof(tmp));
  snprintf(buf, n, "%s: %s", prefix, e ? tmp : fallback);
  ERR_clear_error();
}

static cql_status load_files(SSL_CTX *c, const cql_tls_settings *s, char *err, size_t errlen) {
  int ok = s->ca_file ? SSL_CTX_load_verify_locations(c, s->ca_file, NULL)
                      : SSL_CTX_set_default_verify_paths(c);
  if (ok != 1) {
    ssl_error_text(err, errlen, "TLS: cannot load the CA file", "unknown error");
    return CQL_E_TLS;
  }
  if (s->cert_file && SSL_CTX_use_certificate_chain_file(c, s->cert_file) != 1) {
    ssl_error_text(err, errlen, "TLS: cannot load the client certificate", "unknown error");
    return CQL_E_TLS;
  }
  if (s->key_file && (SSL_CTX_use_PrivateKey_file(c, s->key_file, SSL_FILETYPE_PEM) != 1 ||
                      SSL_CTX_check_private_key(c) != 1)) {
    ssl_error_text(err, errlen, "TLS: cannot load the client key", "unknown error");
    return CQL_E_TLS;
  }
  return CQL_OK;
}

cql_status cql_tls_ctx_new(cql_tls_ctx **out, const cql_tls_settings *s, char *err, size_t errlen) {
  if (errlen)
    err[0] = '\0';
  cql_tls_ctx *ctx = calloc(1, sizeof(*ctx));
  if (!ctx)
    return CQL_E_NOMEM;
  ctx->ssl_ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx->ssl_ctx) {
    free(ctx);
    return CQL_E_NOMEM;
  }
  SSL_CTX_set_min_proto_version(ctx->ssl_ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx->ssl_ctx, s->verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
  ctx->verify_hostname = s->verify_peer && s->verify_hostname;
  cql_status st = load_files(ctx->ssl_ctx, s, err, errlen);
  if (st != CQL_OK) {
    cql_tls_ctx_free(ctx);
    return st;
  }
  *out = ctx;
  return CQL_OK;
}

void cql_tls_ctx_free(cql_tls_ctx *ctx) {
  if (!ctx)
    return;
  SSL_CTX_free(ctx->ssl_ctx);
  free(ctx);
}

static bool is_ip_literal(const char *host) {
  ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);
  if (!ip)
    return false;
  ASN1_OCTET_STRING_free(ip);
  return true;
}

/* Names the host to match, as an IP (no SNI: RFC 6066 forbids literals) or
 * a DNS name (also sent as SNI). */
static bool set_host(cql_tls *t, bool verify) {
  bool ip = is_ip_literal(t->host);
  if (!ip && SSL_set_tlsext_host_name(t->ssl, t->host) != 1)
    return false;
  if (!verify)
    return true;
  X509_VERIFY_PARAM *p = SSL_get0_param(t->ssl);
  X509_VERIFY_PARAM_set_hostflags(p, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return ip ? X509_VERIFY_PARAM_set1_ip_asc(p, t->host) == 1
            : X509_VERIFY_PARAM_set1_host(p, t->host, 0) == 1;
}

cql_status cql_tls_new(cql_tls **out, cql_tls_ctx *ctx, const char *host) {
  cql_tls *t = calloc(1, sizeof(*t));
  if (!t)
    return CQL_E_NOMEM;
  snprintf(t->host, sizeof(t->host), "%s", host ? host : "");
  t->ssl = SSL_new(ctx->ssl_ctx);
  t->in = BIO_new(BIO_s_mem());
  t->out = BIO_new(BIO_s_mem());
  if (!t->ssl || !t->in || !t->out) {
    BIO_free(t->in);
    BIO_free(t->out);
    SSL_free(t->ssl);
    free(t);
    return CQL_E_NOMEM;
  }
  /* An empty memory BIO must say "retry", not end of file. */
  BIO_set_mem_eof_return(t->in, -1);
  SSL_set_bio(t->ssl, t->in, t->out);
  SSL_set_connect_state(t->ssl);
  if (t->host[0] && !set_host(t, ctx->verify_hostname)) {
    cql_tls_free(t);
    return CQL_E_TLS;
  }
  *out = t;
  return CQL_OK;
}

void cql_tls_free(cql_tls *t) {
  if (!t)
    return;
  SSL_free(t->ssl); /* frees both BIOs */
  free(t);
}

cql_status cql_tls_feed(cql_tls *t, const uint8_t *data, size_t len) {
  while (len > 0) {
    int chunk = len > 1u << 30 ? 1 << 30 : (int)len;
    int n = BIO_write(t->in, data, chunk);
    if (n <= 0)
      return CQL_E_NOMEM;
    data += n;
    len -= (size_t)n;
  }
  return CQL_OK;
}

static bool name_mismatch(long v) {
  return v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

static cql_status handshake_failure(cql_tls *t, char *msg, size_t msglen) {
  long v = SSL_get_verify_result(t->ssl);
  if (v != X509_V_OK) {
    ERR_clear_error();
    if (name_mismatch(v)) {
      snprintf(msg, msglen, "TLS: the server certificate does not name host '%s'", t->host);
      return CQL_E_TLS_HOSTNAME;
    }
    snprintf(msg, msglen, "TLS: the server certificate is not trusted: %s",
             X509_verify_cert_error_string(v));
    return CQL_E_TLS_VERIFY;
  }
  ssl_error_text(msg, msglen, "TLS handshake failed", "the peer closed the connection");
  return CQL_E_TLS;
}

cql_status cql_tls_handshake(cql_tls *t, bool *done, char *msg, size_t msglen) {
  *done = false;
  int r = SSL_do_handshake(t->ssl);
  if (r == 1) {
    *done = true;
    return CQL_OK;
  }
  int e = SSL_get_error(t->ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
    return CQL_OK;
  return handshake_failure(t, msg, msglen);
}

cql_status cql_tls_read(cql_tls *t, uint8_t *buf, size_t cap, size_t *got, char *msg,
                        size_t msglen) {
  *got = 0;
  int want = cap > 1u << 30 ? 1 << 30 : (int)cap;
  int r = SSL_read(t->ssl, buf, want);
  if (r > 0) {
    *got = (size_t)r;
    return CQL_OK;
  }
  int e = SSL_get_error(t->ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
    return CQL_OK;
  if (e == SSL_ERROR_ZERO_RETURN) {
    snprintf(msg, msglen, "TLS: the server closed the session");
    return CQL_E_CONNECTION_CLOSED;
  }
  ssl_error_text(msg, msglen, "TLS read failed", "broken record");
  return CQL_E_TLS;
}

cql_status cql_tls_write(cql_tls *t, const uint8_t *data, size_t len) {
  while (len > 0) {
    int chunk = len > 1u << 30 ? 1 << 30 : (int)len;
    int n = SSL_write(t->ssl, data, chunk);
    if (n <= 0) {
      ERR_clear_error();
      return CQL_E_TLS;
    }
    data += n;
    len -= (size_t)n;
  }
  return CQL_OK;
}

bool cql_tls_want_write(const cql_tls *t) { return BIO_ctrl_pending(t->out) > 0; }

void cql_tls_take_output(cql_tls *t, cql_buf *out) {
  size_t n = BIO_ctrl_pending(t->out);
  while (n > 0) {
    uint8_t *p = cql_buf_extend(out, n);
    if (!p)
      return;
    int got = BIO_read(t->out, p, n > 1u << 30 ? 1 << 30 : (int)n);
    if (got <= 0) {
      out->len -= n;
      return;
    }
    out->len -= n - (size_t)got;
    n = BIO_ctrl_pending(t->out);
  }
}
