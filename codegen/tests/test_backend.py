"""Back-end tests: golden output, determinism, m4-proof text, errors."""

import ast
import os
import shutil
import subprocess
import tempfile
import unittest

from tests.util import GOLDEN, REPO, UPDATE, check_golden, run_cli

from cqlkit_gen.backend import PRELUDE, Backend
from cqlkit_gen.m4data import c_string, comment

BACKEND = os.path.join(GOLDEN, "backend")
EXPECTED = os.path.join(BACKEND, "expected")
HAVE_FORMAT = shutil.which("clang-format") is not None
WARNINGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wstrict-prototypes",
            "-Wformat=2", "-Wvla", "-Wpointer-arith", "-Wcast-qual", "-Wundef",
            "-Wmissing-prototypes"]


def generate(args, out):
    status, stdout, stderr = run_cli(args + ["--out", out])
    return status, stdout, stderr


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_dir(path):
    return {n: read(os.path.join(path, n)) for n in sorted(os.listdir(path))}


class GoldenOutput(unittest.TestCase):
    ARGS = ["--schema", os.path.join(BACKEND, "schema.cql"),
            "--queries", os.path.join(BACKEND, "queries.cql")]

    @unittest.skipUnless(HAVE_FORMAT, "clang-format not installed")
    def test_golden(self):
        with tempfile.TemporaryDirectory() as tmp:
            status, _, err = generate(self.ARGS, tmp)
            self.assertEqual(status, 0, err)
            files = read_dir(tmp)
            self.assertEqual(sorted(files), ["Shop_cql.c", "Shop_cql.h"])
            if UPDATE:
                os.makedirs(EXPECTED, exist_ok=True)
            for name, text in files.items():
                check_golden(self, os.path.join(EXPECTED, name), text)

    def test_deterministic(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            self.assertEqual(generate(self.ARGS, a)[0], 0)
            # Another working directory and relative paths: same bytes.
            rel = [os.path.relpath(x, REPO) if x.endswith(".cql") else x for x in self.ARGS]
            status, _, err = run_cli(rel + ["--out", b], cwd=REPO)
            self.assertEqual(status, 0, err)
            self.assertEqual(read_dir(a), read_dir(b))

    @unittest.skipUnless(HAVE_FORMAT, "clang-format not installed")
    def test_formatting_in_sections_is_formatting_the_whole(self):
        args = ["--schema", os.path.join(REPO, "schemas", "app.cql"),
                "--queries", os.path.join(REPO, "schemas", "app_queries.cql")]
        with tempfile.TemporaryDirectory() as raw, tempfile.TemporaryDirectory() as cut:
            self.assertEqual(generate(args + ["--no-format"], raw)[0], 0)
            os.environ["CQLKIT_GEN_FORMAT_CHUNK"] = "10000"
            try:
                self.assertEqual(generate(args, cut)[0], 0)
            finally:
                del os.environ["CQLKIT_GEN_FORMAT_CHUNK"]
            style = os.path.join(REPO, ".clang-format")
            for name in ("app_cql.h", "app_cql.c"):
                whole = subprocess.run(
                    ["clang-format", "--style=file:" + style, "--assume-filename=" + name],
                    input=read(os.path.join(raw, name)).encode(), stdout=subprocess.PIPE,
                    check=True).stdout.decode()
                self.assertEqual(whole, read(os.path.join(cut, name)), name)

    def test_list_outputs(self):
        status, out, _ = run_cli(self.ARGS + ["--list-outputs"])
        self.assertEqual((status, out), (0, "Shop_cql.c\nShop_cql.h\n"))

    def test_header_names_inputs_and_template(self):
        with tempfile.TemporaryDirectory() as tmp:
            generate(self.ARGS + ["--no-format"], tmp)
            head = read(os.path.join(tmp, "Shop_cql.h"))[:400]
            self.assertIn("cqlkit-gen", head)
            self.assertIn("keyspace.h.m4", head)
            self.assertIn("schema.cql, queries.cql", head)

    @unittest.skipUnless(shutil.which("cc"), "no C compiler")
    def test_compiles(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(generate(self.ARGS, tmp)[0], 0)
            p = subprocess.run(["cc"] + WARNINGS + [
                "-I", os.path.join(REPO, "runtime", "include"), "-I", tmp, "-fsyntax-only",
                os.path.join(tmp, "Shop_cql.c")], stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT)
            self.assertEqual(p.returncode, 0, p.stdout.decode())


class InertText(unittest.TestCase):
    NASTY = ["m4_define(CG_QUERY, $1)", "@{x}@ }@ @{", "$# $* $@ $$ $0", "a??=b??/",
             "tab\there\nnewline \"q\" \\ end", "caf\u00e9 \u2603", "CG_P(1)CG_C m4_dnl x",
             "\x01\x7f", "x\\0017"]

    def m4(self, data):
        p = subprocess.run(["m4", "-P"], input=(PRELUDE + data).encode(), stdout=subprocess.PIPE,
                           check=True)
        return p.stdout.decode()

    def test_c_strings_survive_m4(self):
        for s in self.NASTY:
            lit = c_string(s)
            out = self.m4("m4_define(@{CG_X}@, @{CG_Y(@{%s}@)}@)m4_define(@{CG_Y}@, "
                          "@{[$1]}@)CG_X" % lit)
            self.assertEqual(out[0] + out[-1], "[]", out)
            back = ast.literal_eval("b" + out[1:-1]).decode("utf-8")
            self.assertEqual(back, s)
            self.assertNotIn("??", out)

    def test_comments_are_inert(self):
        for s in self.NASTY:
            c = comment(s)
            for bad in ("*/", "/*", "$", "@", "\n", "m4_", "CG_"):
                self.assertNotIn(bad, c)


NATIVES = ["ascii", "bigint", "blob", "boolean", "date", "decimal", "double", "duration",
           "float", "inet", "int", "smallint", "text", "time", "timestamp", "timeuuid",
           "tinyint", "uuid", "varchar", "varint"]
KEYABLE = [t for t in NATIVES if t != "duration"]
ODD_NAMES = ['"Mixed Case"', '"a,b"', '"p(x)"', '"$1"', '"@{q}@"', '"CG x"', '"index"',
             '"len"', '"format"', '"define"', '"divert"', '"errprint"', '"eval"', '"include"',
             '"shift"', '"substr"', '"len_"', '"true"', '"m4 x"', '"\u00e9t\u00e9"']


class RandomPrograms(unittest.TestCase):
    """Random valid schemas (nested types, odd names, names of m4 builtins)
    and queries: the back-end must produce C that compiles, or a GenError."""

    def rand_type(self, rng, udts, depth, frozen_ctx=False):
        k = rng.random()
        if depth >= 3 or k < 0.45:
            return rng.choice(NATIVES)
        if k < 0.55 and udts:
            return "frozen<%s>" % rng.choice(udts)
        key = rng.choice(KEYABLE)
        inner = self.rand_type(rng, udts, depth + 1, True)
        inner_f = inner if not inner.startswith(("list", "set", "map", "tuple")) \
            else "frozen<%s>" % inner
        inner_ok = inner_f if "duration" not in inner_f else "int"
        form = rng.choice(["list", "set", "map", "tuple", "vector"])
        if form == "list":
            return "list<%s>" % inner_f
        if form == "set":
            return "set<%s>" % inner_ok
        if form == "map":
            return "map<%s, %s>" % (key, inner_f)
        if form == "tuple":
            return "tuple<%s, %s>" % (inner_f, rng.choice(NATIVES))
        return "vector<%s, %d>" % (rng.choice(["float", "int", "text", "bigint"]),
                                   rng.randint(1, 4))

    def program(self, rng):
        names = iter(rng.sample(ODD_NAMES, len(ODD_NAMES)))
        lines = ["CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                 "'replication_factor': 1};", "USE ks;"]
        udts = []
        for i in range(rng.randint(0, 3)):
            fields = ", ".join("f%d %s" % (j, self.rand_type(rng, udts, 1))
                               for j in range(rng.randint(1, 3)))
            lines.append("CREATE TYPE u%d (%s%s);" % (i, fields, ", %s int" % next(names)))
            udts.append("u%d" % i)
        cols = [("c%d" % j, self.rand_type(rng, udts, 0)) for j in range(rng.randint(1, 6))]
        cols.append((next(names), "text"))
        body = ", ".join("%s %s" % c for c in cols)
        lines.append("CREATE TABLE t (k %s, ck int, %s, PRIMARY KEY (k, ck));"
                     % (rng.choice(KEYABLE), body))
        cnames = ", ".join(c[0] for c in cols)
        marks = ", ".join("?" for _ in cols)
        queries = ["-- name: sel :one\nSELECT * FROM t WHERE k = ? AND ck = ?;",
                   "-- name: scan :many\nSELECT %s FROM t;" % cnames,
                   "-- name: put :exec\nINSERT INTO t (k, ck, %s) VALUES (?, ?, %s);"
                   % (cnames, marks),
                   "-- name: put_b :batch\nINSERT INTO t (k, ck, %s) VALUES (?, ?, %s);"
                   % (cnames, marks),
                   "-- name: cas :lwt\nINSERT INTO t (k, ck, %s) VALUES (:k, 1, %s) "
                   "IF NOT EXISTS;" % (cols[-1][0], "'it''s $1 @{x}@ m4_eval(1)'")]
        return "\n".join(lines) + "\n", "\n\n".join(queries) + "\n"

    def test_random_programs(self):
        import random
        from cqlkit_gen.c_model import GenError
        from cqlkit_gen.cli import frontend
        from cqlkit_gen.diagnostics import Diagnostics
        from cqlkit_gen.ir import program_to_json
        rng = random.Random(int(os.environ.get("CQLKIT_FUZZ_SEED", "7")))
        accepted = 0
        with tempfile.TemporaryDirectory() as tmp:
            sp, qp = os.path.join(tmp, "s.cql"), os.path.join(tmp, "q.cql")
            for i in range(int(os.environ.get("CQLKIT_BACKEND_FUZZ_CASES", "12"))):
                schema, queries = self.program(rng)
                with open(sp, "w", encoding="utf-8") as f:
                    f.write(schema)
                with open(qp, "w", encoding="utf-8") as f:
                    f.write(queries)
                diags = Diagnostics()
                catalog, qs = frontend([sp], [qp], diags)
                if diags.error_count:
                    self.fail("front-end rejected a generated program:\n%s\n%s\n%s"
                              % (diags.render(), schema, queries))
                ir = program_to_json({"schemas": [sp], "queries": [qp]}, catalog, qs)
                out = os.path.join(tmp, "out%d" % i)
                try:
                    Backend().generate(ir, out)
                except GenError:
                    continue
                accepted += 1
                if not shutil.which("cc"):
                    continue
                p = subprocess.run(["cc"] + WARNINGS + [
                    "-I", os.path.join(REPO, "runtime", "include"), "-I", out,
                    "-fsyntax-only", os.path.join(out, "ks_cql.c")],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                self.assertEqual(p.returncode, 0, "%s\n%s\n%s"
                                 % (p.stdout.decode()[:3000], schema, queries))
        self.assertGreater(accepted, 0)


class Errors(unittest.TestCase):
    def write(self, tmp, schema, queries=None):
        sp = os.path.join(tmp, "s.cql")
        with open(sp, "w") as f:
            f.write(schema)
        args = ["--schema", sp]
        if queries is not None:
            qp = os.path.join(tmp, "q.cql")
            with open(qp, "w") as f:
                f.write(queries)
            args += ["--queries", qp]
        return args

    def test_reserved_prefix(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = self.write(tmp, "CREATE KEYSPACE k WITH replication = {'class': 'x'};\n"
                              "CREATE TABLE k.t (id int PRIMARY KEY, \"CG_X\" int);\n",
                              "-- name: q :one\nSELECT * FROM k.t WHERE id = ?;\n")
            status, _, err = run_cli(args + ["--out", os.path.join(tmp, "o")])
            self.assertEqual(status, 1)
            self.assertIn("column 'CG_X' starts with a prefix reserved", err)

    def test_missing_m4(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = self.write(tmp, "CREATE KEYSPACE k WITH replication = {'class': 'x'};\n"
                              "CREATE TYPE k.u (a int);\n")
            status, _, err = run_cli(args + ["--out", tmp, "--m4", "/nonexistent/m4"])
            self.assertEqual(status, 2)
            self.assertIn("cannot run m4", err)
            self.assertNotIn("Traceback", err)

    def test_keyspace_without_types_or_queries_writes_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = self.write(tmp, "CREATE KEYSPACE k WITH replication = {'class': 'x'};\n")
            status, out, _ = run_cli(args + ["--list-outputs"])
            self.assertEqual((status, out), (0, ""))


if __name__ == "__main__":
    unittest.main()
