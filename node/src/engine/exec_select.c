/* SELECT: partitions from keys or a token range, rows filtered by the
 * clustering and column restrictions, paging, limits and COUNT. */
#include <string.h>

#include "engine_impl.h"
#include "hash.h"
#include "paging.h"
#include "type.h"
#include "value.h"

#define SL(s) (int)(s).len, (const char *)(s).ptr

/* A restriction with its values computed for this execution. For multi
 * column restrictions `vals` holds n_alt tuples of n_cols values. */
typedef struct ev_restr {
  const cql_restr *r;
  cql_slice *vals;
  uint32_t n_alt;
} ev_restr;

typedef struct sel {
  cql_exec *x;
  const cql_bound *b;
  const cql_select_plan *p;
  const cql_table *t;
  ev_restr *ck;
  ev_restr *filters;
  bool has_tokens;
  int64_t tok_lo, tok_hi;
  bool tok_empty;
  int64_t limit, pp_limit;
  int64_t page_size; /* 0: no paging */
  int64_t total, in_part;
  bool counting;
  int64_t count;
  cql_slice **first_row; /* COUNT with other columns: their first values */
  cql_rows rows;
  bool probing; /* the page is full: looking for one more row */
  bool more;
  bool stop;
  cql_page_pos last; /* the last row sent */
  bool have_last;
} sel;

/* ---- evaluating restrictions -------------------------------------------- */

static bool decode_list(cql_exec *x, cql_slice in, cql_slice **out, uint32_t *n) {
  cql_rd rd;
  cql_rd_init(&rd, in.ptr, in.len);
  int32_t count = in.len ? cql_rd_i32(&rd) : 0;
  if (count < 0 || (size_t)count > cql_rd_left(&rd) / 4 + 1)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid collection value");
  *out = cql_arena_calloc(x->arena, (size_t)count + 1, sizeof(cql_slice));
  if (!*out)
    return cql_fail_nomem(x);
  *n = 0;
  for (int32_t i = 0; i < count; i++) {
    cql_slice e;
    int32_t len = cql_rd_value(&rd, &e, false);
    if (!cql_rd_ok(&rd))
      return cql_fail(x, CQL_SERVER_INVALID, "Invalid collection value");
    if (len >= 0)
      (*out)[(*n)++] = e;
  }
  return true;
}

/* A tuple value into n components (missing ones empty). */
static bool split_tuple(cql_exec *x, cql_slice in, uint32_t n, cql_slice *out) {
  cql_rd rd;
  cql_rd_init(&rd, in.ptr, in.len);
  for (uint32_t i = 0; i < n; i++) {
    out[i] = (cql_slice){NULL, 0};
    if (!cql_rd_left(&rd))
      continue;
    if (cql_rd_value(&rd, &out[i], false) < 0 && cql_rd_ok(&rd))
      return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value in multi-column restriction");
  }
  if (!cql_rd_ok(&rd))
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid tuple value");
  return true;
}

/* One multi-column alternative: a tuple literal's items or a tuple value. */
static bool eval_tuple(cql_exec *x, const cql_restr *r, const cql_src *src, cql_slice *out) {
  if (src->term->kind == CQL_TERM_TUPLE) {
    for (uint32_t i = 0; i < r->n_cols; i++) {
      cql_src item = {src->term->items[i], r->cols[i]->type, r->cols[i]->name};
      cql_val v;
      if (!cql_eval(x, &item, &v))
        return false;
      if (v.state != CQL_VALUE_SET)
        return cql_fail(x, CQL_SERVER_INVALID, "Invalid %s value in multi-column restriction",
                        v.state == CQL_VALUE_NULL ? "null" : "unset");
      out[i] = v.bytes;
    }
    return true;
  }
  cql_val v;
  if (!cql_eval(x, src, &v))
    return false;
  if (v.state != CQL_VALUE_SET)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid %s value in multi-column restriction",
                    v.state == CQL_VALUE_NULL ? "null" : "unset");
  return split_tuple(x, v.bytes, r->n_cols, out);
}

