/* USE and the schema statements: keyspaces, tables, user types. */
#include <stdio.h>
#include <string.h>

#include "engine_impl.h"
#include "literal.h"
#include "type.h"

#define SL(s) (int)(s).len, (const char *)(s).ptr

static cql_slice ks_of(cql_exec *x, const cql_ast_name *n, const cql_bound *b) {
  (void)x;
  return n->keyspace.len ? n->keyspace : b->keyspace;
}

static bool need_keyspace(cql_exec *x, cql_slice ks) {
  if (ks.len)
    return true;
  return cql_fail(x, CQL_SERVER_INVALID,
                  "No keyspace has been specified. USE a keyspace, or explicitly specify "
                  "keyspace.tablename");
}

static bool valid_name(cql_slice s) {
  if (s.len == 0 || s.len > 48)
    return false;
  for (size_t i = 0; i < s.len; i++) {
    uint8_t c = s.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

static bool not_modifiable(cql_exec *x, const cql_keyspace *k) {
  return cql_fail(x, CQL_SERVER_UNAUTHORIZED, "%.*s keyspace is not user-modifiable.", SL(k->name));
}

/* ---- option values ------------------------------------------------------ */

/* The text of a constant option value ('x', 1, true). */
static bool option_text(cql_exec *x, const cql_term *t, cql_slice *out) {
  switch (t->kind) {
  case CQL_TERM_STRING:
  case CQL_TERM_INT:
  case CQL_TERM_FLOAT:
  case CQL_TERM_UUID:
  case CQL_TERM_DURATION:
    *out = t->text;
    return true;
  case CQL_TERM_BOOL:
    *out = cql_slice_from_cstr(t->boolean ? "true" : "false");
    return true;
  default:
    return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Invalid value for property");
  }
}

static bool option_bool(cql_exec *x, const cql_ast_option *o, bool *out) {
  cql_slice s;
  if (!option_text(x, o->value, &s))
    return false;
  if (cql_slice_eq_cstr(s, "true") || cql_slice_eq_cstr(s, "TRUE")) {
    *out = true;
    return true;
  }
  if (cql_slice_eq_cstr(s, "false") || cql_slice_eq_cstr(s, "FALSE")) {
    *out = false;
    return true;
  }
  return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Invalid boolean value %.*s for '%.*s' property",
                  SL(s), SL(o->name));
}

static bool option_int(cql_exec *x, const cql_ast_option *o, int64_t lo, int64_t hi, int32_t *out) {
  cql_slice s;
  if (!option_text(x, o->value, &s))
    return false;
  int64_t v = 0;
  bool neg = s.len && s.ptr[0] == '-';
  size_t i = neg ? 1 : 0;
  if (i == s.len)
    return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Invalid integer value for '%.*s'", SL(o->name));
  for (; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9' || v > INT32_MAX)
      return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Invalid integer value %.*s for '%.*s'", SL(s),
                      SL(o->name));
    v = v * 10 + (s.ptr[i] - '0');
  }
  if (neg)
    v = -v;
  if (v < lo || v > hi)
    return cql_fail(x, CQL_SERVER_CONFIG_ERROR, "%.*s must be between %lld and %lld (got %lld)",
                    SL(o->name), (long long)lo, (long long)hi, (long long)v);
  *out = (int32_t)v;
  return true;
}

/* ---- keyspaces ---------------------------------------------------------- */

static bool replication(cql_exec *x, const cql_ast_option *o, cql_pair **out, uint32_t *n) {
  const cql_term *m = o->value;
  if (m->kind != CQL_TERM_MAP)
    return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Invalid value for property 'replication'");
  uint32_t count = m->n_items / 2;
  cql_pair *pairs = cql_arena_calloc(x->arena, count + 1, sizeof(cql_pair));
  if (!pairs)
    return cql_fail_nomem(x);
  int klass = -1;
  for (uint32_t i = 0; i < count; i++) {
    if (!option_text(x, m->items[2 * i], &pairs[i].key) ||
        !option_text(x, m->items[2 * i + 1], &pairs[i].value))
      return false;
    if (cql_slice_eq_cstr(pairs[i].key, "class"))
      klass = (int)i;
  }
  if (klass < 0)
    return cql_fail(x, CQL_SERVER_CONFIG_ERROR, "Missing replication strategy class");
  cql_slice c = pairs[klass].value;
  const char *prefix = "org.apache.cassandra.locator.";
  size_t pl = strlen(prefix);
  cql_slice shortname = c;
  if (c.len > pl && memcmp(c.ptr, prefix, pl) == 0)
    shortname = (cql_slice){c.ptr + pl, c.len - pl};
  bool simple = cql_slice_eq_cstr(shortname, "SimpleStrategy");
  bool nts = cql_slice_eq_cstr(shortname, "NetworkTopologyStrategy");
  if (!simple && !nts)
    return cql_fail(x, CQL_SERVER_CONFIG_ERROR,
                    "Unable to find replication strategy class 'org.apache.cassandra.locator.%.*s'",
                    SL(shortname));
  pairs[klass].value = cql_x_printf(x, "%s%.*s", prefix, SL(shortname));
  bool has_rf = false;
  for (uint32_t i = 0; i < count; i++) {
    if ((int)i == klass)
      continue;
    cql_slice v = pairs[i].value;
    for (size_t k = 0; k < v.len; k++)
      if ((v.ptr[k] < '0' || v.ptr[k] > '9') && v.ptr[k] != '/')
        return cql_fail(x, CQL_SERVER_CONFIG_ERROR,
                        "Replication factor must be non-negative; found %.*s", SL(v));
    if (cql_slice_eq_cstr(pairs[i].key, "replication_factor"))
      has_rf = true;
    else if (simple)
      return cql_fail(x, CQL_SERVER_CONFIG_ERROR,
                      "Unrecognized strategy option {%.*s} passed to "
                      "SimpleStrategy for keyspace",
                      SL(pairs[i].key));
  }
  if (simple && !has_rf)
    return cql_fail(x, CQL_SERVER_CONFIG_ERROR,
                    "SimpleStrategy requires a replication_factor strategy option.");
  /* system_schema lists the map sorted by key */
  for (uint32_t i = 1; i < count; i++) {
    cql_pair cur = pairs[i];
    uint32_t j = i;
    while (j > 0) {
      cql_slice a = pairs[j - 1].key;
      size_t nn = a.len < cur.key.len ? a.len : cur.key.len;
      int cmp = memcmp(a.ptr, cur.key.ptr, nn);
      if (cmp < 0 || (cmp == 0 && a.len <= cur.key.len))
        break;
      pairs[j] = pairs[j - 1];
      j--;
    }
    pairs[j] = cur;
  }
  *out = pairs;
  *n = count;
  return true;
}

