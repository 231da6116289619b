/* TLS as a byte transform: OpenSSL between the socket and the protocol.
 *
 * A cql_tls wraps one SSL object whose input and output are memory BIOs,
 * so no socket is involved: the owner feeds ciphertext read from the
 * network (cql_tls_feed), drives the handshake, reads the plaintext out,
 * writes plaintext in and takes the ciphertext to send
 * (cql_tls_take_output). That keeps TLS testable without a network and
 * independent of the event loop.
 *
 * Verification is on by default: the peer's chain must lead to a trusted
 * CA, and its certificate must name the host (a DNS name or an IP address,
 * checked by OpenSSL's X509_VERIFY_PARAM host/IP matching). Failures say
 * which of the two went wrong.
 *
 * Thread safety: a cql_tls belongs to one thread; a cql_tls_ctx may be
 * shared by the connections of a session (one loop). */
#ifndef CQL_NET_TLSBIO_H
#define CQL_NET_TLSBIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/error.h"
#include "wire.h"

typedef struct cql_tls_ctx cql_tls_ctx;
typedef struct cql_tls cql_tls;

typedef struct cql_tls_settings {
  const char *ca_file;   /* PEM bundle; NULL: the system's default paths */
  const char *cert_file; /* client certificate (PEM), or NULL */
  const char *key_file;  /* its private key (PEM), or NULL */
  bool verify_peer;      /* the chain must verify */
  bool verify_hostname;  /* the certificate must name the host */
} cql_tls_settings;

/* Builds a client context (TLS 1.2 minimum, 1.3 allowed) and loads the
 * files now. E_TLS with a message in `err` (NUL-terminated, truncated to
 * `errlen`) when a file cannot be loaded; E_NOMEM. The owner frees it with
 * cql_tls_ctx_free; connections made from it keep what they need, so it
 * may be freed before them. */
cql_status cql_tls_ctx_new(cql_tls_ctx **out, const cql_tls_settings *s, char *err, size_t errlen);
void cql_tls_ctx_free(cql_tls_ctx *ctx);

/* A client TLS session that will verify `host` (copied; a name or an IP
 * address literal) and send it as SNI when it is a name. E_NOMEM, E_TLS. */
cql_status cql_tls_new(cql_tls **out, cql_tls_ctx *ctx, const char *host);
void cql_tls_free(cql_tls *t);

/* Hands ciphertext read from the network to OpenSSL. E_NOMEM. */
cql_status cql_tls_feed(cql_tls *t, const uint8_t *data, size_t len);

/* Advances the handshake with what was fed so far. *done turns true once
 * it is complete. Failures: E_TLS_VERIFY (the chain is not trusted, or the
 * certificate does not name the host; `msg` says which) or E_TLS (any other
 * handshake failure). Output to send may be waiting either way. */
cql_status cql_tls_handshake(cql_tls *t, bool *done, char *msg, size_t msglen);

/* Decrypts what was fed into `buf` (up to `cap` bytes); *got is 0 when
 * nothing more is available yet. E_CONNECTION_CLOSED after the peer's
 * close_notify, E_TLS on a broken record (msg set). */
cql_status cql_tls_read(cql_tls *t, uint8_t *buf, size_t cap, size_t *got, char *msg,
                        size_t msglen);

/* Encrypts `len` bytes of plaintext (after the handshake). E_TLS, E_NOMEM. */
cql_status cql_tls_write(cql_tls *t, const uint8_t *data, size_t len);

/* True when ciphertext waits for cql_tls_take_output. */
bool cql_tls_want_write(const cql_tls *t);

/* Appends the waiting ciphertext to `out` (errors land in out->err). */
void cql_tls_take_output(cql_tls *t, cql_buf *out);

#endif
