/* Futures of the blocking facade: a mutex, a condition and an outcome,
 * shared by the caller's thread and the client's loop thread. */
/* uv.h needs POSIX types that -std=c11 hides. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>

#include "api_internal.h"
#include "client_impl.h"

cql_future *cql_client_future_new(void) {
  cql_future *f = calloc(1, sizeof(*f));
  if (!f)
    return NULL;
  if (uv_mutex_init(&f->lock) != 0) {
    free(f);
    return NULL;
  }
  if (uv_cond_init(&f->cond) != 0) {
    uv_mutex_destroy(&f->lock);
    free(f);
    return NULL;
  }
  f->refs = 2;
  return f;
}

void cql_client_future_unref(cql_future *f) {
  uv_mutex_lock(&f->lock);
  int left = --f->refs;
  uv_mutex_unlock(&f->lock);
  if (left > 0)
    return;
  if (f->result)
    cql_result_release(f->result);
  if (f->prepared)
    cql_prepared_release(f->prepared);
  uv_cond_destroy(&f->cond);
  uv_mutex_destroy(&f->lock);
  free(f);
}

void cql_client_future_complete(cql_future *f, cql_status status, const cql_result *result,
                                cql_prepared *prepared) {
  /* Retaining before taking the lock keeps the critical section short;
   * the result is immutable and its count atomic. A successful prepare
   * (which has no result) and a failure found before the session saw the
   * request still get one, so that callers always have a status to read. */
  cql_result *kept =
      result ? cql_result_retain(result) : cql_result_from_status(status, NULL, NULL);
  uv_mutex_lock(&f->lock);
  f->status = status;
  f->result = kept;
  f->prepared = prepared;
  f->submitted = true;
  f->done = true;
  uv_cond_broadcast(&f->cond);
  uv_mutex_unlock(&f->lock);
  cql_client_future_unref(f);
}

void cql_client_future_submitted(cql_future *f) {
  uv_mutex_lock(&f->lock);
  f->submitted = true;
  uv_cond_broadcast(&f->cond);
  uv_mutex_unlock(&f->lock);
}

void cql_client_future_wait_submitted(cql_future *f) {
  uv_mutex_lock(&f->lock);
  while (!f->submitted)
    uv_cond_wait(&f->cond, &f->lock);
  uv_mutex_unlock(&f->lock);
}

cql_status cql_future_wait(cql_future *f, uint32_t timeout_ms) {
  if (!f)
    return CQL_E_INVALID_ARG;
  uv_mutex_lock(&f->lock);
  if (timeout_ms == UINT32_MAX) {
    while (!f->done)
      uv_cond_wait(&f->cond, &f->lock);
  } else if (!f->done && timeout_ms > 0) {
    /* uv_cond_timedwait may wake early (spuriously or on `submitted`):
     * wait again for what is left of the budget. */
    uint64_t deadline = uv_hrtime() + (uint64_t)timeout_ms * 1000000u;
    for (uint64_t now = uv_hrtime(); !f->done && now < deadline; now = uv_hrtime())
      (void)uv_cond_timedwait(&f->cond, &f->lock, deadline - now);
  }
  bool done = f->done;
  uv_mutex_unlock(&f->lock);
  return done ? CQL_OK : CQL_E_TIMEOUT;
}

const cql_result *cql_future_result(cql_future *f) {
  if (!f)
    return NULL;
  cql_future_wait(f, UINT32_MAX);
  /* Complete: the loop thread no longer writes these fields. */
  return f->result;
}

cql_prepared *cql_future_prepared(cql_future *f) {
  if (!f)
    return NULL;
  cql_future_wait(f, UINT32_MAX);
  return f->prepared;
}

void cql_future_free(cql_future *f) {
  if (f)
    cql_client_future_unref(f);
}
