/* The input side: bytes go through the incremental reader; each envelope
 * it completes is matched to its request by stream id, decoded and handed
 * to whoever waits for it. Anything that breaks the protocol fails the
 * connection, since the byte stream can no longer be trusted. */
#include <stdio.h>

#include "conn_impl.h"

/* Which answers a request may get (ERROR is always possible). */
static bool answer_expected(uint8_t request, uint8_t response) {
  if (response == CQL_OP_ERROR)
    return true;
  switch (request) {
  case CQL_OP_QUERY:
  case CQL_OP_PREPARE:
  case CQL_OP_EXECUTE:
  case CQL_OP_BATCH:
    return response == CQL_OP_RESULT;
  case CQL_OP_OPTIONS:
    return response == CQL_OP_SUPPORTED;
  case CQL_OP_STARTUP:
    return response == CQL_OP_READY || response == CQL_OP_AUTHENTICATE;
  case CQL_OP_REGISTER:
    return response == CQL_OP_READY;
  case CQL_OP_AUTH_RESPONSE:
    return response == CQL_OP_AUTH_CHALLENGE || response == CQL_OP_AUTH_SUCCESS;
  default:
    return false;
  }
}

static int msg_len(cql_slice s) { return s.len > 200 ? 200 : (int)s.len; }

/* ---- answers to requests -------------------------------------------------- */

static void deliver_user(cql_conn *c, const cql_pending *p, cql_reply *r) {
  const cql_response *resp = &r->response;
  if (resp->opcode != CQL_OP_ERROR) {
    cql_conn_complete(c, p, CQL_OK, r, "success");
    return;
  }
  const cql_error_body *e = &resp->u.error;
  cql_status st = cql_status_from_server_code(e->code);
  snprintf(c->rmsg, sizeof(c->rmsg), "%s: %.*s", cql_status_describe(st), msg_len(e->message),
           (const char *)e->message.ptr);
  cql_conn_complete(c, p, st, r, c->rmsg);
}

static void deliver(cql_conn *c, const cql_pending *p, cql_reply *r) {
  switch (p->kind) {
  case PENDING_USER:
    deliver_user(c, p, r);
    break;
  case PENDING_HEARTBEAT:
    cql_conn_heartbeat_reply(c);
    break;
  default:
    cql_conn_hs_reply(c, (pending_kind)p->kind, r);
    break;
  }
}

/* A malformed or unexpected answer: its own request learns why, then the
 * connection fails. */
static void bad_answer(cql_conn *c, const cql_pending *p, int32_t id, cql_status st,
                       const char *what) {
  if (p->kind == PENDING_USER)
    cql_conn_complete(c, p, st, NULL, what);
  cql_conn_failf(c, st, NULL, "protocol violation in the answer on stream %d: %s", (int)id, what);
}

static void on_answer(cql_conn *c, cql_envelope *env) {
  int32_t id = env->header.stream;
  cql_pending p = cql_pending_take(&c->pending, id);
  cql_streams_release(&c->streams, id, NULL);
  if (p.kind == PENDING_ORPHAN) {
    cql_envelope_free(env); /* the late answer of a request that gave up */
    return;
  }
  cql_reply *r = cql_reply_make(&c->mem, &c->spare, env);
  if (!r) {
    bad_answer(c, &p, id, CQL_E_NOMEM, "out of memory for a reply");
    return;
  }
  const char *what = NULL;
  cql_status st = cql_reply_decode(r, &what);
  if (st == CQL_OK && !answer_expected(p.opcode, r->response.opcode)) {
    st = CQL_E_BAD_OPCODE;
    what = "the response opcode does not answer the request";
  }
  if (st != CQL_OK)
    bad_answer(c, &p, id, st, what);
  else
    deliver(c, &p, r);
  cql_reply_recycle(r, &c->spare);
}

/* ---- messages that answer nothing ------------------------------------------ */

/* An ERROR the server sent outside any request: it is about to hang up. */
static void stray_error(cql_conn *c, cql_reply *r) {
  const cql_error_body *e = &r->response.u.error;
  if (!c->first_reply_seen && cql_conn_is_version_refusal(e)) {
    cql_conn_fail_version(c, e, c->version);
    return;
  }
  cql_conn_failf(c, cql_status_from_server_code(e->code), e,
                 "server error on stream %d, which has no request: %.*s", (int)r->env.header.stream,
                 msg_len(e->message), (const char *)e->message.ptr);
}