static bool eval_multi(cql_exec *x, const cql_restr *r, ev_restr *ev) {
  uint32_t nc = r->n_cols;
  if (r->op != CQL_OP_IN) {
    ev->n_alt = 1;
    ev->vals = cql_arena_calloc(x->arena, nc, sizeof(cql_slice));
    return ev->vals ? eval_tuple(x, r, &r->value, ev->vals) : cql_fail_nomem(x);
  }
  if (!r->in_marker) {
    ev->n_alt = r->n_in;
    ev->vals = cql_arena_calloc(x->arena, (size_t)r->n_in * nc + 1, sizeof(cql_slice));
    if (!ev->vals)
      return cql_fail_nomem(x);
    for (uint32_t i = 0; i < r->n_in; i++)
      if (!eval_tuple(x, r, &r->in[i], ev->vals + (size_t)i * nc))
        return false;
    return true;
  }
  cql_val v;
  if (!cql_eval(x, &r->value, &v))
    return false;
  cql_slice *tuples;
  uint32_t n = 0;
  if (v.state == CQL_VALUE_SET && !decode_list(x, v.bytes, &tuples, &n))
    return false;
  ev->n_alt = n;
  ev->vals = cql_arena_calloc(x->arena, (size_t)n * nc + 1, sizeof(cql_slice));
  if (!ev->vals)
    return cql_fail_nomem(x);
  for (uint32_t i = 0; i < n; i++)
    if (!split_tuple(x, tuples[i], nc, ev->vals + (size_t)i * nc))
      return false;
  return true;
}

static bool eval_single(cql_exec *x, const cql_restr *r, ev_restr *ev) {
  if (r->op == CQL_OP_IN && !r->in_marker) {
    ev->vals = cql_arena_calloc(x->arena, r->n_in + 1, sizeof(cql_slice));
    if (!ev->vals)
      return cql_fail_nomem(x);
    for (uint32_t i = 0; i < r->n_in; i++) {
      cql_val v;
      if (!cql_eval(x, &r->in[i], &v))
        return false;
      if (v.state == CQL_VALUE_SET)
        ev->vals[ev->n_alt++] = v.bytes;
    }
    return true;
  }
  cql_val v;
  if (!cql_eval(x, &r->value, &v))
    return false;
  if (v.state == CQL_VALUE_UNSET)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid unset value for column %.*s", SL(r->col->name));
  if (v.state == CQL_VALUE_NULL)
    return cql_fail(x, CQL_SERVER_INVALID, "Invalid null value in condition for column %.*s",
                    SL(r->col->name));
  if (r->op == CQL_OP_IN)
    return decode_list(x, v.bytes, &ev->vals, &ev->n_alt);
  ev->vals = cql_arena_alloc(x->arena, sizeof(cql_slice));
  if (!ev->vals)
    return cql_fail_nomem(x);
  ev->vals[0] = v.bytes;
  ev->n_alt = 1;
  return true;
}

static bool eval_restrictions(sel *s, const cql_restr *const *rs, uint32_t n, ev_restr **out) {
  *out = cql_arena_calloc(s->x->arena, n + 1, sizeof(ev_restr));
  if (!*out)
    return cql_fail_nomem(s->x);
  for (uint32_t i = 0; i < n; i++) {
    (*out)[i].r = rs[i];
    bool ok =
        rs[i]->multi ? eval_multi(s->x, rs[i], &(*out)[i]) : eval_single(s->x, rs[i], &(*out)[i]);
    if (!ok)
      return false;
  }
  return true;
}

