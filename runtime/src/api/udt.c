/* The UDT decoder registry: a small list searched by keyspace and name. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"
#include "type.h"

typedef struct udt_entry {
  char *keyspace; /* "" matches any keyspace */
  char *name;
  size_t struct_size;
  cql_udt_decode_fn fn;
  void *ud;
} udt_entry;

struct cql_udt_registry {
  cql_mem mem;
  udt_entry *entries;
  size_t n, cap;
};

cql_status cql_udt_registry_new(cql_udt_registry **out, const cql_mem *mem) {
  if (!out)
    return CQL_E_INVALID_ARG;
  mem = cql_mem_or_default(mem);
  cql_udt_registry *reg = cql_malloc(mem, sizeof(*reg));
  if (!(*out = reg))
    return CQL_E_NOMEM;
  memset(reg, 0, sizeof(*reg));
  reg->mem = *mem;
  return CQL_OK;
}

void cql_udt_registry_free(cql_udt_registry *reg) {
  if (!reg)
    return;
  for (size_t i = 0; i < reg->n; i++) {
    cql_free(&reg->mem, reg->entries[i].keyspace);
    cql_free(&reg->mem, reg->entries[i].name);
  }
  cql_free(&reg->mem, reg->entries);
  cql_mem mem = reg->mem;
  cql_free(&mem, reg);
}

/* Exact keyspace matches win over wildcard ones. */
static const udt_entry *find(const cql_udt_registry *reg, cql_slice ks, cql_slice name) {
  const udt_entry *any = NULL;
  for (size_t i = 0; i < reg->n; i++) {
    const udt_entry *e = &reg->entries[i];
    if (!cql_slice_eq_cstr(name, e->name))
      continue;
    if (cql_slice_eq_cstr(ks, e->keyspace))
      return e;
    if (!*e->keyspace && !any)
      any = e;
  }
  return any;
}

static bool exists(const cql_udt_registry *reg, const char *ks, const char *name) {
  for (size_t i = 0; i < reg->n; i++)
    if (!strcmp(reg->entries[i].keyspace, ks) && !strcmp(reg->entries[i].name, name))
      return true;
  return false;
}

static bool grow(cql_udt_registry *reg) {
  if (reg->n < reg->cap)
    return true;
  size_t cap = reg->cap ? reg->cap * 2 : 8;
  udt_entry *p = cql_realloc(&reg->mem, reg->entries, cap * sizeof(*p));
  if (!p)
    return false;
  reg->entries = p;
  reg->cap = cap;
  return true;
}

cql_status cql_udt_registry_add(cql_udt_registry *reg, const char *keyspace, const char *type_name,
                                size_t struct_size, cql_udt_decode_fn fn, void *ud) {
  if (!reg || !type_name || !*type_name || !fn || struct_size == 0)
    return CQL_E_INVALID_ARG;
  const char *ks = keyspace ? keyspace : "";
  if (exists(reg, ks, type_name))
    return CQL_E_INVALID_ARG;
  if (!grow(reg))
    return CQL_E_NOMEM;
  udt_entry e = {.struct_size = struct_size, .fn = fn, .ud = ud};
  e.keyspace = cql_api_strdup(&reg->mem, ks);
  e.name = cql_api_strdup(&reg->mem, type_name);
  if (!e.keyspace || !e.name) {
    cql_free(&reg->mem, e.keyspace);
    cql_free(&reg->mem, e.name);
    return CQL_E_NOMEM;
  }
  reg->entries[reg->n++] = e;
  return CQL_OK;
}

cql_status cql_udt_registry_decode(const cql_udt_registry *reg, const cql_type *type,
                                   cql_slice value, void *out, size_t out_size) {
  if (!reg || !type || !out)
    return CQL_E_INVALID_ARG;
  type = cql_type_resolve(type);
  if (type->id != CQL_TYPE_UDT)
    return CQL_E_TYPE_MISMATCH;
  const udt_entry *e = find(reg, type->udt_keyspace, type->udt_name);
  if (!e)
    return CQL_E_NOT_FOUND;
  if (e->struct_size != out_size)
    return CQL_E_INVALID_ARG;
  return e->fn(type, value, out, e->ud);
}
