/* The property every response fuzz target checks, for one opcode: decoding
 * arbitrary bytes never crashes or reads out of bounds; when it succeeds,
 * the rows walk to the end, the struct re-encodes with the same header
 * flags, and the re-encoded bytes decode and encode again to themselves.
 * (They may differ from the input where the decoder accepts two spellings
 * of one value: a data_present byte other than 0 or 1, a global table spec
 * with no columns.)
 *
 * Input layout: byte 0 picks the version (3, 4 or 5), byte 1 the header
 * flags (tracing, custom payload, warning), the rest is the body. */
#ifndef CQLKIT_RESPONSE_FUZZ_H
#define CQLKIT_RESPONSE_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"

static void fuzz_walk_rows(const cql_response *r) {
  if (r->opcode != CQL_OP_RESULT || r->u.result.kind != CQL_RESULT_ROWS)
    return;
  int32_t cols = r->u.result.u.rows.metadata.columns_count;
  /* many columns and no rows is valid; only walk what fits in memory */
  if (cols > 4096 || r->u.result.u.rows.rows_count > (1 << 20))
    return;
  cql_cell *cells = calloc((size_t)cols + 1, sizeof(*cells));
  if (!cells)
    abort();
  cql_row_iter it;
  cql_row_iter_init(&it, &r->u.result);
  int32_t rows = 0;
  while (cql_row_iter_next(&it, cells))
    rows++;
  if (rows != r->u.result.u.rows.rows_count || cql_rd_left(&it.rd) != 0)
    abort();
  free(cells);
}

/* Decodes from an exact-size heap copy (*copy, freed by the caller), so
 * ASan catches any read past the body. */
static cql_status fuzz_decode(const cql_header *h, const uint8_t *p, size_t n, cql_arena *a,
                              uint8_t **copy, cql_response *out) {
  *copy = malloc(n ? n : 1);
  if (!*copy)
    abort();
  if (n)
    memcpy(*copy, p, n);
  cql_slice body = {*copy, n};
  const char *what = NULL;
  cql_status st = cql_response_decode(h, body, a, out, &what);
  if (st != CQL_OK && !what)
    abort();
  return st;
}

static void fuzz_reencode(const cql_header *h, uint8_t version, const cql_response *r,
                          cql_arena *arena) {
  cql_buf once, twice;
  cql_buf_init(&once, NULL);
  cql_buf_init(&twice, NULL);
  if (cql_response_encode_body(&once, version, r) != CQL_OK || cql_response_flags(r) != h->flags)
    abort();
  uint8_t *copy = NULL;
  cql_response again;
  if (fuzz_decode(h, once.data, once.len, arena, &copy, &again) != CQL_OK)
    abort();
  if (cql_response_encode_body(&twice, version, &again) != CQL_OK)
    abort();
  if (once.len != twice.len || (once.len && memcmp(once.data, twice.data, once.len) != 0))
    abort();
  free(copy);
  cql_buf_free(&once);
  cql_buf_free(&twice);
}

static int fuzz_response(uint8_t opcode, const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  uint8_t version = (uint8_t)(3 + data[0] % 3);
  uint8_t flags = data[1] & (CQL_FLAG_TRACING | CQL_FLAG_CUSTOM_PAYLOAD | CQL_FLAG_WARNING);
  cql_header h = {(uint8_t)(version | CQL_VERSION_RESPONSE_BIT), flags, 0, opcode,
                  (uint32_t)(size - 2)};
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  arena.limit = 64u << 20;
  uint8_t *copy = NULL;
  cql_response r;
  if (fuzz_decode(&h, data + 2, size - 2, &arena, &copy, &r) == CQL_OK) {
    fuzz_walk_rows(&r);
    fuzz_reencode(&h, version, &r, &arena);
  }
  free(copy);
  cql_arena_free(&arena);
  return 0;
}

#endif
