"""Helpers shared by the codegen tests."""

import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CODEGEN = os.path.dirname(HERE)
REPO = os.path.dirname(CODEGEN)
GOLDEN = os.path.join(HERE, "golden")
UPDATE = os.environ.get("CQLKIT_UPDATE_GOLDEN") == "1"

if CODEGEN not in sys.path:
    sys.path.insert(0, CODEGEN)

from cqlkit_gen.cli import main  # noqa: E402
from cqlkit_gen.diagnostics import Diagnostics, Source  # noqa: E402


def run_cli(args, cwd=None):
    """Runs cqlkit-gen in-process; returns (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        status = main(args, stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return status, out.getvalue(), err.getvalue()


def check_golden(test, path, actual):
    """Compares `actual` with the file at `path` (or rewrites it when
    CQLKIT_UPDATE_GOLDEN=1)."""
    if UPDATE or not os.path.exists(path):
        if not UPDATE:
            test.fail("missing golden file %s (run with CQLKIT_UPDATE_GOLDEN=1)" % path)
        with open(path, "w", encoding="utf-8") as f:
            f.write(actual)
        return
    with open(path, encoding="utf-8") as f:
        expected = f.read()
    test.assertEqual(expected, actual, "differs from %s (CQLKIT_UPDATE_GOLDEN=1 "
                     "regenerates)" % os.path.relpath(path, REPO))


def frontend_text(schema, queries=None):
    """Runs the front-end on strings; returns (catalog, queries, diags)."""
    from cqlkit_gen.query_check import QueryChecker
    from cqlkit_gen.query_parser import parse_query_file
    from cqlkit_gen.schema_rules import build_catalog
    diags = Diagnostics()
    catalog = build_catalog([Source("schema.cql", schema)], diags)
    out = []
    if queries is not None:
        src = Source("queries.cql", queries)
        decls = parse_query_file(src, diags)
        out = QueryChecker(catalog, diags).check_file(src, decls)
    return catalog, out, diags
