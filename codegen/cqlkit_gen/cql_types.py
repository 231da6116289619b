"""CQL types: raw (as written, with a location) and resolved.

A resolved CqlType is immutable and hashable. Kinds: a native type name
(see NATIVE), 'list', 'set', 'map', 'tuple', 'udt', 'vector', 'custom'.
Tuples and vectors are always frozen; a UDT or collection is frozen only
when written frozen<...> (or nested inside a frozen type)."""

NATIVE = (
    "ascii", "bigint", "blob", "boolean", "counter", "date", "decimal",
    "double", "duration", "float", "inet", "int", "smallint", "text", "time",
    "timestamp", "timeuuid", "tinyint", "uuid", "varint",
)
ALIASES = {"varchar": "text"}
COLLECTIONS = ("list", "set", "map")

# Types an integer literal may be assigned to (Cassandra Constants.Literal).
LITERAL_TARGETS = {
    "string": {"ascii", "text", "inet", "date", "time", "timestamp"},
    "integer": {"bigint", "counter", "date", "decimal", "double", "duration",
                "float", "int", "smallint", "time", "timestamp", "tinyint",
                "varint"},
    "uuid": {"uuid", "timeuuid"},
    "float": {"decimal", "double", "float"},
    "boolean": {"boolean"},
    "hex": {"blob"},
    "duration": {"duration"},
}


class CqlType:
    __slots__ = ("kind", "params", "frozen", "keyspace", "name", "dimension",
                 "_hash")

    def __init__(self, kind, params=(), frozen=False, keyspace=None, name=None,
                 dimension=None):
        self.kind = kind
        self.params = tuple(params)
        self.frozen = frozen or kind in ("tuple", "vector")
        self.keyspace = keyspace
        self.name = name
        self.dimension = dimension
        self._hash = hash((kind, self.params, self.frozen, keyspace, name,
                           dimension))

    def __eq__(self, other):
        return (isinstance(other, CqlType) and self.kind == other.kind
                and self.params == other.params and self.frozen == other.frozen
                and self.keyspace == other.keyspace and self.name == other.name
                and self.dimension == other.dimension)

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return "CqlType(%s)" % self.cql()

    # Classification ------------------------------------------------------
    @property
    def is_native(self):
        return self.kind in NATIVE

    @property
    def is_collection(self):
        return self.kind in COLLECTIONS

    @property
    def is_counter(self):
        return self.kind == "counter"

    @property
    def multi_cell(self):
        """Non-frozen collection or UDT: stored cell by cell."""
        return (self.kind in COLLECTIONS or self.kind == "udt") and not self.frozen

    def references_duration(self):
        return self.kind == "duration" or any(p.references_duration()
                                              for p in self.params)

    def freeze(self):
        if self.frozen:
            return self
        return CqlType(self.kind, self.params, True, self.keyspace, self.name,
                       self.dimension)

    def unfrozen_params_frozen(self):
        return self

    # Rendering -----------------------------------------------------------
    def cql(self):
        k = self.kind
        if k in NATIVE:
            return k
        if k == "custom":
            return "'%s'" % self.name.replace("'", "''")
        if k == "udt":
            inner = quote_ident(self.name)
        elif k == "map":
            inner = "map<%s, %s>" % (self.params[0].cql(), self.params[1].cql())
        elif k in ("list", "set"):
            inner = "%s<%s>" % (k, self.params[0].cql())
        elif k == "tuple":
            return "tuple<%s>" % ", ".join(p.cql() for p in self.params)
        elif k == "vector":
            return "vector<%s, %d>" % (self.params[0].cql(), self.dimension)
        else:
            inner = k
        return "frozen<%s>" % inner if self.frozen else inner

    def to_json(self):
        k = self.kind
        d = {"kind": k}
        if k in COLLECTIONS or k == "udt":
            d["frozen"] = self.frozen
        if k in ("list", "set", "vector"):
            d["element"] = self.params[0].to_json()
        elif k == "map":
            d["key"] = self.params[0].to_json()
            d["value"] = self.params[1].to_json()
        elif k == "tuple":
            d["elements"] = [p.to_json() for p in self.params]
        if k == "udt":
            d["keyspace"] = self.keyspace
            d["name"] = self.name
        if k == "vector":
            d["dimension"] = self.dimension
        if k == "custom":
            d["class"] = self.name
        return d


def native(name):
    return CqlType(name)


BIGINT = native("bigint")
INT = native("int")
TEXT = native("text")
BOOLEAN = native("boolean")
TIMESTAMP = native("timestamp")
TIMEUUID = native("timeuuid")


def list_of(t, frozen=False):
    return CqlType("list", (t,), frozen)


def set_of(t, frozen=False):
    return CqlType("set", (t,), frozen)


def tuple_of(ts):
    return CqlType("tuple", ts, True)


def strip_counter(t):
    """Counters are bound as bigint deltas."""
    return BIGINT if t.is_counter else t


class RawType:
    """A type as written: kind, raw params, frozen flag, and for UDTs the
    (keyspace, name) as written. `start`/`end` locate it in its source."""
    __slots__ = ("kind", "params", "frozen", "keyspace", "name", "dimension",
                 "start", "end")

    def __init__(self, kind, start, end, params=(), frozen=False,
                 keyspace=None, name=None, dimension=None):
        self.kind = kind
        self.params = list(params)
        self.frozen = frozen
        self.keyspace = keyspace
        self.name = name
        self.dimension = dimension
        self.start = start
        self.end = end

    @property
    def supports_freezing(self):
        return self.kind in COLLECTIONS or self.kind in ("udt", "tuple", "vector")

    @property
    def is_counter(self):
        return self.kind == "counter"

    def freeze(self):
        """frozen<T> freezes T and, like Cassandra, every type nested in it."""
        self.frozen = True
        for p in self.params:
            if p.supports_freezing:
                p.freeze()
        return self

    def __str__(self):
        """Rendered like Cassandra's CQL3Type.Raw.toString for messages."""
        k = self.kind
        if k in NATIVE:
            return k
        if k == "custom":
            return "'%s'" % self.name
        if k == "udt":
            inner = (self.keyspace + "." if self.keyspace else "") + self.name
        elif k == "map":
            inner = "map<%s, %s>" % (self.params[0], self.params[1])
        elif k in ("list", "set"):
            inner = "%s<%s>" % (k, self.params[0])
        elif k == "tuple":
            return "tuple<%s>" % ", ".join(str(p) for p in self.params)
        elif k == "vector":
            return "vector<%s, %d>" % (self.params[0], self.dimension)
        else:
            inner = k
        return "frozen<%s>" % inner if self.frozen else inner


_SAFE_IDENT_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def quote_ident(name):
    """CQL spelling of an identifier: bare when it reads back the same."""
    if name and name[0].isalpha() and name[0].islower() and \
            all(c in _SAFE_IDENT_CHARS for c in name):
        return name
    return '"%s"' % name.replace('"', '""')
