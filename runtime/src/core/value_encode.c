/* The generic value tree: encoding cql_value back to bytes. */
#include <string.h>

#include "type.h"
#include "value_impl.h"

static cql_status encode_at(cql_buf *b, const cql_value *v, int depth);

static cql_status encode_int_in(cql_buf *b, int64_t v, int64_t lo, int64_t hi, int bytes) {
  if (v < lo || v > hi)
    return CQL_E_OVERFLOW;
  if (bytes == 1)
    cql_encode_tinyint(b, (int8_t)v);
  else if (bytes == 2)
    cql_encode_smallint(b, (int16_t)v);
  else
    cql_encode_int(b, (int32_t)v);
  return CQL_OK;
}

static bool duration_ok(const cql_duration *d) {
  bool neg = d->months < 0 || d->days < 0 || d->nanoseconds < 0;
  bool pos = d->months > 0 || d->days > 0 || d->nanoseconds > 0;
  return !(neg && pos);
}

static cql_status encode_text(cql_buf *b, cql_type_id id, cql_slice s) {
  cql_slice unused;
  if (id == CQL_TYPE_ASCII && cql_decode_ascii(s, &unused) != CQL_OK)
    return CQL_E_BAD_VALUE;
  if (id == CQL_TYPE_VARCHAR && !cql_utf8_valid(s.ptr, s.len))
    return CQL_E_BAD_VALUE;
  cql_buf_put_raw(b, s.ptr, s.len);
  return CQL_OK;
}

static cql_status encode_scalar(cql_buf *b, cql_type_id id, const cql_value *v) {
  switch (id) {
  case CQL_TYPE_BOOLEAN:
    cql_encode_boolean(b, v->u.boolean);
    return CQL_OK;
  case CQL_TYPE_TINYINT:
    return encode_int_in(b, v->u.i64, INT8_MIN, INT8_MAX, 1);
  case CQL_TYPE_SMALLINT:
    return encode_int_in(b, v->u.i64, INT16_MIN, INT16_MAX, 2);
  case CQL_TYPE_INT:
    return encode_int_in(b, v->u.i64, INT32_MIN, INT32_MAX, 4);
  case CQL_TYPE_TIME:
    if (v->u.i64 < 0 || v->u.i64 > INT64_C(86399999999999))
      return CQL_E_BAD_VALUE;
    /* fall through */
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
  case CQL_TYPE_TIMESTAMP:
    cql_encode_bigint(b, v->u.i64);
    return CQL_OK;
  case CQL_TYPE_DATE:
    cql_encode_date(b, v->u.date);
    return CQL_OK;
  case CQL_TYPE_FLOAT:
    cql_encode_float(b, v->u.f32);
    return CQL_OK;
  case CQL_TYPE_DOUBLE:
    cql_encode_double(b, v->u.f64);
    return CQL_OK;
  case CQL_TYPE_TIMEUUID:
    if ((v->u.uuid.bytes[6] & 0xF0) != 0x10)
      return CQL_E_BAD_VALUE;
    /* fall through */
  case CQL_TYPE_UUID:
    cql_encode_uuid(b, &v->u.uuid);
    return CQL_OK;
  case CQL_TYPE_INET:
    if (v->u.inet.len != 4 && v->u.inet.len != 16)
      return CQL_E_BAD_VALUE;
    cql_encode_inet(b, &v->u.inet);
    return CQL_OK;
  case CQL_TYPE_DURATION:
    if (!duration_ok(&v->u.duration))
      return CQL_E_BAD_VALUE;
    cql_encode_duration(b, &v->u.duration);
    return CQL_OK;
  case CQL_TYPE_VARINT:
    if (v->u.varint.bytes.len == 0)
      return CQL_E_BAD_VALUE;
    cql_encode_varint(b, v->u.varint);
    return CQL_OK;
  case CQL_TYPE_DECIMAL:
    if (v->u.decimal.unscaled.bytes.len == 0)
      return CQL_E_BAD_VALUE;
    cql_encode_decimal(b, &v->u.decimal);
    return CQL_OK;
  default: /* ascii, text, blob, custom */
    return encode_text(b, id, v->u.bytes);
  }
}

/* One [bytes] element: length -1 for null, else the length patched in
 * once the element is written. */