static bool keyspace_options(cql_exec *x, const cql_ast_keyspace *a, cql_keyspace *k,
                             bool creating) {
  cql_pair *pairs = NULL;
  uint32_t n = 0;
  bool have_rep = false, durable = k ? k->durable_writes : true;
  for (uint32_t i = 0; i < a->n_options; i++) {
    const cql_ast_option *o = &a->options[i];
    if (cql_slice_eq_cstr(o->name, "replication")) {
      if (!replication(x, o, &pairs, &n))
        return false;
      have_rep = true;
    } else if (cql_slice_eq_cstr(o->name, "durable_writes")) {
      if (!option_bool(x, o, &durable))
        return false;
    } else {
      return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Unknown property '%.*s'", SL(o->name));
    }
  }
  if (creating && !have_rep)
    return cql_fail(x, CQL_SERVER_CONFIG_ERROR, "Missing mandatory option 'replication'");
  if (!k)
    return true;
  if (have_rep && !cql_keyspace_set_replication(k, pairs, n))
    return cql_fail_nomem(x);
  k->durable_writes = durable;
  return true;
}

static bool create_keyspace(cql_exec *x, const cql_ast_keyspace *a) {
  cql_engine *e = x->e;
  if (!valid_name(a->name))
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Keyspace name must not be empty, more than 48 characters long, or contain "
                    "non-alphanumeric-underscore characters (got \"%.*s\")",
                    SL(a->name));
  if (!keyspace_options(x, a, NULL, true))
    return false;
  if (cql_catalog_keyspace(&e->cat, a->name)) {
    if (a->if_not_exists) {
      cql_result_void(x);
      return true;
    }
    cql_fail(x, CQL_SERVER_ALREADY_EXISTS, "Cannot add existing keyspace \"%.*s\"", SL(a->name));
    x->out->u.error.keyspace = cql_x_strdup(x, a->name);
    return false;
  }
  cql_keyspace *k = cql_catalog_add_keyspace(&e->cat, a->name);
  if (!k)
    return cql_fail_nomem(x);
  if (!keyspace_options(x, a, k, true)) {
    cql_catalog_drop_keyspace(&e->cat, k, NULL, NULL);
    return false;
  }
  cql_schema_changed(e, "CREATED", "KEYSPACE", k->name, (cql_slice){NULL, 0});
  cql_exec_schema_change(x, "CREATED", "KEYSPACE", a->name, (cql_slice){NULL, 0});
  return true;
}

static bool alter_keyspace(cql_exec *x, const cql_ast_keyspace *a) {
  cql_keyspace *k = cql_catalog_keyspace(&x->e->cat, a->name);
  if (!k) {
    if (a->if_exists) {
      cql_result_void(x);
      return true;
    }
    return cql_fail(x, CQL_SERVER_INVALID, "Keyspace '%.*s' doesn't exist", SL(a->name));
  }
  if (k->system)
    return not_modifiable(x, k);
  if (!keyspace_options(x, a, k, false))
    return false;
  cql_schema_changed(x->e, "UPDATED", "KEYSPACE", k->name, (cql_slice){NULL, 0});
  cql_exec_schema_change(x, "UPDATED", "KEYSPACE", a->name, (cql_slice){NULL, 0});
  return true;
}

static void drop_table_data(cql_table *t, void *ud) {
  cql_engine *e = ud;
  cql_store_table_free(&e->store, t->data);
  t->data = NULL;
}

static bool drop_keyspace(cql_exec *x, const cql_ast_keyspace *a) {
  cql_engine *e = x->e;
  cql_keyspace *k = cql_catalog_keyspace(&e->cat, a->name);
  if (!k) {
    if (a->if_exists) {
      cql_result_void(x);
      return true;
    }
    return cql_fail(x, CQL_SERVER_INVALID, "Keyspace '%.*s' doesn't exist", SL(a->name));
  }
  if (k->system)
    return not_modifiable(x, k);
  cql_slice name = cql_x_strdup(x, k->name);
  /* Registered clients hear about every table and type going away. */
  cql_slice *tables = cql_arena_calloc(x->arena, k->n_tables + 1, sizeof(cql_slice));
  cql_slice *types = cql_arena_calloc(x->arena, k->n_types + 1, sizeof(cql_slice));
  if (!tables || !types || !name.ptr)
    return cql_fail_nomem(x);
  uint32_t nt = k->n_tables, nu = k->n_types;
  for (uint32_t i = 0; i < nt; i++)
    tables[i] = cql_x_strdup(x, k->tables[i]->name);
  for (uint32_t i = 0; i < nu; i++)
    types[i] = cql_x_strdup(x, k->types[i]->name);
  cql_evict_prepared(e, name, (cql_slice){NULL, 0}); /* before the tables go */
  cql_catalog_drop_keyspace(&e->cat, k, drop_table_data, e);
  for (uint32_t i = 0; i < nt; i++)
    cql_schema_changed(e, "DROPPED", "TABLE", name, tables[i]);
  for (uint32_t i = 0; i < nu; i++)
    cql_schema_changed(e, "DROPPED", "TYPE", name, types[i]);
  cql_schema_changed(e, "DROPPED", "KEYSPACE", name, (cql_slice){NULL, 0});
  cql_exec_schema_change(x, "DROPPED", "KEYSPACE", name, (cql_slice){NULL, 0});
  return true;
}

