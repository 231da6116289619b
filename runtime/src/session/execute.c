/* The request entry points: statements, simple queries, batches and USE. */
#include "session_impl.h"

#include <stdio.h>
#include <string.h>

#include "murmur3.h"

/* Encodes a statement for every version it may be sent with. */
static cql_status encode_statement(cql_session *s, cql_sreq *r, const cql_statement *st,
                                   int64_t ts) {
  uint8_t lo, hi;
  cql_session_versions(s, &lo, &hi);
  for (uint8_t v = lo; v <= hi; v++) {
    cql_arena_reset(&s->scratch);
    cql_request req;
    cql_status rc = cql_statement_to_request(st, v, s->cfg, ts, &s->scratch, &req);
    if (rc == CQL_OK)
      rc = cql_sreq_encode(r, v, &req);
    if (rc == CQL_E_UNSUPPORTED && v < hi) {
      /* Only v5 can carry it: fine unless the cluster turns out to be v4. */
      r->unsupported_v4 = true;
      continue;
    }
    if (rc != CQL_OK)
      return rc;
  }
  return CQL_OK;
}

static void set_routing(cql_session *s, cql_sreq *r, const cql_statement *st) {
  if (!st->prepared || s->n_ring == 0)
    return;
  cql_buf_reset(&s->routing_key);
  if (!cql_statement_routing_key(st, &s->routing_key) || s->routing_key.err != CQL_OK)
    return;
  r->has_token = true;
  r->token = cql_murmur3_token(s->routing_key.data, s->routing_key.len);
  const cql_prepared *p = st->prepared;
  if (p->n_pk > 0 && p->pk_indices[0] < p->n_params)
    r->keyspace = p->params[p->pk_indices[0]].keyspace;
}

/* A request for the caller's callback, if the session still takes them. */
static cql_status begin_request(cql_session *s, cql_result_cb cb, void *ud, bool idempotent,
                                uint32_t timeout_ms, cql_sreq **out) {
  cql_status rc;
  if (!cql_session_accepts(s, &rc))
    return rc;
  cql_sreq *r = cql_sreq_new(s, SREQ_EXECUTE);
  if (!r)
    return CQL_E_NOMEM;
  r->cb = cb;
  r->ud = ud;
  r->idempotent = idempotent;
  r->timeout_ms = timeout_ms;
  *out = r;
  return CQL_OK;
}

cql_status cql_session_execute(cql_session *s, const cql_statement *st, cql_result_cb cb,
                               void *ud) {
  if (!s || !st || !cb)
    return CQL_E_INVALID_ARG;
  cql_sreq *r = NULL;
  cql_status rc =
      begin_request(s, cb, ud, st->idempotent, cql_statement_effective_timeout(st, s->cfg), &r);
  if (rc != CQL_OK)
    return rc;
  if (st->prepared)
    r->prepared = cql_prepared_retain(st->prepared);
  rc = encode_statement(s, r, st, cql_session_next_timestamp(s));
  if (rc != CQL_OK) {
    cql_sreq_free(r);
    return rc;
  }
  set_routing(s, r, st);
  cql_sreq_start(r);
  return CQL_OK;
}

cql_status cql_session_query(cql_session *s, const char *query, cql_result_cb cb, void *ud) {
  if (!s || !query || !cb)
    return CQL_E_INVALID_ARG;
  cql_statement *st = NULL;
  cql_status rc = cql_statement_new(&st, query, 0, &s->mem);
  if (rc != CQL_OK)
    return rc;
  rc = cql_session_execute(s, st, cb, ud);
  cql_statement_free(st);
  return rc;
}

