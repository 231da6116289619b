/* CQL literals to serialized values, and checks of bound values.
 *
 * A term is converted against its receiver (a column, or a part of one:
 * "value(l)", "key(m)"...) whose type decides how the text is read. Errors
 * carry Cassandra's messages, e.g. 'Invalid STRING constant (x) for "b" of
 * type bigint'. Set and map values are normalised (sorted by the element
 * comparator, duplicates dropped) whether they come from a literal or a
 * bound value, since the store and clients rely on that order. */
#ifndef CQL_NODE_LITERAL_H
#define CQL_NODE_LITERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "cqlkit/error.h"
#include "cqlkit/types.h"
#include "message.h"

typedef struct cql_lit_ctx {
  cql_arena *arena;       /* results and temporaries */
  int64_t now_us;         /* for now(), currentTimestamp()... */
  uint64_t *rng;          /* state for uuid() and timeuuid clock sequences */
  const uint8_t *node_id; /* 6 bytes for generated timeuuids */
  /* Bound values by marker index (NULL when converting without values). */
  const cql_value_arg *const *bound;
  uint32_t n_bound;
  char *err; /* message buffer for INVALID errors */
  size_t err_len;
} cql_lit_ctx;

/* A value: bytes, null, or unset (a bound value left unset). */
typedef struct cql_val {
  cql_value_state state;
  cql_slice bytes;
} cql_val;

/* Converts `t` for a receiver of type `type` named `name`. Returns CQL_OK,
 * CQL_E_SERVER_INVALID (message in ctx->err) or CQL_E_NOMEM. */
cql_status cql_term_value(cql_lit_ctx *ctx, const cql_term *t, const cql_type *type, cql_slice name,
                          cql_val *out);

/* Checks a serialized value against its type and returns it normalised
 * (sets and maps sorted, nested ones too). Empty values pass as they are
 * (Cassandra's "empty" values). */
cql_status cql_value_check(cql_lit_ctx *ctx, const cql_type *type, cql_slice name, cql_slice in,
                           cql_slice *out);

/* The CQL name of a type as Cassandra prints it in messages ("bigint",
 * "map<text, int>", "frozen<addr>"), NUL-terminated, in the arena. */
const char *cql_type_cql_name(cql_arena *arena, const cql_type *type);

/* Parses a timestamp literal ('2021-03-04 05:06:07.123+0100', digits) to
 * milliseconds since the epoch. */
bool cql_parse_timestamp(cql_slice s, int64_t *ms);

/* A version 1 UUID for unix time `us` (microseconds). */
cql_uuid cql_timeuuid_make(int64_t us, uint64_t *rng, const uint8_t node[6]);
/* A random version 4 UUID. */
cql_uuid cql_uuid_random(uint64_t *rng);
/* The unix time in milliseconds of a version 1 UUID. */
int64_t cql_timeuuid_ms(const cql_uuid *u);

#endif
