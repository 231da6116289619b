"""Parses annotated query files.

Each query is introduced by a comment `-- name: <name> :<kind>` and runs
until the next annotation (or the end of the file); one statement per
query, optionally ended by ';'."""

import re

from . import lexer as L
from .diagnostics import CqlError, did_you_mean
from .parser_base import Parser, Marker

KINDS = ("one", "many", "exec", "batch", "lwt")
_ANNOTATION = re.compile(r"^(?:--|//)\s*name\s*:\s*(.*?)\s*$", re.IGNORECASE)
_NAME_KIND = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s+:([A-Za-z_]+)(?:\s.*)?$")
_C_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Node:
    def __init__(self, **kw):
        self.__dict__.update(kw)


# Statement nodes: Select, Insert, Update, Delete, Batch (all Node with a
# `stmt` attribute naming the kind, and `start`/`end` offsets).

class QueryDecl:
    def __init__(self, name, kind, name_start, kind_start, stmt, text, start, end):
        self.name = name
        self.kind = kind
        self.name_start = name_start
        self.kind_start = kind_start
        self.stmt = stmt
        self.text = text
        self.start = start
        self.end = end


class QueryParser(Parser):
    # Statements ------------------------------------------------------------
    def statement(self):
        t = self.peek()
        if t.is_kw("select"):
            return self.select()
        if t.is_kw("insert"):
            return self.insert()
        if t.is_kw("update"):
            return self.update()
        if t.is_kw("delete"):
            return self.delete()
        if t.is_kw("begin"):
            return self.batch()
        self.fail(t, "syntax error: expected SELECT, INSERT, UPDATE, DELETE or BEGIN "
                  "BATCH, found %s" % t.describe())

    def select(self):
        start = self.next().start
        json = bool(self.accept_kw("json"))
        distinct = bool(self.accept_kw("distinct"))
        selectors = None
        star = self.accept_op("*")
        if star is None:
            selectors = [self.selector()]
            while self.accept_op(","):
                selectors.append(self.selector())
        self.expect_kw("from")
        table = self.qualified_name("table name")
        where = self.where() if self.accept_kw("where") else []
        group_by = []
        if self.accept_kws("group", "by"):
            group_by.append(self.ident("column name"))
            while self.accept_op(","):
                group_by.append(self.ident("column name"))
        order_by = []
        if self.accept_kws("order", "by"):
            while True:
                c = self.ident("column name")
                d = self.accept_kw("asc", "desc")
                order_by.append((c, "desc" if d and d.value == "desc" else "asc"))
                if not self.accept_op(","):
                    break
        ppl = None
        if self.accept_kws("per", "partition", "limit"):
            ppl = self.term()
        limit = None
        if self.accept_kw("limit"):
            limit = self.term()
        allow = self.accept_kws("allow", "filtering")
        return Node(stmt="select", start=start, end=self.prev_end(), json=json,
                    distinct=distinct, selectors=selectors, star=star, table=table,
                    where=where, group_by=group_by, order_by=order_by,
                    per_partition_limit=ppl, limit=limit, allow_filtering=allow)

    def selector(self):
        expr = self.selector_expr()
        alias = None
        if self.accept_kw("as"):
            alias = self.ident("alias")
        return Node(expr=expr, alias=alias)

    def selector_expr(self):
        t = self.peek()
        if t.is_kw("cast") and self.peek(1).is_op("("):
            self.next()
            self.next()
            inner = self.selector_expr()
            self.expect_kw("as")
            ty = self.type_()
            self.expect_op(")")
            return Node(sel="cast", expr=inner, type=ty, start=t.start, end=self.prev_end())
        if (t.kind in (L.IDENT, L.QIDENT) and (self.peek(1).is_op("(") or (
                self.peek(1).is_op(".") and self.peek(3).is_op("(")))) and \
                not t.is_kw("true", "false", "null"):
            if t.is_kw("token"):
                self.next()
                q = t.value
            else:
                q = self.qualified_name("function name")
            self.expect_op("(")
            args = []
            if self.at_op("*"):
                st = self.next()
                args.append(Node(sel="star", start=st.start, end=st.end))
            elif not self.at_op(")"):
                args.append(self.selector_expr())
                while self.accept_op(","):
                    args.append(self.selector_expr())
            self.expect_op(")")
            fname = str(q) if t.kind == L.QIDENT else str(q).lower()
            return Node(sel="call", name=fname, args=args, start=t.start,
                        end=self.prev_end())
        if t.kind == L.QIDENT or (t.kind == L.IDENT and t.value not in (
                "true", "false", "null", "nan", "infinity")) or (
                t.kind == L.DURATION and t.text[:1] in "pP"):
            c = self.ident("column name", allow_reserved=t.is_kw("token"))
            node = Node(sel="column", tok=c, start=c.start, end=c.end)
            while self.at_op(".") or self.at_op("["):
                if self.accept_op("."):
                    f = self.ident("field name", allow_reserved=True)
                    node = Node(sel="field", expr=node, field=f, start=node.start, end=f.end)
                else:
                    self.next()
                    k = self.term()
                    self.expect_op("]")
                    node = Node(sel="element", expr=node, key=k, start=node.start,
                                end=self.prev_end())
            return node
        term = self.term()
        return Node(sel="term", term=term, start=term.start, end=term.end)

    def where(self):
        rels = [self.relation()]
        while self.accept_kw("and"):
            rels.append(self.relation())
        return rels

    _OPS = ("=", "<", ">", "<=", ">=", "!=")

    def relation(self):
        t = self.peek()
        if t.is_kw("token") and self.peek(1).is_op("("):
            self.next()
            self.next()
            cols = [self.ident("column name")]
            while self.accept_op(","):
                cols.append(self.ident("column name"))
            self.expect_op(")")
            op = self._rel_op(allow_in=False)
            rhs = self.term()
            return Node(lhs="token", cols=cols, op=op, rhs=rhs, start=t.start,
                        end=self.prev_end())
        if t.is_op("("):
            self.next()
            cols = [self.ident("column name")]
            while self.accept_op(","):
                cols.append(self.ident("column name"))
            self.expect_op(")")
            op = self._rel_op()
            if op.value == "in":
                rhs = self._in_values()
            else:
                rhs = self.term()
            return Node(lhs="tuple", cols=cols, op=op, rhs=rhs, start=t.start,
                        end=self.prev_end())
        col = self.ident("column name")
        key = None
        if self.accept_op("["):
            key = self.term()
            self.expect_op("]")
        if self.at_kw("is"):
            optok = self.next()
            self.expect_kw("not")
            self.expect_kw("null")
            return Node(lhs="column", col=col, key=key, op=_OpTok("is not", optok),
                        rhs=None, start=col.start, end=self.prev_end())
        op = self._rel_op(allow_contains=True)
        if op.value == "in":
            rhs = self._in_values()
        else:
            rhs = self.term()
        return Node(lhs="column", col=col, key=key, op=op, rhs=rhs, start=col.start,
                    end=self.prev_end())

    def _rel_op(self, allow_in=True, allow_contains=False):
        t = self.peek()
        if t.kind == L.OP and t.value in self._OPS:
            self.next()
            return _OpTok(t.value, t)
        if allow_in and t.is_kw("in"):
            self.next()
            return _OpTok("in", t)
        if allow_contains and t.is_kw("contains"):
            self.next()
            if self.accept_kw("key"):
                return _OpTok("contains key", t)
            return _OpTok("contains", t)
        if allow_contains and t.is_kw("like"):
            self.next()
            return _OpTok("like", t)
        self.fail_expected("a relation operator")

    def _in_values(self):
        """IN ? / IN :name (one list marker) or IN (t, t, ...)."""
        if self.at_op("?") or self.at_op(":"):
            return self.term()
        start = self.expect_op("(").start
        items = []
        if not self.at_op(")"):
            items.append(self.term())
            while self.accept_op(","):
                items.append(self.term())
        self.expect_op(")")
        return Node(in_list=items, start=start, end=self.prev_end())

    def using(self, allow_ttl=True):
        out = []
        if not self.accept_kw("using"):
            return out
        while True:
            t = self.peek()
            if t.is_kw("ttl") and allow_ttl:
                self.next()
                out.append(("ttl", t, self.term()))
            elif t.is_kw("timestamp"):
                self.next()
                out.append(("timestamp", t, self.term()))
            else:
                self.fail_expected("TTL or TIMESTAMP" if allow_ttl else "TIMESTAMP")
            if not self.accept_kw("and"):
                return out

    def insert(self):
        start = self.next().start
        self.expect_kw("into")
        table = self.qualified_name("table name")
        cols, values, json = [], [], None
        if self.accept_kw("json"):
            json = self.term()
            if self.accept_kw("default"):
                self.expect_kw("null", "unset")
        else:
            self.expect_op("(")
            cols.append(self.ident("column name"))
            while self.accept_op(","):
                cols.append(self.ident("column name"))
            self.expect_op(")")
            vt = self.expect_kw("values")
            self.expect_op("(")
            values.append(self.term())
            while self.accept_op(","):
                values.append(self.term())
            self.expect_op(")")
            del vt
        ine = None
        if self.at_kw("if"):
            ine = self.next()
            self.expect_kw("not")
            self.expect_kw("exists")
        using = self.using()
        return Node(stmt="insert", start=start, end=self.prev_end(), table=table,
                    columns=cols, values=values, json=json, if_not_exists=ine, using=using)

    def update(self):
        start = self.next().start
        table = self.qualified_name("table name")
        using = self.using()
        self.expect_kw("set")
        assigns = [self.assignment()]
        while self.accept_op(","):
            assigns.append(self.assignment())
        self.expect_kw("where")
        where = self.where()
        conds, if_exists, if_tok = self.conditions()
        return Node(stmt="update", start=start, end=self.prev_end(), table=table,
                    using=using, assignments=assigns, where=where, conditions=conds,
                    if_exists=if_exists, if_tok=if_tok)

    def assignment(self):
        col = self.ident("column name")
        if self.accept_op("["):
            k = self.term()
            self.expect_op("]")
            self.expect_op("=")
            return Node(op="set_elem", col=col, key=k, value=self.term())
        if self.accept_op("."):
            f = self.ident("field name", allow_reserved=True)
            self.expect_op("=")
            return Node(op="set_field", col=col, field=f, value=self.term())
        eq = self.expect_op("=")
        t = self.peek()
        # c = c + v, c = c - v, c = c -1 (negative literal), l = v + l.
        if (t.kind in (L.IDENT, L.QIDENT) and not t.is_kw("true", "false", "null", "nan",
                                                          "infinity")
                and not self.peek(1).is_op("(")):
            other = self.ident("column name")
            if other.value != col.value:
                self.fail(other, "syntax error: only expressions of the form %s = %s + "
                          "<value> are supported" % (col.value, col.value))
            if self.peek().kind == L.INTEGER and self.peek().value.startswith("-"):
                v = self.term()
                v.text = v.text[1:]
                v.value = v.value[1:]
                return Node(op="sub", col=col, value=v, eq=eq)
            sign = self.accept_op("+", "-")
            if sign is None:
                self.fail_expected("'+' or '-'")
            return Node(op="add" if sign.value == "+" else "sub", col=col,
                        value=self.term(), eq=eq)
        value = self.term()
        if self.accept_op("+"):
            other = self.ident("column name")
            if other.value != col.value:
                self.fail(other, "syntax error: only expressions of the form %s = <value> + "
                          "%s are supported" % (col.value, col.value))
            return Node(op="prepend", col=col, value=value, eq=eq)
        return Node(op="set", col=col, value=value, eq=eq)

    def conditions(self):
        """IF EXISTS / IF cond AND cond ...; returns (conds, if_exists, if_tok)."""
        if not self.at_kw("if"):
            return None, False, None
        if_tok = self.next()
        if self.accept_kw("exists"):
            return None, True, if_tok
        conds = [self.condition()]
        while self.accept_kw("and"):
            conds.append(self.condition())
        return conds, False, if_tok

    def condition(self):
        col = self.ident("column name")
        key = field = None
        if self.accept_op("["):
            key = self.term()
            self.expect_op("]")
        elif self.accept_op("."):
            field = self.ident("field name", allow_reserved=True)
        op = self._rel_op(allow_contains=True)
        if op.value == "in":
            rhs = self._in_values()
        else:
            rhs = self.term()
        return Node(col=col, key=key, field=field, op=op, rhs=rhs)

    def delete(self):
        start = self.next().start
        targets = []
        if not self.at_kw("from"):
            while True:
                c = self.ident("column name")
                if self.accept_op("["):
                    k = self.term()
                    self.expect_op("]")
                    targets.append(Node(col=c, key=k, field=None))
                elif self.accept_op("."):
                    f = self.ident("field name", allow_reserved=True)
                    targets.append(Node(col=c, key=None, field=f))
                else:
                    targets.append(Node(col=c, key=None, field=None))
                if not self.accept_op(","):
                    break
        self.expect_kw("from")
        table = self.qualified_name("table name")
        using = self.using(allow_ttl=False)
        self.expect_kw("where")
        where = self.where()
        conds, if_exists, if_tok = self.conditions()
        return Node(stmt="delete", start=start, end=self.prev_end(), targets=targets,
                    table=table, using=using, where=where, conditions=conds,
                    if_exists=if_exists, if_tok=if_tok)

    def batch(self):
        start = self.next().start
        btype = "logged"
        t = self.accept_kw("unlogged", "counter", "logged")
        if t:
            btype = t.value
        self.expect_kw("batch")
        using = self.using(allow_ttl=False)
        stmts = []
        while not self.at_kw("apply"):
            t = self.peek()
            if t.is_kw("insert"):
                stmts.append(self.insert())
            elif t.is_kw("update"):
                stmts.append(self.update())
            elif t.is_kw("delete"):
                stmts.append(self.delete())
            else:
                self.fail_expected("INSERT, UPDATE, DELETE or APPLY BATCH")
            self.accept_op(";")
        self.next()
        self.expect_kw("batch")
        return Node(stmt="batch", start=start, end=self.prev_end(), type=btype,
                    using=using, statements=stmts)


