/* cql_result_copy_rows: a few rows kept beyond their page, in a result
 * that owns its bytes and shares nothing with the original. */
#include <string.h>

#include "mem.h"
#include "result_impl.h"

/* The byte range [start, end) of rows [first, first + count). */
static void row_span(const cql_result *r, size_t first, size_t count, size_t *start, size_t *end) {
  size_t cols = r->n_columns;
  size_t last_cell = (first + count) * cols - 1;
  *start = r->cell_off[first * cols];
  const uint8_t *p = r->rows_base + r->cell_off[last_cell];
  int32_t len = (int32_t)cql_load_u32(p);
  *end = r->cell_off[last_cell] + 4 + (len > 0 ? (size_t)len : 0);
}

static bool copy_bytes(cql_result *c, const cql_result *r, size_t first, size_t count) {
  size_t start = 0, end = 0;
  if (count && r->n_columns)
    row_span(r, first, count, &start, &end);
  if (!(c->owned_body = cql_malloc(&c->mem, end > start ? end - start : 1)))
    return false;
  if (end > start)
    memcpy(c->owned_body, r->rows_base + start, end - start);
  c->rows_base = c->owned_body;
  c->n_rows = (uint32_t)count;
  size_t n = count * r->n_columns;
  for (size_t i = 0; i < n; i++)
    c->cell_off[i] = r->cell_off[first * r->n_columns + i] - (uint32_t)start;
  return true;
}

cql_status cql_result_copy_rows(const cql_result *r, size_t first, size_t count, cql_result **out) {
  if (!out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  if (!r || r->status != CQL_OK || r->kind != CQL_RESULT_ROWS || first > r->n_rows ||
      count > r->n_rows - first)
    return CQL_E_INVALID_ARG;
  cql_result_ctx ctx = {.mem = &r->mem, .udts = r->udts};
  cql_result *c = cql_api_result_alloc(&ctx, count * r->n_columns, CQL_OK);
  if (!c)
    return CQL_E_NOMEM;
  c->kind = CQL_RESULT_ROWS;
  c->n_columns = r->n_columns;
  bool ok = copy_bytes(c, r, first, count);
  if (ok && r->columns)
    ok = (c->columns = cql_api_columns_copy(r->columns, r->n_columns, &c->arena)) != NULL;
  if (!ok) {
    cql_result_release(c);
    return CQL_E_NOMEM;
  }
  *out = c;
  return CQL_OK;
}
