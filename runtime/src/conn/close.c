/* The end of a connection: completing every pending request exactly once,
 * then on_closed, whether the owner closed it or something failed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conn_impl.h"

void cql_conn_complete(cql_conn *c, const cql_pending *p, cql_status status, cql_reply *reply,
                       const char *message) {
  cql_conn_result res = {
      status, reply, NULL, NULL, message,
  };
  if (reply) {
    res.response = &reply->response;
    if (res.response->opcode == CQL_OP_ERROR)
      res.server_error = &res.response->u.error;
  }
  if (!res.message)
    res.message = cql_status_describe(status);
  p->cb(c, &res, p->ud);
}

/* Completes every request of the owner; the connection's own simply go. */
static void fail_pending(cql_conn *c, cql_status status, const char *message) {
  for (uint32_t id = 0; id < c->pending.cap; id++) {
    cql_pending *slot = cql_pending_get(&c->pending, (int32_t)id);
    if (!slot)
      continue;
    cql_pending p = cql_pending_take(&c->pending, (int32_t)id);
    cql_streams_release(&c->streams, (int32_t)id, NULL);
    if (p.kind == PENDING_USER)
      cql_conn_complete(c, &p, status, NULL, message);
  }
}

void cql_conn_fail(cql_conn *c, cql_status status, const char *message,
                   const cql_error_body *server_error) {
  if (c->state == CQL_CONN_CLOSED)
    return;
  cql_conn_enter(c);
  c->state = CQL_CONN_CLOSED;
  c->close_status = status;
  if (!message)
    message = cql_status_describe(status);
  if (message != c->msg)
    snprintf(c->msg, sizeof(c->msg), "%s", message);
  c->out.len = 0;
  c->plain_len = 0;
  if (status == CQL_OK) {
    fail_pending(c, CQL_E_CANCELLED, "cancelled: the connection was closed by its owner");
  } else {
    /* Not rmsg: a callback running with a server error's message may be
     * what closed the connection. */
    snprintf(c->fmsg, sizeof(c->fmsg), "connection failed: %s", c->msg);
    fail_pending(c, CQL_E_CONNECTION_CLOSED, c->fmsg);
  }
  cql_conn_close_info info = {
      status, c->msg, server_error, c->version_refused, c->retry_version, c->server_max_version};
  if (c->cb.on_closed)
    c->cb.on_closed(c, &info, c->cb.ud);
  cql_conn_leave(c);
}

void cql_conn_failf(cql_conn *c, cql_status status, const cql_error_body *server_error,
                    const char *fmt, ...) {
  if (c->state == CQL_CONN_CLOSED)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
  va_end(ap);
  cql_conn_fail(c, status, c->msg, server_error);
}

void cql_conn_close(cql_conn *c) {
  if (c)
    cql_conn_fail(c, CQL_OK, "closed by its owner", NULL);
}

void cql_conn_abort(cql_conn *c, cql_status status, const char *message) {
  if (!c)
    return;
  if (status == CQL_OK)
    status = CQL_E_CONNECTION_CLOSED;
  cql_conn_fail(c, status, message, NULL);
}

/* ---- version refusal ---------------------------------------------------- */

static int msg_len(cql_slice s) { return s.len > 200 ? 200 : (int)s.len; }

void cql_conn_fail_version(cql_conn *c, const cql_error_body *e, uint8_t header_version) {
  uint8_t tried = c->version;
  uint8_t max = cql_conn_parse_supported_version(e->message, tried);
  /* A server refusing a version too new for it answers in its own highest
   * version (Cassandra does); use that when the text names none. */
  if (!max && header_version >= 3 && header_version < tried)
    max = header_version;
  c->version_refused = true;
  c->server_max_version = max;
  const char *sm = (const char *)e->message.ptr;
  int sl = msg_len(e->message);
  if (!max)
    max = (uint8_t)(tried - 1);
  if (max < CQL_PROTOCOL_V4) {
    cql_conn_failf(c, CQL_E_PROTOCOL_NEGOTIATION, e,
                   "server refused protocol v%u and supports only up to v%u; v4 or later is "
                   "needed (server said: %.*s)",
                   tried, max, sl, sm);
  } else if (max < c->min_version) {
    cql_conn_failf(c, CQL_E_PROTOCOL_NEGOTIATION, e,
                   "server supports native protocol up to v%u, but v%u is required "
                   "(min_protocol_version = %u; server said: %.*s)",
                   max, c->min_version, c->min_version, sl, sm);
  } else {
    c->retry_version = max;
    cql_conn_failf(c, CQL_E_PROTOCOL_NEGOTIATION, e,
                   "server refused protocol v%u; reconnect with v%u (server said: %.*s)", tried,
                   max, sl, sm);
  }
}
