/* A counting allocator to preload (LD_PRELOAD=libbench_alloc_count.so):
 * every malloc, calloc, realloc and aligned allocation of the process adds
 * one to a counter that the benchmark clients read at the start and end of
 * their measured phase (bench_alloc_count_get, found with dlsym), giving
 * heap allocations per request. The real work is done by glibc's own entry
 * points (__libc_malloc...), which avoids the dlsym(RTLD_NEXT) bootstrap
 * problem of wrappers that look up malloc while malloc is being called. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

/* Process-wide by nature: it counts the whole process's allocations. */
static atomic_llong counter;

__attribute__((visibility("default"))) long long bench_alloc_count_get(void) {
  return atomic_load_explicit(&counter, memory_order_relaxed);
}

static void count(void) { atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed); }

__attribute__((visibility("default"))) void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}

__attribute__((visibility("default"))) void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}

__attribute__((visibility("default"))) void *realloc(void *p, size_t size) {
  count();
  return __libc_realloc(p, size);
}

__attribute__((visibility("default"))) void free(void *p) { __libc_free(p); }

__attribute__((visibility("default"))) void *memalign(size_t align, size_t size) {
  count();
  return __libc_memalign(align, size);
}

__attribute__((visibility("default"))) void *aligned_alloc(size_t align, size_t size) {
  count();
  return __libc_memalign(align, size);
}

__attribute__((visibility("default"))) int posix_memalign(void **out, size_t align, size_t size) {
  count();
  void *p = __libc_memalign(align, size);
  if (!p)
    return ENOMEM;
  *out = p;
  return 0;
}
