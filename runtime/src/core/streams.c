#include "streams.h"

#include <string.h>

void cql_streams_init(cql_streams *s, uint32_t limit) {
  memset(s, 0, sizeof(*s));
  if (limit == 0)
    limit = 1;
  s->limit = limit > CQL_STREAMS_MAX ? CQL_STREAMS_MAX : limit;
  /* Ids at or past the limit are permanently taken so the scan skips them. */
  for (uint32_t id = s->limit; id < CQL_STREAMS_MAX; id++)
    s->used[id / 64] |= (uint64_t)1 << (id % 64);
}

int32_t cql_streams_acquire(cql_streams *s) {
  if (s->in_use >= s->limit)
    return -1;
  uint32_t words = (s->limit + 63) / 64;
  for (uint32_t i = 0; i < words; i++) {
    uint32_t w = (s->hint + i) % words;
    uint64_t free_bits = ~s->used[w];
    if (!free_bits)
      continue;
    int bit = __builtin_ctzll(free_bits);
    s->used[w] |= (uint64_t)1 << bit;
    s->in_use++;
    s->hint = w;
    return (int32_t)(w * 64 + (uint32_t)bit);
  }
  return -1;
}

void cql_streams_orphan(cql_streams *s, int32_t id) {
  if (!cql_streams_is_used(s, id))
    return;
  uint64_t bit = (uint64_t)1 << (id % 64);
  if (!(s->orphaned[id / 64] & bit)) {
    s->orphaned[id / 64] |= bit;
    s->n_orphaned++;
  }
}

bool cql_streams_release(cql_streams *s, int32_t id, bool *was_orphaned) {
  if (was_orphaned)
    *was_orphaned = false;
  if (!cql_streams_is_used(s, id))
    return false;
  uint64_t bit = (uint64_t)1 << (id % 64);
  if (s->orphaned[id / 64] & bit) {
    s->orphaned[id / 64] &= ~bit;
    s->n_orphaned--;
    if (was_orphaned)
      *was_orphaned = true;
  }
  s->used[id / 64] &= ~bit;
  s->in_use--;
  return true;
}
