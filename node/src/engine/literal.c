/* Terms to serialized values: constants, collections, tuples, user types,
 * bind markers and a few native functions. */
#include "literal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lit_scalar.h"
#include "type.h"
#include "value.h"
#include "wire.h"

__attribute__((format(printf, 2, 3))) static cql_status lit_error(cql_lit_ctx *ctx, const char *fmt,
                                                                  ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->err, ctx->err_len, fmt, ap);
  va_end(ap);
  return CQL_E_SERVER_INVALID;
}

const char *cql_type_cql_name(cql_arena *arena, const cql_type *type) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  if (type->id == CQL_TYPE_UDT && type->frozen) {
    cql_buf_put_raw(&b, "frozen<", 7);
    cql_buf_put_raw(&b, type->udt_name.ptr, type->udt_name.len);
    cql_buf_put_raw(&b, ">", 1);
  } else {
    cql_type_format_cql(&b, type);
  }
  char *s = cql_arena_alloc(arena, b.len + 1);
  if (s) {
    if (b.len)
      memcpy(s, b.data, b.len);
    s[b.len] = 0;
  }
  cql_buf_free(&b);
  return s ? s : "?";
}

static cql_slice copy_bytes(cql_arena *a, const void *p, size_t n) {
  uint8_t *d = cql_arena_alloc(a, n ? n : 1);
  if (!d)
    return (cql_slice){NULL, 0};
  if (n)
    memcpy(d, p, n);
  return (cql_slice){d, n};
}

static cql_slice buf_to_arena(cql_arena *a, cql_buf *b) {
  cql_slice s = b->err ? (cql_slice){NULL, 0} : copy_bytes(a, b->data, b->len);
  cql_buf_free(b);
  return s;
}

static const char *kind_name(const cql_term *t) {
  switch (t->kind) {
  case CQL_TERM_STRING:
    return "STRING";
  case CQL_TERM_INT:
    return "INTEGER";
  case CQL_TERM_FLOAT:
    return "FLOAT";
  case CQL_TERM_BOOL:
    return "BOOLEAN";
  case CQL_TERM_UUID:
    return "UUID";
  case CQL_TERM_HEX:
    return "HEX";
  case CQL_TERM_DURATION:
    return "DURATION";
  default:
    return "CONSTANT";
  }
}

static cql_status invalid_constant(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                                   cql_slice name) {
  const char *text = (const char *)t->text.ptr;
  int tlen = (int)t->text.len;
  if (t->kind == CQL_TERM_HEX) {
    text = NULL;
  }
  if (text)
    return lit_error(ctx, "Invalid %s constant (%.*s) for \"%.*s\" of type %s", kind_name(t), tlen,
                     text, (int)name.len, (const char *)name.ptr,
                     cql_type_cql_name(ctx->arena, type));
  return lit_error(ctx, "Invalid %s constant (0x%.*s) for \"%.*s\" of type %s", kind_name(t), tlen,
                   (const char *)t->text.ptr, (int)name.len, (const char *)name.ptr,
                   cql_type_cql_name(ctx->arena, type));
}

static cql_status fixed(cql_lit_ctx *ctx, cql_val *out, const uint8_t *p, size_t n) {
  out->state = CQL_VALUE_SET;
  out->bytes = copy_bytes(ctx->arena, p, n);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status put_i64(cql_lit_ctx *ctx, cql_val *out, int64_t v, size_t size) {
  uint8_t b[8];
  cql_store_u64(b, (uint64_t)v);
  return fixed(ctx, out, b + 8 - size, size);
}

/* ---- scalars --------------------------------------------------------- */

static cql_status integer_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                                cql_val *out) {
  int64_t v;
  bool ok = lit_parse_i64(t->text, &v);
  switch (type->id) {
  case CQL_TYPE_TINYINT:
    if (!ok || v < INT8_MIN || v > INT8_MAX)
      return lit_error(ctx, "Unable to make tinyint from '%.*s'", (int)t->text.len,
                       (const char *)t->text.ptr);
    return put_i64(ctx, out, v, 1);
  case CQL_TYPE_SMALLINT:
    if (!ok || v < INT16_MIN || v > INT16_MAX)
      return lit_error(ctx, "Unable to make short from '%.*s'", (int)t->text.len,
                       (const char *)t->text.ptr);
    return put_i64(ctx, out, v, 2);
  case CQL_TYPE_INT:
    if (!ok || v < INT32_MIN || v > INT32_MAX)
      return lit_error(ctx, "Unable to make int from '%.*s'", (int)t->text.len,
                       (const char *)t->text.ptr);
    return put_i64(ctx, out, v, 4);
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
  case CQL_TYPE_TIMESTAMP:
    if (!ok)
      return lit_error(ctx, "Unable to make long from '%.*s'", (int)t->text.len,
                       (const char *)t->text.ptr);
    return put_i64(ctx, out, v, 8);
  case CQL_TYPE_TIME:
    if (!ok || v < 0 || v >= INT64_C(86400000000000))
      return lit_error(ctx, "Unable to coerce '%.*s' to a formatted time (long)", (int)t->text.len,
                       (const char *)t->text.ptr);
    return put_i64(ctx, out, v, 8);
  case CQL_TYPE_DATE:
    if (!ok || v < 0 || v > (int64_t)UINT32_MAX)
      return lit_error(ctx, "Unable to coerce '%.*s' to a formatted date (long)", (int)t->text.len,
                       (const char *)t->text.ptr);
    return put_i64(ctx, out, v, 4);
  default:
    return CQL_E_NOT_FOUND;
  }
}

