/* Lightweight transactions and batches: the [applied] result shapes the
 * transcripts show, condition forms, and Cassandra's batch rules. */
#include "node_test.h"

static void setup(nt *t) {
  nt_open(t);
  nt_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
           "'replication_factor': 1}");
  nt_ok(t, "USE ks");
  nt_ok(t, "CREATE TABLE k (k int, c text, t text, n int, s text STATIC, m map<text, int>, "
           "PRIMARY KEY (k, c))");
}

static void expect_shape(nt *t, const char *q, const char *cols, const char *rows) {
  const cql_response *r = nt_ok(t, q);
  char buf[1024];
  assert_string_equal(nt_cols(r, buf, sizeof(buf)), cols);
  static char rb[4096];
  nt_rows_text(r, rb, sizeof(rb));
  if (strcmp(rb, rows) != 0)
    fail_msg("<%s>\n got: %s\nwant: %s", q, rb, rows);
}

static void test_insert_if_not_exists(void **state) {
  (void)state;
  nt t;
  setup(&t);
  expect_shape(&t, "INSERT INTO k (k, c, t) VALUES (4, 'a', 'first') IF NOT EXISTS", "[applied]",
               "true");
  /* failure: [applied] then every column, SELECT * order */
  expect_shape(&t, "INSERT INTO k (k, c, t) VALUES (4, 'a', 'second') IF NOT EXISTS",
               "[applied],k,c,s,m,n,t", "false|4|'a'|null|null|null|'first'");
  nt_rows(&t, "SELECT t FROM k WHERE k = 4", "'first'");
  nt_close(&t);
}

static void test_conditions(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "INSERT INTO k (k, c, t, n, m) VALUES (4, 'a', 'first', 1, {'x': 1})");
  expect_shape(&t, "UPDATE k SET t = 'third' WHERE k = 4 AND c = 'a' IF t = 'nope'", "[applied],t",
               "false|'first'");
  expect_shape(&t, "UPDATE k SET t = 'third' WHERE k = 4 AND c = 'a' IF t = 'first'", "[applied]",
               "true");
  expect_shape(&t, "UPDATE k SET t = 'x' WHERE k = 4 AND c = 'a' IF n > 5 AND t = 'third'",
               "[applied],n,t", "false|1|'third'");
  expect_shape(&t, "UPDATE k SET t = 'y' WHERE k = 4 AND c = 'a' IF n IN (0, 1) AND m['x'] = 1",
               "[applied]", "true");
  expect_shape(&t, "UPDATE k SET t = 'z' WHERE k = 4 AND c = 'a' IF m['x'] = 2", "[applied],m",
               "false|{'x': 1}");
  expect_shape(&t, "UPDATE k SET n = 2 WHERE k = 4 AND c = 'a' IF n != 1", "[applied],n",
               "false|1");
  /* conditions against a row that is not there: just [applied] */
  expect_shape(&t, "UPDATE k SET t = 'q' WHERE k = 5 AND c = 'a' IF t = 'x'", "[applied]", "false");
  expect_shape(&t, "UPDATE k SET t = 'q' WHERE k = 5 AND c = 'a' IF t = null", "[applied]", "true");
  expect_shape(&t, "DELETE FROM k WHERE k = 4 AND c = 'zz' IF EXISTS", "[applied]", "false");
  expect_shape(&t, "DELETE FROM k WHERE k = 4 AND c = 'a' IF EXISTS", "[applied]", "true");
  nt_rows(&t, "SELECT t FROM k WHERE k = 4", "");
  expect_shape(&t, "UPDATE k SET t = 'u' WHERE k = 6 AND c = 'a' IF EXISTS", "[applied]", "false");
  nt_rows(&t, "SELECT t FROM k WHERE k = 6", "");
  nt_err(&t, "UPDATE k SET t = 'u' WHERE k IN (1, 2) AND c = 'a' IF EXISTS", 0x2200,
         "IN on the partition key is not supported with conditional updates");
  nt_err(&t, "UPDATE k USING TIMESTAMP 5 SET t = 'u' WHERE k = 1 AND c = 'a' IF EXISTS", 0x2200,
         "Cannot provide custom timestamp for conditional updates");
  nt_err(&t, "UPDATE k SET t = 'u' WHERE k = 1 AND c = 'a' IF c = 'a'", 0x2200,
         "PRIMARY KEY column 'c' cannot have IF conditions");
  nt_close(&t);
}

