/* A node on a thread of its own, for blocking tests and benchmarks. Calls
 * from other threads travel through a uv_async and wait on a condition
 * variable until the loop thread has run them. */
#include <stdlib.h>
#include <string.h>

#include "node_impl.h"

struct cql_node_thread {
  uv_loop_t loop;
  uv_thread_t thread;
  uv_async_t async;
  uv_mutex_t lock;
  uv_cond_t done;
  uv_mutex_t call_lock; /* one cross-thread call at a time */
  const cql_node_options *opts;
  cql_node *node;
  cql_status start_status;
  bool started;
  /* the pending call: fn == NULL means none */
  void (*fn)(cql_node *n, void *ud);
  void *ud;
  bool stop;
  bool call_done;
};

static void on_async_closed(uv_handle_t *h) { (void)h; }

static void on_async(uv_async_t *a) {
  cql_node_thread *t = a->data;
  uv_mutex_lock(&t->lock);
  void (*fn)(cql_node *, void *) = t->fn;
  void *ud = t->ud;
  bool stop = t->stop;
  uv_mutex_unlock(&t->lock);
  if (fn) {
    fn(t->node, ud);
    uv_mutex_lock(&t->lock);
    t->fn = NULL;
    t->call_done = true;
    uv_cond_broadcast(&t->done);
    uv_mutex_unlock(&t->lock);
  }
  if (stop) {
    cql_node_close(t->node, NULL, NULL);
    uv_close((uv_handle_t *)&t->async, on_async_closed);
  }
}

static void thread_main(void *arg) {
  cql_node_thread *t = arg;
  cql_status st = cql_node_start(&t->loop, t->opts, &t->node);
  uv_mutex_lock(&t->lock);
  t->start_status = st;
  t->started = true;
  uv_cond_broadcast(&t->done);
  uv_mutex_unlock(&t->lock);
  if (st != CQL_OK)
    uv_close((uv_handle_t *)&t->async, on_async_closed);
  uv_run(&t->loop, UV_RUN_DEFAULT);
}

static void destroy(cql_node_thread *t) {
  uv_loop_close(&t->loop);
  uv_mutex_destroy(&t->lock);
  uv_mutex_destroy(&t->call_lock);
  uv_cond_destroy(&t->done);
  free(t);
}

cql_status cql_node_thread_start(const cql_node_options *o, cql_node_thread **out) {
  cql_node_thread *t = calloc(1, sizeof(*t));
  if (!t)
    return CQL_E_NOMEM;
  if (uv_loop_init(&t->loop) != 0) {
    free(t);
    return CQL_E_NOMEM;
  }
  uv_mutex_init(&t->lock);
  uv_mutex_init(&t->call_lock);
  uv_cond_init(&t->done);
  uv_async_init(&t->loop, &t->async, on_async);
  t->async.data = t;
  t->opts = o;
  if (uv_thread_create(&t->thread, thread_main, t) != 0) {
    uv_close((uv_handle_t *)&t->async, on_async_closed);
    uv_run(&t->loop, UV_RUN_DEFAULT);
    destroy(t);
    return CQL_E_NOMEM;
  }
  uv_mutex_lock(&t->lock);
  while (!t->started)
    uv_cond_wait(&t->done, &t->lock);
  cql_status st = t->start_status;
  uv_mutex_unlock(&t->lock);
  t->opts = NULL; /* copied by cql_node_start */
  if (st != CQL_OK) {
    uv_thread_join(&t->thread);
    destroy(t);
    return st;
  }
  *out = t;
  return CQL_OK;
}

cql_node *cql_node_thread_node(cql_node_thread *t) { return t->node; }

void cql_node_thread_call(cql_node_thread *t, void (*fn)(cql_node *n, void *ud), void *ud) {
  uv_mutex_lock(&t->call_lock);
  uv_mutex_lock(&t->lock);
  t->fn = fn;
  t->ud = ud;
  t->call_done = false;
  uv_mutex_unlock(&t->lock);
  uv_async_send(&t->async);
  uv_mutex_lock(&t->lock);
  while (!t->call_done)
    uv_cond_wait(&t->done, &t->lock);
  uv_mutex_unlock(&t->lock);
  uv_mutex_unlock(&t->call_lock);
}

void cql_node_thread_stop(cql_node_thread *t) {
  if (!t)
    return;
  uv_mutex_lock(&t->lock);
  t->stop = true;
  uv_mutex_unlock(&t->lock);
  uv_async_send(&t->async);
  uv_thread_join(&t->thread);
  destroy(t);
}
