/* The engine: creation, request dispatch, the prepared statement cache,
 * bound values and the helpers every executor uses. */
#include "engine.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine_impl.h"
#include "hash.h"
#include "mem.h"
#include "parser.h"
#include "type.h"

#define SL(s) (int)(s).len, (const char *)(s).ptr

/* ---- time ------------------------------------------------------------- */

static int64_t system_clock(void *ud) {
  (void)ud;
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t cql_engine_now(cql_engine *e) { return e->cfg.clock(e->cfg.clock_ud); }

/* Write timestamps never go backwards and never repeat, like Cassandra's
 * per-coordinator timestamps, so consecutive writes reconcile in order. */
int64_t cql_engine_next_ts(cql_engine *e, int64_t now_us) {
  int64_t ts = now_us > e->last_ts ? now_us : e->last_ts + 1;
  e->last_ts = ts;
  return ts;
}

/* ---- creation ---------------------------------------------------------- */

static const char *dup_str(cql_engine *e, const char *s, const char *def) {
  if (!s)
    s = def;
  size_t n = strlen(s);
  char *d = cql_arena_alloc(&e->cfg_arena, n + 1);
  if (d)
    memcpy(d, s, n + 1);
  return d;
}

static cql_inet loopback(void) {
  cql_inet a;
  memset(&a, 0, sizeof(a));
  a.len = 4;
  a.addr[0] = 127;
  a.addr[3] = 1;
  return a;
}

/* Deep copies of node descriptions, with the local data center and rack
 * filled in where they are left NULL. */
static cql_engine_peer *copy_peers(cql_engine *e, const cql_engine_peer *in, uint32_t n,
                                   const cql_engine_config *c) {
  cql_engine_peer *peers = cql_arena_calloc(&e->cfg_arena, n, sizeof(*peers));
  if (!peers)
    return NULL;
  for (uint32_t i = 0; i < n; i++) {
    peers[i] = in[i];
    peers[i].data_center = dup_str(e, in[i].data_center, c->data_center);
    peers[i].rack = dup_str(e, in[i].rack, c->rack);
    int64_t *toks = cql_arena_calloc(&e->cfg_arena, in[i].n_tokens + 1, sizeof(int64_t));
    if (!toks || !peers[i].data_center || !peers[i].rack)
      return NULL;
    if (in[i].n_tokens)
      memcpy(toks, in[i].tokens, in[i].n_tokens * sizeof(int64_t));
    peers[i].tokens = toks;
  }
  return peers;
}

static bool copy_config(cql_engine *e, const cql_engine_config *in) {
  cql_engine_config c;
  memset(&c, 0, sizeof(c));
  if (in)
    c = *in;
  c.clock = c.clock ? c.clock : system_clock;
  c.cluster_name = dup_str(e, c.cluster_name, "Test Cluster");
  c.data_center = dup_str(e, c.data_center, "datacenter1");
  c.rack = dup_str(e, c.rack, "rack1");
  if (!c.rpc_address.len)
    c.rpc_address = loopback();
  if (!c.listen_address.len)
    c.listen_address = c.rpc_address;
  if (!c.broadcast_address.len)
    c.broadcast_address = c.listen_address;
  c.native_port = c.native_port ? c.native_port : 9042;
  c.storage_port = c.storage_port ? c.storage_port : 7000;
  c.num_tokens = c.num_tokens ? c.num_tokens : 16;
  if (c.num_tokens > 1024)
    c.num_tokens = 1024;
  c.max_store_bytes = c.max_store_bytes ? c.max_store_bytes : (size_t)256 << 20;
  c.max_prepared = c.max_prepared ? c.max_prepared : 10000;
  c.mem = e->mem;
  if (c.n_nodes) {
    c.peers = NULL;
    c.n_peers = 0;
    e->nodes = copy_peers(e, in->nodes, c.n_nodes, &c);
    c.nodes = e->nodes;
    if (!e->nodes)
      return false;
  } else if (c.n_peers) {
    c.peers = copy_peers(e, in->peers, c.n_peers, &c);
    if (!c.peers)
      return false;
  }
  e->cfg = c;
  return c.cluster_name && c.data_center && c.rack;
}

static bool uuid_is_zero(const cql_uuid *u) {
  for (int i = 0; i < 16; i++)
    if (u->bytes[i])
      return false;
  return true;
}

/* Multi-node: every node gets a host id, and nodes without tokens get
 * theirs interleaved, so the ring is split evenly and each node owns
 * num_tokens ranges. */
static bool setup_nodes(cql_engine *e) {
  cql_engine_peer *nodes = e->nodes;
  uint32_t n = e->cfg.n_nodes, per = e->cfg.num_tokens;
  uint64_t total = (uint64_t)n * per;
  uint64_t step = UINT64_MAX / (total ? total : 1);
  for (uint32_t i = 0; i < n; i++) {
    if (uuid_is_zero(&nodes[i].host_id))
      nodes[i].host_id = cql_uuid_random(&e->rng);
    if (nodes[i].n_tokens)
      continue;
    int64_t *toks = cql_arena_calloc(&e->cfg_arena, per, sizeof(int64_t));
    if (!toks)
      return false;
    for (uint32_t j = 0; j < per; j++)
      toks[j] = (int64_t)((uint64_t)INT64_MIN + step / 2 + step * ((uint64_t)j * n + i));
    nodes[i].tokens = toks;
    nodes[i].n_tokens = per;
  }
  if (!e->cfg.has_host_id)
    e->cfg.host_id = nodes[0].host_id;
  e->cfg.has_host_id = true;
  return true;
}

static bool setup_identity(cql_engine *e) {
  int64_t now = cql_engine_now(e);
  e->rng = (uint64_t)now ^ UINT64_C(0x5bd1e995cafef00d);
  if (e->cfg.n_nodes && !setup_nodes(e))
    return false;
  if (!e->cfg.has_host_id) {
    e->cfg.host_id = cql_uuid_random(&e->rng);
    e->cfg.has_host_id = true;
  }
  memcpy(e->node_id, e->cfg.host_id.bytes + 10, 6);
  e->node_id[0] |= 0x01; /* a random node id has the multicast bit set */
  e->gossip_generation = (int32_t)(now / 1000000);
  e->n_tokens = e->cfg.num_tokens;
  e->tokens = cql_arena_calloc(&e->cfg_arena, e->n_tokens, sizeof(int64_t));
  if (!e->tokens)
    return false;
  /* Evenly spaced tokens, offset by the host id so nodes differ. */
  uint64_t step = UINT64_MAX / e->n_tokens;
  uint64_t off = cql_load_u64(e->cfg.host_id.bytes) % (step ? step : 1);
  for (uint32_t i = 0; i < e->n_tokens; i++)
    e->tokens[i] = (int64_t)((uint64_t)INT64_MIN + off + step * i);
  return true;
}

cql_status cql_engine_new(const cql_engine_config *cfg, cql_engine **out) {
  const cql_mem *mem = cql_mem_or_default(cfg ? cfg->mem : NULL);
  cql_engine *e = cql_malloc(mem, sizeof(*e));
  if (!e)
    return CQL_E_NOMEM;
  memset(e, 0, sizeof(*e));
  e->mem = mem;
  cql_arena_init(&e->cfg_arena, mem);
  cql_catalog_init(&e->cat, mem);
  if (!copy_config(e, cfg)) {
    cql_engine_free(e);
    return CQL_E_NOMEM;
  }
  cql_store_init(&e->store, mem, e->cfg.max_store_bytes);
  if (!setup_identity(e) || !cql_system_init(e)) {
    cql_engine_free(e);
    return CQL_E_NOMEM;
  }
  *out = e;
  return CQL_OK;
}

static void free_prepared(cql_engine *e, cql_prepared *p) {
  cql_arena_free(&p->arena);
  cql_free(e->mem, p);
}

void cql_engine_free(cql_engine *e) {
  if (!e)
    return;
  for (uint32_t i = 0; i < e->n_prepared; i++)
    free_prepared(e, e->prepared[i]);
  cql_free(e->mem, e->prepared);
  for (uint32_t i = 0; i < e->cat.n_ks; i++)
    for (uint32_t j = 0; j < e->cat.ks[i]->n_tables; j++)
      cql_store_table_free(&e->store, e->cat.ks[i]->tables[j]->data);
  cql_catalog_free(&e->cat);
  cql_arena_free(&e->cfg_arena);
  cql_free(e->mem, e);
}

void cql_engine_session_init(cql_engine_session *s, uint8_t version) {
  memset(s, 0, sizeof(*s));
  s->version = version;
}

cql_uuid cql_engine_schema_version(const cql_engine *e) { return e->cat.schema_version; }

size_t cql_engine_store_bytes(const cql_engine *e) {
  return e->store.bytes - e->store.exempt_bytes;
}

/* ---- the prepared cache ------------------------------------------------ */

static uint32_t prepared_pos(const cql_engine *e, const uint8_t *id, bool *found) {
  uint32_t lo = 0, hi = e->n_prepared;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = memcmp(e->prepared[mid]->id, id, 16);
    if (c == 0) {
      *found = true;
      return mid;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = false;
  return lo;
}

static cql_prepared *prepared_find(cql_engine *e, cql_slice id) {
  if (id.len != 16)
    return NULL;
  bool found;
  uint32_t i = prepared_pos(e, id.ptr, &found);
  if (!found)
    return NULL;
  e->prepared[i]->last_used = ++e->use_clock;
  return e->prepared[i];
}

static void prepared_remove_at(cql_engine *e, uint32_t i) {
  free_prepared(e, e->prepared[i]);
  memmove(&e->prepared[i], &e->prepared[i + 1], (e->n_prepared - i - 1) * sizeof(cql_prepared *));
  e->n_prepared--;
}

static bool prepared_insert(cql_engine *e, cql_prepared *p) {
  if (e->n_prepared >= e->cfg.max_prepared && e->n_prepared) {
    uint32_t lru = 0;
    for (uint32_t i = 1; i < e->n_prepared; i++)
      if (e->prepared[i]->last_used < e->prepared[lru]->last_used)
        lru = i;
    prepared_remove_at(e, lru);
  }
  if (e->n_prepared == e->cap_prepared) {
    uint32_t ncap = e->cap_prepared ? e->cap_prepared * 2 : 64;
    cql_prepared **na = cql_realloc(e->mem, e->prepared, ncap * sizeof(cql_prepared *));
    if (!na)
      return false;
    e->prepared = na;
    e->cap_prepared = ncap;
  }
  bool found;
  uint32_t i = prepared_pos(e, p->id, &found);
  if (found) {
    free_prepared(e, e->prepared[i]);
    e->prepared[i] = p;
    return true;
  }
  memmove(&e->prepared[i + 1], &e->prepared[i], (e->n_prepared - i) * sizeof(cql_prepared *));
  e->prepared[i] = p;
  e->n_prepared++;
  p->last_used = ++e->use_clock;
  return true;
}

static bool bound_uses(const cql_bound *b, cql_slice ks, cql_slice table) {
  if (b->n_batch) {
    for (uint32_t i = 0; i < b->n_batch; i++)
      if (bound_uses(b->batch[i], ks, table))
        return true;
    return false;
  }
  if (!b->table)
    return false;
  return cql_slice_eq(b->table->keyspace, ks) &&
         (!table.len || cql_slice_eq(b->table->name, table));
}

void cql_evict_prepared(cql_engine *e, cql_slice ks, cql_slice table) {
  for (uint32_t i = 0; i < e->n_prepared;) {
    if (bound_uses(e->prepared[i]->bound, ks, table))
      prepared_remove_at(e, i);
    else
      i++;
  }
}

/* ---- execution context ------------------------------------------------- */

static void exec_init(cql_exec *x, cql_engine *e, cql_engine_session *s, cql_arena *arena,
                      cql_response *out, const cql_query_params *params) {
  memset(x, 0, sizeof(*x));
  x->e = e;
  x->s = s;
  x->arena = arena;
  x->out = out;
  x->params = params;
  x->now_us = cql_engine_now(e);
  x->now_sec = (int32_t)(x->now_us / 1000000);
  if (params && params->has_now_in_seconds)
    x->now_sec = params->now_in_seconds;
  x->lit.arena = arena;
  x->lit.now_us = x->now_us;
  x->lit.rng = &e->rng;
  x->lit.node_id = e->node_id;
  x->lit.err = x->err;
  x->lit.err_len = sizeof(x->err);
}

static cql_slice session_keyspace(const cql_engine_session *s) {
  return (cql_slice){s->keyspace, s->keyspace_len};
}

/* The keyspace a request works in: its own (v5) or the session's. */
static cql_slice request_keyspace(const cql_engine_session *s, const cql_query_params *p) {
  if (p && p->has_keyspace && p->keyspace.len)
    return p->keyspace;
  return session_keyspace(s);
}

static bool names_equal_ci(cql_slice a, cql_slice b) {
  if (a.len != b.len)
    return false;
  for (size_t i = 0; i < a.len; i++) {
    uint8_t x = a.ptr[i], y = b.ptr[i];
    if (x >= 'A' && x <= 'Z')
      x = (uint8_t)(x + 32);
    if (y >= 'A' && y <= 'Z')
      y = (uint8_t)(y + 32);
    if (x != y)
      return false;
  }
  return true;
}

bool cql_exec_values(cql_exec *x, const cql_bound *b, const cql_value_arg *values,
                     uint32_t n_values, bool named) {
  x->n_bound = b->n_binds;
  x->bound = NULL;
  if (b->n_binds) {
    x->bound = cql_arena_calloc(x->arena, b->n_binds, sizeof(cql_value_arg *));
    if (!x->bound)
      return cql_fail_nomem(x);
  }
  if (!named) {
    if (n_values != b->n_binds)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "Invalid amount of bind variables: expected %u, got %u", b->n_binds,
                      n_values);
    for (uint32_t i = 0; i < n_values; i++)
      x->bound[i] = &values[i];
  } else {
    for (uint32_t i = 0; i < b->n_binds; i++) {
      for (uint32_t j = 0; j < n_values && !x->bound[i]; j++)
        if (cql_slice_eq(values[j].name, b->binds[i].name))
          x->bound[i] = &values[j];
      for (uint32_t j = 0; j < n_values && !x->bound[i]; j++)
        if (names_equal_ci(values[j].name, b->binds[i].name))
          x->bound[i] = &values[j];
      if (!x->bound[i])
        return cql_fail(x, CQL_SERVER_INVALID, "No value provided for bind variable %.*s",
                        SL(b->binds[i].name));
    }
  }
  x->lit.bound = x->bound;
  x->lit.n_bound = x->n_bound;
  return true;
}

bool cql_eval(cql_exec *x, const cql_src *src, cql_val *out) {
  cql_status st = cql_term_value(&x->lit, src->term, src->type, src->name, out);
  return st == CQL_OK ? true : cql_fail_status(x, st);
}

bool cql_eval_int(cql_exec *x, const cql_term *t, const cql_type *type, const char *name,
                  int64_t *out, bool *present) {
  cql_src src = {t, type, cql_slice_from_cstr(name)};
  cql_val v;
  *present = false;
  if (!cql_eval(x, &src, &v))
    return false;
  if (v.state != CQL_VALUE_SET || v.bytes.len == 0) {
    if (v.state == CQL_VALUE_NULL && type->id == CQL_TYPE_BIGINT)
      return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value of timestamp");
    return true;
  }
  *present = true;
  *out = v.bytes.len == 8 ? (int64_t)cql_load_u64(v.bytes.ptr)
                          : (int64_t)(int32_t)cql_load_u32(v.bytes.ptr);
  return true;
}

int64_t cql_table_token(const cql_table *t, cql_slice key) {
  if (!t->key_ordered)
    return cql_murmur3_token(key.ptr, key.len);
  uint64_t v = 0;
  for (size_t i = 0; i < 8; i++)
    v = v << 8 | (i < key.len ? key.ptr[i] : 0);
  return (int64_t)(v ^ UINT64_C(0x8000000000000000));
}

cql_slice cql_partition_key(cql_exec *x, const cql_table *t, const cql_slice *parts) {
  if (t->n_pk == 1)
    return parts[0];
  size_t n = 0;
  for (uint32_t i = 0; i < t->n_pk; i++)
    n += 3 + parts[i].len;
  uint8_t *p = cql_arena_alloc(x->arena, n ? n : 1);
  if (!p)
    return (cql_slice){NULL, 0};
  size_t o = 0;
  for (uint32_t i = 0; i < t->n_pk; i++) {
    cql_store_u16(p + o, (uint16_t)parts[i].len);
    if (parts[i].len)
      memcpy(p + o + 2, parts[i].ptr, parts[i].len);
    o += 2 + parts[i].len;
    p[o++] = 0;
  }
  return (cql_slice){p, n};
}

/* The values a single EQ/IN restriction stands for. */
static bool restr_values(cql_exec *x, const cql_restr *r, cql_slice **vals, uint32_t *n) {
  const char *part =
      r->col->kind == CQL_COL_PARTITION ? "partition key part" : "clustering key part";
  if (r->op == CQL_OP_IN && !r->in_marker) {
    *vals = cql_arena_calloc(x->arena, r->n_in + 1, sizeof(cql_slice));
    if (!*vals)
      return cql_fail_nomem(x);
    *n = 0;
    for (uint32_t i = 0; i < r->n_in; i++) {
      cql_val v;
      if (!cql_eval(x, &r->in[i], &v))
        return false;
      if (v.state == CQL_VALUE_SET)
        (*vals)[(*n)++] = v.bytes;
    }
    return true;
  }
  cql_val v;
  if (!cql_eval(x, &r->value, &v))
    return false;
  if (v.state == CQL_VALUE_UNSET)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid unset value for column %.*s", SL(r->col->name));
  if (v.state == CQL_VALUE_NULL)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value %sfor %s %.*s",
                    r->op == CQL_OP_IN ? "in IN list " : "", part, SL(r->col->name));
  if (r->op != CQL_OP_IN) {
    *vals = cql_arena_alloc(x->arena, sizeof(cql_slice));
    if (!*vals)
      return cql_fail_nomem(x);
    (*vals)[0] = v.bytes;
    *n = 1;
    return true;
  }
  /* IN ?: a serialized list */
  cql_rd rd;
  cql_rd_init(&rd, v.bytes.ptr, v.bytes.len);
  int32_t count = v.bytes.len ? cql_rd_i32(&rd) : 0;
  if (count < 0 || (size_t)count > cql_rd_left(&rd) / 4 + 1)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid IN list");
  *vals = cql_arena_calloc(x->arena, (size_t)count + 1, sizeof(cql_slice));
  if (!*vals)
    return cql_fail_nomem(x);
  *n = 0;
  for (int32_t i = 0; i < count; i++) {
    cql_slice e;
    if (cql_rd_value(&rd, &e, false) >= 0)
      (*vals)[(*n)++] = e;
  }
  return true;
}

