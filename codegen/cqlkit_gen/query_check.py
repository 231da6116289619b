"""Checks annotated queries against the catalog and infers every bind
marker's type, producing ir.Query objects.

Bind marker names: `:name` keeps its name; `?` takes the name of what it
binds to (the column; `limit`, `per_partition_limit`, `ttl`, `timestamp`,
`token`; `<col>_key`/`<col>_index`/`<col>_value` for collection elements;
`<col>_<field>` for a UDT field). When that name is already taken in the
query (by a named marker, or an earlier `?`), the second gets `_2`, the
third `_3`, and so on, in text order. A `:name` used several times in one
statement is one parameter bound at several positions."""

import keyword
import re

from . import cql_types as T
from .cql_types import BIGINT, BOOLEAN, INT, TEXT, CqlType, LITERAL_TARGETS
from .diagnostics import CqlError, did_you_mean
from .ir import Lwt, Param, Query, ResultColumn
from .parser_base import Call, Cast, Collection, Lit, Marker, Null
from .schema import CLUSTERING, PARTITION_KEY, STATIC

_FILTERING = ("Cannot execute this query as it might involve data filtering and thus "
              "may have unpredictable performance. If you want to execute this query "
              "despite the performance unpredictability, use ALLOW FILTERING")

_C_WORDS = set("""auto break case char const continue default do double else enum
extern float for goto if inline int long register restrict return short signed sizeof
static struct switch typedef union unsigned void volatile while bool true false
_Bool _Complex _Imaginary NULL""".split())


def c_ident(name):
    """A C identifier for a column or marker name: runs of other characters
    become one '_', a leading `system.` is dropped, C keywords get a '_'."""
    if name.startswith("system."):
        name = name[len("system."):]
    s = re.sub(r"[^A-Za-z0-9_]+", "_", name)
    if s != name:
        s = s.strip("_")
    if not s:
        s = "col"
    if s[0].isdigit():
        s = "_" + s
    if s in _C_WORDS or keyword.iskeyword(s):
        s += "_"
    return s


class _Skip(Exception):
    """The query refers to something whose definition already failed."""


def _err(node, message):
    start = node.start
    return CqlError(start, message, max(1, node.end - start))


def _n(t):
    return CqlType(t)


# Native scalar functions usable in terms and selectors: name -> (arg types
# or None when overloaded, return type).
_FUNCS = {
    "now": ([], _n("timeuuid")), "uuid": ([], _n("uuid")),
    "currenttimestamp": ([], _n("timestamp")), "currentdate": ([], _n("date")),
    "currenttime": ([], _n("time")), "currenttimeuuid": ([], _n("timeuuid")),
    "mintimeuuid": ([_n("timestamp")], _n("timeuuid")),
    "maxtimeuuid": ([_n("timestamp")], _n("timeuuid")),
    "totimestamp": (None, _n("timestamp")), "todate": (None, _n("date")),
    "tounixtimestamp": (None, BIGINT),
    "dateof": ([_n("timeuuid")], _n("timestamp")),
    "unixtimestampof": ([_n("timeuuid")], BIGINT),
    "tojson": (None, TEXT),
}
for _t in T.NATIVE:
    if _t not in ("counter",):
        _FUNCS[_t + "asblob"] = ([_n(_t)], _n("blob"))
        _FUNCS["blobas" + _t] = ([_n("blob")], _n(_t))
_FUNCS["varcharasblob"] = ([TEXT], _n("blob"))
_FUNCS["blobasvarchar"] = ([_n("blob")], TEXT)


def _assignable(src, dst):
    if src == dst or dst.kind == "custom":
        return True
    if src.kind == dst.kind and src.params == dst.params and src.name == dst.name:
        return True   # frozen-ness does not matter for a whole value
    return (src.kind, dst.kind) in (("timeuuid", "uuid"), ("ascii", "text"))


class _Stmt:
    """Per-statement state: the table and the markers seen so far."""

    def __init__(self, table):
        self.table = table
        self.markers = []   # (Marker, type, role, column, nullable, default name)
        self.restricted = {}   # column -> [ops]
        self.restriction_at = {}
        self.token = None
        self.conditions = []   # condition column names in order


