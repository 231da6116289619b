/* Requests: query plans (token-aware first, then the local data center
 * round robin, then the others), dispatch to a connection, retries,
 * re-prepare on UNPREPARED, completion and metrics. */
#include "session_impl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "request.h"

enum { FREE_LIST_MAX = 1024 };

/* ---- allocation ---------------------------------------------------------------- */

cql_sreq *cql_sreq_new(cql_session *s, sreq_kind kind) {
  cql_sreq *r = s->free_list;
  if (r) {
    s->free_list = r->next;
    s->n_free--;
  } else {
    r = cql_malloc(&s->mem, sizeof(*r));
    if (!r)
      return NULL;
    cql_buf_init(&r->body[0], &s->mem);
    cql_buf_init(&r->body[1], &s->mem);
  }
  cql_buf b0 = r->body[0], b1 = r->body[1];
  memset(r, 0, sizeof(*r));
  r->body[0] = b0;
  r->body[1] = b1;
  cql_buf_reset(&r->body[0]);
  cql_buf_reset(&r->body[1]);
  r->s = s;
  r->kind = kind;
  return r;
}

void cql_sreq_free(cql_sreq *r) {
  cql_session *s = r->s;
  cql_prepared_release(r->prepared);
  r->prepared = NULL;
  if (s->n_free < FREE_LIST_MAX && s->state != SESSION_CLOSING) {
    r->next = s->free_list;
    s->free_list = r;
    s->n_free++;
    return;
  }
  cql_buf_free(&r->body[0]);
  cql_buf_free(&r->body[1]);
  cql_free(&s->mem, r);
}

void cql_session_free_requests(cql_session *s) {
  while (s->free_list) {
    cql_sreq *r = s->free_list;
    s->free_list = r->next;
    cql_buf_free(&r->body[0]);
    cql_buf_free(&r->body[1]);
    cql_free(&s->mem, r);
  }
  s->n_free = 0;
  cql_buf_free(&s->routing_key);
}

cql_status cql_sreq_encode(cql_sreq *r, uint8_t version, const cql_request *req) {
  cql_status st = cql_req_validate(version, req);
  if (st != CQL_OK)
    return st;
  cql_buf *b = &r->body[version - 4];
  cql_buf_reset(b);
  cql_req_put_body(b, version, req);
  if (b->err != CQL_OK)
    return b->err;
  r->opcode = req->opcode;
  r->flags =
      (uint8_t)((req->tracing ? CQL_FLAG_TRACING : 0) |
                (req->has_custom_payload || req->n_custom_payload ? CQL_FLAG_CUSTOM_PAYLOAD : 0));
  return CQL_OK;
}

void cql_session_versions(const cql_session *s, uint8_t *lo, uint8_t *hi) {
  if (s->version) {
    *lo = *hi = s->version;
    return;
  }
  *lo = s->cfg->min_version;
  *hi = s->cfg->max_version;
}

bool cql_session_accepts(const cql_session *s, cql_status *st) {
  *st = s->state == SESSION_CLOSING || s->state == SESSION_FAILED ? CQL_E_BAD_STATE : CQL_OK;
  return *st == CQL_OK;
}

int64_t cql_session_next_timestamp(cql_session *s) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  /* Never backwards, never twice: later writes must win. */
  if (now <= s->last_timestamp)
    now = s->last_timestamp + 1;
  s->last_timestamp = now;
  return now;
}

/* ---- completion -------------------------------------------------------------------- */

static void record(cql_session *s, cql_sreq *r, cql_status st) {
  s->m.requests++;
  if (st != CQL_OK)
    s->m.errors++;
  if (st == CQL_E_TIMEOUT)
    s->m.timeouts++;
  cql_hist_record(&s->hist, (uv_hrtime() - r->start_ns) / 1000);
  s->in_flight--;
}

/* Hands `res` (a reference we own) to the request's callback. */
static void deliver(cql_sreq *r, cql_result *res) {
  cql_session *s = r->s;
  record(s, r, cql_result_status(res));
  if (r->kind == SREQ_PREPARE) {
    cql_pcache_prepared(r, NULL, res);
  } else if (r->cb) {
    r->cb(res, r->ud);
  }
  cql_result_release(res);
  cql_sreq_free(r);
}

static cql_result_ctx result_ctx(const cql_sreq *r) {
  cql_result_ctx ctx = {&r->s->mem, r->prepared, r->s->cfg->udt_registry,
                        r->conn && r->conn->host ? r->conn->host->name : NULL};
  return ctx;
}

static void on_idle(uv_idle_t *h) { cql_session_flush_done(h->data); }

