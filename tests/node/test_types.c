/* Every CQL type through literals and read back; collection operations;
 * user types and tuples; vectors; literal errors with Cassandra's
 * messages. */
#include "node_test.h"

static void setup(nt *t) {
  nt_open(t);
  nt_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
           "'replication_factor': 1}");
  nt_ok(t, "USE ks");
}

static void roundtrip(nt *t, const char *type, const char *literal, const char *want) {
  char q[1024];
  snprintf(q, sizeof(q), "CREATE TABLE rt (k int PRIMARY KEY, v %s)", type);
  nt_ok(t, q);
  snprintf(q, sizeof(q), "INSERT INTO rt (k, v) VALUES (1, %s)", literal);
  nt_ok(t, q);
  nt_rows(t, "SELECT v FROM rt WHERE k = 1", want);
  nt_ok(t, "DROP TABLE rt");
}

static void test_scalars(void **state) {
  (void)state;
  nt t;
  setup(&t);
  roundtrip(&t, "ascii", "'asc'", "'asc'");
  roundtrip(&t, "bigint", "1099511627776", "1099511627776");
  roundtrip(&t, "blob", "0x0102", "0x0102");
  roundtrip(&t, "boolean", "TRUE", "true");
  roundtrip(&t, "date", "'2020-01-02'", "'2020-01-02'");
  roundtrip(&t, "decimal", "3.14", "3.14");
  roundtrip(&t, "decimal", "-1.5E3", "-1.5E+3");
  roundtrip(&t, "double", "2.5", "2.5");
  roundtrip(&t, "double", "-Infinity", "-Infinity");
  roundtrip(&t, "duration", "1mo2d3ns", "1mo2d3ns");
  roundtrip(&t, "duration", "P1DT2H", "1d2h");
  roundtrip(&t, "duration", "-2h30m", "-2h30m");
  roundtrip(&t, "float", "0.5", "0.5");
  roundtrip(&t, "inet", "'10.0.0.1'", "'10.0.0.1'");
  roundtrip(&t, "inet", "'2001:db8::1'", "'2001:db8::1'");
  roundtrip(&t, "int", "-2147483648", "-2147483648");
  roundtrip(&t, "smallint", "7", "7");
  roundtrip(&t, "text", "'t\xc3\xa9'", "'t\xc3\xa9'");
  roundtrip(&t, "time", "'05:06:07.123'", "'05:06:07.123000000'");
  roundtrip(&t, "timestamp", "'2021-03-04 05:06:07'", "'2021-03-04 05:06:07.000Z'");
  roundtrip(&t, "timestamp", "'2021-03-04T05:06:07.5+0100'", "'2021-03-04 04:06:07.500Z'");
  roundtrip(&t, "timestamp", "0", "'1970-01-01 00:00:00.000Z'");
  roundtrip(&t, "timeuuid", "d2177dd0-eaa2-11de-a572-001b779c76e3",
            "d2177dd0-eaa2-11de-a572-001b779c76e3");
  roundtrip(&t, "tinyint", "-128", "-128");
  roundtrip(&t, "uuid", "12345678-1234-5678-1234-567812345678",
            "12345678-1234-5678-1234-567812345678");
  roundtrip(&t, "varint", "-1180591620717411303424", "-1180591620717411303424");
  roundtrip(&t, "int", "null", "null");
  nt_close(&t);
}

static void test_literal_errors(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TABLE e (k int PRIMARY KEY, i int, t text, s set<int>, d date, u uuid, "
            "tu timeuuid, b blob)");
  nt_err(&t, "INSERT INTO e (k, i) VALUES (1, 'x')", 0x2200,
         "Invalid STRING constant (x) for \"i\" of type int");
  nt_err(&t, "INSERT INTO e (k, t) VALUES (1, 42)", 0x2200,
         "Invalid INTEGER constant (42) for \"t\" of type text");
  nt_err(&t, "INSERT INTO e (k, i) VALUES (1, 3000000000)", 0x2200,
         "Unable to make int from '3000000000'");
  nt_err(&t, "INSERT INTO e (k, s) VALUES (1, [1])", 0x2200,
         "Invalid list literal for s of type set<int>");
  nt_err(&t, "INSERT INTO e (k, s) VALUES (1, {null})", 0x2200,
         "null is not supported inside collections");
  nt_err(&t, "INSERT INTO e (k, d) VALUES (1, '2020-13-01')", 0x2200,
         "Unable to coerce '2020-13-01' to a formatted date (long)");
  nt_err(&t, "INSERT INTO e (k, tu) VALUES (1, 12345678-1234-5678-1234-567812345678)", 0x2200,
         "Unsupported UUID version (5)");
  nt_err(&t, "INSERT INTO e (k, b) VALUES (1, 'x')", 0x2200,
         "Invalid STRING constant (x) for \"b\" of type blob");
  nt_err(&t, "INSERT INTO e (k, nope) VALUES (1, 2)", 0x2200, "Undefined column name nope");
  nt_err(&t, "INSERT INTO e (i) VALUES (2)", 0x2200, "Some partition key parts are missing: k");
  nt_err(&t, "INSERT INTO e (k, i) VALUES (null, 2)", 0x2200,
         "Invalid null value for partition key part k");
  nt_err(&t, "INSERT INTO e (k, i) VALUES (1, 2, 3)", 0x2200, "Unmatched column names/values");
  nt_err(&t, "UPDATE e SET i = 1 WHERE i = 2", 0x2200,
         "Non PRIMARY KEY columns found in where clause: i");
  nt_close(&t);
}