static bool eval_tokens(sel *s) {
  s->tok_lo = INT64_MIN;
  s->tok_hi = INT64_MAX;
  for (uint32_t i = 0; i < s->p->n_tokens; i++) {
    const cql_restr *r = s->p->tokens[i];
    cql_val v;
    if (!cql_eval(s->x, &r->value, &v))
      return false;
    if (v.state != CQL_VALUE_SET || v.bytes.len != 8)
      return cql_fail(s->x, CQL_SERVER_INVALID, "Invalid null value for token");
    int64_t tok = (int64_t)cql_load_u64(v.bytes.ptr);
    switch (r->op) {
    case CQL_OP_EQ:
      s->tok_lo = tok > s->tok_lo ? tok : s->tok_lo;
      s->tok_hi = tok < s->tok_hi ? tok : s->tok_hi;
      break;
    case CQL_OP_GT:
      if (tok == INT64_MAX)
        s->tok_empty = true;
      else if (tok + 1 > s->tok_lo)
        s->tok_lo = tok + 1;
      break;
    case CQL_OP_GTE:
      if (tok > s->tok_lo)
        s->tok_lo = tok;
      break;
    case CQL_OP_LT:
      if (tok == INT64_MIN)
        s->tok_empty = true;
      else if (tok - 1 < s->tok_hi)
        s->tok_hi = tok - 1;
      break;
    case CQL_OP_LTE:
      if (tok < s->tok_hi)
        s->tok_hi = tok;
      break;
    default:
      break;
    }
  }
  s->has_tokens = s->p->n_tokens > 0;
  if (s->tok_lo > s->tok_hi)
    s->tok_empty = true;
  return true;
}

/* ---- predicates ---------------------------------------------------------- */

static bool compare_op(int c, uint8_t op) {
  switch (op) {
  case CQL_OP_EQ:
  case CQL_OP_IN:
    return c == 0;
  case CQL_OP_LT:
    return c < 0;
  case CQL_OP_LTE:
    return c <= 0;
  case CQL_OP_GT:
    return c > 0;
  case CQL_OP_GTE:
    return c >= 0;
  case CQL_OP_NEQ:
    return c != 0;
  default:
    return false;
  }
}

static bool match_value(const ev_restr *ev, const cql_type *type, cql_slice v) {
  uint8_t op = ev->r->op;
  if (op == CQL_OP_CONTAINS || op == CQL_OP_CONTAINS_KEY) {
    cql_rd rd;
    cql_rd_init(&rd, v.ptr, v.len);
    int32_t n = v.len ? cql_rd_i32(&rd) : 0;
    bool map = type->id == CQL_TYPE_MAP;
    const cql_type *et = map && op == CQL_OP_CONTAINS ? type->children[1] : type->children[0];
    for (int32_t i = 0; i < n && cql_rd_ok(&rd); i++) {
      cql_slice k, val;
      cql_rd_value(&rd, &k, false);
      val = k;
      if (map)
        cql_rd_value(&rd, &val, false);
      cql_slice probe = (map && op == CQL_OP_CONTAINS) ? val : k;
      if (cql_rd_ok(&rd) && cql_value_compare(et, probe, ev->vals[0]) == 0)
        return true;
    }
    return false;
  }
  if (op == CQL_OP_IN) {
    for (uint32_t i = 0; i < ev->n_alt; i++)
      if (cql_value_compare(type, v, ev->vals[i]) == 0)
        return true;
    return false;
  }
  return ev->n_alt && compare_op(cql_value_compare(type, v, ev->vals[0]), op);
}

/* Lexicographic tuple comparison in the types' natural order. */
static int tuple_cmp(const cql_restr *r, const cql_slice *row_ck, const cql_slice *vals) {
  for (uint32_t i = 0; i < r->n_cols; i++) {
    int c = cql_value_compare(r->cols[i]->type, row_ck[r->cols[i]->position], vals[i]);
    if (c)
      return c;
  }
  return 0;
}

static bool match_ck(const sel *s, const cql_row *row) {
  for (uint32_t i = 0; i < s->p->n_ck; i++) {
    const ev_restr *ev = &s->ck[i];
    const cql_restr *r = ev->r;
    if (!r->multi) {
      if (!match_value(ev, r->col->type, row->ck[r->col->position]))
        return false;
      continue;
    }
    bool ok = false;
    if (r->op == CQL_OP_IN || r->op == CQL_OP_EQ) {
      for (uint32_t a = 0; a < ev->n_alt && !ok; a++)
        ok = tuple_cmp(r, row->ck, ev->vals + (size_t)a * r->n_cols) == 0;
    } else {
      ok = ev->n_alt && compare_op(tuple_cmp(r, row->ck, ev->vals), r->op);
    }
    if (!ok)
      return false;
  }
  return true;
}