void cql_session_defer(cql_sreq *r) {
  cql_session *s = r->s;
  r->next = NULL;
  if (s->done_tail)
    s->done_tail->next = r;
  else
    s->done_head = r;
  s->done_tail = r;
  if (!s->idle_active && !uv_is_closing((uv_handle_t *)&s->idle)) {
    s->idle_active = true;
    uv_idle_start(&s->idle, on_idle);
  }
}

void cql_session_flush_done(cql_session *s) {
  if (s->idle_active) {
    uv_idle_stop(&s->idle);
    s->idle_active = false;
  }
  while (s->done_head) {
    cql_sreq *r = s->done_head;
    s->done_head = r->next;
    if (!s->done_head)
      s->done_tail = NULL;
    if (r->kind == SREQ_CACHED) {
      cql_pcache_deliver_cached(r);
      continue;
    }
    cql_result *res = r->result;
    r->result = NULL;
    deliver(r, res);
  }
}

void cql_sreq_fail(cql_sreq *r, cql_status st, const char *message) {
  cql_result_ctx ctx = result_ctx(r);
  r->result = cql_result_from_status(st, message, &ctx);
  cql_session_defer(r);
}

static void complete(cql_sreq *r, const cql_conn_result *cr) {
  cql_session *s = r->s;
  if (r->kind == SREQ_PREPARE && cr->status == CQL_OK) {
    cql_prepared *p = NULL;
    cql_status st =
        cql_prepared_from_reply(cr->reply, r->pentry->query,
                                r->pentry->keyspace[0] ? r->pentry->keyspace : NULL, &s->mem, &p);
    if (st == CQL_OK) {
      record(s, r, CQL_OK);
      cql_pcache_prepared(r, p, NULL);
      cql_sreq_free(r);
      return;
    }
    cql_result_ctx ctx = result_ctx(r);
    deliver(r, cql_result_from_status(st, "the PREPARED result could not be read", &ctx));
    return;
  }
  cql_result_ctx ctx = result_ctx(r);
  cql_result *res = cql_result_from_conn_result(cr, &ctx);
  if (r->prepared && cr->status == CQL_OK) {
    const cql_rows_metadata *md = cql_result_rows_metadata(res);
    if (md && (md->flags & CQL_ROWS_FLAG_METADATA_CHANGED))
      cql_prepared_update_result_metadata(r->prepared, md);
  }
  deliver(r, res);
}

/* ---- routing ------------------------------------------------------------------------ */

static bool in_plan(const cql_sreq *r, const cql_host *h) {
  for (uint32_t i = 0; i < r->n_plan; i++)
    if (r->plan[i] == h)
      return true;
  return false;
}

static bool is_local(const cql_session *s, const cql_host *h) {
  return !s->local_dc[0] || !h->dc[0] || strcmp(s->local_dc, h->dc) == 0;
}

static void add_host(cql_sreq *r, cql_host *h) {
  if (h && h->up && !h->removed && r->n_plan < SREQ_MAX_PLAN && !in_plan(r, h))
    r->plan[r->n_plan++] = h;
}

static void build_plan(cql_sreq *r) {
  cql_session *s = r->s;
  r->n_plan = r->next_host = 0;
  if (r->has_token) {
    /* Local replicas first, starting at a rotating one to spread load. */
    cql_host *replicas[SREQ_MAX_PLAN];
    uint32_t n = cql_ring_replicas(s, r->keyspace, r->token, replicas, SREQ_MAX_PLAN);
    uint32_t first = n > 1 ? s->rr % n : 0;
    for (uint32_t i = 0; i < n; i++) {
      cql_host *h = replicas[(first + i) % n];
      if (is_local(s, h))
        add_host(r, h);
    }
  }
  uint32_t start = s->rr++;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < s->n_hosts; i++) {
      cql_host *h = s->hosts[(start + i) % s->n_hosts];
      if (is_local(s, h) == (pass == 0))
        add_host(r, h);
    }
}

static void on_reply(cql_conn *c, const cql_conn_result *res, void *ud);

static bool submit_on(cql_sreq *r, cql_sconn *sc) {
  cql_session *s = r->s;
  cql_buf *b = &r->body[s->version - 4];
  cql_slice body = {b->data, b->len};
  cql_status st = cql_conn_submit_encoded(cql_link_conn(sc->link), r->opcode, r->flags, body,
                                          r->timeout_ms, on_reply, r, NULL);
  if (st != CQL_OK) {
    r->submit_error = st;
    return false;
  }
  r->conn = sc;
  r->in_flight = true;
  return true;
}

/* Sends the request to the next host of its plan that takes it. */
static bool dispatch(cql_sreq *r) {
  while (r->next_host < r->n_plan) {
    cql_host *h = r->plan[r->next_host++];
    cql_sconn *sc = cql_host_pick_conn(h);
    if (sc && submit_on(r, sc))
      return true;
  }
  return false;
}

