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
 * bytes, else E_INVALID_ARG). With `compress` the segment has the LZ4
 * layout, and the payload is compressed unless that would not make it
 * smaller, in which case it is sent as is with uncompressed length 0 (the
 * Python driver's and Cassandra's rule). `out` keeps its previous length on
 * failure (E_INVALID_ARG, E_COMPRESS, E_NOMEM). */
cql_status cql_segment_encode(cql_buf *out, cql_slice payload, bool self_contained, bool compress);

/* Appends `envelopes` (a run of whole envelopes) as segments: whole
 * envelopes are packed together, in order, into self-contained segments of
 * at most CQL_SEGMENT_MAX_PAYLOAD bytes (a segment is closed when the next
 * envelope would not fit); an envelope larger than that closes the current
 * segment and is cut into CQL_SEGMENT_MAX_PAYLOAD-byte pieces, each its own
 * non-self-contained segment, as the Python driver does. Envelope
 * boundaries come from the length in each 9-byte header; E_BAD_LENGTH when
 * they do not tile `envelopes` exactly. `out` keeps its previous length on
 * failure. */
cql_status cql_segment_frame(cql_buf *out, cql_slice envelopes, bool compress);

/* Parses and checks the header at the start of `in`. E_TRUNCATED when `in`
 * is shorter than the header; E_BAD_CRC on a checksum mismatch. Padding
 * bits are ignored. Without compression h->uncompressed_length is 0. */
cql_status cql_segment_header_decode(cql_slice in, bool compressed, cql_segment_header *h);

/* Decodes one whole segment at the start of `in`: checks both CRCs,
 * decompresses, appends the payload to `payload` and sets *consumed.
 * E_TRUNCATED when `in` does not yet hold the whole segment (nothing is
 * appended); other errors are final (E_BAD_CRC, E_DECOMPRESS, E_NOMEM), and
 * leave `payload` at its previous length. */
cql_status cql_segment_decode(cql_slice in, bool compressed, cql_buf *payload, bool *self_contained,
                              size_t *consumed);

/* ---- pieces of cql_segment_decode, for the incremental reader ---------- */

/* Bytes of the header (word and CRC24): 6, or 8 with compression. */
static inline size_t cql_segment_header_size(bool compressed) {
  return compressed ? CQL_SEGMENT_HEADER_COMPRESSED : CQL_SEGMENT_HEADER_PLAIN;
}

/* Bytes of the whole segment `h` describes: header, payload and CRC32. */
static inline size_t cql_segment_wire_size(const cql_segment_header *h, bool compressed) {
  return cql_segment_header_size(compressed) + h->payload_length + CQL_SEGMENT_TRAILER;
}

/* Checks the CRC32 of the whole segment at `seg` (cql_segment_wire_size
 * bytes, header already decoded into `h`) and yields its payload in
 * *payload. A payload sent uncompressed is not copied: the view points into
 * `seg`. A compressed one is decompressed and appended to `scratch`, and the
 * view points at the appended bytes (valid until `scratch` next changes).
 * E_BAD_CRC, E_DECOMPRESS, E_NOMEM. */
cql_status cql_segment_open(const uint8_t *seg, const cql_segment_header *h, bool compressed,
                            cql_buf *scratch, cql_slice *payload);

#endif
