/* The [option] form of a type, as result and prepared metadata carry it. */
#include <string.h>

#include "type_impl.h"

static const cql_type *read_at(cql_rd *r, cql_arena *a, int depth);

static const cql_type *nomem(cql_rd *r) {
  cql_rd_fail(r, CQL_E_NOMEM, "type descriptor");
  return NULL;
}

/* Cassandra lets only the outermost collection be non-frozen, so anything
 * nested is frozen even though the wire cannot say so. Tuples always are;
 * vectors have no frozen form. */
static void mark_frozen(cql_type *t, int depth) {
  if (t->id != CQL_TYPE_VECTOR)
    t->frozen = depth > 1 || t->id == CQL_TYPE_TUPLE;
}

static const cql_type *read_custom(cql_rd *r, cql_arena *a, int depth) {
  cql_slice cls = cql_rd_string(r);
  if (!cql_rd_ok(r))
    return NULL;
  bool qualified;
  cql_slice short_name = cql_type_short_class(cls, &qualified);
  static const char vec[] = "VectorType(";
  bool is_vector =
      short_name.len > sizeof(vec) - 1 && memcmp(short_name.ptr, vec, sizeof(vec) - 1) == 0;
  if (is_vector) {
    const cql_type *v = NULL;
    cql_status st = cql_type_parse_class_at(cls, a, depth - 1, &v);
    if (st != CQL_OK || v->id != CQL_TYPE_VECTOR) {
      cql_rd_fail(r, st == CQL_OK ? CQL_E_BAD_TYPE : st, "malformed VectorType class");
      return NULL;
    }
    /* Keep the server's spelling so writing the option back is exact. */
    cql_type *copy = (cql_type *)cql_arena_alloc(a, sizeof(*copy));
    if (!copy)
      return nomem(r);
    *copy = *v;
    if (!cql_type_copy_slice(a, cls, &copy->custom_class))
      return nomem(r);
    mark_frozen(copy, depth);
    return copy;
  }
  cql_type *t = cql_type_new(a, CQL_TYPE_CUSTOM, 0, NULL);
  if (!t || !cql_type_copy_slice(a, cls, &t->custom_class))
    return nomem(r);
  return t;
}

static const cql_type *read_children(cql_rd *r, cql_arena *a, cql_type_id id, uint32_t n,
                                     int depth) {
  const cql_type **kids;
  cql_type *t = cql_type_new(a, id, n, &kids);
  if (!t)
    return nomem(r);
  for (uint32_t i = 0; i < n && cql_rd_ok(r); i++)
    kids[i] = read_at(r, a, depth + 1);
  mark_frozen(t, depth);
  return cql_rd_ok(r) ? t : NULL;
}

static const cql_type *read_tuple(cql_rd *r, cql_arena *a, int depth) {
  uint16_t n = cql_rd_u16(r);
  /* Each component takes at least its 2-byte id: refuse counts the input
   * cannot hold before allocating for them. */
  if (cql_rd_ok(r) && (size_t)n * 2 > cql_rd_left(r)) {
    cql_rd_fail(r, CQL_E_BAD_LENGTH, "tuple component count exceeds the input");
    return NULL;
  }
  return cql_rd_ok(r) ? read_children(r, a, CQL_TYPE_TUPLE, n, depth) : NULL;
}

static const cql_type *read_udt(cql_rd *r, cql_arena *a, int depth) {
  cql_slice ks = cql_rd_string(r);
  cql_slice name = cql_rd_string(r);
  uint16_t n = cql_rd_u16(r);
  if (!cql_rd_ok(r))
    return NULL;
  if ((size_t)n * 4 > cql_rd_left(r)) { /* a [string] and an id per field */
    cql_rd_fail(r, CQL_E_BAD_LENGTH, "UDT field count exceeds the input");
    return NULL;
  }
  const cql_type **kids;
  cql_type *t = cql_type_new(a, CQL_TYPE_UDT, n, &kids);
  cql_slice *names = n ? cql_arena_calloc(a, n, sizeof(*names)) : NULL;
  if (!t || (n && !names) || !cql_type_copy_slice(a, ks, &t->udt_keyspace) ||
      !cql_type_copy_slice(a, name, &t->udt_name))
    return nomem(r);
  t->field_names = names;
  for (uint32_t i = 0; i < n && cql_rd_ok(r); i++) {
    cql_slice f = cql_rd_string(r);
    if (cql_rd_ok(r) && !cql_type_copy_slice(a, f, &names[i]))
      return nomem(r);
    kids[i] = read_at(r, a, depth + 1);
  }
  mark_frozen(t, depth);
  return cql_rd_ok(r) ? t : NULL;
}