static void enqueue_waiting(cql_sreq *r) {
  cql_session *s = r->s;
  r->next = NULL;
  if (s->waiting_tail)
    s->waiting_tail->next = r;
  else
    s->waiting_head = r;
  s->waiting_tail = r;
}

static void start_now(cql_sreq *r) {
  if (r->unsupported_v4 && r->s->version == 4) {
    cql_sreq_fail(r, CQL_E_UNSUPPORTED, "the statement uses a v5 feature; the cluster speaks v4");
    return;
  }
  build_plan(r);
  r->submit_error = CQL_OK;
  if (dispatch(r))
    return;
  if (r->submit_error == CQL_E_STREAMS_EXHAUSTED)
    cql_sreq_fail(r, CQL_E_STREAMS_EXHAUSTED, "every stream id of every connection is in use");
  else if (r->submit_error != CQL_OK)
    cql_sreq_fail(r, r->submit_error, "the request could not be sent");
  else
    cql_sreq_fail(r, CQL_E_NO_HOSTS, "no host is available to serve the request");
}

void cql_sreq_start(cql_sreq *r) {
  cql_session *s = r->s;
  r->start_ns = uv_hrtime();
  s->in_flight++;
  if (s->state == SESSION_CONNECTING) {
    enqueue_waiting(r);
    return;
  }
  start_now(r);
}

void cql_session_drain_waiting(cql_session *s) {
  cql_sreq *r = s->waiting_head;
  s->waiting_head = s->waiting_tail = NULL;
  while (r) {
    cql_sreq *next = r->next;
    start_now(r);
    r = next;
  }
}

void cql_session_fail_waiting(cql_session *s, cql_status st, const char *message) {
  cql_sreq *r = s->waiting_head;
  s->waiting_head = s->waiting_tail = NULL;
  while (r) {
    cql_sreq *next = r->next;
    cql_sreq_fail(r, st, message);
    r = next;
  }
}

/* ---- retries ------------------------------------------------------------------------ */

/* OVERLOADED and IS_BOOTSTRAPPING mean the coordinator did not run the
 * request, and UNAVAILABLE that it refused before writing anything: any
 * request may go elsewhere (UNAVAILABLE once). A timeout or a lost
 * connection leaves the outcome unknown: only idempotent requests go
 * again, since others might apply twice. */
static bool retryable(const cql_sreq *r, cql_status st) {
  if (r->s->state == SESSION_CLOSING)
    return false;
  switch (st) {
  case CQL_E_SERVER_OVERLOADED:
  case CQL_E_SERVER_IS_BOOTSTRAPPING:
    return true;
  case CQL_E_SERVER_UNAVAILABLE:
    return r->attempts == 0;
  case CQL_E_TIMEOUT:
  case CQL_E_CONNECTION_CLOSED:
    return r->idempotent;
  default:
    return false;
  }
}

static void on_reprepared(cql_conn *c, const cql_conn_result *res, void *ud) {
  cql_sreq *r = ud;
  cql_session *s = r->s;
  r->in_flight = false;
  if (res->status == CQL_OK && s->state != SESSION_CLOSING) {
    cql_buf *b = &r->body[s->version - 4];
    cql_slice body = {b->data, b->len};
    if (cql_conn_submit_encoded(c, r->opcode, r->flags, body, r->timeout_ms, on_reply, r, NULL) ==
        CQL_OK) {
      r->in_flight = true;
      return;
    }
  }
  complete(r, res);
}

/* The host forgot the statement: prepare it there again, then resend. */
static bool reprepare(cql_sreq *r, cql_conn *c) {
  cql_session *s = r->s;
  cql_request req;
  memset(&req, 0, sizeof(req));
  req.opcode = CQL_OP_PREPARE;
  req.u.prepare.query = cql_slice_from_cstr(cql_prepared_query(r->prepared));
  if (s->version >= 5 && r->prepared->keyspace) {
    req.u.prepare.has_keyspace = true;
    req.u.prepare.keyspace = cql_slice_from_cstr(r->prepared->keyspace);
  }
  r->reprepared = true;
  if (cql_conn_submit(c, &req, 0, on_reprepared, r, NULL) != CQL_OK)
    return false;
  r->in_flight = true;
  s->m.reprepares++;
  return true;
}

static void on_reply(cql_conn *c, const cql_conn_result *res, void *ud) {
  cql_sreq *r = ud;
  cql_session *s = r->s;
  r->in_flight = false;
  if (res->status == CQL_E_SERVER_UNPREPARED && r->prepared && !r->reprepared &&
      s->state != SESSION_CLOSING && reprepare(r, c))
    return;
  if (retryable(r, res->status) && dispatch(r)) {
    r->attempts++;
    s->m.retries++;
    return;
  }
  complete(r, res);
}
