/* Received responses as reference-counted objects, so that a result page
 * can be kept without copying the bytes its rows point into. */
#include <string.h>

#include "conn_impl.h"
#include "mem.h"
#include "response.h"

const cql_response *cql_reply_response(const cql_reply *r) { return &r->response; }

const cql_header *cql_reply_header(const cql_reply *r) { return &r->env.header; }

cql_slice cql_reply_body(const cql_reply *r) { return (cql_slice){r->env.body, r->env.len}; }

cql_reply *cql_reply_retain(cql_reply *r) {
  atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
  return r;
}

static void reply_destroy(cql_reply *r) {
  cql_envelope_free(&r->env);
  cql_arena_free(&r->arena);
  cql_mem mem = r->mem;
  cql_free(&mem, r);
}

void cql_reply_release(cql_reply *r) {
  if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
    reply_destroy(r);
}

cql_reply *cql_reply_make(const cql_mem *mem, cql_reply **spare, cql_envelope *env) {
  cql_reply *r = *spare;
  if (r) {
    *spare = NULL;
  } else {
    r = cql_malloc(mem, sizeof(*r));
    if (!r) {
      cql_envelope_free(env);
      return NULL;
    }
    memset(r, 0, sizeof(*r));
    r->mem = *mem;
    /* The arena keeps a pointer to its allocator: the reply's own copy. */
    cql_arena_init(&r->arena, &r->mem);
  }
  r->env = *env;
  env->body = NULL;
  env->len = 0;
  memset(&r->response, 0, sizeof(r->response));
  atomic_store_explicit(&r->refs, 1, memory_order_relaxed);
  return r;
}

cql_status cql_reply_decode(cql_reply *r, const char **what) {
  /* Trailing bytes are tolerated: the spec asks clients to ignore what a
   * newer server may append to a body. */
  return cql_response_decode2(&r->env.header, cql_reply_body(r), &r->arena,
                              CQL_RESPONSE_ALLOW_TRAILING, &r->response, what);
}

void cql_reply_recycle(cql_reply *r, cql_reply **spare) {
  if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) > 1)
    return;
  if (*spare) {
    reply_destroy(r);
    return;
  }
  cql_envelope_free(&r->env);
  cql_arena_reset(&r->arena);
  *spare = r;
}

void cql_reply_free_spare(cql_reply **spare) {
  if (*spare)
    reply_destroy(*spare);
  *spare = NULL;
}
