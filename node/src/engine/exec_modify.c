/* INSERT, UPDATE and DELETE: keys, timestamps and TTLs, operations on
 * cells (collections read-modify-write, counters), deletions and
 * lightweight transactions. */
#include <string.h>

#include "engine_impl.h"
#include "exec_modify.h"
#include "hash.h"
#include "lit_scalar.h"
#include "type.h"
#include "value.h"

#define SL(s) (int)(s).len, (const char *)(s).ptr

enum { MAX_TTL = 630720000 }; /* 20 years, Cassandra's cap */

bool bd_multicell(const cql_type *t) {
  return (t->id == CQL_TYPE_LIST || t->id == CQL_TYPE_SET || t->id == CQL_TYPE_MAP ||
          t->id == CQL_TYPE_UDT) &&
         !t->frozen;
}

static bool store_full(cql_exec *x) {
  return cql_fail(x, CQL_SERVER_INVALID,
                  "cqlkit-node store is full (max_store_bytes = %zu); the write was not applied",
                  x->e->store.max_bytes);
}

/* ---- timestamps and TTL ---------------------------------------------------- */

bool cql_mod_times(cql_exec *x, const cql_mod_plan *m, int64_t batch_ts, bool has_batch_ts,
                   int64_t *ts, int32_t *ttl) {
  bool present = false;
  int64_t v = 0;
  if (m->timestamp) {
    if (!cql_eval_int(x, m->timestamp, cql_type_native(CQL_TYPE_BIGINT), "[timestamp]", &v,
                      &present))
      return false;
  }
  if (present)
    *ts = v;
  else if (has_batch_ts)
    *ts = batch_ts;
  else if (x->params && x->params->has_timestamp)
    *ts = x->params->timestamp;
  else
    *ts = cql_engine_next_ts(x->e, x->now_us);
  *ttl = m->table->default_ttl;
  if (m->ttl) {
    if (!cql_eval_int(x, m->ttl, cql_type_native(CQL_TYPE_INT), "[ttl]", &v, &present))
      return false;
    if (present) {
      if (v < 0)
        return cql_fail(x, CQL_SERVER_INVALID, "A TTL must be greater or equal to 0, but was %lld",
                        (long long)v);
      if (v > MAX_TTL)
        return cql_fail(x, CQL_SERVER_INVALID, "ttl is too large. requested (%lld) maximum (%d)",
                        (long long)v, MAX_TTL);
      *ttl = (int32_t)v;
    }
  }
  return true;
}

/* ---- collections ------------------------------------------------------------ */

typedef struct coll {
  cql_slice *v; /* elements (maps: key, value pairs) */
  uint32_t n;   /* elements, or pairs for maps */
} coll;

static uint32_t stride_of(const cql_type *t) { return t->id == CQL_TYPE_MAP ? 2 : 1; }

static bool coll_read(cql_exec *x, const cql_type *t, cql_slice in, coll *c) {
  uint32_t st = stride_of(t);
  cql_rd rd;
  cql_rd_init(&rd, in.ptr, in.len);
  int32_t n = in.len ? cql_rd_i32(&rd) : 0;
  if (n < 0 || (uint64_t)n * st > cql_rd_left(&rd) / 4 + 1)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid collection value");
  c->v = cql_arena_calloc(x->arena, (size_t)n * st + 1, sizeof(cql_slice));
  if (!c->v)
    return cql_fail_nomem(x);
  c->n = (uint32_t)n;
  for (uint32_t i = 0; i < c->n * st; i++)
    if (cql_rd_value(&rd, &c->v[i], false) < 0)
      return cql_fail(x, CQL_SERVER_INVALID, "Invalid collection value");
  return true;
}