static bool use_keyspace(cql_exec *x, cql_slice name) {
  if (!cql_catalog_keyspace(&x->e->cat, name))
    return cql_fail(x, CQL_SERVER_INVALID, "Keyspace '%.*s' does not exist", SL(name));
  if (name.len > sizeof(x->s->keyspace))
    return cql_fail(x, CQL_SERVER_INVALID, "Keyspace name too long");
  memcpy(x->s->keyspace, name.ptr, name.len);
  x->s->keyspace_len = name.len;
  cql_result_set_keyspace(x, name);
  return true;
}

/* ---- tables --------------------------------------------------------------- */

static const char *type_name(cql_exec *x, const cql_type *t) {
  return cql_type_cql_name(x->arena, t);
}

static bool multicell(const cql_type *t) {
  return (t->id == CQL_TYPE_LIST || t->id == CQL_TYPE_SET || t->id == CQL_TYPE_MAP ||
          t->id == CQL_TYPE_UDT) &&
         !t->frozen;
}

static bool uses_duration(const cql_type *t, int depth) {
  if (t->id == CQL_TYPE_DURATION)
    return true;
  for (uint32_t i = 0; i < t->n_children && depth < CQL_TYPE_MAX_DEPTH; i++)
    if (uses_duration(t->children[i], depth + 1))
      return true;
  return false;
}

/* Cassandra's rules on what may nest where. */
static bool check_nesting(cql_exec *x, const cql_type *top, const cql_type *t, int depth) {
  bool coll = t->id == CQL_TYPE_LIST || t->id == CQL_TYPE_SET || t->id == CQL_TYPE_MAP;
  for (uint32_t i = 0; i < t->n_children && depth < CQL_TYPE_MAX_DEPTH; i++) {
    const cql_type *c = t->children[i];
    if (coll) {
      if (c->id == CQL_TYPE_COUNTER)
        return cql_fail(x, CQL_SERVER_INVALID, "Counters are not allowed inside collections: %s",
                        type_name(x, top));
      if (multicell(c))
        return cql_fail(x, CQL_SERVER_INVALID,
                        "Non-frozen %s are not allowed inside collections: %s",
                        c->id == CQL_TYPE_UDT ? "UDTs" : "collections", type_name(x, top));
      if (c->id == CQL_TYPE_DURATION && i == 0 && t->id != CQL_TYPE_LIST)
        return cql_fail(x, CQL_SERVER_INVALID, "Durations are not allowed %s: %s",
                        t->id == CQL_TYPE_SET ? "inside sets" : "as map keys", type_name(x, top));
    }
    if (!check_nesting(x, top, c, depth + 1))
      return false;
  }
  return true;
}

static bool check_column(cql_exec *x, const cql_table *t, const cql_column *c) {
  const cql_type *ty = c->type;
  if (!check_nesting(x, ty, ty, 0))
    return false;
  if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING) {
    if (multicell(ty))
      return cql_fail(
          x, CQL_SERVER_INVALID, "Invalid non-frozen %s type %s for PRIMARY KEY column '%.*s'",
          ty->id == CQL_TYPE_UDT ? "user-defined" : "collection", type_name(x, ty), SL(c->name));
    if (ty->id == CQL_TYPE_COUNTER)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "counter type is not supported for PRIMARY KEY column '%.*s'", SL(c->name));
    if (uses_duration(ty, 0))
      return cql_fail(x, CQL_SERVER_INVALID,
                      "duration type is not supported for PRIMARY KEY column '%.*s'", SL(c->name));
  }
  if (ty->id == CQL_TYPE_UDT && !ty->frozen)
    for (uint32_t i = 0; i < ty->n_children; i++)
      if (multicell(ty->children[i]))
        return cql_fail(x, CQL_SERVER_INVALID,
                        "Non-frozen UDTs with nested non-frozen collections are not supported");
  (void)t;
  return true;
}

static bool check_counters(cql_exec *x, const cql_table *t) {
  bool any = false, other = false;
  for (uint32_t i = 0; i < t->n_cols; i++) {
    const cql_column *c = &t->cols[i];
    if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING)
      continue;
    if (c->type->id == CQL_TYPE_COUNTER)
      any = true;
    else
      other = true;
  }
  if (any && other)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Cannot mix counter and non counter columns in the same table");
  if (any && t->default_ttl > 0)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Cannot set default_time_to_live on a table with "
                    "counters");
  return true;
}

static const char *const known_table_options[] = {"additional_write_policy",
                                                  "bloom_filter_fp_chance",
                                                  "caching",
                                                  "cdc",
                                                  "compaction",
                                                  "compression",
                                                  "crc_check_chance",
                                                  "dclocal_read_repair_chance",
                                                  "extensions",
                                                  "max_index_interval",
                                                  "memtable_flush_period_in_ms",
                                                  "min_index_interval",
                                                  "read_repair",
                                                  "read_repair_chance",
                                                  "speculative_retry",
                                                  "id"};

/* WITH compaction = {...}, kept as Cassandra shows it: the class with its
 * package, the thresholds filled in. */
