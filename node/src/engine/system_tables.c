/* The system keyspaces. Their tables are ordinary catalog tables (created
 * from CQL text at start-up, then read-only), whose rows the engine
 * regenerates from the catalog and the node's identity after every schema
 * change. Reads then go through the normal SELECT path, so any WHERE,
 * column list or paging drivers use simply works. The layouts are those
 * Cassandra 4.0 returns. */
#include <stdio.h>
#include <string.h>

#include "engine_impl.h"
#include "hash.h"
#include "lit_scalar.h"
#include "literal.h"
#include "parser.h"
#include "type.h"

#define SL(s) (int)(s).len, (const char *)(s).ptr

static const struct {
  const char *name;
  const char *strategy;
  const char *rf;
  bool is_virtual;
} system_keyspaces[] = {
    {"system", "org.apache.cassandra.locator.LocalStrategy", NULL, false},
    {"system_schema", "org.apache.cassandra.locator.LocalStrategy", NULL, false},
    {"system_auth", "org.apache.cassandra.locator.SimpleStrategy", "1", false},
    {"system_distributed", "org.apache.cassandra.locator.SimpleStrategy", "3", false},
    {"system_traces", "org.apache.cassandra.locator.SimpleStrategy", "2", false},
    {"system_views", "org.apache.cassandra.locator.LocalStrategy", NULL, true},
    {"system_virtual_schema", "org.apache.cassandra.locator.LocalStrategy", NULL, true},
};

/* ---- writing generated rows -------------------------------------------------- */

typedef struct sv {
  const char *col;
  cql_slice v;
  bool set;
} sv;

typedef struct gen {
  cql_engine *e;
  cql_arena arena; /* scratch for values */
} gen;

static cql_slice g_text(gen *g, cql_slice s) {
  uint8_t *p = cql_arena_alloc(&g->arena, s.len + 1);
  if (!p)
    return (cql_slice){NULL, 0};
  if (s.len)
    memcpy(p, s.ptr, s.len);
  return (cql_slice){p, s.len};
}

static cql_slice g_str(gen *g, const char *s) { return g_text(g, cql_slice_from_cstr(s)); }

static cql_slice g_int(gen *g, int64_t v, size_t size) {
  uint8_t *p = cql_arena_alloc(&g->arena, 8);
  if (!p)
    return (cql_slice){NULL, 0};
  uint8_t tmp[8];
  cql_store_u64(tmp, (uint64_t)v);
  memcpy(p, tmp + 8 - size, size);
  return (cql_slice){p, size};
}

static cql_slice g_double(gen *g, double d) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  return g_int(g, (int64_t)bits, 8);
}

static cql_slice g_bool(gen *g, bool b) { return g_int(g, b ? 1 : 0, 1); }

static cql_slice g_bytes(gen *g, const void *p, size_t n) { return g_text(g, (cql_slice){p, n}); }

/* A collection of n (or n pairs of) values, sorted for sets and maps. */
static cql_slice g_coll(gen *g, cql_type_id kind, const cql_slice *items, uint32_t n) {
  uint32_t stride = kind == CQL_TYPE_MAP ? 2 : 1;
  cql_slice *v = cql_arena_calloc(&g->arena, (size_t)n * stride + 1, sizeof(cql_slice));
  if (!v)
    return (cql_slice){NULL, 0};
  if (n)
    memcpy(v, items, (size_t)n * stride * sizeof(cql_slice));
  if (kind != CQL_TYPE_LIST)
    n = lit_sort_unique(&g->arena, cql_type_native(CQL_TYPE_VARCHAR), v, n, stride);
  if (n == UINT32_MAX)
    return (cql_slice){NULL, 0};
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_i32(&b, (int32_t)n);
  for (uint32_t i = 0; i < n * stride; i++)
    cql_buf_put_bytes(&b, v[i]);
  cql_slice out = b.err ? (cql_slice){NULL, 0} : g_bytes(g, b.data, b.len);
  cql_buf_free(&b);
  return out;
}

