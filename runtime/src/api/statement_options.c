/* Per-request options of statements. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"

cql_status cql_statement_set_consistency(cql_statement *st, cql_consistency level) {
  if (!st || !cql_api_valid_consistency(level))
    return CQL_E_INVALID_ARG;
  st->has_consistency = true;
  st->consistency = level;
  return CQL_OK;
}

cql_status cql_statement_set_serial_consistency(cql_statement *st, cql_consistency level) {
  if (!st || !cql_api_valid_serial(level))
    return CQL_E_INVALID_ARG;
  st->has_serial_consistency = true;
  st->serial_consistency = level;
  return CQL_OK;
}

cql_status cql_statement_set_timeout(cql_statement *st, uint32_t ms) {
  if (!st)
    return CQL_E_INVALID_ARG;
  st->timeout_ms = ms;
  return CQL_OK;
}

cql_status cql_statement_set_idempotent(cql_statement *st, bool idempotent) {
  if (!st)
    return CQL_E_INVALID_ARG;
  st->idempotent = idempotent;
  return CQL_OK;
}

cql_status cql_statement_set_page_size(cql_statement *st, int32_t rows) {
  if (!st || rows < -1)
    return CQL_E_INVALID_ARG;
  st->page_size = rows;
  return CQL_OK;
}

cql_status cql_statement_set_paging_state(cql_statement *st, cql_slice state) {
  if (!st || (state.len && !state.ptr) || state.len > INT32_MAX)
    return CQL_E_INVALID_ARG;
  cql_buf_reset(&st->paging_state);
  st->has_paging_state = false;
  if (state.len == 0)
    return CQL_OK; /* an empty state means "from the start" */
  cql_buf_put_raw(&st->paging_state, state.ptr, state.len);
  if (st->paging_state.err) {
    cql_buf_reset(&st->paging_state);
    return CQL_E_NOMEM;
  }
  st->has_paging_state = true;
  return CQL_OK;
}

cql_status cql_statement_set_timestamp(cql_statement *st, int64_t microseconds) {
  if (!st || microseconds == INT64_MIN)
    return CQL_E_INVALID_ARG;
  st->has_timestamp = true;
  st->timestamp = microseconds;
  return CQL_OK;
}

cql_status cql_statement_set_tracing(cql_statement *st, bool tracing) {
  if (!st)
    return CQL_E_INVALID_ARG;
  st->tracing = tracing;
  return CQL_OK;
}

cql_status cql_statement_set_keyspace(cql_statement *st, const char *keyspace) {
  if (!st || (keyspace && !*keyspace))
    return CQL_E_INVALID_ARG;
  char *copy = NULL;
  if (keyspace && !(copy = cql_api_strdup(&st->mem, keyspace)))
    return CQL_E_NOMEM;
  cql_free(&st->mem, st->keyspace);
  st->keyspace = copy;
  return CQL_OK;
}

uint32_t cql_statement_effective_timeout(const cql_statement *st, const cql_config *cfg) {
  uint32_t ms = st && st->timeout_ms ? st->timeout_ms : cfg ? cfg->request_timeout_ms : 12000;
  return ms ? ms : CQL_CONN_NO_TIMEOUT;
}
