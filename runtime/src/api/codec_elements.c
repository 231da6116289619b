/* cql_elements: walking a serialized list, set, map, tuple, UDT or vector
 * in place. Every length is checked against the bytes left, so hostile
 * input ends the walk with CQL_E_BAD_VALUE instead of a wild read. */
#include <string.h>

#include "api_internal.h"
#include "type.h"

static cql_status fail(cql_elements *it, cql_status s) {
  it->err_ = s;
  it->index_ = it->count_; /* no further elements */
  return s;
}

static size_t left(const cql_elements *it) { return (size_t)(it->end_ - it->pos_); }

/* Collections start with an [int] count that must fit the bytes present. */
static cql_status init_collection(cql_elements *it, bool map) {
  if (left(it) == 0) /* an empty value: no elements */
    return CQL_OK;
  if (left(it) < 4)
    return fail(it, CQL_E_BAD_VALUE);
  int32_t n = (int32_t)cql_load_u32(it->pos_);
  it->pos_ += 4;
  uint64_t items = (uint64_t)(n < 0 ? 0 : n) * (map ? 2u : 1u);
  if (n < 0 || items * 4 > left(it) || items > UINT32_MAX)
    return fail(it, CQL_E_BAD_VALUE);
  it->count_ = (uint32_t)items;
  return CQL_OK;
}

static cql_status init_vector(cql_elements *it) {
  it->count_ = it->type_->dimension;
  size_t fixed = cql_type_fixed_size(it->type_->children[0]);
  if (fixed && (uint64_t)fixed * it->count_ != left(it))
    return fail(it, CQL_E_BAD_VALUE);
  return CQL_OK;
}

static bool well_formed(const cql_type *t) {
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
  case CQL_TYPE_VECTOR:
    return t->n_children == 1 && t->children && t->children[0];
  case CQL_TYPE_MAP:
    return t->n_children == 2 && t->children && t->children[0] && t->children[1];
  default:
    return t->n_children == 0 || t->children;
  }
}

cql_status cql_elements_init(cql_elements *it, const cql_type *type, cql_slice in) {
  static const uint8_t empty[1] = {0};
  memset(it, 0, sizeof(*it));
  if (!type)
    return fail(it, CQL_E_INVALID_ARG);
  type = cql_type_resolve(type);
  it->type_ = type;
  it->pos_ = in.ptr ? in.ptr : empty;
  it->end_ = it->pos_ + (in.ptr ? in.len : 0);
  if (!cql_type_is_composite(type->id))
    return fail(it, CQL_E_TYPE_MISMATCH);
  if (!well_formed(type))
    return fail(it, CQL_E_BAD_TYPE);
  switch (type->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return init_collection(it, false);
  case CQL_TYPE_MAP:
    return init_collection(it, true);
  case CQL_TYPE_VECTOR:
    return init_vector(it);
  default: /* tuple, UDT: one [bytes] per field, possibly fewer */
    it->count_ = type->n_children;
    return CQL_OK;
  }
}

uint32_t cql_elements_count(const cql_elements *it) { return it->count_; }

cql_status cql_elements_status(const cql_elements *it) { return it->err_; }

static const cql_type *element_type(const cql_elements *it) {
  const cql_type *t = it->type_;
  switch (t->id) {
  case CQL_TYPE_MAP:
    return t->children[it->index_ & 1];
  case CQL_TYPE_TUPLE:
  case CQL_TYPE_UDT:
    return t->children[it->index_];
  default:
    return t->children[0];
  }
}

/* A vector element: fixed-size elements are packed, the others carry an
 * [unsigned vint] length. */
static bool next_vector(cql_elements *it, const cql_type *et, cql_slice *value) {
  size_t n = cql_type_fixed_size(et);
  if (!n) {
    cql_rd r;
    cql_rd_init(&r, it->pos_, left(it));
    uint64_t len = cql_rd_uvint(&r);
    if (!cql_rd_ok(&r) || len > cql_rd_left(&r))
      return fail(it, CQL_E_BAD_VALUE), false;
    it->pos_ = r.pos;
    n = (size_t)len;
  }
  if (n > left(it))
    return fail(it, CQL_E_BAD_VALUE), false;
  *value = (cql_slice){it->pos_, n};
  it->pos_ += n;
  return true;
}

static bool next_bytes(cql_elements *it, cql_slice *value, bool *is_null) {
  bool fields = it->type_->id == CQL_TYPE_TUPLE || it->type_->id == CQL_TYPE_UDT;
  if (fields && left(it) == 0) { /* a value that ends early: the rest is null */
    *is_null = true;
    return true;
  }
  if (left(it) < 4)
    return fail(it, CQL_E_BAD_VALUE), false;
  int32_t len = (int32_t)cql_load_u32(it->pos_);
  it->pos_ += 4;
  if (len < 0) {
    *is_null = true;
    return len == -1 || (fail(it, CQL_E_BAD_VALUE), false);
  }
  if ((size_t)len > left(it))
    return fail(it, CQL_E_BAD_VALUE), false;
  *value = (cql_slice){it->pos_, (size_t)len};
  it->pos_ += len;
  return true;
}

bool cql_elements_next(cql_elements *it, const cql_type **type, cql_slice *value, bool *is_null) {
  cql_slice v = {0};
  bool null = false;
  if (it->err_ != CQL_OK)
    return false;
  if (it->index_ >= it->count_) {
    if (it->pos_ != it->end_)
      fail(it, CQL_E_TRAILING_BYTES);
    return false;
  }
  const cql_type *et = element_type(it);
  bool ok = it->type_->id == CQL_TYPE_VECTOR ? next_vector(it, et, &v) : next_bytes(it, &v, &null);
  if (!ok)
    return false;
  it->index_++;
  if (type)
    *type = et;
  if (value)
    *value = v;
  if (is_null)
    *is_null = null;
  return true;
}