static cql_slice coll_write(cql_exec *x, const cql_type *t, const coll *c) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_i32(&b, (int32_t)c->n);
  for (uint32_t i = 0; i < c->n * stride_of(t); i++)
    cql_buf_put_bytes(&b, c->v[i]);
  cql_slice out = {NULL, 0};
  if (!b.err) {
    uint8_t *p = cql_arena_alloc(x->arena, b.len);
    if (p) {
      memcpy(p, b.data, b.len);
      out = (cql_slice){p, b.len};
    }
  }
  cql_buf_free(&b);
  return out;
}

static bool coll_concat(cql_exec *x, const cql_type *t, const coll *a, const coll *b, coll *out) {
  uint32_t st = stride_of(t);
  out->n = a->n + b->n;
  out->v = cql_arena_calloc(x->arena, (size_t)out->n * st + 1, sizeof(cql_slice));
  if (!out->v)
    return cql_fail_nomem(x);
  if (a->n)
    memcpy(out->v, a->v, (size_t)a->n * st * sizeof(cql_slice));
  if (b->n)
    memcpy(out->v + (size_t)a->n * st, b->v, (size_t)b->n * st * sizeof(cql_slice));
  if (t->id != CQL_TYPE_LIST) {
    uint32_t n = lit_sort_unique(x->arena, t->children[0], out->v, out->n, st);
    if (n == UINT32_MAX)
      return cql_fail_nomem(x);
    out->n = n;
  }
  return true;
}

/* Removes from `a` the elements (list, set) or keys (map) listed in `rm`. */
static void coll_remove(const cql_type *t, coll *a, const coll *rm) {
  uint32_t st = stride_of(t);
  const cql_type *kt = t->children[0];
  uint32_t out = 0;
  for (uint32_t i = 0; i < a->n; i++) {
    bool drop = false;
    for (uint32_t j = 0; j < rm->n && !drop; j++)
      drop = cql_value_compare(kt, a->v[i * st], rm->v[j]) == 0;
    if (drop)
      continue;
    for (uint32_t s = 0; s < st; s++)
      a->v[out * st + s] = a->v[i * st + s];
    out++;
  }
  a->n = out;
}

/* ---- applying operations ------------------------------------------------------ */

typedef struct target {
  cql_partition *p;
  cql_row *row; /* NULL for static-only writes */
  int64_t ts;
  int32_t ttl;
} target;

static cql_row *row_of(const target *tg, const cql_column *c) {
  return c->kind == CQL_COL_STATIC ? &tg->p->statics : tg->row;
}

/* The live value of a column in the target, or a zero slice. */
static bool current(cql_exec *x, const cql_table *t, const target *tg, const cql_column *c,
                    cql_slice *out) {
  cql_row *r = row_of(tg, c);
  if (!r)
    return false;
  int64_t sh = cql_row_shadow(t, tg->p, r);
  const cql_store_cell *cell = cql_row_cell(r, c->slot);
  if (!cql_cell_live(cell, x->now_sec, sh))
    return false;
  *out = (cql_slice){cell->val, cell->len};
  return true;
}

static bool put_cell(cql_exec *x, const cql_table *t, const target *tg, const cql_column *c,
                     const cql_slice *v, bool rmw) {
  cql_row *r = row_of(tg, c);
  if (!r)
    return cql_fail(x, CQL_SERVER_INVALID, "Missing mandatory PRIMARY KEY part for %.*s",
                    SL(c->name));
  bool tomb = v == NULL;
  /* An empty non-frozen collection is no collection at all. */
  if (v && bd_multicell(c->type) && v->len == 4 && cql_load_u32(v->ptr) == 0)
    tomb = true;
  cql_status st = cql_store_write(&x->e->store, t->data, r, c->slot, v ? *v : (cql_slice){NULL, 0},
                                  tomb, tg->ts, tg->ttl, x->now_sec, rmw);
  return st == CQL_OK ? true : store_full(x);
}

static bool put(cql_exec *x, const cql_table *t, const target *tg, const cql_column *c,
                const cql_slice *v) {
  return put_cell(x, t, tg, c, v, false);
}

