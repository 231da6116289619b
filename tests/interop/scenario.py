"""The interop scenario for the DataStax Python driver (Debian python3-cassandra)
against a cqlkit-node. Run with /usr/bin/python3 (through run_with_node.py,
which sets CQLKIT_NODE_PORT).

    scenario.py <protocol version> <compression: none|lz4>

The same steps as scenario.js and scenario_gocql.go: schema with a UDT and
every CQL type, a round trip of every type (nulls too), 10,000 rows paged by
100, positional and named bind markers, a batch, LWT applied and not,
counters, TTL, USE, and the driver's own error classes for a syntax error
and an unknown table. Prints every mismatch as a want/got diff; exits 1 if
any step failed."""
import datetime
import decimal
import ipaddress
import os
import sys
import time
import uuid

from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.protocol import SyntaxException
from cassandra.query import (BatchStatement, BatchType, SimpleStatement, dict_factory,
                             named_tuple_factory)
from cassandra.util import Date, Duration, OrderedMapSerializedKey, SortedSet, Time

KS = "interop_py"
FAILURES = []


def check(what, got, want):
    if got != want:
        FAILURES.append(what)
        print("MISMATCH %s\n  want: %r\n  got:  %r" % (what, want, got))


def plain(v):
    """Driver collection types as plain Python ones, for comparing."""
    if isinstance(v, (SortedSet, set, frozenset)):
        return set(plain(x) for x in v)
    if isinstance(v, (OrderedMapSerializedKey, dict)):
        return {plain(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, tuple) and not hasattr(v, "_fields"):
        return tuple(plain(x) for x in v)
    if hasattr(v, "_fields"):  # UDT as a named tuple
        return {f: plain(getattr(v, f)) for f in v._fields}
    return v


def check_row(what, row, want):
    for col, w in want.items():
        check("%s.%s" % (what, col), plain(row.get(col)), w)
    extra = set(row) - set(want)
    if extra:
        check("%s columns" % what, sorted(row), sorted(want))


ALL_TYPES = """CREATE TABLE IF NOT EXISTS all_types (
  k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean, d date, de decimal, db double,
  du duration, f float, i inet, i6 inet, sm smallint, t text, tm time, ts timestamp,
  tu timeuuid, ti tinyint, u uuid, vc varchar, vi varint, l list<int>, st set<text>,
  m map<text, int>, tp tuple<int, text, boolean>, ad frozen<addr>, ad2 addr,
  nest frozen<list<map<text, int>>>, ms map<int, frozen<set<text>>>)"""

COLS = ["k", "a", "b", "bl", "bo", "d", "de", "db", "du", "f", "i", "i6", "sm", "t", "tm", "ts",
        "tu", "ti", "u", "vc", "vi", "l", "st", "m", "tp", "ad", "ad2", "nest", "ms"]


def values_row1():
    return [1, "ascii", -(2 ** 40), b"\x00\x01\xff", True, Date(datetime.date(2020, 1, 2)),
            decimal.Decimal("-3.1415"), 2.5, Duration(1, 2, 3000000004), 0.5, "10.0.0.1",
            "::1", -7, "text \u00e9\u4e2d", Time(3723000000004),
            datetime.datetime(2021, 3, 4, 5, 6, 7, 8000),
            uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3"), -128,
            uuid.UUID("12345678-1234-5678-1234-567812345678"), "varchar", -(2 ** 70), [3, 1, 2],
            {"b", "a"}, {"k": 1, "j": -2}, (7, "seven", False),
            ("main st", 12345, {"x", "y"}), ("side st", None, None),
            [{"a": 1}, {}], {2: {"q"}, 1: {"p", "o"}}]


WANT_ROW1 = {
    "k": 1, "a": "ascii", "b": -(2 ** 40), "bl": b"\x00\x01\xff", "bo": True,
    "d": Date(datetime.date(2020, 1, 2)), "de": decimal.Decimal("-3.1415"), "db": 2.5,
    "du": Duration(1, 2, 3000000004), "f": 0.5, "i": "10.0.0.1", "i6": "::1", "sm": -7,
    "t": "text \u00e9\u4e2d", "tm": Time(3723000000004),
    "ts": datetime.datetime(2021, 3, 4, 5, 6, 7, 8000),
    "tu": uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3"), "ti": -128,
    "u": uuid.UUID("12345678-1234-5678-1234-567812345678"), "vc": "varchar", "vi": -(2 ** 70),
    "l": [3, 1, 2], "st": {"a", "b"}, "m": {"j": -2, "k": 1}, "tp": (7, "seven", False),
    "ad": {"street": "main st", "zip": 12345, "tags": {"x", "y"}},
    "ad2": {"street": "side st", "zip": None, "tags": None},
    # an empty (frozen) map inside a list stays an empty map
    "nest": [{"a": 1}, {}], "ms": {1: {"o", "p"}, 2: {"q"}},
}


def step_types(s):
    s.execute("CREATE TYPE IF NOT EXISTS addr (street text, zip int, tags frozen<set<text>>)")
    s.execute("CREATE TYPE IF NOT EXISTS addr (street text)")  # exists: no error, no change
    s.execute(ALL_TYPES)
    s.execute(ALL_TYPES)  # IF NOT EXISTS: a no-op
    ins = s.prepare("INSERT INTO all_types (%s) VALUES (%s)" % (", ".join(COLS),
                                                               ", ".join("?" * len(COLS))))
    s.execute(ins, values_row1())
    # row 2: every column but the key null, through explicit nulls
    s.execute(ins, [2] + [None] * (len(COLS) - 1))
    # row 3: literals in CQL text rather than bound values
    s.execute("INSERT INTO all_types (k, a, b, bo, d, de, du, i, tm, ts, u, vi, l, m, tp, ad) "
              "VALUES (3, 'x', 9223372036854775807, false, '1970-01-01', 1e-3, 1h2m, '::ffff:1.2.3.4', "
              "'00:00:01.5', '2000-01-01T00:00:00Z', uuid(), 12345678901234567890, [], {}, (1, null, true), "
              "{street: 'lit'})")
    rows = list(s.execute("SELECT * FROM all_types WHERE k = 1"))
    check("all_types k=1 row count", len(rows), 1)
    if rows:
        check_row("all_types k=1", rows[0], WANT_ROW1)
    rows = list(s.execute("SELECT * FROM all_types WHERE k = 2"))
    check("all_types k=2 row count", len(rows), 1)
    if rows:
        check_row("all_types k=2", rows[0], dict({c: None for c in COLS}, k=2))
    rows = list(s.execute("SELECT k, a, b, bo, d, de, du, i, tm, ts, vi, l, m, tp, ad FROM all_types "
                          "WHERE k = 3"))
    if rows:
        check_row("all_types k=3", rows[0], {
            "k": 3, "a": "x", "b": 2 ** 63 - 1, "bo": False, "d": Date(0),
            "de": decimal.Decimal("0.001"), "du": Duration(0, 0, 3720000000000),
            "i": "::ffff:1.2.3.4", "tm": Time(1500000000),
            "ts": datetime.datetime(2000, 1, 1), "vi": 12345678901234567890,
            # empty collections are nulls in CQL
            "l": None, "m": None, "tp": (1, None, True),
            "ad": {"street": "lit", "zip": None, "tags": None}})
    else:
        check("all_types k=3 row count", 0, 1)
    # collection updates
    s.execute("UPDATE all_types SET l = l + [4], l = [0] + l, st = st - {'a'}, m['z'] = 26, "
              "m = m - {'j'} WHERE k = 1")
    row = list(s.execute("SELECT l, st, m FROM all_types WHERE k = 1"))[0]
    check_row("collections after update", row, {"l": [0, 3, 1, 2, 4], "st": {"b"},
                                               "m": {"k": 1, "z": 26}})
    s.execute("DELETE l[0], m['k'] FROM all_types WHERE k = 1")
    s.execute("UPDATE all_types SET ad2.zip = 99 WHERE k = 1")
    row = list(s.execute("SELECT l, m, ad2 FROM all_types WHERE k = 1"))[0]
    check_row("collections after element delete", row, {
        "l": [3, 1, 2, 4], "m": {"z": 26}, "ad2": {"street": "side st", "zip": 99, "tags": None}})


def step_paging(s):
    s.execute("CREATE TABLE IF NOT EXISTS pages (p int, c int, v text, PRIMARY KEY (p, c))")
    ins = s.prepare("INSERT INTO pages (p, c, v) VALUES (?, ?, ?)")
    args = [(i % 10, i // 10, "v%d" % i) for i in range(10000)]
    results = execute_concurrent_with_args(s, ins, args, concurrency=64, raise_on_first_error=False)
    check("pages inserts failed", sum(1 for ok, _ in results if not ok), 0)
    rs = s.execute(SimpleStatement("SELECT p, c, v FROM pages", fetch_size=100))
    n, pages, seen = 0, 1, set()
    while True:
        for row in rs.current_rows:
            n += 1
            seen.add((row.p, row.c))
            if row.v != "v%d" % (row.c * 10 + row.p):
                check("pages value at (%d, %d)" % (row.p, row.c), row.v, "v%d" % (row.c * 10 + row.p))
        check("page size", len(rs.current_rows) <= 100, True)
        if not rs.has_more_pages:
            break
        rs.fetch_next_page()
        pages += 1
    check("paged rows", n, 10000)
    check("distinct paged rows", len(seen), 10000)
    check("pages", pages, 100)
    # one partition, prepared, in clustering order
    sel = s.prepare("SELECT c FROM pages WHERE p = ?")
    sel.fetch_size = 100
    cs = [r.c for r in s.execute(sel, [3])]
    check("partition 3 clustering order", cs, list(range(1000)))
    count = list(s.execute("SELECT COUNT(*) FROM pages WHERE p = 3"))[0][0]
    check("count(*)", count, 1000)


def step_markers(s):
    pos = s.prepare("SELECT v FROM pages WHERE p = ? AND c IN ?")
    check("positional markers", [r.v for r in s.execute(pos, [4, [1, 2]])], ["v14", "v24"])
    named = s.prepare("SELECT v FROM pages WHERE p = :pp AND c >= :lo AND c < :hi")
    got = [r.v for r in s.execute(named, {"pp": 5, "lo": 998, "hi": 1000})]
    check("named markers", got, ["v9985", "v9995"])
    got = [r.v for r in s.execute("SELECT v FROM pages WHERE p = %s AND c = %s", [6, 7])]
    check("client-side bound values", got, ["v76"])


def step_batch(s):
    s.execute("CREATE TABLE IF NOT EXISTS kv (k text, c int, v text, PRIMARY KEY (k, c))")
    ins = s.prepare("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)")
    b = BatchStatement(batch_type=BatchType.LOGGED)
    b.add(ins, ["batch", 1, "one"])
    b.add(SimpleStatement("INSERT INTO kv (k, c, v) VALUES ('batch', 2, 'two')"))
    b.add(SimpleStatement("UPDATE kv SET v = %s WHERE k = %s AND c = %s"), ["three", "batch", 3])
    s.execute(b)
    ub = BatchStatement(batch_type=BatchType.UNLOGGED)
    ub.add(ins, ["other", 1, "x"])
    ub.add(SimpleStatement("DELETE FROM kv WHERE k = 'batch' AND c = 2"))
    s.execute(ub)
    got = [(r.c, r.v) for r in s.execute("SELECT c, v FROM kv WHERE k = 'batch'")]
    check("batch rows", got, [(1, "one"), (3, "three")])


def step_lwt(s):
    # rows as dicts: the named tuple factory would rename the "[applied]" column
    s.row_factory = dict_factory
    try:
        lwt_statements(s)
    finally:
        s.row_factory = named_tuple_factory


def lwt_statements(s):
    r = s.execute("INSERT INTO kv (k, c, v) VALUES ('lwt', 1, 'first') IF NOT EXISTS")
    check("LWT insert applied", r.was_applied, True)
    check("LWT insert applied row", r.one(), {"[applied]": True})
    r = s.execute("INSERT INTO kv (k, c, v) VALUES ('lwt', 1, 'second') IF NOT EXISTS")
    check("LWT insert not applied", r.was_applied, False)
    check("LWT insert existing row", r.one(),
          {"[applied]": False, "k": "lwt", "c": 1, "v": "first"})
    r = s.execute("UPDATE kv SET v = 'third' WHERE k = 'lwt' AND c = 1 IF v = 'nope'")
    check("LWT update not applied", r.one(), {"[applied]": False, "v": "first"})
    r = s.execute("UPDATE kv SET v = 'third' WHERE k = 'lwt' AND c = 1 IF v = 'first'")
    check("LWT update applied", r.one(), {"[applied]": True})
    r = s.execute("DELETE FROM kv WHERE k = 'lwt' AND c = 2 IF EXISTS")
    check("LWT delete not applied", r.one(), {"[applied]": False})
    prep = s.prepare("UPDATE kv SET v = ? WHERE k = ? AND c = ? IF v = ?")
    r = s.execute(prep, ["fourth", "lwt", 1, "third"])
    check("prepared LWT applied", r.was_applied, True)
    check("LWT final value", list(s.execute("SELECT v FROM kv WHERE k = 'lwt' AND c = 1"))[0]["v"],
          "fourth")


def step_counters(s):
    s.execute("CREATE TABLE IF NOT EXISTS cnt (k text PRIMARY KEY, n counter, m counter)")
    s.execute("UPDATE cnt SET n = n + 5 WHERE k = 'a'")
    s.execute("UPDATE cnt SET n = n - 2, m = m + 1 WHERE k = 'a'")
    inc = s.prepare("UPDATE cnt SET n = n + ? WHERE k = ?")
    s.execute(inc, [10, "a"])
    cb = BatchStatement(batch_type=BatchType.COUNTER)
    cb.add(inc, [100, "b"])
    cb.add(SimpleStatement("UPDATE cnt SET m = m + 7 WHERE k = 'b'"))
    s.execute(cb)
    rows = {r.k: (r.n, r.m) for r in s.execute("SELECT k, n, m FROM cnt")}
    check("counters", rows, {"a": (13, 1), "b": (100, 7)})


def step_ttl(s):
    s.execute("INSERT INTO kv (k, c, v) VALUES ('ttl', 1, 'short') USING TTL 1")
    s.execute("INSERT INTO kv (k, c, v) VALUES ('ttl', 2, 'long') USING TTL 1000 AND TIMESTAMP 123456")
    row = list(s.execute("SELECT TTL(v), WRITETIME(v) FROM kv WHERE k = 'ttl' AND c = 2"))[0]
    check("TTL(v) in range", 990 <= row[0] <= 1000, True)
    check("WRITETIME(v)", row[1], 123456)
    time.sleep(2.2)
    got = [r.c for r in s.execute("SELECT c FROM kv WHERE k = 'ttl'")]
    check("rows after TTL expiry", got, [2])


def step_use_and_errors(cl, s):
    s2 = cl.connect()
    s2.execute("USE " + KS)
    check("USE switches keyspace", s2.keyspace, KS)
    check("query after USE", [r.v for r in s2.execute("SELECT v FROM kv WHERE k = 'batch' AND c = 1")],
          ["one"])
    try:
        s.execute("SELEC broken")
        check("syntax error raised", "no error", "SyntaxException")
    except SyntaxException as e:
        check("syntax error message", "line 1:0" in str(e), True)
    except Exception as e:  # noqa: BLE001 - any other class is the failure we report
        check("syntax error class", type(e).__name__, "SyntaxException")
    try:
        s.execute("SELECT * FROM no_such_table")
        check("unknown table raised", "no error", "InvalidRequest")
    except InvalidRequest as e:
        check("unknown table message", str(e).split("message=")[-1], '"table no_such_table does not exist"')
    except Exception as e:  # noqa: BLE001
        check("unknown table class", type(e).__name__, "InvalidRequest")
    try:
        s.execute("USE no_such_keyspace")
        check("unknown keyspace raised", "no error", "InvalidRequest")
    except InvalidRequest as e:
        check("unknown keyspace message", "Keyspace 'no_such_keyspace' does not exist" in str(e), True)
    except Exception as e:  # noqa: BLE001
        check("unknown keyspace class", type(e).__name__, "InvalidRequest")


def main():
    pv, comp = int(sys.argv[1]), sys.argv[2]
    port = int(os.environ["CQLKIT_NODE_PORT"])
    cl = Cluster(["127.0.0.1"], port=port, protocol_version=pv,
                 compression="lz4" if comp == "lz4" else False)
    s = cl.connect()
    s.row_factory = dict_factory
    check("negotiated protocol version", cl.protocol_version, pv)
    s.execute("DROP KEYSPACE IF EXISTS " + KS)
    s.execute("CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}" % KS)
    s.execute("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}" % KS)
    s.set_keyspace(KS)
    step_types(s)
    s.row_factory = named_tuple_factory
    steps = [step_paging, step_markers, step_batch, step_lwt, step_counters, step_ttl]
    for step in steps:
        try:
            step(s)
        except Exception as e:  # noqa: BLE001 - report and go on with the next step
            check("%s raised" % step.__name__, "%s: %s" % (type(e).__name__, e), "no exception")
    step_use_and_errors(cl, s)
    # the driver saw the schema through system_schema like with Cassandra
    meta = cl.metadata.keyspaces.get(KS)
    check("driver schema metadata has the tables", sorted(meta.tables) if meta else None,
          ["all_types", "cnt", "kv", "pages"])
    if meta:
        check("driver schema metadata UDT", list(meta.user_types["addr"].field_names),
              ["street", "zip", "tags"])
    cl.shutdown()
    if FAILURES:
        print("FAILED: %d mismatches" % len(FAILURES))
        sys.exit(1)
    print("interop python v%d %s: all steps passed" % (pv, comp))


main()
