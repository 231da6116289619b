/* Stream-id allocation for one connection.
 *
 * A connection multiplexes up to 32768 requests by stream id. Ids come from
 * a bitset so that finding a free one is a scan of 64-bit words. An id whose
 * request timed out is not free: the server may still answer on it, and a
 * late answer must not be taken for the reply to a newer request. Such ids
 * are "orphaned" until their reply arrives (cql_streams_release), and the
 * connection counts them to decide when it is too polluted to keep. */
#ifndef CQL_CORE_STREAMS_H
#define CQL_CORE_STREAMS_H

#include <stdbool.h>
#include <stdint.h>

enum { CQL_STREAMS_MAX = 32768, CQL_STREAMS_WORDS = CQL_STREAMS_MAX / 64 };

typedef struct cql_streams {
  uint64_t used[CQL_STREAMS_WORDS];     /* bit set: id is taken */
  uint64_t orphaned[CQL_STREAMS_WORDS]; /* subset of used: awaiting a late reply */
  uint32_t limit;                       /* ids 0..limit-1 are usable */
  uint32_t in_use;                      /* including orphaned */
  uint32_t n_orphaned;
  uint32_t hint; /* word to start the next search at, to spread ids */
} cql_streams;

/* `limit` is the number of usable ids, 1..CQL_STREAMS_MAX (larger values
 * are clamped). Stream id 0 is usable; negative ids are the server's. */
void cql_streams_init(cql_streams *s, uint32_t limit);

/* A free id, or -1 when every usable id is taken. */
int32_t cql_streams_acquire(cql_streams *s);

/* Marks a taken id as orphaned (its request gave up waiting). */
void cql_streams_orphan(cql_streams *s, int32_t id);

/* Frees `id` when its reply arrives. Returns false when `id` was not taken
 * (a reply on an unknown stream: the connection should treat it as a
 * protocol violation). *was_orphaned tells whether nobody waits for it. */
bool cql_streams_release(cql_streams *s, int32_t id, bool *was_orphaned);

static inline bool cql_streams_is_used(const cql_streams *s, int32_t id) {
  return id >= 0 && (uint32_t)id < s->limit && (s->used[id / 64] >> (id % 64)) & 1;
}

#endif
