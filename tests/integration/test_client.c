/* The blocking facade (client.h) against a cqlkit-node on its own thread:
 * connect, query, prepare, execute, batch, futures with timeouts, use from
 * several threads, connect failure, and close with requests in flight. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "itest.h"

typedef struct fixture {
  cql_node_thread *node;
  uint16_t port;
  cql_client *client;
  itest_mem mem;
} fixture;

static cql_config *config_for(fixture *f, uint16_t port) {
  cql_config *cfg = NULL;
  assert_int_equal(cql_config_new(&cfg, &f->mem.mem), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, port), CQL_OK);
  return cfg;
}

static void query_ok(cql_client *c, const char *q) {
  cql_future *f = cql_client_query(c, q);
  assert_non_null(f);
  itest_assert_ok(cql_future_result(f), q);
  cql_future_free(f);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  itest_mem_init(&f->mem);
  cql_node_options o;
  cql_node_options_init(&o);
  assert_int_equal(cql_node_thread_start(&o, &f->node), CQL_OK);
  f->port = cql_node_port(cql_node_thread_node(f->node));
  cql_config *cfg = config_for(f, f->port);
  char *message = NULL;
  cql_status st = cql_client_connect(cfg, &f->client, &message);
  cql_config_free(cfg);
  if (st != CQL_OK)
    fail_msg("connect: %s: %s", cql_status_name(st), message ? message : "");
  assert_null(message);
  query_ok(f->client, "CREATE KEYSPACE c_ks WITH replication = "
                      "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  query_ok(f->client, "CREATE TABLE c_ks.kv (k int PRIMARY KEY, v text)");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  cql_client_close(f->client);
  cql_node_thread_stop(f->node);
  /* Thread joined, session closed: every byte it took is back. */
  assert_int_equal(itest_mem_live(&f->mem), 0);
  free(f);
  return 0;
}

static void test_prepare_execute(void **state) {
  fixture *f = *state;
  cql_future *pf = cql_client_prepare(f->client, "INSERT INTO c_ks.kv (k, v) VALUES (?, ?)");
  cql_prepared *ins = cql_future_prepared(pf);
  assert_non_null(ins);
  assert_int_equal(cql_prepared_param_count(ins), 2);
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(ins, &st), CQL_OK);
  cql_future *fs[10];
  for (int i = 0; i < 10; i++) {
    char v[16];
    snprintf(v, sizeof(v), "value %d", i);
    assert_int_equal(cql_bind_int(st, 0, i), CQL_OK);
    assert_int_equal(cql_bind_text_cstr(st, 1, v), CQL_OK);
    fs[i] = cql_client_execute(f->client, st); /* st is reusable at once */
    assert_non_null(fs[i]);
  }
  cql_statement_free(st);
  for (int i = 0; i < 10; i++) {
    assert_int_equal(cql_future_wait(fs[i], 10000), CQL_OK);
    itest_assert_ok(cql_future_result(fs[i]), "INSERT");
    cql_future_free(fs[i]);
  }
  cql_future_free(pf); /* the prepared statement went with it */

  cql_future *sf = cql_client_prepare(f->client, "SELECT v FROM c_ks.kv WHERE k = ?");
  cql_prepared *sel = cql_prepared_retain(cql_future_prepared(sf));
  cql_future_free(sf);
  assert_int_equal(cql_prepared_bind(sel, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 7), CQL_OK);
  cql_future *rf = cql_client_execute(f->client, st);
  const cql_result *r = cql_future_result(rf);
  itest_assert_ok(r, "SELECT");
  cql_slice v;
  assert_int_equal(cql_result_get_text(r, 0, 0, &v), CQL_OK);
  assert_true(cql_slice_eq_cstr(v, "value 7"));
  /* A retained result outlives its future. */
  cql_result *kept = cql_result_retain(r);
  cql_future_free(rf);
  assert_int_equal(cql_result_get_text(kept, 0, 0, &v), CQL_OK);
  assert_true(cql_slice_eq_cstr(v, "value 7"));
  cql_result_release(kept);
  cql_statement_free(st);
  cql_prepared_release(sel);
}

static void test_batch(void **state) {
  fixture *f = *state;
  cql_batch *b = NULL;
  assert_int_equal(cql_batch_new(&b, CQL_BATCH_LOGGED, NULL), CQL_OK);
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, "INSERT INTO c_ks.kv (k, v) VALUES (?, ?)", 2, NULL),
                   CQL_OK);
  for (int i = 100; i < 103; i++) {
    assert_int_equal(cql_bind_int(st, 0, i), CQL_OK);
    assert_int_equal(cql_bind_text_cstr(st, 1, "batched"), CQL_OK);
    assert_int_equal(cql_batch_add(b, st), CQL_OK);
  }
  cql_future *bf = cql_client_execute_batch(f->client, b);
  cql_batch_free(b); /* copied before the call returned */
  cql_statement_free(st);
  itest_assert_ok(cql_future_result(bf), "BATCH");
  cql_future_free(bf);
  cql_future *q = cql_client_query(f->client, "SELECT k FROM c_ks.kv WHERE k IN (100, 101, 102)");
  assert_int_equal(cql_result_row_count(cql_future_result(q)), 3);
  cql_future_free(q);
}

static void slow(cql_node *n, void *ud) { cql_node_set_delay_ms(n, *(uint32_t *)ud); }

