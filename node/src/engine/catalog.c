#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "type.h"

static cql_slice slice_dup(cql_arena *a, cql_slice s) {
  uint8_t *p = cql_arena_alloc(a, s.len ? s.len : 1);
  if (!p)
    return (cql_slice){NULL, 0};
  if (s.len)
    memcpy(p, s.ptr, s.len);
  return (cql_slice){p, s.len};
}

static bool grow(const cql_mem *mem, void **arr, uint32_t *cap, uint32_t n, size_t size) {
  if (n < *cap)
    return true;
  uint32_t ncap = *cap ? *cap * 2 : 8;
  void *na = cql_realloc(mem, *arr, (size_t)ncap * size);
  if (!na)
    return false;
  *arr = na;
  *cap = ncap;
  return true;
}

void cql_catalog_init(cql_catalog *c, const cql_mem *mem) {
  memset(c, 0, sizeof(*c));
  c->mem = cql_mem_or_default(mem);
}

static void keyspace_free(const cql_mem *mem, cql_keyspace *k) {
  for (uint32_t i = 0; i < k->n_tables; i++)
    cql_table_free(mem, k->tables[i]);
  for (uint32_t i = 0; i < k->n_types; i++)
    cql_udt_free(mem, k->types[i]);
  cql_free(mem, k->tables);
  cql_free(mem, k->types);
  cql_arena_free(&k->arena);
  cql_free(mem, k);
}

void cql_catalog_free(cql_catalog *c) {
  for (uint32_t i = 0; i < c->n_ks; i++)
    keyspace_free(c->mem, c->ks[i]);
  cql_free(c->mem, c->ks);
  c->ks = NULL;
  c->n_ks = c->cap_ks = 0;
}

cql_keyspace *cql_catalog_keyspace(const cql_catalog *c, cql_slice name) {
  for (uint32_t i = 0; i < c->n_ks; i++)
    if (cql_slice_eq(c->ks[i]->name, name))
      return c->ks[i];
  return NULL;
}

cql_table *cql_catalog_table(const cql_catalog *c, cql_slice ks, cql_slice name) {
  cql_keyspace *k = cql_catalog_keyspace(c, ks);
  if (!k)
    return NULL;
  for (uint32_t i = 0; i < k->n_tables; i++)
    if (cql_slice_eq(k->tables[i]->name, name))
      return k->tables[i];
  return NULL;
}

cql_udt *cql_catalog_udt(const cql_catalog *c, cql_slice ks, cql_slice name) {
  cql_keyspace *k = cql_catalog_keyspace(c, ks);
  if (!k)
    return NULL;
  for (uint32_t i = 0; i < k->n_types; i++)
    if (cql_slice_eq(k->types[i]->name, name))
      return k->types[i];
  return NULL;
}

const cql_column *cql_table_column(const cql_table *t, cql_slice name) {
  for (uint32_t i = 0; i < t->n_cols; i++)
    if (cql_slice_eq(t->cols[i].name, name))
      return &t->cols[i];
  return NULL;
}

cql_keyspace *cql_catalog_add_keyspace(cql_catalog *c, cql_slice name) {
  if (!grow(c->mem, (void **)&c->ks, &c->cap_ks, c->n_ks, sizeof(cql_keyspace *)))
    return NULL;
  cql_keyspace *k = cql_malloc(c->mem, sizeof(*k));
  if (!k)
    return NULL;
  memset(k, 0, sizeof(*k));
  cql_arena_init(&k->arena, c->mem);
  k->name = slice_dup(&k->arena, name);
  k->durable_writes = true;
  if (!k->name.ptr) {
    keyspace_free(c->mem, k);
    return NULL;
  }
  c->ks[c->n_ks++] = k;
  return k;
}

bool cql_keyspace_set_replication(cql_keyspace *k, const cql_pair *pairs, uint32_t n) {
  cql_pair *r = cql_arena_calloc(&k->arena, n ? n : 1, sizeof(cql_pair));
  if (!r)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    r[i].key = slice_dup(&k->arena, pairs[i].key);
    r[i].value = slice_dup(&k->arena, pairs[i].value);
    if (!r[i].key.ptr || !r[i].value.ptr)
      return false;
  }
  k->replication = r;
  k->n_replication = n;
  return true;
}

void cql_catalog_drop_keyspace(cql_catalog *c, cql_keyspace *k,
                               void (*on_table)(cql_table *t, void *ud), void *ud) {
  for (uint32_t i = 0; i < c->n_ks; i++) {
    if (c->ks[i] != k)
      continue;
    memmove(&c->ks[i], &c->ks[i + 1], (c->n_ks - i - 1) * sizeof(c->ks[0]));
    c->n_ks--;
    break;
  }
  if (on_table)
    for (uint32_t i = 0; i < k->n_tables; i++)
      on_table(k->tables[i], ud);
  keyspace_free(c->mem, k);
}

