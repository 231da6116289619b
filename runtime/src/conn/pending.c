/* Requests awaiting an answer: a table indexed by stream id (O(1) matching
 * of replies) and a binary min-heap of the ones with a deadline (O(log n)
 * to add, remove or find the next timeout, whatever mix of timeouts the
 * owner uses). Both grow on demand, so a connection that never has many
 * requests in flight stays small. */
#include <string.h>

#include "conn_impl.h"
#include "mem.h"

void cql_pending_init(cql_pending_table *t, const cql_mem *mem) {
  memset(t, 0, sizeof(*t));
  t->mem = mem;
}

void cql_pending_free(cql_pending_table *t) {
  cql_free(t->mem, t->items);
  cql_free(t->mem, t->heap);
  const cql_mem *mem = t->mem;
  cql_pending_init(t, mem);
}

static uint32_t grown(uint32_t cap, uint32_t need) {
  uint32_t n = cap ? cap : 64;
  while (n < need)
    n *= 2;
  return n;
}

bool cql_pending_reserve(cql_pending_table *t, int32_t id) {
  uint32_t need = (uint32_t)id + 1;
  if (need <= t->cap)
    return true;
  uint32_t cap = grown(t->cap, need);
  cql_pending *items = cql_realloc(t->mem, t->items, cap * sizeof(*items));
  if (!items)
    return false;
  memset(items + t->cap, 0, (cap - t->cap) * sizeof(*items));
  t->items = items;
  t->cap = cap;
  return true;
}

/* ---- the heap ------------------------------------------------------------ */

static uint64_t key(const cql_pending_table *t, uint32_t i) {
  return t->items[t->heap[i]].deadline;
}

static void place(cql_pending_table *t, uint32_t i, int32_t id) {
  t->heap[i] = id;
  t->items[id].heap_idx = (int32_t)i;
}

static void sift_up(cql_pending_table *t, uint32_t i) {
  int32_t id = t->heap[i];
  uint64_t k = t->items[id].deadline;
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (key(t, parent) <= k)
      break;
    place(t, i, t->heap[parent]);
    i = parent;
  }
  place(t, i, id);
}

static void sift_down(cql_pending_table *t, uint32_t i) {
  int32_t id = t->heap[i];
  uint64_t k = t->items[id].deadline;
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= t->heap_len)
      break;
    if (child + 1 < t->heap_len && key(t, child + 1) < key(t, child))
      child++;
    if (key(t, child) >= k)
      break;
    place(t, i, t->heap[child]);
    i = child;
  }
  place(t, i, id);
}

static bool heap_push(cql_pending_table *t, int32_t id) {
  if (t->heap_len == t->heap_cap) {
    uint32_t cap = grown(t->heap_cap, t->heap_len + 1);
    int32_t *heap = cql_realloc(t->mem, t->heap, cap * sizeof(*heap));
    if (!heap)
      return false;
    t->heap = heap;
    t->heap_cap = cap;
  }
  t->heap[t->heap_len++] = id;
  sift_up(t, t->heap_len - 1);
  return true;
}

void cql_pending_unschedule(cql_pending_table *t, int32_t id) {
  int32_t i = t->items[id].heap_idx;
  if (i < 0)
    return;
  t->items[id].heap_idx = -1;
  int32_t last = t->heap[--t->heap_len];
  if ((uint32_t)i == t->heap_len)
    return;
  /* The last entry fills the hole and moves whichever way its key says. */
  place(t, (uint32_t)i, last);
  sift_down(t, (uint32_t)i);
  sift_up(t, (uint32_t)t->items[last].heap_idx);
}

int32_t cql_pending_first(const cql_pending_table *t) { return t->heap_len ? t->heap[0] : -1; }

/* ---- entries ---------------------------------------------------------------- */

bool cql_pending_put(cql_pending_table *t, int32_t id, const cql_pending *p) {
  cql_pending *slot = &t->items[id];
  *slot = *p;
  slot->heap_idx = -1;
  if (p->deadline != CQL_CONN_NO_DEADLINE && !heap_push(t, id)) {
    slot->kind = PENDING_FREE;
    return false;
  }
  if (p->kind == PENDING_USER)
    t->n_user++;
  return true;
}

cql_pending *cql_pending_get(cql_pending_table *t, int32_t id) {
  if (id < 0 || (uint32_t)id >= t->cap || t->items[id].kind == PENDING_FREE)
    return NULL;
  return &t->items[id];
}

cql_pending cql_pending_take(cql_pending_table *t, int32_t id) {
  cql_pending_unschedule(t, id);
  cql_pending p = t->items[id];
  if (p.kind == PENDING_USER)
    t->n_user--;
  memset(&t->items[id], 0, sizeof(t->items[id]));
  t->items[id].heap_idx = -1;
  return p;
}

void cql_pending_orphan(cql_pending_table *t, int32_t id) {
  cql_pending *p = &t->items[id];
  cql_pending_unschedule(t, id);
  if (p->kind == PENDING_USER)
    t->n_user--;
  p->kind = PENDING_ORPHAN;
  p->cb = NULL;
  p->ud = NULL;
}