enum { MAX_COMBINATIONS = 65536 };

bool cql_expand(cql_exec *x, const cql_restr *const *r, uint32_t n, cql_slice ***out,
                uint32_t *n_combos) {
  uint64_t total = 1;
  cql_slice **vals = cql_arena_calloc(x->arena, n + 1, sizeof(cql_slice *));
  uint32_t *counts = cql_arena_calloc(x->arena, n + 1, sizeof(uint32_t));
  if (!vals || !counts)
    return cql_fail_nomem(x);
  for (uint32_t i = 0; i < n; i++) {
    if (!restr_values(x, r[i], &vals[i], &counts[i]))
      return false;
    for (uint32_t k = 0; k < counts[i]; k++)
      if (r[i]->col->kind == CQL_COL_PARTITION && vals[i][k].len == 0 && n == 1)
        return cql_fail(x, CQL_SERVER_INVALID, "Key may not be empty");
    total *= counts[i];
    if (total > MAX_COMBINATIONS)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "The cartesian product of the IN relations is too large (over %d)",
                      MAX_COMBINATIONS);
  }
  cql_slice **combos = cql_arena_calloc(x->arena, (size_t)total + 1, sizeof(cql_slice *));
  if (!combos)
    return cql_fail_nomem(x);
  for (uint64_t c = 0; c < total; c++) {
    combos[c] = cql_arena_calloc(x->arena, n + 1, sizeof(cql_slice));
    if (!combos[c])
      return cql_fail_nomem(x);
    uint64_t rest = c;
    for (uint32_t i = n; i-- > 0;) {
      combos[c][i] = vals[i][rest % counts[i]];
      rest /= counts[i];
    }
  }
  *out = combos;
  *n_combos = (uint32_t)total;
  return true;
}