/* The value of a partition key component from the serialized key. */
static cql_slice pk_component(const cql_table *t, const cql_partition *p, uint32_t i) {
  cql_slice key = {p->key, p->key_len};
  if (t->n_pk == 1)
    return key;
  size_t o = 0;
  for (uint32_t k = 0; k < t->n_pk && o + 2 <= key.len; k++) {
    uint16_t len = cql_load_u16(key.ptr + o);
    if (o + 2 + len > key.len)
      break;
    if (k == i)
      return (cql_slice){key.ptr + o + 2, len};
    o += 3 + len;
  }
  return (cql_slice){NULL, 0};
}

/* A column's live value in a row (NULL row: the static-only row). */
static const cql_store_cell *live_cell(const sel *s, const cql_partition *p, const cql_row *row,
                                       int64_t shadow, const cql_column *c) {
  const cql_row *src = c->kind == CQL_COL_STATIC ? &p->statics : row;
  if (!src)
    return NULL;
  int64_t sh = c->kind == CQL_COL_STATIC ? cql_row_shadow(s->t, p, &p->statics) : shadow;
  const cql_store_cell *cell = cql_row_cell(src, c->slot);
  return cql_cell_live(cell, s->x->now_sec, sh) ? cell : NULL;
}

static bool column_value(const sel *s, const cql_partition *p, const cql_row *row, int64_t shadow,
                         const cql_column *c, cql_slice *out) {
  switch (c->kind) {
  case CQL_COL_PARTITION:
    *out = pk_component(s->t, p, (uint32_t)c->position);
    return true;
  case CQL_COL_CLUSTERING:
    if (!row)
      return false;
    *out = row->ck[c->position];
    return true;
  default: {
    const cql_store_cell *cell = live_cell(s, p, row, shadow, c);
    if (!cell)
      return false;
    *out = (cql_slice){cell->val, cell->len};
    return true;
  }
  }
}

static bool match_filters(const sel *s, const cql_partition *p, const cql_row *row,
                          int64_t shadow) {
  for (uint32_t i = 0; i < s->p->n_filters; i++) {
    const ev_restr *ev = &s->filters[i];
    cql_slice v;
    if (!column_value(s, p, row, shadow, ev->r->col, &v))
      return false;
    if (!match_value(ev, ev->r->col->type, v))
      return false;
  }
  return true;
}

/* ---- output -------------------------------------------------------------- */

static cql_slice int_bytes(cql_exec *x, int64_t v, size_t size) {
  uint8_t *b = cql_arena_alloc(x->arena, 8);
  if (!b)
    return (cql_slice){NULL, 0};
  uint8_t tmp[8];
  cql_store_u64(tmp, (uint64_t)v);
  memcpy(b, tmp + 8 - size, size);
  return (cql_slice){b, size};
}

static bool out_value(sel *s, const cql_out_col *o, const cql_partition *p, const cql_row *row,
                      int64_t shadow, cql_slice *v) {
  switch (o->kind) {
  case CQL_OUT_COLUMN:
    return column_value(s, p, row, shadow, o->col, v);
  case CQL_OUT_TTL:
  case CQL_OUT_WRITETIME: {
    const cql_store_cell *c = live_cell(s, p, row, shadow, o->col);
    if (!c)
      return false;
    if (o->kind == CQL_OUT_WRITETIME) {
      *v = int_bytes(s->x, c->ts, 8);
      return true;
    }
    if (!c->expiry)
      return false;
    *v = int_bytes(s->x, c->expiry - s->x->now_sec, 4);
    return true;
  }
  case CQL_OUT_TOKEN:
    *v = int_bytes(s->x, p->token, 8);
    return true;
  case CQL_OUT_FUNC: {
    cql_src src = {o->func, o->spec.type, o->spec.name};
    cql_val val;
    if (!cql_eval(s->x, &src, &val) || val.state != CQL_VALUE_SET)
      return false;
    *v = val.bytes;
    return true;
  }
  default:
    return false;
  }
}

