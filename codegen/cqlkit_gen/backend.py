"""The back-end: checked IR -> per keyspace <ks>_cql.h and <ks>_cql.c.

The C shapes live in codegen/templates/*.m4; this module only hands the
IR to them as m4 data (m4data.py), runs `m4 -P` and then clang-format, so
the output is formatted like hand-written code and byte-identical for the
same input (nothing here depends on time, paths or dict order)."""

import concurrent.futures
import os
import shutil
import subprocess

from .c_model import GenError
from .m4data import KeyspaceData

HERE = os.path.dirname(os.path.abspath(__file__))
CODEGEN = os.path.dirname(HERE)
TEMPLATES = os.path.join(CODEGEN, "templates")
# m4 reads these before the data: -P builtins, quotes C never uses, no
# comment character (C's '#' lines must expand like any other text).
PRELUDE = "m4_changequote(`@{',`}@')m4_changecom()m4_dnl\n"


class ToolError(Exception):
    """m4 or clang-format failed: a usage/internal error (exit 2)."""


def style_file(templates):
    """The .clang-format to use: the source tree's, or the copy installed
    next to the templates."""
    for cand in (os.path.join(os.path.dirname(os.path.dirname(templates)), ".clang-format"),
                 os.path.join(templates, ".clang-format")):
        if os.path.isfile(cand):
            return cand
    return None


def _run(argv, data, what):
    try:
        p = subprocess.run(argv, input=data.encode("utf-8"), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
    except OSError as e:
        raise ToolError("cannot run %s (%s): %s" % (what, argv[0], e.strerror or e))
    if p.returncode != 0:
        raise ToolError("%s failed (status %d): %s" % (
            what, p.returncode, p.stderr.decode("utf-8", "replace").strip()))
    return p.stdout.decode("utf-8")


class Backend:
    def __init__(self, templates=TEMPLATES, m4="m4", clang_format="clang-format",
                 format_output=True):
        self.templates = templates
        self.m4 = m4
        self.clang_format = clang_format if format_output else None
        if self.clang_format and not shutil.which(self.clang_format):
            self.clang_format = None
        self.style = style_file(templates)

    def expand(self, data, template):
        src = PRELUDE + data + "m4_include(@{%s}@)m4_dnl\n" % template
        return _run([self.m4, "-P", "-I", self.templates], src, "m4")

    def format(self, text, name):
        """clang-format in pieces of about CHUNK_CHARS cut before query
        sections, run on every core: the sections are independent top-level
        code, so the result is what formatting the whole file gives (a test
        checks it), and a 500-table schema's 16 MB of output, where
        clang-format is nearly all the generation time, takes half as long
        on two cores."""
        if not self.clang_format or not self.style:
            return text
        argv = [self.clang_format, "--style=file:" + self.style, "--assume-filename=" + name]
        chunks = _sections(text, int(os.environ.get("CQLKIT_GEN_FORMAT_CHUNK", CHUNK_CHARS)))
        if len(chunks) == 1:
            return _run(argv, text, "clang-format")
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            parts = list(pool.map(lambda c: _run(argv, c, "clang-format"), chunks))
        # clang-format drops the blank line at the end of a piece, which in
        # the whole file separates it from the next section.
        return "".join(p.rstrip("\n") + "\n\n" for p in parts[:-1]) + parts[-1]

    def generate(self, ir, out_dir, write=True):
        """Writes the files (unless `write` is false); returns their paths
        (sorted)."""
        inputs = list(ir["inputs"].get("schemas", [])) + list(ir["inputs"].get("queries", []))
        by_ks = {}
        for qj in ir["queries"]:
            by_ks.setdefault(qj["keyspace"], []).append(qj)
        outputs = {}
        for ks in ir["keyspaces"]:
            queries = by_ks.get(ks["name"], [])
            if not ks["types"] and not queries:
                continue
            data = KeyspaceData(ks, queries, inputs)
            base = data.model.prefix + "_cql"
            header = base + ".h"
            text = data.render(header)
            for name, template in ((header, "keyspace.h.m4"), (base + ".c", "keyspace.c.m4")):
                if name in outputs:
                    raise GenError("two keyspaces map to the same file %s" % name)
                outputs[name] = self.format(self.expand(text, template), name) if write else ""
        if not write:
            return [os.path.join(out_dir, n) for n in sorted(outputs)]
        os.makedirs(out_dir, exist_ok=True)
        paths = []
        for name in sorted(outputs):
            path = os.path.join(out_dir, name)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(outputs[name])
            paths.append(path)
        return paths


# Section boundaries the templates emit (a comment opening each query), and
# the size formatted in one clang-format run.
SECTION = "\n/* ==== "
CHUNK_CHARS = 200000


def _sections(text, limit):
    """Splits `text` before section comments into pieces of about `limit`
    characters (the split points depend only on the text)."""
    chunks = []
    start = 0
    while len(text) - start > limit:
        cut = text.find(SECTION, start + limit)
        if cut < 0:
            break
        chunks.append(text[start:cut + 1])
        start = cut + 1
    chunks.append(text[start:])
    return chunks
