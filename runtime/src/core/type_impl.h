/* Helpers shared by the type_*.c files; not for use outside them. */
#ifndef CQL_CORE_TYPE_IMPL_H
#define CQL_CORE_TYPE_IMPL_H

#include "type.h"

/* The package of Cassandra's marshal classes, with its trailing dot. */
#define CQL_MARSHAL_PREFIX "org.apache.cassandra.db.marshal."

/* A fresh, zeroed descriptor with room for `n` children, all from `a`.
 * *kids receives the writable children array (NULL when n is 0). NULL when
 * the arena is exhausted. */
cql_type *cql_type_new(cql_arena *a, cql_type_id id, uint32_t n, const cql_type ***kids);

/* Copies `s` into the arena (so a tree never points into its input);
 * false when the arena is exhausted. */
bool cql_type_copy_slice(cql_arena *a, cql_slice s, cql_slice *out);

/* The id named by a marshal class's short name ("Int32Type"), or -1. */
int cql_type_class_id(cql_slice short_name);

/* The short marshal class name of a native or parameterised id. */
const char *cql_type_class_name(cql_type_id id);

/* The id named by a CQL keyword ("int", "varchar"), case-insensitive, or -1. */
int cql_type_keyword_id(cql_slice word);

/* Strips CQL_MARSHAL_PREFIX; NULL-free: returns `name` itself when the
 * prefix is absent. Sets *qualified when it was present. */
cql_slice cql_type_short_class(cql_slice name, bool *qualified);

/* parse_class with the nesting depth already used by the caller. */
cql_status cql_type_parse_class_at(cql_slice text, cql_arena *arena, int depth,
                                   const cql_type **out);

/* A cursor over type text (a marshal class string or a CQL type), shared by
 * the two type parsers. The first error sticks and moves the cursor to the
 * end, so a parser can keep calling without checking after every step. */
typedef struct cql_type_scan {
  const uint8_t *p;
  const uint8_t *end;
  cql_arena *arena;
  cql_status err;
} cql_type_scan;

/* Records `st` (unless an error is already recorded); returns NULL. */
const cql_type *cql_type_scan_fail(cql_type_scan *c, cql_status st);
void cql_type_scan_skip_ws(cql_type_scan *c);
/* True when the next non-blank byte is `ch` (not consumed). */
bool cql_type_scan_peek(cql_type_scan *c, uint8_t ch);
/* Consumes `ch` or fails with CQL_E_BAD_TYPE. */
bool cql_type_scan_expect(cql_type_scan *c, uint8_t ch);

#endif
