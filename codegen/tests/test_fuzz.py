"""Random and mutated schemas and queries must end in success or in
diagnostics: never an exception (an internal error) or a hang."""

import os
import random
import time
import unittest

from tests.util import GOLDEN, REPO
from cqlkit_gen.diagnostics import Diagnostics, Source
from cqlkit_gen.query_check import QueryChecker
from cqlkit_gen.query_parser import parse_query_file
from cqlkit_gen.schema_rules import build_catalog

CASES = int(os.environ.get("CQLKIT_FUZZ_CASES", "2000"))
SEED = int(os.environ.get("CQLKIT_FUZZ_SEED", "20240611"))
BUDGET_S = 20.0

PIECES = ["CREATE", "TABLE", "TYPE", "KEYSPACE", "(", ")", ",", ";", "<", ">", "frozen",
          "list", "map", "set", "tuple", "vector", "int", "text", "counter", "PRIMARY",
          "KEY", "static", "WITH", "CLUSTERING", "ORDER", "BY", "DESC", "'s'", "$$b$$",
          '"Q"', "?", ":m", "SELECT", "*", "FROM", "WHERE", "=", "IN", "IF", "EXISTS",
          "NOT", "UPDATE", "SET", "+", "-", "[", "]", "{", "}", ":", "1", "-1", "1.5",
          "0xff", "users", "id", "ALTER", "ADD", "DROP", "USE", "app", ".", "token",
          "LIMIT", "USING", "TTL", "BEGIN", "BATCH", "APPLY", "--", "/*", "*/", "\n",
          "-- name: q :one\n", "-- name: r :lwt\n", "-- name: s :exec\n"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def corpus():
    texts = [read(os.path.join(REPO, "schemas", "app.cql")),
             read(os.path.join(GOLDEN, "ir", "schema.cql"))]
    bad = os.path.join(GOLDEN, "bad")
    texts += [read(os.path.join(bad, f)) for f in sorted(os.listdir(bad))
              if f.endswith(".cql")]
    queries = [read(os.path.join(REPO, "schemas", "app_queries.cql")),
               read(os.path.join(GOLDEN, "ir", "queries.cql"))]
    return texts, queries


def mutate(rng, text):
    ops = rng.randint(1, 6)
    for _ in range(ops):
        k = rng.random()
        pos = rng.randint(0, len(text))
        if k < 0.3 and text:
            end = min(len(text), pos + rng.randint(1, 12))
            text = text[:pos] + text[end:]
        elif k < 0.6:
            text = text[:pos] + rng.choice(PIECES) + " " + text[pos:]
        elif k < 0.8 and text:
            a = rng.randint(0, len(text) - 1)
            b = min(len(text), a + rng.randint(1, 40))
            text = text[:pos] + text[a:b] + text[pos:]
        else:
            text = text[:pos] + chr(rng.randint(0, 0x2FF)) + text[pos:]
    return text


def random_text(rng):
    return " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))


def run_frontend(schema, queries):
    diags = Diagnostics()
    catalog = build_catalog([Source("s.cql", schema)], diags)
    src = Source("q.cql", queries)
    QueryChecker(catalog, diags).check_file(src, parse_query_file(src, diags))
    diags.render()   # rendering must not fail either
    return diags


class FuzzTest(unittest.TestCase):
    def test_random_and_mutated_inputs(self):
        rng = random.Random(SEED)
        schemas, queries = corpus()
        start = time.monotonic()
        done = 0
        for i in range(CASES):
            if time.monotonic() - start > BUDGET_S:
                break
            mode = i % 4
            if mode == 0:
                s, q = mutate(rng, rng.choice(schemas)), rng.choice(queries)
            elif mode == 1:
                s, q = schemas[0], mutate(rng, rng.choice(queries))
            elif mode == 2:
                s, q = random_text(rng), random_text(rng)
            else:
                s, q = mutate(rng, schemas[1]), mutate(rng, queries[1])
            try:
                run_frontend(s, q)
            except Exception as e:  # noqa: BLE001
                self.fail("case %d (seed %d) raised %s: %s\n--- schema ---\n%s\n"
                          "--- queries ---\n%s" % (i, SEED, type(e).__name__, e, s, q))
            done += 1
        self.assertGreaterEqual(done, min(CASES, 200))


if __name__ == "__main__":
    unittest.main()