/* ---- dispatch ------------------------------------------------------------ */

static const char *consistency_name(uint16_t cl) {
  static const char *const names[] = {"ANY",    "ONE",          "TWO",          "THREE",
                                      "QUORUM", "ALL",          "LOCAL_QUORUM", "EACH_QUORUM",
                                      "SERIAL", "LOCAL_SERIAL", "LOCAL_ONE"};
  return cl < sizeof(names) / sizeof(names[0]) ? names[cl] : "UNKNOWN";
}

static bool is_serial(uint16_t cl) {
  return cl == CQL_CONSISTENCY_SERIAL || cl == CQL_CONSISTENCY_LOCAL_SERIAL;
}

bool cql_check_write_consistency(cql_exec *x, bool conditional) {
  uint16_t cl = x->params ? x->params->consistency : CQL_CONSISTENCY_ONE;
  if (!is_serial(cl))
    return true;
  if (!conditional)
    return cql_fail(x, CQL_SERVER_INVALID,
                    "You must use conditional updates for serializable writes");
  return cql_fail(x, CQL_SERVER_INVALID,
                  "%s is not supported as conditional update commit consistency. Use ANY if you "
                  "mean \"make sure it is accepted but I don't care how many replicas commit it "
                  "for non-SERIAL reads\"",
                  consistency_name(cl));
}