class QueryChecker:
    def __init__(self, catalog, diags):
        self.catalog = catalog
        self.diags = diags
        self.source = None

    def check_file(self, source, decls):
        self.source = source
        out = []
        for d in decls:
            try:
                out.append(self.check(d))
            except CqlError as e:
                self.diags.from_exc(source, e)
            except _Skip:
                pass
        return out

    # Names -----------------------------------------------------------------
    def table_of(self, qname):
        if qname.keyspace:
            ks = self.catalog.keyspaces.get(qname.keyspace)
            if ks is None:
                raise CqlError(qname.ks_start, "Keyspace '%s' doesn't exist%s" % (
                    qname.keyspace, did_you_mean(qname.keyspace, self.catalog.keyspaces)),
                    len(qname.keyspace))
            table = ks.tables.get(qname.name)
            if table is None:
                raise CqlError(qname.name_start, "unconfigured table %s%s" % (
                    qname.name, did_you_mean(qname.name, ks.tables)),
                    qname.end - qname.name_start)
        else:
            found = self.catalog.tables_named(qname.name)
            if not found:
                raise _err(qname, "unconfigured table %s%s" % (
                    qname.name, did_you_mean(qname.name, self.catalog.all_table_names())))
            if len(found) > 1:
                raise _err(qname, "table name '%s' is ambiguous: it exists in keyspaces %s; "
                           "qualify it" % (qname.name, ", ".join(sorted(t.keyspace
                                                                       for t in found))))
            table = found[0]
        if table.broken:
            raise _Skip()
        return table

    def column(self, table, tok):
        c = table.columns.get(tok.value)
        if c is None:
            raise _err(tok, "Undefined column name %s in table %s%s" % (
                T.quote_ident(tok.value), table, did_you_mean(tok.value, table.columns)))
        return c

    # Values and markers ----------------------------------------------------
    def bind(self, st, term, t, role, column, name, nullable, rname=None):
        """Type-checks `term` against receiver type t, recording markers."""
        rname = rname or name
        if isinstance(term, Marker):
            st.markers.append((term, t, role, column, nullable, name))
            return
        if isinstance(term, Null):
            if t.is_counter:
                raise _err(term, "Invalid null value for counter increment/decrement")
            return
        if isinstance(term, Lit):
            if t.kind == "custom" or t.kind in LITERAL_TARGETS[term.kind]:
                return
            text = term.value if term.kind == "string" else term.text
            if term.kind == "boolean":
                text = term.text.lower()
            raise _err(term, 'Invalid %s constant (%s) for "%s" of type %s' % (
                term.kind.upper(), text, rname, t.cql()))
        if isinstance(term, Collection):
            self._bind_collection(st, term, t, role, column, name, rname)
            return
        if isinstance(term, Cast):
            ct = CqlType(term.type.kind) if term.type.kind in T.NATIVE else None
            if ct is None:
                raise _err(term, "casts are only supported to native types")
            if not isinstance(term.term, Marker):
                self.bind(st, term.term, ct, role, column, name, nullable, rname)
            else:
                st.markers.append((term.term, ct, role, column, nullable, name))
            if not _assignable(ct, t):
                raise _err(term, "Type error: cannot assign a value of type %s to %s (type %s)"
                           % (ct.cql(), rname, t.cql()))
            return
        if isinstance(term, Call):
            ret = self._bind_call(st, term, role, column, name, expected=t)
            if ret is not None and not _assignable(ret, t):
                raise _err(term, "Type error: cannot assign result of function %s (type %s) "
                           "to %s (type %s)" % (term.name, ret.cql(), rname, t.cql()))
            return
        raise _err(term, "unsupported value here")

    def _bind_collection(self, st, term, t, role, column, name, rname):
        k = term.kind
        if k == "list":
            if t.kind == "list":
                for i in term.items:
                    self.bind(st, i, t.params[0], role, column, name, False, rname)
                return
            if t.kind == "vector":
                if len(term.items) != t.dimension:
                    raise _err(term, "Invalid vector literal for %s of type %s; expected %d "
                               "elements, but given %d" % (rname, t.cql(), t.dimension,
                                                            len(term.items)))
                for i in term.items:
                    self.bind(st, i, t.params[0], role, column, name, False, rname)
                return
            raise _err(term, "Invalid list literal for %s of type %s" % (rname, t.cql()))
        if k == "set":
            if t.kind == "set":
                for i in term.items:
                    self.bind(st, i, t.params[0], role, column, name, False, rname)
                return
            raise _err(term, "Invalid set literal for %s of type %s" % (rname, t.cql()))
        if k == "map":
            if not term.items and t.kind in ("set", "map"):
                return
            if t.kind == "map":
                for (kk, vv) in term.items:
                    self.bind(st, kk, t.params[0], role, column, name + "_key", False, rname)
                    self.bind(st, vv, t.params[1], role, column, name + "_value", False, rname)
                return
            raise _err(term, "Invalid map literal for %s of type %s" % (rname, t.cql()))
        if k == "udt":
            if t.kind != "udt":
                raise _err(term, "Invalid user type literal for %s of type %s" % (
                    rname, t.cql()))
            ut = self.catalog.user_type(t.keyspace, t.name)
            for (fname, fv) in term.items:
                ft = ut.field(fname)
                if ft is None:
                    raise _err(fv, "Unknown field '%s' in value of user defined type %s%s" % (
                        fname, t.name, did_you_mean(fname, [n for (n, _t) in ut.fields])))
                self.bind(st, fv, ft, role, column, "%s_%s" % (name, fname), True,
                          "%s.%s" % (rname, fname))
            return
        if k == "tuple":
            if t.kind != "tuple":
                raise _err(term, "Invalid tuple type literal for %s of type %s" % (
                    rname, t.cql()))
            if len(term.items) > len(t.params):
                raise _err(term, "Invalid tuple literal for %s: too many elements. Type %s "
                           "expects %d but got %d" % (rname, t.cql(), len(t.params),
                                                      len(term.items)))
            for i, (item, et) in enumerate(zip(term.items, t.params)):
                self.bind(st, item, et, role, column, "%s_%d" % (name, i), True, rname)
            return

    def _function(self, table, name):
        """(arg types or None, return type) for a native or user function."""
        if name in _FUNCS:
            return _FUNCS[name]
        if "." in name:
            ksn, fn = name.split(".", 1)
            ks = self.catalog.keyspaces.get(ksn)
        else:
            ks, fn = self.catalog.keyspaces.get(table.keyspace), name
        if ks is not None and fn in ks.functions:
            f = ks.functions[fn]
            return f.arg_types, f.return_type
        return None

    def _bind_call(self, st, call, role, column, name, expected=None):
        if call.name == "fromjson":
            if len(call.args) != 1:
                raise _err(call, "fromJson() takes exactly 1 argument, %d given"
                           % len(call.args))
            self.bind(st, call.args[0], TEXT, role, column, name, False)
            return expected
        sig = self._function(st.table, call.name)
        if sig is None:
            raise _err(call, "Unknown function '%s'%s" % (call.name, did_you_mean(
                call.name, list(_FUNCS))))
        args, ret = sig
        if args is not None and len(args) != len(call.args):
            raise _err(call, "Invalid number of arguments in call to function %s: %d "
                       "required but %d provided" % (call.name, len(args), len(call.args)))
        for i, a in enumerate(call.args):
            if args is None:
                if any(True for _ in _markers_in(a)):
                    raise _err(a, "cannot infer the type of the bind marker in argument %d "
                               "of %s(); cast it, e.g. (timestamp)?" % (i + 1, call.name))
                continue
            self.bind(st, a, args[i], role, column, name, False,
                      "%s(arg %d)" % (call.name, i))
        return ret

    # Queries ---------------------------------------------------------------
    def check(self, d):
        s = d.stmt
        if d.kind in ("one", "many") and s.stmt != "select":
            raise CqlError(d.kind_start, "query kind ':%s' reads rows, but this is %s "
                           "statement; use :exec, :batch or :lwt" % (d.kind, _an(s.stmt)),
                           len(d.kind) + 1)
        if s.stmt == "select" and d.kind not in ("one", "many"):
            raise CqlError(d.kind_start, "a SELECT must be annotated :one or :many, not "
                           ":%s" % d.kind, len(d.kind) + 1)
        if d.kind == "batch" and s.stmt == "batch":
            raise CqlError(d.kind_start, "':batch' makes a batch builder from one INSERT, "
                           "UPDATE or DELETE; annotate a BEGIN BATCH statement :exec "
                           "(or :lwt)", len(d.kind) + 1)
        if s.stmt == "select":
            return self.check_select(d, s)
        return self.check_modification(d, s)

    def _finish(self, d, st, stmt_kind, columns, lwt=None, counter=False, batch_type=None):
        params = self._params(st)
        line = self.source.line_col(d.start)[0]
        return Query(name=d.name, kind=d.kind, statement=stmt_kind,
                     keyspace=st.table.keyspace, table=st.table.name, text=d.text,
                     file=self.source.name, line=line, params=params,
                     bind_count=len(st.markers), columns=columns, lwt=lwt,
                     counter=counter, batch_type=batch_type)

    def _params(self, st):
        marks = sorted(st.markers, key=lambda m: m[0].start)
        params = []
        by_name = {}
        taken = {m[0].name for m in marks if m[0].name is not None}
        used = set()
        for pos, (mk, t, role, column, nullable, dname) in enumerate(marks):
            if mk.name is not None:
                p = by_name.get(mk.name)
                if p is not None:
                    if p.type != t:
                        raise _err(mk, "bind marker ':%s' is used with different types "
                                   "(%s and %s)" % (mk.name, p.type.cql(), t.cql()))
                    p.positions.append(pos)
                    p.nullable = p.nullable and nullable
                    continue
                name = mk.name
            else:
                name = dname
                n = 2
                while name in taken or name in used:
                    name = "%s_%d" % (dname, n)
                    n += 1
            used.add(name)
            p = Param(name=name, field="", type=t, nullable=nullable, role=role,
                      column=column, positions=[pos])
            if mk.name is not None:
                by_name[mk.name] = p
            params.append(p)
        fields = set()
        for p in params:
            f = base = c_ident(p.name)
            n = 2
            while f in fields:
                f = "%s_%d" % (base, n)
                n += 1
            fields.add(f)
            p.field = f
        return params

    # SELECT ----------------------------------------------------------------
    def check_select(self, d, s):
        table = self.table_of(s.table)
        st = _Stmt(table)
        cols = self._select_columns(st, s)
        self._where(st, s.where)
        self._validate_select_where(st, s)
        for (ctok, _dir) in s.order_by:
            c = self.column(table, ctok)
            if c.kind != CLUSTERING:
                raise _err(ctok, "Order by is currently only supported on the clustered "
                           "columns of the PRIMARY KEY, got %s" % c.name)
        if s.order_by and not all(
                any(op in ("=", "in") for op in st.restricted.get(n, ()))
                for n in table.partition_key):
            raise _err(s.order_by[0][0], "ORDER BY is only supported when the partition key "
                       "is restricted by an EQ or an IN.")
        for gtok in s.group_by:
            c = self.column(table, gtok)
            if not c.is_primary_key:
                raise _err(gtok, "Group by is currently only supported on the columns of the "
                           "PRIMARY KEY, got %s" % c.name)
        if s.per_partition_limit is not None:
            self.bind(st, s.per_partition_limit, INT, "per_partition_limit", None,
                      "per_partition_limit", False, "[per_partition_limit]")
        if s.limit is not None:
            self.bind(st, s.limit, INT, "limit", None, "limit", False, "[limit]")
        return self._finish(d, st, "select", cols)

    def _nullable(self, table, c):
        if c.kind == PARTITION_KEY:
            return False
        if c.kind == CLUSTERING:
            return table.has_statics()   # static-only rows have no clustering
        return True

    def _select_columns(self, st, s):
        table = st.table
        if s.json:
            if s.selectors is not None:
                for sel in s.selectors:
                    self._selector(st, sel.expr)
            return [ResultColumn("[json]", "json", TEXT, False, "json")]
        out = []
        if s.selectors is None:
            for c in table.select_order():
                out.append(ResultColumn(c.name, "", c.type, self._nullable(table, c),
                                        "column", c.name))
        else:
            for sel in s.selectors:
                name, t, nullable, source, column = self._selector(st, sel.expr)
                if sel.alias is not None:
                    name = sel.alias.value
                out.append(ResultColumn(name, "", t, nullable, source, column))
            if s.distinct:
                for sel in s.selectors:
                    e = sel.expr
                    if e.sel == "column":
                        c = table.columns[e.tok.value]
                        if c.kind not in (PARTITION_KEY, STATIC):
                            raise _err(e, "SELECT DISTINCT queries must only request "
                                       "partition key columns and/or static columns (not "
                                       "%s)" % c.name)
        fields = set()
        for rc in out:
            f = base = c_ident(rc.name)
            n = 2
            while f in fields:
                f = "%s_%d" % (base, n)
                n += 1
            fields.add(f)
            rc.field = f
        return out

    def _selector(self, st, e):
        """(name, type, nullable, source, column) of one selector."""
        table = st.table
        if e.sel == "column":
            c = self.column(table, e.tok)
            return c.name, c.type, self._nullable(table, c), "column", c.name
        if e.sel == "field":
            name, t, _n, _s, col = self._selector(st, e.expr)
            if t.kind != "udt":
                raise _err(e, "Invalid field selection: %s of type %s is not a user type"
                           % (name, t.cql()))
            ut = self.catalog.user_type(t.keyspace, t.name)
            ft = ut.field(e.field.value)
            if ft is None:
                raise _err(e.field, "%s of type %s has no field %s%s" % (
                    name, t.cql(), e.field.value,
                    did_you_mean(e.field.value, [n for (n, _t) in ut.fields])))
            return "%s.%s" % (name, e.field.value), ft, True, "column", col
        if e.sel == "element":
            name, t, _n, _s, col = self._selector(st, e.expr)
            if t.kind == "map":
                self.bind(st, e.key, t.params[0], "element_key", col, col + "_key", False)
                return "%s[%s]" % (name, e.key), t.params[1], True, "column", col
            if t.kind == "set":
                self.bind(st, e.key, t.params[0], "element_key", col, col + "_key", False)
                return "%s[%s]" % (name, e.key), t.params[0], True, "column", col
            raise _err(e, "Element selection is only allowed on sets and maps, but %s is a %s"
                       % (name, t.cql()))
        if e.sel == "cast":
            name, _t, nullable, _s, col = self._selector(st, e.expr)
            if e.type.kind not in T.NATIVE:
                raise _err(e, "cast() is only supported to native types")
            return ("cast(%s as %s)" % (name, e.type), CqlType(e.type.kind), nullable,
                    "function", col)
        if e.sel == "term":
            if isinstance(e.term, Marker):
                raise _err(e, "bind markers are not supported in the select clause")
            raise _err(e, "cannot infer the type of a constant in the select clause")
        if e.sel == "star":
            raise _err(e, "'*' is only allowed in count(*)")
        # Function calls.
        fname = e.name
        args = e.args
        if fname == "count":
            if len(args) == 1 and args[0].sel == "star":
                return "count", BIGINT, False, "count", None
            if len(args) == 1 and args[0].sel == "term" and isinstance(args[0].term, Lit) \
                    and args[0].term.text == "1":
                return "count", BIGINT, False, "count", None
            if len(args) != 1:
                raise _err(e, "count() takes exactly one argument")
            name, _t, _nb, _s, col = self._selector(st, args[0])
            return "system.count(%s)" % name, BIGINT, False, "count", col
        if fname in ("ttl", "writetime", "maxwritetime"):
            if len(args) != 1 or args[0].sel != "column":
                raise _err(e, "%s() takes one column" % fname)
            c = self.column(table, args[0].tok)
            if c.is_primary_key:
                raise _err(args[0], "Cannot use selection function %s on PRIMARY KEY part %s"
                           % (fname, c.name))
            if c.type.multi_cell and fname != "maxwritetime":
                raise _err(args[0], "Cannot use selection function %s on non-frozen %s %s"
                           % (fname, "collection" if c.type.is_collection else "UDT", c.name))
            t = INT if fname == "ttl" else BIGINT
            return "%s(%s)" % (fname, c.name), t, True, fname, c.name
        if fname in ("min", "max", "sum", "avg"):
            if len(args) != 1:
                raise _err(e, "%s() takes exactly one argument" % fname)
            name, t, _nb, _s, col = self._selector(st, args[0])
            if fname in ("sum", "avg") and t.kind not in (
                    "tinyint", "smallint", "int", "bigint", "varint", "decimal", "float",
                    "double", "counter"):
                raise _err(e, "Invalid call to function %s, none of its type signatures match"
                           % fname)
            return "system.%s(%s)" % (fname, name), T.strip_counter(t) if t.is_counter \
                else t, True, "function", col
        if fname == "token":
            names = []
            for a in args:
                if a.sel != "column":
                    raise _err(a, "token() in the select clause takes partition key columns")
                names.append(self.column(table, a.tok).name)
            if names != table.partition_key:
                raise _err(e, "The token function arguments must be in the partition key "
                           "order: %s" % ", ".join(table.partition_key))
            return "system.token(%s)" % ", ".join(names), BIGINT, False, "function", None
        sig = self._function(table, fname)
        if sig is None:
            raise _err(e, "Unknown function '%s'%s" % (fname, did_you_mean(
                fname, list(_FUNCS) + ["count", "ttl", "writetime", "min", "max", "sum",
                                      "avg", "token", "cast"])))
        argtypes, ret = sig
        names = []
        col = None
        for i, a in enumerate(args):
            if a.sel == "term":
                if isinstance(a.term, Marker):
                    if argtypes is None:
                        raise _err(a, "cannot infer the type of the bind marker in argument "
                                   "%d of %s()" % (i + 1, fname))
                    self.bind(st, a.term, argtypes[i], "filter", None, fname, False)
                names.append(str(a.term))
                continue
            n, t, _nb, _s, c = self._selector(st, a)
            col = col or c
            names.append(n)
            if argtypes is not None and i < len(argtypes) and not _assignable(t, argtypes[i]):
                raise _err(a, "Type error: %s cannot be passed as argument %d of function %s "
                           "of type %s" % (n, i, fname, argtypes[i].cql()))
        if argtypes is not None and len(argtypes) != len(args):
            raise _err(e, "Invalid number of arguments in call to function %s: %d required "
                       "but %d provided" % (fname, len(argtypes), len(args)))
        prefix = "" if "." in fname else "system."
        return "%s%s(%s)" % (prefix, fname, ", ".join(names)), ret, True, "function", col

    # WHERE -----------------------------------------------------------------
    def _restrict(self, st, col, op, node):
        st.restricted.setdefault(col.name, []).append(op)
        st.restriction_at.setdefault(col.name, node)

    def _where(self, st, rels):
        table = st.table
        for r in rels:
            op = r.op.value
            if r.lhs == "token":
                names = [self.column(table, c).name for c in r.cols]
                if sorted(names) != sorted(table.partition_key):
                    raise _err(r, "The token() function must be applied to all partition key "
                               "components or none of them")
                if names != table.partition_key:
                    raise _err(r, "The token function arguments must be in the partition key "
                               "order: %s" % ", ".join(table.partition_key))
                if isinstance(r.rhs, Call) and r.rhs.name == "token":
                    if len(r.rhs.args) != len(names):
                        raise _err(r.rhs, "token() needs %d arguments, one per partition key "
                                   "column" % len(names))
                    for a, n in zip(r.rhs.args, names):
                        c = table.columns[n]
                        self.bind(st, a, c.type, "key", n, n, False)
                else:
                    self.bind(st, r.rhs, BIGINT, "token", None, "token", False,
                              "partition key token")
                st.token = r
                continue
            if r.lhs == "tuple":
                cols = [self.column(table, c) for c in r.cols]
                bad = [c.name for c in cols if c.kind != CLUSTERING]
                if bad:
                    raise _err(r, "Multi-column relations can only be applied to clustering "
                               "columns but was applied to: %s" % ", ".join(bad))
                tt = T.tuple_of([c.type for c in cols])
                name = "_".join(c.name for c in cols)
                rname = "(%s)" % ",".join(c.name for c in cols)
                if op == "in":
                    if isinstance(r.rhs, Marker):
                        self.bind(st, r.rhs, T.list_of(tt), "in_list", None, name, False, rname)
                    else:
                        for item in r.rhs.in_list:
                            self._bind_tuple(st, item, cols, tt, "in_value", name, rname)
                else:
                    self._bind_tuple(st, r.rhs, cols, tt,
                                     "key" if op == "=" else "filter", name, rname)
                # A multi-column slice restricts a prefix: only its last
                # column counts as sliced.
                for i, c in enumerate(cols):
                    self._restrict(st, c, op if i == len(cols) - 1 else "=", r)
                continue
            c = self.column(table, r.col)
            if op == "is not":
                raise _err(r, "IS NOT NULL is only supported in CREATE MATERIALIZED VIEW")
            if r.key is not None:
                if c.type.kind != "map":
                    raise _err(r, "Element access is only supported on maps, but %s is a %s"
                               % (c.name, c.type.cql()))
                self.bind(st, r.key, c.type.params[0], "element_key", c.name,
                          c.name + "_key", False)
                self.bind(st, r.rhs, c.type.params[1], "filter", c.name,
                          c.name + "_value", False)
                self._restrict(st, c, "element", r)
                continue
            if op == "in":
                if isinstance(r.rhs, Marker):
                    self.bind(st, r.rhs, T.list_of(c.type), "in_list", c.name, c.name, False,
                              "in(%s)" % c.name)
                else:
                    for item in r.rhs.in_list:
                        self.bind(st, item, c.type, "in_value", c.name, c.name, False)
            elif op in ("contains", "contains key"):
                t = c.type
                if op == "contains key":
                    if t.kind != "map":
                        raise _err(r, "Cannot use CONTAINS KEY on non-map column %s" % c.name)
                    et = t.params[0]
                else:
                    if not t.is_collection:
                        raise _err(r, "Cannot use CONTAINS on non-collection column %s"
                                   % c.name)
                    et = t.params[-1]
                self.bind(st, r.rhs, et, "contains", c.name, c.name, False)
            else:
                role = "key" if op == "=" and c.is_primary_key else "filter"
                if op == "like" and c.type.kind not in ("text", "ascii"):
                    raise _err(r, "LIKE restriction is only supported on properly indexed "
                               "columns. %s is not valid." % c.name)
                self.bind(st, r.rhs, c.type, role, c.name, c.name, False)
            self._restrict(st, c, op, r)

    def _bind_tuple(self, st, term, cols, tt, role, name, rname):
        if isinstance(term, Collection) and term.kind == "tuple":
            if len(term.items) != len(cols):
                raise _err(term, "Expected %d elements in value tuple, but got %d: %s" % (
                    len(cols), len(term.items), term))
            for item, c in zip(term.items, cols):
                self.bind(st, item, c.type, role, c.name, c.name, False)
        else:
            self.bind(st, term, tt, role, None, name, False, rname)

    def _validate_select_where(self, st, s):
        table = st.table
        if s.allow_filtering:
            return
        indexed = table.indexed_columns()
        for n, node in st.restriction_at.items():
            c = table.columns[n]
            if not c.is_primary_key and n not in indexed:
                raise _err(node, _FILTERING)
        pk = table.partition_key
        restricted_pk = [n for n in pk if n in st.restricted]
        uses_index = any(n in indexed for n in st.restricted)
        if restricted_pk and len(restricted_pk) != len(pk) and st.token is None \
                and not uses_index:
            missing = [n for n in pk if n not in st.restricted]
            raise _err(st.restriction_at[restricted_pk[0]], "Partition key parts: %s must "
                       "be restricted as other parts are" % ", ".join(missing))
        for n in pk:
            if any(op not in ("=", "in") for op in st.restricted.get(n, ())):
                raise _err(st.restriction_at[n], "Only EQ and IN relation are supported on "
                           "the partition key (unless you use the token() function or allow "
                           "filtering)")
        prev_unrestricted = None
        slice_seen = None
        for n in table.clustering:
            ops = st.restricted.get(n)
            if ops is None:
                prev_unrestricted = prev_unrestricted or n
                continue
            if prev_unrestricted is not None and not uses_index:
                raise _err(st.restriction_at[n], 'PRIMARY KEY column "%s" cannot be '
                           'restricted as preceding column "%s" is not restricted'
                           % (n, prev_unrestricted))
            if slice_seen is not None and not uses_index:
                raise _err(st.restriction_at[n], 'Clustering column "%s" cannot be restricted '
                           '(preceding column "%s" is restricted by a non-EQ relation)'
                           % (n, slice_seen))
            if any(op not in ("=", "in") for op in ops):
                slice_seen = n
        if table.clustering and any(n in st.restricted for n in table.clustering) and \
                not restricted_pk and st.token is None and not uses_index:
            first = next(n for n in table.clustering if n in st.restricted)
            raise _err(st.restriction_at[first], _FILTERING)

    # Modifications ---------------------------------------------------------
    def check_modification(self, d, s):
        if s.stmt == "batch":
            return self.check_batch(d, s)
        st, has_if, lwt, counter = self.check_one_mod(s, in_batch=False)
        if has_if and d.kind != "lwt":
            raise _err(s.if_tok if s.stmt != "insert" else s.if_not_exists,
                       "a statement with an IF clause returns whether it was applied; "
                       "annotate it :lwt (not :%s)" % d.kind)
        if d.kind == "lwt" and not has_if:
            raise CqlError(d.kind_start, "':lwt' query has no IF clause (IF NOT EXISTS, IF "
                           "EXISTS or IF <condition>)", 4)
        columns = []
        if lwt is not None:
            columns = [ResultColumn("[applied]", "applied", BOOLEAN, False, "applied")] + \
                lwt.columns
        return self._finish(d, st, s.stmt, columns, lwt, counter)

    def _lwt_columns(self, table, names):
        out = []
        fields = {"applied"}
        for n in names:
            c = table.columns[n]
            f = base = c_ident(n)
            k = 2
            while f in fields:
                f = "%s_%d" % (base, k)
                k += 1
            fields.add(f)
            out.append(ResultColumn(n, f, c.type, True, "column", n))
        return out

    def check_one_mod(self, s, in_batch, st=None):
        """Checks one INSERT/UPDATE/DELETE. Returns (st, has_if, lwt, counter)."""
        table = self.table_of(s.table)
        if st is None:
            st = _Stmt(table)
        else:
            st.table = table
            st.restricted, st.restriction_at, st.token = {}, {}, None
            st.conditions = []
        if table.is_view:
            raise _err(s.table, "Cannot directly modify a materialized view")
        kind = s.stmt
        if kind == "insert" and table.is_counter:
            raise _err(s.table, "INSERT statements are not allowed on counter tables, use "
                       "UPDATE instead")
        static_only = False
        if kind == "insert":
            static_only = self._insert(st, s)
        elif kind == "update":
            static_only = self._update(st, s)
        else:
            static_only = self._delete(st, s)
        if kind != "insert":
            self._where(st, s.where)
            self._validate_mod_where(st, s, static_only)
        for (what, tok, term) in s.using:
            if table.is_counter:
                raise _err(tok, "Cannot provide custom %s for counter updates"
                           % ("TTL" if what == "ttl" else "timestamp"))
            if what == "ttl":
                self.bind(st, term, INT, "ttl", None, "ttl", False, "[ttl]")
            else:
                self.bind(st, term, BIGINT, "timestamp", None, "timestamp", False,
                          "[timestamp]")
        has_if = bool(s.if_not_exists if kind == "insert" else
                      (s.if_exists or s.conditions))
        lwt = None
        if has_if:
            if table.is_counter:
                raise _err(s.if_not_exists if kind == "insert" else s.if_tok,
                           "Conditional updates are not supported on counter tables")
            for (what, tok, _term) in s.using:
                if what == "timestamp":
                    raise _err(tok, "Cannot provide custom timestamp for conditional updates")
            if kind != "insert" and s.conditions:
                self._conditions(st, s.conditions)
                names = list(st.conditions)
                if in_batch:
                    names = table.partition_key + table.clustering + \
                        [n for n in names if n not in table.partition_key + table.clustering]
                lwt = Lwt("columns", self._lwt_columns(table, names))
            else:
                names = [c.name for c in table.select_order()]
                lwt = Lwt("if_not_exists" if kind == "insert" else "if_exists",
                          self._lwt_columns(table, names))
        return st, has_if, lwt, table.is_counter

    def _insert(self, st, s):
        table = st.table
        if s.json is not None:
            self.bind(st, s.json, TEXT, "value", None, "json", False, "[json]")
            return False
        seen = set()
        for ctok in s.columns:
            if ctok.value in seen:
                raise _err(ctok, "The column names contains duplicates")
            seen.add(ctok.value)
        if len(s.columns) != len(s.values):
            node = s.values[min(len(s.values), len(s.columns)) - 1] if s.values else s.table
            raise _err(node, "Unmatched column names/values")
        cols = [self.column(table, ctok) for ctok in s.columns]
        for c, v in zip(cols, s.values):
            if c.is_primary_key:
                self.bind(st, v, c.type, "key_value", c.name, c.name, False)
            else:
                self.bind(st, v, c.type, "value", c.name, c.name, True)
        names = {c.name for c in cols}
        missing = [n for n in table.partition_key if n not in names]
        if missing:
            raise _err(s.table, "Some partition key parts are missing: %s" % ", ".join(missing))
        ops = [c for c in cols if not c.is_primary_key]
        static_only = bool(ops) and all(c.kind == STATIC for c in ops) and \
            not any(n in names for n in table.clustering)
        if not static_only:
            missing = [n for n in table.clustering if n not in names]
            if missing:
                raise _err(s.table, "Some clustering keys are missing: %s"
                           % ", ".join(missing))
        return static_only

    def _update(self, st, s):
        table = st.table
        cols = []
        for a in s.assignments:
            c = self.column(table, a.col)
            if c.is_primary_key:
                raise _err(a.col, "PRIMARY KEY part %s found in SET part" % c.name)
            cols.append(c)
            self._assignment(st, c, a)
        return all(c.kind == STATIC for c in cols)

    def _assignment(self, st, c, a):
        t = c.type
        op = a.op
        if op == "set":
            if t.is_counter:
                raise _err(a.col, "Cannot set the value of counter column %s (counters can "
                           "only be incremented/decremented, not set)" % c.name)
            self.bind(st, a.value, t, "value", c.name, c.name, True)
            return
        if op in ("add", "sub"):
            sign = "+" if op == "add" else "-"
            text = "%s = %s %s %s" % (c.name, c.name, sign, a.value)
            if not t.is_collection:
                if t.kind == "tuple" and op == "add":
                    raise _err(a.col, "Invalid operation (%s) for tuple column %s"
                               % (text, c.name))
                if not t.is_counter:
                    raise _err(a.col, "Invalid operation (%s) for non counter column %s"
                               % (text, c.name))
                self.bind(st, a.value, t, "counter_delta", c.name, c.name, False)
                return
            if t.frozen:
                raise _err(a.col, "Invalid operation (%s) for frozen collection column %s"
                           % (text, c.name))
            role = "collection_add" if op == "add" else "collection_remove"
            vt = t
            if t.kind == "map" and op == "sub":
                vt = T.set_of(t.params[0])
            self.bind(st, a.value, vt, role, c.name, c.name, False)
            return
        if op == "prepend":
            text = "%s = %s + %s" % (c.name, a.value, c.name)
            if t.kind != "list":
                raise _err(a.col, "Invalid operation (%s) for non list column %s"
                           % (text, c.name))
            if t.frozen:
                raise _err(a.col, "Invalid operation (%s) for frozen list column %s"
                           % (text, c.name))
            self.bind(st, a.value, t, "list_prepend", c.name, c.name, False)
            return
        if op == "set_elem":
            text = "%s[%s] = %s" % (c.name, a.key, a.value)
            if not t.is_collection:
                raise _err(a.col, "Invalid operation (%s) for non collection column %s"
                           % (text, c.name))
            if t.frozen:
                raise _err(a.col, "Invalid operation (%s) for frozen collection column %s"
                           % (text, c.name))
            if t.kind == "set":
                raise _err(a.col, "Invalid operation (%s) for set column %s" % (text, c.name))
            if t.kind == "list":
                self.bind(st, a.key, INT, "element_key", c.name, c.name + "_index", False,
                          "idx(%s)" % c.name)
                self.bind(st, a.value, t.params[0], "element_value", c.name,
                          c.name + "_value", True, "value(%s)" % c.name)
            else:
                self.bind(st, a.key, t.params[0], "element_key", c.name, c.name + "_key",
                          False, "key(%s)" % c.name)
                self.bind(st, a.value, t.params[1], "element_value", c.name,
                          c.name + "_value", True, "value(%s)" % c.name)
            return
        # set_field
        text = "%s.%s = %s" % (c.name, a.field.value, a.value)
        if t.kind != "udt":
            raise _err(a.col, "Invalid operation (%s) for non-UDT column %s" % (text, c.name))
        if t.frozen:
            raise _err(a.col, "Invalid operation (%s) for frozen UDT column %s"
                       % (text, c.name))
        ut = self.catalog.user_type(t.keyspace, t.name)
        ft = ut.field(a.field.value)
        if ft is None:
            raise _err(a.field, "UDT column %s does not have a field named %s%s" % (
                c.name, a.field.value,
                did_you_mean(a.field.value, [n for (n, _t) in ut.fields])))
        self.bind(st, a.value, ft, "field_value", c.name,
                  "%s_%s" % (c.name, a.field.value), True)

    def _delete(self, st, s):
        table = st.table
        cols = []
        for tg in s.targets:
            c = self.column(table, tg.col)
            if c.is_primary_key:
                raise _err(tg.col, "Invalid identifier %s for deletion (should not be a "
                           "PRIMARY KEY part)" % c.name)
            cols.append(c)
            t = c.type
            if tg.key is not None:
                if not t.is_collection:
                    raise _err(tg.col, "Invalid deletion operation for non collection column %s"
                               % c.name)
                if t.frozen:
                    raise _err(tg.col, "Invalid deletion operation for frozen collection "
                               "column %s" % c.name)
                if t.kind == "list":
                    self.bind(st, tg.key, INT, "delete_element", c.name, c.name + "_index",
                              False)
                else:
                    self.bind(st, tg.key, t.params[0], "delete_element", c.name,
                              c.name + "_key", False)
            elif tg.field is not None:
                if t.kind != "udt":
                    raise _err(tg.col, "Invalid field deletion operation for non-UDT column %s"
                               % c.name)
                if t.frozen:
                    raise _err(tg.col, "Frozen UDT column %s does not support field deletions"
                               % c.name)
                ut = self.catalog.user_type(t.keyspace, t.name)
                if ut.field(tg.field.value) is None:
                    raise _err(tg.field, "UDT column %s does not have a field named %s"
                               % (c.name, tg.field.value))
        return bool(cols) and all(c.kind == STATIC for c in cols)

    def _validate_mod_where(self, st, s, static_only):
        table = st.table
        kind = s.stmt.upper()
        if st.token is not None:
            raise _err(st.token, "The token function cannot be used in WHERE clauses for %s "
                       "statements" % kind)
        non_pk = [n for n in st.restricted if not table.columns[n].is_primary_key]
        if non_pk:
            raise _err(st.restriction_at[non_pk[0]], "Non PRIMARY KEY columns found in where "
                       "clause: %s" % ", ".join(non_pk))
        missing = [n for n in table.partition_key if n not in st.restricted]
        if missing:
            node = s.where[0] if s.where else s.table
            raise _err(node, "Some partition key parts are missing: %s" % ", ".join(missing))
        for n in table.partition_key:
            if any(op not in ("=", "in") for op in st.restricted[n]):
                raise _err(st.restriction_at[n], "Only EQ and IN relation are supported on the "
                           "partition key (unless you use the token() function) for %s "
                           "statements" % kind)
        ck_restricted = [n for n in table.clustering if n in st.restricted]
        if static_only and ck_restricted:
            raise _err(st.restriction_at[ck_restricted[0]], "Invalid restrictions on "
                       "clustering columns since the %s statement modifies only static "
                       "columns" % kind)
        if s.stmt == "update" and not static_only:
            for n in ck_restricted:
                if any(op not in ("=", "in") for op in st.restricted[n]):
                    raise _err(st.restriction_at[n], "Slice restrictions are not supported on "
                               "the clustering columns in %s statements" % kind)
            missing = [n for n in table.clustering if n not in st.restricted]
            if missing:
                node = s.where[0] if s.where else s.table
                raise _err(node, "Some clustering keys are missing: %s" % ", ".join(missing))
        if s.stmt == "delete":
            prev = None
            for n in table.clustering:
                if n not in st.restricted:
                    prev = prev or n
                elif prev is not None:
                    raise _err(st.restriction_at[n], 'PRIMARY KEY column "%s" cannot be '
                               'restricted as preceding column "%s" is not restricted'
                               % (n, prev))

    def _conditions(self, st, conds):
        table = st.table
        for cd in conds:
            c = self.column(table, cd.col)
            if c.is_primary_key:
                raise _err(cd.col, "PRIMARY KEY column '%s' cannot have IF conditions" % c.name)
            t = c.type
            name = c.name
            if cd.key is not None:
                if t.kind == "list":
                    self.bind(st, cd.key, INT, "condition", c.name, c.name + "_index", False)
                    t = t.params[0]
                elif t.kind == "map":
                    self.bind(st, cd.key, t.params[0], "condition", c.name, c.name + "_key",
                              False)
                    t = t.params[1]
                else:
                    raise _err(cd.col, "Invalid element access syntax for %s column %s"
                               % (t.cql(), c.name))
                name = c.name + "_value"
            elif cd.field is not None:
                if t.kind != "udt":
                    raise _err(cd.col, "Invalid field access for non-UDT column %s" % c.name)
                ut = self.catalog.user_type(t.keyspace, t.name)
                ft = ut.field(cd.field.value)
                if ft is None:
                    raise _err(cd.field, "Unknown field %s for column %s" % (
                        cd.field.value, c.name))
                t = ft
                name = "%s_%s" % (c.name, cd.field.value)
            op = cd.op.value
            if op == "in":
                if isinstance(cd.rhs, Marker):
                    self.bind(st, cd.rhs, T.list_of(t), "condition", c.name, name, False)
                else:
                    for item in cd.rhs.in_list:
                        self.bind(st, item, t, "condition", c.name, name, True)
            elif op in ("contains", "contains key"):
                if op == "contains key":
                    if t.kind != "map":
                        raise _err(cd.col, "Cannot use CONTAINS KEY on non-map column %s"
                                   % c.name)
                    et = t.params[0]
                else:
                    if not t.is_collection:
                        raise _err(cd.col, "Cannot use CONTAINS on non-collection column %s"
                                   % c.name)
                    et = t.params[-1]
                self.bind(st, cd.rhs, et, "condition", c.name, name, False)
            else:
                self.bind(st, cd.rhs, t, "condition", c.name, name, op in ("=", "!="))
            if c.name not in st.conditions:
                st.conditions.append(c.name)

    # BATCH -----------------------------------------------------------------
    def check_batch(self, d, s):
        if not s.statements:
            raise _err(s, "empty batch")
        st = None
        lwt_tables = []
        lwt_cols = []
        lwt_kind = None
        any_if = None
        counters = []
        for sub in s.statements:
            prev = st
            st, has_if, lwt, counter = self.check_one_mod(sub, in_batch=True, st=prev)
            counters.append((sub, counter))
            if has_if:
                any_if = any_if or sub
                lwt_tables.append(st.table)
                if lwt.condition != "columns":
                    lwt_kind = lwt.condition
                for c in lwt.columns:
                    if c.name not in [x.name for x in lwt_cols]:
                        lwt_cols.append(c)
        for sub, counter in counters:
            if s.type == "counter" and not counter:
                raise _err(sub, "Cannot include non-counter statement in a counter batch")
            if s.type != "counter" and counter:
                raise _err(sub, "Cannot include a counter statement in a %s batch" % s.type)
        if any_if is not None:
            if len({(t.keyspace, t.name) for t in lwt_tables}) > 1 or any(
                    (self.table_of(x.table).name != lwt_tables[0].name) for x in s.statements):
                raise _err(any_if, "Batch with conditions cannot span multiple tables")
            for (what, tok, _t) in s.using:
                if what == "timestamp":
                    raise _err(tok, "Cannot provide custom timestamp for conditional BATCH")
        for (what, tok, term) in s.using:
            self.bind(st, term, BIGINT, "timestamp", None, "timestamp", False, "[timestamp]")
        if any_if is not None and d.kind != "lwt":
            tok = any_if.if_not_exists if any_if.stmt == "insert" else any_if.if_tok
            raise _err(tok, "a statement with an IF clause returns whether it was applied; "
                       "annotate it :lwt (not :%s)" % d.kind)
        if d.kind == "lwt" and any_if is None:
            raise CqlError(d.kind_start, "':lwt' query has no IF clause (IF NOT EXISTS, IF "
                           "EXISTS or IF <condition>)", 4)
        lwt = None
        columns = []
        if any_if is not None:
            table = lwt_tables[0]
            names = [c.name for c in lwt_cols]
            if lwt_kind is not None:
                names = [c.name for c in table.select_order()]
            lwt = Lwt("batch", self._lwt_columns(table, names))
            columns = [ResultColumn("[applied]", "applied", BOOLEAN, False, "applied")] + \
                lwt.columns
        q = self._finish(d, st, "batch", columns, lwt, s.type == "counter", s.type)
        return q


def _markers_in(term):
    from .parser_base import iter_markers
    return iter_markers(term)


def _an(stmt):
    return "an " + stmt.upper() if stmt[0] in "aeiou" else "a " + stmt.upper()
