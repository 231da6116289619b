/* Scalar values: one fixed layout each, no allocation, few branches (the
 * row decoders of generated code call these once per cell). */
#include <string.h>

#include "value_impl.h"

#define WANT_SIZE(in, n)                                                                           \
  do {                                                                                             \
    if ((in).len != (n))                                                                           \
      return CQL_E_BAD_VALUE;                                                                      \
  } while (0)

cql_status cql_decode_boolean(cql_slice in, bool *out) {
  WANT_SIZE(in, 1);
  *out = in.ptr[0] != 0;
  return CQL_OK;
}

cql_status cql_decode_tinyint(cql_slice in, int8_t *out) {
  WANT_SIZE(in, 1);
  *out = (int8_t)in.ptr[0];
  return CQL_OK;
}

cql_status cql_decode_smallint(cql_slice in, int16_t *out) {
  WANT_SIZE(in, 2);
  *out = (int16_t)cql_load_u16(in.ptr);
  return CQL_OK;
}

cql_status cql_decode_int(cql_slice in, int32_t *out) {
  WANT_SIZE(in, 4);
  *out = (int32_t)cql_load_u32(in.ptr);
  return CQL_OK;
}

cql_status cql_decode_bigint(cql_slice in, int64_t *out) {
  WANT_SIZE(in, 8);
  *out = (int64_t)cql_load_u64(in.ptr);
  return CQL_OK;
}

cql_status cql_decode_time(cql_slice in, cql_time *out) {
  WANT_SIZE(in, 8);
  int64_t v = (int64_t)cql_load_u64(in.ptr);
  if ((uint64_t)v > UINT64_C(86399999999999))
    return CQL_E_BAD_VALUE;
  *out = v;
  return CQL_OK;
}

cql_status cql_decode_date(cql_slice in, cql_date *out) {
  WANT_SIZE(in, 4);
  *out = cql_load_u32(in.ptr);
  return CQL_OK;
}

cql_status cql_decode_float(cql_slice in, float *out) {
  WANT_SIZE(in, 4);
  uint32_t bits = cql_load_u32(in.ptr);
  memcpy(out, &bits, sizeof(*out));
  return CQL_OK;
}

cql_status cql_decode_double(cql_slice in, double *out) {
  WANT_SIZE(in, 8);
  uint64_t bits = cql_load_u64(in.ptr);
  memcpy(out, &bits, sizeof(*out));
  return CQL_OK;
}

cql_status cql_decode_uuid(cql_slice in, cql_uuid *out) {
  WANT_SIZE(in, 16);
  memcpy(out->bytes, in.ptr, 16);
  return CQL_OK;
}

cql_status cql_decode_timeuuid(cql_slice in, cql_uuid *out) {
  WANT_SIZE(in, 16);
  if ((in.ptr[6] & 0xF0) != 0x10)
    return CQL_E_BAD_VALUE;
  memcpy(out->bytes, in.ptr, 16);
  return CQL_OK;
}

cql_status cql_decode_inet(cql_slice in, cql_inet *out) {
  if (in.len != 4 && in.len != 16)
    return CQL_E_BAD_VALUE;
  out->len = (uint8_t)in.len;
  memcpy(out->addr, in.ptr, in.len);
  return CQL_OK;
}

cql_status cql_decode_duration(cql_slice in, cql_duration *out) {
  cql_rd r;
  cql_rd_init(&r, in.ptr, in.len);
  int64_t months = cql_rd_vint(&r);
  int64_t days = cql_rd_vint(&r);
  int64_t nanos = cql_rd_vint(&r);
  if (!cql_rd_ok(&r) || r.pos != r.end)
    return CQL_E_BAD_VALUE;
  if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX)
    return CQL_E_BAD_VALUE;
  bool any_neg = months < 0 || days < 0 || nanos < 0;
  bool any_pos = months > 0 || days > 0 || nanos > 0;
  if (any_neg && any_pos)
    return CQL_E_BAD_VALUE;
  out->months = (int32_t)months;
  out->days = (int32_t)days;
  out->nanoseconds = nanos;
  return CQL_OK;
}