/* Cassandra's rules on the consistency of a statement (the engine keeps
 * one copy of everything, so levels change nothing else). */
static bool check_consistency(cql_exec *x, const cql_bound *b) {
  if (!x->params)
    return true;
  uint16_t cl = x->params->consistency;
  if (b->select) {
    if (cl == CQL_CONSISTENCY_ANY)
      return cql_fail(x, CQL_SERVER_INVALID, "ANY ConsistencyLevel is only supported for writes");
    if (is_serial(cl) && !b->select->pk_complete)
      return cql_fail(x, CQL_SERVER_INVALID,
                      "SERIAL/LOCAL_SERIAL consistency may only be requested for one partition at "
                      "a time");
    return true;
  }
  if (b->mod)
    return cql_check_write_consistency(x, b->conditional);
  return true;
}

bool cql_exec_bound(cql_exec *x, const cql_bound *b) {
  if ((b->select || b->mod) && !check_consistency(x, b))
    return false;
  if (b->select)
    return cql_exec_select(x, b);
  if (b->mod)
    return cql_exec_modify(x, b);
  if (b->stmt->kind == CQL_STMT_BATCH) {
    const cql_value_arg **vals = cql_arena_calloc(x->arena, b->n_batch + 1, sizeof(void *));
    uint32_t *counts = cql_arena_calloc(x->arena, b->n_batch + 1, sizeof(uint32_t));
    if (!vals || !counts)
      return cql_fail_nomem(x);
    return cql_exec_batch(x, b->stmt->u.batch.type, (const cql_bound *const *)b->batch, vals,
                          counts, b->n_batch, true, b->stmt->u.batch.using_.timestamp);
  }
  return cql_exec_schema(x, b);
}