static void remember(sel *s, const cql_partition *p, const cql_row *row) {
  s->have_last = true;
  s->last.token = p->token;
  s->last.key = (cql_slice){p->key, p->key_len};
  s->last.partition_done = !row || s->t->n_ck == 0 || s->p->distinct;
  s->last.ck = row ? row->ck : NULL;
  s->last.n_ck = row ? s->t->n_ck : 0;
}

/* Emits one result row (or counts it). Returns false to stop scanning. */
static bool emit(sel *s, const cql_partition *p, const cql_row *row, int64_t shadow) {
  if (s->probing) {
    s->more = true;
    s->stop = true;
    return false;
  }
  s->total++;
  s->in_part++;
  if (s->counting) {
    s->count++;
    if (s->count == 1) {
      for (uint32_t i = 0; i < s->p->n_outs; i++) {
        cql_slice v;
        if (s->p->outs[i].kind != CQL_OUT_COUNT &&
            out_value(s, &s->p->outs[i], p, row, shadow, &v)) {
          s->first_row[i] = cql_arena_alloc(s->x->arena, sizeof(cql_slice));
          if (s->first_row[i])
            *s->first_row[i] = v;
        }
      }
    }
    return true;
  }
  for (uint32_t i = 0; i < s->p->n_outs; i++) {
    cql_slice v;
    bool present = out_value(s, &s->p->outs[i], p, row, shadow, &v);
    cql_rows_cell(&s->rows, present ? &v : NULL);
  }
  s->rows.n_rows++;
  remember(s, p, row);
  s->last.total = s->total;
  s->last.in_partition = s->in_part;
  if (s->total >= s->limit) {
    s->stop = true;
    return false;
  }
  if (s->page_size && s->rows.n_rows >= s->page_size)
    s->probing = true;
  return true;
}

/* ---- partitions ------------------------------------------------------------ */

/* Scans one partition from clustering position `resume` (NULL: start). */
static void scan_partition(sel *s, const cql_partition *p, const cql_page_pos *resume) {
  const cql_table *t = s->t;
  bool resumed = resume && !resume->partition_done;
  s->in_part = resumed ? resume->in_partition : 0;
  if (s->in_part >= s->pp_limit)
    return;
  if (s->p->distinct) {
    bool live = cql_statics_live(t, p, s->x->now_sec);
    for (uint32_t i = 0; i < p->n_rows && !live; i++)
      live = cql_row_live(t, p->rows[i], s->x->now_sec, cql_row_shadow(t, p, p->rows[i]));
    if (live)
      emit(s, p, NULL, CQL_NO_DELETION);
    return;
  }
  uint32_t lo = 0, hi = p->n_rows;
  if (s->p->eq_prefix && s->ck) {
    cql_slice prefix[64];
    uint32_t n = s->p->eq_prefix < 64 ? s->p->eq_prefix : 64;
    for (uint32_t i = 0; i < s->p->n_ck; i++) {
      const cql_restr *r = s->ck[i].r;
      if (!r->multi && r->op == CQL_OP_EQ && (uint32_t)r->col->position < n)
        prefix[r->col->position] = s->ck[i].vals[0];
    }
    lo = cql_part_bound(t, p, prefix, n, false);
    hi = cql_part_bound(t, p, prefix, n, true);
  }
  if (resumed && resume->n_ck == t->n_ck) {
    if (!s->p->reversed) {
      uint32_t after = cql_part_bound(t, p, resume->ck, t->n_ck, true);
      lo = after > lo ? after : lo;
    } else {
      uint32_t before = cql_part_bound(t, p, resume->ck, t->n_ck, false);
      hi = before < hi ? before : hi;
    }
  }
  bool found = false;
  for (uint32_t k = lo; k < hi; k++) {
    const cql_row *row = p->rows[s->p->reversed ? hi - 1 - (k - lo) : k];
    int64_t shadow = cql_row_shadow(t, p, row);
    if (!cql_row_live(t, row, s->x->now_sec, shadow))
      continue;
    found = true;
    if (!match_ck(s, row) || !match_filters(s, p, row, shadow))
      continue;
    if (!emit(s, p, row, shadow) || s->in_part >= s->pp_limit)
      return;
  }
  /* A partition with only static data shows as one row. */
  if (!found && !resumed && t->n_ck > 0 && s->p->n_ck == 0 &&
      cql_statics_live(t, p, s->x->now_sec) && match_filters(s, p, NULL, CQL_NO_DELETION))
    emit(s, p, NULL, CQL_NO_DELETION);
}

