#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "mem.h"

struct cql_arena_block {
  cql_arena_block *next;
  size_t size; /* usable bytes after the header */
  alignas(max_align_t) unsigned char data[];
};

enum { ARENA_MIN_BLOCK = 4096 - sizeof(cql_arena_block) };

void cql_arena_init(cql_arena *a, const cql_mem *mem) {
  a->mem = cql_mem_or_default(mem);
  a->head = NULL;
  a->used = 0;
  a->total = 0;
  a->limit = 0;
}

void cql_arena_free(cql_arena *a) {
  cql_arena_block *b = a->head;
  while (b) {
    cql_arena_block *next = b->next;
    cql_free(a->mem, b);
    b = next;
  }
  a->head = NULL;
  a->used = 0;
  a->total = 0;
}

void cql_arena_reset(cql_arena *a) {
  if (!a->head)
    return;
  /* The oldest block is last in the list; keep it. */
  cql_arena_block *keep = a->head;
  while (keep->next) {
    cql_arena_block *b = a->head;
    a->head = b->next;
    cql_free(a->mem, b);
    keep = a->head;
  }
  a->used = 0;
  a->total = keep->size;
}

static size_t align_up(size_t n) {
  size_t al = alignof(max_align_t);
  return (n + al - 1) & ~(al - 1);
}

void *cql_arena_alloc(cql_arena *a, size_t size) {
  if (size > SIZE_MAX / 2)
    return NULL;
  size = align_up(size ? size : 1);
  if (!a->head || a->head->size - a->used < size) {
    size_t block = size > (size_t)ARENA_MIN_BLOCK ? size : (size_t)ARENA_MIN_BLOCK;
    if (a->head && block < a->head->size * 2 && a->head->size * 2 <= 1u << 20)
      block = a->head->size * 2;
    if (a->limit && a->total + block > a->limit)
      return NULL;
    cql_arena_block *b = cql_malloc(a->mem, sizeof(*b) + block);
    if (!b)
      return NULL;
    b->next = a->head;
    b->size = block;
    a->head = b;
    a->used = 0;
    a->total += block;
  }
  void *p = a->head->data + a->used;
  a->used += size;
  memset(p, 0, size);
  return p;
}

void *cql_arena_calloc(cql_arena *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  return cql_arena_alloc(a, count * size);
}
