import unittest

from tests.util import frontend_text

SCHEMA = """
CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
USE ks;
CREATE TYPE addr (street text, city text);
CREATE TABLE t (k int, c timestamp, d int, v text, n bigint, l list<int>,
  m map<text, int>, s set<text>, u addr, fu frozen<addr>, st text static,
  PRIMARY KEY (k, c, d));
CREATE TABLE cnt (k text PRIMARY KEY, hits counter);
"""


def check(queries):
    _c, qs, diags = frontend_text(SCHEMA, queries)
    return qs, [d.message for d in diags.items]


def q1(test, text):
    qs, errors = check(text)
    test.assertEqual(errors, [])
    test.assertEqual(len(qs), 1)
    return qs[0]


def params(q):
    return [(p.name, p.type.cql(), p.role) for p in q.params]


class QueryTest(unittest.TestCase):
    def test_where_markers(self):
        q = q1(self, "-- name: a :many\nSELECT v FROM t WHERE k = ? AND c >= ? AND c < :until;")
        self.assertEqual(params(q), [("k", "int", "key"), ("c", "timestamp", "filter"),
                                     ("until", "timestamp", "filter")])

    def test_duplicate_positional_names_get_suffixes(self):
        q = q1(self, "-- name: a :many\nSELECT v FROM t WHERE k IN (?, ?, ?);")
        self.assertEqual([p.name for p in q.params], ["k", "k_2", "k_3"])

    def test_named_marker_reused_is_one_param(self):
        q = q1(self, "-- name: a :exec\nUPDATE t SET v = :x, st = :x WHERE k = 1 AND c = 2 "
                     "AND d = 3;")
        self.assertEqual([(p.name, p.positions) for p in q.params], [("x", [0, 1])])

    def test_in_marker_is_a_list(self):
        q = q1(self, "-- name: a :many\nSELECT v FROM t WHERE k IN ?;")
        self.assertEqual(params(q), [("k", "list<int>", "in_list")])

    def test_limit_ttl_timestamp(self):
        q = q1(self, "-- name: a :exec\nINSERT INTO t (k, c, d) VALUES (?, ?, ?) USING TTL ? "
                     "AND TIMESTAMP ?;")
        self.assertEqual(params(q)[3:], [("ttl", "int", "ttl"), ("timestamp", "bigint",
                                                                 "timestamp")])
        q = q1(self, "-- name: a :many\nSELECT v FROM t WHERE k = 1 LIMIT ?;")
        self.assertEqual(params(q), [("limit", "int", "limit")])

    def test_collection_operations(self):
        q = q1(self, "-- name: a :exec\nUPDATE t SET l = l + ?, m = m - ?, s = s + {?}, "
                     "m[?] = ?, l = ? + l, u.city = ? WHERE k = ? AND c = ? AND d = ?;")
        self.assertEqual(params(q)[:7], [
            ("l", "list<int>", "collection_add"), ("m", "set<text>", "collection_remove"),
            ("s", "text", "collection_add"), ("m_key", "text", "element_key"),
            ("m_value", "int", "element_value"), ("l_2", "list<int>", "list_prepend"),
            ("u_city", "text", "field_value")])

    def test_counter_delta(self):
        q = q1(self, "-- name: a :exec\nUPDATE cnt SET hits = hits + ? WHERE k = ?;")
        self.assertEqual(params(q)[0], ("hits", "counter", "counter_delta"))
        self.assertTrue(q.counter)

    def test_token(self):
        q = q1(self, "-- name: a :many\nSELECT k FROM t WHERE token(k) > ? AND token(k) <= "
                     "token(?);")
        self.assertEqual(params(q), [("token", "bigint", "token"), ("k", "int", "key")])

    def test_select_result_columns(self):
        q = q1(self, "-- name: a :one\nSELECT v AS value, TTL(v), WRITETIME(v), COUNT(*) "
                     "FROM t WHERE k = ?;")
        self.assertEqual([(c.name, c.field, c.type.cql()) for c in q.columns], [
            ("value", "value", "text"), ("ttl(v)", "ttl_v", "int"),
            ("writetime(v)", "writetime_v", "bigint"), ("count", "count", "bigint")])

    def test_lwt_results(self):
        q = q1(self, "-- name: a :lwt\nINSERT INTO cnt2 (k) VALUES (?) IF NOT EXISTS;"
               .replace("cnt2", "t").replace("(k)", "(k, c, d)").replace("(?)", "(?, ?, ?)"))
        self.assertEqual(q.columns[0].name, "[applied]")
        self.assertEqual(len(q.columns), 1 + 11)
        q = q1(self, "-- name: a :lwt\nUPDATE t SET v = ? WHERE k = ? AND c = ? AND d = ? "
                     "IF n = ? AND v = ?;")
        self.assertEqual([c.name for c in q.columns], ["[applied]", "n", "v"])

    def test_if_requires_lwt(self):
        _q, errors = check("-- name: a :exec\nDELETE FROM t WHERE k = 1 IF EXISTS;")
        self.assertIn("annotate it :lwt", errors[0])
        _q, errors = check("-- name: a :lwt\nDELETE FROM t WHERE k = 1;")
        self.assertIn("has no IF clause", errors[0])

    def test_unknown_column_suggestion(self):
        _q, errors = check("-- name: a :one\nSELECT vv FROM t WHERE k = 1;")
        self.assertEqual(errors, ["Undefined column name vv in table ks.t (did you mean 'v'?)"])

    def test_literal_type_check(self):
        _q, errors = check("-- name: a :many\nSELECT v FROM t WHERE k = 'x';")
        self.assertEqual(errors, ['Invalid STRING constant (x) for "k" of type int'])

    def test_batch(self):
        q = q1(self, "-- name: a :exec\nBEGIN UNLOGGED BATCH\nINSERT INTO t (k, c, d) "
                     "VALUES (?, ?, ?);\nDELETE FROM t WHERE k = ?;\nAPPLY BATCH;")
        self.assertEqual(q.batch_type, "unlogged")
        self.assertEqual([p.name for p in q.params], ["k", "c", "d", "k_2"])

    def test_kind_mismatch(self):
        _q, errors = check("-- name: a :one\nDELETE FROM t WHERE k = 1;")
        self.assertIn("reads rows", errors[0])

    def test_errors_in_several_queries(self):
        _q, errors = check("-- name: a :one\nSELECT x FROM t;\n-- name: b :one\n"
                           "SELECT y FROM t;\n-- name: c :one\nSELECT v FROM t WHERE k = 1;")
        self.assertEqual(len(errors), 2)


if __name__ == "__main__":
    unittest.main()