/* ---- types: copy and resolve ----------------------------------------- */

static cql_type *type_node(cql_arena *a, const cql_type *src, const cql_type ***kids) {
  cql_type *t = cql_arena_alloc(a, sizeof(*t));
  if (!t)
    return NULL;
  *t = *src;
  t->children = NULL;
  t->field_names = NULL;
  if (src->n_children) {
    const cql_type **k = cql_arena_calloc(a, src->n_children, sizeof(cql_type *));
    if (!k)
      return NULL;
    t->children = k;
    *kids = k;
  }
  t->custom_class = slice_dup(a, src->custom_class);
  t->udt_keyspace = slice_dup(a, src->udt_keyspace);
  t->udt_name = slice_dup(a, src->udt_name);
  return t;
}

static bool is_static_native(const cql_type *t) { return t == cql_type_native(t->id); }

static const cql_type *type_copy(cql_arena *a, const cql_type *src, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH)
    return NULL;
  if (is_static_native(src))
    return src;
  const cql_type **kids = NULL;
  cql_type *t = type_node(a, src, &kids);
  if (!t)
    return NULL;
  for (uint32_t i = 0; i < src->n_children; i++)
    if (!(kids[i] = type_copy(a, src->children[i], depth + 1)))
      return NULL;
  if (src->field_names) {
    cql_slice *f = cql_arena_calloc(a, src->n_children, sizeof(cql_slice));
    if (!f)
      return NULL;
    for (uint32_t i = 0; i < src->n_children; i++)
      f[i] = slice_dup(a, src->field_names[i]);
    t->field_names = f;
  }
  return t;
}

typedef struct resolver {
  const cql_catalog *c;
  cql_slice ks;
  cql_arena *arena;
  char *err;
  size_t err_len;
} resolver;

static const cql_type *resolve(resolver *r, const cql_type *raw, int depth);

static const cql_type *resolve_udt(resolver *r, const cql_type *raw, int depth) {
  cql_slice ks = raw->udt_keyspace.len ? raw->udt_keyspace : r->ks;
  if (raw->udt_keyspace.len && !cql_slice_eq(raw->udt_keyspace, r->ks)) {
    snprintf(r->err, r->err_len,
             "Statement on keyspace %.*s cannot refer to a user type in keyspace %.*s; user types "
             "can only be used in the keyspace they are defined in",
             (int)r->ks.len, (const char *)r->ks.ptr, (int)ks.len, (const char *)ks.ptr);
    return NULL;
  }
  const cql_udt *u = cql_catalog_udt(r->c, ks, raw->udt_name);
  if (!u || !u->type) {
    snprintf(r->err, r->err_len, "Unknown type %.*s.%.*s", (int)ks.len, (const char *)ks.ptr,
             (int)raw->udt_name.len, (const char *)raw->udt_name.ptr);
    return NULL;
  }
  const cql_type *copy = type_copy(r->arena, u->type, depth);
  cql_type *t = copy ? cql_arena_alloc(r->arena, sizeof(*t)) : NULL;
  if (!t)
    return NULL;
  *t = *copy;
  t->frozen = raw->frozen;
  return t;
}

