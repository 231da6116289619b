"""Parses schema files (DDL) into statement objects.

Statements the generator has no use for (functions' bodies, roles, grants,
triggers, DML seed data...) parse into Skipped; nothing valid is rejected."""

from . import lexer as L
from .diagnostics import CqlError
from .parser_base import Parser, QName, literal_value


class Stmt:
    kind = "stmt"

    def __init__(self, start, **kw):
        self.start = start
        self.__dict__.update(kw)


class Use(Stmt): kind = "use"
class CreateKeyspace(Stmt): kind = "create_keyspace"
class AlterKeyspace(Stmt): kind = "alter_keyspace"
class CreateType(Stmt): kind = "create_type"
class AlterType(Stmt): kind = "alter_type"
class CreateTable(Stmt): kind = "create_table"
class AlterTable(Stmt): kind = "alter_table"
class Drop(Stmt): kind = "drop"
class CreateIndex(Stmt): kind = "create_index"
class CreateView(Stmt): kind = "create_view"
class CreateFunction(Stmt): kind = "create_function"
class CreateAggregate(Stmt): kind = "create_aggregate"
class Skipped(Stmt): kind = "skipped"


class ColumnDef:
    __slots__ = ("tok", "type", "static")

    def __init__(self, tok, type_, static):
        self.tok, self.type, self.static = tok, type_, static


_SKIP_FIRST = ("grant", "revoke", "list", "truncate", "insert", "update",
               "delete", "select", "describe", "desc", "comment", "security")