static void on_unsolicited(cql_conn *c, cql_envelope *env) {
  int16_t stream = env->header.stream;
  uint8_t op = env->header.opcode;
  bool event = stream == -1 && op == CQL_OP_EVENT;
  if (!event && op != CQL_OP_ERROR) {
    cql_envelope_free(env);
    cql_conn_failf(c, CQL_E_BAD_MESSAGE, NULL,
                   "protocol violation: opcode 0x%02X on stream %d, which has no request", op,
                   (int)stream);
    return;
  }
  cql_reply *r = cql_reply_make(&c->mem, &c->spare, env);
  if (!r) {
    cql_conn_fail(c, CQL_E_NOMEM, "out of memory for a reply", NULL);
    return;
  }
  const char *what = NULL;
  cql_status st = cql_reply_decode(r, &what);
  if (st != CQL_OK)
    cql_conn_failf(c, st, NULL, "protocol violation in a message on stream %d: %s", (int)stream,
                   what);
  else if (!event)
    stray_error(c, r);
  else if (c->cb.on_event)
    c->cb.on_event(c, r, c->cb.ud);
  cql_reply_recycle(r, &c->spare);
}

/* The first answer came in another version: a server refusing ours. */
static void on_other_version(cql_conn *c, cql_envelope *env) {
  uint8_t version = env->header.version & (uint8_t)~CQL_VERSION_RESPONSE_BIT;
  if (c->first_reply_seen || env->header.opcode != CQL_OP_ERROR) {
    cql_envelope_free(env);
    cql_conn_failf(c, CQL_E_BAD_VERSION, NULL,
                   "protocol violation: a v%u response on a v%u connection", version, c->version);
    return;
  }
  cql_reply *r = cql_reply_make(&c->mem, &c->spare, env);
  const char *what = NULL;
  cql_status st = r ? cql_reply_decode(r, &what) : CQL_E_NOMEM;
  if (st != CQL_OK)
    cql_conn_failf(c, CQL_E_BAD_VERSION, NULL,
                   "server answered in protocol v%u with an undecodable error (%s)", version,
                   what ? what : cql_status_describe(st));
  else
    cql_conn_fail_version(c, &r->response.u.error, version);
  if (r)
    cql_reply_recycle(r, &c->spare);
}

static cql_status on_envelope(void *ud, cql_envelope *env) {
  cql_conn *c = ud;
  uint8_t version = env->header.version & (uint8_t)~CQL_VERSION_RESPONSE_BIT;
  int32_t stream = env->header.stream;
  if (c->state == CQL_CONN_CLOSED)
    cql_envelope_free(env);
  else if (version != c->version)
    on_other_version(c, env);
  else if (stream >= 0 && cql_pending_get(&c->pending, stream))
    on_answer(c, env);
  else
    on_unsolicited(c, env);
  c->first_reply_seen = true;
  /* Stop the reader once closed: the rest of the input is meaningless. */
  return c->state == CQL_CONN_CLOSED ? CQL_E_CONNECTION_CLOSED : CQL_OK;
}

cql_status cql_conn_recv(cql_conn *c, const uint8_t *data, size_t len) {
  if (c->state == CQL_CONN_CLOSED)
    return CQL_E_CONNECTION_CLOSED;
  if (len && !data)
    return CQL_E_INVALID_ARG;
  if (c->state == CQL_CONN_NEW || c->in_recv)
    return CQL_E_BAD_STATE;
  if (len == 0)
    return CQL_OK;
  cql_conn_enter(c);
  c->last_read = cql_conn_now(c);
  c->in_recv = true;
  const char *what = NULL;
  cql_status st = cql_reader_feed(c->reader, data, len, on_envelope, c, &what);
  c->in_recv = false;
  if (st != CQL_OK && c->state != CQL_CONN_CLOSED)
    cql_conn_failf(c, st, NULL, "protocol violation: %s", what ? what : cql_status_describe(st));
  st = cql_conn_result_status(c);
  cql_conn_leave(c);
  return st;
}
