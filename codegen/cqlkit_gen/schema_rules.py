"""Applies schema statements to the catalog, enforcing Cassandra's rules.

Messages quote Cassandra's own wording (org.apache.cassandra.cql3 ...
CreateTableStatement, CQL3Type, CreateTypeStatement, AlterTableStatement,
AlterTypeStatement, TableMetadata) wherever Cassandra has one; see
codegen/README.md for the list."""

from .cql_types import CqlType
from .diagnostics import CqlError, did_you_mean
from .schema import (CLUSTERING, PARTITION_KEY, REGULAR, STATIC, Catalog,
                     Column, Function, Keyspace, Loc, Table, UserType)
from . import schema_parser as S


def _err(tok_or_name, message):
    start = tok_or_name.start
    length = max(1, tok_or_name.end - tok_or_name.start)
    return CqlError(start, message, length)


class SchemaBuilder:
    def __init__(self, diags):
        self.catalog = Catalog()
        self.diags = diags
        self.source = None
        self.current_ks = None

    # Driver ---------------------------------------------------------------
    def apply_file(self, source, stmts):
        self.source = source
        self.current_ks = None   # USE does not carry across files
        for st in stmts:
            for e in getattr(st, "errors", None) or []:
                self.diags.from_exc(source, e)
            try:
                self.apply(st)
            except CqlError as e:
                self.diags.from_exc(source, e)

    def apply(self, st):
        handler = getattr(self, "_" + st.kind, None)
        if handler is None:
            return
        try:
            handler(st)
        except CqlError:
            if st.kind in ("create_table", "create_view"):
                self._placeholder(st)
            raise

    def _placeholder(self, st):
        """A table whose definition failed still exists, marked broken, so
        queries on it are not reported a second time."""
        name = st.name.keyspace or self.current_ks
        ks = self.catalog.keyspaces.get(name) if name else None
        if ks is not None and st.name.name not in ks.tables:
            t = Table(ks.name, st.name.name, self.loc(st.name))
            t.broken = True
            ks.tables[st.name.name] = t

    def loc(self, tok):
        return Loc(self.source, tok.start, max(1, tok.end - tok.start))

    # Keyspaces ------------------------------------------------------------
    def _use(self, st):
        if st.ks.value not in self.catalog.keyspaces:
            raise _err(st.ks, "Keyspace '%s' does not exist%s" % (
                st.ks.value, did_you_mean(st.ks.value, self.catalog.keyspaces)))
        self.current_ks = st.ks.value

    def _create_keyspace(self, st):
        name = st.name.value
        if name in self.catalog.keyspaces:
            if st.if_not_exists:
                return
            prev = self.catalog.keyspaces[name].loc
            e = _err(st.name, 'Cannot add existing keyspace "%s"' % name)
            if prev:
                e.note(prev.source, prev.offset, "previous definition is here", prev.length)
            raise e
        self.catalog.keyspaces[name] = Keyspace(name, st.options, self.loc(st.name))

    def _alter_keyspace(self, st):
        ks = self.catalog.keyspaces.get(st.name.value)
        if ks is None:
            if st.if_exists:
                return
            raise self._no_keyspace(st.name, st.name.value)
        ks.options.update(st.options)

    def _no_keyspace(self, tok, name):
        return _err(tok, "Keyspace '%s' doesn't exist%s" % (
            name, did_you_mean(name, self.catalog.keyspaces)))

    def keyspace_of(self, qname):
        """The keyspace a (possibly qualified) name lives in."""
        name = qname.keyspace or self.current_ks
        if name is None:
            raise CqlError(qname.start, "No keyspace has been specified. USE a keyspace, "
                           "or explicitly specify keyspace.tablename",
                           qname.end - qname.start)
        ks = self.catalog.keyspaces.get(name)
        if ks is None:
            tok = _Span(qname.ks_start if qname.keyspace else qname.start,
                        qname.name_start - 1 if qname.keyspace else qname.end)
            raise self._no_keyspace(tok, name)
        return ks

    # Types ----------------------------------------------------------------
    def resolve(self, raw, ks):
        """A RawType made concrete in keyspace `ks` (CQL3Type.Raw.prepare)."""
        k = raw.kind
        if k == "custom":
            return CqlType("custom", name=raw.name)
        if k == "udt":
            if raw.keyspace and raw.keyspace != ks.name:
                raise _err(raw, "Statement on keyspace %s cannot refer to a user type in "
                           "keyspace %s; user types can only be used in the keyspace "
                           "they are defined in" % (ks.name, raw.keyspace))
            if raw.name not in ks.types:
                raise _err(raw, "unknown type '%s'%s" % (
                    raw.name, did_you_mean(raw.name, ks.types)))
            return CqlType("udt", frozen=raw.frozen, keyspace=ks.name, name=raw.name)
        if k in ("list", "set", "map"):
            values = raw.params[-1]
            keys = raw.params[0] if k == "map" else None
            if not raw.frozen and values.supports_freezing and not values.frozen:
                self._nested_non_frozen(raw, values)
            if values.is_counter:
                raise _err(raw, "Counters are not allowed inside collections: %s" % raw)
            if values.kind == "duration" and k == "set":
                raise _err(raw, "Durations are not allowed inside sets: %s" % raw)
            if keys is not None:
                if keys.is_counter:
                    raise _err(raw, "Counters are not allowed inside collections: %s" % raw)
                if keys.kind == "duration":
                    raise _err(raw, "Durations are not allowed as map keys: %s" % raw)
                if not raw.frozen and keys.supports_freezing and not keys.frozen:
                    self._nested_non_frozen(raw, keys)
            params = [self.resolve(p, ks) for p in raw.params]
            return CqlType(k, params, raw.frozen)
        if k == "tuple":
            for p in raw.params:
                if p.is_counter:
                    raise _err(raw, "Counters are not allowed inside tuples")
            return CqlType("tuple", [self.resolve(p, ks) for p in raw.params], True)
        if k == "vector":
            if raw.params[0].is_counter:
                raise _err(raw, "Counters are not allowed inside vectors: %s" % raw)
            return CqlType("vector", [self.resolve(raw.params[0], ks)], True,
                           dimension=raw.dimension)
        return CqlType(k)

    @staticmethod
    def _nested_non_frozen(outer, inner):
        if inner.kind in ("list", "set", "map"):
            raise _err(outer, "Non-frozen collections are not allowed inside "
                       "collections: %s" % outer)
        if inner.kind == "udt":
            raise _err(outer, "Non-frozen UDTs are not allowed inside collections: %s"
                       % outer)

    def _udt_multicell_fields(self, t):
        if t.kind == "udt" and not t.frozen:
            ut = self.catalog.user_type(t.keyspace, t.name)
            return ut is not None and any(ft.multi_cell for (_n, ft) in ut.fields)
        return False

    def _create_type(self, st):
        ks = self.keyspace_of(st.name)
        name = st.name.name
        if name in ks.types:
            if st.if_not_exists:
                return
            prev = ks.types[name].loc
            e = _err(st.name, "A user type with name '%s' already exists" % name)
            e.note(prev.source, prev.offset, "previous definition is here", prev.length)
            raise e
        seen = set()
        for (ftok, _ftype) in st.fields:
            if ftok.value in seen:
                raise _err(ftok, "Duplicate field name '%s' in type '%s'" % (ftok.value, name))
            seen.add(ftok.value)
        for (_ftok, ftype) in st.fields:
            if ftype.is_counter:
                raise _err(ftype, "A user type cannot contain counters")
            if ftype.kind == "udt" and not ftype.frozen:
                raise _err(ftype, "A user type cannot contain non-frozen UDTs")
        fields = [(ftok.value, self.resolve(ftype, ks)) for (ftok, ftype) in st.fields]
        ks.types[name] = UserType(ks.name, name, fields, self.loc(_Span(st.name.name_start,
                                                                         st.name.end)))

    def _alter_type(self, st):
        ks = self.keyspace_of(st.name)
        ut = ks.types.get(st.name.name)
        if ut is None:
            if st.if_exists:
                return
            raise _err(st.name, "Type %s.%s doesn't exist%s" % (
                ks.name, st.name.name, did_you_mean(st.name.name, ks.types)))
        if st.action == "alter":
            raise _err(st.tok, "Altering field types is no longer supported")
        if st.action == "add":
            fname = st.field.value
            if ut.field(fname) is not None:
                if st.if_field:
                    return
                raise _err(st.field, "Cannot add field %s to type %s: a field with name %s "
                           "already exists" % (fname, ut, fname))
            if st.type.is_counter:
                raise _err(st.type, "A user type cannot contain counters")
            ftype = self.resolve(st.type, ks)
            if _refers_to(ftype, ks.name, ut.name, self.catalog):
                raise _err(st.type, "Cannot add new field %s of type %s to user type %s as "
                           "it would create a circular reference" % (fname, st.type, ut))
            ut.fields.append((fname, ftype))
            return
        names = [n for (n, _t) in ut.fields]
        for (a, b) in st.renames:
            if a.value not in names:
                if st.if_field:
                    continue
                raise _err(a, "Unkown field %s in user type %s%s" % (
                    a.value, ut, did_you_mean(a.value, names)))
            names[names.index(a.value)] = b.value
        for (a, b) in st.renames:
            if names.count(b.value) > 1:
                raise _err(b, "Duplicate field name %s in type %s" % (b.value, ut))
        ut.fields = [(n, t) for n, (_old, t) in zip(names, ut.fields)]

    # Tables ---------------------------------------------------------------
    def _create_table(self, st):
        if st.errors:
            self._placeholder(st)
            return     # already reported (multiple PRIMARY KEY)
        tname = st.name.name
        cols = {}
        for c in st.columns:
            if c.tok.value in cols:
                e = _err(c.tok, "Duplicate column '%s' declaration for table '%s'"
                         % (c.tok.value, st.name))
                prev = cols[c.tok.value].tok
                e.note(self.source, prev.start, "previous declaration is here",
                       prev.end - prev.start)
                raise e
            cols[c.tok.value] = c
        seen_order = set()
        for (ctok, _d) in st.order:
            if ctok.value in seen_order:
                raise _err(ctok, "Duplicate column '%s' in CLUSTERING ORDER BY clause for "
                           "table '%s'" % (ctok.value, st.name))
            seen_order.add(ctok.value)
        if st.pk_tok is None:
            raise _err(st.name, "No PRIMARY KEY specifed for table '%s' (exactly one "
                       "required)" % st.name)
        ks = self.keyspace_of(st.name)
        if tname in ks.tables:
            if st.if_not_exists:
                return
            prev = ks.tables[tname].loc
            e = _err(_Span(st.name.name_start, st.name.end),
                     'Cannot add already existing table "%s" to keyspace "%s"'
                     % (tname, ks.name))
            e.note(prev.source, prev.offset, "previous definition is here", prev.length)
            raise e
        table = Table(ks.name, tname, self.loc(_Span(st.name.name_start, st.name.end)))
        table.options = st.options
        table.compact = st.compact
        # Resolve every column type, reporting each bad one.
        types = {}
        failed = False
        for c in st.columns:
            try:
                types[c.tok.value] = self.resolve(c.type, ks)
            except CqlError as e:
                self.diags.from_exc(self.source, e)
                failed = True
        for c in st.columns:
            t = types.get(c.tok.value)
            if t is not None and self._udt_multicell_fields(t):
                raise _err(c.type, "Non-frozen UDTs with nested non-frozen collections "
                           "are not supported")
        # PRIMARY KEY.
        statics = {c.tok.value for c in st.columns if c.static}
        seen = set()
        for ctok in list(st.partition) + list(st.clustering):
            name = ctok.value
            if name not in cols:
                raise _err(ctok, "Unknown column '%s' referenced in PRIMARY KEY for table "
                           "'%s'%s" % (name, tname, did_you_mean(name, cols)))
            if name in seen:
                raise _err(ctok, "Duplicate column '%s' in PRIMARY KEY clause for table "
                           "'%s'" % (name, tname))
            seen.add(name)
            t = types.get(name)
            if t is None:
                continue
            if t.multi_cell:
                what = "collection" if t.is_collection else "user-defined"
                raise _err(ctok, "Invalid non-frozen %s type %s for PRIMARY KEY column "
                           "'%s'" % (what, cols[name].type, name))
            if t.is_counter:
                raise _err(ctok, "counter type is not supported for PRIMARY KEY column "
                           "'%s'" % name)
            if t.references_duration():
                raise _err(ctok, "duration type is not supported for PRIMARY KEY column "
                           "'%s'" % name)
            if name in statics:
                raise _err(ctok, "Static column '%s' cannot be part of the PRIMARY KEY"
                           % name)
        clustering = [c.value for c in st.clustering]
        if len(st.order) > len(clustering):
            raise _err(st.order[len(clustering)][0], "Only clustering columns can be "
                       "defined in CLUSTERING ORDER directive")
        for n, (ctok, _d) in enumerate(st.order):
            if ctok.value not in clustering:
                raise _err(ctok, "Only clustering columns can be defined in CLUSTERING "
                           "ORDER directive%s" % did_you_mean(ctok.value, clustering))
            expected = clustering[n]
            if ctok.value != expected:
                if expected in seen_order:
                    raise _err(ctok, "The order of columns in the CLUSTERING ORDER directive "
                               "must match that of the clustering columns (%s must appear "
                               "before %s)" % (expected, ctok.value))
                raise _err(ctok, "Missing CLUSTERING ORDER for column %s" % expected)
        if not clustering and statics and not st.compact:
            first = next(c for c in st.columns if c.static)
            raise _err(first.tok, "Static columns are only useful (and thus allowed) if the "
                       "table has at least one clustering column")
        pk_names = {c.value for c in st.partition} | set(clustering)
        has_counters = any(c.type.is_counter for c in st.columns)
        if has_counters:
            for c in st.columns:
                t = types.get(c.tok.value)
                if c.tok.value not in pk_names and t is not None and not t.is_counter:
                    raise _err(c.tok, "Cannot mix counter and non counter columns in the "
                               "same table")
            ttl = st.options.get("default_time_to_live")
            if isinstance(ttl, int) and ttl > 0:
                raise _err(st.name, "Cannot set default_time_to_live on a table with "
                           "counters")
        order = {c.value: d for (c, d) in st.order}
        for c in st.columns:
            name = c.tok.value
            t = types.get(name)
            if t is None:
                continue
            kind = STATIC if c.static else REGULAR
            table.columns[name] = Column(name, t, kind, loc=self.loc(c.tok))
        table.partition_key = [c.value for c in st.partition if c.value in table.columns]
        table.clustering = [c for c in clustering if c in table.columns]
        table.renumber()
        for name in table.clustering:
            table.columns[name].order = order.get(name, "asc")
        table.is_counter = has_counters
        table.broken = failed
        ks.tables[tname] = table

    def table_of(self, qname, if_exists=False):
        ks = self.keyspace_of(qname)
        table = ks.tables.get(qname.name)
        if table is None:
            if if_exists:
                return None
            raise _err(_Span(qname.name_start, qname.end), "Table '%s.%s' doesn't exist%s" % (
                ks.name, qname.name, did_you_mean(qname.name, ks.tables)))
        return table

    def _alter_table(self, st):
        table = self.table_of(st.name, st.if_exists)
        if table is None:
            return
        if table.is_view:
            raise _err(st.tok, "Cannot use ALTER TABLE on a materialized view; use ALTER "
                       "MATERIALIZED VIEW instead")
        ks = self.catalog.keyspaces[table.keyspace]
        if st.action == "alter_type":
            raise _err(st.tok, "Altering column types is no longer supported")
        if st.action == "with":
            table.options.update(st.options)
            return
        if st.action == "add":
            for c in st.columns:
                name = c.tok.value
                t = self.resolve(c.type, ks)
                if name in table.columns:
                    if st.if_col:
                        continue
                    raise _err(c.tok, "Column with name '%s' already exists" % name)
                if c.static and not table.clustering:
                    raise _err(c.tok, "Static columns are only useful (and thus allowed) if "
                               "the table has at least one clustering column")
                if self._udt_multicell_fields(t):
                    raise _err(c.type, "Non-frozen UDTs with nested non-frozen collections "
                               "are not supported for column %s" % name)
                if table.is_counter and not t.is_counter:
                    raise _err(c.tok, 'Cannot have a non counter column ("%s") in a counter '
                               'table' % name)
                if not table.is_counter and t.is_counter:
                    raise _err(c.tok, 'Cannot have a counter column ("%s") in a non counter '
                               'table' % name)
                table.columns[name] = Column(name, t, STATIC if c.static else REGULAR,
                                             loc=self.loc(c.tok))
            return
        if st.action == "drop":
            for ctok in st.columns:
                col = table.columns.get(ctok.value)
                if col is None:
                    if st.if_col:
                        continue
                    raise _err(ctok, "Column %s was not found in table '%s'%s" % (
                        ctok.value, table, did_you_mean(ctok.value, table.columns)))
                if col.is_primary_key:
                    raise _err(ctok, "Cannot drop PRIMARY KEY column %s" % ctok.value)
                if col.type.kind == "udt" and not col.type.frozen:
                    raise _err(ctok, "Cannot drop non-frozen column %s of user type %s"
                               % (ctok.value, col.type.cql()))
                views = [t.name for t in ks.tables.values()
                         if t.is_view and t.base_table == table.name]
                if views:
                    raise _err(ctok, "Cannot drop column %s on base table %s with "
                               "materialized views" % (ctok.value, table.name))
                del table.columns[ctok.value]
                for iname, (icol, _k) in list(table.indexes.items()):
                    if icol == ctok.value:
                        del table.indexes[iname]
            return
        # rename: only primary key columns can be renamed.
        for (a, b) in st.renames:
            col = table.columns.get(a.value)
            if col is None:
                if st.if_col:
                    continue
                raise _err(a, "Column %s was not found in table '%s'%s" % (
                    a.value, table, did_you_mean(a.value, table.columns)))
            if not col.is_primary_key:
                raise _err(a, "Cannot rename non PRIMARY KEY column %s" % a.value)
            if b.value in table.columns:
                raise _err(b, "Cannot rename column %s to %s in table %s; another column of "
                           "that name already exist" % (a.value, b.value, table.name))
            cols = {}
            for n, c in table.columns.items():
                if n == a.value:
                    c.name = b.value
                    n = b.value
                cols[n] = c
            table.columns = cols
            table.partition_key = [b.value if n == a.value else n for n in table.partition_key]
            table.clustering = [b.value if n == a.value else n for n in table.clustering]

    def _drop(self, st):
        if st.what == "keyspace":
            name = st.name.name
            if name not in self.catalog.keyspaces:
                if st.if_exists:
                    return
                raise self._no_keyspace(st.name, name)
            del self.catalog.keyspaces[name]
            if self.current_ks == name:
                self.current_ks = None
            return
        if st.what == "index":
            ks = self.keyspace_of(st.name)
            for t in ks.tables.values():
                if st.name.name in t.indexes:
                    del t.indexes[st.name.name]
                    return
            if not st.if_exists:
                raise _err(st.name, "Index '%s.%s' doesn't exist" % (ks.name, st.name.name))
            return
        if st.what == "type":
            ks = self.keyspace_of(st.name)
            if st.name.name not in ks.types:
                if st.if_exists:
                    return
                raise _err(st.name, "Type '%s.%s' doesn't exist%s" % (
                    ks.name, st.name.name, did_you_mean(st.name.name, ks.types)))
            users = self.catalog.type_uses(ks.name, st.name.name)
            if users:
                raise _err(st.name, "Cannot drop user type '%s.%s' as it is still used by "
                           "%s" % (ks.name, st.name.name, ", ".join(users)))
            del ks.types[st.name.name]
            return
        table = self.table_of(st.name, st.if_exists)
        if table is None:
            return
        ks = self.catalog.keyspaces[table.keyspace]
        if st.what == "view" and not table.is_view:
            raise _err(st.name, "Cannot use DROP MATERIALIZED VIEW on Table")
        if st.what == "table" and table.is_view:
            raise _err(st.name, "Cannot use DROP TABLE on Materialized View")
        if st.what == "table":
            views = [t.name for t in ks.tables.values()
                     if t.is_view and t.base_table == table.name]
            if views:
                raise _err(st.name, "Cannot drop table when materialized views still depend "
                           "on it (%s)" % ", ".join("%s.%s" % (ks.name, v) for v in views))
        del ks.tables[table.name]

    # Indexes, views, functions --------------------------------------------
    def _create_index(self, st):
        table = self.table_of(st.table)
        if st.name is not None and st.name.value in table.indexes:
            if st.if_not_exists:
                return
        for (ctok, kind) in st.targets:
            if ctok.value not in table.columns:
                raise _err(ctok, "Undefined column name %s in table %s%s" % (
                    ctok.value, table, did_you_mean(ctok.value, table.columns)))
            iname = st.name.value if st.name is not None else "%s_%s_idx" % (
                table.name, ctok.value)
            table.indexes[iname] = (ctok.value, kind)

    def _create_view(self, st):
        if st.errors:
            return
        ks = self.keyspace_of(st.name)
        base = self.table_of(st.base)
        if base.keyspace != ks.name:
            raise _err(st.base, "Cannot create a materialized view on a table in a "
                       "separate keyspace")
        name = st.name.name
        if name in ks.tables:
            if st.if_not_exists:
                return
            raise _err(_Span(st.name.name_start, st.name.end),
                       'Cannot add already existing table "%s" to keyspace "%s"'
                       % (name, ks.name))
        if base.is_counter:
            raise _err(st.base, "Materialized views are not supported on counter tables")
        if base.is_view:
            raise _err(st.base, "Materialized views cannot be created against other "
                       "materialized views")
        if st.columns is None:
            selected = [c.name for c in base.select_order()]
        else:
            selected = []
            for ctok in st.columns:
                col = base.columns.get(ctok.value)
                if col is None:
                    raise _err(ctok, "Undefined column name %s in table %s%s" % (
                        ctok.value, base, did_you_mean(ctok.value, base.columns)))
                if col.kind == STATIC:
                    raise _err(ctok, "Cannot include static column '%s' in materialized "
                               "view '%s'" % (ctok.value, name))
                selected.append(ctok.value)
        view = Table(ks.name, name, self.loc(_Span(st.name.name_start, st.name.end)))
        view.is_view = True
        view.base_table = base.name
        pk = [c.value for c in st.partition] + [c.value for c in st.clustering]
        pk_toks = list(st.partition) + list(st.clustering)
        for ctok in pk_toks:
            if ctok.value not in base.columns:
                raise _err(ctok, "Unknown column name detected in CREATE MATERIALIZED VIEW "
                           "statement: %s" % ctok.value)
        missing = [n for n in base.partition_key + base.clustering if n not in pk]
        if missing:
            raise _err(st.pk_tok, "Cannot create materialized view %s without primary key "
                       "columns %s from base %s" % (name, ", ".join(missing), base.name))
        extra = [n for n in pk if not base.columns[n].is_primary_key]
        if len(extra) > 1:
            raise _err(st.pk_tok, "Cannot include more than one non-primary key column in "
                       "materialized view primary key (got %s)" % ", ".join(extra))
        order = {c.value: d for (c, d) in st.order}
        for n in pk + [s for s in selected if s not in pk]:
            bc = base.columns[n]
            kind = REGULAR if bc.kind != STATIC else STATIC
            view.columns[n] = Column(n, bc.type, kind, loc=bc.loc)
        view.partition_key = [c.value for c in st.partition]
        view.clustering = [c.value for c in st.clustering]
        view.renumber()
        for n in view.clustering:
            view.columns[n].order = order.get(n, "asc")
        view.options = st.options
        ks.tables[name] = view

    def _create_function(self, st):
        ks = self.keyspace_of(st.name)
        args = [self.resolve(t, ks) for (_n, t) in st.args]
        ks.functions[st.name.name] = Function(ks.name, st.name.name, args,
                                              self.resolve(st.returns, ks))

    def _create_aggregate(self, st):
        ks = self.keyspace_of(st.name)
        args = [self.resolve(t, ks) for t in st.args]
        rtype = self.resolve(st.stype, ks)
        if st.final is not None and st.final.name in ks.functions:
            rtype = ks.functions[st.final.name].return_type
        ks.functions[st.name.name] = Function(ks.name, st.name.name, args, rtype, True)


class _Span:
    __slots__ = ("start", "end")

    def __init__(self, start, end):
        self.start, self.end = start, end


def _refers_to(t, keyspace, name, catalog, seen=None):
    if t.kind == "udt":
        if t.keyspace == keyspace and t.name == name:
            return True
        seen = seen or set()
        if (t.keyspace, t.name) in seen:
            return False
        seen.add((t.keyspace, t.name))
        ut = catalog.user_type(t.keyspace, t.name)
        if ut and any(_refers_to(ft, keyspace, name, catalog, seen) for (_n, ft) in ut.fields):
            return True
    return any(_refers_to(p, keyspace, name, catalog, seen) for p in t.params)


def build_catalog(sources, diags):
    """Parses and applies schema sources in order; returns the catalog."""
    from .lexer import tokenize
    builder = SchemaBuilder(diags)
    for src in sources:
        tokens, _comments = tokenize(src.text, lambda e, s=src: diags.from_exc(s, e))
        parser = S.SchemaParser(src, tokens)
        stmts = parser.parse_file(lambda e, s=src: diags.from_exc(s, e))
        builder.apply_file(src, stmts)
    return builder.catalog