static int key_cmp(const cql_table *t, cql_slice a, cql_slice b) {
  if (t->n_pk == 1)
    return cql_value_compare(t->pk[0]->type, a, b);
  size_t n = a.len < b.len ? a.len : b.len;
  int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
  return c ? c : (a.len < b.len ? -1 : a.len > b.len);
}

typedef struct keyed {
  cql_slice key;
  int64_t token;
} keyed;

static void sort_keys(const cql_table *t, keyed *k, uint32_t n) {
  for (uint32_t i = 1; i < n; i++) {
    keyed cur = k[i];
    uint32_t j = i;
    while (j > 0 && key_cmp(t, k[j - 1].key, cur.key) > 0) {
      k[j] = k[j - 1];
      j--;
    }
    k[j] = cur;
  }
}

static bool scan_keys(sel *s, const cql_page_pos *resume) {
  cql_slice **combos;
  uint32_t n;
  if (!cql_expand(s->x, s->p->pk, s->t->n_pk, &combos, &n))
    return false;
  keyed *keys = cql_arena_calloc(s->x->arena, n + 1, sizeof(keyed));
  if (!keys)
    return cql_fail_nomem(s->x);
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; i++) {
    cql_slice key = cql_partition_key(s->x, s->t, combos[i]);
    if (!key.ptr && key.len)
      return cql_fail_nomem(s->x);
    keys[m].key = key;
    keys[m].token = cql_table_token(s->t, key);
    m++;
  }
  if (m > 1 && m <= 4096)
    sort_keys(s->t, keys, m);
  for (uint32_t i = 0; i < m && !s->stop; i++) {
    if (i > 0 && key_cmp(s->t, keys[i - 1].key, keys[i].key) == 0)
      continue;
    const cql_page_pos *r = NULL;
    if (resume) {
      int c = key_cmp(s->t, keys[i].key, resume->key);
      if (c < 0 || (c == 0 && resume->partition_done))
        continue;
      if (c == 0)
        r = resume;
    }
    const cql_partition *p = cql_store_find(s->t->data, keys[i].token, keys[i].key);
    if (p)
      scan_partition(s, p, r);
  }
  return true;
}

static void scan_range(sel *s, const cql_page_pos *resume) {
  const cql_store_table *d = s->t->data;
  if (s->tok_empty)
    return;
  uint32_t i = cql_store_lower_bound(d, s->tok_lo, (cql_slice){NULL, 0});
  if (resume) {
    uint32_t r = cql_store_lower_bound(d, resume->token, resume->key);
    i = r > i ? r : i;
  }
  for (; i < d->n_parts && !s->stop; i++) {
    const cql_partition *p = d->parts[i];
    if (p->token > s->tok_hi)
      break;
    const cql_page_pos *r = NULL;
    if (resume && p->token == resume->token &&
        cql_part_key_cmp(p->token, (cql_slice){p->key, p->key_len}, resume->token, resume->key) ==
            0) {
      if (resume->partition_done)
        continue;
      r = resume;
    }
    scan_partition(s, p, r);
  }
}

