/* Integration test helpers: node + session on one loop, blocking wrappers. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "itest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

/* ---- counting allocator ----------------------------------------------------- */

/* Each block carries its size in front so that free can count it. */
typedef union header {
  size_t size;
  max_align_t align;
} header;

static uv_mutex_t mem_lock;
static uv_once_t mem_once = UV_ONCE_INIT;
static void mem_lock_init(void) { uv_mutex_init(&mem_lock); }

static void count(itest_mem *m, size_t add, size_t sub) {
  uv_mutex_lock(&mem_lock);
  m->live = m->live + add - sub;
  if (add)
    m->allocations++;
  if (m->live > m->peak)
    m->peak = m->live;
  uv_mutex_unlock(&mem_lock);
}

static void *count_malloc(size_t size, void *ud) {
  header *h = malloc(sizeof(header) + size);
  if (!h)
    return NULL;
  h->size = size;
  count(ud, size, 0);
  return h + 1;
}

static void count_free(void *ptr, void *ud) {
  if (!ptr)
    return;
  header *h = (header *)ptr - 1;
  count(ud, 0, h->size);
  free(h);
}

static void *count_realloc(void *ptr, size_t size, void *ud) {
  if (!ptr)
    return count_malloc(size, ud);
  header *h = (header *)ptr - 1;
  size_t old = h->size;
  header *n = realloc(h, sizeof(header) + size);
  if (!n)
    return NULL;
  n->size = size;
  count(ud, size, old);
  return n + 1;
}

void itest_mem_init(itest_mem *m) {
  uv_once(&mem_once, mem_lock_init);
  memset(m, 0, sizeof(*m));
  m->mem = (cql_mem){count_malloc, count_realloc, count_free, m};
}

void itest_mem_reset_peak(itest_mem *m) {
  uv_mutex_lock(&mem_lock);
  m->peak = m->live;
  uv_mutex_unlock(&mem_lock);
}

size_t itest_mem_live(itest_mem *m) {
  uv_mutex_lock(&mem_lock);
  size_t v = m->live;
  uv_mutex_unlock(&mem_lock);
  return v;
}

size_t itest_mem_peak(itest_mem *m) {
  uv_mutex_lock(&mem_lock);
  size_t v = m->peak;
  uv_mutex_unlock(&mem_lock);
  return v;
}

/* ---- environment -------------------------------------------------------------- */

const char *itest_node_exe(void) {
  const char *p = getenv("CQLKIT_NODE_EXE");
  return p && *p ? p : NULL;
}

bool itest_under_valgrind(void) {
  const char *p = getenv("CQLKIT_UNDER_VALGRIND");
  return p && *p && strcmp(p, "0") != 0;
}

/* ---- running the loop ----------------------------------------------------------- */

static void on_tick(uv_timer_t *tick) { (void)tick; }

void itest_run_until(itest *t, const bool *flag, const char *what) {
  uint64_t start = uv_hrtime();
  uint64_t limit = (uint64_t)t->timeout_ms * 1000000u;
  /* A repeating timer keeps the loop from blocking forever in poll when
   * nothing else is pending, so the deadline is always checked. */
  uv_timer_t tick;
  uv_timer_init(t->loop, &tick);
  uv_timer_start(&tick, on_tick, 50, 50);
  while (!*flag && uv_hrtime() - start < limit)
    uv_run(t->loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&tick, NULL);
  uv_run(t->loop, UV_RUN_NOWAIT);
  if (!*flag)
    fail_msg("timed out after %u ms waiting for %s", t->timeout_ms, what);
}

/* ---- start and stop ------------------------------------------------------------- */

typedef struct connect_wait {
  bool done;
  cql_status status;
  char message[256];
} connect_wait;

static void on_connect(cql_session *s, cql_status status, const char *message, void *ud) {
  connect_wait *w = ud;
  (void)s;
  w->done = true;
  w->status = status;
  snprintf(w->message, sizeof(w->message), "%s", message ? message : "");
}

