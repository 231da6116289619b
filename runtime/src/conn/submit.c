/* The owner's requests: submission and cancellation. */
#include "conn_impl.h"

static bool owner_may_send(uint8_t opcode) {
  switch (opcode) {
  case CQL_OP_QUERY:
  case CQL_OP_PREPARE:
  case CQL_OP_EXECUTE:
  case CQL_OP_BATCH:
  case CQL_OP_REGISTER:
  case CQL_OP_OPTIONS:
    return true;
  default: /* STARTUP and AUTH_RESPONSE belong to the handshake */
    return false;
  }
}

static cql_status check(const cql_conn *c, uint8_t opcode, cql_conn_request_cb cb) {
  if (!cb || !owner_may_send(opcode))
    return CQL_E_INVALID_ARG;
  if (c->state == CQL_CONN_CLOSED)
    return CQL_E_CONNECTION_CLOSED;
  if (c->state != CQL_CONN_READY)
    return CQL_E_BAD_STATE;
  return CQL_OK;
}

static cql_pending user_entry(cql_conn *c, uint8_t opcode, uint32_t timeout_ms,
                              cql_conn_request_cb cb, void *ud) {
  if (timeout_ms == 0)
    timeout_ms = c->request_ms;
  uint64_t deadline = CQL_CONN_NO_DEADLINE;
  if (timeout_ms && timeout_ms != CQL_CONN_NO_TIMEOUT)
    deadline = cql_conn_now(c) + timeout_ms;
  return (cql_pending){cb, ud, deadline, -1, opcode, PENDING_USER};
}

cql_status cql_conn_submit(cql_conn *c, const cql_request *req, uint32_t timeout_ms,
                           cql_conn_request_cb cb, void *ud, int16_t *stream_out) {
  if (!req)
    return CQL_E_INVALID_ARG;
  cql_status st = check(c, req->opcode, cb);
  if (st != CQL_OK)
    return st;
  cql_conn_enter(c);
  cql_request copy = *req;
  cql_pending p = user_entry(c, req->opcode, timeout_ms, cb, ud);
  st = cql_conn_send_request(c, &copy, &p, stream_out);
  cql_conn_leave(c);
  return st;
}

cql_status cql_conn_submit_encoded(cql_conn *c, uint8_t opcode, uint8_t flags, cql_slice body,
                                   uint32_t timeout_ms, cql_conn_request_cb cb, void *ud,
                                   int16_t *stream_out) {
  if ((flags & CQL_FLAG_COMPRESSION) || (body.len && !body.ptr))
    return CQL_E_INVALID_ARG;
  cql_status st = check(c, opcode, cb);
  if (st != CQL_OK)
    return st;
  cql_conn_enter(c);
  cql_pending p = user_entry(c, opcode, timeout_ms, cb, ud);
  st = cql_conn_send_encoded(c, opcode, flags, body, &p, stream_out);
  cql_conn_leave(c);
  return st;
}

cql_status cql_conn_cancel(cql_conn *c, int16_t stream) {
  cql_pending *slot = cql_pending_get(&c->pending, stream);
  if (c->state == CQL_CONN_CLOSED || !slot || slot->kind != PENDING_USER)
    return CQL_E_NOT_FOUND;
  cql_conn_enter(c);
  cql_pending p = *slot;
  cql_pending_orphan(&c->pending, stream);
  cql_streams_orphan(&c->streams, stream);
  cql_conn_complete(c, &p, CQL_E_CANCELLED, NULL, "cancelled by its owner");
  cql_conn_leave(c);
  return CQL_OK;
}
