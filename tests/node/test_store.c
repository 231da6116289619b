/* The store through CQL: clustering order under each type's comparator
 * (ASC, DESC, composite), partition order by token, last-write-wins and
 * tombstones with explicit timestamps, TTL expiry on the injected clock,
 * counters, and the memory cap. */
#include "node_test.h"

static void setup_ks(nt *t) {
  nt_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
           "'replication_factor': 1}");
  nt_ok(t, "USE ks");
}

/* Inserts `values` (in the given order) as clustering keys of type `type`
 * and checks SELECT c returns `want`. */
static void order_case(nt *t, const char *type, const char *order, const char *const *values,
                       size_t n, const char *want) {
  char q[512];
  snprintf(q, sizeof(q), "CREATE TABLE o (k int, c %s, PRIMARY KEY (k, c)) %s", type, order);
  nt_ok(t, q);
  for (size_t i = 0; i < n; i++) {
    snprintf(q, sizeof(q), "INSERT INTO o (k, c) VALUES (1, %s)", values[i]);
    nt_ok(t, q);
  }
  nt_rows(t, "SELECT c FROM o WHERE k = 1", want);
  nt_ok(t, "DROP TABLE o");
}

#define CASE(type, order, want, ...)                                                               \
  do {                                                                                             \
    static const char *const v_[] = {__VA_ARGS__};                                                 \
    order_case(&t, type, order, v_, sizeof(v_) / sizeof(v_[0]), want);                             \
  } while (0)

static void test_clustering_order_by_type(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  setup_ks(&t);
  CASE("int", "", "-5\n0\n3\n2147483647", "3", "-5", "2147483647", "0");
  CASE("int", "WITH CLUSTERING ORDER BY (c DESC)", "2147483647\n3\n0\n-5", "3", "-5", "2147483647",
       "0");
  CASE("tinyint", "", "-128\n-1\n127", "127", "-1", "-128");
  CASE("smallint", "", "-300\n2\n300", "300", "2", "-300");
  CASE("bigint", "", "-9223372036854775808\n0\n9223372036854775807", "9223372036854775807", "0",
       "-9223372036854775808");
  CASE("varint", "", "-1000000000000000000000\n-1\n0\n255\n100000000000000000000", "255", "-1",
       "100000000000000000000", "0", "-1000000000000000000000");
  CASE("decimal", "", "-1.5\n0.25\n1\n2.50", "1", "2.50", "-1.5", "0.25");
  CASE("double", "", "-Infinity\n-1.5\n0\n2.25\nInfinity\nNaN", "2.25", "NaN", "-1.5", "Infinity",
       "0.0", "-Infinity");
  CASE("float", "", "-2.5\n0.5\n3", "3.0", "-2.5", "0.5");
  CASE("text", "", "''\n'A'\n'a'\n'ab'\n'\xc3\xa9'", "'ab'", "'a'", "'\xc3\xa9'", "''", "'A'");
  CASE("text", "WITH CLUSTERING ORDER BY (c DESC)", "'b'\n'a'\n''", "'a'", "''", "'b'");
  CASE("ascii", "", "'A'\n'B'\n'a'", "'a'", "'B'", "'A'");
  CASE("blob", "", "0x\n0x00\n0x0001\n0x7f\n0x80\n0xff", "0xff", "0x7f", "0x80", "0x", "0x0001",
       "0x00");
  CASE("boolean", "", "false\ntrue", "true", "false");
  CASE("date", "", "'1969-12-31'\n'1970-01-01'\n'2020-01-02'", "'2020-01-02'", "'1970-01-01'",
       "'1969-12-31'");
  CASE("time", "", "'00:00:00.000000000'\n'00:00:01.000000000'\n'23:59:59.999999999'",
       "'23:59:59.999999999'", "'00:00:00'", "'00:00:01'");
  CASE("timestamp", "",
       "'1969-12-31 23:59:59.000Z'\n'1970-01-01 00:00:00.000Z'\n"
       "'2021-03-04 05:06:07.000Z'",
       "'2021-03-04 05:06:07+0000'", "'1970-01-01'", "'1969-12-31 23:59:59Z'");
  /* timeuuids by their time, uuid by version then bytes */
  CASE("timeuuid", "", "11111111-0000-1000-8000-000000000000\n00000000-0001-1000-8000-000000000000",
       "00000000-0001-1000-8000-000000000000", "11111111-0000-1000-8000-000000000000");
  /* inet compares the address bytes unsigned: ::1 (0x00...) first */
  CASE("inet", "", "'::1'\n'1.2.3.4'\n'10.0.0.1'", "'::1'", "'10.0.0.1'", "'1.2.3.4'");
  CASE("frozen<tuple<int, text>>", "", "(1, 'a')\n(1, 'b')\n(2, 'a')", "(2, 'a')", "(1, 'b')",
       "(1, 'a')");
  CASE("frozen<list<int>>", "", "[]\n[1]\n[1, 2]\n[2]", "[2]", "[1, 2]", "[]", "[1]");
  nt_close(&t);
}