static bool compaction_option(cql_exec *x, cql_table *t, const cql_ast_option *o) {
  const cql_term *m = o->value;
  if (m->kind != CQL_TERM_MAP)
    return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Invalid value for property 'compaction'");
  uint32_t count = m->n_items / 2;
  cql_pair *pairs = cql_arena_calloc(x->arena, count + 3, sizeof(cql_pair));
  if (!pairs)
    return cql_fail_nomem(x);
  bool klass = false, max_t = false, min_t = false;
  for (uint32_t i = 0; i < count; i++) {
    cql_pair *p = &pairs[i];
    if (!option_text(x, m->items[2 * i], &p->key) ||
        !option_text(x, m->items[2 * i + 1], &p->value))
      return false;
    if (cql_slice_eq_cstr(p->key, "class")) {
      klass = true;
      if (!memchr(p->value.ptr, '.', p->value.len))
        p->value = cql_x_printf(x, "org.apache.cassandra.db.compaction.%.*s", SL(p->value));
    }
    max_t |= cql_slice_eq_cstr(p->key, "max_threshold");
    min_t |= cql_slice_eq_cstr(p->key, "min_threshold");
  }
  if (!klass)
    return cql_fail(x, CQL_SERVER_CONFIG_ERROR,
                    "Missing sub-option 'class' for the 'compaction' option.");
  if (!max_t)
    pairs[count++] =
        (cql_pair){cql_slice_from_cstr("max_threshold"), cql_slice_from_cstr("32"), false};
  if (!min_t)
    pairs[count++] =
        (cql_pair){cql_slice_from_cstr("min_threshold"), cql_slice_from_cstr("4"), false};
  return cql_table_set_compaction(t, pairs, count) || cql_fail_nomem(x);
}

static bool table_options(cql_exec *x, cql_table *t, const cql_ast_option *opts, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    const cql_ast_option *o = &opts[i];
    if (cql_slice_eq_cstr(o->name, "comment")) {
      cql_slice s;
      if (!option_text(x, o->value, &s))
        return false;
      t->comment = cql_table_strdup(t, s);
    } else if (cql_slice_eq_cstr(o->name, "default_time_to_live")) {
      if (!option_int(x, o, 0, 630720000, &t->default_ttl))
        return false;
    } else if (cql_slice_eq_cstr(o->name, "gc_grace_seconds")) {
      if (!option_int(x, o, 0, INT32_MAX, &t->gc_grace_seconds))
        return false;
    } else if (cql_slice_eq_cstr(o->name, "memtable_flush_period_in_ms")) {
      if (!option_int(x, o, 0, INT32_MAX, &t->memtable_flush_period_ms))
        return false;
    } else if (cql_slice_eq_cstr(o->name, "compaction")) {
      if (!compaction_option(x, t, o))
        return false;
    } else {
      bool known = false;
      for (size_t k = 0; k < sizeof(known_table_options) / sizeof(known_table_options[0]); k++)
        known |= cql_slice_eq_cstr(o->name, known_table_options[k]);
      if (!known)
        return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "Unknown property '%.*s'", SL(o->name));
    }
  }
  return true;
}

static const cql_type *force_frozen(cql_exec *x, const cql_type *raw) {
  if (raw->id != CQL_TYPE_TUPLE || raw->frozen)
    return raw;
  cql_type *t = cql_arena_alloc(x->arena, sizeof(*t));
  if (!t)
    return NULL;
  *t = *raw;
  t->frozen = true;
  return t;
}

static bool add_table_columns(cql_exec *x, cql_table *t, const cql_ast_create_table *a) {
  for (uint32_t i = 0; i < a->n_cols; i++) {
    const cql_ast_coldef *d = &a->cols[i];
    for (uint32_t j = 0; j < i; j++)
      if (cql_slice_eq(a->cols[j].name, d->name))
        return cql_fail(x, CQL_SERVER_INVALID, "Multiple definition of identifier %.*s",
                        SL(d->name));
    cql_col_kind kind = d->is_static ? CQL_COL_STATIC : CQL_COL_REGULAR;
    int32_t pos = -1;
    bool desc = false;
    for (uint32_t k = 0; k < a->n_pk; k++)
      if (cql_slice_eq(a->pk[k], d->name)) {
        kind = CQL_COL_PARTITION;
        pos = (int32_t)k;
      }
    for (uint32_t k = 0; k < a->n_ck; k++)
      if (cql_slice_eq(a->ck[k], d->name)) {
        kind = CQL_COL_CLUSTERING;
        pos = (int32_t)k;
        for (uint32_t o = 0; o < a->n_clustering_order; o++)
          if (cql_slice_eq(a->clustering_order[o].column, d->name))
            desc = a->clustering_order[o].desc;
      }
    if (d->is_static && pos >= 0)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Static column '%.*s' cannot be part of the PRIMARY KEY", SL(d->name));
    const cql_type *raw = force_frozen(x, d->type);
    if (!raw || !cql_table_add_column(t, d->name, raw, kind, pos, desc))
      return cql_fail_nomem(x);
  }
  return true;
}

static bool check_primary_key(cql_exec *x, const cql_ast_create_table *a, cql_slice **pk,
                              uint32_t *n_pk) {
  uint32_t inline_pk = 0;
  for (uint32_t i = 0; i < a->n_cols; i++)
    if (a->cols[i].primary_key) {
      inline_pk++;
      *pk = &a->cols[i].name;
      *n_pk = 1;
    }
  if (inline_pk + (a->n_pk ? 1 : 0) > 1)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Multiple PRIMARY KEYs specified (exactly one required)");
  if (!inline_pk && !a->n_pk)
    return cql_fail(x, CQL_SERVER_INVALID, "No PRIMARY KEY specifed (exactly one required)");
  if (a->n_pk) {
    *pk = a->pk;
    *n_pk = a->n_pk;
  }
  cql_slice *keys[2] = {*pk, a->ck};
  uint32_t counts[2] = {*n_pk, a->n_ck};
  for (int g = 0; g < 2; g++) {
    for (uint32_t i = 0; i < counts[g]; i++) {
      bool found = false;
      for (uint32_t c = 0; c < a->n_cols && !found; c++)
        found = cql_slice_eq(a->cols[c].name, keys[g][i]);
      if (!found)
        return cql_fail(x, CQL_SERVER_INVALID,
                        "Unknown column '%.*s' referenced in PRIMARY KEY for table '%.*s'",
                        SL(keys[g][i]), SL(a->table.name));
      for (int g2 = 0; g2 <= g; g2++)
        for (uint32_t j = 0; j < (g2 == g ? i : counts[g2]); j++)
          if (cql_slice_eq(keys[g2][j], keys[g][i]))
            return cql_fail(x, CQL_SERVER_INVALID,
                            "Duplicate column '%.*s' in PRIMARY KEY clause for table '%.*s'",
                            SL(keys[g][i]), SL(a->table.name));
    }
  }
  if (a->n_clustering_order > a->n_ck)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Only clustering columns can be defined in CLUSTERING ORDER directive");
  for (uint32_t i = 0; i < a->n_clustering_order; i++) {
    if (!cql_slice_eq(a->clustering_order[i].column, a->ck[i])) {
      bool later = false;
      for (uint32_t j = 0; j < a->n_clustering_order; j++)
        later |= cql_slice_eq(a->clustering_order[j].column, a->ck[i]);
      if (later)
        return cql_fail(x, CQL_SERVER_INVALID,
                        "The order of columns in the CLUSTERING ORDER directive must match that of "
                        "the clustering columns (%.*s must appear before %.*s)",
                        SL(a->ck[i]), SL(a->clustering_order[i].column));
      return cql_fail(x, CQL_SERVER_INVALID, "Missing CLUSTERING ORDER for column %.*s",
                      SL(a->ck[i]));
    }
  }
  return true;
}

