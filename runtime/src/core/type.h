/* Type descriptors: the wire [option] form, CQL syntax and Java class names.
 *
 * Every function that builds a cql_type allocates the whole tree, names
 * included, from the given arena (native types are shared static
 * descriptors); the tree lives exactly as long as the arena and never
 * points into the input. Nesting deeper than CQL_TYPE_MAX_DEPTH fails with
 * E_TOO_DEEP, so hostile input cannot exhaust the stack; every recursive
 * function here counts depth, formatting and equality included.
 *
 * The `frozen` flag follows Cassandra's rule that only the outermost
 * collection or UDT of a column may be non-frozen: whatever the source, a
 * collection, tuple or UDT nested in another type is marked frozen, and a
 * tuple always is. Vectors are never marked frozen. Equality ignores it.
 *
 * All functions are pure and thread-compatible (no shared mutable state). */
#ifndef CQL_CORE_TYPE_H
#define CQL_CORE_TYPE_H

#include "arena.h"
#include "cqlkit/types.h"
#include "wire.h"

enum { CQL_TYPE_MAX_DEPTH = 32 };

/* Reads an [option] type (metadata of results and prepared statements).
 * A custom type whose class is VectorType(...) becomes CQL_TYPE_VECTOR,
 * keeping the class string as received in custom_class (so writing it back
 * is byte-exact); custom class names that name a native type (e.g.
 * ...Int32Type, or ...DurationType as Cassandra sends duration to v4
 * clients) stay CUSTOM: see cql_type_resolve. Returns NULL on failure, with
 * the error recorded in `r`: E_BAD_TYPE (unknown id, the retired 0x000A, a
 * malformed VectorType class), E_BAD_LENGTH / E_TRUNCATED (tuple or UDT
 * counts or strings larger than the input, checked before allocating),
 * E_TOO_DEEP, E_NOMEM. A reader already in error returns NULL at once. */
const cql_type *cql_type_read_option(cql_rd *r, cql_arena *arena);

/* Writes `t` as an [option]; a VECTOR becomes a custom type whose class
 * string is its custom_class when set, else Cassandra's own spelling
 * "org.apache.cassandra.db.marshal.VectorType(<element class> , <n>)".
 * Errors go to b->err (E_TOO_DEEP, E_BAD_TYPE for a NULL child or more
 * than 65535 tuple/UDT fields, E_BAD_LENGTH for an over-long string). */
void cql_type_write_option(cql_buf *b, const cql_type *t);

/* Parses CQL type syntax: "int", "text", "map<text, frozen<list<int>>>",
 * "tuple<int, text>", "vector<float, 3>", "frozen<addr>". Keywords are
 * case-insensitive, blanks are free. Names that are not native types are
 * UDT references: the result has id UDT, the name in udt_name (lower-cased
 * unless "quoted", keyspace split off when qualified: ks.name) and no
 * fields; cql_type_bind_udts resolves them against a schema. A quoted
 * string ('org.apache...') is a class string, parsed as
 * cql_type_parse_class does. frozen<> adds no nesting level; frozen<> right
 * inside frozen<> is refused. *out is NULL on failure: E_BAD_TYPE (syntax;
 * a vector dimension outside 1..2^31-1), E_TOO_DEEP, E_NOMEM. */
cql_status cql_type_parse_cql(cql_slice text, cql_arena *arena, const cql_type **out);

/* Parses a Cassandra marshal class string, as found in custom types and
 * system_schema: "org.apache.cassandra.db.marshal.Int32Type",
 * "...ListType(...UTF8Type)", "...VectorType(...FloatType , 3)",
 * "...UserType(ks,61646472,737472656574:...UTF8Type,...)" (names hex
 * encoded). The package prefix is optional. FrozenType(x) marks x frozen;
 * ReversedType(x) is x (order is not part of a value); DateType is the old
 * name of timestamp. Composite, DynamicComposite and ColumnToCollection
 * types fail with E_UNSUPPORTED; any other unknown class becomes CUSTOM
 * with its full text (parameters included). *out is NULL on failure:
 * E_BAD_TYPE, E_UNSUPPORTED, E_TOO_DEEP (wrappers count as levels here),
 * E_NOMEM. */
