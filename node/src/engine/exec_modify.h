/* Pieces of the modification executor that BATCH reuses. */
#ifndef CQL_NODE_EXEC_MODIFY_H
#define CQL_NODE_EXEC_MODIFY_H

#include "engine_impl.h"

/* What a conditional statement read: the partition (NULL when nothing is
 * stored) and the row it targets, and whether that row exists. */
typedef struct cas_state {
  cql_partition *p;
  cql_row *row;
  bool exists;
  int64_t shadow;
} cas_state;

/* Timestamp and TTL of a statement: its USING clause, else the batch's
 * (has_batch_ts), else the request's default timestamp, else the clock. */
bool cql_mod_times(cql_exec *x, const cql_mod_plan *m, int64_t batch_ts, bool has_batch_ts,
                   int64_t *ts, int32_t *ttl);
/* Applies the statement's writes to every key it names. */
bool cql_mod_apply(cql_exec *x, const cql_mod_plan *m, int64_t ts, int32_t ttl);
/* Reads the row a conditional statement targets and evaluates its IF. */
bool cql_cas_check(cql_exec *x, const cql_mod_plan *m, cas_state *cs, bool *ok);
/* Builds the [applied] Rows result Cassandra returns for it. */
bool cql_cas_result(cql_exec *x, const cql_mod_plan *m, const cas_state *cs, bool applied);
/* Whether a type is a non-frozen collection or UDT. */
bool bd_multicell(const cql_type *t);

#endif
