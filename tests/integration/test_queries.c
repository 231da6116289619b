/* Statements through the runtime: batches (logged, unlogged, counter)
 * mixing simple and prepared statements, lightweight transactions and
 * [applied], warnings, per-statement options (consistency, serial
 * consistency, timestamp, tracing, timeout), named values, USE and
 * cql_session_set_keyspace, and server errors with their details. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

static int setup(void **state) {
  itest *t = calloc(1, sizeof(*t));
  assert_non_null(t);
  itest_start(t, NULL, NULL, NULL);
  itest_ok(t, "CREATE KEYSPACE q_ks WITH replication = "
              "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  itest_ok(t, "CREATE TABLE q_ks.kv (k text PRIMARY KEY, v int)");
  itest_ok(t, "CREATE TABLE q_ks.counts (k text PRIMARY KEY, n counter)");
  *state = t;
  return 0;
}

static int teardown(void **state) {
  itest *t = *state;
  itest_stop(t);
  free(t);
  return 0;
}

/* v of key k, or INT32_MIN when the row does not exist. */
static int32_t read_v(itest *t, const char *k) {
  char q[128];
  snprintf(q, sizeof(q), "SELECT v FROM q_ks.kv WHERE k = '%s'", k);
  cql_result *r = itest_query(t, q);
  itest_assert_ok(r, q);
  int32_t v = INT32_MIN;
  if (cql_result_row_count(r) == 1)
    assert_int_equal(cql_result_get_int(r, 0, 0, &v), CQL_OK);
  cql_result_release(r);
  return v;
}

static int64_t read_n(itest *t, const char *k) {
  char q[128];
  snprintf(q, sizeof(q), "SELECT n FROM q_ks.counts WHERE k = '%s'", k);
  cql_result *r = itest_query(t, q);
  itest_assert_ok(r, q);
  int64_t n = 0;
  assert_int_equal(cql_result_row_count(r), 1);
  assert_int_equal(cql_result_get_bigint(r, 0, 0, &n), CQL_OK);
  cql_result_release(r);
  return n;
}

static cql_statement *simple(const char *q, size_t n_values) {
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, q, n_values, NULL), CQL_OK);
  return st;
}

static void run_batch(itest *t, cql_batch *b) {
  cql_result *r = itest_batch(t, b);
  itest_assert_ok(r, "BATCH");
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_VOID);
  cql_result_release(r);
}

static void batch_of_kind(itest *t, cql_batch_type type, const char *prefix) {
  cql_prepared *ins = itest_prepare(t, "INSERT INTO q_ks.kv (k, v) VALUES (?, ?)");
  cql_batch *b = NULL;
  assert_int_equal(cql_batch_new(&b, type, NULL), CQL_OK);
  cql_statement *bound = NULL;
  assert_int_equal(cql_prepared_bind(ins, &bound), CQL_OK);
  char key[32];
  for (int i = 0; i < 3; i++) { /* one bound statement, rebound and added three times */
    snprintf(key, sizeof(key), "%s%d", prefix, i);
    assert_int_equal(cql_bind_text_cstr(bound, 0, key), CQL_OK);
    assert_int_equal(cql_bind_int(bound, 1, i * 10), CQL_OK);
    assert_int_equal(cql_batch_add(b, bound), CQL_OK);
  }
  /* A simple statement with values and one without. */
  cql_statement *s1 = simple("INSERT INTO q_ks.kv (k, v) VALUES (?, ?)", 2);
  snprintf(key, sizeof(key), "%ss", prefix);
  assert_int_equal(cql_bind_text_cstr(s1, 0, key), CQL_OK);
  assert_int_equal(cql_bind_int(s1, 1, 77), CQL_OK);
  assert_int_equal(cql_batch_add(b, s1), CQL_OK);
  char q[128];
  snprintf(q, sizeof(q), "UPDATE q_ks.kv SET v = 88 WHERE k = '%sl'", prefix);
  cql_statement *s2 = simple(q, 0);
  assert_int_equal(cql_batch_add(b, s2), CQL_OK);
  assert_int_equal(cql_batch_set_consistency(b, CQL_CONSISTENCY_ONE), CQL_OK);
  run_batch(t, b);
  for (int i = 0; i < 3; i++) {
    snprintf(key, sizeof(key), "%s%d", prefix, i);
    assert_int_equal(read_v(t, key), i * 10);
  }
  snprintf(key, sizeof(key), "%ss", prefix);
  assert_int_equal(read_v(t, key), 77);
  snprintf(key, sizeof(key), "%sl", prefix);
  assert_int_equal(read_v(t, key), 88);
  cql_statement_free(s1);
  cql_statement_free(s2);
  cql_statement_free(bound);
  cql_batch_free(b);
  cql_prepared_release(ins);
}

