/* Checks of bound values against their types, with normalisation of sets
 * and maps (sorted by the element comparator, duplicates dropped). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lit_scalar.h"
#include "literal.h"
#include "type.h"
#include "value.h"
#include "wire.h"

__attribute__((format(printf, 2, 3))) static cql_status check_error(cql_lit_ctx *ctx,
                                                                    const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->err, ctx->err_len, fmt, ap);
  va_end(ap);
  return CQL_E_SERVER_INVALID;
}

static bool utf8_ok(cql_slice s) {
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

static cql_status check(cql_lit_ctx *ctx, const cql_type *t, cql_slice in, cql_slice *out,
                        int depth);

static cql_status size_error(cql_lit_ctx *ctx, size_t want, const char *what, size_t got) {
  return check_error(ctx, "Expected %zu or 0 byte %s (%zu)", want, what, got);
}

static cql_status check_native(cql_lit_ctx *ctx, const cql_type *t, cql_slice in) {
  switch (t->id) {
  case CQL_TYPE_BOOLEAN:
    return in.len == 1 ? CQL_OK : size_error(ctx, 1, "value", in.len);
  case CQL_TYPE_TINYINT:
    return in.len == 1 ? CQL_OK : size_error(ctx, 1, "byte", in.len);
  case CQL_TYPE_SMALLINT:
    return in.len == 2 ? CQL_OK : size_error(ctx, 2, "short", in.len);
  case CQL_TYPE_INT:
    return in.len == 4 ? CQL_OK : size_error(ctx, 4, "int", in.len);
  case CQL_TYPE_DATE:
    return in.len == 4 ? CQL_OK : size_error(ctx, 4, "int", in.len);
  case CQL_TYPE_FLOAT:
    return in.len == 4 ? CQL_OK : size_error(ctx, 4, "float", in.len);
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
  case CQL_TYPE_TIMESTAMP:
    return in.len == 8 ? CQL_OK : size_error(ctx, 8, "long", in.len);
  case CQL_TYPE_DOUBLE:
    return in.len == 8 ? CQL_OK : size_error(ctx, 8, "double", in.len);
  case CQL_TYPE_TIME:
    if (in.len != 8)
      return size_error(ctx, 8, "long", in.len);
    if ((int64_t)cql_load_u64(in.ptr) < 0 ||
        (int64_t)cql_load_u64(in.ptr) >= INT64_C(86400000000000))
      return check_error(ctx, "Time value out of range");
    return CQL_OK;
  case CQL_TYPE_UUID:
    return in.len == 16 ? CQL_OK : check_error(ctx, "UUID should be 16 or 0 bytes (%zu)", in.len);
  case CQL_TYPE_TIMEUUID:
    if (in.len != 16)
      return check_error(ctx, "UUID should be 16 or 0 bytes (%zu)", in.len);
    if ((in.ptr[6] & 0xf0) != 0x10)
      return check_error(ctx, "Invalid version for TimeUUID type.");
    return CQL_OK;
  case CQL_TYPE_INET:
    return in.len == 4 || in.len == 16
               ? CQL_OK
               : check_error(ctx, "Invalid length for an inet address: %zu", in.len);
  case CQL_TYPE_DECIMAL:
    return in.len >= 4 ? CQL_OK : check_error(ctx, "Expected 0 or at least 4 bytes (%zu)", in.len);
  case CQL_TYPE_ASCII:
    for (size_t i = 0; i < in.len; i++)
      if (in.ptr[i] & 0x80)
        return check_error(ctx, "Invalid byte for ascii: %d", (int)(int8_t)in.ptr[i]);
    return CQL_OK;
  case CQL_TYPE_VARCHAR:
    return utf8_ok(in) ? CQL_OK : check_error(ctx, "String didn't validate.");
  case CQL_TYPE_DURATION: {
    cql_rd r;
    cql_rd_init(&r, in.ptr, in.len);
    cql_rd_vint(&r);
    cql_rd_vint(&r);
    cql_rd_vint(&r);
    if (!cql_rd_ok(&r) || cql_rd_left(&r))
      return check_error(ctx, "Invalid duration value");
    return CQL_OK;
  }
  default: /* blob, varint, custom */
    return CQL_OK;
  }
}

static cql_slice arena_copy(cql_arena *a, const cql_buf *b) {
  uint8_t *p = cql_arena_alloc(a, b->len ? b->len : 1);
  if (!p)
    return (cql_slice){NULL, 0};
  if (b->len)
    memcpy(p, b->data, b->len);
  return (cql_slice){p, b->len};
}

