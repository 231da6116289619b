/* BATCH: logged, unlogged and counter batches, from the BATCH message or
 * from BEGIN BATCH ... APPLY BATCH, with Cassandra's rules on what may be
 * mixed, one timestamp for the whole batch, and conditional batches on a
 * single partition. */
#include <string.h>

#include "engine_impl.h"
#include "exec_modify.h"
#include "type.h"

static bool is_counter_stmt(const cql_bound *b) { return b->mod->table->counter; }

static bool validate(cql_exec *x, uint8_t type, const cql_bound *const *stmts, uint32_t n,
                     bool *conditional) {
  bool counters = false, others = false;
  *conditional = false;
  for (uint32_t i = 0; i < n; i++) {
    if (!stmts[i]->mod)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are "
                      "allowed.");
    if (is_counter_stmt(stmts[i]))
      counters = true;
    else
      others = true;
    *conditional |= stmts[i]->conditional;
  }
  if (type == CQL_BATCH_COUNTER && others)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Cannot include non-counter statement in a counter batch");
  if (type == CQL_BATCH_LOGGED && counters)
    return cql_fail(x, CQL_SERVER_INVALID, "Cannot include a counter statement in a logged batch");
  if (counters && others)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Counter and non-counter mutations cannot exist in the same batch");
  if (*conditional && n > 0) {
    const cql_table *t = stmts[0]->mod->table;
    for (uint32_t i = 1; i < n; i++)
      if (stmts[i]->mod->table != t)
        return cql_fail(x, CQL_SERVER_INVALID, "Batch with conditions cannot span multiple tables");
  }
  return true;
}

static bool bind_values(cql_exec *x, const cql_bound *b, const cql_value_arg *values,
                        uint32_t n_values, bool text_batch) {
  if (text_batch)
    return true;
  return cql_exec_values(x, b, values, n_values, false);
}

/* The serialized partition key a conditional statement targets. */
static bool first_key(cql_exec *x, const cql_mod_plan *m, cql_slice *key) {
  cql_slice **pks;
  uint32_t n;
  if (!cql_expand(x, m->pk, m->table->n_pk, &pks, &n))
    return false;
  if (n != 1)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "IN on the partition key is not supported with "
                    "conditional updates");
  *key = cql_partition_key(x, m->table, pks[0]);
  return true;
}

static bool run_conditional(cql_exec *x, const cql_bound *const *stmts,
                            const cql_value_arg *const *values, const uint32_t *n_values,
                            uint32_t n, bool text_batch, int64_t ts, bool has_ts) {
  cql_slice key0 = {NULL, 0};
  for (uint32_t i = 0; i < n; i++) {
    if (!bind_values(x, stmts[i], values[i], n_values[i], text_batch))
      return false;
    cql_slice key;
    if (!first_key(x, stmts[i]->mod, &key))
      return false;
    if (i == 0)
      key0 = key;
    else if (!cql_slice_eq(key, key0))
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Batch with conditions cannot span multiple partitions");
    if (!stmts[i]->conditional)
      continue;
    cas_state cs;
    bool ok;
    if (!cql_cas_check(x, stmts[i]->mod, &cs, &ok))
      return false;
    if (!ok)
      return cql_cas_result(x, stmts[i]->mod, &cs, false);
  }
  for (uint32_t i = 0; i < n; i++) {
    int64_t sts;
    int32_t ttl;
    if (!bind_values(x, stmts[i], values[i], n_values[i], text_batch) ||
        !cql_mod_times(x, stmts[i]->mod, ts, has_ts, &sts, &ttl) ||
        !cql_mod_apply(x, stmts[i]->mod, sts, ttl))
      return false;
  }
  cas_state none;
  memset(&none, 0, sizeof(none));
  return cql_cas_result(x, stmts[0]->mod, &none, true);
}

bool cql_exec_batch(cql_exec *x, uint8_t type, const cql_bound *const *stmts,
                    const cql_value_arg *const *values, const uint32_t *n_values, uint32_t n,
                    bool text_batch, const cql_term *text_ts) {
  bool conditional;
  if (!validate(x, type, stmts, n, &conditional) || !cql_check_write_consistency(x, conditional))
    return false;
  bool has_ts = false;
  int64_t ts = 0;
  if (text_ts) {
    if (!cql_eval_int(x, text_ts, cql_type_native(CQL_TYPE_BIGINT), "[timestamp]", &ts, &has_ts))
      return false;
  }
  if (!has_ts) {
    has_ts = true;
    ts = (x->params && x->params->has_timestamp) ? x->params->timestamp
                                                 : cql_engine_next_ts(x->e, x->now_us);
  }
  if (conditional)
    return run_conditional(x, stmts, values, n_values, n, text_batch, ts, has_ts);
  for (uint32_t i = 0; i < n; i++) {
    int64_t sts;
    int32_t ttl;
    if (!bind_values(x, stmts[i], values[i], n_values[i], text_batch))
      return false;
    if (stmts[i]->mod->timestamp && x->params && x->params->has_timestamp)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Timestamp must be set either on BATCH or individual statements");
    if (!cql_mod_times(x, stmts[i]->mod, ts, has_ts, &sts, &ttl) ||
        !cql_mod_apply(x, stmts[i]->mod, sts, ttl))
      return false;
  }
  cql_result_void(x);
  return true;
}
