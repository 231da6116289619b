/* End-to-end engine behaviour through CQL text: schema, writes, reads,
 * errors with Cassandra's messages. */
#include "node_test.h"

static void test_create_insert_select(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  nt_ok(&t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
            "'replication_factor': 1}");
  assert_string_equal(t.last_change_text, "CREATED KEYSPACE ks ");
  nt_ok(&t, "USE ks");
  nt_ok(&t, "CREATE TABLE t (k int, c text, v bigint, PRIMARY KEY (k, c))");
  nt_ok(&t, "INSERT INTO t (k, c, v) VALUES (1, 'b', 2)");
  nt_ok(&t, "INSERT INTO t (k, c, v) VALUES (1, 'a', 1)");
  nt_rows(&t, "SELECT * FROM t WHERE k = 1", "1|'a'|1\n1|'b'|2");
  nt_rows(&t, "SELECT v FROM t WHERE k = 1 AND c = 'b'", "2");
  nt_close(&t);
}

static void test_transcript_errors(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  nt_ok(&t,
        "CREATE KEYSPACE tx WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
  nt_ok(&t, "USE tx");
  nt_ok(&t, "CREATE TABLE kitchen (k int, c text, b bigint, t text, PRIMARY KEY (k, c))");
  nt_err(&t, "SELEC broken", 0x2000,
         "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)");
  nt_err(&t, "SELECT * FROM nope", 0x2200, "table nope does not exist");
  nt_err(&t, "SELECT * FROM kitchen WHERE t = 'v'", 0x2200,
         "Cannot execute this query as it might involve data filtering and thus may have "
         "unpredictable performance. If you want to execute this query despite the performance "
         "unpredictability, use ALLOW FILTERING");
  nt_err(&t, "INSERT INTO kitchen (k, c, b) VALUES (1, 'q', 'notanint')", 0x2200,
         "Invalid STRING constant (notanint) for \"b\" of type bigint");
  nt_err(&t, "CREATE TABLE kitchen (k int PRIMARY KEY)", 0x2400,
         "Cannot add already existing table \"kitchen\" to keyspace \"tx\"");
  nt_err(&t, "USE no_such_keyspace", 0x2200, "Keyspace 'no_such_keyspace' does not exist");
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_create_insert_select),
      cmocka_unit_test(test_transcript_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
