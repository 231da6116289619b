/* Text forms of scalar values (internal to the literal converter). */
#ifndef CQL_NODE_LIT_SCALAR_H
#define CQL_NODE_LIT_SCALAR_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/types.h"

bool lit_parse_i64(cql_slice s, int64_t *out);
/* Decimal digits (optional sign) to a minimal two's complement varint. */
bool lit_parse_varint(cql_arena *a, cql_slice s, cql_slice *out);
/* A decimal number, optional fraction and exponent, to the decimal wire
 * form ([int] scale then varint unscaled). */
bool lit_parse_decimal(cql_arena *a, cql_slice s, cql_slice *out);
bool lit_parse_double(cql_slice s, double *out);
bool lit_parse_date(cql_slice s, uint32_t *out);
bool lit_parse_time(cql_slice s, int64_t *out);
bool lit_parse_inet(cql_slice s, cql_inet *out);
bool lit_parse_uuid(cql_slice s, cql_uuid *out);
bool lit_parse_duration(cql_slice s, cql_duration *out);
/* Hex digits (even count) to bytes. */
bool lit_parse_hex(cql_arena *a, cql_slice s, cql_slice *out);
/* Days since the epoch of a civil date (proleptic Gregorian). */
int64_t lit_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Sorts values (or key/value pairs with stride 2) by the first slice's
 * comparator, keeping the last of equal keys. Returns the new count, or
 * UINT32_MAX when the arena is exhausted. */
uint32_t lit_sort_unique(cql_arena *arena, const cql_type *t, cql_slice *v, uint32_t n,
                         uint32_t stride);

#endif