static cql_status float_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                              cql_val *out) {
  double d;
  if (!lit_parse_double(t->text, &d))
    return lit_error(ctx, "Unable to make %s from '%.*s'",
                     type->id == CQL_TYPE_FLOAT ? "float" : "double", (int)t->text.len,
                     (const char *)t->text.ptr);
  cql_buf b;
  cql_buf_init(&b, NULL);
  if (type->id == CQL_TYPE_FLOAT)
    cql_encode_float(&b, (float)d);
  else
    cql_encode_double(&b, d);
  out->state = CQL_VALUE_SET;
  out->bytes = buf_to_arena(ctx->arena, &b);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status numeric_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                                cql_val *out) {
  bool is_int = t->kind == CQL_TERM_INT;
  bool special =
      !is_int && !lit_parse_i64(t->text, &(int64_t){0}) &&
      (t->text.len && (t->text.ptr[t->text.len - 1] == 'N' || t->text.ptr[t->text.len - 1] == 'n' ||
                       t->text.ptr[t->text.len - 1] == 'y' || t->text.ptr[t->text.len - 1] == 'Y'));
  if (type->id == CQL_TYPE_FLOAT || type->id == CQL_TYPE_DOUBLE)
    return float_value(ctx, t, type, out);
  if (special)
    return CQL_E_NOT_FOUND;
  if (type->id == CQL_TYPE_DECIMAL) {
    out->state = CQL_VALUE_SET;
    if (!lit_parse_decimal(ctx->arena, t->text, &out->bytes))
      return lit_error(ctx, "Unable to make BigDecimal from '%.*s'", (int)t->text.len,
                       (const char *)t->text.ptr);
    return CQL_OK;
  }
  if (!is_int)
    return CQL_E_NOT_FOUND;
  if (type->id == CQL_TYPE_VARINT) {
    out->state = CQL_VALUE_SET;
    if (!lit_parse_varint(ctx->arena, t->text, &out->bytes))
      return lit_error(ctx, "Unable to make int from '%.*s'", (int)t->text.len,
                       (const char *)t->text.ptr);
    return CQL_OK;
  }
  if (type->id == CQL_TYPE_DURATION)
    return CQL_E_NOT_FOUND;
  return integer_value(ctx, t, type, out);
}

static bool utf8_valid(cql_slice s) {
  size_t i = 0;
  while (i < s.len) {
    uint8_t c = s.ptr[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!n || i + n > s.len)
      return false;
    for (size_t k = 1; k < n; k++)
      if ((s.ptr[i + k] & 0xC0) != 0x80)
        return false;
    i += n;
  }
  return true;
}