static const cql_type *resolve(resolver *r, const cql_type *raw, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH) {
    snprintf(r->err, r->err_len, "Type nested too deeply");
    return NULL;
  }
  if (raw->id == CQL_TYPE_UDT && !raw->field_names)
    return resolve_udt(r, raw, depth);
  if (is_static_native(raw))
    return raw;
  const cql_type **kids = NULL;
  cql_type *t = type_node(r->arena, raw, &kids);
  if (!t) {
    snprintf(r->err, r->err_len, "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < raw->n_children; i++)
    if (!(kids[i] = resolve(r, raw->children[i], depth + 1)))
      return NULL;
  if (raw->field_names) {
    cql_slice *f = cql_arena_calloc(r->arena, raw->n_children, sizeof(cql_slice));
    if (!f)
      return NULL;
    for (uint32_t i = 0; i < raw->n_children; i++)
      f[i] = slice_dup(r->arena, raw->field_names[i]);
    t->field_names = f;
  }
  return t;
}

const cql_type *cql_catalog_resolve(const cql_catalog *c, cql_slice ks, const cql_type *raw,
                                    cql_arena *arena, char *err, size_t err_len) {
  resolver r = {c, ks, arena, err, err_len};
  return resolve(&r, raw, 0);
}

bool cql_type_uses_udt(const cql_type *t, cql_slice ks, cql_slice name) {
  if (t->id == CQL_TYPE_UDT && cql_slice_eq(t->udt_name, name) &&
      (!t->udt_keyspace.len || cql_slice_eq(t->udt_keyspace, ks)))
    return true;
  for (uint32_t i = 0; i < t->n_children; i++)
    if (cql_type_uses_udt(t->children[i], ks, name))
      return true;
  return false;
}

/* ---- tables ---------------------------------------------------------- */

cql_table *cql_table_new(const cql_mem *mem, cql_slice ks, cql_slice name) {
  mem = cql_mem_or_default(mem);
  cql_table *t = cql_malloc(mem, sizeof(*t));
  if (!t)
    return NULL;
  memset(t, 0, sizeof(*t));
  cql_arena_init(&t->arena, mem);
  t->keyspace = slice_dup(&t->arena, ks);
  t->name = slice_dup(&t->arena, name);
  t->gc_grace_seconds = 864000;
  t->comment = (cql_slice){(const uint8_t *)"", 0};
  if (!t->keyspace.ptr || !t->name.ptr) {
    cql_table_free(mem, t);
    return NULL;
  }
  return t;
}

void cql_table_free(const cql_mem *mem, cql_table *t) {
  if (!t)
    return;
  mem = cql_mem_or_default(mem);
  cql_arena_free(&t->arena);
  cql_free(mem, t);
}

cql_slice cql_table_strdup(cql_table *t, cql_slice s) { return slice_dup(&t->arena, s); }

cql_column *cql_table_add_column(cql_table *t, cql_slice name, const cql_type *raw_type,
                                 cql_col_kind kind, int32_t position, bool desc) {
  if (t->n_cols == t->cap_cols) {
    uint32_t ncap = t->cap_cols ? t->cap_cols * 2 : 16;
    cql_column *nc = cql_arena_calloc(&t->arena, ncap, sizeof(cql_column));
    if (!nc)
      return NULL;
    if (t->n_cols)
      memcpy(nc, t->cols, t->n_cols * sizeof(cql_column));
    t->cols = nc;
    t->cap_cols = ncap;
  }
  cql_column *c = &t->cols[t->n_cols];
  c->name = slice_dup(&t->arena, name);
  c->raw_type = type_copy(&t->arena, raw_type, 0);
  c->kind = (uint8_t)kind;
  c->position = position;
  c->desc = desc;
  c->slot = t->n_slots;
  if (!c->name.ptr || !c->raw_type)
    return NULL;
  t->n_cols++;
  t->n_slots++;
  return c;
}

bool cql_table_remove_column(cql_table *t, cql_slice name) {
  for (uint32_t i = 0; i < t->n_cols; i++) {
    if (cql_slice_eq(t->cols[i].name, name)) {
      memmove(&t->cols[i], &t->cols[i + 1], (t->n_cols - i - 1) * sizeof(cql_column));
      t->n_cols--;
      return true;
    }
  }
  return false;
}

bool cql_table_set_compaction(cql_table *t, const cql_pair *pairs, uint32_t n) {
  t->compaction = NULL;
  t->n_compaction = 0;
  if (!n)
    return true;
  cql_pair *c = cql_arena_calloc(&t->arena, n, sizeof(*c));
  if (!c)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    c[i].key = slice_dup(&t->arena, pairs[i].key);
    c[i].value = slice_dup(&t->arena, pairs[i].value);
    if ((pairs[i].key.len && !c[i].key.ptr) || (pairs[i].value.len && !c[i].value.ptr))
      return false;
  }
  t->compaction = c;
  t->n_compaction = n;
  return true;
}

cql_table *cql_table_clone(const cql_mem *mem, const cql_table *src) {
  cql_table *t = cql_table_new(mem, src->keyspace, src->name);
  if (!t)
    return NULL;
  t->id = src->id;
  t->counter = src->counter;
  t->virtual_ = src->virtual_;
  t->key_ordered = src->key_ordered;
  t->comment = slice_dup(&t->arena, src->comment);
  t->default_ttl = src->default_ttl;
  t->gc_grace_seconds = src->gc_grace_seconds;
  t->memtable_flush_period_ms = src->memtable_flush_period_ms;
  if (!cql_table_set_compaction(t, src->compaction, src->n_compaction)) {
    cql_table_free(mem, t);
    return NULL;
  }
  t->data = src->data;
  for (uint32_t i = 0; i < src->n_cols; i++) {
    const cql_column *c = &src->cols[i];
    cql_column *n =
        cql_table_add_column(t, c->name, c->raw_type, (cql_col_kind)c->kind, c->position, c->desc);
    if (!n) {
      cql_table_free(mem, t);
      return NULL;
    }
    n->slot = c->slot;
  }
  t->n_slots = src->n_slots;
  return t;
}

