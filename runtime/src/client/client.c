/* The blocking facade's lifecycle: a loop thread running one session,
 * started by cql_client_connect and joined by cql_client_close. */
/* uv.h needs POSIX types that -std=c11 hides. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
#include <string.h>

#include "client_impl.h"

static char *copy_message(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p)
    memcpy(p, s, n);
  return p;
}

static void report_connect(cql_client *c, cql_status st, const char *message) {
  uv_mutex_lock(&c->lock);
  if (!c->connected) {
    c->connected = true;
    c->connect_status = st;
    c->connect_message = st == CQL_OK ? NULL : copy_message(message);
    uv_cond_broadcast(&c->cond);
  }
  uv_mutex_unlock(&c->lock);
}

static void on_connect(cql_session *session, cql_status status, const char *message, void *ud) {
  (void)session;
  report_connect(ud, status, message);
}

static void on_session_closed(cql_session *session, void *ud) {
  cql_client *c = ud;
  (void)session;
  c->session = NULL;
  /* Requests posted while the session was closing never reached it. */
  cql_client_cancel_queued(c);
  /* The last handle of ours: once it is closed the loop runs dry. */
  uv_close((uv_handle_t *)&c->wake, NULL);
}

static void on_wake(uv_async_t *wake) {
  cql_client *c = wake->data;
  uv_mutex_lock(&c->lock);
  bool closing = c->closing;
  uv_mutex_unlock(&c->lock);
  if (!closing) {
    cql_client_drain(c);
    return;
  }
  if (uv_is_closing((uv_handle_t *)&c->wake))
    return;
  cql_client_cancel_queued(c);
  if (c->session)
    cql_session_close(c->session, on_session_closed, c); /* a second call is ignored */
  else
    uv_close((uv_handle_t *)&c->wake, NULL);
}

static void thread_main(void *arg) {
  cql_client *c = arg;
  cql_status st = cql_session_connect(&c->loop, c->cfg, on_connect, c, &c->session);
  if (st != CQL_OK) {
    c->session = NULL;
    report_connect(c, st, "the configuration was refused");
  }
  uv_run(&c->loop, UV_RUN_DEFAULT);
}

static void destroy(cql_client *c) {
  uv_cond_destroy(&c->cond);
  uv_mutex_destroy(&c->lock);
  free(c->connect_message);
  free(c);
}

static cql_status init_client(cql_client *c) {
  if (uv_mutex_init(&c->lock) != 0)
    return CQL_E_NOMEM;
  if (uv_cond_init(&c->cond) != 0) {
    uv_mutex_destroy(&c->lock);
    return CQL_E_NOMEM;
  }
  if (uv_loop_init(&c->loop) != 0)
    goto fail;
  if (uv_async_init(&c->loop, &c->wake, on_wake) != 0) {
    uv_loop_close(&c->loop);
    goto fail;
  }
  c->wake.data = c;
  return CQL_OK;
fail:
  uv_cond_destroy(&c->cond);
  uv_mutex_destroy(&c->lock);
  return CQL_E_NOMEM;
}

/* Asks the loop thread to close the session, waits for the thread and
 * releases the loop. */
static void shut_down(cql_client *c) {
  uv_mutex_lock(&c->lock);
  c->closing = true;
  uv_mutex_unlock(&c->lock);
  uv_async_send(&c->wake);
  uv_thread_join(&c->thread);
  /* Anything the session left behind gets one more run to close. */
  if (uv_loop_close(&c->loop) == UV_EBUSY) {
    uv_run(&c->loop, UV_RUN_DEFAULT);
    uv_loop_close(&c->loop);
  }
}

cql_status cql_client_connect(const cql_config *cfg, cql_client **out, char **message) {
  if (message)
    *message = NULL;
  if (!cfg || !out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  cql_client *c = calloc(1, sizeof(*c));
  if (!c)
    return CQL_E_NOMEM;
  if (init_client(c) != CQL_OK) {
    free(c);
    return CQL_E_NOMEM;
  }
  c->cfg = cfg;
  if (uv_thread_create(&c->thread, thread_main, c) != 0) {
    uv_close((uv_handle_t *)&c->wake, NULL);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    uv_loop_close(&c->loop);
    destroy(c);
    return CQL_E_NOMEM;
  }
  uv_mutex_lock(&c->lock);
  while (!c->connected)
    uv_cond_wait(&c->cond, &c->lock);
  cql_status st = c->connect_status;
  uv_mutex_unlock(&c->lock);
  c->cfg = NULL;
  if (st == CQL_OK) {
    *out = c;
    return CQL_OK;
  }
  shut_down(c);
  if (message) {
    *message = c->connect_message;
    c->connect_message = NULL;
  }
  destroy(c);
  return st;
}

void cql_client_close(cql_client *client) {
  if (!client)
    return;
  shut_down(client);
  destroy(client);
}
