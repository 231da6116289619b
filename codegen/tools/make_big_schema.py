#!/usr/bin/env python3
"""Writes a schema with N tables (default 500) and a query file with a few
queries per table, for timing cqlkit-gen:

    python3 codegen/tools/make_big_schema.py /tmp/big 500
    time codegen/cqlkit-gen --schema /tmp/big/schema.cql \\
        --queries /tmp/big/queries.cql --check-only
"""
import os
import sys

TYPES = ["int", "bigint", "text", "uuid", "timestamp", "double", "boolean",
         "blob", "list<int>", "set<text>", "map<text, bigint>", "frozen<rec>",
         "tuple<int, text>", "decimal", "date", "inet"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "big_schema"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "schema.cql"), "w") as s, \
            open(os.path.join(out, "queries.cql"), "w") as q:
        s.write("CREATE KEYSPACE big WITH replication = "
                "{'class': 'SimpleStrategy', 'replication_factor': 1};\nUSE big;\n")
        s.write("CREATE TYPE rec (a int, b text, c frozen<list<int>>);\n")
        for i in range(n):
            cols = ",\n  ".join("c%d %s" % (j, TYPES[(i + j) % len(TYPES)])
                                for j in range(12))
            s.write("CREATE TABLE t%d (\n  id uuid,\n  ck int,\n  %s,\n"
                    "  PRIMARY KEY (id, ck)\n) WITH CLUSTERING ORDER BY (ck DESC);\n"
                    % (i, cols))
            q.write("-- name: get_t%d :one\nSELECT * FROM t%d WHERE id = ? AND ck = ?;\n"
                    % (i, i))
            q.write("-- name: list_t%d :many\nSELECT id, ck, c1, c2 FROM t%d WHERE id = ? "
                    "AND ck > ? LIMIT ?;\n" % (i, i))
            q.write("-- name: put_t%d :exec\nINSERT INTO t%d (id, ck, c0, c1, c2) VALUES "
                    "(?, ?, ?, ?, ?) USING TTL ?;\n" % (i, i))
            q.write("-- name: cas_t%d :lwt\nUPDATE t%d SET c3 = ? WHERE id = ? AND ck = ? "
                    "IF c3 = ?;\n" % (i, i))


if __name__ == "__main__":
    main()
