/* Helpers shared by the value_*.c files; not for use outside them. */
#ifndef CQL_CORE_VALUE_IMPL_H
#define CQL_CORE_VALUE_IMPL_H

#include "value.h"

/* Well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code
 * points past U+10FFFF). */
bool cql_utf8_valid(const uint8_t *p, size_t n);

/* `v` without redundant leading sign bytes (0x00 before a byte < 0x80,
 * 0xFF before one >= 0x80); an empty slice stays empty. */
cql_slice cql_varint_trim(cql_slice v);

/* -1, 0 or 1; 0 for an empty slice too. */
int cql_varint_sign(cql_slice v);

/* The decimal digits of |v|, most significant first and without leading
 * zeros ("0" for zero), not NUL-terminated, in memory from `mem` that the
 * caller frees with cql_free(mem, ...). NULL when out of memory. O(n^2) in
 * the length of v. */
char *cql_varint_digits(cql_slice v, const cql_mem *mem, size_t *n_digits);

/* Appends the literal of a non-null, non-empty scalar `v` of type `id`
 * (anything but collections, tuples, UDTs and vectors). */
void cql_value_format_scalar(cql_buf *b, const cql_value *v, cql_type_id id);

#endif
