/* The sans-IO core of the cqlkit-node server: bytes in, engine, bytes out.
 *
 * A cql_srv holds what all connections of a node (or of every node of a
 * multi-node cluster) share: the engine, the authentication settings, the
 * fault-injection state and the list of connections that receive pushed
 * events. A cql_sconn is one client connection: it reads request envelopes
 * (and, on v5 after READY/AUTHENTICATE, segments) from whatever bytes the
 * transport hands it, negotiates the protocol version like Cassandra 4.0,
 * runs requests through the engine and appends the encoded responses to an
 * output buffer the transport writes out. Nothing here touches a socket,
 * a timer or OpenSSL, so every split of the input can be tested and fuzzed.
 *
 * Threading: a cql_srv and its connections are used from one thread,
 * except cql_srv_requests, which may be read from any thread. */
#ifndef CQL_NODE_SRV_H
#define CQL_NODE_SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "wire.h"

typedef struct cql_srv cql_srv;
typedef struct cql_sconn cql_sconn;

typedef struct cql_srv_config {
  /* Copied, except on_schema_change/schema_ud, which the server takes over
   * to push SCHEMA_CHANGE events. The engine is created by cql_srv_new. */
  cql_engine_config engine;
  uint8_t min_version, max_version; /* 0: 4 and 5 */
  const char *auth_user;            /* NULL: no authentication; copied */
  const char *auth_password;        /* copied */
  size_t max_frame_bytes;           /* 0: 256 MiB */
  /* Called when a connection other than the one being fed got output (a
   * pushed event), so the transport writes it. May be NULL. */
  void (*on_output)(void *ud, cql_sconn *c);
  void (*log)(void *ud, const char *line); /* NULL: quiet */
  void *ud;                                /* for on_output and log */
} cql_srv_config;

/* Creates the shared state and its engine. E_INVALID_ARG for versions
 * outside 4..5 (or min > max), E_NOMEM. Free with cql_srv_free after every
 * connection was freed. */
cql_status cql_srv_new(const cql_srv_config *cfg, cql_srv **out);
void cql_srv_free(cql_srv *s);

/* The engine, for tests and for the node's system tables. */
cql_engine *cql_srv_engine(cql_srv *s);

/* Requests received so far (every envelope, any opcode). */
uint64_t cql_srv_requests(const cql_srv *s);

/* Fault injection (see cqlkit_node.h). `message` is copied. */
void cql_srv_fail_next(cql_srv *s, uint32_t count, int32_t error_code, const char *message);
void cql_srv_forget_prepared(cql_srv *s);

/* Pushes a STATUS_CHANGE (UP or DOWN) about `addr:port` to every ready
 * connection registered for it that talks to a node other than
 * `node_index`. */
void cql_srv_status_event(cql_srv *s, uint32_t node_index, bool up, const cql_inet *addr,
                          int32_t port);

/* ---- connections --------------------------------------------------- */

/* A new connection to node `node_index` (0 for a single node); it joins
 * the server's list for events. E_NOMEM. Free with cql_sconn_free. */
cql_status cql_sconn_new(cql_srv *s, uint32_t node_index, cql_sconn **out);
void cql_sconn_free(cql_sconn *c);

/* Consumes `n` received bytes; responses are appended to the output.
 * Returns CQL_OK while the connection is usable. Any other status means
 * the connection is finished: write what cql_sconn_take_output still
 * yields (usually a PROTOCOL_ERROR), then close. */
cql_status cql_sconn_feed(cql_sconn *c, const uint8_t *p, size_t n);

/* Moves everything ready to be written into `dst` (appending; a reset
 * buffer of the caller's). True when something was added. */
bool cql_sconn_take_output(cql_sconn *c, cql_buf *dst);

/* Bytes waiting in the output. */
size_t cql_sconn_output_len(const cql_sconn *c);

/* True once the connection must be closed after its output is written
 * (protocol errors, a refused version, out of memory). */
bool cql_sconn_closing(const cql_sconn *c);

/* The node this connection talks to, and the transport's pointer. */
uint32_t cql_sconn_node_index(const cql_sconn *c);
void cql_sconn_set_user(cql_sconn *c, void *user);
void *cql_sconn_user(const cql_sconn *c);

/* The negotiated version (0 before the first envelope header arrived). */
uint8_t cql_sconn_version(const cql_sconn *c);

#endif