cql_status cql_session_execute_batch(cql_session *s, const cql_batch *b, cql_result_cb cb,
                                     void *ud) {
  if (!s || !b || !cb)
    return CQL_E_INVALID_ARG;
  cql_sreq *r = NULL;
  cql_status rc =
      begin_request(s, cb, ud, b->idempotent, cql_batch_effective_timeout(b, s->cfg), &r);
  if (rc != CQL_OK)
    return rc;
  int64_t ts = cql_session_next_timestamp(s);
  uint8_t lo, hi;
  cql_session_versions(s, &lo, &hi);
  for (uint8_t v = lo; v <= hi && rc == CQL_OK; v++) {
    cql_arena_reset(&s->scratch);
    cql_request req;
    rc = cql_batch_to_request(b, v, s->cfg, ts, &s->scratch, &req);
    if (rc == CQL_OK)
      rc = cql_sreq_encode(r, v, &req);
    if (rc == CQL_E_UNSUPPORTED && v < hi) {
      r->unsupported_v4 = true;
      rc = CQL_OK;
    }
  }
  if (rc != CQL_OK) {
    cql_sreq_free(r);
    return rc;
  }
  cql_sreq_start(r);
  return CQL_OK;
}

/* ---- keyspace ------------------------------------------------------------------- */

static void on_use_elsewhere(cql_conn *c, const cql_conn_result *res, void *ud) {
  (void)c;
  cql_session *s = ud;
  if (res->status != CQL_OK && res->status != CQL_E_CANCELLED)
    cql_session_log(s, CQL_LOG_WARN, "USE on a pooled connection failed: %s", res->message);
}

/* USE <ks>: quoted only when the name needs it (case or odd characters). */
static void use_query(char *q, size_t n, const char *ks) {
  bool plain = true;
  for (const char *p = ks; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
      plain = false;
  snprintf(q, n, plain ? "USE %s" : "USE \"%s\"", ks);
}

typedef struct use_ctx {
  cql_session *s;
  char *keyspace; /* becomes the session's once a server accepted it */
  cql_result_cb cb;
  void *ud;
} use_ctx;

/* The first USE worked: the other connections follow (new ones USE the
 * keyspace during their handshake). */
static void on_use(const cql_result *res, void *ud) {
  use_ctx *u = ud;
  cql_session *s = u->s;
  if (cql_result_status(res) == CQL_OK) {
    cql_free(&s->mem, s->keyspace);
    s->keyspace = u->keyspace;
    u->keyspace = NULL;
  }
  cql_free(&s->mem, u->keyspace);
  if (cql_result_status(res) == CQL_OK && s->state == SESSION_OPEN) {
    char q[300];
    use_query(q, sizeof(q), s->keyspace);
    cql_request req;
    memset(&req, 0, sizeof(req));
    req.opcode = CQL_OP_QUERY;
    req.u.query.query = cql_slice_from_cstr(q);
    req.u.query.params.consistency = CQL_CONSISTENCY_ONE;
    for (uint32_t i = 0; i < s->n_hosts; i++)
      for (uint32_t j = 0; j < s->hosts[i]->n_slots; j++) {
        cql_sconn *c = s->hosts[i]->conns[j];
        if (c && c->ready && c->link)
          cql_conn_submit(cql_link_conn(c->link), &req, 0, on_use_elsewhere, s, NULL);
      }
  }
  cql_result_cb cb = u->cb;
  void *cud = u->ud;
  cql_free(&s->mem, u);
  cb(res, cud);
}

static bool valid_keyspace(const char *ks) {
  size_t n = strlen(ks);
  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++)
    if (ks[i] == '"' || (unsigned char)ks[i] < 0x20)
      return false;
  return true;
}

cql_status cql_session_set_keyspace(cql_session *s, const char *keyspace, cql_result_cb cb,
                                    void *ud) {
  if (!s || !keyspace || !cb || !valid_keyspace(keyspace))
    return CQL_E_INVALID_ARG;
  cql_status rc;
  if (!cql_session_accepts(s, &rc))
    return rc;
  char *copy = cql_api_strdup(&s->mem, keyspace);
  use_ctx *u = cql_malloc(&s->mem, sizeof(*u));
  if (!copy || !u) {
    cql_free(&s->mem, copy);
    cql_free(&s->mem, u);
    return CQL_E_NOMEM;
  }
  *u = (use_ctx){s, copy, cb, ud};
  char q[300];
  use_query(q, sizeof(q), keyspace);
  rc = cql_session_query(s, q, on_use, u);
  if (rc != CQL_OK) {
    cql_free(&s->mem, copy);
    cql_free(&s->mem, u);
  }
  return rc;
}