static void test_composite_clustering(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  setup_ks(&t);
  nt_ok(&t, "CREATE TABLE m (k int, a int, b text, v int, PRIMARY KEY (k, a, b)) WITH "
            "CLUSTERING ORDER BY (a DESC, b ASC)");
  nt_ok(&t, "INSERT INTO m (k, a, b, v) VALUES (1, 1, 'y', 1)");
  nt_ok(&t, "INSERT INTO m (k, a, b, v) VALUES (1, 2, 'x', 2)");
  nt_ok(&t, "INSERT INTO m (k, a, b, v) VALUES (1, 1, 'x', 3)");
  nt_ok(&t, "INSERT INTO m (k, a, b, v) VALUES (1, 2, 'z', 4)");
  nt_rows(&t, "SELECT a, b FROM m WHERE k = 1", "2|'x'\n2|'z'\n1|'x'\n1|'y'");
  nt_rows(&t, "SELECT a, b FROM m WHERE k = 1 ORDER BY a ASC", "1|'y'\n1|'x'\n2|'z'\n2|'x'");
  nt_rows(&t, "SELECT b FROM m WHERE k = 1 AND a = 1", "'x'\n'y'");
  nt_rows(&t, "SELECT b FROM m WHERE k = 1 AND a = 2 AND b > 'x'", "'z'");
  nt_rows(&t, "SELECT a, b FROM m WHERE k = 1 AND a < 2", "1|'x'\n1|'y'");
  nt_rows(&t, "SELECT a, b FROM m WHERE k = 1 AND (a, b) > (1, 'x')", "2|'x'\n2|'z'\n1|'y'");
  nt_rows(&t, "SELECT a, b FROM m WHERE k = 1 AND (a, b) IN ((1, 'y'), (2, 'x'))", "2|'x'\n1|'y'");
  nt_rows(&t, "SELECT v FROM m WHERE k = 1 AND a IN (1, 2) AND b = 'x'", "2\n3");
  nt_err(&t, "SELECT * FROM m WHERE k = 1 AND b = 'x'", 0x2200,
         "PRIMARY KEY column \"b\" cannot be restricted as preceding column \"a\" is not "
         "restricted");
  nt_rows(&t, "SELECT v FROM m WHERE k = 1 AND b = 'x' ALLOW FILTERING", "2\n3");
  nt_close(&t);
}

static void test_partition_order_is_token_order(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  setup_ks(&t);
  nt_ok(&t, "CREATE TABLE p (k text PRIMARY KEY, v int)");
  const char *names[] = {"system", "system_auth", "system_schema", "system_traces", "tx"};
  for (int i = 0; i < 5; i++) {
    char q[128];
    snprintf(q, sizeof(q), "INSERT INTO p (k, v) VALUES ('%s', %d)", names[i], i);
    nt_ok(&t, q);
  }
  /* the order Cassandra lists these keyspaces in system_schema.keyspaces */
  nt_rows(&t, "SELECT k FROM p", "'system_auth'\n'system_schema'\n'system'\n'system_traces'\n'tx'");
  nt_rows(&t, "SELECT k, token(k) FROM p WHERE token(k) > 0 AND token(k) <= 5501786289152180687",
          "'system'|2008276574632865675\n'system_traces'|5501786289152180687");
  nt_close(&t);
}