static cql_status finish(cql_exec *x) {
  (void)x;
  return CQL_OK;
}

static bool parse_and_bind(cql_exec *x, cql_slice query, cql_slice ks, cql_arena *arena,
                           cql_parsed *parsed, cql_bound **out) {
  const char *msg = NULL;
  cql_status st = cql_parse(query, arena, parsed, &msg);
  if (st == CQL_E_NOMEM)
    return cql_fail_nomem(x);
  if (st != CQL_OK)
    return cql_fail(x, CQL_SERVER_SYNTAX_ERROR, "%s", msg);
  if (parsed->stmt->kind == CQL_STMT_UNSUPPORTED)
    return cql_fail(x, CQL_SERVER_INVALID, "cqlkit-node does not support %s",
                    parsed->stmt->u.unsupported);
  cql_arena *saved = x->lit.arena;
  x->lit.arena = arena;
  *out = cql_bind(x, parsed, ks, arena);
  x->lit.arena = saved;
  return *out != NULL;
}

cql_status cql_engine_query(cql_engine *e, cql_engine_session *s, cql_slice query,
                            const cql_query_params *params, cql_arena *arena, cql_response *out) {
  cql_exec x;
  exec_init(&x, e, s, arena, out, params);
  cql_parsed parsed;
  cql_bound *b = NULL;
  if (!parse_and_bind(&x, query, request_keyspace(s, params), arena, &parsed, &b))
    return finish(&x);
  if (!cql_exec_values(&x, b, params ? params->values : NULL, params ? params->n_values : 0,
                       params && params->named_values))
    return finish(&x);
  cql_exec_bound(&x, b);
  return finish(&x);
}

