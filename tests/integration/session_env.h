/* A loop, an in-process cqlkit-node and one session for the session tests
 * that need to see connect failures (itest_start fails the test on them). */
#ifndef CQLKIT_TEST_SESSION_ENV_H
#define CQLKIT_TEST_SESSION_ENV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "cqlkit/cqlkit.h"
#include "cqlkit_node.h"

typedef struct senv {
  uv_loop_t loop;
  cql_node *node;
  uint16_t port;
  cql_session *session;
  bool connected;
  cql_status connect_status;
  char message[512];
  bool closed;
} senv;

typedef void (*senv_config_fn)(cql_config *cfg, void *ud);

static inline void senv_on_connect(cql_session *s, cql_status st, const char *msg, void *ud) {
  (void)s;
  senv *e = ud;
  e->connected = true;
  e->connect_status = st;
  snprintf(e->message, sizeof(e->message), "%s", msg ? msg : "");
}

static inline void senv_on_closed(cql_session *s, void *ud) {
  (void)s;
  ((senv *)ud)->closed = true;
}

static inline void senv_tick(uv_timer_t *t) { (void)t; }

/* Runs the loop until *flag or `ms` pass; returns *flag. */
static inline bool senv_run_until(senv *e, const bool *flag, uint32_t ms) {
  uv_timer_t tick;
  uv_timer_init(&e->loop, &tick);
  uv_timer_start(&tick, senv_tick, 20, 20);
  uint64_t start = uv_hrtime();
  while (!*flag && uv_hrtime() - start < (uint64_t)ms * 1000000u)
    uv_run(&e->loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&tick, NULL);
  uv_run(&e->loop, UV_RUN_NOWAIT);
  return *flag;
}

static inline void senv_run_for(senv *e, uint32_t ms) {
  bool never = false;
  senv_run_until(e, &never, ms);
}

/* Starts the node (`o` may be NULL). */
static inline void senv_start_node(senv *e, const cql_node_options *o) {
  memset(e, 0, sizeof(*e));
  assert_int_equal(uv_loop_init(&e->loop), 0);
  cql_node_options d;
  cql_node_options_init(&d);
  cql_status st = cql_node_start(&e->loop, o ? o : &d, &e->node);
  if (st != CQL_OK)
    fail_msg("cql_node_start: %s", cql_status_name(st));
  e->port = cql_node_port(e->node);
}

static inline void senv_log(cql_log_level level, const char *message, void *ud) {
  (void)ud;
  fprintf(stderr, "[cqlkit %d] %s\n", (int)level, message);
}

/* Starts connecting a session to the node; does not wait. With
 * CQLKIT_TEST_LOG set, the session logs to stderr. */
static inline void senv_connect_async(senv *e, senv_config_fn fn, void *ud) {
  cql_config *cfg = NULL;
  assert_int_equal(cql_config_new(&cfg, NULL), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, e->port), CQL_OK);
  if (getenv("CQLKIT_TEST_LOG"))
    assert_int_equal(cql_config_set_log(cfg, CQL_LOG_DEBUG, senv_log, NULL), CQL_OK);
  if (fn)
    fn(cfg, ud);
  e->connected = false;
  assert_int_equal(cql_session_connect(&e->loop, cfg, senv_on_connect, e, &e->session), CQL_OK);
  cql_config_free(cfg);
}

/* Connects and waits for the outcome, which it returns. */
static inline cql_status senv_connect(senv *e, senv_config_fn fn, void *ud) {
  senv_connect_async(e, fn, ud);
  if (!senv_run_until(e, &e->connected, 20000))
    fail_msg("the connect callback never ran");
  return e->connect_status;
}

static inline void senv_close_session(senv *e) {
  if (!e->session)
    return;
  e->closed = false;
  cql_session_close(e->session, senv_on_closed, e);
  e->session = NULL;
  if (!senv_run_until(e, &e->closed, 10000))
    fail_msg("the session did not close");
}

static inline void senv_node_closed(void *ud) { *(bool *)ud = true; }

/* Closes everything and checks that nothing was left on the loop. */
static inline void senv_stop(senv *e) {
  senv_close_session(e);
  if (e->node) {
    bool closed = false;
    cql_node_close(e->node, senv_node_closed, &closed);
    senv_run_until(e, &closed, 10000);
    e->node = NULL;
  }
  uv_run(&e->loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&e->loop), 0);
}

typedef struct senv_wait {
  bool done;
  cql_result *result;
} senv_wait;

static inline void senv_on_result(const cql_result *r, void *ud) {
  senv_wait *w = ud;
  w->result = cql_result_retain(r);
  w->done = true;
}

/* Runs `q` and returns its result (the caller releases it). */
static inline cql_result *senv_query(senv *e, const char *q) {
  senv_wait w = {false, NULL};
  assert_int_equal(cql_session_query(e->session, q, senv_on_result, &w), CQL_OK);
  if (!senv_run_until(e, &w.done, 20000))
    fail_msg("no answer to %s", q);
  return w.result;
}

static inline cql_result *senv_execute(senv *e, const cql_statement *st) {
  senv_wait w = {false, NULL};
  assert_int_equal(cql_session_execute(e->session, st, senv_on_result, &w), CQL_OK);
  if (!senv_run_until(e, &w.done, 20000))
    fail_msg("no answer to an execute");
  return w.result;
}

static inline void senv_ok(senv *e, const char *q) {
  cql_result *r = senv_query(e, q);
  if (cql_result_status(r) != CQL_OK) {
    const cql_error_info *i = cql_result_error(r);
    fail_msg("%s: %s: %s", q, cql_status_name(cql_result_status(r)), i ? i->message : "");
  }
  cql_result_release(r);
}

typedef struct senv_prep {
  bool done;
  cql_prepared *p;
} senv_prep;

static inline void senv_on_prepared(cql_prepared *p, const cql_result *r, void *ud) {
  (void)r;
  senv_prep *w = ud;
  w->p = p;
  w->done = true;
}

static inline cql_prepared *senv_prepare(senv *e, const char *q) {
  senv_prep w = {false, NULL};
  assert_int_equal(cql_session_prepare(e->session, q, senv_on_prepared, &w), CQL_OK);
  if (!senv_run_until(e, &w.done, 20000) || !w.p)
    fail_msg("prepare failed: %s", q);
  return w.p;
}

#endif
