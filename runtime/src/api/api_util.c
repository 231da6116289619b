/* Small helpers shared by the api files: copying type trees and column
 * specs out of a reply, string duplication, and the type checks that let a
 * bind or a getter refuse a value of the wrong type before the server does. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"
#include "type.h"
#include "value.h"

static bool slice_copy(cql_arena *a, cql_slice in, cql_slice *out) {
  out->len = in.len;
  out->ptr = NULL;
  if (in.len == 0)
    return true;
  uint8_t *p = cql_arena_alloc(a, in.len);
  if (!p)
    return false;
  memcpy(p, in.ptr, in.len);
  out->ptr = p;
  return true;
}

static bool copy_children(const cql_type *t, cql_type *c, cql_arena *a, int depth) {
  if (t->n_children == 0)
    return true;
  const cql_type **kids = cql_arena_calloc(a, t->n_children, sizeof(*kids));
  if (!kids)
    return false;
  for (uint32_t i = 0; i < t->n_children; i++)
    if (!(kids[i] = cql_api_type_copy(t->children[i], a, depth + 1)))
      return false;
  c->children = kids;
  if (t->id != CQL_TYPE_UDT || !t->field_names)
    return true;
  cql_slice *names = cql_arena_calloc(a, t->n_children, sizeof(*names));
  if (!names)
    return false;
  for (uint32_t i = 0; i < t->n_children; i++)
    if (!slice_copy(a, t->field_names[i], &names[i]))
      return false;
  c->field_names = names;
  return true;
}

const cql_type *cql_api_type_copy(const cql_type *t, cql_arena *arena, int depth) {
  if (!t || depth > CQL_TYPE_MAX_DEPTH)
    return NULL;
  if (cql_type_native(t->id) == t)
    return t; /* static, shared */
  cql_type *c = cql_arena_alloc(arena, sizeof(*c));
  if (!c)
    return NULL;
  *c = *t;
  c->children = NULL;
  c->field_names = NULL;
  if (!slice_copy(arena, t->custom_class, &c->custom_class) ||
      !slice_copy(arena, t->udt_keyspace, &c->udt_keyspace) ||
      !slice_copy(arena, t->udt_name, &c->udt_name) || !copy_children(t, c, arena, depth))
    return NULL;
  return c;
}

cql_column_spec *cql_api_columns_copy(const cql_column_spec *cols, uint32_t n, cql_arena *arena) {
  cql_column_spec *out = cql_arena_calloc(arena, n ? n : 1, sizeof(*out));
  if (!out)
    return NULL;
  for (uint32_t i = 0; i < n; i++) {
    if (!slice_copy(arena, cols[i].keyspace, &out[i].keyspace) ||
        !slice_copy(arena, cols[i].table, &out[i].table) ||
        !slice_copy(arena, cols[i].name, &out[i].name))
      return NULL;
    if (cols[i].type && !(out[i].type = cql_api_type_copy(cols[i].type, arena, 0)))
      return NULL;
  }
  return out;
}

char *cql_api_arena_strdup(cql_arena *arena, cql_slice s) {
  char *p = cql_arena_alloc(arena, s.len + 1);
  if (!p)
    return NULL;
  if (s.len)
    memcpy(p, s.ptr, s.len);
  p[s.len] = '\0';
  return p;
}

char *cql_api_strdup(const cql_mem *mem, const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *p = cql_malloc(mem, n);
  if (p)
    memcpy(p, s, n);
  return p;
}

/* Which column types a binder or getter for `want` serves. */
static bool accepts(cql_type_id have, cql_type_id want) {
  if (have == want)
    return true;
  switch (want) {
  case CQL_TYPE_BIGINT:
    return have == CQL_TYPE_COUNTER || have == CQL_TYPE_TIMESTAMP || have == CQL_TYPE_TIME;
  case CQL_TYPE_VARCHAR:
    return have == CQL_TYPE_ASCII;
  case CQL_TYPE_BLOB:
    return have == CQL_TYPE_CUSTOM;
  case CQL_TYPE_UUID:
    return have == CQL_TYPE_TIMEUUID;
  case CQL_TYPE_LIST: /* "has elements" */
    return cql_type_is_composite(have);
  default:
    return false;
  }
}

bool cql_api_type_accepts(const cql_type *t, cql_type_id want) {
  if (!t)
    return false;
  return accepts(cql_type_resolve(t)->id, want);
}

cql_status cql_api_value_check(const cql_type *t, cql_slice value, const cql_mem *mem) {
  cql_arena arena;
  cql_arena_init(&arena, mem);
  cql_value v;
  cql_status st = cql_value_decode(t, value, &arena, &v);
  cql_arena_free(&arena);
  return st;
}
