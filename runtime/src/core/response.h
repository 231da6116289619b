/* Responses: encoding (server side) and decoding (client side), and the
 * walk over the rows of a Rows result.
 *
 * Versions 3, 4 and 5 are accepted. What depends on the version: the
 * prepared bind metadata carries partition key indices from v4 on; the
 * warning and custom payload prefixes exist from v4 on; v5 adds the result
 * metadata id of a Prepared result, the METADATA_CHANGED flag of Rows
 * metadata, the contention count of a CAS write timeout and the per-replica
 * reason map of READ_FAILURE/WRITE_FAILURE (v3/v4 send a failure count). */
#ifndef CQL_CORE_RESPONSE_H
#define CQL_CORE_RESPONSE_H

#include <stdbool.h>

#include "arena.h"
#include "message.h"
#include "wire.h"

/* Appends one whole envelope for `resp` to `out` (version 3, 4 or 5; the
 * response bit is added). The header flags follow from `resp`: tracing when
 * has_tracing_id, warning when has_warnings or n_warnings > 0, custom payload
 * when has_custom_payload or n_custom_payload > 0.
 *
 * `compress_v4` LZ4-compresses the body and sets the compression flag; it is
 * ignored for v5, where compression belongs to segments. Which responses to
 * compress is the caller's call: Cassandra compresses every response after
 * the STARTUP that negotiated compression, READY and AUTHENTICATE included,
 * and never the SUPPORTED that answers OPTIONS.
 *
 * Fails with E_BAD_VERSION for another version, E_INVALID_ARG for an opcode
 * that is not a response or fields that contradict each other (a missing
 * type, a pk index out of range, rows_content that does not frame
 * rows_count * columns_count cells...), E_UNSUPPORTED for a field the
 * version lacks, E_BAD_LENGTH for a field too long for its length prefix,
 * E_FRAME_TOO_LARGE for a body over 2^31-1 bytes, E_COMPRESS, E_NOMEM. On
 * failure `out` is left as it was. */
cql_status cql_response_encode(cql_buf *out, uint8_t version, const cql_response *resp,
                               bool compress_v4);

/* Appends only the body of the envelope cql_response_encode would build
 * (uncompressed, prefixes included). Same failures; `out` is left as it was
 * on failure. */
cql_status cql_response_encode_body(cql_buf *out, uint8_t version, const cql_response *resp);

/* The header flags cql_response_encode would set (without compression). */
uint8_t cql_response_flags(const cql_response *resp);

/* Decodes the body of a response envelope (already decompressed),
 * including the tracing id, warnings and custom payload the header flags
 * announce (in that order). Slices point into `body`, arrays and types come
 * from `arena`; both must outlive `out`. For Rows the framing of every cell
 * is checked, so a row iterator over a decoded result cannot fail.
 *
 * Decoding is strict: bytes left after the body fail with E_TRAILING_BYTES
 * (see cql_response_decode2 for the spec's tolerant reading). Other
 * failures: E_BAD_VERSION (not a v3-v5 response header), E_BAD_OPCODE (not a
 * response opcode), E_BAD_FLAGS (a flag the version lacks), E_TRUNCATED,
 * E_BAD_LENGTH (lengths and counts that do not fit the bytes present),
 * E_BAD_TYPE, E_TOO_DEEP, E_BAD_MESSAGE (unknown result kind, event type,
 * schema change target; inconsistent metadata), E_NOMEM (arena). `*what`
 * (may be NULL) receives a static description. On failure `*out` is
 * unspecified. */
cql_status cql_response_decode(const cql_header *h, cql_slice body, cql_arena *arena,
                               cql_response *out, const char **what);

enum {
  /* Ignore bytes after the body instead of failing: the spec asks clients
   * to discard what a newer server may append. */
  CQL_RESPONSE_ALLOW_TRAILING = 1u << 0
};

/* cql_response_decode with options (CQL_RESPONSE_*, or 0 for the strict
 * behaviour). */
cql_status cql_response_decode2(const cql_header *h, cql_slice body, cql_arena *arena,
                                unsigned options, cql_response *out, const char **what);

/* One cell of a row: `len` is -1 for null, otherwise the length of `bytes`. */
typedef struct cql_cell {
  int32_t len;
  cql_slice bytes;
} cql_cell;

/* A cursor over the rows of a decoded (hence validated) Rows result. It
 * points into the result's rows_content, which must outlive it. */
typedef struct cql_row_iter {
  cql_rd rd;
  int32_t rows_left;
  int32_t columns;
} cql_row_iter;

/* Starts before the first row of `rows_result` (kind ROWS; any other kind
 * yields no rows). */
void cql_row_iter_init(cql_row_iter *it, const cql_result_msg *rows_result);
/* Fills `cells[0..columns)` with the next row; false after the last row.
 * The cells are views into rows_content. */
bool cql_row_iter_next(cql_row_iter *it, cql_cell *cells);

/* Appends one cell ([bytes] framing) to a rows_content buffer being built
 * by a server; `len` -1 (any negative) writes null, otherwise the bytes of
 * `bytes` are written and `len` must equal bytes.len. Errors are recorded in
 * rows_content->err. */
void cql_rows_put_cell(cql_buf *rows_content, const cql_cell *cell);

#endif