static cql_status string_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                               cql_val *out) {
  cql_slice s = t->text;
  switch (type->id) {
  case CQL_TYPE_ASCII:
    for (size_t i = 0; i < s.len; i++)
      if (s.ptr[i] & 0x80)
        return lit_error(ctx, "Invalid ASCII character in string literal %.*s", (int)s.len,
                         (const char *)s.ptr);
    return fixed(ctx, out, s.ptr, s.len);
  case CQL_TYPE_VARCHAR:
    if (!utf8_valid(s))
      return lit_error(ctx, "Invalid UTF-8 string literal");
    return fixed(ctx, out, s.ptr, s.len);
  case CQL_TYPE_TIMESTAMP: {
    int64_t ms;
    if (!cql_parse_timestamp(s, &ms))
      return lit_error(ctx, "Unable to coerce '%.*s' to a formatted date (long)", (int)s.len,
                       (const char *)s.ptr);
    return put_i64(ctx, out, ms, 8);
  }
  case CQL_TYPE_DATE: {
    uint32_t d;
    if (!lit_parse_date(s, &d))
      return lit_error(ctx, "Unable to coerce '%.*s' to a formatted date (long)", (int)s.len,
                       (const char *)s.ptr);
    return put_i64(ctx, out, d, 4);
  }
  case CQL_TYPE_TIME: {
    int64_t ns;
    if (!lit_parse_time(s, &ns))
      return lit_error(ctx, "Timestamp format must be hh:mm:ss[.fffffffff]");
    return put_i64(ctx, out, ns, 8);
  }
  case CQL_TYPE_INET: {
    cql_inet a;
    if (!lit_parse_inet(s, &a))
      return lit_error(ctx, "Unable to make inet address from '%.*s'", (int)s.len,
                       (const char *)s.ptr);
    return fixed(ctx, out, a.addr, a.len);
  }
  default:
    return CQL_E_NOT_FOUND;
  }
}

static cql_status uuid_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                             cql_val *out) {
  cql_uuid u;
  if (type->id != CQL_TYPE_UUID && type->id != CQL_TYPE_TIMEUUID)
    return CQL_E_NOT_FOUND;
  if (!lit_parse_uuid(t->text, &u))
    return lit_error(ctx, "Unable to make UUID from '%.*s'", (int)t->text.len,
                     (const char *)t->text.ptr);
  if (type->id == CQL_TYPE_TIMEUUID && (u.bytes[6] >> 4) != 1)
    return lit_error(ctx, "Unsupported UUID version (%d)", u.bytes[6] >> 4);
  return fixed(ctx, out, u.bytes, 16);
}

static cql_status duration_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                                 cql_val *out) {
  if (type->id != CQL_TYPE_DURATION)
    return CQL_E_NOT_FOUND;
  cql_duration d;
  if (!lit_parse_duration(t->text, &d))
    return lit_error(ctx, "Unable to convert '%.*s' to a duration", (int)t->text.len,
                     (const char *)t->text.ptr);
  if ((d.months < 0 || d.days < 0 || d.nanoseconds < 0) &&
      (d.months > 0 || d.days > 0 || d.nanoseconds > 0))
    return lit_error(ctx, "The duration months, days and nanoseconds must be all of the same sign");
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_encode_duration(&b, &d);
  out->state = CQL_VALUE_SET;
  out->bytes = buf_to_arena(ctx->arena, &b);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status scalar_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                               cql_slice name, cql_val *out) {
  cql_status st = CQL_E_NOT_FOUND;
  switch (t->kind) {
  case CQL_TERM_STRING:
    st = string_value(ctx, t, type, out);
    break;
  case CQL_TERM_INT:
  case CQL_TERM_FLOAT:
    st = numeric_value(ctx, t, type, out);
    break;
  case CQL_TERM_BOOL:
    if (type->id == CQL_TYPE_BOOLEAN) {
      uint8_t b = t->boolean;
      st = fixed(ctx, out, &b, 1);
    }
    break;
  case CQL_TERM_UUID:
    st = uuid_value(ctx, t, type, out);
    break;
  case CQL_TERM_HEX:
    if (type->id == CQL_TYPE_BLOB || type->id == CQL_TYPE_CUSTOM) {
      out->state = CQL_VALUE_SET;
      st = lit_parse_hex(ctx->arena, t->text, &out->bytes)
               ? CQL_OK
               : lit_error(ctx, "Invalid hex string 0x%.*s", (int)t->text.len,
                           (const char *)t->text.ptr);
    }
    break;
  case CQL_TERM_DURATION:
    st = duration_value(ctx, t, type, out);
    break;
  default:
    break;
  }
  if (st == CQL_E_NOT_FOUND)
    return invalid_constant(ctx, t, type, name);
  return st;
}

/* ---- collections ----------------------------------------------------- */

