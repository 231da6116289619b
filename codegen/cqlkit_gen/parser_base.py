"""Recursive-descent helpers shared by the schema and query parsers:
token navigation, identifiers, qualified names, types and terms."""

from . import lexer as L
from .cql_types import ALIASES, NATIVE, RawType
from .diagnostics import CqlError

# Cassandra's reserved keywords: unusable as bare identifiers.
RESERVED = frozenset("""
add allow alter and apply asc authorize batch begin by columnfamily create
delete desc describe drop entries execute from full grant if in index
infinity insert into is keyspace limit materialized modify nan norecursive
not null of on or order primary rename replace revoke schema select set
table to token truncate unlogged update use using view where with
""".split())


class QName:
    """A possibly keyspace-qualified name as written."""
    __slots__ = ("keyspace", "name", "start", "end", "name_start", "ks_start")

    def __init__(self, keyspace, name, start, end, name_start, ks_start=None):
        self.keyspace = keyspace
        self.name = name
        self.start = start
        self.end = end
        self.name_start = name_start
        self.ks_start = ks_start

    def __str__(self):
        return "%s.%s" % (self.keyspace, self.name) if self.keyspace else self.name


# Terms ---------------------------------------------------------------------
class Term:
    start = 0
    end = 0


class Lit(Term):
    """A constant. kind: string, integer, float, uuid, boolean, hex, duration."""

    def __init__(self, kind, text, value, start, end):
        self.kind, self.text, self.value = kind, text, value
        self.start, self.end = start, end

    def __str__(self):
        return "'%s'" % self.value if self.kind == "string" else self.text


class Null(Term):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __str__(self):
        return "null"


class Marker(Term):
    """A bind marker: `?` (name None) or `:name`."""

    def __init__(self, name, start, end):
        self.name, self.start, self.end = name, start, end

    def __str__(self):
        return "?" if self.name is None else ":" + self.name


class Collection(Term):
    """kind: list, set, map (items are (k, v) pairs), udt (items are
    (field name, term) pairs) or tuple."""

    def __init__(self, kind, items, start, end):
        self.kind, self.items, self.start, self.end = kind, items, start, end

    def __str__(self):
        if self.kind == "list":
            return "[%s]" % ", ".join(str(i) for i in self.items)
        if self.kind == "set":
            return "{%s}" % ", ".join(str(i) for i in self.items)
        if self.kind == "tuple":
            return "(%s)" % ", ".join(str(i) for i in self.items)
        return "{%s}" % ", ".join("%s: %s" % (k, v) for k, v in self.items)


class Call(Term):
    def __init__(self, name, args, start, end):
        self.name, self.args, self.start, self.end = name, args, start, end

    def __str__(self):
        return "%s(%s)" % (self.name, ", ".join(str(a) for a in self.args))


class Cast(Term):
    def __init__(self, type_, term, start, end):
        self.type, self.term, self.start, self.end = type_, term, start, end

    def __str__(self):
        return "(%s)%s" % (self.type, self.term)


class Word(Term):
    """A bare identifier where a property value is expected."""

    def __init__(self, value, start, end):
        self.value, self.start, self.end = value, start, end

    def __str__(self):
        return self.value


def iter_markers(term):
    if isinstance(term, Marker):
        yield term
    elif isinstance(term, Collection):
        for item in term.items:
            if isinstance(item, tuple):
                for part in item:
                    if isinstance(part, Term):
                        yield from iter_markers(part)
            else:
                yield from iter_markers(item)
    elif isinstance(term, Call):
        for a in term.args:
            yield from iter_markers(a)
    elif isinstance(term, Cast):
        yield from iter_markers(term.term)


def literal_value(term):
    """Python value of a constant term (for WITH options); None if not one."""
    if isinstance(term, Lit):
        if term.kind == "integer":
            return int(term.text)
        if term.kind == "float":
            try:
                return float(term.text)
            except ValueError:
                return term.text
        if term.kind == "boolean":
            return term.value
        return term.value
    if isinstance(term, Word):
        return term.value
    if isinstance(term, Collection) and term.kind == "map":
        out = {}
        for k, v in term.items:
            out[str(literal_value(k))] = literal_value(v)
        return out
    if isinstance(term, Collection) and term.kind == "udt":
        return {k: literal_value(v) for k, v in term.items}
    if isinstance(term, Collection):
        return [literal_value(i) for i in term.items]
    if isinstance(term, Null):
        return None
    return str(term)


