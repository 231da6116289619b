/* The collection notations responses use: [string list], [bytes map] and
 * [string multimap], plus the allocation and count checks behind them. */
#include "response_impl.h"

void cql_rsp_buf_fail(cql_buf *b, cql_status err) {
  if (b->err == CQL_OK)
    b->err = err;
}

void *cql_rsp_alloc(cql_rd *r, cql_arena *a, size_t count, size_t size) {
  if (count == 0 || !cql_rd_ok(r))
    return NULL;
  void *p = cql_arena_calloc(a, count, size);
  if (!p)
    cql_rd_fail(r, CQL_E_NOMEM, "arena exhausted while decoding a response");
  return p;
}

bool cql_rsp_count_fits(cql_rd *r, uint64_t count, size_t min_size, const char *what) {
  if (!cql_rd_ok(r))
    return false;
  if (count > cql_rd_left(r) / min_size)
    return cql_rd_fail(r, CQL_E_BAD_LENGTH, what);
  return true;
}

/* ---- [string list] ------------------------------------------------- */

void cql_rsp_read_string_list(cql_rd *r, cql_arena *a, const cql_slice **out, uint32_t *n) {
  uint16_t count = cql_rd_u16(r);
  *out = NULL;
  *n = 0;
  if (!cql_rsp_count_fits(r, count, 2, "[string list] count larger than its container"))
    return;
  cql_slice *items = cql_rsp_alloc(r, a, count, sizeof(*items));
  for (uint32_t i = 0; i < count && cql_rd_ok(r); i++)
    items[i] = cql_rd_string(r);
  if (cql_rd_ok(r)) {
    *out = items;
    *n = count;
  }
}

/* A [short] count and an array that must exist when the count is not 0. */
static bool list_ok(cql_buf *b, const void *items, uint32_t n) {
  if (n > UINT16_MAX) {
    cql_rsp_buf_fail(b, CQL_E_BAD_LENGTH);
    return false;
  }
  if (n > 0 && !items) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return false;
  }
  return true;
}

void cql_rsp_write_string_list(cql_buf *b, const cql_slice *items, uint32_t n) {
  if (!list_ok(b, items, n))
    return;
  cql_buf_put_u16(b, (uint16_t)n);
  for (uint32_t i = 0; i < n; i++)
    cql_buf_put_string(b, items[i]);
}

/* ---- [bytes map] --------------------------------------------------- */

void cql_rsp_read_bytes_map(cql_rd *r, cql_arena *a, const cql_pair **out, uint32_t *n) {
  uint16_t count = cql_rd_u16(r);
  *out = NULL;
  *n = 0;
  /* each entry: a [string] (2+) and a [bytes] (4+) */
  if (!cql_rsp_count_fits(r, count, 6, "[bytes map] count larger than its container"))
    return;
  cql_pair *items = cql_rsp_alloc(r, a, count, sizeof(*items));
  for (uint32_t i = 0; i < count && cql_rd_ok(r); i++) {
    items[i].key = cql_rd_string(r);
    items[i].value = cql_rd_bytes(r, &items[i].value_null);
  }
  if (cql_rd_ok(r)) {
    *out = items;
    *n = count;
  }
}

void cql_rsp_write_bytes_map(cql_buf *b, const cql_pair *items, uint32_t n) {
  if (!list_ok(b, items, n))
    return;
  cql_buf_put_u16(b, (uint16_t)n);
  for (uint32_t i = 0; i < n; i++) {
    cql_buf_put_string(b, items[i].key);
    if (items[i].value_null)
      cql_buf_put_null_bytes(b);
    else
      cql_buf_put_bytes(b, items[i].value);
  }
}

/* ---- [string multimap] --------------------------------------------- */

void cql_rsp_read_multimap(cql_rd *r, cql_arena *a, const cql_multi_entry **out, uint32_t *n) {
  uint16_t count = cql_rd_u16(r);
  *out = NULL;
  *n = 0;
  /* each entry: a [string] (2+) and a [string list] (2+) */
  if (!cql_rsp_count_fits(r, count, 4, "[string multimap] count larger than its container"))
    return;
  cql_multi_entry *items = cql_rsp_alloc(r, a, count, sizeof(*items));
  for (uint32_t i = 0; i < count && cql_rd_ok(r); i++) {
    items[i].key = cql_rd_string(r);
    cql_rsp_read_string_list(r, a, &items[i].values, &items[i].n_values);
  }
  if (cql_rd_ok(r)) {
    *out = items;
    *n = count;
  }
}

void cql_rsp_write_multimap(cql_buf *b, const cql_multi_entry *items, uint32_t n) {
  if (!list_ok(b, items, n))
    return;
  cql_buf_put_u16(b, (uint16_t)n);
  for (uint32_t i = 0; i < n; i++) {
    cql_buf_put_string(b, items[i].key);
    cql_rsp_write_string_list(b, items[i].values, items[i].n_values);
  }
}
