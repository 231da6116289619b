#include "store.h"

#include <string.h>

#include "mem.h"
#include "value.h"

/* ---- accounting ------------------------------------------------------ */

static void *st_alloc(cql_store *s, cql_store_table *t, size_t n) {
  if (!t->exempt && s->max_bytes && s->bytes - s->exempt_bytes + n > s->max_bytes)
    return NULL;
  void *p = cql_malloc(s->mem, n ? n : 1);
  if (p) {
    s->bytes += n;
    t->bytes += n;
    if (t->exempt)
      s->exempt_bytes += n;
  }
  return p;
}

static void st_free(cql_store *s, cql_store_table *t, void *p, size_t n) {
  if (!p)
    return;
  cql_free(s->mem, p);
  s->bytes -= n;
  t->bytes -= n;
  if (t->exempt)
    s->exempt_bytes -= n;
}

/* Grows an array of `size`-byte elements to hold n + 1. */
static bool st_grow(cql_store *s, cql_store_table *t, void **arr, uint32_t *cap, uint32_t n,
                    size_t size) {
  if (n < *cap)
    return true;
  uint32_t ncap = *cap ? *cap * 2 : 4;
  if (ncap < *cap)
    return false;
  void *na = st_alloc(s, t, (size_t)ncap * size);
  if (!na)
    return false;
  if (n)
    memcpy(na, *arr, (size_t)n * size);
  st_free(s, t, *arr, (size_t)*cap * size);
  *arr = na;
  *cap = ncap;
  return true;
}

void cql_store_init(cql_store *s, const cql_mem *mem, size_t max_bytes) {
  s->mem = cql_mem_or_default(mem);
  s->bytes = 0;
  s->exempt_bytes = 0;
  s->max_bytes = max_bytes;
}

cql_store_table *cql_store_table_new(cql_store *s) {
  cql_store_table *t = cql_malloc(s->mem, sizeof(*t));
  if (t)
    memset(t, 0, sizeof(*t));
  return t;
}

static void row_clear(cql_store *s, cql_store_table *t, cql_row *r) {
  for (uint32_t i = 0; i < r->n_cells; i++)
    st_free(s, t, r->cells[i].val, r->cells[i].len);
  st_free(s, t, r->cells, r->n_cells * sizeof(cql_store_cell));
  r->cells = NULL;
  r->n_cells = 0;
}

static void row_free(cql_store *s, cql_store_table *t, cql_row *r) {
  row_clear(s, t, r);
  st_free(s, t, r, sizeof(cql_row) + r->ck_bytes);
}

static void part_free(cql_store *s, cql_store_table *t, cql_partition *p) {
  for (uint32_t i = 0; i < p->n_rows; i++)
    row_free(s, t, p->rows[i]);
  st_free(s, t, p->rows, p->cap_rows * sizeof(cql_row *));
  row_clear(s, t, &p->statics);
  for (uint32_t i = 0; i < p->n_rts; i++) {
    st_free(s, t, p->rts[i].start.vals, 0);
    st_free(s, t, p->rts[i].end.vals, 0);
  }
  st_free(s, t, p->rts, p->cap_rts * sizeof(cql_range_tomb));
  st_free(s, t, p, sizeof(*p) + p->key_len);
}

void cql_store_table_truncate(cql_store *s, cql_store_table *t) {
  for (uint32_t i = 0; i < t->n_parts; i++)
    part_free(s, t, t->parts[i]);
  st_free(s, t, t->parts, t->cap_parts * sizeof(cql_partition *));
  t->parts = NULL;
  t->n_parts = t->cap_parts = 0;
}

void cql_store_table_free(cql_store *s, cql_store_table *t) {
  if (!t)
    return;
  cql_store_table_truncate(s, t);
  s->bytes -= t->bytes;
  if (t->exempt)
    s->exempt_bytes -= t->bytes;
  cql_free(s->mem, t);
}

static void cell_forget(cql_store *s, cql_store_table *t, cql_row *r, uint32_t slot) {
  if (slot >= r->n_cells)
    return;
  st_free(s, t, r->cells[slot].val, r->cells[slot].len);
  memset(&r->cells[slot], 0, sizeof(cql_store_cell));
}

void cql_store_drop_slot(cql_store *s, cql_store_table *t, uint32_t slot) {
  for (uint32_t i = 0; i < t->n_parts; i++) {
    cql_partition *p = t->parts[i];
    cell_forget(s, t, &p->statics, slot);
    for (uint32_t j = 0; j < p->n_rows; j++)
      cell_forget(s, t, p->rows[j], slot);
  }
}