class SchemaParser(Parser):
    def parse_file(self, on_error):
        """Parses every statement; a statement with a syntax error is
        reported through on_error and skipped."""
        stmts = []
        while self.peek().kind != L.EOF:
            if self.accept_op(";"):
                continue
            start = self.i
            try:
                s = self.statement()
                if s is not None:
                    stmts.append(s)
                if self.peek().kind != L.EOF:
                    self.expect_op(";")
            except CqlError as e:
                on_error(e)
                if self.i == start:
                    self.next()
                self._recover()
        return stmts

    def _recover(self):
        # BEGIN BATCH ... APPLY BATCH contains inner semicolons.
        self.skip_to_semicolon()

    def statement(self):
        t = self.peek()
        if t.is_kw("use"):
            self.next()
            ks = self.ident("keyspace name")
            return Use(t.start, ks=ks)
        if t.is_kw("create"):
            return self.create()
        if t.is_kw("alter"):
            return self.alter()
        if t.is_kw("drop"):
            return self.drop()
        if t.is_kw("begin"):
            while not self.accept_kws("apply", "batch"):
                if self.peek().kind == L.EOF:
                    self.fail_expected("APPLY BATCH")
                self.next()
            return Skipped(t.start, what="batch")
        if t.kind == L.IDENT and t.value in _SKIP_FIRST:
            return self._skip(t)
        self.fail(t, "syntax error: expected a schema statement (CREATE, ALTER, "
                  "DROP or USE), found %s" % t.describe())

    def _skip(self, t):
        while not (self.at_op(";") or self.peek().kind == L.EOF):
            self.next()
        return Skipped(t.start, what=t.value)

    def _if_not_exists(self):
        return self.accept_kws("if", "not", "exists")

    def _if_exists(self):
        return self.accept_kws("if", "exists")

    # CREATE ----------------------------------------------------------------
    def create(self):
        start = self.next().start
        replace = self.accept_kws("or", "replace")
        t = self.peek()
        if t.is_kw("keyspace", "schema"):
            self.next()
            ine = self._if_not_exists()
            name = self.ident("keyspace name")
            opts = {}
            if self.accept_kw("with"):
                opts = self.properties()
            return CreateKeyspace(start, name=name, if_not_exists=ine, options=opts)
        if t.is_kw("type"):
            self.next()
            ine = self._if_not_exists()
            name = self.qualified_name("type name")
            self.expect_op("(")
            fields = []
            self._column_list(lambda: fields.append(self._field_def()))
            return CreateType(start, name=name, if_not_exists=ine, fields=fields)
        if t.is_kw("table", "columnfamily"):
            self.next()
            return self.create_table(start)
        if t.is_kw("custom") and self.peek(1).is_kw("index"):
            self.next()
            t = self.peek()
        if t.is_kw("index"):
            self.next()
            return self.create_index(start)
        if t.is_kw("materialized") and self.peek(1).is_kw("view"):
            self.next()
            self.next()
            return self.create_view(start)
        if t.is_kw("function"):
            self.next()
            return self.create_function(start)
        if t.is_kw("aggregate"):
            self.next()
            return self.create_aggregate(start)
        if t.kind == L.IDENT and t.value in ("trigger", "role", "user"):
            return self._skip(t)
        if replace:
            self.fail_expected("FUNCTION or AGGREGATE")
        self.fail_expected("KEYSPACE, TYPE, TABLE, INDEX, MATERIALIZED VIEW, "
                           "FUNCTION or AGGREGATE")

    def _column_list(self, item):
        # Cassandra's grammar: '(' item ( ',' item? )* ')' -- so trailing and
        # repeated commas are accepted.
        item()
        while self.accept_op(","):
            if self.at_op(","):
                continue
            if self.at_op(")"):
                break
            item()
        self.expect_op(")")

    def _field_def(self):
        name = self.ident("field name")
        return (name, self.type_())

    def create_table(self, start):
        ine = self._if_not_exists()
        name = self.qualified_name("table name")
        self.expect_op("(")
        st = CreateTable(start, name=name, if_not_exists=ine, columns=[],
                         partition=None, clustering=[], pk_tok=None,
                         order=[], options={}, compact=False, errors=[])

        def item():
            if self.at_kw("primary"):
                pk_tok = self.next()
                self.expect_kw("key")
                self._set_pk(st, pk_tok)
                self.expect_op("(")
                if self.accept_op("("):
                    part = [self.ident("column name")]
                    while self.accept_op(","):
                        part.append(self.ident("column name"))
                    self.expect_op(")")
                else:
                    part = [self.ident("column name")]
                st.partition = part
                while self.accept_op(","):
                    st.clustering.append(self.ident("column name"))
                self.expect_op(")")
                return
            ctok = self.ident("column name")
            ctype = self.type_()
            static = bool(self.accept_kw("static"))
            st.columns.append(ColumnDef(ctok, ctype, static))
            if self.at_kw("primary"):
                pk_tok = self.next()
                self.expect_kw("key")
                self._set_pk(st, pk_tok)
                st.partition = [ctok]
        self._column_list(item)
        if self.accept_kw("with"):
            self.table_options(st)
        return st

    def _set_pk(self, st, tok):
        if st.pk_tok is not None:
            # Cassandra rejects this while parsing; keep going to find more.
            st.errors.append(CqlError(tok.start, "Multiple PRIMARY KEY specified for "
                                      "table '%s' (exactly one required)" % st.name,
                                      len("primary key")))
            return
        st.pk_tok = tok

    def table_options(self, st):
        while True:
            t = self.peek()
            if self.accept_kws("compact", "storage"):
                st.compact = True
            elif self.accept_kws("clustering", "order", "by"):
                self.expect_op("(")
                while True:
                    c = self.ident("column name")
                    d = self.accept_kw("asc", "desc")
                    st.order.append((c, "desc" if d and d.value == "desc" else "asc"))
                    if not self.accept_op(","):
                        break
                self.expect_op(")")
            else:
                k, v = self.property()
                st.options[k] = v
            if not self.accept_kw("and"):
                break
            del t

    def property(self):
        k = self.ident("property name", allow_reserved=True)
        self.expect_op("=")
        v = self.property_value()
        return k.value, literal_value(v)

    def properties(self):
        opts = {}
        while True:
            k, v = self.property()
            opts[k] = v
            if not self.accept_kw("and"):
                return opts

    def create_index(self, start):
        ine = self._if_not_exists()
        name = None
        if not self.at_kw("on"):
            name = self.ident("index name")
        self.expect_kw("on")
        table = self.qualified_name("table name")
        self.expect_op("(")
        targets = []
        if not self.at_op(")"):
            while True:
                kind = "values"
                t = self.peek()
                if t.kind == L.IDENT and t.value in ("keys", "values", "entries",
                                                      "full") and self.peek(1).is_op("("):
                    kind = self.next().value
                    self.next()
                    col = self.ident("column name")
                    self.expect_op(")")
                else:
                    col = self.ident("column name")
                    kind = "simple"
                targets.append((col, kind))
                if not self.accept_op(","):
                    break
        self.expect_op(")")
        if self.accept_kw("using"):
            if self.peek().kind == L.STRING:
                self.next()
            else:
                self.ident("index class")
            if self.accept_kw("with"):
                self.properties()
        elif self.accept_kw("with"):
            self.properties()
        return CreateIndex(start, name=name, table=table, targets=targets,
                           if_not_exists=ine)

    def create_view(self, start):
        ine = self._if_not_exists()
        name = self.qualified_name("view name")
        self.expect_kw("as")
        self.expect_kw("select")
        cols = None
        if not self.accept_op("*"):
            cols = [self.ident("column name")]
            while self.accept_op(","):
                cols.append(self.ident("column name"))
        self.expect_kw("from")
        base = self.qualified_name("table name")
        if self.accept_kw("where"):
            # The view's filter matters to Cassandra, not to the types.
            while not self.at_kw("primary") and self.peek().kind != L.EOF and \
                    not self.at_op(";"):
                self.next()
        pk_tok = self.expect_kw("primary")
        self.expect_kw("key")
        st = CreateView(start, name=name, if_not_exists=ine, columns=cols, base=base,
                        partition=None, clustering=[], pk_tok=pk_tok, order=[],
                        options={}, compact=False, errors=[])
        self.expect_op("(")
        if self.accept_op("("):
            part = [self.ident("column name")]
            while self.accept_op(","):
                part.append(self.ident("column name"))
            self.expect_op(")")
        else:
            part = [self.ident("column name")]
        st.partition = part
        while self.accept_op(","):
            st.clustering.append(self.ident("column name"))
        self.expect_op(")")
        if self.accept_kw("with"):
            self.table_options(st)
        return st

    def create_function(self, start):
        ine = self._if_not_exists()
        name = self.qualified_name("function name")
        self.expect_op("(")
        args = []
        if not self.at_op(")"):
            while True:
                an = self.ident("argument name")
                args.append((an, self.type_()))
                if not self.accept_op(","):
                    break
        self.expect_op(")")
        if not self.accept_kws("called", "on", "null", "input"):
            self.expect_kw("returns")
            self.expect_kw("null")
            self.expect_kw("on")
            self.expect_kw("null")
            self.expect_kw("input")
        self.expect_kw("returns")
        rtype = self.type_()
        self.expect_kw("language")
        self.ident("language name")
        self.expect_kw("as")
        if self.peek().kind != L.STRING:
            self.fail_expected("a function body")
        self.next()
        return CreateFunction(start, name=name, args=args, returns=rtype,
                              if_not_exists=ine)

    def create_aggregate(self, start):
        ine = self._if_not_exists()
        name = self.qualified_name("aggregate name")
        self.expect_op("(")
        args = []
        if not self.at_op(")"):
            args.append(self.type_())
            while self.accept_op(","):
                args.append(self.type_())
        self.expect_op(")")
        self.expect_kw("sfunc")
        self.qualified_name("function name")
        self.expect_kw("stype")
        stype = self.type_()
        final = None
        if self.accept_kw("finalfunc"):
            final = self.qualified_name("function name")
        if self.accept_kw("initcond"):
            self.term()
        return CreateAggregate(start, name=name, args=args, stype=stype, final=final,
                               if_not_exists=ine)

    # ALTER -----------------------------------------------------------------
    def alter(self):
        start = self.next().start
        t = self.peek()
        if t.is_kw("keyspace", "schema"):
            self.next()
            ie = self._if_exists()
            name = self.ident("keyspace name")
            self.expect_kw("with")
            return AlterKeyspace(start, name=name, options=self.properties(),
                                 if_exists=ie)
        if t.is_kw("materialized"):
            self.next()
            self.expect_kw("view")
            return self._skip(t)
        if t.is_kw("table", "columnfamily"):
            self.next()
            return self.alter_table(start)
        if t.is_kw("type"):
            self.next()
            return self.alter_type(start)
        if t.kind == L.IDENT and t.value in ("role", "user"):
            return self._skip(t)
        self.fail_expected("KEYSPACE, TABLE, TYPE or MATERIALIZED VIEW")

    def alter_table(self, start):
        ie = self._if_exists()
        name = self.qualified_name("table name")
        t = self.peek()
        if self.accept_kw("add"):
            inne = self._if_not_exists()
            cols = []
            if self.accept_op("("):
                def item():
                    c = self.ident("column name")
                    ty = self.type_()
                    cols.append(ColumnDef(c, ty, bool(self.accept_kw("static"))))
                item()
                while self.accept_op(","):
                    item()
                self.expect_op(")")
            else:
                c = self.ident("column name")
                ty = self.type_()
                cols.append(ColumnDef(c, ty, bool(self.accept_kw("static"))))
            return AlterTable(start, action="add", name=name, if_exists=ie,
                              if_col=inne, columns=cols, tok=t)
        if self.accept_kw("drop"):
            iex = self._if_exists()
            cols = []
            if self.accept_op("("):
                cols.append(self.ident("column name"))
                while self.accept_op(","):
                    cols.append(self.ident("column name"))
                self.expect_op(")")
            else:
                cols.append(self.ident("column name"))
            if self.accept_kw("using"):
                self.expect_kw("timestamp")
                self.term()
            return AlterTable(start, action="drop", name=name, if_exists=ie,
                              if_col=iex, columns=cols, tok=t)
        if self.accept_kw("rename"):
            iex = self._if_exists()
            pairs = []
            while True:
                a = self.ident("column name")
                self.expect_kw("to")
                b = self.ident("column name")
                pairs.append((a, b))
                if not self.accept_kw("and"):
                    break
            return AlterTable(start, action="rename", name=name, if_exists=ie,
                              if_col=iex, renames=pairs, tok=t)
        if self.accept_kw("with"):
            st = CreateTable(start, name=name, order=[], options={}, compact=False)
            self.table_options(st)
            return AlterTable(start, action="with", name=name, if_exists=ie,
                              options=st.options, tok=t)
        if self.accept_kw("alter"):
            c = self.ident("column name")
            if self.accept_kw("type"):
                self.type_()
                return AlterTable(start, action="alter_type", name=name, if_exists=ie,
                                  tok=t, column=c)
            while not (self.at_op(";") or self.peek().kind == L.EOF):
                self.next()
            return Skipped(start, what="alter column mask")
        self.fail_expected("ADD, DROP, RENAME, ALTER or WITH")

    def alter_type(self, start):
        ie = self._if_exists()
        name = self.qualified_name("type name")
        t = self.peek()
        if self.accept_kw("add"):
            inne = self._if_not_exists()
            f = self.ident("field name")
            ty = self.type_()
            return AlterType(start, action="add", name=name, if_exists=ie, if_field=inne,
                             field=f, type=ty, tok=t)
        if self.accept_kw("rename"):
            iex = self._if_exists()
            pairs = []
            while True:
                a = self.ident("field name")
                self.expect_kw("to")
                b = self.ident("field name")
                pairs.append((a, b))
                if not self.accept_kw("and"):
                    break
            return AlterType(start, action="rename", name=name, if_exists=ie,
                             if_field=iex, renames=pairs, tok=t)
        if self.accept_kw("alter"):
            self.ident("field name")
            self.expect_kw("type")
            self.type_()
            return AlterType(start, action="alter", name=name, if_exists=ie, tok=t)
        self.fail_expected("ADD, RENAME or ALTER")

    # DROP ------------------------------------------------------------------
    def drop(self):
        start = self.next().start
        t = self.peek()
        if t.is_kw("materialized"):
            self.next()
            self.expect_kw("view")
            what = "view"
        elif t.kind == L.IDENT and t.value in ("keyspace", "schema", "table",
                                              "columnfamily", "type", "index",
                                              "function", "aggregate", "trigger",
                                              "role", "user"):
            self.next()
            what = {"schema": "keyspace", "columnfamily": "table"}.get(t.value, t.value)
        else:
            self.fail_expected("KEYSPACE, TABLE, TYPE, INDEX, MATERIALIZED VIEW, "
                               "FUNCTION or AGGREGATE")
        ie = self._if_exists()
        if what in ("function", "aggregate", "trigger", "role", "user"):
            while not (self.at_op(";") or self.peek().kind == L.EOF):
                self.next()
            return Skipped(start, what="drop " + what)
        if what == "keyspace":
            n = self.ident("keyspace name")
            name = QName(None, n.value, n.start, n.end, n.start)
        else:
            name = self.qualified_name(what + " name")
        return Drop(start, what=what, name=name, if_exists=ie)