static cql_slice g_strmap(gen *g, const char *const *kv, uint32_t n) {
  cql_slice items[16];
  for (uint32_t i = 0; i < 2 * n && i < 16; i++)
    items[i] = cql_slice_from_cstr(kv[i]);
  return g_coll(g, CQL_TYPE_MAP, items, n);
}

static cql_slice g_type(gen *g, const cql_type *t) {
  const char *s = cql_type_cql_name(&g->arena, t);
  return cql_slice_from_cstr(s);
}

/* Writes one generated row. */
static void put_row(gen *g, const cql_table *t, const sv *vals, uint32_t n) {
  cql_engine *e = g->e;
  cql_slice pk[8], ck[8];
  for (uint32_t i = 0; i < n; i++) {
    const cql_column *c = cql_table_column(t, cql_slice_from_cstr(vals[i].col));
    if (!c)
      continue;
    if (c->kind == CQL_COL_PARTITION && c->position < 8)
      pk[c->position] = vals[i].v;
    if (c->kind == CQL_COL_CLUSTERING && c->position < 8)
      ck[c->position] = vals[i].v;
  }
  cql_slice key = pk[0];
  if (t->n_pk != 1)
    return; /* the system tables all have single-column partition keys */
  cql_status st = CQL_OK;
  cql_partition *p = cql_store_get(&e->store, t->data, cql_table_token(t, key), key, &st);
  cql_row *r = p ? cql_part_get_row(&e->store, t, p, ck, &st) : NULL;
  if (!r)
    return;
  cql_store_marker(r, 1, 0, 0);
  for (uint32_t i = 0; i < n; i++) {
    const cql_column *c = cql_table_column(t, cql_slice_from_cstr(vals[i].col));
    if (!c || !vals[i].set || c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING)
      continue;
    cql_row *dst = c->kind == CQL_COL_STATIC ? &p->statics : r;
    cql_store_write(&e->store, t->data, dst, c->slot, vals[i].v, false, 1, 0, 0, false);
  }
}

#define V(name, value)                                                                             \
  (sv) { name, value, true }

static const cql_table *sys_table(cql_engine *e, const char *ks, const char *name) {
  return cql_catalog_table(&e->cat, cql_slice_from_cstr(ks), cql_slice_from_cstr(name));
}

/* ---- system.local and the peers ----------------------------------------------- */

static cql_slice token_set(gen *g, const int64_t *tokens, uint32_t n) {
  cql_slice *items = cql_arena_calloc(&g->arena, n + 1, sizeof(cql_slice));
  if (!items)
    return (cql_slice){NULL, 0};
  for (uint32_t i = 0; i < n; i++) {
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)tokens[i]);
    items[i] = g_str(g, buf);
  }
  return g_coll(g, CQL_TYPE_SET, items, n);
}

/* What system.local says about a node, and what peers say about it. */
typedef struct node_view {
  cql_inet address, listen, rpc;
  int32_t port, native_port;
  cql_uuid host_id;
  const char *data_center, *rack;
  const int64_t *tokens;
  uint32_t n_tokens;
} node_view;

static node_view view_of_peer(const cql_engine *e, const cql_engine_peer *p) {
  node_view v;
  memset(&v, 0, sizeof(v));
  v.address = p->address;
  v.listen = p->address;
  v.rpc = p->native_address.len ? p->native_address : p->address;
  v.port = p->port ? p->port : e->cfg.storage_port;
  v.native_port = p->native_port ? p->native_port : 9042;
  v.host_id = p->host_id;
  v.data_center = p->data_center;
  v.rack = p->rack;
  v.tokens = p->tokens;
  v.n_tokens = p->n_tokens;
  return v;
}