static void test_wait_timeout(void **state) {
  fixture *f = *state;
  uint32_t delay = 1000;
  cql_node_thread_call(f->node, slow, &delay);
  cql_future *q = cql_client_query(f->client, "SELECT k FROM c_ks.kv WHERE k = 1");
  assert_int_equal(cql_future_wait(q, 0), CQL_E_TIMEOUT); /* no wait at all */
  uint64_t t0 = uv_hrtime();
  assert_int_equal(cql_future_wait(q, 50), CQL_E_TIMEOUT);
  uint64_t waited_ms = (uv_hrtime() - t0) / 1000000u;
  assert_true(waited_ms >= 45 && waited_ms < 900);
  assert_int_equal(cql_future_wait(q, 10000), CQL_OK);
  itest_assert_ok(cql_future_result(q), "slow SELECT");
  assert_int_equal(cql_future_wait(q, 0), CQL_OK); /* complete stays complete */
  cql_future_free(q);
  /* Freeing a future that has not completed is allowed. */
  cql_future_free(cql_client_query(f->client, "SELECT k FROM c_ks.kv WHERE k = 2"));
  delay = 0;
  cql_node_thread_call(f->node, slow, &delay);
}

static void test_errors(void **state) {
  fixture *f = *state;
  cql_future *q = cql_client_query(f->client, "SELECT nope FROM c_ks.kv");
  const cql_result *r = cql_future_result(q);
  assert_int_equal(cql_result_status(r), CQL_E_SERVER_INVALID);
  assert_non_null(cql_result_error(r));
  cql_future_free(q);
  cql_future *p = cql_client_prepare(f->client, "SELEKT");
  assert_null(cql_future_prepared(p));
  assert_int_equal(cql_result_status(cql_future_result(p)), CQL_E_SERVER_SYNTAX_ERROR);
  cql_future_free(p);
}

typedef struct worker {
  cql_client *client;
  int id;
  int failures;
} worker;

static void worker_main(void *arg) {
  worker *w = arg;
  for (int i = 0; i < 50; i++) {
    char q[128];
    snprintf(q, sizeof(q), "INSERT INTO c_ks.kv (k, v) VALUES (%d, 'thread')",
             1000 + w->id * 100 + i);
    cql_future *f = cql_client_query(w->client, q);
    if (!f || cql_result_status(cql_future_result(f)) != CQL_OK)
      w->failures++;
    cql_future_free(f);
  }
}

static void test_threads(void **state) {
  fixture *f = *state;
  uv_thread_t th[4];
  worker w[4];
  for (int i = 0; i < 4; i++) {
    w[i] = (worker){f->client, i, 0};
    assert_int_equal(uv_thread_create(&th[i], worker_main, &w[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    uv_thread_join(&th[i]);
    assert_int_equal(w[i].failures, 0);
  }
  cql_future *q = cql_client_query(f->client, "SELECT k FROM c_ks.kv");
  assert_int_equal(cql_result_status(cql_future_result(q)), CQL_OK);
  assert_true(cql_result_row_count(cql_future_result(q)) >= 200);
  cql_future_free(q);
}

/* Closing with requests in flight completes them with CQL_E_CANCELLED;
 * their futures stay valid until freed. */
static void test_close_in_flight(void **state) {
  fixture *f = *state;
  cql_config *cfg = config_for(f, f->port);
  cql_client *c = NULL;
  assert_int_equal(cql_client_connect(cfg, &c, NULL), CQL_OK);
  cql_config_free(cfg);
  uint32_t delay = 1000;
  cql_node_thread_call(f->node, slow, &delay);
  cql_future *q[5];
  for (int i = 0; i < 5; i++)
    q[i] = cql_client_query(c, "SELECT k FROM c_ks.kv WHERE k = 1");
  uint64_t t0 = uv_hrtime();
  cql_client_close(c);
  assert_true((uv_hrtime() - t0) / 1000000u < 900); /* no waiting for the replies */
  for (int i = 0; i < 5; i++) {
    assert_int_equal(cql_future_wait(q[i], 0), CQL_OK);
    assert_int_equal(cql_result_status(cql_future_result(q[i])), CQL_E_CANCELLED);
    cql_future_free(q[i]);
  }
  delay = 0;
  cql_node_thread_call(f->node, slow, &delay);
}

static void test_connect_failure(void **state) {
  fixture *f = *state;
  /* A port nobody listens on: bind one, note it, close it. */
  uv_loop_t loop;
  uv_loop_init(&loop);
  uv_tcp_t tcp;
  uv_tcp_init(&loop, &tcp);
  struct sockaddr_in addr;
  uv_ip4_addr("127.0.0.1", 0, &addr);
  assert_int_equal(uv_tcp_bind(&tcp, (const struct sockaddr *)&addr, 0), 0);
  struct sockaddr_in bound;
  int len = sizeof(bound);
  uv_tcp_getsockname(&tcp, (struct sockaddr *)&bound, &len);
  uint16_t port = ntohs(bound.sin_port);
  uv_close((uv_handle_t *)&tcp, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);

  cql_config *cfg = config_for(f, port);
  assert_int_equal(cql_config_set_connect_timeout(cfg, 2000), CQL_OK);
  cql_client *c = (cql_client *)1;
  char *message = NULL;
  cql_status st = cql_client_connect(cfg, &c, &message);
  cql_config_free(cfg);
  assert_int_not_equal(st, CQL_OK);
  assert_null(c);
  assert_non_null(message);
  print_message("connect failure: %s: %s\n", cql_status_name(st), message);
  free(message);
  assert_int_equal(cql_client_connect(NULL, &c, NULL), CQL_E_INVALID_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prepare_execute), cmocka_unit_test(test_batch),
      cmocka_unit_test(test_wait_timeout),    cmocka_unit_test(test_errors),
      cmocka_unit_test(test_threads),         cmocka_unit_test(test_close_in_flight),
      cmocka_unit_test(test_connect_failure),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