/* Stable merge sort of slices (pairs of slices for maps: stride 2). */
static void merge_sort(const cql_type *t, cql_slice *v, cql_slice *tmp, uint32_t n,
                       uint32_t stride) {
  if (n < 2)
    return;
  uint32_t h = n / 2;
  merge_sort(t, v, tmp, h, stride);
  merge_sort(t, v + h * stride, tmp, n - h, stride);
  uint32_t i = 0, j = h, k = 0;
  while (i < h || j < n) {
    bool take_left = j >= n || (i < h && cql_value_compare(t, v[i * stride], v[j * stride]) <= 0);
    uint32_t src = take_left ? i++ : j++;
    for (uint32_t s = 0; s < stride; s++)
      tmp[k * stride + s] = v[src * stride + s];
    k++;
  }
  memcpy(v, tmp, (size_t)n * stride * sizeof(cql_slice));
}

/* Sorts and removes duplicates (the last of equal keys wins for maps).
 * Returns the new element count. */
uint32_t lit_sort_unique(cql_arena *arena, const cql_type *t, cql_slice *v, uint32_t n,
                         uint32_t stride) {
  cql_slice *tmp = cql_arena_calloc(arena, (size_t)n * stride + 1, sizeof(cql_slice));
  if (!tmp)
    return UINT32_MAX;
  merge_sort(t, v, tmp, n, stride);
  uint32_t out = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (out > 0 && cql_value_compare(t, v[(out - 1) * stride], v[i * stride]) == 0) {
      for (uint32_t s = 0; s < stride; s++)
        v[(out - 1) * stride + s] = v[i * stride + s];
      continue;
    }
    for (uint32_t s = 0; s < stride; s++)
      v[out * stride + s] = v[i * stride + s];
    out++;
  }
  return out;
}

static cql_slice encode_collection(cql_arena *a, const cql_slice *v, uint32_t n_values,
                                   uint32_t n_elems) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_i32(&b, (int32_t)n_elems);
  for (uint32_t i = 0; i < n_values; i++)
    cql_buf_put_bytes(&b, v[i]);
  return buf_to_arena(a, &b);
}

static bool type_is_fixed(const cql_type *t) { return cql_type_fixed_size(t) > 0; }

static cql_slice encode_vector(cql_arena *a, const cql_type *elem, const cql_slice *v, uint32_t n) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  bool fix = type_is_fixed(elem);
  for (uint32_t i = 0; i < n; i++) {
    if (!fix)
      cql_buf_put_uvint(&b, v[i].len);
    cql_buf_put_raw(&b, v[i].ptr, v[i].len);
  }
  return buf_to_arena(a, &b);
}

static cql_status element(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                          const char *role, cql_slice owner, cql_slice *out) {
  char nb[160];
  int n = snprintf(nb, sizeof(nb), "%s(%.*s)", role, (int)owner.len, (const char *)owner.ptr);
  cql_slice name = copy_bytes(ctx->arena, nb, n > 0 ? (size_t)n : 0);
  cql_val v;
  cql_status st = cql_term_value(ctx, t, type, name, &v);
  if (st != CQL_OK)
    return st;
  if (v.state == CQL_VALUE_NULL)
    return lit_error(ctx, "null is not supported inside collections");
  if (v.state == CQL_VALUE_UNSET)
    return lit_error(ctx, "unset value is not supported inside collections");
  *out = v.bytes;
  return CQL_OK;
}

static cql_status collection_mismatch(cql_lit_ctx *ctx, const char *what, const cql_type *type,
                                      cql_slice name) {
  return lit_error(ctx, "Invalid %s literal for %.*s of type %s", what, (int)name.len,
                   (const char *)name.ptr, cql_type_cql_name(ctx->arena, type));
}