/* A value computed from the cell's current content. */
static bool put_rmw(cql_exec *x, const cql_table *t, const target *tg, const cql_column *c,
                    const cql_slice *v) {
  return put_cell(x, t, tg, c, v, true);
}

static bool op_collection(cql_exec *x, const cql_table *t, const target *tg, const cql_mop *op,
                          const cql_val *v) {
  const cql_type *ty = op->col->type;
  coll cur = {NULL, 0}, val = {NULL, 0}, res;
  cql_slice cs;
  if (current(x, t, tg, op->col, &cs) && !coll_read(x, ty, cs, &cur))
    return false;
  const cql_type *vt = op->kind == CQL_MOP_REMOVE && ty->id == CQL_TYPE_MAP ? op->value.type : ty;
  if (!coll_read(x, vt, v->bytes, &val))
    return false;
  switch (op->kind) {
  case CQL_MOP_APPEND:
    if (!coll_concat(x, ty, &cur, &val, &res))
      return false;
    break;
  case CQL_MOP_PREPEND:
    if (!coll_concat(x, ty, &val, &cur, &res))
      return false;
    break;
  default:
    res = cur;
    coll_remove(ty, &res, &val);
    break;
  }
  cql_slice out = coll_write(x, ty, &res);
  if (!out.ptr)
    return cql_fail_nomem(x);
  return put_rmw(x, t, tg, op->col, res.n ? &out : NULL);
}

static bool op_elem(cql_exec *x, const cql_table *t, const target *tg, const cql_mop *op,
                    const cql_val *key, const cql_val *v, bool deletion) {
  const cql_type *ty = op->col->type;
  if (key->state != CQL_VALUE_SET)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value for %s of %.*s",
                    ty->id == CQL_TYPE_MAP ? "map key" : "list index", SL(op->col->name));
  coll cur = {NULL, 0};
  cql_slice cs;
  if (current(x, t, tg, op->col, &cs) && !coll_read(x, ty, cs, &cur))
    return false;
  bool remove = deletion || v->state == CQL_VALUE_NULL;
  if (ty->id == CQL_TYPE_LIST) {
    int32_t idx = key->bytes.len == 4 ? (int32_t)cql_load_u32(key->bytes.ptr) : -1;
    if (idx < 0 || (uint32_t)idx >= cur.n) {
      if (deletion)
        return true;
      return cql_fail(x, CQL_SERVER_INVALID, "List index %d out of bound, list has size %u", idx,
                      cur.n);
    }
    if (remove) {
      memmove(&cur.v[idx], &cur.v[idx + 1], (cur.n - (uint32_t)idx - 1) * sizeof(cql_slice));
      cur.n--;
    } else {
      cur.v[idx] = v->bytes;
    }
  } else {
    coll one = {(cql_slice[2]){key->bytes, v->bytes}, 1}, res;
    if (remove) {
      coll keys = {(cql_slice[1]){key->bytes}, 1};
      coll_remove(ty, &cur, &keys);
      res = cur;
    } else if (!coll_concat(x, ty, &cur, &one, &res)) {
      return false;
    }
    cur = res;
  }
  cql_slice out = coll_write(x, ty, &cur);
  if (!out.ptr)
    return cql_fail_nomem(x);
  return put_rmw(x, t, tg, op->col, cur.n ? &out : NULL);
}

