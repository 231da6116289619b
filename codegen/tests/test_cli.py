"""The command line as a user and CMake run it: a real process."""

import os
import subprocess
import tempfile
import unittest

from tests.util import CODEGEN, REPO

EXE = os.path.join(CODEGEN, "cqlkit-gen")


def run(*args, cwd=REPO):
    p = subprocess.run([EXE] + list(args), cwd=cwd, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


class CliTest(unittest.TestCase):
    def test_success_prints_nothing(self):
        self.assertEqual(run("--schema", "schemas/app.cql", "--queries",
                             "schemas/app_queries.cql", "--check-only"), (0, "", ""))

    def test_out_dir_accepted(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run("--schema", "schemas/app.cql", "--out", d)[0], 0)

    def test_user_error_exits_1_with_location(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.cql")
            with open(path, "w") as f:
                f.write("CREATE KEYSPACE k WITH replication = {'class': 'SimpleStrategy', "
                        "'replication_factor': 1};\nCREATE TABLE k.t (id int);\n")
            status, out, err = run("--schema", "s.cql", "--check-only", cwd=d)
        self.assertEqual(status, 1)
        self.assertTrue(err.startswith("s.cql:2:14: error: No PRIMARY KEY specifed"), err)

    def test_missing_file(self):
        status, _out, err = run("--schema", "does/not/exist.cql", "--check-only")
        self.assertEqual(status, 1)
        self.assertIn("cannot read 'does/not/exist.cql'", err)

    def test_usage_errors_exit_2(self):
        self.assertEqual(run()[0], 2)
        self.assertEqual(run("--schema", "schemas/app.cql")[0], 2)   # no --out
        status, _o, err = run("--bogus")
        self.assertEqual(status, 2)
        self.assertNotIn("Traceback", err)

    def test_binary_input_is_a_diagnostic(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "b.cql")
            with open(path, "wb") as f:
                f.write(b"\xff\xfe\x00garbage")
            status, _o, err = run("--schema", path, "--check-only")
        self.assertEqual(status, 1)
        self.assertIn("not valid UTF-8", err)

    def test_deep_nesting_is_not_a_traceback(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deep.cql")
            with open(path, "w") as f:
                f.write("CREATE TABLE t (k int PRIMARY KEY, v " + "frozen<list<" * 1000 +
                        "int" + ">>" * 1000 + ");")
            status, _o, err = run("--schema", path, "--check-only")
        self.assertEqual(status, 1)
        self.assertNotIn("Traceback", err)


if __name__ == "__main__":
    unittest.main()
