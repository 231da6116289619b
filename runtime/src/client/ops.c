/* Requests of the blocking facade: posted by any thread, submitted to the
 * session by the loop thread, completed by the session's callbacks. */
/* uv.h needs POSIX types that -std=c11 hides. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
#include <string.h>

#include "client_impl.h"

static void free_op(client_op *op) {
  free(op->query);
  free(op);
}

static void on_result(const cql_result *result, void *ud) {
  cql_client_future_complete(ud, cql_result_status(result), result, NULL);
}

static void on_prepared(cql_prepared *prepared, const cql_result *result, void *ud) {
  cql_status st = prepared ? CQL_OK : (result ? cql_result_status(result) : CQL_E_BAD_STATE);
  cql_client_future_complete(ud, st, result, prepared);
}

static cql_status submit(cql_client *c, client_op *op) {
  switch (op->kind) {
  case CLIENT_OP_EXECUTE:
    return cql_session_execute(c->session, op->st, on_result, op->future);
  case CLIENT_OP_QUERY:
    return cql_session_query(c->session, op->query, on_result, op->future);
  case CLIENT_OP_PREPARE:
    return cql_session_prepare(c->session, op->query, on_prepared, op->future);
  case CLIENT_OP_BATCH:
    return cql_session_execute_batch(c->session, op->batch, on_result, op->future);
  }
  return CQL_E_INVALID_ARG;
}

/* Takes the whole queue at once so callers can keep posting meanwhile. */
static client_op *take_queue(cql_client *c) {
  uv_mutex_lock(&c->lock);
  client_op *head = c->head;
  c->head = c->tail = NULL;
  uv_mutex_unlock(&c->lock);
  return head;
}

void cql_client_drain(cql_client *c) {
  client_op *op = take_queue(c);
  while (op) {
    client_op *next = op->next;
    cql_future *f = op->future;
    cql_status st = c->session ? submit(c, op) : CQL_E_BAD_STATE;
    /* From here the caller may reuse its statement or batch. */
    cql_client_future_submitted(f);
    if (st != CQL_OK)
      cql_client_future_complete(f, st, NULL, NULL);
    free_op(op);
    op = next;
  }
}

void cql_client_cancel_queued(cql_client *c) {
  client_op *op = take_queue(c);
  while (op) {
    client_op *next = op->next;
    cql_client_future_complete(op->future, CQL_E_CANCELLED, NULL, NULL);
    free_op(op);
    op = next;
  }
}

cql_future *cql_client_post(cql_client *c, client_op *op) {
  cql_future *f = cql_client_future_new();
  if (!f) {
    free_op(op);
    return NULL;
  }
  op->future = f;
  uv_mutex_lock(&c->lock);
  bool closing = c->closing;
  if (!closing) {
    if (c->tail)
      c->tail->next = op;
    else
      c->head = op;
    c->tail = op;
  }
  uv_mutex_unlock(&c->lock);
  if (closing) {
    /* The future completes at once: the caller still gets one to free. */
    free_op(op);
    cql_client_future_submitted(f);
    cql_client_future_complete(f, CQL_E_CANCELLED, NULL, NULL);
    return f;
  }
  uv_async_send(&c->wake);
  return f;
}

static cql_future *post_new(cql_client *c, client_op_kind kind, const char *query) {
  if (!c)
    return NULL;
  client_op *op = calloc(1, sizeof(*op));
  if (!op)
    return NULL;
  op->kind = kind;
  if (query) {
    size_t n = strlen(query) + 1;
    op->query = malloc(n);
    if (!op->query) {
      free(op);
      return NULL;
    }
    memcpy(op->query, query, n);
  }
  return cql_client_post(c, op);
}

cql_future *cql_client_query(cql_client *client, const char *query) {
  return query ? post_new(client, CLIENT_OP_QUERY, query) : NULL;
}

cql_future *cql_client_prepare(cql_client *client, const char *query) {
  return query ? post_new(client, CLIENT_OP_PREPARE, query) : NULL;
}

/* Execute and batch wait for the loop thread to encode the request: that is
 * how the statement is "copied before the call returns" without a copy. */
static cql_future *post_and_wait(cql_client *c, client_op_kind kind, const cql_statement *st,
                                 const cql_batch *b) {
  if (!c)
    return NULL;
  client_op *op = calloc(1, sizeof(*op));
  if (!op)
    return NULL;
  op->kind = kind;
  op->st = st;
  op->batch = b;
  cql_future *f = cql_client_post(c, op);
  if (f)
    cql_client_future_wait_submitted(f);
  return f;
}

cql_future *cql_client_execute(cql_client *client, const cql_statement *st) {
  return st ? post_and_wait(client, CLIENT_OP_EXECUTE, st, NULL) : NULL;
}

cql_future *cql_client_execute_batch(cql_client *client, const cql_batch *batch) {
  return batch ? post_and_wait(client, CLIENT_OP_BATCH, NULL, batch) : NULL;
}