/* ---- partitions ------------------------------------------------------ */

static int bytes_cmp(cql_slice a, cql_slice b) {
  size_t n = a.len < b.len ? a.len : b.len;
  int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
  if (c)
    return c;
  return a.len < b.len ? -1 : a.len > b.len;
}

int cql_part_key_cmp(int64_t ta, cql_slice ka, int64_t tb, cql_slice kb) {
  if (ta != tb)
    return ta < tb ? -1 : 1;
  return bytes_cmp(ka, kb);
}

static cql_slice part_key(const cql_partition *p) { return (cql_slice){p->key, p->key_len}; }

uint32_t cql_store_lower_bound(const cql_store_table *t, int64_t token, cql_slice key) {
  uint32_t lo = 0, hi = t->n_parts;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const cql_partition *p = t->parts[mid];
    if (cql_part_key_cmp(p->token, part_key(p), token, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

cql_partition *cql_store_find(const cql_store_table *t, int64_t token, cql_slice key) {
  uint32_t i = cql_store_lower_bound(t, token, key);
  if (i < t->n_parts && t->parts[i]->token == token && bytes_cmp(part_key(t->parts[i]), key) == 0)
    return t->parts[i];
  return NULL;
}

cql_partition *cql_store_get(cql_store *s, cql_store_table *t, int64_t token, cql_slice key,
                             cql_status *st) {
  uint32_t i = cql_store_lower_bound(t, token, key);
  if (i < t->n_parts && t->parts[i]->token == token && bytes_cmp(part_key(t->parts[i]), key) == 0)
    return t->parts[i];
  *st = CQL_E_NOMEM;
  if (!st_grow(s, t, (void **)&t->parts, &t->cap_parts, t->n_parts, sizeof(cql_partition *)))
    return NULL;
  cql_partition *p = st_alloc(s, t, sizeof(*p) + key.len);
  if (!p)
    return NULL;
  memset(p, 0, sizeof(*p));
  p->key = (uint8_t *)(p + 1);
  if (key.len)
    memcpy(p->key, key.ptr, key.len);
  p->key_len = (uint32_t)key.len;
  p->token = token;
  p->del_ts = CQL_NO_DELETION;
  p->statics.del_ts = CQL_NO_DELETION;
  memmove(&t->parts[i + 1], &t->parts[i], (t->n_parts - i) * sizeof(cql_partition *));
  t->parts[i] = p;
  t->n_parts++;
  *st = CQL_OK;
  return p;
}

/* ---- rows ------------------------------------------------------------ */

int cql_ck_cmp(const cql_table *def, const cql_slice *a, const cql_slice *b, uint32_t n) {
  for (uint32_t i = 0; i < n && i < def->n_ck; i++) {
    const cql_column *c = def->ck[i];
    int r = cql_value_compare(c->type, a[i], b[i]);
    if (r)
      return c->desc ? -r : r;
  }
  return 0;
}

uint32_t cql_part_bound(const cql_table *def, const cql_partition *p, const cql_slice *prefix,
                        uint32_t n, bool after) {
  uint32_t lo = 0, hi = p->n_rows;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = cql_ck_cmp(def, p->rows[mid]->ck, prefix, n);
    if (c < 0 || (after && c == 0))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

cql_row *cql_part_find_row(const cql_table *def, const cql_partition *p, const cql_slice *ck) {
  uint32_t i = cql_part_bound(def, p, ck, def->n_ck, false);
  if (i < p->n_rows && cql_ck_cmp(def, p->rows[i]->ck, ck, def->n_ck) == 0)
    return p->rows[i];
  return NULL;
}

cql_row *cql_part_get_row(cql_store *s, const cql_table *def, cql_partition *p, const cql_slice *ck,
                          cql_status *st) {
  if (def->n_ck == 0 && p->n_rows)
    return p->rows[0];
  uint32_t i = cql_part_bound(def, p, ck, def->n_ck, false);
  if (i < p->n_rows && cql_ck_cmp(def, p->rows[i]->ck, ck, def->n_ck) == 0)
    return p->rows[i];
  *st = CQL_E_NOMEM;
  cql_store_table *t = def->data;
  if (!st_grow(s, t, (void **)&p->rows, &p->cap_rows, p->n_rows, sizeof(cql_row *)))
    return NULL;
  size_t ck_bytes = def->n_ck * sizeof(cql_slice);
  for (uint32_t k = 0; k < def->n_ck; k++)
    ck_bytes += ck[k].len;
  cql_row *r = st_alloc(s, t, sizeof(*r) + ck_bytes);
  if (!r)
    return NULL;
  memset(r, 0, sizeof(*r));
  r->ck_bytes = ck_bytes;
  r->del_ts = CQL_NO_DELETION;
  r->ck = (cql_slice *)(r + 1);
  uint8_t *data = (uint8_t *)(r->ck + def->n_ck);
  for (uint32_t k = 0; k < def->n_ck; k++) {
    if (ck[k].len)
      memcpy(data, ck[k].ptr, ck[k].len);
    r->ck[k] = (cql_slice){data, ck[k].len};
    data += ck[k].len;
  }
  memmove(&p->rows[i + 1], &p->rows[i], (p->n_rows - i) * sizeof(cql_row *));
  p->rows[i] = r;
  p->n_rows++;
  *st = CQL_OK;
  return r;
}

/* ---- writes ---------------------------------------------------------- */

static cql_store_cell *cell_slot(cql_store *s, cql_store_table *t, cql_row *r, uint32_t slot) {
  if (slot < r->n_cells)
    return &r->cells[slot];
  uint32_t n = slot + 1;
  cql_store_cell *nc = st_alloc(s, t, n * sizeof(cql_store_cell));
  if (!nc)
    return NULL;
  memset(nc, 0, n * sizeof(cql_store_cell));
  if (r->n_cells)
    memcpy(nc, r->cells, r->n_cells * sizeof(cql_store_cell));
  st_free(s, t, r->cells, r->n_cells * sizeof(cql_store_cell));
  r->cells = nc;
  r->n_cells = n;
  return &r->cells[slot];
}

/* Whether a new write (ts, tombstone, value) beats the existing cell. */
static bool newer(const cql_store_cell *old, int64_t ts, bool tombstone, cql_slice value) {
  if (!old->flags || ts > old->ts)
    return true;
  if (ts < old->ts)
    return false;
  bool old_dead = old->flags == CQL_CELL_TOMBSTONE;
  if (tombstone != old_dead)
    return tombstone;
  if (tombstone)
    return false;
  return bytes_cmp(value, (cql_slice){old->val, old->len}) > 0;
}

cql_status cql_store_write(cql_store *s, cql_store_table *t, cql_row *r, uint32_t slot,
                           cql_slice value, bool tombstone, int64_t ts, int32_t ttl,
                           int32_t now_sec, bool rmw) {
  cql_store_cell *c = cell_slot(s, t, r, slot);
  if (!c)
    return CQL_E_NOMEM;
  if (!(rmw && c->flags && ts == c->ts) && !newer(c, ts, tombstone, value))
    return CQL_OK;
  uint8_t *val = NULL;
  if (!tombstone && value.len) {
    val = st_alloc(s, t, value.len);
    if (!val)
      return CQL_E_NOMEM;
    memcpy(val, value.ptr, value.len);
  }
  st_free(s, t, c->val, c->len);
  c->val = val;
  c->len = tombstone ? 0 : (uint32_t)value.len;
  c->flags = tombstone ? CQL_CELL_TOMBSTONE : CQL_CELL_VALUE;
  c->ts = ts;
  c->ttl = tombstone ? 0 : ttl;
  c->expiry = (!tombstone && ttl > 0) ? now_sec + ttl : 0;
  return CQL_OK;
}

cql_status cql_store_counter_add(cql_store *s, cql_store_table *t, cql_row *r, uint32_t slot,
                                 int64_t delta, int64_t ts) {
  cql_store_cell *c = cell_slot(s, t, r, slot);
  if (!c)
    return CQL_E_NOMEM;
  int64_t cur = 0;
  if (c->flags == CQL_CELL_VALUE && c->len == 8)
    cur = (int64_t)cql_load_u64(c->val);
  if (c->flags != CQL_CELL_VALUE || c->len != 8) {
    uint8_t *val = st_alloc(s, t, 8);
    if (!val)
      return CQL_E_NOMEM;
    st_free(s, t, c->val, c->len);
    c->val = val;
    c->len = 8;
  }
  cql_store_u64(c->val, (uint64_t)cur + (uint64_t)delta);
  c->flags = CQL_CELL_VALUE;
  c->ts = ts > c->ts ? ts : c->ts;
  c->ttl = 0;
  c->expiry = 0;
  return CQL_OK;
}

void cql_store_marker(cql_row *r, int64_t ts, int32_t ttl, int32_t now_sec) {
  if (r->has_marker && ts < r->marker_ts)
    return;
  r->has_marker = true;
  r->marker_ts = ts;
  r->marker_ttl = ttl;
  r->marker_expiry = ttl > 0 ? now_sec + ttl : 0;
}

void cql_store_delete_row(cql_row *r, int64_t ts) {
  if (ts > r->del_ts)
    r->del_ts = ts;
}

void cql_store_delete_partition(cql_partition *p, int64_t ts) {
  if (ts > p->del_ts)
    p->del_ts = ts;
}

static bool bound_copy(cql_store *s, cql_store_table *t, cql_ck_bound *dst,
                       const cql_ck_bound *src) {
  size_t n = src->n * sizeof(cql_slice);
  for (uint32_t i = 0; i < src->n; i++)
    n += src->vals[i].len;
  /* Bounds are counted in the table total only loosely (size 0 on free). */
  cql_slice *vals = cql_malloc(s->mem, n ? n : 1);
  if (!vals)
    return false;
  uint8_t *data = (uint8_t *)(vals + src->n);
  for (uint32_t i = 0; i < src->n; i++) {
    if (src->vals[i].len)
      memcpy(data, src->vals[i].ptr, src->vals[i].len);
    vals[i] = (cql_slice){data, src->vals[i].len};
    data += src->vals[i].len;
  }
  (void)t;
  dst->vals = vals;
  dst->n = src->n;
  dst->inclusive = src->inclusive;
  return true;
}

cql_status cql_store_range_delete(cql_store *s, cql_store_table *t, cql_partition *p,
                                  const cql_ck_bound *start, const cql_ck_bound *end, int64_t ts) {
  if (!st_grow(s, t, (void **)&p->rts, &p->cap_rts, p->n_rts, sizeof(cql_range_tomb)))
    return CQL_E_NOMEM;
  cql_range_tomb *rt = &p->rts[p->n_rts];
  if (!bound_copy(s, t, &rt->start, start))
    return CQL_E_NOMEM;
  if (!bound_copy(s, t, &rt->end, end)) {
    cql_free(s->mem, rt->start.vals);
    return CQL_E_NOMEM;
  }
  rt->ts = ts;
  p->n_rts++;
  return CQL_OK;
}

/* ---- reads ----------------------------------------------------------- */

static bool after_start(const cql_table *def, const cql_row *r, const cql_ck_bound *b) {
  int c = cql_ck_cmp(def, r->ck, b->vals, b->n);
  return c != 0 ? c > 0 : b->inclusive;
}

static bool before_end(const cql_table *def, const cql_row *r, const cql_ck_bound *b) {
  int c = cql_ck_cmp(def, r->ck, b->vals, b->n);
  return c != 0 ? c < 0 : b->inclusive;
}

int64_t cql_row_shadow(const cql_table *def, const cql_partition *p, const cql_row *r) {
  int64_t sh = p->del_ts > r->del_ts ? p->del_ts : r->del_ts;
  if (r == &p->statics)
    return sh;
  for (uint32_t i = 0; i < p->n_rts; i++) {
    const cql_range_tomb *rt = &p->rts[i];
    if (rt->ts > sh && after_start(def, r, &rt->start) && before_end(def, r, &rt->end))
      sh = rt->ts;
  }
  return sh;
}

bool cql_cell_live(const cql_store_cell *c, int32_t now_sec, int64_t shadow) {
  if (!c || c->flags != CQL_CELL_VALUE || c->ts <= shadow)
    return false;
  return c->expiry == 0 || c->expiry > now_sec;
}

const cql_store_cell *cql_row_cell(const cql_row *r, uint32_t slot) {
  return slot < r->n_cells && r->cells[slot].flags ? &r->cells[slot] : NULL;
}

bool cql_row_live(const cql_table *def, const cql_row *r, int32_t now_sec, int64_t shadow) {
  if (r->has_marker && r->marker_ts > shadow &&
      (r->marker_expiry == 0 || r->marker_expiry > now_sec))
    return true;
  for (uint32_t i = 0; i < def->n_star; i++) {
    const cql_column *c = def->star[i];
    if (c->kind == CQL_COL_REGULAR && cql_cell_live(cql_row_cell(r, c->slot), now_sec, shadow))
      return true;
  }
  return false;
}

bool cql_statics_live(const cql_table *def, const cql_partition *p, int32_t now_sec) {
  int64_t shadow = cql_row_shadow(def, p, &p->statics);
  for (uint32_t i = 0; i < def->n_star; i++) {
    const cql_column *c = def->star[i];
    if (c->kind == CQL_COL_STATIC &&
        cql_cell_live(cql_row_cell(&p->statics, c->slot), now_sec, shadow))
      return true;
  }
  return false;
}