static node_view view_of_self(const cql_engine *e) {
  const cql_engine_config *c = &e->cfg;
  if (c->n_nodes)
    return view_of_peer(e, &c->nodes[e->sys_node < c->n_nodes ? e->sys_node : 0]);
  node_view v;
  memset(&v, 0, sizeof(v));
  v.address = c->broadcast_address;
  v.listen = c->listen_address;
  v.rpc = c->rpc_address;
  v.port = c->storage_port;
  v.native_port = c->native_port;
  v.host_id = c->host_id;
  v.data_center = c->data_center;
  v.rack = c->rack;
  v.tokens = e->tokens;
  v.n_tokens = e->n_tokens;
  return v;
}

static void gen_local(gen *g) {
  cql_engine *e = g->e;
  const cql_engine_config *c = &e->cfg;
  const cql_table *t = sys_table(e, "system", "local");
  node_view n = view_of_self(e);
  sv row[] = {
      V("key", g_str(g, "local")),
      V("bootstrapped", g_str(g, "COMPLETED")),
      V("broadcast_address", g_bytes(g, n.address.addr, n.address.len)),
      V("broadcast_port", g_int(g, n.port, 4)),
      V("cluster_name", g_str(g, c->cluster_name)),
      V("cql_version", g_str(g, "3.4.5")),
      V("data_center", g_str(g, n.data_center)),
      V("gossip_generation", g_int(g, e->gossip_generation, 4)),
      V("host_id", g_bytes(g, n.host_id.bytes, 16)),
      V("listen_address", g_bytes(g, n.listen.addr, n.listen.len)),
      V("listen_port", g_int(g, n.port, 4)),
      V("native_protocol_version", g_str(g, "5")),
      V("partitioner", g_str(g, "org.apache.cassandra.dht.Murmur3Partitioner")),
      V("rack", g_str(g, n.rack)),
      V("release_version", g_str(g, "4.0.0")),
      V("rpc_address", g_bytes(g, n.rpc.addr, n.rpc.len)),
      V("rpc_port", g_int(g, n.native_port, 4)),
      V("schema_version", g_bytes(g, e->cat.schema_version.bytes, 16)),
      V("tokens", token_set(g, n.tokens, n.n_tokens)),
  };
  put_row(g, t, row, sizeof(row) / sizeof(row[0]));
}

static void gen_peer(gen *g, const node_view *p) {
  cql_engine *e = g->e;
  const cql_table *p1 = sys_table(e, "system", "peers");
  const cql_table *p2 = sys_table(e, "system", "peers_v2");
  cql_slice addr = g_bytes(g, p->address.addr, p->address.len);
  cql_slice native = g_bytes(g, p->rpc.addr, p->rpc.len);
  cql_slice host = g_bytes(g, p->host_id.bytes, 16);
  cql_slice toks = token_set(g, p->tokens, p->n_tokens);
  cql_slice sv_ = g_bytes(g, e->cat.schema_version.bytes, 16);
  sv r1[] = {V("peer", addr),
             V("data_center", g_str(g, p->data_center)),
             V("host_id", host),
             V("rack", g_str(g, p->rack)),
             V("release_version", g_str(g, "4.0.0")),
             V("rpc_address", native),
             V("schema_version", sv_),
             V("tokens", toks)};
  put_row(g, p1, r1, sizeof(r1) / sizeof(r1[0]));
  sv r2[] = {V("peer", addr),
             V("peer_port", g_int(g, p->port, 4)),
             V("data_center", g_str(g, p->data_center)),
             V("host_id", host),
             V("native_address", native),
             V("native_port", g_int(g, p->native_port, 4)),
             V("rack", g_str(g, p->rack)),
             V("release_version", g_str(g, "4.0.0")),
             V("schema_version", sv_),
             V("tokens", toks)};
  put_row(g, p2, r2, sizeof(r2) / sizeof(r2[0]));
}

static void gen_peers(gen *g) {
  const cql_engine_config *c = &g->e->cfg;
  const cql_engine_peer *list = c->n_nodes ? c->nodes : c->peers;
  uint32_t n = c->n_nodes ? c->n_nodes : c->n_peers;
  for (uint32_t i = 0; i < n; i++) {
    if (c->n_nodes && i == g->e->sys_node)
      continue;
    node_view v = view_of_peer(g->e, &list[i]);
    gen_peer(g, &v);
  }
}

