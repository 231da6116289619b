/* Type descriptors: the wire [option] form, CQL syntax and Java class names.
 *
 * Every function that builds a cql_type allocates the whole tree from the
 * given arena; the tree lives exactly as long as the arena. Nesting deeper
 * than CQL_TYPE_MAX_DEPTH fails with E_TOO_DEEP, so hostile input cannot
 * exhaust the stack. */
#ifndef CQL_CORE_TYPE_H
#define CQL_CORE_TYPE_H

#include "arena.h"
#include "cqlkit/types.h"
#include "wire.h"

enum { CQL_TYPE_MAX_DEPTH = 32 };

/* Reads an [option] type (metadata of results and prepared statements).
 * A custom type whose class is VectorType(...) becomes CQL_TYPE_VECTOR;
 * custom class names that name a native type (e.g. ...Int32Type) stay
 * CUSTOM. Errors are recorded in `r` (E_BAD_TYPE for unknown ids). */
const cql_type *cql_type_read_option(cql_rd *r, cql_arena *arena);

/* Writes `t` as an [option]; a VECTOR becomes the custom class string. */
void cql_type_write_option(cql_buf *b, const cql_type *t);

/* Parses CQL type syntax: "int", "text", "map<text, frozen<list<int>>>",
 * "tuple<int, text>", "vector<float, 3>", "frozen<addr>". Names that are
 * not native types are UDT references: the result has id UDT, the name in
 * udt_name (lower-cased unless quoted, keyspace split off when qualified)
 * and no fields; the caller resolves it against a schema. */
cql_status cql_type_parse_cql(cql_slice text, cql_arena *arena, const cql_type **out);

/* Parses a Cassandra marshal class string, as found in custom types and
 * system_schema: "org.apache.cassandra.db.marshal.Int32Type",
 * "...ListType(...UTF8Type)", "...VectorType(...FloatType, 3)",
 * "...UserType(ks,6164647220,...)" (hex-encoded names), FrozenType(...). */
cql_status cql_type_parse_class(cql_slice text, cql_arena *arena, const cql_type **out);

/* Writes `t` in CQL syntax ("map<text, int>", "frozen<addr>"), as
 * system_schema.columns.type shows it. */
void cql_type_format_cql(cql_buf *b, const cql_type *t);

/* Writes the marshal class string for `t`. */
void cql_type_format_class(cql_buf *b, const cql_type *t);

/* The CQL name of a native type ("int", "text"), or NULL for others. */
const char *cql_type_native_name(cql_type_id id);

/* A shared, static descriptor of a native (non-parameterised) type, or NULL. */
const cql_type *cql_type_native(cql_type_id id);

/* Structural equality (UDTs by keyspace, name and fields). */
bool cql_type_equal(const cql_type *a, const cql_type *b);

/* The fixed serialized size of values of `t` (int: 4, uuid: 16...), or 0 for
 * variable-size types. Used by vectors, which pack fixed-size elements. */
size_t cql_type_fixed_size(const cql_type *t);

#endif