static int name_cmp(cql_slice a, cql_slice b) {
  size_t n = a.len < b.len ? a.len : b.len;
  int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
  if (c)
    return c;
  return a.len < b.len ? -1 : a.len > b.len;
}

static int col_cmp(const void *a, const void *b) {
  const cql_column *x = *(const cql_column *const *)a;
  const cql_column *y = *(const cql_column *const *)b;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->kind <= CQL_COL_CLUSTERING)
    return x->position < y->position ? -1 : x->position > y->position;
  return name_cmp(x->name, y->name);
}

bool cql_table_finish(cql_table *t, const cql_catalog *c, char *err, size_t err_len) {
  const cql_column **star =
      cql_arena_calloc(&t->arena, t->n_cols ? t->n_cols : 1, sizeof(cql_column *));
  if (!star) {
    snprintf(err, err_len, "out of memory");
    return false;
  }
  t->n_pk = t->n_ck = 0;
  t->counter = false;
  for (uint32_t i = 0; i < t->n_cols; i++) {
    cql_column *col = &t->cols[i];
    col->type = cql_catalog_resolve(c, t->keyspace, col->raw_type, &t->arena, err, err_len);
    if (!col->type)
      return false;
    if (col->type->id == CQL_TYPE_COUNTER)
      t->counter = true;
    t->n_pk += col->kind == CQL_COL_PARTITION;
    t->n_ck += col->kind == CQL_COL_CLUSTERING;
    star[i] = col;
  }
  qsort(star, t->n_cols, sizeof(star[0]), col_cmp);
  t->star = star;
  t->n_star = t->n_cols;
  t->pk = star;
  t->ck = star + t->n_pk;
  return true;
}

bool cql_keyspace_put_table(cql_keyspace *k, const cql_mem *mem, cql_table *t) {
  mem = cql_mem_or_default(mem);
  for (uint32_t i = 0; i < k->n_tables; i++) {
    if (cql_slice_eq(k->tables[i]->name, t->name)) {
      if (k->tables[i] != t)
        cql_table_free(mem, k->tables[i]);
      k->tables[i] = t;
      return true;
    }
  }
  if (!grow(mem, (void **)&k->tables, &k->cap_tables, k->n_tables, sizeof(cql_table *)))
    return false;
  k->tables[k->n_tables++] = t;
  return true;
}

cql_table *cql_keyspace_take_table(cql_keyspace *k, cql_slice name) {
  for (uint32_t i = 0; i < k->n_tables; i++) {
    if (cql_slice_eq(k->tables[i]->name, name)) {
      cql_table *t = k->tables[i];
      memmove(&k->tables[i], &k->tables[i + 1], (k->n_tables - i - 1) * sizeof(cql_table *));
      k->n_tables--;
      return t;
    }
  }
  return NULL;
}

/* ---- user types ------------------------------------------------------ */

cql_udt *cql_udt_new(const cql_mem *mem, cql_slice ks, cql_slice name, uint32_t n_fields) {
  mem = cql_mem_or_default(mem);
  cql_udt *u = cql_malloc(mem, sizeof(*u));
  if (!u)
    return NULL;
  memset(u, 0, sizeof(*u));
  cql_arena_init(&u->arena, mem);
  u->keyspace = slice_dup(&u->arena, ks);
  u->name = slice_dup(&u->arena, name);
  u->n_fields = n_fields;
  u->field_names = cql_arena_calloc(&u->arena, n_fields ? n_fields : 1, sizeof(cql_slice));
  u->raw_types = cql_arena_calloc(&u->arena, n_fields ? n_fields : 1, sizeof(cql_type *));
  if (!u->keyspace.ptr || !u->name.ptr || !u->field_names || !u->raw_types) {
    cql_udt_free(mem, u);
    return NULL;
  }
  return u;
}

void cql_udt_free(const cql_mem *mem, cql_udt *u) {
  if (!u)
    return;
  cql_arena_free(&u->arena);
  cql_free(cql_mem_or_default(mem), u);
}

bool cql_udt_set_field(cql_udt *u, uint32_t i, cql_slice name, const cql_type *raw) {
  u->field_names[i] = slice_dup(&u->arena, name);
  u->raw_types[i] = type_copy(&u->arena, raw, 0);
  return u->field_names[i].ptr && u->raw_types[i];
}