/* ---- system_schema ---------------------------------------------------------- */

static void gen_keyspace(gen *g, const cql_keyspace *k) {
  cql_slice *items = cql_arena_calloc(&g->arena, 2 * k->n_replication + 1, sizeof(cql_slice));
  if (!items)
    return;
  for (uint32_t i = 0; i < k->n_replication; i++) {
    items[2 * i] = k->replication[i].key;
    items[2 * i + 1] = k->replication[i].value;
  }
  sv row[] = {V("keyspace_name", k->name), V("durable_writes", g_bool(g, k->durable_writes)),
              V("replication", g_coll(g, CQL_TYPE_MAP, items, k->n_replication))};
  put_row(g, sys_table(g->e, "system_schema", "keyspaces"), row, 3);
}

static void gen_table(gen *g, const cql_keyspace *k, const cql_table *t) {
  static const char *const caching[] = {"keys", "ALL", "rows_per_partition", "NONE"};
  static const char *const compaction[] = {
      "class",         "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
      "max_threshold", "32",
      "min_threshold", "4"};
  cql_slice comp = g_strmap(g, compaction, 3);
  if (t->n_compaction) {
    cql_slice *items = cql_arena_calloc(&g->arena, 2 * t->n_compaction, sizeof(cql_slice));
    for (uint32_t i = 0; items && i < t->n_compaction; i++) {
      items[2 * i] = t->compaction[i].key;
      items[2 * i + 1] = t->compaction[i].value;
    }
    comp = items ? g_coll(g, CQL_TYPE_MAP, items, t->n_compaction) : comp;
  }
  static const char *const compression[] = {"chunk_length_in_kb", "16", "class",
                                            "org.apache.cassandra.io.compress.LZ4Compressor"};
  cql_slice flags[2] = {cql_slice_from_cstr("compound"), cql_slice_from_cstr("counter")};
  sv row[] = {
      V("keyspace_name", k->name),
      V("table_name", t->name),
      V("additional_write_policy", g_str(g, "99p")),
      V("bloom_filter_fp_chance", g_double(g, 0.01)),
      V("caching", g_strmap(g, caching, 2)),
      V("comment", t->comment),
      V("compaction", comp),
      V("compression", g_strmap(g, compression, 2)),
      V("crc_check_chance", g_double(g, 1.0)),
      V("dclocal_read_repair_chance", g_double(g, 0.0)),
      V("default_time_to_live", g_int(g, t->default_ttl, 4)),
      V("extensions", g_coll(g, CQL_TYPE_MAP, NULL, 0)),
      V("flags", g_coll(g, CQL_TYPE_SET, flags, t->counter ? 2 : 1)),
      V("gc_grace_seconds", g_int(g, t->gc_grace_seconds, 4)),
      V("id", g_bytes(g, t->id.bytes, 16)),
      V("max_index_interval", g_int(g, 2048, 4)),
      V("memtable_flush_period_in_ms", g_int(g, t->memtable_flush_period_ms, 4)),
      V("min_index_interval", g_int(g, 128, 4)),
      V("read_repair", g_str(g, "BLOCKING")),
      V("read_repair_chance", g_double(g, 0.0)),
      V("speculative_retry", g_str(g, "99p")),
  };
  put_row(g, sys_table(g->e, "system_schema", "tables"), row, sizeof(row) / sizeof(row[0]));
}

