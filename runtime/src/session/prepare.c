/* The prepared cache: one entry per (keyspace, query text). A text being
 * prepared collects every concurrent caller as a waiter, so one PREPARE
 * round trip answers them all; later calls are answered from the entry. */
#include "session_impl.h"

#include <string.h>

static uint64_t fnv1a(uint64_t h, const char *s) {
  for (; *s; s++)
    h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001b3);
  return (h ^ 0xff) * UINT64_C(0x100000001b3); /* separates "ab"+"c" from "a"+"bc" */
}

static uint64_t key_hash(const char *ks, const char *q) {
  return fnv1a(fnv1a(UINT64_C(0xcbf29ce484222325), ks), q);
}

static cql_pentry **find_slot(cql_session *s, uint64_t h, const char *ks, const char *q) {
  cql_pentry **p = &s->pcache[h % s->pcache_cap];
  while (*p && !((*p)->hash == h && strcmp((*p)->keyspace, ks) == 0 && strcmp((*p)->query, q) == 0))
    p = &(*p)->next;
  return p;
}

static bool grow(cql_session *s) {
  if (s->pcache && s->pcache_n < s->pcache_cap)
    return true;
  uint32_t cap = s->pcache_cap ? s->pcache_cap * 2 : 64;
  cql_pentry **t = cql_malloc(&s->mem, cap * sizeof(*t));
  if (!t)
    return false;
  memset(t, 0, cap * sizeof(*t));
  for (uint32_t i = 0; i < s->pcache_cap; i++) {
    cql_pentry *e = s->pcache[i];
    while (e) {
      cql_pentry *next = e->next;
      e->next = t[e->hash % cap];
      t[e->hash % cap] = e;
      e = next;
    }
  }
  cql_free(&s->mem, s->pcache);
  s->pcache = t;
  s->pcache_cap = cap;
  return true;
}

static void free_entry(cql_session *s, cql_pentry *e) {
  while (e->waiters) {
    prepare_waiter *w = e->waiters;
    e->waiters = w->next;
    cql_free(&s->mem, w);
  }
  cql_prepared_release(e->prepared);
  cql_free(&s->mem, e->keyspace);
  cql_free(&s->mem, e->query);
  cql_free(&s->mem, e);
}

void cql_pcache_free(cql_session *s) {
  for (uint32_t i = 0; i < s->pcache_cap; i++) {
    while (s->pcache[i]) {
      cql_pentry *e = s->pcache[i];
      s->pcache[i] = e->next;
      free_entry(s, e);
    }
  }
  cql_free(&s->mem, s->pcache);
  s->pcache = NULL;
  s->pcache_cap = s->pcache_n = 0;
}

static cql_pentry *new_entry(cql_session *s, uint64_t h, const char *ks, const char *q) {
  cql_pentry *e = cql_malloc(&s->mem, sizeof(*e));
  if (!e)
    return NULL;
  memset(e, 0, sizeof(*e));
  e->hash = h;
  e->keyspace = cql_api_strdup(&s->mem, ks);
  e->query = cql_api_strdup(&s->mem, q);
  if (!e->keyspace || !e->query) {
    free_entry(s, e);
    return NULL;
  }
  return e;
}

static bool add_waiter(cql_session *s, cql_pentry *e, cql_prepare_cb cb, void *ud) {
  prepare_waiter *w = cql_malloc(&s->mem, sizeof(*w));
  if (!w)
    return false;
  w->cb = cb;
  w->ud = ud;
  w->next = NULL;
  prepare_waiter **p = &e->waiters;
  while (*p)
    p = &(*p)->next;
  *p = w;
  return true;
}

