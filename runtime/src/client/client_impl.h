/* The blocking facade's internals (client.h): a session on a loop thread,
 * a queue of operations handed to that thread, and futures.
 *
 * Threads: callers post operations under `client->lock` and wake the loop
 * with `client->wake`; the loop thread drains the queue, submits each
 * operation to the session and completes futures from session callbacks.
 * A future has its own lock and condition; it is shared by the caller and
 * the loop thread and freed when both have let go (two references). */
#ifndef CQLKIT_CLIENT_IMPL_H
#define CQLKIT_CLIENT_IMPL_H

#include <stdbool.h>
#include <uv.h>

#include "cqlkit/client.h"
#include "cqlkit/session.h"

typedef enum client_op_kind {
  CLIENT_OP_EXECUTE,
  CLIENT_OP_QUERY,
  CLIENT_OP_PREPARE,
  CLIENT_OP_BATCH,
} client_op_kind;

struct cql_future {
  uv_mutex_t lock;
  uv_cond_t cond;
  int refs;               /* caller + loop side; guarded by lock */
  bool submitted;         /* the loop thread has handed the request to the session */
  bool done;              /* the outcome is in */
  cql_status status;      /* CQL_OK, or why it failed without a result */
  cql_result *result;     /* retained; NULL for a successful prepare */
  cql_prepared *prepared; /* prepare futures: the statement (our reference) */
};

/* One request travelling from a caller's thread to the loop thread. For
 * execute and batch the caller waits until `submitted`, so the statement or
 * batch it points to is encoded by the session before the call returns. */
typedef struct client_op {
  struct client_op *next;
  client_op_kind kind;
  cql_future *future;
  const cql_statement *st; /* EXECUTE: the caller's, valid until submitted */
  const cql_batch *batch;  /* BATCH: the caller's, valid until submitted */
  char *query;             /* QUERY, PREPARE: our copy */
} client_op;

struct cql_client {
  uv_loop_t loop;
  uv_thread_t thread;
  uv_async_t wake;
  uv_mutex_t lock;
  uv_cond_t cond;         /* connect outcome and thread exit */
  cql_session *session;   /* loop thread only */
  const cql_config *cfg;  /* the caller's, valid only until connected */
  client_op *head, *tail; /* guarded by lock */
  bool closing;           /* guarded by lock: cql_client_close was called */
  bool connected;         /* guarded by lock: the connect outcome is in */
  cql_status connect_status;
  char *connect_message; /* malloc'ed, handed to the caller */
};

/* Futures (future.c). */
cql_future *cql_client_future_new(void);
/* The loop side: records the outcome (retaining `result` and taking over
 * `prepared`), wakes the waiter and drops the loop side's reference. */
void cql_client_future_complete(cql_future *f, cql_status status, const cql_result *result,
                                cql_prepared *prepared);
/* Marks the request handed to the session and wakes a caller waiting for
 * that (execute and batch). */
void cql_client_future_submitted(cql_future *f);
/* Blocks until cql_client_future_submitted. */
void cql_client_future_wait_submitted(cql_future *f);
/* Drops one reference; the last frees the future and what it holds. */
void cql_client_future_unref(cql_future *f);

/* Operations (ops.c): hands `op` to the loop thread. Returns the future, or
 * NULL (and frees op) when the client is closing. */
cql_future *cql_client_post(cql_client *c, client_op *op);
/* Loop thread: submits every queued operation. */
void cql_client_drain(cql_client *c);
/* Loop thread: completes every queued operation with CQL_E_CANCELLED. */
void cql_client_cancel_queued(cql_client *c);

#endif
