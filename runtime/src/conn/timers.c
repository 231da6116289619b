/* Everything driven by the clock: request timeouts, the handshake timeout,
 * heartbeats on a quiet connection and the verdict that the peer is dead.
 * The adapter needs one timer: it arms it for cql_conn_next_deadline and
 * calls cql_conn_tick when it fires. */
#include "conn_impl.h"

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* When the next heartbeat is due: after heartbeat_ms without reading or
 * writing, one at a time. */
static uint64_t heartbeat_due(const cql_conn *c) {
  if (c->state != CQL_CONN_READY || !c->heartbeat_ms || c->hb_outstanding)
    return CQL_CONN_NO_DEADLINE;
  return max_u64(c->last_read, c->last_write) + c->heartbeat_ms;
}

/* When an unanswered heartbeat proves the peer dead. Any byte read counts
 * as a sign of life: a server busy sending a large result may answer the
 * heartbeat late. */
static uint64_t dead_due(const cql_conn *c) {
  if (c->state != CQL_CONN_READY || !c->hb_outstanding || !c->idle_ms)
    return CQL_CONN_NO_DEADLINE;
  return max_u64(c->hb_sent, c->last_read) + c->idle_ms;
}

uint64_t cql_conn_next_deadline(const cql_conn *c) {
  if (c->state == CQL_CONN_CLOSED || c->state == CQL_CONN_NEW)
    return CQL_CONN_NO_DEADLINE;
  uint64_t t = min_u64(heartbeat_due(c), dead_due(c));
  if (c->state == CQL_CONN_HANDSHAKE)
    t = min_u64(t, c->handshake_deadline);
  int32_t first = cql_pending_first(&c->pending);
  if (first >= 0)
    t = min_u64(t, c->pending.items[first].deadline);
  return t;
}

static void expire_requests(cql_conn *c, uint64_t now) {
  for (;;) {
    int32_t id = cql_pending_first(&c->pending);
    if (id < 0 || c->pending.items[id].deadline > now || c->state == CQL_CONN_CLOSED)
      return;
    cql_pending p = c->pending.items[id];
    /* The id stays taken until the server's late answer frees it. */
    cql_pending_orphan(&c->pending, id);
    cql_streams_orphan(&c->streams, id);
    cql_conn_complete(c, &p, CQL_E_TIMEOUT, NULL, "no answer within the request timeout");
  }
}

static void send_heartbeat(cql_conn *c, uint64_t now) {
  cql_request req = {.opcode = CQL_OP_OPTIONS};
  cql_pending p = {NULL, NULL, CQL_CONN_NO_DEADLINE, -1, CQL_OP_OPTIONS, PENDING_HEARTBEAT};
  cql_status st = cql_conn_send_request(c, &req, &p, NULL);
  if (st == CQL_E_STREAMS_EXHAUSTED) {
    /* Every id is busy, so the connection is hardly idle: try later. */
    c->last_write = now;
    return;
  }
  if (st != CQL_OK) {
    cql_conn_failf(c, st, NULL, "could not send a heartbeat: %s", cql_status_describe(st));
    return;
  }
  c->hb_outstanding = true;
  c->hb_sent = now;
}

static const char *const STEP_NAMES[] = {
    [HS_NONE] = "nothing",      [HS_OPTIONS] = "SUPPORTED",  [HS_STARTUP] = "READY",
    [HS_AUTH] = "AUTH_SUCCESS", [HS_USE] = "the USE result", [HS_DONE] = "nothing",
};

static void run_due(cql_conn *c, uint64_t now) {
  if (c->state == CQL_CONN_HANDSHAKE && now >= c->handshake_deadline) {
    cql_conn_failf(c, CQL_E_TIMEOUT, NULL, "handshake not complete after %u ms (waiting for %s)",
                   (unsigned)c->handshake_ms, STEP_NAMES[c->step]);
    return;
  }
  expire_requests(c, now);
  if (c->state == CQL_CONN_READY && now >= dead_due(c)) {
    cql_conn_failf(c, CQL_E_TIMEOUT, NULL,
                   "heartbeat unanswered and nothing read for %u ms: the connection is dead",
                   (unsigned)c->idle_ms);
    return;
  }
  if (c->state == CQL_CONN_READY && now >= heartbeat_due(c))
    send_heartbeat(c, now);
}

cql_status cql_conn_tick(cql_conn *c) {
  if (c->state == CQL_CONN_CLOSED)
    return CQL_E_CONNECTION_CLOSED;
  if (c->state == CQL_CONN_NEW)
    return CQL_OK;
  cql_conn_enter(c);
  run_due(c, cql_conn_now(c));
  cql_status st = cql_conn_result_status(c);
  cql_conn_leave(c);
  return st;
}

void cql_conn_heartbeat_reply(cql_conn *c) { c->hb_outstanding = false; }