void itest_start_mem(itest *t, const cql_node_options *o, itest_config_fn configure, void *ud,
                     const cql_mem *mem) {
  memset(t, 0, sizeof(*t));
  t->timeout_ms = itest_under_valgrind() ? 120000 : 30000;
  t->loop = malloc(sizeof(uv_loop_t));
  assert_non_null(t->loop);
  assert_int_equal(uv_loop_init(t->loop), 0);
  cql_node_options defaults;
  cql_node_options_init(&defaults);
  cql_status st = cql_node_start(t->loop, o ? o : &defaults, &t->node);
  if (st != CQL_OK)
    fail_msg("cql_node_start: %s", cql_status_name(st));
  t->port = cql_node_port(t->node);

  cql_config *cfg = NULL;
  assert_int_equal(cql_config_new(&cfg, mem), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, t->port), CQL_OK);
  if (configure)
    configure(cfg, ud);
  connect_wait w = {0};
  st = cql_session_connect(t->loop, cfg, on_connect, &w, &t->session);
  cql_config_free(cfg);
  if (st != CQL_OK)
    fail_msg("cql_session_connect: %s", cql_status_name(st));
  itest_run_until(t, &w.done, "the session to connect");
  if (w.status != CQL_OK)
    fail_msg("connect failed: %s: %s", cql_status_name(w.status), w.message);
}

void itest_start(itest *t, const cql_node_options *o, itest_config_fn configure, void *ud) {
  itest_start_mem(t, o, configure, ud, NULL);
}

static void set_flag(void *ud) { *(bool *)ud = true; }
static void on_session_closed(cql_session *s, void *ud) {
  (void)s;
  set_flag(ud);
}

void itest_stop(itest *t) {
  if (t->session) {
    bool closed = false;
    cql_session_close(t->session, on_session_closed, &closed);
    itest_run_until(t, &closed, "the session to close");
    t->session = NULL;
  }
  if (t->node) {
    bool closed = false;
    cql_node_close(t->node, set_flag, &closed);
    itest_run_until(t, &closed, "the node to close");
    t->node = NULL;
  }
  /* Everything is closed: the loop must run dry on its own. */
  uv_run(t->loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(t->loop), 0);
  free(t->loop);
  t->loop = NULL;
}

/* ---- blocking requests -------------------------------------------------------------- */

typedef struct request_wait {
  bool done;
  cql_result *result;
  cql_prepared *prepared;
} request_wait;

static void on_result(const cql_result *r, void *ud) {
  request_wait *w = ud;
  w->result = cql_result_retain(r);
  w->done = true;
}

static void on_prepared(cql_prepared *p, const cql_result *r, void *ud) {
  request_wait *w = ud;
  w->prepared = p;
  w->result = r ? cql_result_retain(r) : NULL;
  w->done = true;
}

static cql_result *wait_result(itest *t, cql_status submitted, request_wait *w, const char *what) {
  if (submitted != CQL_OK)
    fail_msg("submitting %s: %s", what, cql_status_name(submitted));
  itest_run_until(t, &w->done, what);
  return w->result;
}

cql_result *itest_query(itest *t, const char *cql) {
  request_wait w = {0};
  return wait_result(t, cql_session_query(t->session, cql, on_result, &w), &w, cql);
}

cql_result *itest_execute(itest *t, const cql_statement *st) {
  request_wait w = {0};
  return wait_result(t, cql_session_execute(t->session, st, on_result, &w), &w, "an EXECUTE");
}

cql_result *itest_batch(itest *t, const cql_batch *b) {
  request_wait w = {0};
  return wait_result(t, cql_session_execute_batch(t->session, b, on_result, &w), &w, "a BATCH");
}

cql_prepared *itest_prepare(itest *t, const char *cql) {
  request_wait w = {0};
  cql_status st = cql_session_prepare(t->session, cql, on_prepared, &w);
  if (st != CQL_OK)
    fail_msg("submitting PREPARE %s: %s", cql, cql_status_name(st));
  itest_run_until(t, &w.done, cql);
  if (!w.prepared) {
    itest_assert_ok(w.result, cql);
    fail_msg("PREPARE %s: no statement and no error", cql);
  }
  if (w.result)
    cql_result_release(w.result);
  return w.prepared;
}

void itest_assert_ok(const cql_result *r, const char *what) {
  if (!r)
    fail_msg("%s: no result", what);
  cql_status st = cql_result_status(r);
  if (st == CQL_OK)
    return;
  const cql_error_info *e = cql_result_error(r);
  fail_msg("%s: %s: %s", what, cql_status_name(st), e && e->message ? e->message : "");
}

void itest_ok(itest *t, const char *cql) {
  cql_result *r = itest_query(t, cql);
  itest_assert_ok(r, cql);
  cql_result_release(r);
}