static bool create_table(cql_exec *x, const cql_bound *b, const cql_ast_create_table *a) {
  cql_engine *e = x->e;
  cql_slice ks = ks_of(x, &a->table, b);
  if (!need_keyspace(x, ks))
    return false;
  cql_keyspace *k = cql_catalog_keyspace(&e->cat, ks);
  if (!k)
    return cql_fail(x, CQL_SERVER_INVALID, "Keyspace '%.*s' doesn't exist", SL(ks));
  if (k->system && !e->booting)
    return not_modifiable(x, k);
  if (cql_catalog_table(&e->cat, ks, a->table.name)) {
    if (a->if_not_exists) {
      cql_result_void(x);
      return true;
    }
    cql_fail(x, CQL_SERVER_ALREADY_EXISTS,
             "Cannot add already existing table \"%.*s\" to keyspace \"%.*s\"", SL(a->table.name),
             SL(ks));
    x->out->u.error.keyspace = cql_x_strdup(x, ks);
    x->out->u.error.table = cql_x_strdup(x, a->table.name);
    return false;
  }
  if (!valid_name(a->table.name))
    return cql_fail(x, CQL_SERVER_INVALID,
                    "Table name must not be empty, more than 48 characters long, or contain "
                    "non-alphanumeric-underscore characters (got \"%.*s\")",
                    SL(a->table.name));
  if (a->compact_storage)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "COMPACT STORAGE tables are not supported starting with version 4.0");
  cql_ast_create_table ct = *a;
  cql_slice *pk = NULL;
  uint32_t n_pk = 0;
  if (!check_primary_key(x, a, &pk, &n_pk))
    return false;
  ct.pk = pk;
  ct.n_pk = n_pk;
  cql_table *t = cql_table_new(e->mem, ks, a->table.name);
  if (!t)
    return cql_fail_nomem(x);
  t->virtual_ = k->system;
  t->key_ordered = k->virtual_;
  t->id = cql_timeuuid_make(x->now_us, &e->rng, e->node_id);
  char err[512] = "";
  bool ok = add_table_columns(x, t, &ct) && table_options(x, t, a->options, a->n_options);
  if (ok && !cql_table_finish(t, &e->cat, err, sizeof(err)))
    ok = cql_fail(x, CQL_SERVER_INVALID, "%s", err);
  for (uint32_t i = 0; ok && i < t->n_cols; i++)
    ok = check_column(x, t, &t->cols[i]);
  if (ok && !a->n_ck) {
    for (uint32_t i = 0; i < t->n_cols && ok; i++)
      if (t->cols[i].kind == CQL_COL_STATIC)
        ok = cql_fail(x, CQL_SERVER_INVALID,
                      "Static columns are only useful (and thus allowed) if "
                      "the table has at least one clustering column");
  }
  ok = ok && check_counters(x, t);
  if (ok && !(t->data = cql_store_table_new(&e->store)))
    ok = cql_fail_nomem(x);
  if (ok)
    t->data->exempt = t->virtual_;
  if (ok && !cql_keyspace_put_table(k, e->mem, t)) {
    cql_store_table_free(&e->store, t->data);
    ok = cql_fail_nomem(x);
  }
  if (!ok) {
    cql_table_free(e->mem, t);
    return false;
  }
  cql_schema_changed(e, "CREATED", "TABLE", ks, t->name);
  cql_exec_schema_change(x, "CREATED", "TABLE", ks, a->table.name);
  return true;
}

static const cql_table *existing_table(cql_exec *x, const cql_bound *b, const cql_ast_name *n,
                                       cql_keyspace **k_out) {
  cql_slice ks = ks_of(x, n, b);
  if (!need_keyspace(x, ks))
    return NULL;
  cql_keyspace *k = cql_catalog_keyspace(&x->e->cat, ks);
  if (!k) {
    cql_fail(x, CQL_SERVER_INVALID, "keyspace %.*s does not exist", SL(ks));
    return NULL;
  }
  *k_out = k;
  return cql_catalog_table(&x->e->cat, ks, n->name);
}

static bool alter_add(cql_exec *x, cql_table *nt, const cql_ast_alter_table *a) {
  for (uint32_t i = 0; i < a->n_cols; i++) {
    const cql_ast_coldef *d = &a->cols[i];
    if (cql_table_column(nt, d->name)) {
      if (a->if_col_exists)
        continue;
      return cql_fail(x, CQL_SERVER_INVALID, "Column with name '%.*s' already exists", SL(d->name));
    }
    if (d->is_static && nt->n_ck == 0)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Static columns are not allowed in tables with no clustering columns");
    const cql_type *raw = force_frozen(x, d->type);
    if (!raw || !cql_table_add_column(nt, d->name, raw,
                                      d->is_static ? CQL_COL_STATIC : CQL_COL_REGULAR, -1, false))
      return cql_fail_nomem(x);
  }
  return true;
}