static void test_last_write_wins_and_tombstones(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  setup_ks(&t);
  nt_ok(&t, "CREATE TABLE w (k int, c int, v text, PRIMARY KEY (k, c))");
  nt_ok(&t, "INSERT INTO w (k, c, v) VALUES (1, 1, 'ten') USING TIMESTAMP 10");
  nt_ok(&t, "INSERT INTO w (k, c, v) VALUES (1, 1, 'five') USING TIMESTAMP 5");
  nt_rows(&t, "SELECT v, WRITETIME(v) FROM w WHERE k = 1", "'ten'|10");
  /* equal timestamps: the greater value wins */
  nt_ok(&t, "UPDATE w USING TIMESTAMP 10 SET v = 'zzz' WHERE k = 1 AND c = 1");
  nt_rows(&t, "SELECT v FROM w WHERE k = 1", "'zzz'");
  nt_ok(&t, "UPDATE w USING TIMESTAMP 10 SET v = 'aaa' WHERE k = 1 AND c = 1");
  nt_rows(&t, "SELECT v FROM w WHERE k = 1", "'zzz'");
  /* a deletion shadows writes up to its timestamp */
  nt_ok(&t, "DELETE FROM w USING TIMESTAMP 20 WHERE k = 1 AND c = 1");
  nt_rows(&t, "SELECT v FROM w WHERE k = 1", "");
  nt_ok(&t, "INSERT INTO w (k, c, v) VALUES (1, 1, 'late') USING TIMESTAMP 15");
  nt_rows(&t, "SELECT v FROM w WHERE k = 1", "");
  nt_ok(&t, "INSERT INTO w (k, c, v) VALUES (1, 1, 'new') USING TIMESTAMP 21");
  nt_rows(&t, "SELECT v FROM w WHERE k = 1", "'new'");
  /* cell deletion keeps the row (INSERT wrote its marker) */
  nt_ok(&t, "DELETE v FROM w USING TIMESTAMP 22 WHERE k = 1 AND c = 1");
  nt_rows(&t, "SELECT c, v FROM w WHERE k = 1", "1|null");
  /* range deletion */
  for (int c = 0; c < 10; c++) {
    char q[128];
    snprintf(q, sizeof(q), "INSERT INTO w (k, c, v) VALUES (2, %d, 'x') USING TIMESTAMP 30", c);
    nt_ok(&t, q);
  }
  nt_ok(&t, "DELETE FROM w USING TIMESTAMP 31 WHERE k = 2 AND c >= 3 AND c < 7");
  nt_rows(&t, "SELECT c FROM w WHERE k = 2", "0\n1\n2\n7\n8\n9");
  nt_ok(&t, "INSERT INTO w (k, c, v) VALUES (2, 4, 'y') USING TIMESTAMP 32");
  nt_rows(&t, "SELECT c FROM w WHERE k = 2 AND c > 1 AND c <= 7", "2\n4\n7");
  /* partition deletion */
  nt_ok(&t, "DELETE FROM w USING TIMESTAMP 40 WHERE k = 2");
  nt_rows(&t, "SELECT c FROM w WHERE k = 2", "");
  nt_rows(&t, "SELECT COUNT(*) FROM w", "1");
  nt_close(&t);
}

static void test_ttl_expiry(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  setup_ks(&t);
  nt_ok(&t, "CREATE TABLE e (k int PRIMARY KEY, a text, b text)");
  nt_ok(&t, "INSERT INTO e (k, a) VALUES (1, 'x') USING TTL 10");
  nt_ok(&t, "INSERT INTO e (k, a, b) VALUES (2, 'y', 'z')");
  nt_ok(&t, "UPDATE e USING TTL 5 SET b = 'short' WHERE k = 2");
  nt_rows(&t, "SELECT k, TTL(a) FROM e WHERE k = 1", "1|10");
  t.now_us += 4 * 1000000;
  nt_rows(&t, "SELECT k, TTL(a), TTL(b) FROM e WHERE k IN (1, 2)", "1|6|null\n2|null|1");
  t.now_us += 2 * 1000000;
  nt_rows(&t, "SELECT k, a, b FROM e WHERE k IN (1, 2)", "1|'x'|null\n2|'y'|null");
  t.now_us += 5 * 1000000;
  nt_rows(&t, "SELECT k, a, b FROM e WHERE k IN (1, 2)", "2|'y'|null");
  /* a table default TTL applies when the statement gives none */
  nt_ok(&t, "CREATE TABLE d (k int PRIMARY KEY, v int) WITH default_time_to_live = 3");
  nt_ok(&t, "INSERT INTO d (k, v) VALUES (1, 1)");
  nt_rows(&t, "SELECT TTL(v) FROM d", "3");
  t.now_us += 3 * 1000000;
  nt_rows(&t, "SELECT v FROM d", "");
  nt_err(&t, "INSERT INTO e (k, a) VALUES (3, 'q') USING TTL -1", 0x2200,
         "A TTL must be greater or equal to 0, but was -1");
  nt_err(&t, "INSERT INTO e (k, a) VALUES (3, 'q') USING TTL 630720001", 0x2200,
         "ttl is too large. requested (630720001) maximum (630720000)");
  nt_close(&t);
}

