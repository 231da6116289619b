/* TLS for the node as a byte transform: OpenSSL with memory BIOs between
 * the socket and the sans-IO connection. No sockets here: ciphertext in,
 * plaintext out and the other way round, so the transport stays thin.
 *
 * Threading: one thread uses a context and its connections. */
#ifndef CQL_NODE_TLS_H
#define CQL_NODE_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

typedef struct cql_tls_server cql_tls_server;
typedef struct cql_tls_conn cql_tls_conn;

/* Loads a PEM certificate chain and private key; with `ca_file`, clients
 * must present a certificate signed by it. TLS 1.2 and 1.3. Returns
 * E_TLS (with a reason in `err`) or E_NOMEM; free with
 * cql_tls_server_free. */
cql_status cql_tls_server_new(const char *cert_file, const char *key_file, const char *ca_file,
                              cql_tls_server **out, char *err, size_t err_cap);
void cql_tls_server_free(cql_tls_server *s);

/* A server-side session. E_NOMEM, E_TLS. Free with cql_tls_conn_free
 * (before the server context). */
cql_status cql_tls_conn_new(cql_tls_server *s, cql_tls_conn **out);
void cql_tls_conn_free(cql_tls_conn *c);

/* Feeds received ciphertext: decrypted application bytes are appended to
 * `plain`, and whatever TLS has to send back (handshake, alerts, writes
 * that waited for the handshake) to `cipher_out`. E_TLS when the peer
 * failed the handshake or verification; the connection is then done (send
 * `cipher_out` for the alert, then close). */
cql_status cql_tls_conn_read(cql_tls_conn *c, const uint8_t *p, size_t n, cql_buf *plain,
                             cql_buf *cipher_out);

/* Encrypts `n` bytes into `cipher_out`; bytes written before the
 * handshake is complete are kept and sent once it is. E_TLS, E_NOMEM. */
cql_status cql_tls_conn_write(cql_tls_conn *c, const uint8_t *p, size_t n, cql_buf *cipher_out);

#endif