static bool alter_drop(cql_exec *x, cql_table *nt, const cql_ast_alter_table *a, uint32_t *slots,
                       uint32_t *n_slots) {
  for (uint32_t i = 0; i < a->n_names; i++) {
    const cql_column *c = cql_table_column(nt, a->names[i]);
    if (!c) {
      if (a->if_col_exists)
        continue;
      return cql_fail(x, CQL_SERVER_INVALID, "Column %.*s was not found in table %.*s",
                      SL(a->names[i]), SL(nt->name));
    }
    if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING)
      return cql_fail(x, CQL_SERVER_INVALID, "Cannot drop PRIMARY KEY column %.*s", SL(c->name));
    slots[(*n_slots)++] = c->slot;
    cql_table_remove_column(nt, a->names[i]);
  }
  return true;
}

static bool alter_rename(cql_exec *x, cql_table *nt, const cql_ast_alter_table *a) {
  for (uint32_t i = 0; i + 1 < a->n_names; i += 2) {
    cql_column *c = NULL;
    for (uint32_t k = 0; k < nt->n_cols; k++)
      if (cql_slice_eq(nt->cols[k].name, a->names[i]))
        c = &nt->cols[k];
    if (!c) {
      if (a->if_col_exists)
        continue;
      return cql_fail(x, CQL_SERVER_INVALID, "Column %.*s was not found in table %.*s",
                      SL(a->names[i]), SL(nt->name));
    }
    if (c->kind != CQL_COL_PARTITION && c->kind != CQL_COL_CLUSTERING)
      return cql_fail(x, CQL_SERVER_INVALID, "Cannot rename non PRIMARY KEY column %.*s",
                      SL(c->name));
    if (cql_table_column(nt, a->names[i + 1]))
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Cannot rename column %.*s to %.*s in table %.*s; another column with that "
                      "name already exists",
                      SL(a->names[i]), SL(a->names[i + 1]), SL(nt->name));
    c->name = cql_table_strdup(nt, a->names[i + 1]);
  }
  return true;
}

static bool alter_table(cql_exec *x, const cql_bound *b, const cql_ast_alter_table *a) {
  cql_engine *e = x->e;
  cql_keyspace *k = NULL;
  const cql_table *t = existing_table(x, b, &a->table, &k);
  if (!k)
    return false;
  if (!t) {
    if (a->if_exists) {
      cql_result_void(x);
      return true;
    }
    return cql_fail(x, CQL_SERVER_INVALID, "Table '%.*s.%.*s' doesn't exist", SL(k->name),
                    SL(a->table.name));
  }
  if (k->system)
    return not_modifiable(x, k);
  if (a->kind == CQL_ALTER_ALTER_TYPE)
    return cql_fail(x, CQL_SERVER_INVALID, "Altering column types is no longer supported");
  cql_table *nt = cql_table_clone(e->mem, t);
  if (!nt)
    return cql_fail_nomem(x);
  uint32_t *slots = cql_arena_calloc(x->arena, a->n_names + 1, sizeof(uint32_t));
  uint32_t n_slots = 0;
  char err[512] = "";
  bool ok = slots != NULL || cql_fail_nomem(x);
  if (ok) {
    switch (a->kind) {
    case CQL_ALTER_ADD:
      ok = alter_add(x, nt, a);
      break;
    case CQL_ALTER_DROP:
      ok = alter_drop(x, nt, a, slots, &n_slots);
      break;
    case CQL_ALTER_RENAME:
      ok = alter_rename(x, nt, a);
      break;
    default:
      ok = table_options(x, nt, a->options, a->n_options);
      break;
    }
  }
  if (ok && !cql_table_finish(nt, &e->cat, err, sizeof(err)))
    ok = cql_fail(x, CQL_SERVER_INVALID, "%s", err);
  for (uint32_t i = 0; ok && i < nt->n_cols; i++)
    ok = check_column(x, nt, &nt->cols[i]);
  if (ok && nt->counter != t->counter && a->kind == CQL_ALTER_ADD && t->n_cols > t->n_pk + t->n_ck)
    ok = cql_fail(x, CQL_SERVER_INVALID,
                  "Cannot add a %scounter column in a %scounter column family",
                  nt->counter ? "" : "non ", t->counter ? "" : "non ");
  ok = ok && check_counters(x, nt);
  if (!ok) {
    cql_table_free(e->mem, nt);
    return false;
  }
  for (uint32_t i = 0; i < n_slots; i++)
    cql_store_drop_slot(&e->store, nt->data, slots[i]);
  cql_slice ks = cql_x_strdup(x, k->name), name = cql_x_strdup(x, t->name);
  cql_evict_prepared(e, ks, name); /* before the old definition goes */
  if (!cql_keyspace_put_table(k, e->mem, nt)) {
    cql_table_free(e->mem, nt);
    return cql_fail_nomem(x);
  }
  cql_schema_changed(e, "UPDATED", "TABLE", ks, name);
  cql_exec_schema_change(x, "UPDATED", "TABLE", ks, name);
  return true;
}

