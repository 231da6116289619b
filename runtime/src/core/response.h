/* Responses: encoding (server side) and decoding (client side), and the
 * walk over the rows of a Rows result. */
#ifndef CQL_CORE_RESPONSE_H
#define CQL_CORE_RESPONSE_H

#include <stdbool.h>

#include "arena.h"
#include "message.h"
#include "wire.h"

/* Appends one whole envelope for `resp` to `out` (version 4 or 5, the
 * response bit is added). `compress_v4` as for requests. Failure codes as
 * for cql_request_encode; `out` is left as it was on failure. */
cql_status cql_response_encode(cql_buf *out, uint8_t version, const cql_response *resp,
                               bool compress_v4);

/* Decodes the body of a response envelope (already decompressed),
 * including the tracing id, warnings and custom payload the header flags
 * announce. Slices point into `body`, arrays come from `arena`. For Rows the
 * framing of every cell is checked, so a row iterator over a decoded result
 * cannot fail. */
cql_status cql_response_decode(const cql_header *h, cql_slice body, cql_arena *arena,
                               cql_response *out, const char **what);

/* One cell of a row: `len` is -1 for null, otherwise the length of `bytes`. */
typedef struct cql_cell {
  int32_t len;
  cql_slice bytes;
} cql_cell;

typedef struct cql_row_iter {
  cql_rd rd;
  int32_t rows_left;
  int32_t columns;
} cql_row_iter;

void cql_row_iter_init(cql_row_iter *it, const cql_result *rows_result);
/* Fills `cells[0..columns)` with the next row; false after the last row. */
bool cql_row_iter_next(cql_row_iter *it, cql_cell *cells);

/* Appends one cell ([bytes] framing) to a rows_content buffer being built
 * by a server; `len` -1 writes null. */
void cql_rows_put_cell(cql_buf *rows_content, const cql_cell *cell);

#endif
