/* The 9-byte envelope header, and v4 body compression. */
#ifndef CQL_CORE_ENVELOPE_H
#define CQL_CORE_ENVELOPE_H

#include <stdint.h>

#include "message.h"

void cql_header_encode(uint8_t out[CQL_HEADER_SIZE], const cql_header *h);

/* Parses a header. Fails with E_BAD_VERSION for versions other than 3-5 in
 * the low 7 bits (a v1/v2 header is 8 bytes and cannot be parsed as one). */
cql_status cql_header_decode(const uint8_t in[CQL_HEADER_SIZE], cql_header *h);

/* v4 compression (flag 0x01): the body becomes a 4-byte big-endian
 * uncompressed length followed by one LZ4 block. Appends to `out`. */
cql_status cql_body_compress_v4(cql_buf *out, cql_slice body);

/* Reverses cql_body_compress_v4 into `out` (reset first). Fails with
 * E_DECOMPRESS, or E_FRAME_TOO_LARGE when the stated length exceeds
 * `max_len`, before allocating. */
cql_status cql_body_decompress_v4(cql_buf *out, cql_slice body, size_t max_len);

#endif