static bool drop_table(cql_exec *x, const cql_bound *b, const cql_ast_drop *a, bool truncate) {
  cql_engine *e = x->e;
  cql_keyspace *k = NULL;
  const cql_table *t = existing_table(x, b, &a->name, &k);
  if (!k)
    return false;
  if (!t) {
    if (a->if_exists) {
      cql_result_void(x);
      return true;
    }
    if (truncate)
      return cql_fail(x, CQL_SERVER_INVALID, "table %.*s does not exist", SL(a->name.name));
    return cql_fail(x, CQL_SERVER_INVALID, "Table '%.*s.%.*s' doesn't exist", SL(k->name),
                    SL(a->name.name));
  }
  if (k->system)
    return not_modifiable(x, k);
  if (truncate) {
    cql_store_table_truncate(&e->store, t->data);
    cql_result_void(x);
    return true;
  }
  cql_slice ks = cql_x_strdup(x, k->name), name = cql_x_strdup(x, t->name);
  cql_evict_prepared(e, ks, name);
  cql_table *owned = cql_keyspace_take_table(k, name);
  cql_store_table_free(&e->store, owned->data);
  cql_table_free(e->mem, owned);
  cql_schema_changed(e, "DROPPED", "TABLE", ks, name);
  cql_exec_schema_change(x, "DROPPED", "TABLE", ks, name);
  return true;
}

/* ---- user types ------------------------------------------------------------- */

/* Re-resolves every table and type of `k` after a type changed. */
static bool refresh_types(cql_exec *x, cql_keyspace *k, cql_slice type_name_) {
  cql_engine *e = x->e;
  char err[512];
  for (uint32_t i = 0; i < k->n_types; i++) {
    cql_udt *u = k->types[i];
    bool uses = false;
    for (uint32_t f = 0; f < u->n_fields; f++)
      uses |= cql_type_uses_udt(u->raw_types[f], k->name, type_name_);
    if (uses && !cql_udt_finish(u, &e->cat, err, sizeof(err)))
      return cql_fail(x, CQL_SERVER_INVALID, "%s", err);
  }
  for (uint32_t i = 0; i < k->n_tables; i++) {
    cql_table *t = k->tables[i];
    bool uses = false;
    for (uint32_t c = 0; c < t->n_cols; c++)
      uses |= cql_type_uses_udt(t->cols[c].raw_type, k->name, type_name_);
    if (!uses)
      continue;
    cql_table *nt = cql_table_clone(e->mem, t);
    if (!nt || !cql_table_finish(nt, &e->cat, err, sizeof(err))) {
      cql_table_free(e->mem, nt);
      return cql_fail(x, CQL_SERVER_INVALID, "%s", nt ? err : "out of memory");
    }
    cql_slice name = cql_x_strdup(x, t->name);
    cql_evict_prepared(e, k->name, name);
    k->tables[i] = nt;
    cql_table_free(e->mem, t);
    cql_schema_changed(e, "UPDATED", "TABLE", k->name, name);
  }
  return true;
}

static bool create_type(cql_exec *x, const cql_bound *b, const cql_ast_type *a) {
  cql_engine *e = x->e;
  cql_slice ks = ks_of(x, &a->name, b);
  if (!need_keyspace(x, ks))
    return false;
  cql_keyspace *k = cql_catalog_keyspace(&e->cat, ks);
  if (!k)
    return cql_fail(x, CQL_SERVER_INVALID, "Keyspace '%.*s' doesn't exist", SL(ks));
  if (k->system)
    return not_modifiable(x, k);
  if (cql_catalog_udt(&e->cat, ks, a->name.name)) {
    if (a->if_not_exists) {
      cql_result_void(x);
      return true;
    }
    return cql_fail(x, CQL_SERVER_INVALID, "A user type with name '%.*s' already exists",
                    SL(a->name.name));
  }
  for (uint32_t i = 0; i < a->n_fields; i++)
    for (uint32_t j = 0; j < i; j++)
      if (cql_slice_eq(a->fields[i].name, a->fields[j].name))
        return cql_fail(x, CQL_SERVER_INVALID, "Duplicate field name '%.*s' in type '%.*s'",
                        SL(a->fields[i].name), SL(a->name.name));
  cql_udt *u = cql_udt_new(e->mem, ks, a->name.name, a->n_fields);
  if (!u)
    return cql_fail_nomem(x);
  char err[512];
  bool ok = true;
  for (uint32_t i = 0; i < a->n_fields && ok; i++) {
    const cql_type *raw = force_frozen(x, a->fields[i].type);
    ok = (raw && cql_udt_set_field(u, i, a->fields[i].name, raw)) || cql_fail_nomem(x);
    if (ok && raw->id == CQL_TYPE_UDT && !raw->frozen)
      ok = cql_fail(x, CQL_SERVER_INVALID, "A user type cannot contain non-frozen UDTs");
    if (ok && raw->id == CQL_TYPE_UDT && cql_slice_eq(raw->udt_name, a->name.name))
      ok = cql_fail(x, CQL_SERVER_INVALID, "Type %.*s cannot refer to itself", SL(a->name.name));
  }
  if (ok && !cql_udt_finish(u, &e->cat, err, sizeof(err)))
    ok = cql_fail(x, CQL_SERVER_INVALID, "%s", err);
  if (ok && !cql_keyspace_put_udt(k, e->mem, u))
    ok = cql_fail_nomem(x);
  if (!ok) {
    cql_udt_free(e->mem, u);
    return false;
  }
  cql_schema_changed(e, "CREATED", "TYPE", ks, u->name);
  cql_exec_schema_change(x, "CREATED", "TYPE", ks, a->name.name);
  return true;
}

