/* The schema catalog: keyspaces, tables, columns and user types.
 *
 * Each keyspace, table and type owns an arena holding its names and type
 * trees. A table definition is immutable once finished: ALTER builds a new
 * definition (cql_table_clone + edits + cql_table_finish), swaps it in and
 * frees the old one, carrying the stored data over. Anything holding a
 * cql_table pointer (prepared statements) must therefore be dropped on
 * every schema change of that table, which is also what Cassandra 4.0 does
 * with prepared statements.
 *
 * Not thread-safe: the engine runs on one thread. */
#ifndef CQL_NODE_CATALOG_H
#define CQL_NODE_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"
#include "message.h"

typedef enum cql_col_kind {
  CQL_COL_PARTITION = 0,
  CQL_COL_CLUSTERING = 1,
  CQL_COL_STATIC = 2,
  CQL_COL_REGULAR = 3
} cql_col_kind;

typedef struct cql_column {
  cql_slice name;
  const cql_type *type;     /* resolved: UDT fields filled in */
  const cql_type *raw_type; /* as written, UDT references by name */
  uint8_t kind;             /* cql_col_kind */
  int32_t position;         /* index in partition key or clustering, else -1 */
  bool desc;                /* clustering column in DESC order */
  uint32_t slot;            /* cell index in stored rows (stable across ALTER) */
} cql_column;

typedef struct cql_store_table cql_store_table;

typedef struct cql_table {
  cql_arena arena;
  cql_slice keyspace;
  cql_slice name;
  cql_uuid id;
  cql_column *cols; /* in no particular order */
  uint32_t n_cols, cap_cols;
  const cql_column **pk; /* partition key, in order */
  uint32_t n_pk;
  const cql_column **ck; /* clustering columns, in order */
  uint32_t n_ck;
  /* SELECT * order: partition key, clustering, then static and regular
   * columns each sorted by name, as Cassandra lists them. */
  const cql_column **star;
  uint32_t n_star;
  uint32_t n_slots; /* slots ever assigned (dropped columns keep theirs) */
  bool counter;     /* has counter columns */
  bool virtual_;    /* generated from the catalog; read-only */
  /* Partitions in key order rather than token order: the tables of virtual
   * keyspaces, which Cassandra keeps under a LocalPartitioner. */
  bool key_ordered;
  cql_slice comment;
  int32_t default_ttl;
  int32_t gc_grace_seconds;
  int32_t memtable_flush_period_ms;
  cql_pair *compaction; /* WITH compaction, normalized; n_compaction 0: the default */
  uint32_t n_compaction;
  cql_store_table *data; /* owned by the store (store.h) */
} cql_table;

typedef struct cql_udt {
  cql_arena arena;
  cql_slice keyspace;
  cql_slice name;
  cql_slice *field_names;
  const cql_type **raw_types;
  uint32_t n_fields;
  const cql_type *type; /* resolved, not frozen */
} cql_udt;

typedef struct cql_keyspace {
  cql_arena arena;
  cql_slice name;
  cql_pair *replication; /* as system_schema.keyspaces shows it */
  uint32_t n_replication;
  bool durable_writes;
  bool system;   /* a system keyspace: not droppable, read-only tables */
  bool virtual_; /* listed in system_virtual_schema, not system_schema */
  cql_table **tables;
  uint32_t n_tables, cap_tables;
  cql_udt **types;
  uint32_t n_types, cap_types;
} cql_keyspace;

typedef struct cql_catalog {
  const cql_mem *mem;
  cql_keyspace **ks;
  uint32_t n_ks, cap_ks;
  cql_uuid schema_version;
  uint64_t generation; /* bumped on every change */
} cql_catalog;

void cql_catalog_init(cql_catalog *c, const cql_mem *mem);
/* Frees every keyspace, table (not its stored data: see store.h) and type. */
void cql_catalog_free(cql_catalog *c);

