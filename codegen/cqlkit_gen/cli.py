"""Command line: cqlkit-gen --schema FILE... [--queries FILE...] --out DIR.

Exit status: 0 success, 1 errors in the input (diagnostics on stderr),
2 bad usage or an internal error (never a Python traceback)."""

import argparse
import json
import os
import sys

from .backend import TEMPLATES, Backend, ToolError
from .c_model import GenError
from .diagnostics import Diagnostics, Source
from .ir import program_to_json
from .query_check import QueryChecker
from .query_parser import parse_query_file
from .schema_rules import build_catalog


class _Usage(Exception):
    pass


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):
        raise _Usage(message)


def _parser():
    p = _ArgParser(prog="cqlkit-gen",
                   description="Check CQL schemas and annotated queries; generate typed C.")
    p.add_argument("--schema", action="append", default=[], metavar="FILE",
                   help="schema file (CREATE KEYSPACE/TYPE/TABLE...); repeatable, "
                        "applied in order")
    p.add_argument("--queries", action="append", default=[], metavar="FILE",
                   help="annotated query file; repeatable")
    p.add_argument("--out", metavar="DIR", help="output directory for generated code")
    p.add_argument("--check-only", action="store_true",
                   help="parse and check only; write nothing")
    p.add_argument("--dump-ir", action="store_true",
                   help="print the checked intermediate representation as JSON")
    p.add_argument("--m4", default="m4", metavar="PATH", help="the m4 program (GNU m4)")
    p.add_argument("--clang-format", default="clang-format", metavar="PATH",
                   help="clang-format used to format the output (skipped when missing)")
    p.add_argument("--no-format", action="store_true",
                   help="write the output as the templates produce it")
    p.add_argument("--list-outputs", action="store_true",
                   help="print the names of the files --out would receive, one a line, "
                        "and write nothing (for build systems)")
    p.add_argument("--templates", metavar="DIR", help="template directory (default: "
                   "codegen/templates next to the generator)")
    return p


def _read(path, diags):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        diags.global_error("cannot read '%s': %s" % (path, e.strerror or e))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        diags.global_error("'%s' is not valid UTF-8 (byte offset %d)" % (path, e.start))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return Source(path, text)


def frontend(schema_paths, query_paths, diags):
    """Runs parsing and checking. Returns (catalog, queries)."""
    schemas = [s for s in (_read(p, diags) for p in schema_paths) if s is not None]
    queries_src = [s for s in (_read(p, diags) for p in query_paths) if s is not None]
    catalog = build_catalog(schemas, diags)
    checker = QueryChecker(catalog, diags)
    queries = []
    seen = {}
    for src in queries_src:
        decls = parse_query_file(src, diags)
        for d in decls:
            if d.name in seen:
                prev_src, prev_off = seen[d.name]
                diags.error(src, d.name_start, "duplicate query name '%s'" % d.name,
                            len(d.name)).note(prev_src, prev_off,
                                              "previous definition is here", len(d.name))
            else:
                seen[d.name] = (src, d.name_start)
        queries.extend(checker.check_file(src, decls))
    return catalog, queries


def main(argv=None, stdout=None, stderr=None):
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        try:
            args = _parser().parse_args(argv)
        except _Usage as e:
            stderr.write("cqlkit-gen: error: %s\n" % e)
            stderr.write("usage: cqlkit-gen --schema FILE [--schema FILE...] "
                         "[--queries FILE...] --out DIR [--check-only] [--dump-ir]\n")
            return 2
        if not args.schema:
            stderr.write("cqlkit-gen: error: at least one --schema FILE is required\n")
            return 2
        if args.out is None and not (args.check_only or args.dump_ir or args.list_outputs):
            stderr.write("cqlkit-gen: error: --out DIR is required (or --check-only)\n")
            return 2
        diags = Diagnostics()
        catalog, queries = frontend(args.schema, args.queries, diags)
        stderr.write(diags.render())
        if diags.error_count:
            return 1
        ir = program_to_json({"schemas": args.schema, "queries": args.queries},
                             catalog, queries)
        if args.dump_ir:
            stdout.write(json.dumps(ir, sort_keys=True, indent=2, ensure_ascii=False))
            stdout.write("\n")
        if args.list_outputs or (args.out is not None and not args.check_only):
            backend = Backend(templates=args.templates or TEMPLATES, m4=args.m4,
                              clang_format=args.clang_format,
                              format_output=not args.no_format)
            try:
                paths = backend.generate(ir, args.out or ".", write=not args.list_outputs)
                if args.list_outputs:
                    for path in paths:
                        stdout.write(os.path.basename(path) + "\n")
            except GenError as e:
                stderr.write("cqlkit-gen: error: %s\n" % e)
                return 1
            except (ToolError, OSError) as e:
                stderr.write("cqlkit-gen: error: %s\n" % e)
                return 2
        return 0
    except KeyboardInterrupt:
        stderr.write("cqlkit-gen: interrupted\n")
        return 2
    except RecursionError:
        stderr.write("cqlkit-gen: error: input nested too deeply\n")
        return 1
    except Exception as e:  # noqa: BLE001 - the last line of defence
        stderr.write("cqlkit-gen: internal error: %s: %s\n" % (type(e).__name__, e))
        return 2
