/* Sessions: a connection pool to one cluster, driven by the caller's libuv
 * loop.
 *
 * Threading rule (once, for the whole API): a session and everything it
 * calls back belong to the loop it was connected on. Call session functions
 * only from that loop's thread; every callback runs on it, exactly once per
 * request, never from inside the call that submitted the request. Programs
 * that are not event-driven use the blocking facade in client.h instead.
 *
 * Lifecycle: cql_session_connect() returns the session at once and reports
 * the outcome to its callback; requests may be submitted right away (they
 * wait for the first connection). cql_session_close() completes every
 * pending request with CQL_E_CANCELLED, closes the connections, calls the
 * close callback, and then frees the session: after the close callback the
 * handle must not be used. Closing while still connecting is allowed.
 *
 * Submission: execute/prepare/batch return CQL_OK when the callback will
 * run, or an error (and the callback will not run) for mistakes found on
 * the spot: CQL_E_INVALID_ARG, CQL_E_BAD_STATE (session closing),
 * CQL_E_UNSUPPORTED (a v5-only option on a v4 session), CQL_E_NOMEM. */
#ifndef CQLKIT_SESSION_H
#define CQLKIT_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "cqlkit/config.h"
#include "cqlkit/error.h"
#include "cqlkit/export.h"
#include "cqlkit/result.h"
#include "cqlkit/statement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_session cql_session;

/* libuv's loop, declared here so that this header does not pull in uv.h
 * (which needs POSIX feature macros under -std=c11). Pass a uv_loop_t *. */
struct uv_loop_s;

/* The connect outcome: CQL_OK once a connection to the cluster is ready,
 * else the reason (CQL_E_CONNECT, CQL_E_PROTOCOL_NEGOTIATION, CQL_E_AUTH,
 * CQL_E_TLS_VERIFY for an untrusted certificate, CQL_E_TLS_HOSTNAME for one
 * that names another host, CQL_E_TLS for other TLS failures, CQL_E_TIMEOUT...)
 * and a message (valid during the callback). After a failure, close the
 * session. */
typedef void (*cql_connect_cb)(cql_session *session, cql_status status, const char *message,
                               void *ud);

/* Starts connecting with a copy of `cfg` on `loop` (which must outlive the
 * session). *out is set before the callback can run.
 * Errors: CQL_E_INVALID_ARG, CQL_E_NOMEM, CQL_E_TLS (the CA, certificate or
 * key file of the TLS options could not be loaded). */
CQL_EXPORT cql_status cql_session_connect(struct uv_loop_s *loop, const cql_config *cfg,
                                          cql_connect_cb cb, void *ud, cql_session **out);

typedef void (*cql_close_cb)(cql_session *session, void *ud);

/* Starts closing; `cb` (may be NULL) runs after every pending callback.
 * Calling it twice is harmless: the second call is ignored. */
CQL_EXPORT void cql_session_close(cql_session *session, cql_close_cb cb, void *ud);

/* The outcome of a request; `result` is valid until the callback returns
 * (cql_result_retain keeps it). */
typedef void (*cql_result_cb)(const cql_result *result, void *ud);

/* Executes a simple or bound statement. */
CQL_EXPORT cql_status cql_session_execute(cql_session *session, const cql_statement *st,
                                          cql_result_cb cb, void *ud);

/* Executes `query` (no values) with the config's defaults. */
CQL_EXPORT cql_status cql_session_query(cql_session *session, const char *query, cql_result_cb cb,
                                        void *ud);

/* The outcome of a prepare: on success `prepared` is a reference the
 * callee owns (release it with cql_prepared_release) and `result` is NULL;
 * on failure `prepared` is NULL and `result` carries the error. */
typedef void (*cql_prepare_cb)(cql_prepared *prepared, const cql_result *result, void *ud);

/* Prepares `query` on the cluster. Prepared statements are cached per
 * session by query text and keyspace: preparing the same text again is
 * answered from the cache, and concurrent prepares of one text share one
 * round trip. If a host has forgotten the statement (UNPREPARED), the
 * session prepares it again and retries the request once, unseen. */
CQL_EXPORT cql_status cql_session_prepare(cql_session *session, const char *query,
                                          cql_prepare_cb cb, void *ud);

/* The statement cached for `query` under the session's current keyspace
 * (the key cql_session_prepare uses), fully prepared, or NULL when it is
 * not cached, its PREPARE is still in flight, or the session is closing.
 * Answers synchronously, so a caller that finds it can bind and execute
 * without waiting for a prepare callback; on NULL, use cql_session_prepare.
 * Returns a new reference: release it with cql_prepared_release. Loop
 * thread only, like every session function. */
CQL_EXPORT cql_prepared *cql_session_prepared_cached(cql_session *session, const char *query);

CQL_EXPORT cql_status cql_session_execute_batch(cql_session *session, const cql_batch *batch,
                                                cql_result_cb cb, void *ud);

/* USE `keyspace` on every connection of the session, now and after any
 * reconnection. The callback's result is SET_KEYSPACE or the error. */
CQL_EXPORT cql_status cql_session_set_keyspace(cql_session *session, const char *keyspace,
                                               cql_result_cb cb, void *ud);

/* Counters and gauges, read at any time on the loop thread. */
typedef struct cql_session_metrics {
  uint64_t requests;   /* completed, successful or not */
  uint64_t errors;     /* completed with a status other than CQL_OK */
  uint64_t timeouts;   /* client-side request timeouts */
  uint64_t retries;    /* attempts beyond the first */
  uint64_t reprepares; /* UNPREPARED answered by preparing again */
  uint64_t bytes_sent; /* on the wire, after compression and TLS */
  uint64_t bytes_received;
  uint32_t in_flight;   /* requests awaiting a reply */
  uint32_t connections; /* open and ready */
  uint32_t hosts_up;
  uint32_t hosts_down;
  int protocol_version;    /* negotiated, 0 before the first connection */
  bool compression;        /* LZ4 in use */
  uint64_t latency_p50_us; /* over the completed requests, successful or not */
  uint64_t latency_p99_us;
  uint64_t latency_p999_us;
} cql_session_metrics;

CQL_EXPORT void cql_session_get_metrics(const cql_session *session, cql_session_metrics *out);

#ifdef __cplusplus
}
#endif

#endif