static bool op_field(cql_exec *x, const cql_table *t, const target *tg, const cql_mop *op,
                     const cql_val *v) {
  const cql_type *ty = op->col->type;
  static const uint8_t none[1] = {0};
  cql_slice cs = {none, 0}; /* never NULL: the reader does arithmetic on it */
  bool have = current(x, t, tg, op->col, &cs);
  cql_rd rd;
  cql_rd_init(&rd, cs.ptr ? cs.ptr : none, cs.len);
  cql_buf b;
  cql_buf_init(&b, NULL);
  for (uint32_t f = 0; f < ty->n_children; f++) {
    cql_slice e = {NULL, 0};
    int32_t len = -1;
    if (have && cql_rd_left(&rd))
      len = cql_rd_value(&rd, &e, false);
    if (f == op->field) {
      if (v && v->state == CQL_VALUE_SET)
        cql_buf_put_bytes(&b, v->bytes);
      else
        cql_buf_put_null_bytes(&b);
    } else if (len >= 0) {
      cql_buf_put_bytes(&b, e);
    } else {
      cql_buf_put_null_bytes(&b);
    }
  }
  cql_slice out = {NULL, 0};
  if (!b.err) {
    uint8_t *p = cql_arena_alloc(x->arena, b.len);
    if (p) {
      memcpy(p, b.data, b.len);
      out = (cql_slice){p, b.len};
    }
  }
  cql_buf_free(&b);
  if (!out.ptr)
    return cql_fail_nomem(x);
  return put_rmw(x, t, tg, op->col, &out);
}

static bool apply_op(cql_exec *x, const cql_table *t, const target *tg, const cql_mop *op) {
  cql_val v = {CQL_VALUE_SET, {NULL, 0}}, key = {CQL_VALUE_SET, {NULL, 0}};
  if (op->value.term && !cql_eval(x, &op->value, &v))
    return false;
  if (op->key.term && !cql_eval(x, &op->key, &key))
    return false;
  if (v.state == CQL_VALUE_UNSET || key.state == CQL_VALUE_UNSET)
    return true; /* unset values leave the column alone */
  switch (op->kind) {
  case CQL_MOP_SET:
    return put(x, t, tg, op->col, v.state == CQL_VALUE_NULL ? NULL : &v.bytes);
  case CQL_MOP_DELETE:
    return put(x, t, tg, op->col, NULL);
  case CQL_MOP_APPEND:
  case CQL_MOP_PREPEND:
  case CQL_MOP_REMOVE:
    if (v.state == CQL_VALUE_NULL)
      return op->kind == CQL_MOP_REMOVE
                 ? true
                 : cql_fail(x, CQL_SERVER_INVALID,
                            "Invalid null value for collection update of %.*s", SL(op->col->name));
    return op_collection(x, t, tg, op, &v);
  case CQL_MOP_COUNTER: {
    if (v.state == CQL_VALUE_NULL || v.bytes.len != 8)
      return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value for counter increment");
    int64_t d = (int64_t)cql_load_u64(v.bytes.ptr);
    cql_row *r = row_of(tg, op->col);
    if (!r)
      return cql_fail(x, CQL_SERVER_INVALID, "Missing clustering key for counter update");
    cql_status st = cql_store_counter_add(&x->e->store, t->data, r, op->col->slot,
                                          op->negate ? (int64_t)(0 - (uint64_t)d) : d, tg->ts);
    return st == CQL_OK ? true : store_full(x);
  }
  case CQL_MOP_SET_ELEM:
    return op_elem(x, t, tg, op, &key, &v, false);
  case CQL_MOP_DELETE_ELEM:
    return op_elem(x, t, tg, op, &key, &v, true);
  case CQL_MOP_SET_FIELD:
    return op_field(x, t, tg, op, &v);
  case CQL_MOP_DELETE_FIELD:
    return op_field(x, t, tg, op, NULL);
  default:
    return true;
  }
}

/* ---- keys --------------------------------------------------------------------- */

