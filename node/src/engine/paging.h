/* The paging state cqlkit-node hands to clients: an opaque position
 * (partition token and key, and the clustering key of the last row sent)
 * plus the counts LIMIT and PER PARTITION LIMIT need. Because it names a
 * position rather than an offset, rows written or deleted between pages
 * never make a page repeat or skip rows that were already there. */
#ifndef CQL_NODE_PAGING_H
#define CQL_NODE_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/types.h"

typedef struct cql_page_pos {
  int64_t token;
  cql_slice key;       /* serialized partition key */
  bool partition_done; /* resume at the next partition */
  cql_slice *ck;       /* the last row's clustering values */
  uint32_t n_ck;
  int64_t total;        /* rows returned so far (LIMIT) */
  int64_t in_partition; /* rows returned from `key` so far (PER PARTITION LIMIT) */
} cql_page_pos;

/* Serializes a position into the arena; a zero slice on exhaustion. */
cql_slice cql_paging_encode(cql_arena *a, const cql_page_pos *pos);
/* Reads a position back; false for bytes we did not produce. Slices
 * point into `in`; the ck array comes from the arena. */
bool cql_paging_decode(cql_arena *a, cql_slice in, cql_page_pos *pos);

#endif