static void prepared_result(cql_exec *x, const cql_prepared *p) {
  cql_response *o = x->out;
  int16_t stream = o->stream;
  memset(o, 0, sizeof(*o));
  o->stream = stream;
  o->opcode = CQL_OP_RESULT;
  cql_result_msg *r = &o->u.result;
  r->kind = CQL_RESULT_PREPARED;
  const cql_bound *b = p->bound;
  r->u.prepared.id = cql_x_strdup(x, (cql_slice){p->id, 16});
  if (x->s->version >= CQL_PROTOCOL_V5)
    r->u.prepared.result_metadata_id = cql_x_strdup(x, (cql_slice){b->result_id, 16});
  cql_prepared_metadata *pm = &r->u.prepared.metadata;
  pm->flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
  pm->columns_count = (int32_t)b->n_binds;
  pm->columns = b->binds;
  pm->pk_count = (int32_t)b->n_pk_idx;
  pm->pk_indices = b->pk_idx;
  if (!b->n_binds)
    pm->flags = 0;
  cql_rows_metadata *rm = &r->u.prepared.result_metadata;
  rm->columns_count = (int32_t)b->n_results;
  if (b->n_results) {
    rm->flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
    rm->columns = b->results;
  } else {
    rm->flags = CQL_ROWS_FLAG_NO_METADATA;
  }
}