static const cql_type *read_at(cql_rd *r, cql_arena *a, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH) {
    cql_rd_fail(r, CQL_E_TOO_DEEP, "type nested too deeply");
    return NULL;
  }
  uint16_t id = cql_rd_u16(r);
  if (!cql_rd_ok(r))
    return NULL;
  switch (id) {
  case CQL_TYPE_CUSTOM:
    return read_custom(r, a, depth);
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return read_children(r, a, (cql_type_id)id, 1, depth);
  case CQL_TYPE_MAP:
    return read_children(r, a, CQL_TYPE_MAP, 2, depth);
  case CQL_TYPE_TUPLE:
    return read_tuple(r, a, depth);
  case CQL_TYPE_UDT:
    return read_udt(r, a, depth);
  default: {
    const cql_type *t = cql_type_native((cql_type_id)id);
    if (!t)
      cql_rd_fail(r, CQL_E_BAD_TYPE, "unknown [option] type id");
    return t;
  }
  }
}

const cql_type *cql_type_read_option(cql_rd *r, cql_arena *arena) {
  if (!cql_rd_ok(r))
    return NULL;
  return read_at(r, arena, 1);
}

static void write_at(cql_buf *b, const cql_type *t, int depth);

static void write_vector(cql_buf *b, const cql_type *t) {
  cql_buf_put_u16(b, CQL_TYPE_CUSTOM);
  if (t->custom_class.len) {
    cql_buf_put_string(b, t->custom_class);
    return;
  }
  cql_buf cls;
  cql_buf_init(&cls, b->mem);
  cql_type_format_class(&cls, t);
  if (cls.err != CQL_OK && b->err == CQL_OK)
    b->err = cls.err;
  cql_buf_put_string(b, (cql_slice){cls.data, cls.len});
  cql_buf_free(&cls);
}

static void write_udt(cql_buf *b, const cql_type *t, int depth) {
  cql_buf_put_string(b, t->udt_keyspace);
  cql_buf_put_string(b, t->udt_name);
  cql_buf_put_u16(b, (uint16_t)t->n_children);
  for (uint32_t i = 0; i < t->n_children; i++) {
    cql_buf_put_string(b, t->field_names[i]);
    write_at(b, t->children[i], depth + 1);
  }
}

static void write_at(cql_buf *b, const cql_type *t, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH || !t ||
      ((t->id == CQL_TYPE_UDT || t->id == CQL_TYPE_TUPLE) && t->n_children > UINT16_MAX)) {
    if (b->err == CQL_OK)
      b->err = depth > CQL_TYPE_MAX_DEPTH ? CQL_E_TOO_DEEP : CQL_E_BAD_TYPE;
    return;
  }
  if (t->id == CQL_TYPE_VECTOR) {
    write_vector(b, t);
    return;
  }
  cql_buf_put_u16(b, (uint16_t)t->id);
  switch (t->id) {
  case CQL_TYPE_CUSTOM:
    cql_buf_put_string(b, t->custom_class);
    break;
  case CQL_TYPE_TUPLE:
    cql_buf_put_u16(b, (uint16_t)t->n_children);
    /* fall through */
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
  case CQL_TYPE_MAP:
    for (uint32_t i = 0; i < t->n_children; i++)
      write_at(b, t->children[i], depth + 1);
    break;
  case CQL_TYPE_UDT:
    write_udt(b, t, depth);
    break;
  default:
    break;
  }
}

void cql_type_write_option(cql_buf *b, const cql_type *t) { write_at(b, t, 1); }
