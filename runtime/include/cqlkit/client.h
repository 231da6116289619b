/* The blocking facade: futures for programs that are not event-driven.
 *
 * A cql_client runs a cql_session on a libuv loop in a thread of its own;
 * every function here posts the request to that loop and returns a future
 * the caller waits on. It is the same session code underneath, not a second
 * implementation, so behaviour (retries, paging, errors) is identical.
 *
 * Thread safety: a cql_client may be used from any number of threads at
 * once. A future is waited on by one thread at a time. */
#ifndef CQLKIT_CLIENT_H
#define CQLKIT_CLIENT_H

#include <stdint.h>

#include "cqlkit/config.h"
#include "cqlkit/export.h"
#include "cqlkit/result.h"
#include "cqlkit/statement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_client cql_client;
typedef struct cql_future cql_future;

/* Connects and blocks until connected or failed (then *out is NULL and
 * `message`, if given, receives a malloc'ed explanation the caller frees).
 * Errors: as cql_connect_cb. */
CQL_EXPORT cql_status cql_client_connect(const cql_config *cfg, cql_client **out, char **message);

/* Closes the session (pending futures complete with CQL_E_CANCELLED), stops
 * the thread and frees the client. Futures stay valid until freed. */
CQL_EXPORT void cql_client_close(cql_client *client);

/* Each returns a future the caller frees, or NULL when out of memory.
 * Statements and batches are copied before the call returns. */
CQL_EXPORT cql_future *cql_client_execute(cql_client *client, const cql_statement *st);
CQL_EXPORT cql_future *cql_client_query(cql_client *client, const char *query);
CQL_EXPORT cql_future *cql_client_prepare(cql_client *client, const char *query);
CQL_EXPORT cql_future *cql_client_execute_batch(cql_client *client, const cql_batch *batch);

/* Blocks until the future completes or `timeout_ms` passes (0: no wait,
 * UINT32_MAX: forever). Returns CQL_OK when complete (look at the result
 * for the request's own status) or CQL_E_TIMEOUT when not yet. */
CQL_EXPORT cql_status cql_future_wait(cql_future *f, uint32_t timeout_ms);

/* Waits without limit, then returns the result, owned by the future and
 * valid until cql_future_free (retain to keep it longer). */
CQL_EXPORT const cql_result *cql_future_result(cql_future *f);

/* For prepare futures: waits, then returns the prepared statement (owned
 * by the future; retain to keep) or NULL on failure (see the result). */
CQL_EXPORT cql_prepared *cql_future_prepared(cql_future *f);

/* Frees a future, complete or not (an incomplete request still completes,
 * unseen). NULL is a no-op. */
CQL_EXPORT void cql_future_free(cql_future *f);

#ifdef __cplusplus
}
#endif

#endif
