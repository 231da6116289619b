/* Pluggable allocation.
 *
 * Objects that allocate take an optional `const cql_mem *`; NULL means the C
 * library's malloc/realloc/free. The struct is copied, so it need not outlive
 * the call that receives it, but `ud` must outlive every object using it. */
#ifndef CQLKIT_MEM_H
#define CQLKIT_MEM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_mem {
  void *(*malloc)(size_t size, void *ud);
  void *(*realloc)(void *ptr, size_t size, void *ud);
  void (*free)(void *ptr, void *ud);
  void *ud;
} cql_mem;

#ifdef __cplusplus
}
#endif

#endif