static bool partition_for(cql_exec *x, const cql_table *t, const cql_slice *parts,
                          cql_partition **out, cql_slice *key, int64_t *token) {
  for (uint32_t i = 0; i < t->n_pk; i++) {
    if (t->n_pk == 1 && parts[i].len == 0)
      return cql_fail(x, CQL_SERVER_INVALID, "Key may not be empty");
    if (parts[i].len > 65535)
      return cql_fail(x, CQL_SERVER_INVALID, "Key length of %zu is longer than maximum of 65535",
                      parts[i].len);
  }
  *key = cql_partition_key(x, t, parts);
  if (!key->ptr && t->n_pk > 1)
    return cql_fail_nomem(x);
  *token = cql_table_token(t, *key);
  if (!out)
    return true;
  cql_status st = CQL_OK;
  *out = cql_store_get(&x->e->store, t->data, *token, *key, &st);
  return *out ? true : store_full(x);
}

static bool range_delete(cql_exec *x, const cql_mod_plan *m, cql_partition *p, cql_slice *prefix,
                         int64_t ts) {
  const cql_table *t = m->table;
  uint32_t n = m->ck_eq;
  cql_ck_bound start = {prefix, n, true}, end = {prefix, n, true};
  if (m->ck_slice) {
    const cql_restr *rs[2] = {m->ck_slice, m->ck[t->n_ck]};
    cql_slice *lo = NULL, *hi = NULL;
    bool lo_inc = true, hi_inc = true;
    for (int i = 0; i < 2; i++) {
      const cql_restr *r = rs[i];
      if (!r)
        continue;
      cql_val v;
      if (!cql_eval(x, &r->value, &v))
        return false;
      if (v.state != CQL_VALUE_SET)
        return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value in condition for column %.*s",
                        SL(r->col->name));
      cql_slice *full = cql_arena_calloc(x->arena, n + 2, sizeof(cql_slice));
      if (!full)
        return cql_fail_nomem(x);
      if (n)
        memcpy(full, prefix, n * sizeof(cql_slice));
      full[n] = v.bytes;
      if (r->op == CQL_OP_GT || r->op == CQL_OP_GTE) {
        lo = full;
        lo_inc = r->op == CQL_OP_GTE;
      } else {
        hi = full;
        hi_inc = r->op == CQL_OP_LTE;
      }
    }
    bool desc = t->ck[n]->desc;
    cql_slice *s_vals = desc ? hi : lo, *e_vals = desc ? lo : hi;
    bool s_inc = desc ? hi_inc : lo_inc, e_inc = desc ? lo_inc : hi_inc;
    if (s_vals)
      start = (cql_ck_bound){s_vals, n + 1, s_inc};
    if (e_vals)
      end = (cql_ck_bound){e_vals, n + 1, e_inc};
  }
  cql_status st = cql_store_range_delete(&x->e->store, t->data, p, &start, &end, ts);
  return st == CQL_OK ? true : store_full(x);
}

/* Applies the plan to one partition and one clustering combination. */
static bool apply_one(cql_exec *x, const cql_mod_plan *m, cql_partition *p, cql_slice *ck,
                      int64_t ts, int32_t ttl) {
  const cql_table *t = m->table;
  target tg = {p, NULL, ts, ttl};
  if (m->kind == CQL_STMT_DELETE && m->whole_row) {
    if (m->ck_eq == 0 && !m->ck_slice) {
      cql_store_delete_partition(p, ts);
      return true;
    }
    if (m->ck_eq < t->n_ck || m->ck_slice)
      return range_delete(x, m, p, ck, ts);
  }
  if (!m->static_only && t->n_ck == m->ck_eq) {
    cql_status st = CQL_OK;
    tg.row = cql_part_get_row(&x->e->store, t, p, ck, &st);
    if (!tg.row)
      return store_full(x);
  }
  if (m->kind == CQL_STMT_DELETE && m->whole_row) {
    if (tg.row)
      cql_store_delete_row(tg.row, ts);
    return true;
  }
  if (m->insert_marker && tg.row)
    cql_store_marker(tg.row, ts, ttl, x->now_sec);
  for (uint32_t i = 0; i < m->n_ops; i++)
    if (!apply_op(x, t, &tg, &m->ops[i]))
      return false;
  return true;
}