static cql_status list_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                             cql_slice name, cql_val *out) {
  bool vector = type->id == CQL_TYPE_VECTOR;
  if (type->id != CQL_TYPE_LIST && !vector)
    return collection_mismatch(ctx, "list", type, name);
  if (vector && t->n_items != type->dimension)
    return lit_error(ctx,
                     "Invalid vector literal for %.*s of type %s; expected %u elements, but "
                     "given %u",
                     (int)name.len, (const char *)name.ptr, cql_type_cql_name(ctx->arena, type),
                     type->dimension, t->n_items);
  cql_slice *v = cql_arena_calloc(ctx->arena, t->n_items + 1, sizeof(cql_slice));
  if (!v)
    return CQL_E_NOMEM;
  for (uint32_t i = 0; i < t->n_items; i++) {
    cql_status st = element(ctx, t->items[i], type->children[0], "value", name, &v[i]);
    if (st != CQL_OK)
      return st;
  }
  out->state = CQL_VALUE_SET;
  out->bytes = vector ? encode_vector(ctx->arena, type->children[0], v, t->n_items)
                      : encode_collection(ctx->arena, v, t->n_items, t->n_items);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status set_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                            cql_slice name, cql_val *out) {
  if (type->id == CQL_TYPE_MAP && t->n_items == 0)
    return fixed(ctx, out, (const uint8_t *)"\0\0\0\0", 4);
  if (type->id != CQL_TYPE_SET)
    return collection_mismatch(ctx, "set", type, name);
  cql_slice *v = cql_arena_calloc(ctx->arena, t->n_items + 1, sizeof(cql_slice));
  if (!v)
    return CQL_E_NOMEM;
  for (uint32_t i = 0; i < t->n_items; i++) {
    cql_status st = element(ctx, t->items[i], type->children[0], "value", name, &v[i]);
    if (st != CQL_OK)
      return st;
  }
  uint32_t n = lit_sort_unique(ctx->arena, type->children[0], v, t->n_items, 1);
  if (n == UINT32_MAX)
    return CQL_E_NOMEM;
  out->state = CQL_VALUE_SET;
  out->bytes = encode_collection(ctx->arena, v, n, n);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status map_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                            cql_slice name, cql_val *out) {
  if (t->n_items == 0 && type->id == CQL_TYPE_SET)
    return fixed(ctx, out, (const uint8_t *)"\0\0\0\0", 4);
  if (type->id != CQL_TYPE_MAP)
    return collection_mismatch(ctx, "map", type, name);
  cql_slice *v = cql_arena_calloc(ctx->arena, t->n_items + 1, sizeof(cql_slice));
  if (!v)
    return CQL_E_NOMEM;
  for (uint32_t i = 0; i < t->n_items; i++) {
    cql_status st =
        element(ctx, t->items[i], type->children[i % 2], i % 2 ? "value" : "key", name, &v[i]);
    if (st != CQL_OK)
      return st;
  }
  uint32_t n = lit_sort_unique(ctx->arena, type->children[0], v, t->n_items / 2, 2);
  if (n == UINT32_MAX)
    return CQL_E_NOMEM;
  out->state = CQL_VALUE_SET;
  out->bytes = encode_collection(ctx->arena, v, n * 2, n);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

/* Tuple and UDT values: [bytes] per component, nulls allowed. */
static cql_status component(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                            cql_slice name, cql_buf *b) {
  cql_val v;
  cql_status st = cql_term_value(ctx, t, type, name, &v);
  if (st != CQL_OK)
    return st;
  if (v.state == CQL_VALUE_UNSET)
    return lit_error(ctx, "Invalid unset value for %.*s", (int)name.len, (const char *)name.ptr);
  if (v.state == CQL_VALUE_NULL)
    cql_buf_put_null_bytes(b);
  else
    cql_buf_put_bytes(b, v.bytes);
  return CQL_OK;
}

static cql_status tuple_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                              cql_slice name, cql_val *out) {
  if (type->id != CQL_TYPE_TUPLE)
    return lit_error(ctx, "Invalid tuple type literal for %.*s of type %s", (int)name.len,
                     (const char *)name.ptr, cql_type_cql_name(ctx->arena, type));
  if (t->n_items > type->n_children)
    return lit_error(ctx,
                     "Invalid tuple literal for %.*s: too many elements. Type %s expects %u "
                     "but got %u",
                     (int)name.len, (const char *)name.ptr, cql_type_cql_name(ctx->arena, type),
                     type->n_children, t->n_items);
  cql_buf b;
  cql_buf_init(&b, NULL);
  for (uint32_t i = 0; i < t->n_items; i++) {
    char nb[160];
    int n = snprintf(nb, sizeof(nb), "%.*s[%u]", (int)name.len, (const char *)name.ptr, i);
    cql_status st = component(ctx, t->items[i], type->children[i],
                              copy_bytes(ctx->arena, nb, n > 0 ? (size_t)n : 0), &b);
    if (st != CQL_OK) {
      cql_buf_free(&b);
      return st;
    }
  }
  out->state = CQL_VALUE_SET;
  out->bytes = buf_to_arena(ctx->arena, &b);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status udt_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                            cql_slice name, cql_val *out) {
  if (type->id != CQL_TYPE_UDT)
    return lit_error(ctx, "Invalid user type literal for %.*s of type %s", (int)name.len,
                     (const char *)name.ptr, cql_type_cql_name(ctx->arena, type));
  for (uint32_t i = 0; i < t->n_items; i++) {
    bool found = false;
    for (uint32_t f = 0; f < type->n_children && !found; f++)
      found = cql_slice_eq(t->fields[i], type->field_names[f]);
    if (!found)
      return lit_error(ctx, "Unknown field '%.*s' in value of user defined type %.*s",
                       (int)t->fields[i].len, (const char *)t->fields[i].ptr,
                       (int)type->udt_name.len, (const char *)type->udt_name.ptr);
  }
  cql_buf b;
  cql_buf_init(&b, NULL);
  for (uint32_t f = 0; f < type->n_children; f++) {
    const cql_term *item = NULL;
    for (uint32_t i = 0; i < t->n_items; i++)
      if (cql_slice_eq(t->fields[i], type->field_names[f]))
        item = t->items[i];
    if (!item) {
      cql_buf_put_null_bytes(&b);
      continue;
    }
    char nb[200];
    int n = snprintf(nb, sizeof(nb), "%.*s.%.*s", (int)name.len, (const char *)name.ptr,
                     (int)type->field_names[f].len, (const char *)type->field_names[f].ptr);
    cql_status st = component(ctx, item, type->children[f],
                              copy_bytes(ctx->arena, nb, n > 0 ? (size_t)n : 0), &b);
    if (st != CQL_OK) {
      cql_buf_free(&b);
      return st;
    }
  }
  out->state = CQL_VALUE_SET;
  out->bytes = buf_to_arena(ctx->arena, &b);
  return out->bytes.ptr ? CQL_OK : CQL_E_NOMEM;
}

