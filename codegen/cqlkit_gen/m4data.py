"""The IR of one keyspace as m4 macro definitions for the templates.

Only data is produced here: lists of macro calls (CG_LIST(...),
CG_QUERY(...), ...) that the templates in codegen/templates define and
expand once per section of the output (the X-macro pattern). Every
argument is quoted with the templates' quotes (@{ }@) once per nesting
level, so text with commas or parentheses (CQL, comments) arrives intact.

User text that reaches the output is made inert: C strings escape '@', '$'
and the start of words the templates reserve; comments drop them."""

import os
import re

from .c_model import GenError, KeyspaceModel, check_word

OPEN, CLOSE = "@{", "}@"

# Param roles whose marker must be bound: Cassandra rejects an unset value
# there (keys, restrictions, conditions).
REQUIRED_ROLES = {"key", "key_value", "filter", "in_value", "in_list", "token",
                  "contains", "element_key", "delete_element", "condition"}

BATCH_TYPES = {"logged": "CQL_BATCH_LOGGED", "unlogged": "CQL_BATCH_UNLOGGED",
               "counter": "CQL_BATCH_COUNTER"}


def q(text, depth):
    return OPEN * depth + str(text) + CLOSE * depth


def call(name, args, depth):
    return "%s(%s)" % (name, ", ".join(q(a, depth) for a in args))


_RESERVED_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_])(CG_|m4_)")


def c_string(s):
    """A C string literal for `s` that m4 passes through untouched."""
    out = ['"']
    data = s.encode("utf-8")
    prev_octal = False
    for i, b in enumerate(data):
        ch = chr(b)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif b < 0x20 or b >= 0x7f or ch in "@$" or (ch == "?" and data[i + 1:i + 2] == b"?"):
            out.append("\\%03o" % b)
            prev_octal = True
            continue
        elif prev_octal and ch in "01234567":
            out.append("\\%03o" % b)
            continue
        else:
            out.append(ch)
        prev_octal = False
    out.append('"')
    text = "".join(out)
    # Break words the templates or m4 would expand (CG_x, m4_x): escape
    # their first letter.
    return _RESERVED_IN_TEXT.sub(lambda m: "\\%03o%s" % (ord(m.group(1)[0]),
                                                         m.group(1)[1:]), text)


def comment(s):
    """Text safe inside a C comment and inert for m4."""
    s = s.replace("*/", "* /").replace("/*", "/ *").replace("@", "(at)")
    s = s.replace("$", "(dollar)").replace("\n", " ")
    return _RESERVED_IN_TEXT.sub(lambda m: m.group(1)[0] + " " + m.group(1)[1:], s)


def _bool(v):
    return "1" if v else "0"


class KeyspaceData:
    """Builds the m4 input for one keyspace."""

    def __init__(self, ks_json, queries, inputs):
        self.model = KeyspaceModel(ks_json)
        self.queries = queries
        self.inputs = inputs
        self.query_calls = [self._query(qj) for qj in queries]

    # -- queries -------------------------------------------------------
    def _query(self, qj):
        m = self.model
        qname = m.claim_name(m.prefix + "_" + check_word(qj["name"], "query"),
                             "query %s" % qj["name"])
        for suffix in ("_row", "_params", "_call", "_batch", "_cb", "_page_cb",
                       "_done_cb", "_cql", "_ids"):
            m.claim_name(qname + suffix, "query %s" % qj["name"])
        params = []
        for i, p in enumerate(qj["params"]):
            t = m.ref(p["type"])
            required = p["role"] in REQUIRED_ROLES
            params.append(call("CG_P", [
                i, check_word(p["field"], "parameter"), t.kind, t.cname,
                _bool(p["nullable"]), _bool(required),
                comment("%s %s (%s)" % (p["name"], t.cql, p["role"].replace("_", " ")))], 2))
        cols = []
        for i, c in enumerate(qj["columns"]):
            t = m.ref(c["type"])
            cols.append(call("CG_C", [
                i, check_word(c["field"], "column"), t.kind, t.cname,
                _bool(c["nullable"]), c_string(c["name"]),
                comment("%s %s" % (c["name"], t.cql))], 2))
        positions = [0] * qj["bind_count"]
        for i, p in enumerate(qj["params"]):
            for pos in p["positions"]:
                positions[pos] = i
        kind = qj["kind"]
        if kind in ("one", "many", "lwt") and not cols:
            raise GenError("query %s returns no columns" % qj["name"])
        where = "%s:%d" % (os.path.basename(qj["file"]), qj["line"])
        batch = BATCH_TYPES["counter" if qj.get("counter") else "logged"]
        return call("CG_QUERY", [
            qname, kind, c_string(qj["text"]), len(params), "".join(params),
            "".join(cols), ", ".join(str(x) for x in positions),
            comment("%s :%s (%s)" % (qj["name"], kind, where)), batch], 1)

    # -- compounds -----------------------------------------------------
    def _compound(self, c):
        ch = c.children
        if c.form in ("list", "set"):
            e = ch[0]
            return call("CG_LIST", [c.cname, c.form, e.kind, e.cname, comment(c.cql)], 1)
        if c.form == "map":
            k, v = ch
            return call("CG_MAP", [c.cname, k.kind, k.cname, v.kind, v.cname,
                                   comment(c.cql)], 1)
        if c.form == "vector":
            e = ch[0]
            return call("CG_VECTOR", [c.cname, e.kind, e.cname, c.extra["dimension"],
                                      comment(c.cql)], 1)
        if c.form == "tuple":
            fields = [(("f%d" % i), "") for i in range(len(ch))]
            ks, name = "", ""
        else:
            fields = c.extra["fields"]
            ks, name = c.extra["keyspace"], c.extra["name"]
        fcalls = []
        for i, ((fid, fname), t) in enumerate(zip(fields, ch)):
            fcalls.append(call("CG_SF", [i, fid, t.kind, t.cname, c_string(fname),
                                         comment(("%s %s" % (fname, t.cql)).strip())], 2))
        return call("CG_STRUCT", [c.cname, c.form, comment(c.cql), c_string(ks),
                                  c_string(name), len(ch), "".join(fcalls)], 1)

    def render(self, header_name):
        m = self.model
        defs = [
            ("CG_PFX", m.prefix),
            ("CG_GUARD", re.sub(r"[^A-Z0-9_]", "_", header_name.upper())),
            ("CG_HEADER", header_name),
            ("CG_KEYSPACE", comment(m.name)),
            ("CG_KEYSPACE_STR", c_string(m.name)),
            ("CG_INPUTS", comment(", ".join(os.path.basename(p) for p in self.inputs))),
            ("CG_NATIVES", "".join(call("CG_NATIVE", [k], 1) for k in sorted(m.natives))),
            ("CG_COMPOUNDS", "".join(self._compound(c) for c in m.compounds)),
            ("CG_QUERIES", "".join(self.query_calls)),
            ("CG_NQUERIES", str(len(self.query_calls))),
        ]
        lines = ["m4_define(%s, %s)m4_dnl" % (q(n, 1), q(v, 1)) for n, v in defs]
        return "\n".join(lines) + "\n"