static cql_status encode_element(cql_buf *b, const cql_value *item, int depth) {
  if (item->is_null) {
    cql_buf_put_null_bytes(b);
    return CQL_OK;
  }
  size_t at = b->len;
  cql_buf_put_i32(b, 0);
  cql_status st = encode_at(b, item, depth + 1);
  if (st != CQL_OK || b->err != CQL_OK)
    return st != CQL_OK ? st : b->err;
  size_t len = b->len - at - 4;
  if (len > INT32_MAX)
    return CQL_E_BAD_LENGTH;
  cql_buf_patch_i32(b, at, (int32_t)len);
  return CQL_OK;
}

static cql_status encode_elements(cql_buf *b, const cql_value *v, uint32_t per, int depth) {
  uint32_t n = v->u.elems.n;
  if (n % per != 0 || n / per > INT32_MAX)
    return CQL_E_BAD_VALUE;
  cql_buf_put_i32(b, (int32_t)(n / per));
  for (uint32_t i = 0; i < n; i++) {
    cql_status st = encode_element(b, &v->u.elems.items[i], depth);
    if (st != CQL_OK)
      return st;
  }
  return CQL_OK;
}

static cql_status encode_fields(cql_buf *b, const cql_value *v, const cql_type *t, int depth) {
  if (v->u.elems.n > t->n_children)
    return CQL_E_BAD_VALUE;
  for (uint32_t i = 0; i < v->u.elems.n; i++) {
    cql_status st = encode_element(b, &v->u.elems.items[i], depth);
    if (st != CQL_OK)
      return st;
  }
  return CQL_OK;
}

/* Writes the element, then moves an [unsigned vint] of its length in
 * front of it (the length is known only afterwards). */
static cql_status encode_prefixed(cql_buf *b, const cql_value *item, int depth) {
  size_t start = b->len;
  cql_status st = encode_at(b, item, depth + 1);
  if (st != CQL_OK || b->err != CQL_OK)
    return st != CQL_OK ? st : b->err;
  size_t len = b->len - start;
  cql_buf_put_uvint(b, len);
  if (b->err != CQL_OK)
    return b->err;
  size_t k = b->len - start - len;
  uint8_t prefix[9];
  memcpy(prefix, b->data + start + len, k);
  memmove(b->data + start + k, b->data + start, len);
  memcpy(b->data + start, prefix, k);
  return CQL_OK;
}

static cql_status encode_vector(cql_buf *b, const cql_value *v, const cql_type *t, int depth) {
  if (v->u.elems.n != t->dimension || t->n_children != 1)
    return CQL_E_BAD_VALUE;
  size_t fixed = cql_type_fixed_size(t->children[0]);
  for (uint32_t i = 0; i < v->u.elems.n; i++) {
    const cql_value *item = &v->u.elems.items[i];
    if (item->is_null)
      return CQL_E_BAD_VALUE;
    size_t before = b->len;
    cql_status st = fixed ? encode_at(b, item, depth + 1) : encode_prefixed(b, item, depth);
    if (st != CQL_OK)
      return st;
    if (b->err != CQL_OK)
      return b->err;
    if (fixed && b->len - before != fixed)
      return CQL_E_BAD_VALUE; /* an empty element cannot be packed */
  }
  return CQL_OK;
}

static cql_status encode_at(cql_buf *b, const cql_value *v, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH)
    return CQL_E_TOO_DEEP;
  if (!v->type)
    return CQL_E_BAD_TYPE;
  if (v->is_null || v->is_empty)
    return CQL_OK;
  const cql_type *t = cql_type_resolve(v->type);
  if (cql_type_is_composite(t->id) && v->u.elems.n && !v->u.elems.items)
    return CQL_E_BAD_VALUE;
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return encode_elements(b, v, 1, depth);
  case CQL_TYPE_MAP:
    return encode_elements(b, v, 2, depth);
  case CQL_TYPE_TUPLE:
  case CQL_TYPE_UDT:
    return encode_fields(b, v, t, depth);
  case CQL_TYPE_VECTOR:
    return encode_vector(b, v, t, depth);
  default:
    return encode_scalar(b, t->id, v);
  }
}

cql_status cql_value_encode(cql_buf *b, const cql_value *v) {
  if (b->err != CQL_OK)
    return b->err;
  cql_status st = encode_at(b, v, 1);
  return st != CQL_OK ? st : b->err;
}
