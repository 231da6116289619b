/* The generic value tree: decoding any type into cql_value. */
#include <string.h>

#include "type.h"
#include "value_impl.h"

static cql_status decode_at(const cql_type *t, cql_slice in, cql_arena *a, cql_value *out,
                            int depth);

/* Fixed-layout and string types straight into the union. */
static cql_status decode_scalar(const cql_type *t, cql_slice in, cql_value *out) {
  switch (t->id) {
  case CQL_TYPE_BOOLEAN:
    return cql_decode_boolean(in, &out->u.boolean);
  case CQL_TYPE_TINYINT: {
    int8_t v;
    cql_status st = cql_decode_tinyint(in, &v);
    out->u.i64 = v;
    return st;
  }
  case CQL_TYPE_SMALLINT: {
    int16_t v;
    cql_status st = cql_decode_smallint(in, &v);
    out->u.i64 = v;
    return st;
  }
  case CQL_TYPE_INT: {
    int32_t v;
    cql_status st = cql_decode_int(in, &v);
    out->u.i64 = v;
    return st;
  }
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
  case CQL_TYPE_TIMESTAMP:
    return cql_decode_bigint(in, &out->u.i64);
  case CQL_TYPE_TIME:
    return cql_decode_time(in, &out->u.i64);
  case CQL_TYPE_DATE:
    return cql_decode_date(in, &out->u.date);
  case CQL_TYPE_FLOAT:
    return cql_decode_float(in, &out->u.f32);
  case CQL_TYPE_DOUBLE:
    return cql_decode_double(in, &out->u.f64);
  case CQL_TYPE_UUID:
    return cql_decode_uuid(in, &out->u.uuid);
  case CQL_TYPE_TIMEUUID:
    return cql_decode_timeuuid(in, &out->u.uuid);
  case CQL_TYPE_INET:
    return cql_decode_inet(in, &out->u.inet);
  case CQL_TYPE_DURATION:
    return cql_decode_duration(in, &out->u.duration);
  case CQL_TYPE_VARINT:
    return cql_decode_varint(in, &out->u.varint);
  case CQL_TYPE_DECIMAL:
    return cql_decode_decimal(in, &out->u.decimal);
  case CQL_TYPE_ASCII:
    return cql_decode_ascii(in, &out->u.bytes);
  case CQL_TYPE_VARCHAR:
    return cql_decode_text(in, &out->u.bytes);
  default: /* blob, custom */
    out->u.bytes = in;
    return CQL_OK;
  }
}

static cql_value *alloc_items(cql_arena *a, size_t n) {
  /* one spare item keeps a zero count from asking the arena for 0 bytes */
  return cql_arena_calloc(a, n ? n : 1, sizeof(cql_value));
}

/* One [bytes] element: null (length -1) or a nested value. */
static cql_status decode_element(cql_rd *r, const cql_type *t, cql_arena *a, cql_value *out,
                                 int depth) {
  cql_slice s;
  int32_t n = cql_rd_value(r, &s, false);
  if (!cql_rd_ok(r))
    return r->err;
  out->type = t;
  if (n < 0) {
    out->is_null = true;
    return CQL_OK;
  }
  return decode_at(t, s, a, out, depth + 1);
}

/* list, set (per = 1) and map (per = 2): [int] n, then n*per [bytes]. */
static cql_status decode_collection(const cql_type *t, cql_rd *r, cql_arena *a, cql_value *out,
                                    uint32_t per, int depth) {
  int32_t count = cql_rd_i32(r);
  if (!cql_rd_ok(r))
    return CQL_E_TRUNCATED;
  if (count < 0)
    return CQL_E_BAD_VALUE;
  /* Every element takes at least its 4-byte length: a count the remaining
   * bytes cannot hold is a lie, refused before allocating for it. */
  if ((uint64_t)count * per > cql_rd_left(r) / 4)
    return CQL_E_BAD_LENGTH;
  uint32_t n = (uint32_t)count * per;
  cql_value *items = alloc_items(a, n);
  if (!items)
    return CQL_E_NOMEM;
  for (uint32_t i = 0; i < n; i++) {
    const cql_type *et = t->children[per == 2 ? (i & 1) : 0];
    cql_status st = decode_element(r, et, a, &items[i], depth);
    if (st != CQL_OK)
      return st;
  }
  out->u.elems.items = items;
  out->u.elems.n = n;
  return cql_rd_expect_end(r, "collection") ? CQL_OK : r->err;
}

