m4_include(@{common.m4}@)m4_dnl
m4_include(@{types.h.m4}@)m4_dnl
m4_include(@{queries.h.m4}@)m4_dnl
CG_NOTE(@{keyspace.h.m4, common.m4, types.h.m4, queries.h.m4}@)
#ifndef CG_GUARD
#define CG_GUARD

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/client.h"
#include "cqlkit/codec.h"
#include "cqlkit/pager.h"
#include "cqlkit/result.h"
#include "cqlkit/session.h"
#include "cqlkit/statement.h"
#include "cqlkit/types.h"
#include "cqlkit/udt.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef CQLKIT_GEN_COMMON
#define CQLKIT_GEN_COMMON
/* The state of one bind parameter. The zero value is "unset": nothing is
 * sent for the marker and Cassandra leaves the column alone (no tombstone).
 * CQLGEN_NULL binds null (which deletes the value); CQLGEN_VALUE binds the
 * value in the field of the same name. */
typedef enum cqlgen_state { CQLGEN_UNSET = 0, CQLGEN_VALUE = 1, CQLGEN_NULL = 2 } cqlgen_state;

/* CQLGEN_SET(params, field, value) sets a parameter and marks it set;
 * CQLGEN_SET_NULL(params, field) binds null. */
#define CQLGEN_SET(params, field, ...)                                                             \
  ((params).field = (__VA_ARGS__), (params).field##_state = CQLGEN_VALUE)
#define CQLGEN_SET_NULL(params, field) ((params).field##_state = CQLGEN_NULL)
#endif

/* ---- types ----------------------------------------------------------------
 * Views (cql_slice, cql_varint, cql_decimal and the raw form of
 * collections) point into the result page a value was decoded from and
 * are valid while it is (during the callback, or until the result is
 * released); the row copy functions make a self-contained copy.
 *
 * Collections (list, set, map) are typed views: a decoded value holds the
 * serialized bytes (raw) and the element count, and is walked with its
 * typed iterator (<type>_iter_init, <type>_next, <type>_iter_status), so
 * decoding a row never allocates. To bind one, leave raw empty and point
 * items (keys and values for a map) at `count` C values; a decoded value
 * may also be bound as is (its raw bytes are sent).
 *
 * Tuples and UDTs are plain structs (fields may be null: <field>_null);
 * vectors are fixed arrays. For every type T:
 *   T_decode(in, out)      reads one serialized value (CQL_E_BAD_VALUE...);
 *   T_write(w, v)          appends v to a cql_writer (errors: see
 *                          cql_writer_status);
 *   T_copy_size(v)         bytes the views of v hold;
 *   T_copy_into(v, &cur)   copies them to *cur (advanced) and repoints v.
 *
 * Threads: the asynchronous query functions follow session.h (call them on
 * the session's loop; callbacks run there), the _sync ones client.h (any
 * thread); everything else is plain data and pure functions. */
m4_dnl forward declarations, then definitions children first
m4_define(@{CG_LIST}@, @{typedef struct $1 $1;
}@)m4_define(@{CG_MAP}@, m4_defn(@{CG_LIST}@))m4_define(@{CG_VECTOR}@, m4_defn(@{CG_LIST}@))m4_define(@{CG_STRUCT}@, m4_defn(@{CG_LIST}@))m4_dnl
CG_COMPOUNDS
m4_define(@{CG_LIST}@, m4_defn(@{CG_H_LIST}@))m4_define(@{CG_MAP}@, m4_defn(@{CG_H_MAP}@))m4_define(@{CG_VECTOR}@, m4_defn(@{CG_H_VECTOR}@))m4_define(@{CG_STRUCT}@, m4_defn(@{CG_H_STRUCT}@))m4_dnl
CG_COMPOUNDS

/* The keyspace's name, for cql_config_set_keyspace when the queries name
 * their tables without it (as after `USE CG_KEYSPACE`). */
extern const char CG_PFX@{}@_keyspace[];

/* Registers a decoder for every user type of keyspace CG_KEYSPACE with
 * `reg`, so that cql_result_get_udt fills the structs above. Errors: as
 * cql_udt_registry_add. */
cql_status CG_PFX@{}@_register_udts(cql_udt_registry *reg);

m4_define(@{CG_QUERY}@, m4_defn(@{CG_H_QUERY}@))m4_dnl
CG_QUERIES
#ifdef __cplusplus
}
#endif

#endif