static void test_batch_logged(void **state) { batch_of_kind(*state, CQL_BATCH_LOGGED, "lg"); }

static void test_batch_unlogged(void **state) { batch_of_kind(*state, CQL_BATCH_UNLOGGED, "ul"); }

static void test_batch_counter(void **state) {
  itest *t = *state;
  cql_prepared *up = itest_prepare(t, "UPDATE q_ks.counts SET n = n + ? WHERE k = ?");
  cql_batch *b = NULL;
  assert_int_equal(cql_batch_new(&b, CQL_BATCH_COUNTER, NULL), CQL_OK);
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(up, &st), CQL_OK);
  assert_int_equal(cql_bind_bigint(st, 0, 5), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 1, "a"), CQL_OK);
  assert_int_equal(cql_batch_add(b, st), CQL_OK);
  assert_int_equal(cql_bind_bigint(st, 0, 7), CQL_OK);
  assert_int_equal(cql_batch_add(b, st), CQL_OK);
  cql_statement *s = simple("UPDATE q_ks.counts SET n = n - 2 WHERE k = 'a'", 0);
  assert_int_equal(cql_batch_add(b, s), CQL_OK);
  run_batch(t, b);
  assert_int_equal(read_n(t, "a"), 10);
  run_batch(t, b); /* a batch may be executed again */
  assert_int_equal(read_n(t, "a"), 20);
  cql_statement_free(s);
  cql_statement_free(st);
  cql_batch_free(b);
  cql_prepared_release(up);
}

static void expect_applied(itest *t, const cql_statement *st, bool want) {
  cql_result *r = itest_execute(t, st);
  itest_assert_ok(r, "conditional statement");
  bool applied = !want;
  assert_int_equal(cql_result_applied(r, &applied), CQL_OK);
  assert_int_equal(applied, want);
  cql_result_release(r);
}

static void test_lwt(void **state) {
  itest *t = *state;
  cql_prepared *ins = itest_prepare(t, "INSERT INTO q_ks.kv (k, v) VALUES (?, ?) IF NOT EXISTS");
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(ins, &st), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 0, "lwt"), CQL_OK);
  assert_int_equal(cql_bind_int(st, 1, 1), CQL_OK);
  assert_int_equal(cql_statement_set_serial_consistency(st, CQL_CONSISTENCY_LOCAL_SERIAL), CQL_OK);
  expect_applied(t, st, true);
  /* Not applied: the existing row comes back with [applied] false. */
  assert_int_equal(cql_bind_int(st, 1, 2), CQL_OK);
  cql_result *r = itest_execute(t, st);
  itest_assert_ok(r, "second IF NOT EXISTS");
  bool applied = true;
  assert_int_equal(cql_result_applied(r, &applied), CQL_OK);
  assert_false(applied);
  size_t col = 0;
  assert_int_equal(cql_result_column_index(r, "v", &col), CQL_OK);
  int32_t v = 0;
  assert_int_equal(cql_result_get_int(r, 0, col, &v), CQL_OK);
  assert_int_equal(v, 1);
  cql_result_release(r);
  cql_statement_free(st);
  cql_prepared_release(ins);

  cql_statement *upd = simple("UPDATE q_ks.kv SET v = 5 WHERE k = 'lwt' IF v = 1", 0);
  expect_applied(t, upd, true);
  expect_applied(t, upd, false);
  cql_statement_free(upd);
  assert_int_equal(read_v(t, "lwt"), 5);
  /* A result without [applied]. */
  r = itest_query(t, "SELECT v FROM q_ks.kv WHERE k = 'lwt'");
  assert_int_equal(cql_result_applied(r, &applied), CQL_E_NOT_FOUND);
  cql_result_release(r);
}

