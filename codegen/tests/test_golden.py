"""Golden tests: --dump-ir output, and the exact diagnostics for bad inputs.

Regenerate with CQLKIT_UPDATE_GOLDEN=1 (then review the diff)."""

import os
import unittest

from tests.util import GOLDEN, REPO, check_golden, run_cli

BAD = os.path.join(GOLDEN, "bad")
IR = os.path.join(GOLDEN, "ir")


def bad_cases():
    """schema_*.cql run alone; *.queries.cql run against _schema.cql."""
    return sorted(f for f in os.listdir(BAD) if f.endswith(".cql") and not f.startswith("_"))


class IrGoldenTest(unittest.TestCase):
    def test_golden_ir(self):
        status, out, err = run_cli(["--schema", "schema.cql", "--queries", "queries.cql",
                                    "--dump-ir"], cwd=IR)
        self.assertEqual((status, err), (0, ""))
        check_golden(self, os.path.join(IR, "expected.json"), out)

    def test_example_schema_ir(self):
        status, out, err = run_cli(["--schema", "schemas/app.cql", "--queries",
                                    "schemas/app_queries.cql", "--dump-ir"], cwd=REPO)
        self.assertEqual((status, err), (0, ""))
        check_golden(self, os.path.join(IR, "app.json"), out)

    def test_dump_is_stable(self):
        a = run_cli(["--schema", "schema.cql", "--queries", "queries.cql", "--dump-ir"],
                    cwd=IR)
        b = run_cli(["--schema", "schema.cql", "--queries", "queries.cql", "--dump-ir"],
                    cwd=IR)
        self.assertEqual(a, b)


class BadInputGoldenTest(unittest.TestCase):
    def test_there_are_at_least_40_cases(self):
        self.assertGreaterEqual(len(bad_cases()), 40)

    def test_bad_inputs(self):
        for case in bad_cases():
            with self.subTest(case=case):
                if case.endswith(".queries.cql"):
                    args = ["--schema", "_schema.cql", "--queries", case]
                else:
                    args = ["--schema", case]
                status, out, err = run_cli(args + ["--check-only"], cwd=BAD)
                self.assertEqual(out, "")
                self.assertEqual(status, 1, "expected a user error for %s:\n%s" % (case, err))
                self.assertNotIn("Traceback", err)
                self.assertNotIn("internal error", err)
                stem = case[:-len(".cql")]
                check_golden(self, os.path.join(BAD, stem + ".stderr"), err)

    def test_shared_schema_is_valid(self):
        self.assertEqual(run_cli(["--schema", "_schema.cql", "--check-only"], cwd=BAD),
                         (0, "", ""))


if __name__ == "__main__":
    unittest.main()