cql_status cql_decode_varint(cql_slice in, cql_varint *out) {
  if (in.len == 0)
    return CQL_E_BAD_VALUE;
  out->bytes = in;
  return CQL_OK;
}

cql_status cql_decode_decimal(cql_slice in, cql_decimal *out) {
  if (in.len < 5)
    return CQL_E_BAD_VALUE;
  out->scale = (int32_t)cql_load_u32(in.ptr);
  out->unscaled.bytes.ptr = in.ptr + 4;
  out->unscaled.bytes.len = in.len - 4;
  return CQL_OK;
}

cql_status cql_decode_ascii(cql_slice in, cql_slice *out) {
  /* OR-ing eight bytes at a time: one test per word for the common case. */
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= in.len; i += 8) {
    uint64_t w;
    memcpy(&w, in.ptr + i, 8);
    acc |= w;
  }
  for (; i < in.len; i++)
    acc |= in.ptr[i];
  if (acc & UINT64_C(0x8080808080808080))
    return CQL_E_BAD_VALUE;
  *out = in;
  return CQL_OK;
}

cql_status cql_decode_text(cql_slice in, cql_slice *out) {
  if (!cql_utf8_valid(in.ptr, in.len))
    return CQL_E_BAD_VALUE;
  *out = in;
  return CQL_OK;
}

/* ---- encoders -------------------------------------------------------- */

void cql_encode_boolean(cql_buf *b, bool v) { cql_buf_put_u8(b, v ? 1 : 0); }
void cql_encode_tinyint(cql_buf *b, int8_t v) { cql_buf_put_u8(b, (uint8_t)v); }
void cql_encode_smallint(cql_buf *b, int16_t v) { cql_buf_put_u16(b, (uint16_t)v); }
void cql_encode_int(cql_buf *b, int32_t v) { cql_buf_put_i32(b, v); }
void cql_encode_bigint(cql_buf *b, int64_t v) { cql_buf_put_i64(b, v); }
void cql_encode_date(cql_buf *b, cql_date v) { cql_buf_put_u32(b, v); }

void cql_encode_float(cql_buf *b, float v) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof(bits));
  cql_buf_put_u32(b, bits);
}

void cql_encode_double(cql_buf *b, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof(bits));
  cql_buf_put_i64(b, (int64_t)bits);
}

void cql_encode_uuid(cql_buf *b, const cql_uuid *v) { cql_buf_put_raw(b, v->bytes, 16); }

void cql_encode_inet(cql_buf *b, const cql_inet *v) {
  if (v->len != 4 && v->len != 16) {
    if (b->err == CQL_OK)
      b->err = CQL_E_BAD_LENGTH;
    return;
  }
  cql_buf_put_raw(b, v->addr, v->len);
}

void cql_encode_duration(cql_buf *b, const cql_duration *v) {
  cql_buf_put_vint(b, v->months);
  cql_buf_put_vint(b, v->days);
  cql_buf_put_vint(b, v->nanoseconds);
}

void cql_encode_varint(cql_buf *b, cql_varint v) { cql_buf_put_raw(b, v.bytes.ptr, v.bytes.len); }

void cql_encode_decimal(cql_buf *b, const cql_decimal *v) {
  cql_buf_put_i32(b, v->scale);
  cql_encode_varint(b, v->unscaled);
}

/* ---- varint <-> int64 ------------------------------------------------ */

cql_status cql_varint_to_i64(cql_varint v, int64_t *out) {
  if (v.bytes.len == 0)
    return CQL_E_BAD_VALUE;
  cql_slice s = cql_varint_trim(v.bytes);
  if (s.len > 8)
    return CQL_E_OVERFLOW;
  uint64_t acc = (s.ptr[0] & 0x80) ? UINT64_MAX : 0; /* sign extension */
  for (size_t i = 0; i < s.len; i++)
    acc = (acc << 8) | s.ptr[i];
  *out = (int64_t)acc;
  return CQL_OK;
}

cql_varint cql_varint_from_i64(int64_t v, uint8_t tmp[8]) {
  cql_store_u64(tmp, (uint64_t)v);
  cql_varint out = {cql_varint_trim((cql_slice){tmp, 8})};
  return out;
}
