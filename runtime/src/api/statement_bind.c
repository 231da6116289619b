/* Typed binding: each binder checks the marker's type when the statement
 * is bound (prepared), serializes the value and stores it. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"
#include "type.h"
#include "value.h"

#define MAX_TIME_NS INT64_C(86399999999999)

static const cql_type *marker_type(const cql_statement *st, size_t i) {
  return st->prepared ? cql_type_resolve(st->prepared->params[i].type) : NULL;
}

static cql_status check(const cql_statement *st, size_t i, cql_type_id want) {
  if (!st || i >= st->n_values)
    return CQL_E_INVALID_ARG;
  if (st->prepared && !cql_api_type_accepts(st->prepared->params[i].type, want))
    return CQL_E_TYPE_MISMATCH;
  return CQL_OK;
}

static cql_status put(cql_statement *st, size_t i, cql_type_id want, const void *p, size_t n) {
  cql_status s = check(st, i, want);
  return s != CQL_OK ? s : cql_api_stmt_store(st, i, CQL_VALUE_SET, p, n);
}

cql_status cql_bind_boolean(cql_statement *st, size_t i, bool v) {
  uint8_t b = v ? 1 : 0;
  return put(st, i, CQL_TYPE_BOOLEAN, &b, 1);
}

cql_status cql_bind_tinyint(cql_statement *st, size_t i, int8_t v) {
  uint8_t b = (uint8_t)v;
  return put(st, i, CQL_TYPE_TINYINT, &b, 1);
}

cql_status cql_bind_smallint(cql_statement *st, size_t i, int16_t v) {
  uint8_t b[2];
  cql_store_u16(b, (uint16_t)v);
  return put(st, i, CQL_TYPE_SMALLINT, b, 2);
}

cql_status cql_bind_int(cql_statement *st, size_t i, int32_t v) {
  uint8_t b[4];
  cql_store_u32(b, (uint32_t)v);
  return put(st, i, CQL_TYPE_INT, b, 4);
}

cql_status cql_bind_bigint(cql_statement *st, size_t i, int64_t v) {
  cql_status s = check(st, i, CQL_TYPE_BIGINT);
  if (s != CQL_OK)
    return s;
  const cql_type *t = marker_type(st, i);
  if (t && t->id == CQL_TYPE_TIME && (v < 0 || v > MAX_TIME_NS))
    return CQL_E_OVERFLOW;
  uint8_t b[8];
  cql_store_u64(b, (uint64_t)v);
  return cql_api_stmt_store(st, i, CQL_VALUE_SET, b, 8);
}

cql_status cql_bind_float(cql_statement *st, size_t i, float v) {
  uint32_t bits;
  memcpy(&bits, &v, 4);
  uint8_t b[4];
  cql_store_u32(b, bits);
  return put(st, i, CQL_TYPE_FLOAT, b, 4);
}

cql_status cql_bind_double(cql_statement *st, size_t i, double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  uint8_t b[8];
  cql_store_u64(b, bits);
  return put(st, i, CQL_TYPE_DOUBLE, b, 8);
}

cql_status cql_bind_text(cql_statement *st, size_t i, const char *s, size_t len) {
  if (!s && len)
    return CQL_E_INVALID_ARG;
  cql_status c = check(st, i, CQL_TYPE_VARCHAR);
  if (c != CQL_OK)
    return c;
  const cql_type *t = marker_type(st, i);
  cql_slice in = {(const uint8_t *)s, len}, view;
  c = t && t->id == CQL_TYPE_ASCII ? cql_decode_ascii(in, &view) : cql_decode_text(in, &view);
  if (c != CQL_OK)
    return CQL_E_INVALID_ARG;
  return cql_api_stmt_store(st, i, CQL_VALUE_SET, s, len);
}

cql_status cql_bind_text_cstr(cql_statement *st, size_t i, const char *s) {
  return s ? cql_bind_text(st, i, s, strlen(s)) : CQL_E_INVALID_ARG;
}

cql_status cql_bind_blob(cql_statement *st, size_t i, const void *p, size_t len) {
  if (!p && len)
    return CQL_E_INVALID_ARG;
  return put(st, i, CQL_TYPE_BLOB, p, len);
}

cql_status cql_bind_uuid(cql_statement *st, size_t i, const cql_uuid *v) {
  if (!v)
    return CQL_E_INVALID_ARG;
  cql_status s = check(st, i, CQL_TYPE_UUID);
  if (s != CQL_OK)
    return s;
  const cql_type *t = marker_type(st, i);
  if (t && t->id == CQL_TYPE_TIMEUUID && (v->bytes[6] >> 4) != 1)
    return CQL_E_INVALID_ARG; /* a timeuuid column takes version 1 only */
  return cql_api_stmt_store(st, i, CQL_VALUE_SET, v->bytes, 16);
}