cql_status cql_type_parse_class(cql_slice text, cql_arena *arena, const cql_type **out);

/* Finds the full definition of the UDT `keyspace`.`name` (keyspace empty
 * when the reference was not qualified), or returns NULL. */
typedef const cql_type *(*cql_udt_lookup)(void *ud, cql_slice keyspace, cql_slice name);

/* Replaces every UDT reference in `t` (a UDT with no fields, as
 * cql_type_parse_cql makes them) by the definition `lookup` returns,
 * keeping the reference's frozen flag. Nodes that change are copied into
 * `arena`; the rest of `t` is shared, so *out lives as long as `t`, the
 * definitions and the arena. E_NOT_FOUND when lookup returns NULL,
 * E_TOO_DEEP, E_NOMEM. */
cql_status cql_type_bind_udts(const cql_type *t, cql_udt_lookup lookup, void *ud, cql_arena *arena,
                              const cql_type **out);

/* Writes `t` in CQL syntax as Cassandra 4.0's system_schema.columns.type
 * shows it: "map<text, int>", "frozen<list<text>>", "frozen<addr>" (a UDT
 * by name only, without its keyspace, quoted when needed),
 * "frozen<tuple<int, text>>" (always frozen), "vector<float, 3>". A custom
 * type naming a native class prints as that native; other custom types as
 * a quoted class string. Errors go to b->err (E_TOO_DEEP). */
void cql_type_format_cql(cql_buf *b, const cql_type *t);

/* Writes the marshal class string for `t` as Cassandra's toString does:
 * FrozenType(...) around a frozen collection or UDT unless it sits inside
 * another frozen type or a tuple, UDT names hex-encoded, "VectorType(e , n)".
 * Custom classes are copied verbatim. Errors go to b->err (E_TOO_DEEP). */
void cql_type_format_class(cql_buf *b, const cql_type *t);

/* The CQL name of a native type ("int", "text" for VARCHAR), or NULL for
 * others. The string is static. */
const char *cql_type_native_name(cql_type_id id);

/* A shared, static descriptor of a native (non-parameterised) type, or NULL. */
const cql_type *cql_type_native(cql_type_id id);

/* Structural equality (UDTs by keyspace, name and fields; custom types by
 * class string; vectors by element and dimension). `frozen` is ignored.
 * False past CQL_TYPE_MAX_DEPTH. */
bool cql_type_equal(const cql_type *a, const cql_type *b);

/* For a CUSTOM type whose class names a native type (as Cassandra sends
 * `duration` to v4 clients: ...DurationType), that shared native
 * descriptor; otherwise `t` itself. The value codec decodes through it. */
const cql_type *cql_type_resolve(const cql_type *t);

/* Collections, tuples, UDTs and vectors: the kinds that have children. */
static inline bool cql_type_is_composite(cql_type_id id) {
  return id == CQL_TYPE_LIST || id == CQL_TYPE_SET || id == CQL_TYPE_MAP || id == CQL_TYPE_TUPLE ||
         id == CQL_TYPE_UDT || id == CQL_TYPE_VECTOR;
}

/* Writes an identifier (a UDT, field or column name) as CQL needs it:
 * bare when it is lower-case [a-z][a-z0-9_]* and not a reserved word or a
 * type name, else in double quotes with " doubled. */
void cql_type_format_identifier(cql_buf *b, cql_slice name);

/* The fixed serialized size of values of `t` as Cassandra counts it
 * (AbstractType.valueLengthIfFixed), or 0 for variable-size types: boolean
 * 1; int, float 4; bigint, timestamp, double 8; uuid, timeuuid 16; a
 * vector of fixed-size elements dimension * element size. NOT tinyint,
 * smallint, date, time or counter, whose values Cassandra treats as
 * variable-size. Used by vectors, which pack fixed-size elements back to
 * back and prefix the others with an [unsigned vint] length. */
size_t cql_type_fixed_size(const cql_type *t);

#endif
