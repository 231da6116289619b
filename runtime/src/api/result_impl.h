/* The inside of cql_result, shared by the result_*.c files only. */
#ifndef CQL_API_RESULT_IMPL_H
#define CQL_API_RESULT_IMPL_H

#include "api_internal.h"

struct cql_result {
  atomic_uint refs;
  bool immortal; /* the static out-of-memory result: never freed */
  cql_mem mem;
  cql_status status;
  cql_result_kind kind;
  cql_error_info *error; /* NULL on success */
  cql_arena arena;       /* error strings, decoded bodies, copied metadata */
  cql_reply *reply;      /* one reference held, or NULL */
  uint8_t *owned_body;   /* from_body and copy_rows: bytes we own */
  cql_response own;      /* from_body: the decoded response */
  const cql_response *resp;
  cql_result_meta *meta;          /* columns of a NO_METADATA page; reference held */
  const cql_column_spec *columns; /* NULL: unknown (types unknown too) */
  uint32_t n_columns;
  uint32_t n_rows;
  const uint8_t *rows_base;
  const cql_udt_registry *udts;
  /* Offset from rows_base of each cell's [bytes] length, row-major. */
  uint32_t cell_off[];
};

/* Allocates a result with room for `n_cells` offsets, one reference,
 * status `status`. NULL when out of memory. */
cql_result *cql_api_result_alloc(const cql_result_ctx *ctx, size_t n_cells, cql_status status);

/* Fills rows_base/n_rows/cell_off from a rows_content the decoder checked. */
void cql_api_result_index(cql_result *r, cql_slice rows_content, uint32_t rows, uint32_t cols);

/* The static CQL_E_NOMEM result. */
cql_result *cql_api_result_nomem(void);

/* Reads cell (row, col): CQL_E_INVALID_ARG out of range, CQL_E_NULL_VALUE,
 * else CQL_OK with *out set (type may be NULL when unknown). */
cql_status cql_api_result_cell(const cql_result *r, size_t row, size_t col, const cql_type **type,
                               cql_slice *out);

#endif