/* ---- functions ------------------------------------------------------- */

/* Evaluates a native function; *rtype receives its result type id. */
static cql_status function_value(cql_lit_ctx *ctx, const cql_term *t, cql_type_id *rtype,
                                 cql_val *out) {
  cql_slice f = t->text;
  uint8_t raw[16];
  if (t->n_items == 0) {
    if (cql_slice_eq_cstr(f, "now") || cql_slice_eq_cstr(f, "currenttimeuuid")) {
      cql_uuid u = cql_timeuuid_make(ctx->now_us, ctx->rng, ctx->node_id);
      *rtype = CQL_TYPE_TIMEUUID;
      return fixed(ctx, out, u.bytes, 16);
    }
    if (cql_slice_eq_cstr(f, "uuid")) {
      cql_uuid u = cql_uuid_random(ctx->rng);
      *rtype = CQL_TYPE_UUID;
      return fixed(ctx, out, u.bytes, 16);
    }
    if (cql_slice_eq_cstr(f, "currenttimestamp")) {
      *rtype = CQL_TYPE_TIMESTAMP;
      return put_i64(ctx, out, ctx->now_us / 1000, 8);
    }
    if (cql_slice_eq_cstr(f, "currentdate")) {
      int64_t days = ctx->now_us / INT64_C(86400000000);
      *rtype = CQL_TYPE_DATE;
      cql_store_u32(raw, (uint32_t)(days + (int64_t)CQL_DATE_EPOCH));
      return fixed(ctx, out, raw, 4);
    }
    if (cql_slice_eq_cstr(f, "currenttime")) {
      *rtype = CQL_TYPE_TIME;
      return put_i64(ctx, out, (ctx->now_us % INT64_C(86400000000)) * 1000, 8);
    }
  }
  if (t->n_items == 1 &&
      (cql_slice_eq_cstr(f, "totimestamp") || cql_slice_eq_cstr(f, "tounixtimestamp") ||
       cql_slice_eq_cstr(f, "mintimeuuid") || cql_slice_eq_cstr(f, "maxtimeuuid"))) {
    bool from_ts = f.ptr[1] == 'i' || f.ptr[1] == 'a'; /* min/maxtimeuuid */
    cql_val arg;
    cql_type_id aid = from_ts ? CQL_TYPE_TIMESTAMP : CQL_TYPE_TIMEUUID;
    cql_status st = cql_term_value(ctx, t->items[0], cql_type_native(aid), f, &arg);
    if (st != CQL_OK)
      return st;
    if (arg.state != CQL_VALUE_SET || arg.bytes.len != (from_ts ? 8u : 16u)) {
      out->state = CQL_VALUE_NULL;
      *rtype = from_ts ? CQL_TYPE_TIMEUUID : CQL_TYPE_TIMESTAMP;
      return CQL_OK;
    }
    if (from_ts) {
      /* Cassandra's bounds: the first and last 100 ns tick of the
       * millisecond, clock sequence and node all 0x80 (min) or 0x7f (max),
       * variant bits included. */
      bool max = f.ptr[1] == 'a';
      int64_t ms = (int64_t)cql_load_u64(arg.bytes.ptr);
      uint64_t ticks = (uint64_t)ms * 10000 + UINT64_C(0x01B21DD213814000) + (max ? 9999 : 0);
      cql_store_u32(raw, (uint32_t)ticks);
      cql_store_u16(raw + 4, (uint16_t)(ticks >> 32));
      cql_store_u16(raw + 6, (uint16_t)(((ticks >> 48) & 0x0fff) | 0x1000));
      memset(raw + 8, max ? 0x7f : 0x80, 8);
      *rtype = CQL_TYPE_TIMEUUID;
      return fixed(ctx, out, raw, 16);
    }
    cql_uuid u;
    memcpy(u.bytes, arg.bytes.ptr, 16);
    *rtype = f.ptr[2] == 'u' ? CQL_TYPE_BIGINT : CQL_TYPE_TIMESTAMP;
    return put_i64(ctx, out, cql_timeuuid_ms(&u), 8);
  }
  return lit_error(ctx, "Unknown function %.*s called", (int)f.len, (const char *)f.ptr);
}

