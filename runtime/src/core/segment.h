/* v5 segment framing: after READY/AUTHENTICATE every envelope travels inside
 * segments. A self-contained segment holds one or more whole envelopes; an
 * envelope larger than one segment's payload is split over several
 * non-self-contained segments.
 *
 * Uncompressed segment: 3-byte little-endian word (17-bit payload length,
 * self-contained bit, 6 padding bits), CRC24 of it (3 bytes LE), payload,
 * CRC32 of the payload (4 bytes LE).
 * Compressed segment: 5-byte LE word (17-bit compressed length, 17-bit
 * uncompressed length, self-contained bit, 5 padding bits), CRC24 (3 bytes),
 * LZ4 block, CRC32 of the compressed bytes. An uncompressed length of 0 means
 * the payload was not worth compressing and is sent as is. */
#ifndef CQL_CORE_SEGMENT_H
#define CQL_CORE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "wire.h"

enum {
  CQL_SEGMENT_MAX_PAYLOAD = 131071,
  CQL_SEGMENT_HEADER_PLAIN = 6,      /* 3-byte word + CRC24 */
  CQL_SEGMENT_HEADER_COMPRESSED = 8, /* 5-byte word + CRC24 */
  CQL_SEGMENT_TRAILER = 4            /* CRC32 */
};

typedef struct cql_segment_header {
  uint32_t payload_length;      /* bytes on the wire after the header */
  uint32_t uncompressed_length; /* compressed segments; 0: sent uncompressed */
  bool self_contained;
} cql_segment_header;

/* Appends one segment carrying `payload` (at most CQL_SEGMENT_MAX_PAYLOAD
 * bytes). With `compress`, the payload is LZ4-compressed unless that would
 * not make it smaller. */
cql_status cql_segment_encode(cql_buf *out, cql_slice payload, bool self_contained, bool compress);

/* Appends `envelopes` (a run of whole envelopes) as segments: whole
 * envelopes are packed together into self-contained segments; an envelope
 * that does not fit in one segment is split over non-self-contained ones. */
cql_status cql_segment_frame(cql_buf *out, cql_slice envelopes, bool compress);

/* Parses and checks the header at the start of `in`. E_TRUNCATED when `in`
 * is shorter than the header; E_BAD_CRC on a checksum mismatch. */
cql_status cql_segment_header_decode(cql_slice in, bool compressed, cql_segment_header *h);

/* Decodes one whole segment at the start of `in`: checks both CRCs,
 * decompresses, appends the payload to `payload` and sets *consumed.
 * E_TRUNCATED when `in` does not yet hold the whole segment (nothing is
 * appended); other errors are final. */
cql_status cql_segment_decode(cql_slice in, bool compressed, cql_buf *payload, bool *self_contained,
                              size_t *consumed);

#endif