cql_status cql_bind_inet(cql_statement *st, size_t i, const cql_inet *v) {
  if (!v || (v->len != 4 && v->len != 16))
    return CQL_E_INVALID_ARG;
  return put(st, i, CQL_TYPE_INET, v->addr, v->len);
}

cql_status cql_bind_date(cql_statement *st, size_t i, cql_date v) {
  uint8_t b[4];
  cql_store_u32(b, v);
  return put(st, i, CQL_TYPE_DATE, b, 4);
}

cql_status cql_bind_time(cql_statement *st, size_t i, cql_time v) {
  if (v < 0 || v > MAX_TIME_NS)
    return st && i < st->n_values ? CQL_E_OVERFLOW : CQL_E_INVALID_ARG;
  uint8_t b[8];
  cql_store_u64(b, (uint64_t)v);
  return put(st, i, CQL_TYPE_TIME, b, 8);
}

cql_status cql_bind_timestamp(cql_statement *st, size_t i, cql_timestamp v) {
  uint8_t b[8];
  cql_store_u64(b, (uint64_t)v);
  return put(st, i, CQL_TYPE_TIMESTAMP, b, 8);
}

/* Stores what an encoder wrote into a scratch buffer. */
static cql_status put_buf(cql_statement *st, size_t i, cql_type_id want, cql_buf *b) {
  cql_status s = b->err != CQL_OK ? b->err : put(st, i, want, b->data, b->len);
  cql_buf_free(b);
  return s;
}

static bool duration_signs_agree(const cql_duration *v) {
  bool neg = v->months < 0 || v->days < 0 || v->nanoseconds < 0;
  bool pos = v->months > 0 || v->days > 0 || v->nanoseconds > 0;
  return !(neg && pos);
}

cql_status cql_bind_duration(cql_statement *st, size_t i, const cql_duration *v) {
  if (!v || !duration_signs_agree(v))
    return CQL_E_INVALID_ARG;
  cql_status s = check(st, i, CQL_TYPE_DURATION);
  if (s != CQL_OK)
    return s;
  cql_buf b;
  cql_buf_init(&b, &st->mem);
  cql_encode_duration(&b, v);
  return put_buf(st, i, CQL_TYPE_DURATION, &b);
}

cql_status cql_bind_decimal(cql_statement *st, size_t i, const cql_decimal *v) {
  if (!v || v->unscaled.bytes.len == 0 || !v->unscaled.bytes.ptr)
    return CQL_E_INVALID_ARG;
  cql_status s = check(st, i, CQL_TYPE_DECIMAL);
  if (s != CQL_OK)
    return s;
  cql_buf b;
  cql_buf_init(&b, &st->mem);
  cql_encode_decimal(&b, v);
  return put_buf(st, i, CQL_TYPE_DECIMAL, &b);
}

cql_status cql_bind_varint(cql_statement *st, size_t i, cql_varint v) {
  if (v.bytes.len == 0 || !v.bytes.ptr)
    return CQL_E_INVALID_ARG;
  return put(st, i, CQL_TYPE_VARINT, v.bytes.ptr, v.bytes.len);
}

cql_status cql_bind_serialized(cql_statement *st, size_t i, cql_slice value) {
  if (!st || i >= st->n_values || (value.len && !value.ptr))
    return CQL_E_INVALID_ARG;
  /* Bound statements: the bytes must read back as the marker's type. */
  if (st->prepared && cql_api_value_check(st->prepared->params[i].type, value, &st->mem) != CQL_OK)
    return CQL_E_TYPE_MISMATCH;
  return cql_api_stmt_store(st, i, CQL_VALUE_SET, value.ptr, value.len);
}

cql_status cql_bind_writer(cql_statement *st, size_t i, const cql_writer *w) {
  if (!w)
    return CQL_E_INVALID_ARG;
  cql_slice v;
  cql_status s = cql_writer_value(w, &v);
  return s != CQL_OK ? s : cql_bind_serialized(st, i, v);
}