bool cql_mod_apply(cql_exec *x, const cql_mod_plan *m, int64_t ts, int32_t ttl) {
  const cql_table *t = m->table;
  cql_slice **pks, **cks;
  uint32_t n_pk, n_ck = 1;
  if (!cql_expand(x, m->pk, t->n_pk, &pks, &n_pk))
    return false;
  cql_slice *none = NULL;
  cks = &none;
  if (m->ck_eq && !cql_expand(x, m->ck, m->ck_eq, &cks, &n_ck))
    return false;
  for (uint32_t i = 0; i < n_pk; i++) {
    cql_partition *p;
    cql_slice key;
    int64_t token;
    if (!partition_for(x, t, pks[i], &p, &key, &token))
      return false;
    for (uint32_t j = 0; j < n_ck; j++)
      if (!apply_one(x, m, p, cks[j], ts, ttl))
        return false;
  }
  return true;
}

/* ---- lightweight transactions ---------------------------------------------------- */

static bool cas_read(cql_exec *x, const cql_mod_plan *m, cas_state *cs, cql_slice **ck_out) {
  const cql_table *t = m->table;
  cql_slice **pks, **cks;
  uint32_t n_pk, n_ck = 1;
  cql_slice *none = NULL;
  cks = &none;
  if (!cql_expand(x, m->pk, t->n_pk, &pks, &n_pk) ||
      (m->ck_eq && !cql_expand(x, m->ck, m->ck_eq, &cks, &n_ck)))
    return false;
  cql_slice key;
  int64_t token;
  if (!partition_for(x, t, pks[0], NULL, &key, &token))
    return false;
  memset(cs, 0, sizeof(*cs));
  *ck_out = cks[0];
  cs->p = cql_store_find(t->data, token, key);
  if (!cs->p)
    return true;
  if (m->static_only || t->n_ck != m->ck_eq) {
    cs->exists = cql_statics_live(t, cs->p, x->now_sec);
    if (!cs->exists)
      for (uint32_t i = 0; i < cs->p->n_rows && !cs->exists; i++)
        cs->exists =
            cql_row_live(t, cs->p->rows[i], x->now_sec, cql_row_shadow(t, cs->p, cs->p->rows[i]));
    return true;
  }
  cs->row = t->n_ck ? cql_part_find_row(t, cs->p, cks[0]) : (cs->p->n_rows ? cs->p->rows[0] : NULL);
  if (cs->row) {
    cs->shadow = cql_row_shadow(t, cs->p, cs->row);
    cs->exists = cql_row_live(t, cs->row, x->now_sec, cs->shadow);
  }
  return true;
}

static bool cell_value(cql_exec *x, const cql_table *t, const cas_state *cs, const cql_column *c,
                       cql_slice *out) {
  target tg = {cs->p, cs->row, 0, 0};
  if (!cs->p)
    return false;
  return current(x, t, &tg, c, out);
}

/* The value a condition looks at (element, field or whole column). */
static bool cond_subject(cql_exec *x, const cql_table *t, const cas_state *cs, const cql_cond *c,
                         cql_slice *out, bool *failed) {
  cql_slice whole;
  *failed = false;
  if (!cell_value(x, t, cs, c->col, &whole))
    return false;
  if (c->field) {
    cql_rd rd;
    cql_rd_init(&rd, whole.ptr, whole.len);
    for (uint32_t f = 0; f <= c->field_index; f++) {
      if (!cql_rd_left(&rd))
        return false;
      int32_t len = cql_rd_value(&rd, out, false);
      if (len < 0)
        return f == c->field_index ? false : (f < c->field_index ? true : false);
    }
    return cql_rd_ok(&rd);
  }
  if (!c->elem) {
    *out = whole;
    return true;
  }
  cql_val key;
  if (!cql_eval(x, &c->key, &key)) {
    *failed = true;
    return false;
  }
  coll cur;
  if (key.state != CQL_VALUE_SET || !coll_read(x, c->col->type, whole, &cur)) {
    *failed = key.state == CQL_VALUE_SET;
    return false;
  }
  if (c->col->type->id == CQL_TYPE_LIST) {
    int32_t idx = key.bytes.len == 4 ? (int32_t)cql_load_u32(key.bytes.ptr) : -1;
    if (idx < 0 || (uint32_t)idx >= cur.n)
      return false;
    *out = cur.v[idx];
    return true;
  }
  for (uint32_t i = 0; i < cur.n; i++) {
    if (cql_value_compare(c->col->type->children[0], cur.v[2 * i], key.bytes) == 0) {
      *out = cur.v[2 * i + 1];
      return true;
    }
  }
  return false;
}

