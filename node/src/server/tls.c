/* OpenSSL memory-BIO transform for the node's TLS connections. */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cql_tls_server {
  SSL_CTX *ctx;
};

struct cql_tls_conn {
  SSL *ssl;
  BIO *in;      /* ciphertext from the peer; SSL reads it */
  BIO *out;     /* ciphertext for the peer; SSL writes it */
  cql_buf held; /* plaintext written before the handshake finished */
};

static void last_error(char *err, size_t cap, const char *what) {
  unsigned long e = ERR_get_error();
  char reason[200] = "";
  if (e)
    ERR_error_string_n(e, reason, sizeof(reason));
  snprintf(err, cap, "%s: %s", what, reason);
  ERR_clear_error();
}

cql_status cql_tls_server_new(const char *cert_file, const char *key_file, const char *ca_file,
                              cql_tls_server **out, char *err, size_t err_cap) {
  cql_tls_server *s = calloc(1, sizeof(*s));
  if (!s)
    return CQL_E_NOMEM;
  s->ctx = SSL_CTX_new(TLS_server_method());
  if (!s->ctx) {
    last_error(err, err_cap, "SSL_CTX_new");
    free(s);
    return CQL_E_TLS;
  }
  SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
  const char *step = NULL;
  if (SSL_CTX_use_certificate_chain_file(s->ctx, cert_file) != 1)
    step = "cannot load the certificate";
  else if (SSL_CTX_use_PrivateKey_file(s->ctx, key_file, SSL_FILETYPE_PEM) != 1)
    step = "cannot load the private key";
  else if (SSL_CTX_check_private_key(s->ctx) != 1)
    step = "the private key does not match the certificate";
  else if (ca_file && SSL_CTX_load_verify_locations(s->ctx, ca_file, NULL) != 1)
    step = "cannot load the CA file";
  if (step) {
    last_error(err, err_cap, step);
    cql_tls_server_free(s);
    return CQL_E_TLS;
  }
  if (ca_file)
    SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  *out = s;
  return CQL_OK;
}

void cql_tls_server_free(cql_tls_server *s) {
  if (!s)
    return;
  SSL_CTX_free(s->ctx);
  free(s);
}

cql_status cql_tls_conn_new(cql_tls_server *s, cql_tls_conn **out) {
  cql_tls_conn *c = calloc(1, sizeof(*c));
  if (!c)
    return CQL_E_NOMEM;
  c->ssl = SSL_new(s->ctx);
  c->in = BIO_new(BIO_s_mem());
  c->out = BIO_new(BIO_s_mem());
  if (!c->ssl || !c->in || !c->out) {
    SSL_free(c->ssl);
    BIO_free(c->in);
    BIO_free(c->out);
    free(c);
    return CQL_E_NOMEM;
  }
  BIO_set_mem_eof_return(c->in, -1); /* empty means "want more", not EOF */
  SSL_set_bio(c->ssl, c->in, c->out);
  SSL_set_accept_state(c->ssl);
  cql_buf_init(&c->held, NULL);
  *out = c;
  return CQL_OK;
}

void cql_tls_conn_free(cql_tls_conn *c) {
  if (!c)
    return;
  SSL_free(c->ssl); /* frees both BIOs */
  cql_buf_free(&c->held);
  free(c);
}

/* Moves what SSL wrote for the peer into `cipher_out`. */
static void drain(cql_tls_conn *c, cql_buf *cipher_out) {
  size_t pending;
  while ((pending = BIO_ctrl_pending(c->out)) > 0) {
    uint8_t *dst = cql_buf_extend(cipher_out, pending);
    if (!dst)
      return;
    int got = BIO_read(c->out, dst, (int)pending);
    cipher_out->len -= pending - (got > 0 ? (size_t)got : 0);
  }
}

static cql_status write_now(cql_tls_conn *c, const uint8_t *p, size_t n, cql_buf *cipher_out) {
  while (n > 0) {
    int chunk = n > 1 << 20 ? 1 << 20 : (int)n;
    int w = SSL_write(c->ssl, p, chunk);
    if (w <= 0) {
      ERR_clear_error();
      return CQL_E_TLS;
    }
    p += w;
    n -= (size_t)w;
    drain(c, cipher_out);
  }
  return CQL_OK;
}

cql_status cql_tls_conn_read(cql_tls_conn *c, const uint8_t *p, size_t n, cql_buf *plain,
                             cql_buf *cipher_out) {
  if (n && BIO_write(c->in, p, (int)n) != (int)n)
    return CQL_E_NOMEM;
  uint8_t tmp[16384];
  for (;;) {
    int r = SSL_read(c->ssl, tmp, sizeof(tmp));
    if (r > 0) {
      cql_buf_put_raw(plain, tmp, (size_t)r);
      continue;
    }
    int e = SSL_get_error(c->ssl, r);
    drain(c, cipher_out);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
      break;
    ERR_clear_error();
    return CQL_E_TLS;
  }
  if (SSL_is_init_finished(c->ssl) && c->held.len > 0) {
    cql_status st = write_now(c, c->held.data, c->held.len, cipher_out);
    cql_buf_reset(&c->held);
    if (st != CQL_OK)
      return st;
  }
  return plain->err != CQL_OK ? plain->err : cipher_out->err;
}

cql_status cql_tls_conn_write(cql_tls_conn *c, const uint8_t *p, size_t n, cql_buf *cipher_out) {
  if (!SSL_is_init_finished(c->ssl)) {
    cql_buf_put_raw(&c->held, p, n);
    return c->held.err;
  }
  cql_status st = write_now(c, p, n, cipher_out);
  return st != CQL_OK ? st : cipher_out->err;
}