bool cql_udt_finish(cql_udt *u, const cql_catalog *c, char *err, size_t err_len) {
  cql_type *t = cql_arena_alloc(&u->arena, sizeof(*t));
  const cql_type **kids =
      cql_arena_calloc(&u->arena, u->n_fields ? u->n_fields : 1, sizeof(cql_type *));
  if (!t || !kids) {
    snprintf(err, err_len, "out of memory");
    return false;
  }
  for (uint32_t i = 0; i < u->n_fields; i++) {
    kids[i] = cql_catalog_resolve(c, u->keyspace, u->raw_types[i], &u->arena, err, err_len);
    if (!kids[i])
      return false;
  }
  t->id = CQL_TYPE_UDT;
  t->n_children = u->n_fields;
  t->children = kids;
  t->udt_keyspace = u->keyspace;
  t->udt_name = u->name;
  t->field_names = u->field_names;
  u->type = t;
  return true;
}

bool cql_keyspace_put_udt(cql_keyspace *k, const cql_mem *mem, cql_udt *u) {
  mem = cql_mem_or_default(mem);
  for (uint32_t i = 0; i < k->n_types; i++) {
    if (cql_slice_eq(k->types[i]->name, u->name)) {
      if (k->types[i] != u)
        cql_udt_free(mem, k->types[i]);
      k->types[i] = u;
      return true;
    }
  }
  if (!grow(mem, (void **)&k->types, &k->cap_types, k->n_types, sizeof(cql_udt *)))
    return false;
  k->types[k->n_types++] = u;
  return true;
}

cql_udt *cql_keyspace_take_udt(cql_keyspace *k, cql_slice name) {
  for (uint32_t i = 0; i < k->n_types; i++) {
    if (cql_slice_eq(k->types[i]->name, name)) {
      cql_udt *u = k->types[i];
      memmove(&k->types[i], &k->types[i + 1], (k->n_types - i - 1) * sizeof(cql_udt *));
      k->n_types--;
      return u;
    }
  }
  return NULL;
}

/* ---- schema version -------------------------------------------------- */

static void digest_slice(cql_md5 *m, cql_slice s) {
  uint8_t len[4] = {(uint8_t)(s.len >> 24), (uint8_t)(s.len >> 16), (uint8_t)(s.len >> 8),
                    (uint8_t)s.len};
  cql_md5_update(m, len, 4);
  if (s.len)
    cql_md5_update(m, s.ptr, s.len);
}

static void digest_type(cql_md5 *m, const cql_type *t, int depth) {
  uint8_t hdr[6] = {(uint8_t)(t->id >> 16), (uint8_t)(t->id >> 8), (uint8_t)t->id, t->frozen,
                    (uint8_t)t->n_children, (uint8_t)t->dimension};
  cql_md5_update(m, hdr, sizeof(hdr));
  digest_slice(m, t->udt_name);
  if (depth < CQL_TYPE_MAX_DEPTH)
    for (uint32_t i = 0; i < t->n_children; i++)
      digest_type(m, t->children[i], depth + 1);
}

void cql_catalog_changed(cql_catalog *c) {
  cql_md5 m;
  cql_md5_init(&m);
  for (uint32_t i = 0; i < c->n_ks; i++) {
    const cql_keyspace *k = c->ks[i];
    digest_slice(&m, k->name);
    for (uint32_t j = 0; j < k->n_replication; j++) {
      digest_slice(&m, k->replication[j].key);
      digest_slice(&m, k->replication[j].value);
    }
    for (uint32_t j = 0; j < k->n_types; j++) {
      digest_slice(&m, k->types[j]->name);
      for (uint32_t f = 0; f < k->types[j]->n_fields; f++) {
        digest_slice(&m, k->types[j]->field_names[f]);
        digest_type(&m, k->types[j]->raw_types[f], 0);
      }
    }
    for (uint32_t j = 0; j < k->n_tables; j++) {
      const cql_table *t = k->tables[j];
      digest_slice(&m, t->name);
      for (uint32_t col = 0; col < t->n_star; col++) {
        digest_slice(&m, t->star[col]->name);
        digest_type(&m, t->star[col]->raw_type, 0);
      }
    }
  }
  cql_md5_final(&m, c->schema_version.bytes);
  c->schema_version.bytes[6] = (uint8_t)((c->schema_version.bytes[6] & 0x0f) | 0x30);
  c->schema_version.bytes[8] = (uint8_t)((c->schema_version.bytes[8] & 0x3f) | 0x80);
  c->generation++;
}