static bool cond_holds(cql_exec *x, const cql_table *t, const cas_state *cs, const cql_cond *c,
                       bool *holds) {
  cql_slice subject;
  bool failed;
  bool present = cond_subject(x, t, cs, c, &subject, &failed);
  if (failed)
    return false;
  const cql_type *vt = c->value.type ? c->value.type : c->col->type;
  if (c->op == CQL_OP_IN) {
    cql_val *alts = NULL;
    uint32_t n = 0;
    cql_val lv;
    if (c->in_marker) {
      if (!cql_eval(x, &c->value, &lv))
        return false;
      vt = c->value.type->children[0];
      coll items = {NULL, 0};
      if (lv.state == CQL_VALUE_SET) {
        cql_type lt = *c->value.type;
        if (!coll_read(x, &lt, lv.bytes, &items))
          return false;
      }
      *holds = false;
      for (uint32_t i = 0; i < items.n && !*holds; i++)
        *holds = present && cql_value_compare(vt, subject, items.v[i]) == 0;
      return true;
    }
    alts = cql_arena_calloc(x->arena, c->n_in + 1, sizeof(cql_val));
    if (!alts)
      return cql_fail_nomem(x);
    *holds = false;
    for (uint32_t i = 0; i < c->n_in; i++) {
      if (!cql_eval(x, &c->in[i], &alts[i]))
        return false;
      n++;
      if (alts[i].state == CQL_VALUE_NULL)
        *holds |= !present;
      else if (alts[i].state == CQL_VALUE_SET && present)
        *holds |= cql_value_compare(vt, subject, alts[i].bytes) == 0;
    }
    (void)n;
    return true;
  }
  cql_val v;
  if (!cql_eval(x, &c->value, &v))
    return false;
  if (v.state == CQL_VALUE_UNSET)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid 'unset' value in condition");
  if (v.state == CQL_VALUE_NULL || !present) {
    bool both_null = v.state == CQL_VALUE_NULL && !present;
    if (c->op == CQL_OP_EQ)
      *holds = both_null;
    else if (c->op == CQL_OP_NEQ)
      *holds = !both_null;
    else if (v.state == CQL_VALUE_NULL)
      return cql_fail(x, CQL_SERVER_INVALID, "Invalid comparison with null for operator");
    else
      *holds = false;
    return true;
  }
  int cmp = cql_value_compare(vt, subject, v.bytes);
  switch (c->op) {
  case CQL_OP_EQ:
    *holds = cmp == 0;
    break;
  case CQL_OP_NEQ:
    *holds = cmp != 0;
    break;
  case CQL_OP_LT:
    *holds = cmp < 0;
    break;
  case CQL_OP_LTE:
    *holds = cmp <= 0;
    break;
  case CQL_OP_GT:
    *holds = cmp > 0;
    break;
  case CQL_OP_GTE:
    *holds = cmp >= 0;
    break;
  default:
    *holds = false;
  }
  return true;
}

/* The [applied] result: alone when applied or nothing exists, otherwise
 * followed by the current values (every column for IF NOT EXISTS, the
 * conditioned columns for IF col = v). */
