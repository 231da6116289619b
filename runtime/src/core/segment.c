#include "segment.h"

#include "crc.h"
#include "envelope.h"
#include "message.h"

enum { LEN_BITS = 17, LEN_MASK = 0x1FFFF };

static void store_le(uint8_t *p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t load_le(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;)
    v = v << 8 | p[i];
  return v;
}

/* The header word is 3 bytes plain, 5 compressed; the CRC24 follows it. */
static size_t word_size(bool compressed) { return cql_segment_header_size(compressed) - 3; }

static void write_header(uint8_t *at, bool compressed, size_t payload_len, size_t uncompressed_len,
                         bool self_contained) {
  uint64_t word = payload_len;
  unsigned flag_shift = LEN_BITS;
  if (compressed) {
    word |= (uint64_t)uncompressed_len << LEN_BITS;
    flag_shift += LEN_BITS;
  }
  if (self_contained)
    word |= (uint64_t)1 << flag_shift;
  size_t n = word_size(compressed);
  store_le(at, word, n);
  store_le(at + n, cql_crc24(at, n), 3);
}

/* Puts the payload after the reserved header: LZ4 when that makes it
 * smaller, else as is. Returns the uncompressed length for the header (0
 * for a payload sent as is). */
static cql_status put_payload(cql_buf *out, cql_slice payload, bool compress, size_t *ulen) {
  size_t at = out->len;
  *ulen = 0;
  if (compress) {
    size_t written;
    cql_status st = cql_lz4_compress_append(out, payload, &written);
    if (st != CQL_OK)
      return st;
    if (written < payload.len) {
      *ulen = payload.len;
      return CQL_OK;
    }
    out->len = at;
  }
  cql_buf_put_raw(out, payload.ptr, payload.len);
  return out->err;
}

cql_status cql_segment_encode(cql_buf *out, cql_slice payload, bool self_contained, bool compress) {
  if (payload.len > CQL_SEGMENT_MAX_PAYLOAD)
    return CQL_E_INVALID_ARG;
  if (out->err != CQL_OK)
    return out->err;
  size_t start = out->len;
  size_t hsize = cql_segment_header_size(compress);
  size_t ulen;
  cql_status st =
      cql_buf_extend(out, hsize) ? put_payload(out, payload, compress, &ulen) : out->err;
  if (st != CQL_OK) {
    out->len = start;
    return st;
  }
  const uint8_t *wire = out->data + start + hsize;
  size_t wire_len = out->len - start - hsize;
  write_header(out->data + start, compress, wire_len, ulen, self_contained);
  uint8_t crc[4];
  store_le(crc, cql_crc32_segment(wire, wire_len), 4);
  cql_buf_put_raw(out, crc, sizeof(crc));
  if (out->err != CQL_OK)
    out->len = start;
  return out->err;
}

/* Cuts one envelope too large for a segment into full-size pieces. */
static cql_status put_split(cql_buf *out, cql_slice env, bool compress) {
  for (size_t off = 0; off < env.len; off += CQL_SEGMENT_MAX_PAYLOAD) {
    size_t n = env.len - off;
    if (n > CQL_SEGMENT_MAX_PAYLOAD)
      n = CQL_SEGMENT_MAX_PAYLOAD;
    cql_slice piece = {env.ptr + off, n};
    cql_status st = cql_segment_encode(out, piece, false, compress);
    if (st != CQL_OK)
      return st;
  }
  return CQL_OK;
}

/* Envelopes waiting to go out together in one self-contained segment. */
typedef struct group {
  size_t start, len;
} group;

static cql_status flush(cql_buf *out, cql_slice in, group *g, bool compress) {
  if (g->len == 0)
    return CQL_OK;
  cql_slice payload = {in.ptr + g->start, g->len};
  g->len = 0;
  return cql_segment_encode(out, payload, true, compress);
}

