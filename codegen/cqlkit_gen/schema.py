"""The schema catalog: keyspaces, user types, tables and views, built by
applying schema statements in order (see schema_rules.SchemaBuilder)."""

PARTITION_KEY = "partition_key"
CLUSTERING = "clustering"
STATIC = "static"
REGULAR = "regular"


class Loc:
    """Where something was defined, for notes ("previous definition")."""
    __slots__ = ("source", "offset", "length")

    def __init__(self, source, offset, length=1):
        self.source = source
        self.offset = offset
        self.length = length


class Column:
    __slots__ = ("name", "type", "kind", "position", "order", "loc")

    def __init__(self, name, type_, kind, position=0, order=None, loc=None):
        self.name = name
        self.type = type_
        self.kind = kind
        self.position = position  # index within the partition key / clustering
        self.order = order        # 'asc' / 'desc' for clustering columns
        self.loc = loc

    @property
    def is_primary_key(self):
        return self.kind in (PARTITION_KEY, CLUSTERING)


class Table:
    def __init__(self, keyspace, name, loc=None):
        self.keyspace = keyspace
        self.name = name
        self.columns = {}          # name -> Column, in definition order
        self.partition_key = []    # column names
        self.clustering = []       # column names
        self.options = {}
        self.is_counter = False
        self.is_view = False
        self.base_table = None     # for views: base table name
        self.compact = False
        self.indexes = {}          # index name -> (column name, target kind)
        self.broken = False        # had definition errors (already reported)
        self.loc = loc

    def __str__(self):
        return "%s.%s" % (self.keyspace, self.name)

    def column(self, name):
        return self.columns.get(name)

    def has_statics(self):
        return any(c.kind == STATIC for c in self.columns.values())

    def indexed_columns(self):
        return {col for (col, _kind) in self.indexes.values()}

    def select_order(self):
        """Columns in the order `SELECT *` returns them: partition key,
        clustering, then static and then regular columns, each of those two
        groups sorted by the UTF-8 bytes of the name (Cassandra's
        Columns.selectOrderIterator)."""
        pk = [self.columns[n] for n in self.partition_key]
        ck = [self.columns[n] for n in self.clustering]
        rest = [c for c in self.columns.values() if not c.is_primary_key]

        def key(c):
            return c.name.encode("utf-8")
        statics = sorted((c for c in rest if c.kind == STATIC), key=key)
        regular = sorted((c for c in rest if c.kind == REGULAR), key=key)
        return pk + ck + statics + regular

    def renumber(self):
        for i, n in enumerate(self.partition_key):
            c = self.columns[n]
            c.kind, c.position = PARTITION_KEY, i
        for i, n in enumerate(self.clustering):
            c = self.columns[n]
            c.kind, c.position = CLUSTERING, i


class UserType:
    def __init__(self, keyspace, name, fields, loc=None):
        self.keyspace = keyspace
        self.name = name
        self.fields = fields       # list of (name, CqlType)
        self.loc = loc

    def field(self, name):
        for (n, t) in self.fields:
            if n == name:
                return t
        return None

    def __str__(self):
        return "%s.%s" % (self.keyspace, self.name)


class Function:
    def __init__(self, keyspace, name, arg_types, return_type, aggregate=False):
        self.keyspace = keyspace
        self.name = name
        self.arg_types = arg_types
        self.return_type = return_type
        self.aggregate = aggregate


class Keyspace:
    def __init__(self, name, options=None, loc=None):
        self.name = name
        self.options = options or {}
        self.types = {}            # name -> UserType
        self.tables = {}           # name -> Table (views included)
        self.functions = {}        # name -> Function
        self.loc = loc


class Catalog:
    def __init__(self):
        self.keyspaces = {}

    def keyspace(self, name):
        return self.keyspaces.get(name)

    def user_type(self, keyspace, name):
        ks = self.keyspaces.get(keyspace)
        return ks.types.get(name) if ks else None

    def tables_named(self, name):
        return [ks.tables[name] for ks in self.keyspaces.values() if name in ks.tables]

    def all_table_names(self):
        out = []
        for ks in self.keyspaces.values():
            for t in ks.tables:
                out.append(t)
                out.append("%s.%s" % (ks.name, t))
        return out

    def type_uses(self, keyspace, name):
        """Tables and types of `keyspace` that refer to user type `name`."""
        users = []
        ks = self.keyspaces[keyspace]

        def refs(t):
            if t.kind == "udt" and t.keyspace == keyspace and t.name == name:
                return True
            return any(refs(p) for p in t.params)
        for tname, table in ks.tables.items():
            if any(refs(c.type) for c in table.columns.values()):
                users.append(tname)
        for uname, ut in ks.types.items():
            if uname != name and any(refs(ft) for (_n, ft) in ut.fields):
                users.append(uname)
        return users
