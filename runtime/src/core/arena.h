/* A bump allocator for decoded messages.
 *
 * Decoding a message allocates many small, same-lifetime pieces (column
 * specs, type trees, string lists). They come from an arena so that a decoded
 * message is released with one call and a decoder never has to unwind
 * half-built structures on error. */
#ifndef CQL_CORE_ARENA_H
#define CQL_CORE_ARENA_H

#include <stddef.h>

#include "cqlkit/mem.h"

typedef struct cql_arena_block cql_arena_block;

typedef struct cql_arena {
  const cql_mem *mem;
  cql_arena_block *head;
  size_t used;  /* bytes handed out in the head block */
  size_t total; /* bytes held in all blocks, for limits and metrics */
  size_t limit; /* 0: unlimited; otherwise allocation fails past it */
} cql_arena;

/* `mem` may be NULL for the default allocator. Allocates nothing yet. */
void cql_arena_init(cql_arena *a, const cql_mem *mem);
/* Releases every block. The arena may be used again afterwards. */
void cql_arena_free(cql_arena *a);
/* Keeps the first block for reuse and forgets everything handed out. */
void cql_arena_reset(cql_arena *a);
/* Zeroed, max_align_t-aligned memory; NULL when out of memory or limit. */
void *cql_arena_alloc(cql_arena *a, size_t size);
/* cql_arena_alloc(count * size), failing on overflow. */
void *cql_arena_calloc(cql_arena *a, size_t count, size_t size);

#endif
