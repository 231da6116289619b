"""The typed intermediate representation handed to the back-end.

Everything here is plain data, already checked: the back-end never needs
the parser or the catalog. `to_json()` gives the stable form printed by
`cqlkit-gen --dump-ir` (sorted keys)."""

from dataclasses import dataclass, field
from typing import List, Optional

from .cql_types import CqlType

IR_VERSION = 1

# Param roles: where a bind marker sits, which decides its type.
ROLES = (
    "key",            # WHERE col = ? on a primary key column
    "filter",         # WHERE col op ? on a non-key column, or a range on a key
    "in_value",       # one element of IN (?, ?)
    "in_list",        # IN ? : the whole list
    "token",          # token(...) op ?  (bigint, Murmur3Partitioner)
    "contains",       # CONTAINS ? / CONTAINS KEY ?
    "value",          # SET col = ? / VALUES (?) for a non-key column
    "key_value",      # VALUES (?) for a primary key column
    "collection_add", "collection_remove", "list_prepend",
    "counter_delta",  # SET c = c + ?: a signed delta
    "element_key", "element_value",  # m[?] = ? / l[?] = ?
    "field_value",    # SET udt.f = ?
    "delete_element", # DELETE m[?] FROM ...
    "condition",      # IF col = ?
    "limit", "per_partition_limit", "ttl", "timestamp",
)


@dataclass
class Param:
    name: str              # the bind variable's name (see docs for `?`)
    field: str             # a C identifier for it, unique in the query
    type: CqlType
    nullable: bool         # whether binding null is meaningful and allowed
    role: str
    column: Optional[str]  # the column it binds to, if any
    positions: List[int] = field(default_factory=list)  # bind indexes

    def to_json(self):
        return {"name": self.name, "field": self.field, "type": self.type.to_json(),
                "cql_type": self.type.cql(), "nullable": self.nullable,
                "role": self.role, "column": self.column, "positions": self.positions}


@dataclass
class ResultColumn:
    name: str              # as Cassandra names it in the result metadata
    field: str             # a C identifier, unique in the row
    type: CqlType
    nullable: bool
    source: str            # column, ttl, writetime, count, function, term, applied, json
    column: Optional[str] = None

    def to_json(self):
        return {"name": self.name, "field": self.field, "type": self.type.to_json(),
                "cql_type": self.type.cql(), "nullable": self.nullable,
                "source": self.source, "column": self.column}


@dataclass
class Lwt:
    condition: str         # if_not_exists, if_exists, columns, batch
    columns: List[ResultColumn]  # besides [applied], when not applied

    def to_json(self):
        return {"condition": self.condition, "columns": [c.to_json() for c in self.columns]}


@dataclass
class Query:
    name: str
    kind: str              # one, many, exec, batch, lwt
    statement: str         # select, insert, update, delete, batch
    keyspace: str
    table: str
    text: str              # sent to PREPARE as is
    file: str
    line: int
    params: List[Param]
    bind_count: int
    columns: List[ResultColumn]   # SELECT rows; for :lwt, [applied] first
    lwt: Optional[Lwt] = None
    counter: bool = False
    batch_type: Optional[str] = None   # logged, unlogged, counter for BEGIN BATCH

    def to_json(self):
        return {"name": self.name, "kind": self.kind, "statement": self.statement,
                "keyspace": self.keyspace, "table": self.table, "text": self.text,
                "file": self.file, "line": self.line,
                "params": [p.to_json() for p in self.params],
                "bind_count": self.bind_count,
                "columns": [c.to_json() for c in self.columns],
                "lwt": self.lwt.to_json() if self.lwt else None,
                "counter": self.counter, "batch_type": self.batch_type}


def catalog_to_json(catalog):
    kss = []
    for ks in sorted(catalog.keyspaces.values(), key=lambda k: k.name):
        types = [{"name": ut.name,
                  "fields": [{"name": n, "type": t.to_json(), "cql_type": t.cql()}
                             for (n, t) in ut.fields]}
                 for ut in sorted(ks.types.values(), key=lambda u: u.name)]
        tables = []
        for t in sorted(ks.tables.values(), key=lambda x: x.name):
            tables.append({
                "name": t.name,
                "view": t.is_view,
                "base_table": t.base_table,
                "counter": t.is_counter,
                "partition_key": list(t.partition_key),
                "clustering": [{"name": n, "order": t.columns[n].order}
                               for n in t.clustering],
                "columns": [{"name": c.name, "type": c.type.to_json(),
                             "cql_type": c.type.cql(), "kind": c.kind,
                             "position": c.position}
                            for c in t.select_order()],
                "options": _jsonable(t.options),
            })
        kss.append({"name": ks.name, "options": _jsonable(ks.options), "types": types,
                    "tables": tables})
    return kss


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return str(v)
    return v


def program_to_json(inputs, catalog, queries):
    return {"version": IR_VERSION, "inputs": inputs,
            "keyspaces": catalog_to_json(catalog),
            "queries": [q.to_json() for q in queries]}