/* Sends the PREPARE for a new entry. */
static cql_status start_prepare(cql_session *s, cql_pentry *e) {
  cql_sreq *r = cql_sreq_new(s, SREQ_PREPARE);
  if (!r)
    return CQL_E_NOMEM;
  r->pentry = e;
  r->idempotent = true;
  r->timeout_ms = s->cfg->request_timeout_ms ? s->cfg->request_timeout_ms : CQL_CONN_NO_TIMEOUT;
  uint8_t lo, hi;
  cql_session_versions(s, &lo, &hi);
  for (uint8_t v = lo; v <= hi; v++) {
    cql_request req;
    memset(&req, 0, sizeof(req));
    req.opcode = CQL_OP_PREPARE;
    req.u.prepare.query = cql_slice_from_cstr(e->query);
    cql_status st = cql_sreq_encode(r, v, &req);
    if (st != CQL_OK) {
      cql_sreq_free(r);
      return st;
    }
  }
  cql_sreq_start(r);
  return CQL_OK;
}

static cql_status answer_cached(cql_session *s, cql_pentry *e, cql_prepare_cb cb, void *ud) {
  cql_sreq *r = cql_sreq_new(s, SREQ_CACHED);
  if (!r)
    return CQL_E_NOMEM;
  r->prepared = cql_prepared_retain(e->prepared);
  r->pcb = cb;
  r->ud = ud;
  cql_session_defer(r);
  return CQL_OK;
}

cql_status cql_session_prepare(cql_session *s, const char *query, cql_prepare_cb cb, void *ud) {
  if (!s || !query || !cb)
    return CQL_E_INVALID_ARG;
  cql_status st;
  if (!cql_session_accepts(s, &st))
    return st;
  if (!grow(s))
    return CQL_E_NOMEM;
  const char *ks = s->keyspace ? s->keyspace : "";
  uint64_t h = key_hash(ks, query);
  cql_pentry **slot = find_slot(s, h, ks, query);
  cql_pentry *e = *slot;
  if (e && e->prepared)
    return answer_cached(s, e, cb, ud);
  if (e)
    return add_waiter(s, e, cb, ud) ? CQL_OK : CQL_E_NOMEM;
  if (!(e = new_entry(s, h, ks, query)))
    return CQL_E_NOMEM;
  if (!add_waiter(s, e, cb, ud)) {
    free_entry(s, e);
    return CQL_E_NOMEM;
  }
  *slot = e;
  s->pcache_n++;
  st = start_prepare(s, e);
  if (st != CQL_OK) {
    *find_slot(s, h, ks, query) = e->next;
    s->pcache_n--;
    free_entry(s, e);
  }
  return st;
}

cql_prepared *cql_session_prepared_cached(cql_session *s, const char *query) {
  cql_status st;
  /* A closing session answers nothing; the caller's fallback to
   * cql_session_prepare then reports why. */
  if (!s || !query || !s->pcache || !cql_session_accepts(s, &st))
    return NULL;
  const char *ks = s->keyspace ? s->keyspace : "";
  cql_pentry *e = *find_slot(s, key_hash(ks, query), ks, query);
  return e && e->prepared ? cql_prepared_retain(e->prepared) : NULL;
}

void cql_pcache_deliver_cached(cql_sreq *r) {
  cql_prepared *p = r->prepared;
  r->prepared = NULL;
  r->pcb(p, NULL, r->ud);
  cql_sreq_free(r);
}

static void unlink_entry(cql_session *s, cql_pentry *e) {
  cql_pentry **p = find_slot(s, e->hash, e->keyspace, e->query);
  if (*p == e) {
    *p = e->next;
    s->pcache_n--;
  }
}

void cql_pcache_prepared(cql_sreq *r, cql_prepared *p, const cql_result *error) {
  cql_session *s = r->s;
  cql_pentry *e = r->pentry;
  prepare_waiter *w = e->waiters;
  e->waiters = NULL;
  if (p)
    e->prepared = p;
  else
    unlink_entry(s, e);
  while (w) {
    prepare_waiter *next = w->next;
    if (p)
      w->cb(cql_prepared_retain(p), NULL, w->ud);
    else
      w->cb(NULL, error, w->ud);
    cql_free(&s->mem, w);
    w = next;
  }
  if (!p)
    free_entry(s, e);
}
