/* cqlkit-node in-process API: start a CQL server on a libuv loop.
 *
 * A node listens on host:port, speaks protocol v4 and v5 (v5 framing and
 * LZ4 compression included) and answers every request from one in-memory
 * engine. Tests start a node on their own loop (cql_node_start) or on a
 * thread of its own (cql_node_thread_start) for blocking code.
 *
 * Threading: a cql_node belongs to the thread running its loop. Every
 * function taking a cql_node must run on that thread, except
 * cql_node_port and cql_node_requests, which only read and may be called
 * from any thread (cql_node_requests may then be slightly stale). For a
 * node on its own thread, run fault calls through cql_node_thread_call. */
#ifndef CQLKIT_NODE_H
#define CQLKIT_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct uv_loop_s;

typedef struct cql_node cql_node;

typedef struct cql_node_options {
  const char *host;             /* NULL: "127.0.0.1" (first node's address in multi-node mode) */
  uint16_t port;                /* 0: an ephemeral port (read it back with cql_node_port) */
  uint32_t nodes;               /* 0/1: one node; N: N nodes on 127.0.0.1..127.0.0.N, same port */
  int min_version, max_version; /* 0: 4 and 5; max_version 4 makes it a v4-only node */
  const char *auth_user, *auth_password;                  /* NULL: no authentication */
  const char *tls_cert_file, *tls_key_file, *tls_ca_file; /* NULL: plain TCP; ca: require
                                                             client certs */
  uint32_t delay_ms;                                      /* fault: delay every response */
  size_t max_frame_bytes;                                 /* 0: 256 MiB */
  size_t max_store_bytes;                                 /* 0: 256 MiB of table data */
  const char *data_center;                                /* NULL: datacenter1 */
  void (*log)(void *ud, const char *line);                /* NULL: quiet */
  void *log_ud;
} cql_node_options;

/* Fills `o` with the defaults (all zero / NULL). */
void cql_node_options_init(cql_node_options *o);

/* Starts listening on `loop` (the caller runs the loop); on return the
 * port is bound. `o` NULL means all defaults (an ephemeral port on
 * 127.0.0.1). Strings in `o` are copied; nothing in `o` is kept. Returns CQL_OK with *out set,
 * CQL_E_INVALID_ARG for bad options, CQL_E_CONNECT when a listener could not bind (multi-node: is
 * 127.0.0.N usable?), CQL_E_TLS when the certificate, key or CA cannot be loaded, CQL_E_NOMEM. On
 * failure the handles already opened are being closed: run the loop (uv_run) before closing it.
 *
 * Output of every connection is written from a uv_prepare handle, once per
 * loop iteration, right before the loop waits for I/O. */
cql_status cql_node_start(struct uv_loop_s *loop, const cql_node_options *o, cql_node **out);

/* The bound port (the same on every node of a multi-node cluster). */
uint16_t cql_node_port(const cql_node *n);

/* Closes listeners and connections (in-flight answers are dropped); once
 * every handle has closed the node is freed and then cb (may be NULL) runs
 * on the loop. Call it once. */
void cql_node_close(cql_node *n, void (*cb)(void *ud), void *ud);

/* Fault injection, on the loop thread, any time: */
/* Delays every response written from now on by `ms` (0: none). */
void cql_node_set_delay_ms(cql_node *n, uint32_t ms);
/* Every id prepared so far is forgotten: an EXECUTE (or a BATCH using it)
 * answers UNPREPARED until a client prepares that statement again, as
 * after a Cassandra restart. */
void cql_node_forget_prepared(cql_node *n);
/* Closes every client connection now (listeners stay open). */
void cql_node_drop_connections(cql_node *n);
/* The next `count` QUERY/EXECUTE/BATCH requests answer ERROR `error_code`
 * with `message` (copied) instead of running. Error codes whose body has
 * more fields (UNAVAILABLE, timeouts...) get plausible values. */
void cql_node_fail_next(cql_node *n, uint32_t count, int32_t error_code, const char *message);
/* Stops (down) or resumes accepting connections on node `node_index`
 * (0-based) and closes its client connections when going down. */
void cql_node_set_down(cql_node *n, uint32_t node_index, bool down);
/* Requests served so far (any opcode), for tests and benchmarks. */
uint64_t cql_node_requests(const cql_node *n);

/* A node on its own thread with its own loop, for blocking tests and
 * benchmarks. */
typedef struct cql_node_thread cql_node_thread;

/* Starts the thread and returns once the node listens (or failed to:
 * then the status of cql_node_start is returned and *out is untouched).
 * `o` may be NULL: all defaults (one node, an ephemeral port). */
cql_status cql_node_thread_start(const cql_node_options *o, cql_node_thread **out);
/* The node, for cql_node_port / cql_node_requests from any thread. Other
 * calls must go through cql_node_thread_call. */
cql_node *cql_node_thread_node(cql_node_thread *t);
/* Runs fn(node, ud) on the node's loop thread and waits until it returned.
 * Use it for the fault injection calls. */
void cql_node_thread_call(cql_node_thread *t, void (*fn)(cql_node *n, void *ud), void *ud);
/* Closes the node, joins the thread and frees everything. */
void cql_node_thread_stop(cql_node_thread *t);

#ifdef __cplusplus
}
#endif

#endif
