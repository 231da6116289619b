/* The in-memory store: partitions ordered by Murmur3 token, rows ordered
 * by clustering key, cells with write timestamps and expiry, and
 * tombstones (partition, range, row and cell) that shadow older writes.
 *
 * Rows within a partition are kept in the table's clustering order (DESC
 * columns reversed), so iterating forward yields Cassandra's result order.
 * Reconciliation follows Cassandra: the higher timestamp wins; on a tie a
 * tombstone beats a value and a greater value beats a smaller one. A cell,
 * row marker or row is shadowed by any deletion with a timestamp >= its own.
 *
 * Memory comes from the engine's cql_mem and is counted against a cap;
 * writes that would exceed it fail cleanly (CQL_E_NOMEM) and change nothing
 * further. Not thread-safe. */
#ifndef CQL_NODE_STORE_H
#define CQL_NODE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "cqlkit/error.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"

#define CQL_NO_DELETION INT64_MIN

enum { CQL_CELL_VALUE = 1, CQL_CELL_TOMBSTONE = 2 };

typedef struct cql_store_cell {
  uint8_t *val; /* owned; may be NULL when len is 0 */
  uint32_t len;
  uint8_t flags;  /* 0: never written; CQL_CELL_VALUE or CQL_CELL_TOMBSTONE */
  int32_t ttl;    /* seconds, 0 for none */
  int32_t expiry; /* local expiration time (seconds since epoch), 0 for none */
  int64_t ts;     /* write timestamp, microseconds */
} cql_store_cell;

typedef struct cql_row {
  cql_slice *ck; /* n_ck clustering values (views into the same block) */
  uint32_t n_cells;
  cql_store_cell *cells; /* indexed by column slot */
  bool has_marker;       /* INSERT writes a primary key liveness marker */
  int32_t marker_ttl;
  int32_t marker_expiry;
  int64_t marker_ts;
  int64_t del_ts;  /* row deletion, or CQL_NO_DELETION */
  size_t ck_bytes; /* size of the clustering block, for accounting */
} cql_row;

/* A clustering prefix bound of a range tombstone. */
typedef struct cql_ck_bound {
  cql_slice *vals;
  uint32_t n;
  bool inclusive;
} cql_ck_bound;

typedef struct cql_range_tomb {
  cql_ck_bound start, end; /* in storage order: start sorts before end */
  int64_t ts;
} cql_range_tomb;

typedef struct cql_partition {
  int64_t token;
  uint8_t *key;
  uint32_t key_len;
  int64_t del_ts;
  cql_row statics;
  cql_row **rows;
  uint32_t n_rows, cap_rows;
  cql_range_tomb *rts;
  uint32_t n_rts, cap_rts;
} cql_partition;

struct cql_store_table {
  cql_partition **parts; /* ordered by (token, key bytes) */
  uint32_t n_parts, cap_parts;
  size_t bytes;
  bool exempt; /* generated system data: not counted against the cap */
};

typedef struct cql_store {
  const cql_mem *mem;
  size_t bytes;        /* everything held */
  size_t exempt_bytes; /* of which system data */
  size_t max_bytes;    /* cap on bytes - exempt_bytes; 0 for none */
} cql_store;

void cql_store_init(cql_store *s, const cql_mem *mem, size_t max_bytes);

cql_store_table *cql_store_table_new(cql_store *s);
void cql_store_table_free(cql_store *s, cql_store_table *t);
void cql_store_table_truncate(cql_store *s, cql_store_table *t);
/* Forgets the cells of one slot in every row (ALTER TABLE DROP). */
void cql_store_drop_slot(cql_store *s, cql_store_table *t, uint32_t slot);

/* ---- partitions ------------------------------------------------------ */

/* (token, key) ordering of partitions: <0, 0, >0. */
int cql_part_key_cmp(int64_t ta, cql_slice ka, int64_t tb, cql_slice kb);
/* Index of the first partition >= (token, key) (n_parts if none). */
uint32_t cql_store_lower_bound(const cql_store_table *t, int64_t token, cql_slice key);
cql_partition *cql_store_find(const cql_store_table *t, int64_t token, cql_slice key);
/* Finds or creates; NULL with *st set when the memory cap is reached. */
cql_partition *cql_store_get(cql_store *s, cql_store_table *t, int64_t token, cql_slice key,
                             cql_status *st);

/* ---- rows ------------------------------------------------------------ */

/* Compares two clustering prefixes of n values in storage order. */
int cql_ck_cmp(const cql_table *def, const cql_slice *a, const cql_slice *b, uint32_t n);
/* First row whose clustering prefix (n values) is >= prefix, or > prefix
 * with `after`. n may be 0 (then 0 or n_rows). */
uint32_t cql_part_bound(const cql_table *def, const cql_partition *p, const cql_slice *prefix,
                        uint32_t n, bool after);
cql_row *cql_part_find_row(const cql_table *def, const cql_partition *p, const cql_slice *ck);
cql_row *cql_part_get_row(cql_store *s, const cql_table *def, cql_partition *p, const cql_slice *ck,
                          cql_status *st);

/* ---- writes ---------------------------------------------------------- */

/* Writes a value (or a tombstone when `tombstone`) into a cell slot,
 * reconciling with what is there. `ttl` > 0 sets the expiry from now_sec.
 * `rmw`: the value was computed from the cell's current content (a
 * collection operation), so it also replaces a cell of equal timestamp,
 * which several operations of one statement on one column produce. */
cql_status cql_store_write(cql_store *s, cql_store_table *t, cql_row *r, uint32_t slot,
                           cql_slice value, bool tombstone, int64_t ts, int32_t ttl,
                           int32_t now_sec, bool rmw);
/* Adds `delta` to a counter cell. */
cql_status cql_store_counter_add(cql_store *s, cql_store_table *t, cql_row *r, uint32_t slot,
                                 int64_t delta, int64_t ts);
void cql_store_marker(cql_row *r, int64_t ts, int32_t ttl, int32_t now_sec);
void cql_store_delete_row(cql_row *r, int64_t ts);
void cql_store_delete_partition(cql_partition *p, int64_t ts);
cql_status cql_store_range_delete(cql_store *s, cql_store_table *t, cql_partition *p,
                                  const cql_ck_bound *start, const cql_ck_bound *end, int64_t ts);

/* ---- reads ----------------------------------------------------------- */

/* The newest deletion timestamp covering row `r` of `p` (partition, range
 * and row deletions), CQL_NO_DELETION if none. */
int64_t cql_row_shadow(const cql_table *def, const cql_partition *p, const cql_row *r);
/* A cell's value is visible: written, not a tombstone, not expired, and
 * newer than `shadow`. */
bool cql_cell_live(const cql_store_cell *c, int32_t now_sec, int64_t shadow);
/* The cell of a slot, or NULL when never written. */
const cql_store_cell *cql_row_cell(const cql_row *r, uint32_t slot);
/* The row exists for reads: a live marker or a live regular cell. */
bool cql_row_live(const cql_table *def, const cql_row *r, int32_t now_sec, int64_t shadow);
/* The partition's static row has a live static cell. */
bool cql_statics_live(const cql_table *def, const cql_partition *p, int32_t now_sec);

#endif