class _OpTok:
    __slots__ = ("value", "start", "end", "text")

    def __init__(self, value, tok):
        self.value = value
        self.start = tok.start
        self.end = tok.end
        self.text = tok.text


def parse_query_file(source, diags):
    """Returns the list of QueryDecl; problems go to diags."""
    tokens, comments = L.tokenize(source.text, lambda e: diags.from_exc(source, e))
    annotations = []
    for c in comments:
        m = _ANNOTATION.match(c.text)
        if m:
            annotations.append((c, m.group(1)))
    eof = tokens[-1]
    # Tokens before the first annotation belong to no query.
    first_ann = annotations[0][0].start if annotations else eof.start
    for tok in tokens:
        if tok.kind == L.EOF or tok.start >= first_ann:
            break
        if tok.is_op(";"):
            continue
        diags.error(source, tok.start, "statement has no '-- name: <name> :<kind>' "
                    "annotation before it", max(1, len(tok.text)))
        break
    decls = []
    seen = {}
    ti = 0
    for n, (comment, body) in enumerate(annotations):
        end = annotations[n + 1][0].start if n + 1 < len(annotations) else eof.start + 1
        while ti < len(tokens) and tokens[ti].start < comment.end:
            ti += 1
        tj = ti
        while tj < len(tokens) and tokens[tj].kind != L.EOF and tokens[tj].start < end:
            tj += 1
        block = tokens[ti:tj] + [L.Token(L.EOF, "", "", min(end, eof.start),
                                         min(end, eof.start))]
        ti = tj
        # The annotation itself.
        body_start = comment.start + comment.text.find(body) if body else comment.end
        m = _NAME_KIND.match(body)
        if not m:
            diags.error(source, body_start if body else comment.start,
                        "malformed query annotation; expected '-- name: <name> :<kind>' "
                        "with <kind> one of :one, :many, :exec, :batch, :lwt",
                        max(1, len(body)) if body else len(comment.text))
            continue
        name, kind = m.group(1), m.group(2).lower()
        name_start = body_start
        kind_start = body_start + body.index(":" + m.group(2), len(name))
        if kind not in KINDS:
            diags.error(source, kind_start, "unknown query kind ':%s'%s; expected :one, "
                        ":many, :exec, :batch or :lwt" % (
                            m.group(2), did_you_mean(kind, KINDS).replace("'", "':", 1)),
                        len(m.group(2)) + 1)
            continue
        if name in seen:
            d = diags.error(source, name_start, "duplicate query name '%s'" % name,
                            len(name))
            d.note(source, seen[name], "previous definition is here", len(name))
            continue
        seen[name] = name_start
        if len(block) == 1:
            diags.error(source, comment.start, "query '%s' has no statement" % name,
                        len(comment.text))
            continue
        p = QueryParser(source, block)
        try:
            stmt = p.statement()
            p.accept_op(";")
            if p.peek().kind != L.EOF:
                t = p.peek()
                p.fail(t, "syntax error: unexpected %s after the end of the statement; "
                       "each query needs its own '-- name:' annotation" % t.describe())
        except CqlError as e:
            diags.from_exc(source, e)
            continue
        text = source.text[stmt.start:stmt.end]
        decls.append(QueryDecl(name, kind, name_start, kind_start, stmt, text,
                               stmt.start, stmt.end))
    return decls


__all__ = ["parse_query_file", "QueryDecl", "KINDS", "Marker"]
