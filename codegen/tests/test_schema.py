import unittest

from tests.util import frontend_text

KS = "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', " \
     "'replication_factor': 1};\nUSE ks;\n"


def build(text):
    catalog, _q, diags = frontend_text(KS + text)
    return catalog, [d.message for d in diags.items]


class SchemaTest(unittest.TestCase):
    def ok(self, text):
        catalog, errors = build(text)
        self.assertEqual(errors, [])
        return catalog.keyspaces["ks"]

    def err(self, text):
        _c, errors = build(text)
        self.assertTrue(errors, "expected an error")
        return errors[0]

    def test_keyspace_options(self):
        ks = self.ok("")
        self.assertEqual(ks.options["replication"]["class"], "SimpleStrategy")

    def test_composite_partition_key_and_clustering_order(self):
        ks = self.ok("CREATE TABLE t (a int, b text, c timeuuid, d int, v text,"
                     " PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC);")
        t = ks.tables["t"]
        self.assertEqual(t.partition_key, ["a", "b"])
        self.assertEqual(t.clustering, ["c", "d"])
        self.assertEqual(t.columns["c"].order, "desc")
        self.assertEqual([c.kind for c in t.select_order()],
                         ["partition_key", "partition_key", "clustering", "clustering",
                          "regular"])

    def test_select_order_statics_then_regulars_alphabetically(self):
        ks = self.ok('CREATE TABLE t (k int, c int, "Z" int, b int, s2 int static, '
                     'a int, s1 int static, PRIMARY KEY (k, c));')
        self.assertEqual([c.name for c in ks.tables["t"].select_order()],
                         ["k", "c", "s1", "s2", "Z", "a", "b"])

    def test_quoted_and_qualified_names(self):
        catalog, errors = build('CREATE TABLE ks."Mixed" ("Id" int PRIMARY KEY, v text);')
        self.assertEqual(errors, [])
        self.assertIn("Id", catalog.keyspaces["ks"].tables["Mixed"].columns)

    def test_trailing_commas(self):
        self.ok("CREATE TYPE u (a int, b text,);\nCREATE TABLE t (k int PRIMARY KEY, v int,);")

    def test_every_type(self):
        ks = self.ok("CREATE TYPE u (a int);\nCREATE TABLE t (k int PRIMARY KEY, "
                     "a frozen<list<frozen<map<text, frozen<set<int>>>>>>, "
                     "b tuple<int, list<int>>, c vector<float, 4>, d u, e frozen<u>, "
                     "f 'org.example.Custom', g varchar, h duration);")
        cols = ks.tables["t"].columns
        self.assertEqual(cols["a"].type.cql(), "frozen<list<frozen<map<text, frozen<set<int>>>>>>")
        self.assertEqual(cols["b"].type.cql(), "tuple<int, frozen<list<int>>>")
        self.assertEqual(cols["c"].type.cql(), "vector<float, 4>")
        self.assertFalse(cols["d"].type.frozen)
        self.assertTrue(cols["e"].type.frozen)
        self.assertEqual(cols["f"].type.kind, "custom")
        self.assertEqual(cols["g"].type.cql(), "text")

    def test_frozen_freezes_nested(self):
        ks = self.ok("CREATE TABLE t (k int PRIMARY KEY, a frozen<list<list<int>>>);")
        self.assertEqual(ks.tables["t"].columns["a"].type.cql(),
                         "frozen<list<frozen<list<int>>>>")

    def test_alter_and_drop_are_applied(self):
        ks = self.ok("CREATE TYPE u (a int);\nALTER TYPE u ADD b text;\n"
                     "ALTER TYPE u RENAME a TO aa;\n"
                     "CREATE TABLE t (k int PRIMARY KEY, v int, w int);\n"
                     "ALTER TABLE t ADD x text;\nALTER TABLE t DROP w;\n"
                     "ALTER TABLE t RENAME k TO key2;\nALTER TABLE t WITH comment = 'c';\n"
                     "CREATE TABLE gone (k int PRIMARY KEY);\nDROP TABLE gone;\n"
                     "CREATE TYPE gone_t (a int);\nDROP TYPE IF EXISTS gone_t;")
        self.assertEqual([n for n, _t in ks.types["u"].fields], ["aa", "b"])
        self.assertEqual(list(ks.tables["t"].columns), ["key2", "v", "x"])
        self.assertNotIn("gone", ks.tables)
        self.assertNotIn("gone_t", ks.types)
        self.assertEqual(ks.tables["t"].options["comment"], "c")

    def test_skipped_statements(self):
        self.ok("CREATE TABLE t (k int PRIMARY KEY, v int);\n"
                "CREATE INDEX ON t (v);\nCREATE CUSTOM INDEX i2 ON t (v) USING 'SAI';\n"
                "CREATE FUNCTION f (x int) RETURNS NULL ON NULL INPUT RETURNS int "
                "LANGUAGE java AS 'return x;';\n"
                "CREATE AGGREGATE ag (int) SFUNC f STYPE int INITCOND 0;\n"
                "CREATE ROLE r WITH PASSWORD = 'p';\nGRANT SELECT ON t TO r;\n"
                "INSERT INTO t (k, v) VALUES (1, 2);\n"
                "BEGIN BATCH INSERT INTO t (k) VALUES (1); APPLY BATCH;\n"
                "DROP FUNCTION IF EXISTS f;\nCREATE TRIGGER tr ON t USING 'x';")

    def test_materialized_view(self):
        ks = self.ok("CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c));\n"
                     "CREATE MATERIALIZED VIEW mv AS SELECT * FROM t WHERE v IS NOT NULL "
                     "AND k IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, k, c);")
        mv = ks.tables["mv"]
        self.assertTrue(mv.is_view)
        self.assertEqual(mv.partition_key, ["v"])
        self.assertEqual(mv.clustering, ["k", "c"])

    def test_counter_mix(self):
        self.assertEqual(self.err("CREATE TABLE t (k int PRIMARY KEY, c counter, v int);"),
                         "Cannot mix counter and non counter columns in the same table")

    def test_non_frozen_collection_in_key(self):
        self.assertEqual(self.err("CREATE TABLE t (k list<int> PRIMARY KEY);"),
                         "Invalid non-frozen collection type list<int> for PRIMARY KEY "
                         "column 'k'")

    def test_static_without_clustering(self):
        self.assertIn("Static columns are only useful",
                      self.err("CREATE TABLE t (k int PRIMARY KEY, s int static);"))

    def test_unknown_type_suggestion(self):
        self.assertEqual(self.err("CREATE TYPE address (a int);\n"
                                  "CREATE TABLE t (k int PRIMARY KEY, a frozen<adress>);"),
                         "unknown type 'adress' (did you mean 'address'?)")

    def test_several_errors_in_one_run(self):
        _c, errors = build("CREATE TABLE a (k int PRIMARY KEY, x nope);\n"
                           "CREATE TABLE b (k int);\nCREATE TABLE c (k int PRIMARY KEY);")
        self.assertEqual(len(errors), 2)

    def test_reserved_keyword_needs_quotes(self):
        self.assertIn("reserved keyword", self.err("CREATE TABLE t (select int PRIMARY KEY);"))
        self.ok('CREATE TABLE t ("select" int PRIMARY KEY);')


if __name__ == "__main__":
    unittest.main()
