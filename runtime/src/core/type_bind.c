/* Resolving the UDT references that CQL type syntax leaves open. */
#include <string.h>

#include "type_impl.h"

static cql_status bind_at(const cql_type *t, cql_udt_lookup lookup, void *ud, cql_arena *a,
                          int depth, const cql_type **out);

static cql_status bind_reference(const cql_type *t, cql_udt_lookup lookup, void *ud, cql_arena *a,
                                 const cql_type **out) {
  const cql_type *def = lookup(ud, t->udt_keyspace, t->udt_name);
  if (!def || def->id != CQL_TYPE_UDT)
    return CQL_E_NOT_FOUND;
  if (def->frozen == t->frozen) {
    *out = def;
    return CQL_OK;
  }
  cql_type *copy = cql_arena_alloc(a, sizeof(*copy));
  if (!copy)
    return CQL_E_NOMEM;
  *copy = *def;
  copy->frozen = t->frozen;
  *out = copy;
  return CQL_OK;
}

/* A composite: children bound one by one; copied only if one changed. */
static cql_status bind_children(const cql_type *t, cql_udt_lookup lookup, void *ud, cql_arena *a,
                                int depth, const cql_type **out) {
  const cql_type **kids = NULL;
  for (uint32_t i = 0; i < t->n_children; i++) {
    const cql_type *k;
    cql_status st = bind_at(t->children[i], lookup, ud, a, depth + 1, &k);
    if (st != CQL_OK)
      return st;
    if (k != t->children[i] && !kids) {
      kids = cql_arena_calloc(a, t->n_children, sizeof(*kids));
      if (!kids)
        return CQL_E_NOMEM;
      memcpy(kids, t->children, i * sizeof(*kids));
    }
    if (kids)
      kids[i] = k;
  }
  *out = t;
  if (!kids)
    return CQL_OK;
  cql_type *copy = cql_arena_alloc(a, sizeof(*copy));
  if (!copy)
    return CQL_E_NOMEM;
  *copy = *t;
  copy->children = kids;
  *out = copy;
  return CQL_OK;
}

static cql_status bind_at(const cql_type *t, cql_udt_lookup lookup, void *ud, cql_arena *a,
                          int depth, const cql_type **out) {
  if (depth > CQL_TYPE_MAX_DEPTH)
    return CQL_E_TOO_DEEP;
  if (!t)
    return CQL_E_BAD_TYPE;
  if (t->id == CQL_TYPE_UDT && t->n_children == 0)
    return bind_reference(t, lookup, ud, a, out);
  return bind_children(t, lookup, ud, a, depth, out);
}

cql_status cql_type_bind_udts(const cql_type *t, cql_udt_lookup lookup, void *ud, cql_arena *arena,
                              const cql_type **out) {
  *out = NULL;
  const cql_type *r;
  cql_status st = bind_at(t, lookup, ud, arena, 1, &r);
  if (st == CQL_OK)
    *out = r;
  return st;
}