static void gen_columns(gen *g, const cql_keyspace *k, const cql_table *t, const cql_table *dst) {
  static const char *const kinds[] = {"partition_key", "clustering", "static", "regular"};
  for (uint32_t i = 0; i < t->n_cols; i++) {
    const cql_column *c = &t->cols[i];
    const char *order = c->kind == CQL_COL_CLUSTERING ? (c->desc ? "desc" : "asc") : "none";
    sv row[] = {V("keyspace_name", k->name),
                V("table_name", t->name),
                V("column_name", c->name),
                V("clustering_order", g_str(g, order)),
                V("column_name_bytes", c->name),
                V("kind", g_str(g, kinds[c->kind])),
                V("position", g_int(g, c->position, 4)),
                V("type", g_type(g, c->raw_type->id == CQL_TYPE_UDT ? c->raw_type : c->type))};
    put_row(g, dst, row, sizeof(row) / sizeof(row[0]));
  }
}

static void gen_type(gen *g, const cql_keyspace *k, const cql_udt *u) {
  cql_slice *types = cql_arena_calloc(&g->arena, u->n_fields + 1, sizeof(cql_slice));
  if (!types)
    return;
  for (uint32_t i = 0; i < u->n_fields; i++)
    types[i] = g_type(g, u->raw_types[i]);
  sv row[] = {V("keyspace_name", k->name), V("type_name", u->name),
              V("field_names", g_coll(g, CQL_TYPE_LIST, u->field_names, u->n_fields)),
              V("field_types", g_coll(g, CQL_TYPE_LIST, types, u->n_fields))};
  put_row(g, sys_table(g->e, "system_schema", "types"), row, 4);
}

static void gen_virtual(gen *g, const cql_keyspace *k) {
  sv ks[] = {V("keyspace_name", k->name)};
  put_row(g, sys_table(g->e, "system_virtual_schema", "keyspaces"), ks, 1);
  for (uint32_t i = 0; i < k->n_tables; i++) {
    const cql_table *t = k->tables[i];
    sv row[] = {V("keyspace_name", k->name), V("table_name", t->name), V("comment", t->comment)};
    put_row(g, sys_table(g->e, "system_virtual_schema", "tables"), row, 3);
    gen_columns(g, k, t, sys_table(g->e, "system_virtual_schema", "columns"));
  }
}

static const char *const regenerated[][2] = {{"system", "local"},
                                             {"system", "peers"},
                                             {"system", "peers_v2"},
                                             {"system_schema", "keyspaces"},
                                             {"system_schema", "tables"},
                                             {"system_schema", "columns"},
                                             {"system_schema", "types"},
                                             {"system_virtual_schema", "keyspaces"},
                                             {"system_virtual_schema", "tables"},
                                             {"system_virtual_schema", "columns"}};

static bool is_node_table(cql_engine *e, const cql_table *t) {
  static const char *const names[] = {"local", "peers", "peers_v2"};
  for (size_t i = 0; i < 3; i++)
    if (t == sys_table(e, "system", names[i]))
      return true;
  return false;
}

static bool is_regenerated(cql_engine *e, const cql_table *t) {
  if (!cql_slice_eq_cstr(t->keyspace, "system") &&
      !cql_slice_eq_cstr(t->keyspace, "system_schema") &&
      !cql_slice_eq_cstr(t->keyspace, "system_virtual_schema"))
    return false;
  for (size_t i = 0; i < sizeof(regenerated) / sizeof(regenerated[0]); i++)
    if (t == sys_table(e, regenerated[i][0], regenerated[i][1]))
      return true;
  return false;
}

void cql_system_before_read(cql_engine *e, const cql_table *t, uint32_t node_index) {
  if (!t->virtual_)
    return;
  if (e->sys_dirty && is_regenerated(e, t)) {
    if (e->cfg.n_nodes && node_index < e->cfg.n_nodes)
      e->sys_node = node_index;
    cql_system_refresh(e);
    return;
  }
  if (!e->cfg.n_nodes || node_index >= e->cfg.n_nodes || node_index == e->sys_node ||
      !is_node_table(e, t))
    return;
  e->sys_node = node_index;
  static const char *const names[] = {"local", "peers", "peers_v2"};
  for (size_t i = 0; i < 3; i++)
    cql_store_table_truncate(&e->store, sys_table(e, "system", names[i])->data);
  gen g = {e, {0}};
  cql_arena_init(&g.arena, e->mem);
  gen_local(&g);
  gen_peers(&g);
  cql_arena_free(&g.arena);
}