static bool alter_type(cql_exec *x, const cql_bound *b, const cql_ast_type *a) {
  cql_engine *e = x->e;
  cql_slice ks = ks_of(x, &a->name, b);
  if (!need_keyspace(x, ks))
    return false;
  cql_keyspace *k = cql_catalog_keyspace(&e->cat, ks);
  cql_udt *old = k ? cql_catalog_udt(&e->cat, ks, a->name.name) : NULL;
  if (!old)
    return cql_fail(x, CQL_SERVER_INVALID, "No user type named %.*s.%.*s exists.", SL(ks),
                    SL(a->name.name));
  uint32_t n = old->n_fields + (a->alter_add ? 1 : 0);
  cql_udt *u = cql_udt_new(e->mem, ks, old->name, n);
  if (!u)
    return cql_fail_nomem(x);
  bool ok = true;
  for (uint32_t i = 0; i < old->n_fields && ok; i++) {
    cql_slice name = old->field_names[i];
    for (uint32_t r = 0; r + 1 < a->n_renames; r += 2)
      if (cql_slice_eq(a->renames[r], name))
        name = a->renames[r + 1];
    ok = cql_udt_set_field(u, i, name, old->raw_types[i]) || cql_fail_nomem(x);
  }
  for (uint32_t r = 0; ok && r + 1 < a->n_renames; r += 2) {
    bool found = false;
    for (uint32_t i = 0; i < old->n_fields; i++)
      found |= cql_slice_eq(old->field_names[i], a->renames[r]);
    if (!found)
      ok = cql_fail(x, CQL_SERVER_INVALID, "Unkown field %.*s in user type %.*s", SL(a->renames[r]),
                    SL(a->name.name));
  }
  if (ok && a->alter_add) {
    const cql_ast_coldef *f = &a->fields[0];
    for (uint32_t i = 0; i < old->n_fields && ok; i++)
      if (cql_slice_eq(old->field_names[i], f->name))
        ok = cql_fail(x, CQL_SERVER_INVALID,
                      "Cannot add new field %.*s of type %s to user type %.*s.%.*s as a field with "
                      "name %.*s already exists",
                      SL(f->name), cql_type_cql_name(x->arena, f->type), SL(ks), SL(old->name),
                      SL(f->name));
    ok = ok && (cql_udt_set_field(u, old->n_fields, f->name, force_frozen(x, f->type)) ||
                cql_fail_nomem(x));
  }
  for (uint32_t i = 0; ok && i < u->n_fields; i++)
    for (uint32_t j = 0; ok && j < i; j++)
      if (cql_slice_eq(u->field_names[i], u->field_names[j]))
        ok = cql_fail(x, CQL_SERVER_INVALID, "Duplicate field name %.*s in type %.*s",
                      SL(u->field_names[i]), SL(u->name));
  char err[512];
  if (ok && !cql_udt_finish(u, &e->cat, err, sizeof(err)))
    ok = cql_fail(x, CQL_SERVER_INVALID, "%s", err);
  if (!ok) {
    cql_udt_free(e->mem, u);
    return false;
  }
  cql_slice name = cql_x_strdup(x, old->name);
  cql_keyspace_put_udt(k, e->mem, u); /* replaces and frees `old` */
  if (!refresh_types(x, k, name))
    return false;
  cql_schema_changed(e, "UPDATED", "TYPE", ks, name);
  cql_exec_schema_change(x, "UPDATED", "TYPE", ks, name);
  return true;
}

static bool drop_type(cql_exec *x, const cql_bound *b, const cql_ast_drop *a) {
  cql_engine *e = x->e;
  cql_slice ks = ks_of(x, &a->name, b);
  if (!need_keyspace(x, ks))
    return false;
  cql_keyspace *k = cql_catalog_keyspace(&e->cat, ks);
  cql_udt *u = k ? cql_catalog_udt(&e->cat, ks, a->name.name) : NULL;
  if (!u) {
    if (a->if_exists) {
      cql_result_void(x);
      return true;
    }
    return cql_fail(x, CQL_SERVER_INVALID, "Type '%.*s.%.*s' doesn't exist", SL(ks),
                    SL(a->name.name));
  }
  for (uint32_t i = 0; i < k->n_tables; i++)
    for (uint32_t c = 0; c < k->tables[i]->n_cols; c++)
      if (cql_type_uses_udt(k->tables[i]->cols[c].raw_type, ks, u->name))
        return cql_fail(x, CQL_SERVER_INVALID,
                        "Cannot drop user type '%.*s.%.*s' as it is still used by table %.*s.%.*s",
                        SL(ks), SL(u->name), SL(ks), SL(k->tables[i]->name));
  for (uint32_t i = 0; i < k->n_types; i++)
    for (uint32_t f = 0; f < k->types[i]->n_fields; f++)
      if (k->types[i] != u && cql_type_uses_udt(k->types[i]->raw_types[f], ks, u->name))
        return cql_fail(x, CQL_SERVER_INVALID,
                        "Cannot drop user type '%.*s.%.*s' as it is still used by user type %.*s",
                        SL(ks), SL(u->name), SL(k->types[i]->name));
  cql_slice name = cql_x_strdup(x, u->name);
  cql_udt_free(e->mem, cql_keyspace_take_udt(k, name));
  cql_schema_changed(e, "DROPPED", "TYPE", ks, name);
  cql_exec_schema_change(x, "DROPPED", "TYPE", ks, name);
  return true;
}

bool cql_exec_schema(cql_exec *x, const cql_bound *b) {
  const cql_stmt *s = b->stmt;
  switch (s->kind) {
  case CQL_STMT_USE:
    return use_keyspace(x, s->u.use);
  case CQL_STMT_CREATE_KEYSPACE:
    return create_keyspace(x, &s->u.keyspace);
  case CQL_STMT_ALTER_KEYSPACE:
    return alter_keyspace(x, &s->u.keyspace);
  case CQL_STMT_DROP_KEYSPACE:
    return drop_keyspace(x, &s->u.keyspace);
  case CQL_STMT_CREATE_TABLE:
    return create_table(x, b, &s->u.create_table);
  case CQL_STMT_ALTER_TABLE:
    return alter_table(x, b, &s->u.alter_table);
  case CQL_STMT_DROP_TABLE:
    return drop_table(x, b, &s->u.drop, false);
  case CQL_STMT_TRUNCATE:
    return drop_table(x, b, &s->u.drop, true);
  case CQL_STMT_CREATE_TYPE:
    return create_type(x, b, &s->u.type);
  case CQL_STMT_ALTER_TYPE:
    return alter_type(x, b, &s->u.type);
  case CQL_STMT_DROP_TYPE:
    return drop_type(x, b, &s->u.drop);
  default:
    return cql_fail(x, CQL_SERVER_INVALID, "Unsupported statement");
  }
}