bool cql_cas_result(cql_exec *x, const cql_mod_plan *m, const cas_state *cs, bool applied) {
  const cql_table *t = m->table;
  bool show = !applied && cs->exists;
  const cql_column **cols = cql_arena_calloc(x->arena, t->n_star + 1, sizeof(cql_column *));
  if (!cols)
    return cql_fail_nomem(x);
  uint32_t n = 0;
  if (show) {
    for (uint32_t i = 0; i < t->n_star; i++) {
      const cql_column *c = t->star[i];
      bool want = m->if_not_exists || m->if_exists;
      for (uint32_t k = 0; k < m->n_conds && !want; k++)
        want = m->conds[k].col == c;
      if (want)
        cols[n++] = c;
    }
  }
  cql_column_spec *specs = cql_arena_calloc(x->arena, n + 1, sizeof(cql_column_spec));
  if (!specs)
    return cql_fail_nomem(x);
  specs[0] = (cql_column_spec){t->keyspace, t->name, cql_slice_from_cstr("[applied]"),
                               cql_type_native(CQL_TYPE_BOOLEAN)};
  cql_rows rows;
  cql_rows_init(&rows, n + 1);
  uint8_t *flag = cql_arena_alloc(x->arena, 1);
  if (!flag)
    return cql_fail_nomem(x);
  *flag = applied ? 1 : 0;
  cql_slice fv = {flag, 1};
  cql_rows_cell(&rows, &fv);
  for (uint32_t i = 0; i < n; i++) {
    const cql_column *c = cols[i];
    specs[i + 1] = (cql_column_spec){t->keyspace, t->name, c->name, c->type};
    cql_slice v;
    bool present;
    if (c->kind == CQL_COL_PARTITION) {
      present = true;
      v = (cql_slice){cs->p->key, cs->p->key_len};
      if (t->n_pk > 1) {
        size_t o = 0;
        for (int32_t k = 0; k < c->position && o + 2 <= v.len; k++)
          o += 3u + cql_load_u16(v.ptr + o);
        uint16_t len = o + 2 <= v.len ? cql_load_u16(v.ptr + o) : 0;
        v = (cql_slice){v.ptr + o + 2, len};
      }
    } else if (c->kind == CQL_COL_CLUSTERING) {
      present = cs->row != NULL;
      if (present)
        v = cs->row->ck[c->position];
    } else {
      present = cell_value(x, t, cs, c, &v);
    }
    cql_rows_cell(&rows, present ? &v : NULL);
  }
  rows.n_rows = 1;
  return cql_rows_finish(x, &rows, specs, n + 1, NULL, false, NULL);
}

bool cql_cas_check(cql_exec *x, const cql_mod_plan *m, cas_state *cs, bool *ok) {
  cql_slice *ck;
  if (!cas_read(x, m, cs, &ck))
    return false;
  if (m->if_not_exists) {
    *ok = !cs->exists;
    return true;
  }
  if (m->if_exists) {
    *ok = cs->exists;
    return true;
  }
  *ok = true;
  for (uint32_t i = 0; i < m->n_conds && *ok; i++)
    if (!cond_holds(x, m->table, cs, &m->conds[i], ok))
      return false;
  return true;
}

bool cql_exec_modify(cql_exec *x, const cql_bound *b) {
  const cql_mod_plan *m = b->mod;
  int64_t ts;
  int32_t ttl;
  if (!b->conditional) {
    if (!cql_mod_times(x, m, 0, false, &ts, &ttl) || !cql_mod_apply(x, m, ts, ttl))
      return false;
    cql_result_void(x);
    return true;
  }
  cas_state cs;
  bool ok;
  if (!cql_cas_check(x, m, &cs, &ok))
    return false;
  if (ok && (!cql_mod_times(x, m, 0, false, &ts, &ttl) || !cql_mod_apply(x, m, ts, ttl)))
    return false;
  return cql_cas_result(x, m, &cs, ok);
}
