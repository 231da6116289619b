/* Schema details drivers can see in system_schema: frozen<> freezing what
 * it contains, table options kept as Cassandra shows them, Cassandra's own
 * system tables, and the key order of virtual tables. Plus updates of a
 * field of a UDT that is still null (found by fuzz.node_cql). */
#include "node_test.h"

static void setup(nt *t) {
  nt_open(t);
  nt_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
           "'replication_factor': 1}");
  nt_ok(t, "USE ks");
}

static void test_frozen_freezes_inside(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TYPE pt (x int, tags set<text>)");
  nt_err(&t, "CREATE TABLE bad (k int PRIMARY KEY, v list<map<text, int>>)", 0x2200,
         "Non-frozen collections are not allowed inside collections: list<map<text, int>>");
  nt_ok(&t, "CREATE TABLE t (k int PRIMARY KEY, a frozen<list<map<text, int>>>, "
            "b frozen<map<int, set<text>>>, c list<frozen<pt>>, d frozen<list<pt>>)");
  nt_rows(&t,
          "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = 'ks' AND "
          "table_name = 't'",
          "'a'|'frozen<list<frozen<map<text, int>>>>'\n"
          "'b'|'frozen<map<int, frozen<set<text>>>>'\n"
          "'c'|'list<frozen<pt>>'\n"
          "'d'|'frozen<list<frozen<pt>>>'\n"
          "'k'|'int'");
  nt_ok(&t, "INSERT INTO t (k, a, b, d) VALUES (1, [{'x': 1}, {}], {1: {'p'}}, [{x: 1}])");
  nt_rows(&t, "SELECT a, b, d FROM t WHERE k = 1",
          "[{'x': 1}, {}]|{1: {'p'}}|[{x: 1, tags: null}]");
  nt_close(&t);
}

static void test_table_options(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TABLE t (k int PRIMARY KEY, v int) WITH compaction = {'class': "
            "'LeveledCompactionStrategy', 'sstable_size_in_mb': 160} AND "
            "memtable_flush_period_in_ms = 60000");
  nt_rows(&t,
          "SELECT compaction, memtable_flush_period_in_ms FROM system_schema.tables WHERE "
          "keyspace_name = 'ks' AND table_name = 't'",
          "{'class': 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy', "
          "'max_threshold': '32', 'min_threshold': '4', 'sstable_size_in_mb': '160'}|60000");
  /* ALTER keeps what it does not change */
  nt_ok(&t, "ALTER TABLE t WITH comment = 'c'");
  nt_rows(&t,
          "SELECT comment, memtable_flush_period_in_ms FROM system_schema.tables WHERE "
          "keyspace_name = 'ks' AND table_name = 't'",
          "'c'|60000");
  nt_ok(&t, "CREATE TABLE plain (k int PRIMARY KEY)");
  nt_rows(&t,
          "SELECT compaction, memtable_flush_period_in_ms FROM system_schema.tables WHERE "
          "keyspace_name = 'ks' AND table_name = 'plain'",
          "{'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', "
          "'max_threshold': '32', 'min_threshold': '4'}|0");
  nt_err(&t, "CREATE TABLE bad (k int PRIMARY KEY) WITH compaction = {'min_threshold': '2'}",
         0x2300, "Missing sub-option 'class' for the 'compaction' option.");
  nt_close(&t);
}

static void test_cassandra_system_tables(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  /* Cassandra 4.0's system keyspaces, table for table */
  nt_rows(&t,
          "SELECT COUNT(*) FROM system_schema.tables WHERE keyspace_name IN ('system', "
          "'system_schema', 'system_auth', 'system_distributed', 'system_traces')",
          "40");
  nt_rows(&t, "SELECT COUNT(*) FROM system_virtual_schema.tables", "21");
  nt_rows(&t, "SELECT session_id FROM system_traces.sessions", "");
  nt_rows(&t, "SELECT * FROM system.size_estimates WHERE keyspace_name = 'x'", "");
  nt_rows(&t,
          "SELECT compaction FROM system_schema.tables WHERE keyspace_name = 'system' AND "
          "table_name = 'batches'",
          "{'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', "
          "'max_threshold': '32', 'min_threshold': '2'}");
  nt_rows(&t,
          "SELECT gc_grace_seconds, memtable_flush_period_in_ms FROM system_schema.tables WHERE "
          "keyspace_name = 'system_auth' AND table_name = 'roles'",
          "7776000|0");
  /* virtual tables list partitions in key order, as Cassandra's LocalPartitioner */
  nt_rows(&t, "SELECT keyspace_name FROM system_virtual_schema.keyspaces",
          "'system_views'\n'system_virtual_schema'");
  nt_rows(&t, "SELECT table_name FROM system_virtual_schema.tables LIMIT 3",
          "'caches'\n'clients'\n'coordinator_read_latency'");
  nt_err(&t, "INSERT INTO system_traces.events (session_id, event_id) VALUES (now(), now())",
         0x2100, "system_traces keyspace is not user-modifiable.");
  nt_close(&t);
}

static void test_udt_field_of_null(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TYPE u (a int, b text)");
  nt_ok(&t, "CREATE TABLE t (k int PRIMARY KEY, v u)");
  nt_ok(&t, "UPDATE t SET v.a = 7 WHERE k = 1");
  nt_rows(&t, "SELECT v FROM t WHERE k = 1", "{a: 7, b: null}");
  nt_ok(&t, "UPDATE t SET v.b = 'x' WHERE k = 1");
  nt_rows(&t, "SELECT v FROM t WHERE k = 1", "{a: 7, b: 'x'}");
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_frozen_freezes_inside),
      cmocka_unit_test(test_table_options),
      cmocka_unit_test(test_cassandra_system_tables),
      cmocka_unit_test(test_udt_field_of_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
