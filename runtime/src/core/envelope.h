/* The 9-byte envelope header, and v4 body compression. */
#ifndef CQL_CORE_ENVELOPE_H
#define CQL_CORE_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "message.h"

/* Writes `h` as the 9 bytes of an envelope header (all fields big-endian). */
void cql_header_encode(uint8_t out[CQL_HEADER_SIZE], const cql_header *h);

/* Parses a header. Fails with E_BAD_VERSION for versions other than 3-5 in
 * the low 7 bits (a v1/v2 header is 8 bytes and cannot be parsed as one),
 * and with E_BAD_LENGTH when the body length is negative as an [int]. The
 * direction bit is kept in h->version and not checked here. */
cql_status cql_header_decode(const uint8_t in[CQL_HEADER_SIZE], cql_header *h);

/* v4 compression (flag 0x01): the body becomes a 4-byte big-endian
 * uncompressed length followed by one LZ4 block. Appends to `out`; on
 * failure `out` keeps its previous length. E_COMPRESS for bodies LZ4 cannot
 * take (over LZ4_MAX_INPUT_SIZE), E_NOMEM. */
cql_status cql_body_compress_v4(cql_buf *out, cql_slice body);

/* Reverses cql_body_compress_v4 into `out` (reset first). Fails with
 * E_DECOMPRESS, or E_FRAME_TOO_LARGE when the stated length exceeds
 * `max_len`, before allocating. */
cql_status cql_body_decompress_v4(cql_buf *out, cql_slice body, size_t max_len);

/* ---- LZ4 block helpers, shared with segment framing ------------------- */

/* Appends the LZ4 block of `in` to `out` and stores its size in *written.
 * E_COMPRESS when `in` is too large for LZ4, E_NOMEM; `out` keeps its
 * previous length on failure. */
cql_status cql_lz4_compress_append(cql_buf *out, cql_slice in, size_t *written);

/* Decompresses the LZ4 block `in` into exactly `n` bytes at `dst`.
 * E_DECOMPRESS when the block is malformed or does not yield exactly `n`
 * bytes. Never writes outside dst[0..n). */
cql_status cql_lz4_decompress_exact(uint8_t *dst, size_t n, cql_slice in);

#endif