static void test_prepared_lwt_metadata(void **state) {
  (void)state;
  nt t;
  setup(&t);
  /* like Cassandra, a conditional statement prepares without result
   * metadata (the shape depends on the outcome) */
  const cql_result_msg *p =
      nt_prepare(&t, "INSERT INTO k (k, c, t) VALUES (3, 'b', 'x') IF NOT EXISTS");
  assert_int_equal(p->u.prepared.result_metadata.columns_count, 0);
  assert_true(p->u.prepared.result_metadata.flags & CQL_ROWS_FLAG_NO_METADATA);
  cql_slice id = nt_id(&t, p);
  const cql_response *r = nt_exec(&t, id, NULL, 0, NULL);
  char buf[64];
  assert_string_equal(nt_cols(r, buf, sizeof(buf)), "[applied]");
  nt_close(&t);
}

static void test_batches(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TABLE cnt (k text PRIMARY KEY, n counter)");
  nt_ok(&t, "BEGIN BATCH INSERT INTO k (k, c, t) VALUES (1, 'a', '1'); INSERT INTO k (k, c, t) "
            "VALUES (1, 'b', '2') APPLY BATCH");
  nt_rows(&t, "SELECT c, t, WRITETIME(t) FROM k WHERE k = 1",
          "'a'|'1'|1700000000000000\n"
          "'b'|'2'|1700000000000000");
  nt_ok(&t, "BEGIN UNLOGGED BATCH USING TIMESTAMP 99 UPDATE k SET t = 'u' WHERE k = 2 AND c = "
            "'x'; DELETE t FROM k WHERE k = 1 AND c = 'a' APPLY BATCH");
  nt_rows(&t, "SELECT t, WRITETIME(t) FROM k WHERE k = 2", "'u'|99");
  nt_rows(&t, "SELECT t FROM k WHERE k = 1", "'1'\n'2'"); /* 99 is older than the insert */
  nt_ok(&t, "BEGIN COUNTER BATCH UPDATE cnt SET n = n + 5 WHERE k = 'a'; UPDATE cnt SET n = n + "
            "1 WHERE k = 'a' APPLY BATCH");
  nt_rows(&t, "SELECT n FROM cnt", "6");
  nt_err(&t, "BEGIN BATCH UPDATE cnt SET n = n + 1 WHERE k = 'a' APPLY BATCH", 0x2200,
         "Cannot include a counter statement in a logged batch");
  nt_err(&t, "BEGIN COUNTER BATCH INSERT INTO k (k, c) VALUES (1, 'z') APPLY BATCH", 0x2200,
         "Cannot include non-counter statement in a counter batch");
  nt_err(&t,
         "BEGIN UNLOGGED BATCH INSERT INTO k (k, c) VALUES (1, 'z'); UPDATE cnt SET n = n + "
         "1 WHERE k = 'a' APPLY BATCH",
         0x2200, "Counter and non-counter mutations cannot exist in the same batch");
  nt_err(&t,
         "BEGIN BATCH USING TIMESTAMP 5 INSERT INTO k (k, c) VALUES (1, 'z') USING TIMESTAMP "
         "6 APPLY BATCH",
         0x2200, "Timestamp must be set either on BATCH or individual statements");
  nt_err(&t, "BEGIN BATCH SELECT * FROM k APPLY BATCH", 0x2000, NULL);
  /* conditional batch: one partition, all or nothing */
  expect_shape(&t,
               "BEGIN BATCH INSERT INTO k (k, c, t) VALUES (7, 'a', 'x') IF NOT EXISTS; "
               "INSERT INTO k (k, c, t) VALUES (7, 'b', 'y') APPLY BATCH",
               "[applied]", "true");
  expect_shape(&t,
               "BEGIN BATCH INSERT INTO k (k, c, t) VALUES (7, 'a', 'z') IF NOT EXISTS; "
               "INSERT INTO k (k, c, t) VALUES (7, 'c', 'w') APPLY BATCH",
               "[applied],k,c,s,m,n,t", "false|7|'a'|null|null|null|'x'");
  nt_rows(&t, "SELECT c FROM k WHERE k = 7", "'a'\n'b'");
  nt_err(&t,
         "BEGIN BATCH INSERT INTO k (k, c) VALUES (8, 'a') IF NOT EXISTS; INSERT INTO k (k, "
         "c) VALUES (9, 'a') APPLY BATCH",
         0x2200, "Batch with conditions cannot span multiple partitions");
  nt_close(&t);
}

