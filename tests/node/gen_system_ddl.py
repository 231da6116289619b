"""Generates node/src/engine/system_ddl.c: the CREATE TABLE statements of every
table in Cassandra 4.0's system keyspaces (system, system_schema,
system_auth, system_distributed, system_traces) and virtual keyspaces
(system_views, system_virtual_schema), recovered from what a real Cassandra
4.0.0 answered to the drivers' schema queries in a recorded transcript
(system_schema.tables/columns, system_virtual_schema.tables/columns).

With them the engine's system_schema lists the same tables and columns, with
the same options, as Cassandra's: drivers build the same metadata, and
queries on any system table (system_traces.sessions, system.size_estimates,
system_views.clients...) work, on empty tables.

Usage: /usr/bin/python3 tests/node/gen_system_ddl.py [transcript.jsonl] > node/src/engine/system_ddl.c
       clang-format -i node/src/engine/system_ddl.c
Deterministic: the same transcript gives the same file."""
import json
import os
import re
import struct
import sys

from cassandra.protocol import ProtocolHandler

SYSTEM = ("system", "system_schema", "system_auth", "system_distributed", "system_traces")
VIRTUAL = ("system_views", "system_virtual_schema")
DEFAULT_COMPACTION = {"class": "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
                      "max_threshold": "32", "min_threshold": "4"}


def messages(path):
    """(request query, response rows) for the v4 transcript's QUERY requests."""
    raw = {}
    for line in open(path):
        o = json.loads(line)
        key = (o["conn"], o["dir"])
        raw[key] = raw.get(key, b"") + bytes.fromhex(o["hex"])
    split = {}
    for key, buf in raw.items():
        pos, out = 0, []
        while pos + 9 <= len(buf):
            ver, flags, stream, op, ln = struct.unpack(">BBhBI", buf[pos:pos + 9])
            out.append((ver & 0x7F, flags, stream, op, buf[pos + 9:pos + 9 + ln]))
            pos += 9 + ln
        split[key] = out
    results = {}
    for (conn, d), msgs in split.items():
        if d != "c2s":
            continue
        answers = {}
        for m in split.get((conn, "s2c"), []):
            answers.setdefault(m[2], []).append(m)
        for ver, flags, stream, op, body in msgs:
            if op != 7 or not answers.get(stream):
                continue
            q = body[4:4 + struct.unpack(">I", body[:4])[0]].decode()
            a = answers[stream].pop(0)
            r = ProtocolHandler.decode_message(a[0], {}, a[2], a[1], a[3], a[4], None, None)
            if getattr(r, "kind", None) == 2 and q not in results:
                results[q] = [dict(zip([c[2] for c in r.column_metadata], row))
                              for row in r.parsed_rows]
    return results


def ident(name):
    """A name as CQL text: quoted only when it has to be (case, characters)."""
    if re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return name
    return '"%s"' % name.replace('"', '""')


def literal(s):
    return "'%s'" % s.replace("'", "''")


def table_ddl(ks, table, columns, options):
    cols = sorted((c for c in columns if c["keyspace_name"] == ks and c["table_name"] == table),
                  key=lambda c: c["column_name"])
    pk = sorted((c for c in cols if c["kind"] == "partition_key"), key=lambda c: c["position"])
    ck = sorted((c for c in cols if c["kind"] == "clustering"), key=lambda c: c["position"])
    defs = ["%s %s%s" % (ident(c["column_name"]), c["type"], " static" if c["kind"] == "static" else "")
            for c in cols]
    key = ", ".join(ident(c["column_name"]) for c in pk)
    if len(pk) > 1:
        key = "(" + key + ")"
    key = ", ".join([key] + [ident(c["column_name"]) for c in ck])
    text = "CREATE TABLE %s.%s (%s, PRIMARY KEY (%s))" % (ks, ident(table), ", ".join(defs), key)
    withs = []
    if any(c["clustering_order"] == "desc" for c in ck):
        withs.append("CLUSTERING ORDER BY (%s)" % ", ".join(
            "%s %s" % (ident(c["column_name"]), c["clustering_order"].upper()) for c in ck))
    withs.append("comment = %s" % literal(options.get("comment") or ""))
    for opt in ("gc_grace_seconds", "default_time_to_live", "memtable_flush_period_in_ms"):
        if opt in options and options[opt] is not None:
            withs.append("%s = %d" % (opt, options[opt]))
    comp = dict(options.get("compaction") or {})
    if comp and comp != DEFAULT_COMPACTION:
        withs.append("compaction = {%s}" % ", ".join(
            "%s: %s" % (literal(k), literal(v)) for k, v in sorted(comp.items())))
    return text + " WITH " + " AND ".join(withs)


def c_string(s, indent="    "):
    """A C string literal split into lines of at most ~96 columns."""
    out, line = [], ""
    for word in s.split(" "):
        piece = (word if not line else " " + word)
        if len(line) + len(piece) > 88:
            out.append(line + " ")
            line = word
        else:
            line += piece
    out.append(line)
    esc = [p.replace("\\", "\\\\").replace('"', '\\"') for p in out]
    return "\n".join(indent + '"%s"' % p for p in esc)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "..", "shared", "reference", "transcripts", "cassandra-4.0.0-v4-none.jsonl")
    res = messages(path)
    tables = res["SELECT * FROM system_schema.tables"]
    columns = res["SELECT * FROM system_schema.columns"]
    vtables = res["SELECT * from system_virtual_schema.tables"]
    vcolumns = res["SELECT * from system_virtual_schema.columns"]
    ddl = []
    for ks in SYSTEM:
        for t in sorted((t for t in tables if t["keyspace_name"] == ks), key=lambda t: t["table_name"]):
            ddl.append(table_ddl(ks, t["table_name"], columns, t))
    for ks in VIRTUAL:
        for t in sorted((t for t in vtables if t["keyspace_name"] == ks), key=lambda t: t["table_name"]):
            ddl.append(table_ddl(ks, t["table_name"], vcolumns, {"comment": t["comment"]}))
    print("/* GENERATED by tests/node/gen_system_ddl.py from a Cassandra 4.0.0 transcript:")
    print(" * do not edit. The tables of Cassandra's system and virtual keyspaces, as its")
    print(" * system_schema and system_virtual_schema describe them. */")
    print('#include "engine_impl.h"')
    print()
    print("const char *const cql_system_ddl[] = {")
    for d in ddl:
        print(c_string(d) + ",")
    print("};")
    print()
    print("const size_t cql_n_system_ddl = sizeof(cql_system_ddl) / sizeof(cql_system_ddl[0]);")


main()