class Parser:
    def __init__(self, source, tokens):
        self.source = source
        self.toks = tokens
        self.i = 0

    # Navigation ------------------------------------------------------------
    def peek(self, k=0):
        j = self.i + k
        if j >= len(self.toks):
            return self.toks[-1]
        return self.toks[j]

    def next(self):
        t = self.toks[self.i]
        if t.kind != L.EOF:
            self.i += 1
        return t

    def at_kw(self, *words):
        return self.peek().is_kw(*words)

    def at_op(self, *ops):
        return self.peek().is_op(*ops)

    def accept_kw(self, *words):
        if self.peek().is_kw(*words):
            return self.next()
        return None

    def accept_op(self, *ops):
        if self.peek().is_op(*ops):
            return self.next()
        return None

    def accept_kws(self, *words):
        """Consumes a keyword sequence if all of it is there."""
        for k, w in enumerate(words):
            if not self.peek(k).is_kw(w):
                return False
        for _ in words:
            self.next()
        return True

    def expect_kw(self, *words):
        t = self.peek()
        if not t.is_kw(*words):
            self.fail_expected(" or ".join(w.upper() for w in words))
        return self.next()

    def expect_op(self, op):
        t = self.peek()
        if not t.is_op(op):
            self.fail_expected("'%s'" % op)
        return self.next()

    def fail(self, tok, message):
        raise CqlError(tok.start, message, max(1, len(tok.text)))

    def fail_expected(self, what):
        t = self.peek()
        self.fail(t, "syntax error: expected %s, found %s" % (what, t.describe()))

    def prev_end(self):
        return self.toks[self.i - 1].end if self.i else 0

    # Identifiers -----------------------------------------------------------
    def at_ident(self):
        t = self.peek()
        return (t.kind == L.QIDENT or (t.kind == L.IDENT and t.value not in RESERVED)
                or (t.kind == L.DURATION and t.text[:1] in "pP"))

    def ident(self, what="identifier", allow_reserved=False):
        """Returns the identifier token; its `.value` is the folded name."""
        t = self.peek()
        if t.kind == L.QIDENT:
            return self.next()
        if t.kind == L.IDENT:
            if t.value in RESERVED and not allow_reserved:
                self.fail(t, "syntax error: '%s' is a reserved keyword; quote it "
                          "(\"%s\") to use it as %s" % (t.text, t.value, what_article(what)))
            return self.next()
        if t.kind == L.DURATION and t.text[:1] in "pP":
            # Cassandra lexes p1d as an ISO duration; here it can only be a name.
            self.next()
            t.value = t.text.lower()
            return t
        self.fail_expected(what)

    def qualified_name(self, what="table name"):
        first = self.ident(what)
        if self.at_op(".") and self.peek(1).kind in (L.IDENT, L.QIDENT, L.DURATION):
            self.next()
            second = self.ident(what)
            return QName(first.value, second.value, first.start, second.end,
                         second.start, first.start)
        return QName(None, first.value, first.start, first.end, first.start)

    # Types -----------------------------------------------------------------
    def type_(self):
        t = self.peek()
        if t.kind == L.STRING:
            self.next()
            return RawType("custom", t.start, t.end, name=t.value)
        if t.kind == L.IDENT and t.value in ("frozen", "list", "set", "map",
                                              "tuple", "vector") and self.peek(1).is_op("<"):
            kw = self.next().value
            self.next()
            if kw == "frozen":
                inner = self.type_()
                self._close_angle()
                if not inner.supports_freezing:
                    raise CqlError(t.start, "frozen<> is only allowed on collections, "
                                   "tuples, and user-defined types (got %s)" % inner,
                                   self.prev_end() - t.start)
                inner.freeze()
                if inner.kind != "udt":
                    # An unknown UDT is reported at its name, anything else
                    # at the whole frozen<...>.
                    inner.start = t.start
                    inner.end = self.prev_end()
                return inner
            if kw in ("list", "set"):
                elem = self.type_()
                self._close_angle()
                return RawType(kw, t.start, self.prev_end(), [elem])
            if kw == "map":
                k = self.type_()
                self.expect_op(",")
                v = self.type_()
                self._close_angle()
                return RawType("map", t.start, self.prev_end(), [k, v])
            if kw == "tuple":
                elems = [self.type_()]
                while self.accept_op(","):
                    elems.append(self.type_())
                self._close_angle()
                raw = RawType("tuple", t.start, self.prev_end(), elems, frozen=True)
                for e in elems:
                    if e.supports_freezing:
                        e.freeze()
                return raw
            elem = self.type_()
            self.expect_op(",")
            d = self.peek()
            if d.kind != L.INTEGER:
                self.fail_expected("a vector dimension")
            self.next()
            self._close_angle()
            dim = int(d.value)
            if dim <= 0:
                raise CqlError(d.start, "vectors may only have positive dimensions; "
                               "given %d" % dim, len(d.text))
            raw = RawType("vector", t.start, self.prev_end(), [elem], frozen=True,
                          dimension=dim)
            if elem.supports_freezing:
                elem.freeze()
            return raw
        if t.kind == L.IDENT and (t.value in NATIVE or t.value in ALIASES):
            self.next()
            return RawType(ALIASES.get(t.value, t.value), t.start, t.end)
        if t.kind in (L.IDENT, L.QIDENT, L.DURATION):
            q = self.qualified_name("type name")
            return RawType("udt", q.start, q.end, keyspace=q.keyspace, name=q.name)
        self.fail_expected("a type")

    def _close_angle(self):
        self.expect_op(">")

    # Terms -----------------------------------------------------------------
    def term(self):
        t = self.peek()
        k = t.kind
        if k == L.STRING:
            self.next()
            return Lit("string", t.text, t.value, t.start, t.end)
        if k == L.INTEGER:
            self.next()
            return Lit("integer", t.text, t.value, t.start, t.end)
        if k == L.FLOAT:
            self.next()
            return Lit("float", t.text, t.value, t.start, t.end)
        if k == L.UUID:
            self.next()
            return Lit("uuid", t.text, t.value, t.start, t.end)
        if k == L.HEX:
            self.next()
            return Lit("hex", t.text, t.value, t.start, t.end)
        if k == L.DURATION:
            self.next()
            return Lit("duration", t.text, t.value, t.start, t.end)
        if t.is_op("?"):
            self.next()
            return Marker(None, t.start, t.end)
        if t.is_op(":"):
            self.next()
            n = self.ident("bind marker name", allow_reserved=True)
            return Marker(n.value, t.start, n.end)
        if t.is_op("-") and self.peek(1).is_kw("nan", "infinity"):
            self.next()
            w = self.next()
            return Lit("float", "-" + w.text, "-" + w.text, t.start, w.end)
        if t.is_op("["):
            return self._list_lit()
        if t.is_op("{"):
            return self._brace_lit()
        if t.is_op("("):
            return self._paren_term()
        if k == L.IDENT:
            if t.value in ("true", "false"):
                self.next()
                return Lit("boolean", t.text, t.value == "true", t.start, t.end)
            if t.value == "null":
                self.next()
                return Null(t.start, t.end)
            if t.value in ("nan", "infinity"):
                self.next()
                return Lit("float", t.text, t.text, t.start, t.end)
        if k in (L.IDENT, L.QIDENT) and (self.peek(1).is_op("(") or (
                self.peek(1).is_op(".") and self.peek(3).is_op("("))):
            if t.is_kw("token"):
                self.next()
                q = "token"
            else:
                q = self.qualified_name("function name")
            self.expect_op("(")
            args = []
            if not self.at_op(")"):
                args.append(self.term())
                while self.accept_op(","):
                    args.append(self.term())
            self.expect_op(")")
            name = str(q) if t.kind == L.QIDENT else str(q).lower()
            return Call(name, args, t.start, self.prev_end())
        self.fail_expected("a value")

    def _list_lit(self):
        start = self.next().start
        items = []
        if not self.at_op("]"):
            items.append(self.term())
            while self.accept_op(","):
                items.append(self.term())
        self.expect_op("]")
        return Collection("list", items, start, self.prev_end())

    def _brace_lit(self):
        start = self.next().start
        if self.accept_op("}"):
            return Collection("map", [], start, self.prev_end())
        t0, t1 = self.peek(), self.peek(1)
        is_udt = (t1.is_op(":") and (t0.kind == L.QIDENT or (
            t0.kind == L.IDENT and t0.value not in ("true", "false", "null", "nan",
                                                    "infinity"))))
        if is_udt:
            items = []
            while True:
                f = self.ident("field name", allow_reserved=True)
                self.expect_op(":")
                items.append((f.value, self.term()))
                if not self.accept_op(","):
                    break
            self.expect_op("}")
            return Collection("udt", items, start, self.prev_end())
        first = self.term()
        if self.accept_op(":"):
            items = [(first, self.term())]
            while self.accept_op(","):
                k = self.term()
                self.expect_op(":")
                items.append((k, self.term()))
            self.expect_op("}")
            return Collection("map", items, start, self.prev_end())
        items = [first]
        while self.accept_op(","):
            items.append(self.term())
        self.expect_op("}")
        return Collection("set", items, start, self.prev_end())

    def _paren_term(self):
        start = self.next().start
        # (type) term is a cast when what follows the ')' starts a term.
        save = self.i
        t = self.peek()
        if t.kind == L.IDENT and (t.value in NATIVE or t.value in ALIASES) and \
                self.peek(1).is_op(")"):
            ty = self.type_()
            self.expect_op(")")
            inner = self.term()
            return Cast(ty, inner, start, self.prev_end())
        self.i = save
        items = [self.term()]
        while self.accept_op(","):
            items.append(self.term())
        self.expect_op(")")
        return Collection("tuple", items, start, self.prev_end())

    def property_value(self):
        """WITH option value: a constant, a map literal or a bare word."""
        t = self.peek()
        if t.kind == L.IDENT and t.value not in ("true", "false", "null", "nan",
                                                 "infinity") and not self.peek(1).is_op("("):
            self.next()
            return Word(t.value, t.start, t.end)
        return self.term()

    def skip_to_semicolon(self):
        """Error recovery: moves past the next ';' (or to the end)."""
        while True:
            t = self.peek()
            if t.kind == L.EOF:
                return
            self.next()
            if t.is_op(";"):
                return


def what_article(what):
    return ("an " if what[:1] in "aeiou" else "a ") + what