/* ---- the statement ------------------------------------------------------------ */

static bool setup_limits(sel *s) {
  s->limit = INT64_MAX;
  s->pp_limit = INT64_MAX;
  bool present;
  int64_t v;
  const cql_type *it = cql_type_native(CQL_TYPE_INT);
  if (s->p->limit) {
    if (!cql_eval_int(s->x, s->p->limit, it, "[limit]", &v, &present))
      return false;
    if (present && v <= 0)
      return cql_fail(s->x, CQL_SERVER_INVALID, "LIMIT must be strictly positive");
    if (present)
      s->limit = v;
  }
  if (s->p->pp_limit) {
    if (!cql_eval_int(s->x, s->p->pp_limit, it, "[per_partition_limit]", &v, &present))
      return false;
    if (present && v <= 0)
      return cql_fail(s->x, CQL_SERVER_INVALID, "PER PARTITION LIMIT must be strictly positive");
    if (present)
      s->pp_limit = v;
  }
  const cql_query_params *pr = s->x->params;
  if (pr && pr->has_page_size && pr->page_size > 0 && !s->counting)
    s->page_size = pr->page_size;
  return true;
}

static bool finish_count(sel *s) {
  cql_rows_init(&s->rows, s->p->n_outs);
  for (uint32_t i = 0; i < s->p->n_outs; i++) {
    cql_slice v;
    if (s->p->outs[i].kind == CQL_OUT_COUNT) {
      v = int_bytes(s->x, s->count, 8);
      cql_rows_cell(&s->rows, &v);
    } else {
      cql_rows_cell(&s->rows, s->first_row[i]);
    }
  }
  s->rows.n_rows = 1;
  return true;
}

bool cql_exec_select(cql_exec *x, const cql_bound *b) {
  sel s;
  memset(&s, 0, sizeof(s));
  s.x = x;
  s.b = b;
  s.p = b->select;
  s.t = s.p->table;
  s.counting = s.p->count;
  cql_system_before_read(x->e, s.t, x->s->node_index);
  if (s.counting) {
    s.first_row = cql_arena_calloc(x->arena, s.p->n_outs + 1, sizeof(cql_slice *));
    if (!s.first_row)
      return cql_fail_nomem(x);
  }
  if (!setup_limits(&s) || !eval_restrictions(&s, s.p->ck, s.p->n_ck, &s.ck) ||
      !eval_restrictions(&s, s.p->filters, s.p->n_filters, &s.filters) || !eval_tokens(&s))
    return false;
  cql_page_pos resume;
  const cql_page_pos *rp = NULL;
  const cql_query_params *pr = x->params;
  if (pr && pr->has_paging_state && pr->paging_state.len && !s.counting) {
    if (!cql_paging_decode(x->arena, pr->paging_state, &resume))
      return cql_fail(x, CQL_SERVER_PROTOCOL_ERROR, "Invalid value for the paging state");
    rp = &resume;
    s.total = resume.total;
  }
  cql_rows_init(&s.rows, s.p->n_outs);
  if (s.total < s.limit) {
    if (s.p->pk_complete) {
      if (!scan_keys(&s, rp)) {
        cql_buf_free(&s.rows.content);
        return false;
      }
    } else {
      scan_range(&s, rp);
    }
  }
  if (s.counting) {
    cql_buf_free(&s.rows.content);
    finish_count(&s);
  }
  cql_slice state = {NULL, 0};
  if (s.more && s.have_last) {
    state = cql_paging_encode(x->arena, &s.last);
    if (!state.ptr) {
      cql_buf_free(&s.rows.content);
      return cql_fail_nomem(x);
    }
  }
  const uint8_t *changed = NULL;
  if (x->result_metadata_id.len == 16 && memcmp(x->result_metadata_id.ptr, b->result_id, 16))
    changed = b->result_id;
  return cql_rows_finish(x, &s.rows, b->results, b->n_results, s.more ? &state : NULL,
                         pr && pr->skip_metadata, changed);
}
