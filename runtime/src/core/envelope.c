#include "envelope.h"

#include <limits.h>
#include <lz4.h>

void cql_header_encode(uint8_t out[CQL_HEADER_SIZE], const cql_header *h) {
  out[0] = h->version;
  out[1] = h->flags;
  cql_store_u16(out + 2, (uint16_t)h->stream);
  out[4] = h->opcode;
  cql_store_u32(out + 5, h->length);
}

cql_status cql_header_decode(const uint8_t in[CQL_HEADER_SIZE], cql_header *h) {
  uint8_t version = in[0] & (uint8_t)~CQL_VERSION_RESPONSE_BIT;
  if (version < 3 || version > CQL_PROTOCOL_V5)
    return CQL_E_BAD_VERSION;
  uint32_t length = cql_load_u32(in + 5);
  /* The length is an [int]: a set top bit is a negative size, not 2 GiB. */
  if (length > INT32_MAX)
    return CQL_E_BAD_LENGTH;
  h->version = in[0];
  h->flags = in[1];
  h->stream = (int16_t)cql_load_u16(in + 2);
  h->opcode = in[4];
  h->length = length;
  return CQL_OK;
}

cql_status cql_lz4_compress_append(cql_buf *out, cql_slice in, size_t *written) {
  if (in.len > LZ4_MAX_INPUT_SIZE)
    return CQL_E_COMPRESS;
  int bound = LZ4_compressBound((int)in.len);
  if (!cql_buf_reserve(out, (size_t)bound))
    return out->err;
  /* LZ4 wants a real pointer even for an empty input. */
  const char *src = in.len ? (const char *)in.ptr : "";
  /* A fresh stream and the streaming call, as python-lz4 (the Python
   * driver's compressor) does: LZ4_compress_default uses a different match
   * table for small inputs and can pick other, equally valid, matches, and
   * we want byte-identical output to our oracle. */
  LZ4_stream_t stream;
  LZ4_initStream(&stream, sizeof(stream));
  int got =
      LZ4_compress_fast_continue(&stream, src, (char *)out->data + out->len, (int)in.len, bound, 1);
  if (got <= 0)
    return CQL_E_COMPRESS;
  out->len += (size_t)got;
  *written = (size_t)got;
  return CQL_OK;
}

cql_status cql_lz4_decompress_exact(uint8_t *dst, size_t n, cql_slice in) {
  if (n > INT_MAX || in.len == 0 || in.len > INT_MAX)
    return CQL_E_DECOMPRESS;
  char spare;
  char *out = n ? (char *)dst : &spare;
  int got = LZ4_decompress_safe((const char *)in.ptr, out, (int)in.len, (int)n);
  return got >= 0 && (size_t)got == n ? CQL_OK : CQL_E_DECOMPRESS;
}

cql_status cql_body_compress_v4(cql_buf *out, cql_slice body) {
  if (body.len > LZ4_MAX_INPUT_SIZE)
    return CQL_E_COMPRESS;
  size_t start = out->len;
  cql_buf_put_u32(out, (uint32_t)body.len);
  if (out->err != CQL_OK)
    return out->err;
  size_t written;
  cql_status st = cql_lz4_compress_append(out, body, &written);
  if (st != CQL_OK)
    out->len = start;
  return st;
}

cql_status cql_body_decompress_v4(cql_buf *out, cql_slice body, size_t max_len) {
  cql_buf_reset(out);
  if (body.len < 4)
    return CQL_E_DECOMPRESS;
  uint32_t stated = cql_load_u32(body.ptr);
  /* Checked before allocating: the length is the sender's claim, and a
   * hostile one must not make us reserve gigabytes. */
  if (stated > max_len)
    return CQL_E_FRAME_TOO_LARGE;
  if (stated > INT_MAX)
    return CQL_E_DECOMPRESS;
  if (!cql_buf_reserve(out, stated ? stated : 1))
    return out->err;
  cql_slice block = {body.ptr + 4, body.len - 4};
  cql_status st = cql_lz4_decompress_exact(out->data, stated, block);
  if (st == CQL_OK)
    out->len = stated;
  return st;
}