static void test_warnings(void **state) {
  itest *t = *state;
  cql_result *r = itest_query(t, "SELECT v FROM q_ks.kv WHERE k = 'none'");
  itest_assert_ok(r, "SELECT");
  /* cqlkit-node sends no warnings for this; the accessors must say so. */
  size_t n = cql_result_warning_count(r);
  for (size_t i = 0; i < n; i++)
    assert_true(cql_result_warning(r, i).len > 0);
  assert_int_equal(cql_result_warning(r, n).len, 0);
  cql_result_release(r);
}

static void test_statement_options(void **state) {
  itest *t = *state;
  cql_statement *st = simple("INSERT INTO q_ks.kv (k, v) VALUES ('opt', 1)", 0);
  assert_int_equal(cql_statement_set_consistency(st, CQL_CONSISTENCY_QUORUM), CQL_OK);
  assert_int_equal(cql_statement_set_timestamp(st, 1000), CQL_OK);
  assert_int_equal(cql_statement_set_timeout(st, 5000), CQL_OK);
  assert_int_equal(cql_statement_set_idempotent(st, true), CQL_OK);
  cql_result *r = itest_execute(t, st);
  itest_assert_ok(r, "INSERT with options");
  cql_result_release(r);
  cql_statement_free(st);
  /* An older write timestamp loses against the one above. */
  st = simple("INSERT INTO q_ks.kv (k, v) VALUES ('opt', 2)", 0);
  assert_int_equal(cql_statement_set_timestamp(st, 999), CQL_OK);
  r = itest_execute(t, st);
  itest_assert_ok(r, "older INSERT");
  cql_result_release(r);
  cql_statement_free(st);
  assert_int_equal(read_v(t, "opt"), 1);
  /* WRITETIME shows the timestamp the statement carried. */
  r = itest_query(t, "SELECT WRITETIME(v) FROM q_ks.kv WHERE k = 'opt'");
  itest_assert_ok(r, "WRITETIME");
  int64_t wt = 0;
  assert_int_equal(cql_result_get_bigint(r, 0, 0, &wt), CQL_OK);
  assert_int_equal(wt, 1000);
  cql_result_release(r);
  /* Client-side timestamps by default: later statements win. */
  itest_ok(t, "INSERT INTO q_ks.kv (k, v) VALUES ('ts', 1)");
  itest_ok(t, "INSERT INTO q_ks.kv (k, v) VALUES ('ts', 2)");
  assert_int_equal(read_v(t, "ts"), 2);
  /* Tracing: the request succeeds; a tracing id comes back when the
   * server traces (cqlkit-node may not). */
  st = simple("SELECT v FROM q_ks.kv WHERE k = 'ts'", 0);
  assert_int_equal(cql_statement_set_tracing(st, true), CQL_OK);
  assert_int_equal(cql_statement_set_consistency(st, CQL_CONSISTENCY_ALL), CQL_OK);
  r = itest_execute(t, st);
  itest_assert_ok(r, "traced SELECT");
  cql_uuid id;
  (void)cql_result_tracing_id(r, &id);
  assert_int_equal(cql_result_row_count(r), 1);
  cql_result_release(r);
  cql_statement_free(st);
}

static void test_named_values(void **state) {
  itest *t = *state;
  cql_statement *st = simple("INSERT INTO q_ks.kv (k, v) VALUES (:k, :v)", 2);
  assert_int_equal(cql_statement_set_name(st, 0, "v"), CQL_OK);
  assert_int_equal(cql_statement_set_name(st, 1, "k"), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 42), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 1, "named"), CQL_OK);
  cql_result *r = itest_execute(t, st);
  itest_assert_ok(r, "named INSERT");
  cql_result_release(r);
  cql_statement_free(st);
  assert_int_equal(read_v(t, "named"), 42);
  /* Prepared: markers found by name. */
  cql_prepared *p = itest_prepare(t, "SELECT v FROM q_ks.kv WHERE k = :key");
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  size_t i = 9;
  assert_int_equal(cql_statement_index_of(st, "key", &i), CQL_OK);
  assert_int_equal(i, 0);
  assert_int_equal(cql_statement_index_of(st, "nope", &i), CQL_E_NOT_FOUND);
  cql_statement_free(st);
  cql_prepared_release(p);
}

typedef struct ks_wait {
  bool done;
  cql_status status;
  char keyspace[64];
  cql_result_kind kind;
} ks_wait;

