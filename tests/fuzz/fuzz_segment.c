/* cql_segment_decode of arbitrary bytes, with and without LZ4: decoding
 * never crashes, and whatever decodes re-encodes and decodes to the same
 * payload. cql_segment_frame of the same bytes read as envelopes either
 * fails cleanly or frames them so that they decode back.
 *
 * Input: one option byte (bit 0: LZ4), then the bytes. */
#include <stdlib.h>
#include <string.h>

#include "segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(cql_slice payload, bool self_contained, bool lz4) {
  cql_buf wire, back;
  cql_buf_init(&wire, NULL);
  cql_buf_init(&back, NULL);
  if (cql_segment_encode(&wire, payload, self_contained, lz4) != CQL_OK)
    abort();
  bool sc;
  size_t used;
  if (cql_segment_decode((cql_slice){wire.data, wire.len}, lz4, &back, &sc, &used) != CQL_OK ||
      used != wire.len || sc != self_contained || back.len != payload.len ||
      (payload.len && memcmp(back.data, payload.ptr, payload.len) != 0))
    abort();
  cql_buf_free(&wire);
  cql_buf_free(&back);
}

static void decode_all(cql_slice in, bool lz4) {
  cql_buf payload;
  cql_buf_init(&payload, NULL);
  if (!cql_buf_reserve(&payload, 1)) /* so that data + len is never NULL + 0 */
    return;
  for (;;) {
    bool sc;
    size_t used, before = payload.len;
    if (cql_segment_decode(in, lz4, &payload, &sc, &used) != CQL_OK)
      break;
    if (used == 0 || used > in.len)
      abort();
    round_trip((cql_slice){payload.data + before, payload.len - before}, sc, lz4);
    in.ptr += used;
    in.len -= used;
  }
  cql_buf_free(&payload);
}

static void frame(cql_slice in, bool lz4) {
  cql_buf wire, back;
  cql_buf_init(&wire, NULL);
  cql_buf_init(&back, NULL);
  if (cql_segment_frame(&wire, in, lz4) == CQL_OK) {
    size_t pos = 0;
    while (pos < wire.len) {
      bool sc;
      size_t used;
      if (cql_segment_decode((cql_slice){wire.data + pos, wire.len - pos}, lz4, &back, &sc,
                             &used) != CQL_OK)
        abort();
      pos += used;
    }
    if (back.len != in.len || (in.len && memcmp(back.data, in.ptr, in.len) != 0))
      abort();
  } else if (wire.len != 0) {
    abort();
  }
  cql_buf_free(&wire);
  cql_buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  bool lz4 = data[0] & 1;
  cql_slice in = {data + 1, size - 1};
  cql_segment_header h;
  (void)cql_segment_header_decode(in, lz4, &h);
  decode_all(in, lz4);
  frame(in, lz4);
  return 0;
}
