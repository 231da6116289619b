/* Internal allocation helpers over cql_mem. */
#ifndef CQL_CORE_MEM_H
#define CQL_CORE_MEM_H

#include <stddef.h>

#include "cqlkit/mem.h"

/* The allocator to use when a caller passes NULL: the C library's. */
const cql_mem *cql_mem_or_default(const cql_mem *mem);

static inline void *cql_malloc(const cql_mem *mem, size_t size) {
  return mem->malloc(size, mem->ud);
}

static inline void *cql_realloc(const cql_mem *mem, void *ptr, size_t size) {
  return mem->realloc(ptr, size, mem->ud);
}

static inline void cql_free(const cql_mem *mem, void *ptr) {
  if (ptr)
    mem->free(ptr, mem->ud);
}

#endif