static void test_collections(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TABLE c (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, "
            "fl frozen<list<int>>, nest map<text, frozen<list<int>>>)");
  nt_ok(&t, "INSERT INTO c (k, l, s, m, fl, nest) VALUES (1, [3, 1], {'b', 'a', 'b'}, "
            "{'z': 1, 'a': 2}, [5], {'x': [1, 2]})");
  nt_rows(&t, "SELECT l, s, m, fl, nest FROM c",
          "[3, 1]|{'a', 'b'}|{'a': 2, 'z': 1}|[5]|{'x': [1, 2]}");
  nt_ok(&t, "UPDATE c SET l = l + [4], l = [0] + l, s = s + {'c'}, s = s - {'a'}, m['q'] = 9, "
            "m = m - {'z'} WHERE k = 1");
  nt_rows(&t, "SELECT l, s, m FROM c", "[0, 3, 1, 4]|{'b', 'c'}|{'a': 2, 'q': 9}");
  nt_ok(&t, "UPDATE c SET l[1] = 30 WHERE k = 1");
  nt_ok(&t, "DELETE l[0], m['a'] FROM c WHERE k = 1");
  nt_rows(&t, "SELECT l, m FROM c", "[30, 1, 4]|{'q': 9}");
  nt_ok(&t, "UPDATE c SET l = l - [1, 4] WHERE k = 1");
  nt_rows(&t, "SELECT l FROM c", "[30]");
  nt_err(&t, "UPDATE c SET l[7] = 1 WHERE k = 1", 0x2200,
         "List index 7 out of bound, list has size 1");
  /* an emptied collection reads as null, like Cassandra's */
  nt_ok(&t, "UPDATE c SET s = s - {'b', 'c'}, m = {} WHERE k = 1");
  nt_rows(&t, "SELECT s, m FROM c", "null|null");
  nt_err(&t, "UPDATE c SET fl = fl + [1] WHERE k = 1", 0x2200, NULL);
  nt_rows(&t, "SELECT k FROM c WHERE m CONTAINS KEY 'q' ALLOW FILTERING", "");
  nt_rows(&t, "SELECT k FROM c WHERE l CONTAINS 30 ALLOW FILTERING", "1");
  nt_err(&t, "CREATE TABLE bad (k int PRIMARY KEY, l list<list<int>>)", 0x2200,
         "Non-frozen collections are not allowed inside collections: list<list<int>>");
  nt_err(&t, "CREATE TABLE bad (k frozen<list<int>>, v list<int>, PRIMARY KEY (k, v))", 0x2200,
         "Invalid non-frozen collection type list<int> for PRIMARY KEY column 'v'");
  nt_close(&t);
}

static void test_udts_tuples_vectors(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TYPE addr (street text, zip int, tags frozen<set<text>>)");
  nt_ok(&t, "CREATE TABLE u (k int PRIMARY KEY, ad frozen<addr>, ad2 addr, tp tuple<int, text>, "
            "vf vector<float, 3>, vt vector<text, 2>)");
  nt_ok(&t, "INSERT INTO u (k, ad, ad2, tp, vf, vt) VALUES (1, {street: 's', zip: 1, tags: "
            "{'t'}}, {street: 'u', tags: null}, (1, 'one'), [1.5, 2, -3], ['a', 'bc'])");
  nt_rows(&t, "SELECT ad, ad2, tp, vf, vt FROM u",
          "{street: 's', zip: 1, tags: {'t'}}|{street: 'u', zip: null, tags: null}|(1, 'one')|"
          "[1.5, 2, -3]|['a', 'bc']");
  nt_ok(&t, "UPDATE u SET ad2.zip = 99 WHERE k = 1");
  nt_rows(&t, "SELECT ad2 FROM u", "{street: 'u', zip: 99, tags: null}");
  nt_err(&t, "INSERT INTO u (k, ad) VALUES (2, {nope: 1})", 0x2200,
         "Unknown field 'nope' in value of user defined type addr");
  nt_err(&t, "INSERT INTO u (k, vf) VALUES (2, [1.0])", 0x2200, NULL);
  nt_err(&t, "DROP TYPE addr", 0x2200,
         "Cannot drop user type 'ks.addr' as it is still used by table ks.u");
  nt_ok(&t, "ALTER TYPE addr ADD country text");
  nt_rows(&t, "SELECT ad FROM u", "{street: 's', zip: 1, tags: {'t'}, country: null}");
  nt_ok(&t, "INSERT INTO u (k, ad) VALUES (3, {country: 'fr'})");
  nt_rows(&t, "SELECT ad FROM u WHERE k = 3",
          "{street: null, zip: null, tags: null, country: 'fr'}");
  nt_err(&t, "CREATE TYPE addr (a int)", 0x2200, "A user type with name 'addr' already exists");
  nt_ok(&t, "CREATE TYPE IF NOT EXISTS addr (a int)");
  nt_close(&t);
}

static void test_functions_and_selectors(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "CREATE TABLE f (k int PRIMARY KEY, u timeuuid, ts timestamp, v int)");
  nt_ok(&t, "INSERT INTO f (k, u, ts, v) VALUES (1, now(), toTimestamp(now()), 5)");
  nt_rows(&t, "SELECT ts FROM f", "'2023-11-14 22:13:20.000Z'");
  const cql_response *r = nt_ok(&t, "SELECT k AS key, v AS value, WRITETIME(v) AS w FROM f");
  char buf[128];
  assert_string_equal(nt_cols(r, buf, sizeof(buf)), "key,value,w");
  r = nt_ok(&t, "SELECT COUNT(*), count(1) AS n, token(k) FROM f");
  assert_string_equal(nt_cols(r, buf, sizeof(buf)), "count,n,system.token(k)");
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars),
      cmocka_unit_test(test_literal_errors),
      cmocka_unit_test(test_collections),
      cmocka_unit_test(test_udts_tuples_vectors),
      cmocka_unit_test(test_functions_and_selectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