static void prepared_id(cql_slice ks, cql_slice query, uint8_t out[16]) {
  cql_md5 m;
  cql_md5_init(&m);
  if (ks.len)
    cql_md5_update(&m, ks.ptr, ks.len);
  cql_md5_update(&m, query.ptr, query.len);
  cql_md5_final(&m, out);
}

cql_status cql_engine_prepare(cql_engine *e, cql_engine_session *s, cql_slice query,
                              const cql_slice *keyspace, cql_arena *arena, cql_response *out) {
  cql_exec x;
  exec_init(&x, e, s, arena, out, NULL);
  cql_slice ks = keyspace && keyspace->len ? *keyspace : session_keyspace(s);
  uint8_t id[16];
  prepared_id(ks, query, id);
  cql_prepared *p = prepared_find(e, (cql_slice){id, 16});
  if (p) {
    prepared_result(&x, p);
    return finish(&x);
  }
  p = cql_malloc(e->mem, sizeof(*p));
  if (!p) {
    cql_fail_nomem(&x);
    return finish(&x);
  }
  memset(p, 0, sizeof(*p));
  cql_arena_init(&p->arena, e->mem);
  memcpy(p->id, id, 16);
  uint8_t *q = cql_arena_alloc(&p->arena, query.len + 1);
  uint8_t *k = cql_arena_alloc(&p->arena, ks.len + 1);
  if (!q || !k) {
    free_prepared(e, p);
    cql_fail_nomem(&x);
    return finish(&x);
  }
  if (query.len)
    memcpy(q, query.ptr, query.len);
  if (ks.len)
    memcpy(k, ks.ptr, ks.len);
  p->query = (cql_slice){q, query.len};
  p->keyspace = (cql_slice){k, ks.len};
  if (!parse_and_bind(&x, p->query, p->keyspace, &p->arena, &p->parsed, &p->bound)) {
    free_prepared(e, p);
    return finish(&x);
  }
  if (!prepared_insert(e, p)) {
    free_prepared(e, p);
    cql_fail_nomem(&x);
    return finish(&x);
  }
  prepared_result(&x, p);
  return finish(&x);
}