static void on_keyspace(const cql_result *r, void *ud) {
  ks_wait *w = ud;
  w->done = true;
  w->status = cql_result_status(r);
  if (w->status == CQL_OK) {
    w->kind = cql_result_get_kind(r);
    cql_slice ks = cql_result_keyspace(r);
    snprintf(w->keyspace, sizeof(w->keyspace), "%.*s", (int)ks.len, (const char *)ks.ptr);
  }
}

static void test_use_and_set_keyspace(void **state) {
  itest *t = *state;
  /* Unqualified names fail before a keyspace is chosen. */
  cql_result *r = itest_query(t, "SELECT v FROM kv WHERE k = 'lwt'");
  assert_int_not_equal(cql_result_status(r), CQL_OK);
  cql_result_release(r);
  ks_wait w = {0};
  assert_int_equal(cql_session_set_keyspace(t->session, "q_ks", on_keyspace, &w), CQL_OK);
  itest_run_until(t, &w.done, "set_keyspace");
  assert_int_equal(w.status, CQL_OK);
  assert_int_equal(w.kind, CQL_RESULT_SET_KEYSPACE);
  assert_string_equal(w.keyspace, "q_ks");
  r = itest_query(t, "SELECT v FROM kv WHERE k = 'lwt'");
  itest_assert_ok(r, "unqualified SELECT");
  assert_int_equal(cql_result_row_count(r), 1);
  cql_result_release(r);
  /* A USE statement through execute works too. */
  itest_ok(t, "CREATE KEYSPACE q_other WITH replication = "
              "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  r = itest_query(t, "USE q_other");
  itest_assert_ok(r, "USE");
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_SET_KEYSPACE);
  cql_result_release(r);
  w = (ks_wait){0};
  assert_int_equal(cql_session_set_keyspace(t->session, "no_such_ks", on_keyspace, &w), CQL_OK);
  itest_run_until(t, &w.done, "set_keyspace to a missing keyspace");
  assert_int_equal(w.status, CQL_E_SERVER_INVALID);
  /* Back to q_ks for the tests that follow. */
  w = (ks_wait){0};
  assert_int_equal(cql_session_set_keyspace(t->session, "q_ks", on_keyspace, &w), CQL_OK);
  itest_run_until(t, &w.done, "set_keyspace back");
  assert_int_equal(w.status, CQL_OK);
}

static void test_errors(void **state) {
  itest *t = *state;
  cql_result *r = itest_query(t, "SELEKT nothing");
  assert_int_equal(cql_result_status(r), CQL_E_SERVER_SYNTAX_ERROR);
  const cql_error_info *e = cql_result_error(r);
  assert_non_null(e);
  assert_int_equal(e->server_code, 0x2000);
  assert_non_null(e->message);
  cql_result_release(r);
  r = itest_query(t, "CREATE TABLE q_ks.kv (k text PRIMARY KEY)");
  assert_int_equal(cql_result_status(r), CQL_E_SERVER_ALREADY_EXISTS);
  e = cql_result_error(r);
  assert_non_null(e);
  assert_string_equal(e->keyspace, "q_ks");
  assert_string_equal(e->table, "kv");
  cql_result_release(r);
  r = itest_query(t, "SELECT v FROM q_ks.kv WHERE k = 'ok'");
  assert_null(cql_result_error(r));
  cql_result_release(r);
  /* Errors with more fields keep them (the node makes the numbers up). */
  cql_node_fail_next(t->node, 1, CQL_SERVER_UNAVAILABLE, "not enough replicas");
  r = itest_query(t, "SELECT v FROM q_ks.kv WHERE k = 'ok'");
  assert_int_equal(cql_result_status(r), CQL_E_SERVER_UNAVAILABLE);
  e = cql_result_error(r);
  assert_non_null(e);
  assert_string_equal(e->message, "not enough replicas");
  assert_true(e->required > e->received);
  cql_result_release(r);
  itest_ok(t, "SELECT v FROM q_ks.kv WHERE k = 'ok'"); /* only the next one failed */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_logged),  cmocka_unit_test(test_batch_unlogged),
      cmocka_unit_test(test_batch_counter), cmocka_unit_test(test_lwt),
      cmocka_unit_test(test_warnings),      cmocka_unit_test(test_statement_options),
      cmocka_unit_test(test_named_values),  cmocka_unit_test(test_use_and_set_keyspace),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