static void test_counters(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  setup_ks(&t);
  nt_ok(&t, "CREATE TABLE cnt (k text PRIMARY KEY, n counter, m counter)");
  nt_ok(&t, "UPDATE cnt SET n = n + 5 WHERE k = 'a'");
  nt_ok(&t, "UPDATE cnt SET n = n - 2, m = m + 1 WHERE k = 'a'");
  nt_ok(&t, "UPDATE cnt SET n = n -1 WHERE k = 'a'");
  nt_rows(&t, "SELECT n, m FROM cnt WHERE k = 'a'", "2|1");
  nt_err(&t, "UPDATE cnt SET n = 3 WHERE k = 'a'", 0x2200,
         "Cannot set the value of counter column n (counters can only be "
         "incremented/decremented, not set)");
  nt_err(&t, "INSERT INTO cnt (k, n) VALUES ('b', 1)", 0x2200,
         "INSERT statements are not allowed on counter tables, use UPDATE instead");
  nt_err(&t, "CREATE TABLE bad (k int PRIMARY KEY, n counter, v int)", 0x2200,
         "Cannot mix counter and non counter columns in the same table");
  nt_close(&t);
}

static void test_memory_cap(void **state) {
  (void)state;
  nt t;
  memset(&t, 0, sizeof(t));
  t.now_us = INT64_C(1700000000000000);
  cql_engine_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.clock = nt_clock;
  cfg.clock_ud = &t;
  cfg.max_store_bytes = 64 * 1024;
  assert_int_equal(cql_engine_new(&cfg, &t.e), CQL_OK);
  cql_engine_session_init(&t.s, 5);
  cql_arena_init(&t.arena, NULL);
  setup_ks(&t);
  nt_ok(&t, "CREATE TABLE big (k int PRIMARY KEY, v text)");
  char q[2200];
  char pad[1025];
  memset(pad, 'x', 1024);
  pad[1024] = 0;
  int i = 0;
  for (; i < 1000; i++) {
    snprintf(q, sizeof(q), "INSERT INTO big (k, v) VALUES (%d, '%s')", i, pad);
    nt_run(&t, q, NULL);
    if (t.r.opcode == CQL_OP_ERROR)
      break;
    cql_arena_reset(&t.arena);
  }
  assert_true(i > 10 && i < 1000);
  assert_true(cql_slice_eq_cstr(t.r.u.error.message,
                                "cqlkit-node store is full (max_store_bytes = 65536); the write "
                                "was not applied"));
  assert_true(cql_engine_store_bytes(t.e) <= 64 * 1024);
  /* reads still work, and deleting everything frees the space */
  nt_ok(&t, "SELECT COUNT(*) FROM big");
  nt_ok(&t, "TRUNCATE big");
  nt_ok(&t, "INSERT INTO big (k, v) VALUES (1, 'fits again')");
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clustering_order_by_type),
      cmocka_unit_test(test_composite_clustering),
      cmocka_unit_test(test_partition_order_is_token_order),
      cmocka_unit_test(test_last_write_wins_and_tombstones),
      cmocka_unit_test(test_ttl_expiry),
      cmocka_unit_test(test_counters),
      cmocka_unit_test(test_memory_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