void cql_system_refresh(cql_engine *e) {
  e->sys_dirty = false;
  gen g = {e, {0}};
  cql_arena_init(&g.arena, e->mem);
  for (size_t i = 0; i < sizeof(regenerated) / sizeof(regenerated[0]); i++) {
    const cql_table *t = sys_table(e, regenerated[i][0], regenerated[i][1]);
    if (t)
      cql_store_table_truncate(&e->store, t->data);
  }
  gen_local(&g);
  gen_peers(&g);
  const cql_table *cols = sys_table(e, "system_schema", "columns");
  for (uint32_t i = 0; i < e->cat.n_ks; i++) {
    const cql_keyspace *k = e->cat.ks[i];
    if (k->virtual_) {
      gen_virtual(&g, k);
      continue;
    }
    gen_keyspace(&g, k);
    for (uint32_t j = 0; j < k->n_tables; j++) {
      gen_table(&g, k, k->tables[j]);
      gen_columns(&g, k, k->tables[j], cols);
    }
    for (uint32_t j = 0; j < k->n_types; j++)
      gen_type(&g, k, k->types[j]);
  }
  cql_arena_free(&g.arena);
}

/* ---- start-up and changes --------------------------------------------------------- */

bool cql_system_init(cql_engine *e) {
  for (size_t i = 0; i < sizeof(system_keyspaces) / sizeof(system_keyspaces[0]); i++) {
    cql_keyspace *k =
        cql_catalog_add_keyspace(&e->cat, cql_slice_from_cstr(system_keyspaces[i].name));
    if (!k)
      return false;
    k->system = true;
    k->virtual_ = system_keyspaces[i].is_virtual;
    cql_pair rep[2] = {
        {cql_slice_from_cstr("class"), cql_slice_from_cstr(system_keyspaces[i].strategy), false},
        {cql_slice_from_cstr("replication_factor"),
         cql_slice_from_cstr(system_keyspaces[i].rf ? system_keyspaces[i].rf : ""), false}};
    if (!cql_keyspace_set_replication(k, rep, system_keyspaces[i].rf ? 2 : 1))
      return false;
  }
  e->booting = true;
  cql_engine_session s;
  cql_engine_session_init(&s, CQL_PROTOCOL_V5);
  bool ok = true;
  for (size_t i = 0; i < cql_n_system_ddl && ok; i++) {
    cql_arena a;
    cql_arena_init(&a, e->mem);
    cql_response r;
    memset(&r, 0, sizeof(r));
    ok = cql_engine_query(e, &s, cql_slice_from_cstr(cql_system_ddl[i]), NULL, &a, &r) == CQL_OK &&
         r.opcode == CQL_OP_RESULT;
    cql_arena_free(&a);
  }
  e->booting = false;
  if (!ok)
    return false;
  cql_catalog_changed(&e->cat);
  cql_system_refresh(e);
  return true;
}

void cql_schema_changed(cql_engine *e, const char *change, const char *target, cql_slice ks,
                        cql_slice name) {
  if (e->booting)
    return;
  if (!strcmp(target, "KEYSPACE") || !strcmp(target, "TYPE"))
    cql_evict_prepared(e, ks, (cql_slice){NULL, 0});
  else
    cql_evict_prepared(e, ks, name);
  cql_catalog_changed(&e->cat);
  e->sys_dirty = true; /* regenerated when next read */
  if (e->cfg.on_schema_change) {
    cql_schema_change c;
    memset(&c, 0, sizeof(c));
    c.change_type = cql_slice_from_cstr(change);
    c.target = cql_slice_from_cstr(target);
    c.keyspace = ks;
    c.name = name;
    e->cfg.on_schema_change(e->cfg.schema_ud, &c);
  }
}