static cql_status check_collection(cql_lit_ctx *ctx, const cql_type *t, cql_slice in,
                                   cql_slice *out, int depth) {
  cql_rd r;
  cql_rd_init(&r, in.ptr, in.len);
  int32_t n = cql_rd_i32(&r);
  uint32_t stride = t->id == CQL_TYPE_MAP ? 2 : 1;
  if (!cql_rd_ok(&r) || n < 0 || (uint64_t)n * stride * 4 > cql_rd_left(&r))
    return check_error(ctx, "Not enough bytes to read a %s",
                       t->id == CQL_TYPE_MAP   ? "map"
                       : t->id == CQL_TYPE_SET ? "set"
                                               : "list");
  cql_slice *v = cql_arena_calloc(ctx->arena, (size_t)n * stride + 1, sizeof(cql_slice));
  if (!v)
    return CQL_E_NOMEM;
  for (uint32_t i = 0; i < (uint32_t)n * stride; i++) {
    cql_slice e;
    int32_t len = cql_rd_value(&r, &e, false);
    if (!cql_rd_ok(&r))
      return check_error(ctx, "Not enough bytes to read a collection element");
    if (len < 0)
      return check_error(ctx, "null is not supported inside collections");
    cql_status st = check(ctx, t->children[stride == 2 ? i % 2 : 0], e, &v[i], depth + 1);
    if (st != CQL_OK)
      return st;
  }
  if (cql_rd_left(&r))
    return check_error(ctx, "Unexpected extraneous bytes after %s value",
                       t->id == CQL_TYPE_MAP   ? "map"
                       : t->id == CQL_TYPE_SET ? "set"
                                               : "list");
  uint32_t count = (uint32_t)n;
  if (t->id != CQL_TYPE_LIST)
    count = lit_sort_unique(ctx->arena, t->children[0], v, count, stride);
  if (count == UINT32_MAX)
    return CQL_E_NOMEM;
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_i32(&b, (int32_t)count);
  for (uint32_t i = 0; i < count * stride; i++)
    cql_buf_put_bytes(&b, v[i]);
  *out = b.err ? (cql_slice){NULL, 0} : arena_copy(ctx->arena, &b);
  cql_buf_free(&b);
  return out->ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status check_composite(cql_lit_ctx *ctx, const cql_type *t, cql_slice in, cql_slice *out,
                                  int depth) {
  cql_rd r;
  cql_rd_init(&r, in.ptr, in.len);
  cql_buf b;
  cql_buf_init(&b, NULL);
  for (uint32_t i = 0; i < t->n_children && cql_rd_left(&r); i++) {
    cql_slice e, norm;
    int32_t len = cql_rd_value(&r, &e, false);
    if (!cql_rd_ok(&r)) {
      cql_buf_free(&b);
      return check_error(ctx, "Invalid remaining data after end of %s value",
                         t->id == CQL_TYPE_UDT ? "UDT" : "tuple");
    }
    if (len < 0) {
      cql_buf_put_null_bytes(&b);
      continue;
    }
    cql_status st = check(ctx, t->children[i], e, &norm, depth + 1);
    if (st != CQL_OK) {
      cql_buf_free(&b);
      return st;
    }
    cql_buf_put_bytes(&b, norm);
  }
  if (cql_rd_left(&r)) {
    cql_buf_free(&b);
    return check_error(ctx, "Invalid remaining data after end of %s value",
                       t->id == CQL_TYPE_UDT ? "UDT" : "tuple");
  }
  *out = b.err ? (cql_slice){NULL, 0} : arena_copy(ctx->arena, &b);
  cql_buf_free(&b);
  return out->ptr ? CQL_OK : CQL_E_NOMEM;
}

static cql_status check_vector(cql_lit_ctx *ctx, const cql_type *t, cql_slice in) {
  size_t fixed = cql_type_fixed_size(t->children[0]);
  if (fixed) {
    if (in.len != fixed * t->dimension)
      return check_error(ctx, "Expected %zu bytes for a vector of %u elements, got %zu",
                         fixed * t->dimension, t->dimension, in.len);
    return CQL_OK;
  }
  cql_rd r;
  cql_rd_init(&r, in.ptr, in.len);
  for (uint32_t i = 0; i < t->dimension; i++) {
    uint64_t len = cql_rd_uvint(&r);
    if (!cql_rd_ok(&r) || len > cql_rd_left(&r))
      return check_error(ctx, "Not enough bytes to read a vector element");
    cql_rd_raw(&r, (size_t)len);
  }
  if (cql_rd_left(&r))
    return check_error(ctx, "Unexpected extraneous bytes after vector value");
  return CQL_OK;
}

static cql_status check(cql_lit_ctx *ctx, const cql_type *t, cql_slice in, cql_slice *out,
                        int depth) {
  *out = in;
  if (depth > CQL_TYPE_MAX_DEPTH)
    return check_error(ctx, "Value nested too deeply");
  if (in.len == 0 && t->id != CQL_TYPE_VARCHAR && t->id != CQL_TYPE_ASCII && t->id != CQL_TYPE_BLOB)
    return CQL_OK; /* Cassandra's empty value */
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
  case CQL_TYPE_MAP:
    return check_collection(ctx, t, in, out, depth);
  case CQL_TYPE_TUPLE:
  case CQL_TYPE_UDT:
    return check_composite(ctx, t, in, out, depth);
  case CQL_TYPE_VECTOR:
    return check_vector(ctx, t, in);
  default:
    return check_native(ctx, t, in);
  }
}

cql_status cql_value_check(cql_lit_ctx *ctx, const cql_type *type, cql_slice name, cql_slice in,
                           cql_slice *out) {
  cql_status st = check(ctx, type, in, out, 0);
  if (st == CQL_E_SERVER_INVALID && name.len) {
    /* prefix the receiver, as Cassandra's bind errors name the column */
    char tmp[512];
    snprintf(tmp, sizeof(tmp), "Exception while binding column %.*s: %s", (int)name.len,
             (const char *)name.ptr, ctx->err);
    snprintf(ctx->err, ctx->err_len, "%s", tmp);
  }
  return st;
}