/* tuple and UDT: up to n_children [bytes]; a shorter value is allowed. */
static cql_status decode_fields(const cql_type *t, cql_rd *r, cql_arena *a, cql_value *out,
                                int depth) {
  cql_value *items = alloc_items(a, t->n_children);
  if (!items)
    return CQL_E_NOMEM;
  uint32_t n = 0;
  while (n < t->n_children && cql_rd_left(r) > 0) {
    cql_status st = decode_element(r, t->children[n], a, &items[n], depth);
    if (st != CQL_OK)
      return st;
    n++;
  }
  out->u.elems.items = items;
  out->u.elems.n = n;
  return cql_rd_expect_end(r, "tuple or UDT") ? CQL_OK : r->err;
}

static cql_status decode_vector(const cql_type *t, cql_rd *r, cql_arena *a, cql_value *out,
                                int depth) {
  const cql_type *et = t->children[0];
  size_t fixed = cql_type_fixed_size(et);
  uint32_t dim = t->dimension;
  /* Packed elements: the size is exact. Prefixed ones: each takes at least
   * its one-byte length. Either way the input bounds the allocation. */
  size_t left = cql_rd_left(r);
  if (fixed && (left % dim != 0 || left / dim != fixed))
    return CQL_E_BAD_VALUE;
  if (!fixed && dim > left)
    return CQL_E_BAD_LENGTH;
  cql_value *items = alloc_items(a, dim);
  if (!items)
    return CQL_E_NOMEM;
  for (uint32_t i = 0; i < dim; i++) {
    uint64_t len = fixed ? fixed : cql_rd_uvint(r);
    if (!cql_rd_ok(r))
      return r->err; /* a cut-off vint */
    if (len > cql_rd_left(r))
      return CQL_E_BAD_LENGTH;
    cql_slice s = cql_rd_raw(r, (size_t)len);
    items[i].type = et;
    cql_status st = decode_at(et, s, a, &items[i], depth + 1);
    if (st != CQL_OK)
      return st;
  }
  out->u.elems.items = items;
  out->u.elems.n = dim;
  return cql_rd_expect_end(r, "vector") ? CQL_OK : r->err;
}

static bool well_formed(const cql_type *t) {
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return t->n_children == 1 && t->children[0];
  case CQL_TYPE_MAP:
    return t->n_children == 2 && t->children[0] && t->children[1];
  case CQL_TYPE_VECTOR:
    return t->n_children == 1 && t->children[0] && t->dimension > 0;
  case CQL_TYPE_UDT:
    if (t->n_children && !t->field_names)
      return false;
    /* fall through */
  case CQL_TYPE_TUPLE:
    for (uint32_t i = 0; i < t->n_children; i++)
      if (!t->children[i])
        return false;
    return true;
  default:
    return true;
  }
}

static bool may_be_empty(cql_type_id id) {
  return id == CQL_TYPE_ASCII || id == CQL_TYPE_VARCHAR || id == CQL_TYPE_BLOB ||
         id == CQL_TYPE_CUSTOM || id == CQL_TYPE_TUPLE || id == CQL_TYPE_UDT;
}

static cql_status decode_at(const cql_type *t, cql_slice in, cql_arena *a, cql_value *out,
                            int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH)
    return CQL_E_TOO_DEEP;
  if (!t)
    return CQL_E_BAD_TYPE;
  t = cql_type_resolve(t);
  memset(out, 0, sizeof(*out));
  out->type = t;
  if (!well_formed(t))
    return CQL_E_BAD_TYPE;
  if (in.len == 0 && !may_be_empty(t->id)) {
    out->is_empty = true;
    return CQL_OK;
  }
  cql_rd r;
  cql_rd_init(&r, in.ptr, in.len);
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return decode_collection(t, &r, a, out, 1, depth);
  case CQL_TYPE_MAP:
    return decode_collection(t, &r, a, out, 2, depth);
  case CQL_TYPE_TUPLE:
  case CQL_TYPE_UDT:
    return decode_fields(t, &r, a, out, depth);
  case CQL_TYPE_VECTOR:
    return decode_vector(t, &r, a, out, depth);
  default:
    return decode_scalar(t, in, out);
  }
}

cql_status cql_value_decode(const cql_type *t, cql_slice in, cql_arena *arena, cql_value *out) {
  return decode_at(t, in, arena, out, 1);
}
