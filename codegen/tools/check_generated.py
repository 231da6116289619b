#!/usr/bin/env python3
"""Regenerates generated/ from schemas/app.cql + schemas/app_queries.cql into
a temporary directory and fails on any difference with the committed copy.

usage: check_generated.py REPO_ROOT [--update]
Exit 0 same, 1 different (a unified diff on stdout), 77 skipped (no
clang-format: the committed files are formatted)."""

import difflib
import os
import shutil
import subprocess
import sys
import tempfile

INPUTS = ["--schema", "schemas/app.cql", "--queries", "schemas/app_queries.cql"]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    repo = os.path.abspath(argv[1])
    update = "--update" in argv[2:]
    if not shutil.which("clang-format"):
        print("clang-format not found: skipped")
        return 77
    committed = os.path.join(repo, "generated")
    with tempfile.TemporaryDirectory(prefix="cqlkit-gen-") as tmp:
        out = committed if update else tmp
        gen = os.path.join(repo, "codegen", "cqlkit-gen")
        p = subprocess.run([sys.executable, "-B", gen] + INPUTS + ["--out", out], cwd=repo)
        if p.returncode != 0:
            print("cqlkit-gen failed with status %d" % p.returncode)
            return 1
        if update:
            return 0
        names = sorted(set(os.listdir(tmp)) | set(
            n for n in os.listdir(committed) if n.endswith((".c", ".h"))))
        status = 0
        for n in names:
            a_path, b_path = os.path.join(committed, n), os.path.join(tmp, n)
            a = open(a_path, encoding="utf-8").read() if os.path.exists(a_path) else ""
            b = open(b_path, encoding="utf-8").read() if os.path.exists(b_path) else ""
            if a != b:
                status = 1
                sys.stdout.writelines(difflib.unified_diff(
                    a.splitlines(True), b.splitlines(True), "generated/" + n,
                    "regenerated/" + n))
        if status:
            print("generated/ is stale: run codegen/tools/check_generated.py . --update")
        return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
