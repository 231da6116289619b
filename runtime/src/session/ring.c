/* The token ring: every host's tokens in order, to find the replica that
 * owns a partition key's token. */
#include "session_impl.h"

#include <stdlib.h>
#include <string.h>

static int cmp_entry(const void *a, const void *b) {
  int64_t x = ((const ring_entry *)a)->token, y = ((const ring_entry *)b)->token;
  return (x > y) - (x < y);
}

cql_status cql_ring_rebuild(cql_session *s) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->n_hosts; i++)
    if (!s->hosts[i]->removed)
      n += s->hosts[i]->n_tokens;
  cql_free(&s->mem, s->ring);
  s->ring = NULL;
  s->n_ring = 0;
  if (n == 0)
    return CQL_OK;
  ring_entry *r = cql_malloc(&s->mem, n * sizeof(*r));
  if (!r)
    return CQL_E_NOMEM;
  uint32_t k = 0;
  for (uint32_t i = 0; i < s->n_hosts; i++) {
    cql_host *h = s->hosts[i];
    for (uint32_t j = 0; !h->removed && j < h->n_tokens; j++)
      r[k++] = (ring_entry){h->tokens[j], h};
  }
  qsort(r, n, sizeof(*r), cmp_entry);
  s->ring = r;
  s->n_ring = n;
  return CQL_OK;
}

/* A host owns the range (previous token, its token]: the first token at or
 * after `token`, wrapping around past the last. */
static uint32_t owner_index(const cql_session *s, int64_t token) {
  uint32_t lo = 0, hi = s->n_ring;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->ring[mid].token < token)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo == s->n_ring ? 0 : lo;
}

cql_host *cql_ring_owner(const cql_session *s, int64_t token) {
  return s->n_ring ? s->ring[owner_index(s, token)].host : NULL;
}

static const ks_replication *find_keyspace(const cql_session *s, cql_slice ks) {
  for (uint32_t i = 0; i < s->n_keyspaces; i++)
    if (cql_slice_eq_cstr(ks, s->keyspaces[i].name))
      return &s->keyspaces[i];
  return NULL;
}

/* How many replicas data center `dc` still takes (NETWORK), or the whole
 * remaining factor (SIMPLE). */
static uint32_t dc_wants(const ks_replication *k, const char *dc, const uint32_t *taken) {
  if (k->strategy == KS_SIMPLE)
    return taken[0] < k->rf ? 1 : 0;
  for (uint32_t i = 0; i < k->n_dcs; i++)
    if (strcmp(k->dcs[i].dc, dc) == 0)
      return taken[i] < k->dcs[i].rf ? 1 : 0;
  return 0;
}

static void take(const ks_replication *k, const char *dc, uint32_t *taken) {
  if (k->strategy == KS_SIMPLE) {
    taken[0]++;
    return;
  }
  for (uint32_t i = 0; i < k->n_dcs; i++)
    if (strcmp(k->dcs[i].dc, dc) == 0)
      taken[i]++;
}

static bool listed(cql_host *const *out, uint32_t n, const cql_host *h) {
  for (uint32_t i = 0; i < n; i++)
    if (out[i] == h)
      return true;
  return false;
}

/* Walks the ring from the owner, as Cassandra places replicas (racks are
 * not considered: a rack-aware NetworkTopologyStrategy may pick other
 * hosts of the same data center, which then coordinate just as well). */
uint32_t cql_ring_replicas(const cql_session *s, cql_slice ks, int64_t token, cql_host **out,
                           uint32_t max) {
  if (s->n_ring == 0 || max == 0)
    return 0;
  uint32_t start = owner_index(s, token);
  const ks_replication *k = find_keyspace(s, ks);
  if (!k || k->strategy == KS_OTHER) {
    out[0] = s->ring[start].host;
    return 1;
  }
  uint32_t taken[KS_MAX_DCS] = {0};
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->n_ring && n < max; i++) {
    cql_host *h = s->ring[(start + i) % s->n_ring].host;
    if (listed(out, n, h) || !dc_wants(k, h->dc, taken))
      continue;
    take(k, h->dc, taken);
    out[n++] = h;
  }
  return n;
}