static cql_status frame_all(cql_buf *out, cql_slice in, bool compress) {
  group g = {0, 0};
  size_t pos = 0;
  while (pos < in.len) {
    if (in.len - pos < CQL_HEADER_SIZE)
      return CQL_E_BAD_LENGTH;
    size_t body = cql_load_u32(in.ptr + pos + 5);
    if (body > in.len - pos - CQL_HEADER_SIZE)
      return CQL_E_BAD_LENGTH;
    size_t size = CQL_HEADER_SIZE + body;
    cql_status st = CQL_OK;
    if (size > CQL_SEGMENT_MAX_PAYLOAD) {
      st = flush(out, in, &g, compress);
      if (st == CQL_OK)
        st = put_split(out, (cql_slice){in.ptr + pos, size}, compress);
    } else {
      if (g.len + size > CQL_SEGMENT_MAX_PAYLOAD)
        st = flush(out, in, &g, compress);
      if (g.len == 0)
        g.start = pos;
      g.len += size;
    }
    if (st != CQL_OK)
      return st;
    pos += size;
  }
  return flush(out, in, &g, compress);
}

cql_status cql_segment_frame(cql_buf *out, cql_slice envelopes, bool compress) {
  if (out->err != CQL_OK)
    return out->err;
  size_t start = out->len;
  cql_status st = frame_all(out, envelopes, compress);
  if (st != CQL_OK)
    out->len = start;
  return st;
}

cql_status cql_segment_header_decode(cql_slice in, bool compressed, cql_segment_header *h) {
  size_t n = word_size(compressed);
  if (in.len < n + 3)
    return CQL_E_TRUNCATED;
  uint64_t word = load_le(in.ptr, n);
  if (cql_crc24(in.ptr, n) != (uint32_t)load_le(in.ptr + n, 3))
    return CQL_E_BAD_CRC;
  h->payload_length = (uint32_t)(word & LEN_MASK);
  word >>= LEN_BITS;
  h->uncompressed_length = 0;
  if (compressed) {
    h->uncompressed_length = (uint32_t)(word & LEN_MASK);
    word >>= LEN_BITS;
  }
  h->self_contained = word & 1;
  return CQL_OK;
}

cql_status cql_segment_open(const uint8_t *seg, const cql_segment_header *h, bool compressed,
                            cql_buf *scratch, cql_slice *payload) {
  cql_slice wire = {seg + cql_segment_header_size(compressed), h->payload_length};
  uint32_t crc = (uint32_t)load_le(wire.ptr + wire.len, CQL_SEGMENT_TRAILER);
  if (cql_crc32_segment(wire.ptr, wire.len) != crc)
    return CQL_E_BAD_CRC;
  if (!compressed || h->uncompressed_length == 0) {
    *payload = wire;
    return CQL_OK;
  }
  size_t n = h->uncompressed_length;
  if (!cql_buf_reserve(scratch, n))
    return scratch->err;
  uint8_t *dst = scratch->data + scratch->len;
  cql_status st = cql_lz4_decompress_exact(dst, n, wire);
  if (st != CQL_OK)
    return st;
  scratch->len += n;
  *payload = (cql_slice){dst, n};
  return CQL_OK;
}

cql_status cql_segment_decode(cql_slice in, bool compressed, cql_buf *payload, bool *self_contained,
                              size_t *consumed) {
  cql_segment_header h;
  cql_status st = cql_segment_header_decode(in, compressed, &h);
  if (st != CQL_OK)
    return st;
  size_t size = cql_segment_wire_size(&h, compressed);
  if (in.len < size)
    return CQL_E_TRUNCATED;
  size_t mark = payload->len;
  cql_slice view;
  st = cql_segment_open(in.ptr, &h, compressed, payload, &view);
  /* A decompressed payload is already in `payload`; a plain one is a view. */
  bool copied = compressed && h.uncompressed_length > 0;
  if (st == CQL_OK && !copied)
    cql_buf_put_raw(payload, view.ptr, view.len);
  if (st == CQL_OK && payload->err != CQL_OK)
    st = payload->err;
  if (st != CQL_OK) {
    payload->len = mark;
    return st;
  }
  *self_contained = h.self_contained;
  *consumed = size;
  return CQL_OK;
}
