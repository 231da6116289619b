#include "mem.h"

#include <stdlib.h>

static void *libc_malloc(size_t size, void *ud) {
  (void)ud;
  return malloc(size);
}

static void *libc_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  return realloc(ptr, size);
}

static void libc_free(void *ptr, void *ud) {
  (void)ud;
  free(ptr);
}

static const cql_mem libc_mem = {libc_malloc, libc_realloc, libc_free, NULL};

const cql_mem *cql_mem_or_default(const cql_mem *mem) { return mem ? mem : &libc_mem; }