static void unprepared(cql_exec *x, cql_slice id) {
  char hex[33];
  size_t n = id.len < 16 ? id.len : 16;
  for (size_t i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", id.ptr[i]);
  hex[2 * n] = 0;
  cql_fail(x, CQL_SERVER_UNPREPARED,
           "Prepared query with ID %s not found (either the query was not prepared on this host "
           "(maybe the host has been restarted?) or you have prepared too many queries and it has "
           "been evicted from the internal cache)",
           hex);
  x->out->u.error.unprepared_id = cql_x_strdup(x, id);
}

cql_status cql_engine_execute(cql_engine *e, cql_engine_session *s, cql_slice id,
                              cql_slice result_metadata_id, const cql_query_params *params,
                              cql_arena *arena, cql_response *out) {
  cql_exec x;
  exec_init(&x, e, s, arena, out, params);
  cql_prepared *p = prepared_find(e, id);
  if (!p) {
    unprepared(&x, id);
    return finish(&x);
  }
  x.result_metadata_id = result_metadata_id;
  if (!cql_exec_values(&x, p->bound, params ? params->values : NULL, params ? params->n_values : 0,
                       params && params->named_values))
    return finish(&x);
  cql_exec_bound(&x, p->bound);
  return finish(&x);
}

cql_status cql_engine_batch(cql_engine *e, cql_engine_session *s, const cql_batch_body *batch,
                            cql_arena *arena, cql_response *out) {
  cql_query_params params;
  memset(&params, 0, sizeof(params));
  params.consistency = batch->consistency;
  params.has_timestamp = batch->has_timestamp;
  params.timestamp = batch->timestamp;
  params.has_keyspace = batch->has_keyspace;
  params.keyspace = batch->keyspace;
  params.has_now_in_seconds = batch->has_now_in_seconds;
  params.now_in_seconds = batch->now_in_seconds;
  cql_exec x;
  exec_init(&x, e, s, arena, out, &params);
  uint32_t n = batch->n_stmts;
  const cql_bound **stmts = cql_arena_calloc(arena, n + 1, sizeof(cql_bound *));
  const cql_value_arg **vals = cql_arena_calloc(arena, n + 1, sizeof(cql_value_arg *));
  uint32_t *counts = cql_arena_calloc(arena, n + 1, sizeof(uint32_t));
  if (!stmts || !vals || !counts) {
    cql_fail_nomem(&x);
    return finish(&x);
  }
  for (uint32_t i = 0; i < n; i++) {
    const cql_batch_stmt *bs = &batch->stmts[i];
    if (bs->is_prepared) {
      cql_prepared *p = prepared_find(e, bs->id);
      if (!p) {
        unprepared(&x, bs->id);
        return finish(&x);
      }
      stmts[i] = p->bound;
    } else {
      cql_parsed parsed;
      cql_bound *b = NULL;
      if (!parse_and_bind(&x, bs->query, request_keyspace(s, &params), arena, &parsed, &b))
        return finish(&x);
      stmts[i] = b;
    }
    vals[i] = bs->values;
    counts[i] = bs->n_values;
  }
  cql_exec_batch(&x, batch->type, stmts, vals, counts, n, false, NULL);
  return finish(&x);
}

cql_status cql_engine_handle(cql_engine *e, cql_engine_session *s, const cql_request *req,
                             cql_arena *arena, cql_response *out) {
  memset(out, 0, sizeof(*out));
  out->stream = req->stream;
  switch (req->opcode) {
  case CQL_OP_QUERY:
    return cql_engine_query(e, s, req->u.query.query, &req->u.query.params, arena, out);
  case CQL_OP_PREPARE:
    return cql_engine_prepare(e, s, req->u.prepare.query,
                              req->u.prepare.has_keyspace ? &req->u.prepare.keyspace : NULL, arena,
                              out);
  case CQL_OP_EXECUTE:
    return cql_engine_execute(e, s, req->u.execute.id, req->u.execute.result_metadata_id,
                              &req->u.execute.params, arena, out);
  case CQL_OP_BATCH:
    return cql_engine_batch(e, s, &req->u.batch, arena, out);
  default: {
    cql_exec x;
    exec_init(&x, e, s, arena, out, NULL);
    cql_fail(&x, CQL_SERVER_PROTOCOL_ERROR, "Unexpected message %u for the CQL engine",
             req->opcode);
    return CQL_OK;
  }
  }
}