static bool result_fits(cql_type_id have, const cql_type *want) {
  if (have == want->id)
    return true;
  return have == CQL_TYPE_TIMEUUID && want->id == CQL_TYPE_UUID;
}

static cql_status marker_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type,
                               cql_slice name, cql_val *out) {
  if (!ctx->bound || t->marker >= ctx->n_bound || !ctx->bound[t->marker])
    return lit_error(ctx, "No value bound for %.*s", (int)name.len, (const char *)name.ptr);
  const cql_value_arg *v = ctx->bound[t->marker];
  out->state = v->state;
  out->bytes = v->bytes;
  if (v->state != CQL_VALUE_SET)
    return CQL_OK;
  return cql_value_check(ctx, type, name, v->bytes, &out->bytes);
}

cql_status cql_term_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type, cql_slice name,
                          cql_val *out) {
  out->state = CQL_VALUE_SET;
  out->bytes = (cql_slice){NULL, 0};
  switch (t->kind) {
  case CQL_TERM_NULL:
    out->state = CQL_VALUE_NULL;
    return CQL_OK;
  case CQL_TERM_MARKER:
    return marker_value(ctx, t, type, name, out);
  case CQL_TERM_LIST:
    return list_value(ctx, t, type, name, out);
  case CQL_TERM_SET:
    return set_value(ctx, t, type, name, out);
  case CQL_TERM_MAP:
    return map_value(ctx, t, type, name, out);
  case CQL_TERM_TUPLE:
    return tuple_value(ctx, t, type, name, out);
  case CQL_TERM_UDT:
    return udt_value(ctx, t, type, name, out);
  case CQL_TERM_CAST:
    return cql_term_value(ctx, t->items[0], type, name, out);
  case CQL_TERM_FUNC: {
    cql_type_id rt = CQL_TYPE_CUSTOM;
    cql_status st = function_value(ctx, t, &rt, out);
    if (st != CQL_OK)
      return st;
    if (!result_fits(rt, type))
      return lit_error(ctx,
                       "Type error: cannot assign result of function system.%.*s (type %s) "
                       "to %.*s (type %s)",
                       (int)t->text.len, (const char *)t->text.ptr,
                       cql_type_native_name(rt) ? cql_type_native_name(rt) : "?", (int)name.len,
                       (const char *)name.ptr, cql_type_cql_name(ctx->arena, type));
    return CQL_OK;
  }
  default:
    if (type->id == CQL_TYPE_COUNTER && t->kind == CQL_TERM_INT)
      return integer_value(ctx, t, type, out);
    return scalar_value(ctx, t, type, name, out);
  }
}