static void test_protocol_batch(void **state) {
  (void)state;
  nt t;
  setup(&t);
  const cql_result_msg *p = nt_prepare(&t, "INSERT INTO k (k, c, t) VALUES (?, ?, ?)");
  cql_slice id = nt_id(&t, p);
  cql_value_arg v1[3] = {nt_int(&t, 3), nt_text(&t, "a"), nt_text(&t, "1")};
  cql_batch_stmt stmts[2];
  memset(stmts, 0, sizeof(stmts));
  stmts[0].is_prepared = true;
  stmts[0].id = id;
  stmts[0].values = v1;
  stmts[0].n_values = 3;
  stmts[1].query = cql_slice_from_cstr("INSERT INTO k (k, c, t) VALUES (3, 'b', '2')");
  cql_batch_body b;
  memset(&b, 0, sizeof(b));
  b.type = CQL_BATCH_LOGGED;
  b.stmts = stmts;
  b.n_stmts = 2;
  b.consistency = CQL_CONSISTENCY_ONE;
  assert_int_equal(cql_engine_batch(t.e, &t.s, &b, &t.arena, &t.r), CQL_OK);
  nt_fail_response(&t.r, "batch");
  assert_int_equal(t.r.u.result.kind, CQL_RESULT_VOID);
  nt_rows(&t, "SELECT c, t FROM k WHERE k = 3", "'a'|'1'\n'b'|'2'");
  /* an unknown prepared id in a batch is UNPREPARED */
  uint8_t bogus[16] = {1};
  stmts[0].id = (cql_slice){bogus, 16};
  assert_int_equal(cql_engine_batch(t.e, &t.s, &b, &t.arena, &t.r), CQL_OK);
  assert_int_equal(t.r.opcode, CQL_OP_ERROR);
  assert_int_equal(t.r.u.error.code, 0x2500);
  assert_int_equal(t.r.u.error.unprepared_id.len, 16);
  nt_close(&t);
}

/* Runs `q` at consistency `cl`; returns the error code (0 for success). */
static int32_t run_at(nt *t, const char *q, uint16_t cl, const char *msg) {
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = cl;
  const cql_response *r = nt_run(t, q, &p);
  if (r->opcode != CQL_OP_ERROR)
    return 0;
  if (msg && !cql_slice_eq_cstr(r->u.error.message, msg))
    fail_msg("<%s>\n got: %.*s\nwant: %s", q, (int)r->u.error.message.len,
             (const char *)r->u.error.message.ptr, msg);
  return r->u.error.code;
}

static void test_consistency_rules(void **state) {
  (void)state;
  nt t;
  setup(&t);
  const char *plain = "INSERT INTO k (k, c, t) VALUES (1, 'a', 'x')";
  const char *cas = "INSERT INTO k (k, c, t) VALUES (1, 'a', 'x') IF NOT EXISTS";
  assert_int_equal(run_at(&t, plain, CQL_CONSISTENCY_SERIAL,
                          "You must use conditional updates for serializable writes"),
                   0x2200);
  assert_int_equal(run_at(&t, cas, CQL_CONSISTENCY_LOCAL_SERIAL,
                          "LOCAL_SERIAL is not supported as conditional update commit "
                          "consistency. Use ANY if you mean \"make sure it is accepted but I "
                          "don't care how many replicas commit it for non-SERIAL reads\""),
                   0x2200);
  assert_int_equal(run_at(&t, plain, CQL_CONSISTENCY_ANY, NULL), 0);
  assert_int_equal(run_at(&t, cas, CQL_CONSISTENCY_ANY, NULL), 0);
  assert_int_equal(run_at(&t, "SELECT * FROM k WHERE k = 1", CQL_CONSISTENCY_ANY,
                          "ANY ConsistencyLevel is only supported for writes"),
                   0x2200);
  assert_int_equal(run_at(&t, "SELECT * FROM k WHERE k = 1", CQL_CONSISTENCY_SERIAL, NULL), 0);
  assert_int_equal(run_at(&t, "SELECT * FROM k", CQL_CONSISTENCY_SERIAL,
                          "SERIAL/LOCAL_SERIAL consistency may only be requested for one "
                          "partition at a time"),
                   0x2200);
  assert_int_equal(run_at(&t,
                          "BEGIN BATCH "
                          "INSERT INTO k (k, c, t) VALUES (2, 'a', 'x'); APPLY BATCH",
                          CQL_CONSISTENCY_SERIAL,
                          "You must use conditional updates for serializable writes"),
                   0x2200);
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_insert_if_not_exists),  cmocka_unit_test(test_conditions),
      cmocka_unit_test(test_prepared_lwt_metadata), cmocka_unit_test(test_batches),
      cmocka_unit_test(test_protocol_batch),        cmocka_unit_test(test_consistency_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