cql_keyspace *cql_catalog_keyspace(const cql_catalog *c, cql_slice name);
cql_table *cql_catalog_table(const cql_catalog *c, cql_slice ks, cql_slice name);
cql_udt *cql_catalog_udt(const cql_catalog *c, cql_slice ks, cql_slice name);
const cql_column *cql_table_column(const cql_table *t, cql_slice name);

/* Adds an empty keyspace; NULL when out of memory. The name is copied. */
cql_keyspace *cql_catalog_add_keyspace(cql_catalog *c, cql_slice name);
/* Copies the replication map into the keyspace's arena. */
bool cql_keyspace_set_replication(cql_keyspace *k, const cql_pair *pairs, uint32_t n);
/* Removes and frees a keyspace and its tables and types. `on_table` is
 * called for each table first, so its stored data can be released. */
void cql_catalog_drop_keyspace(cql_catalog *c, cql_keyspace *k,
                               void (*on_table)(cql_table *t, void *ud), void *ud);

/* ---- tables ---------------------------------------------------------- */

/* A new, unfinished table definition (not yet in any keyspace). */
cql_table *cql_table_new(const cql_mem *mem, cql_slice ks, cql_slice name);
/* A copy of `t` to edit (columns, options, slots, id and data pointer). */
cql_table *cql_table_clone(const cql_mem *mem, const cql_table *t);
void cql_table_free(const cql_mem *mem, cql_table *t);
/* Appends a column (name and raw type copied into the table's arena). */
cql_column *cql_table_add_column(cql_table *t, cql_slice name, const cql_type *raw_type,
                                 cql_col_kind kind, int32_t position, bool desc);
bool cql_table_remove_column(cql_table *t, cql_slice name);
/* Copies a string into the table's arena (for options like comment). */
cql_slice cql_table_strdup(cql_table *t, cql_slice s);
/* Copies the compaction options into the table's arena. */
bool cql_table_set_compaction(cql_table *t, const cql_pair *pairs, uint32_t n);

/* Resolves UDT references against `k`, and builds pk/ck/star. On failure
 * returns false with a message in `err` (a type that does not exist). */
bool cql_table_finish(cql_table *t, const cql_catalog *c, char *err, size_t err_len);

/* Adds `t` to `k` (takes ownership), or replaces the table of the same name
 * (freeing the old definition). */
bool cql_keyspace_put_table(cql_keyspace *k, const cql_mem *mem, cql_table *t);
/* Removes the table from `k` and returns it (the caller frees it). */
cql_table *cql_keyspace_take_table(cql_keyspace *k, cql_slice name);

/* ---- types ----------------------------------------------------------- */

cql_udt *cql_udt_new(const cql_mem *mem, cql_slice ks, cql_slice name, uint32_t n_fields);
void cql_udt_free(const cql_mem *mem, cql_udt *u);
/* Sets field i (name and raw type are copied). */
bool cql_udt_set_field(cql_udt *u, uint32_t i, cql_slice name, const cql_type *raw);
/* Resolves the field types; false with a message for an unknown type. */
bool cql_udt_finish(cql_udt *u, const cql_catalog *c, char *err, size_t err_len);
bool cql_keyspace_put_udt(cql_keyspace *k, const cql_mem *mem, cql_udt *u);
cql_udt *cql_keyspace_take_udt(cql_keyspace *k, cql_slice name);

/* Resolves a raw type in the context of keyspace `ks`, allocating from
 * `arena`. NULL (with a message) for unknown UDTs or nesting too deep. */
const cql_type *cql_catalog_resolve(const cql_catalog *c, cql_slice ks, const cql_type *raw,
                                    cql_arena *arena, char *err, size_t err_len);

/* True when `t` mentions the UDT ks.name anywhere. */
bool cql_type_uses_udt(const cql_type *t, cql_slice ks, cql_slice name);

/* Recomputes the schema version (an MD5-based UUID of the whole schema)
 * and bumps the generation. Call after every change. */
void cql_catalog_changed(cql_catalog *c);

#endif
