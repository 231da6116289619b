/* Reading and writing serialized CQL values.
 *
 * Results hand out values in their serialized form (a cql_slice, see
 * result.h); these functions read them into C types without allocating.
 * Views (text, blob, varint, decimal) point into the slice they came from.
 * Each decoder checks the size and content the type requires and returns
 * CQL_E_BAD_VALUE otherwise.
 *
 * cql_writer builds serialized values, including collections, tuples and
 * UDTs nested to any depth, for binding (cql_bind_writer in statement.h).
 *
 * Thread safety: decoders are pure; a writer is used by one thread. */
#ifndef CQLKIT_CODEC_H
#define CQLKIT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/error.h"
#include "cqlkit/export.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- decoding one value ------------------------------------------------- */
/* A value of the wrong size (an empty one included) fails with
 * CQL_E_BAD_VALUE; *out is then unspecified. */

/* Any non-zero byte is true. */
CQL_EXPORT cql_status cql_decode_boolean(cql_slice in, bool *out);
CQL_EXPORT cql_status cql_decode_tinyint(cql_slice in, int8_t *out);
CQL_EXPORT cql_status cql_decode_smallint(cql_slice in, int16_t *out);
CQL_EXPORT cql_status cql_decode_int(cql_slice in, int32_t *out);
/* bigint, counter and timestamp */
CQL_EXPORT cql_status cql_decode_bigint(cql_slice in, int64_t *out);
/* Range-checked: 0 to 86399999999999. */
CQL_EXPORT cql_status cql_decode_time(cql_slice in, cql_time *out);
CQL_EXPORT cql_status cql_decode_date(cql_slice in, cql_date *out);
CQL_EXPORT cql_status cql_decode_float(cql_slice in, float *out);
CQL_EXPORT cql_status cql_decode_double(cql_slice in, double *out);
CQL_EXPORT cql_status cql_decode_uuid(cql_slice in, cql_uuid *out);
/* A uuid whose version nibble is 1. */
CQL_EXPORT cql_status cql_decode_timeuuid(cql_slice in, cql_uuid *out);
/* 4 or 16 bytes. */
CQL_EXPORT cql_status cql_decode_inet(cql_slice in, cql_inet *out);
/* Three [vint]s: months and days must fit 32 bits and all three share one
 * sign (zeros aside); a cut-off vint is CQL_E_BAD_VALUE too. */
CQL_EXPORT cql_status cql_decode_duration(cql_slice in, cql_duration *out);
/* An empty varint is rejected; a non-minimal one is accepted. */
CQL_EXPORT cql_status cql_decode_varint(cql_slice in, cql_varint *out);
/* A 4-byte scale then a non-empty varint. */
CQL_EXPORT cql_status cql_decode_decimal(cql_slice in, cql_decimal *out);
/* Check 7-bit ASCII / well-formed UTF-8; *out views `in`. */
CQL_EXPORT cql_status cql_decode_ascii(cql_slice in, cql_slice *out);
CQL_EXPORT cql_status cql_decode_text(cql_slice in, cql_slice *out);
/* A varint as int64: CQL_E_OVERFLOW when it does not fit (redundant sign
 * bytes do not count), CQL_E_BAD_VALUE when empty. */
CQL_EXPORT cql_status cql_varint_to_i64(cql_varint v, int64_t *out);

/* ---- walking a collection, tuple, UDT or vector ------------------------- */

/* Iterates over the elements of a serialized list, set, map (keys and
 * values alternate: key, value, key, value...), tuple, UDT (fields in
 * declaration order; a UDT value may end early: the missing fields are
 * null) or vector. Allocates nothing; elements view `in`. */
typedef struct cql_elements {
  /* private */
  const cql_type *type_;
  const uint8_t *pos_;
  const uint8_t *end_;
  uint32_t index_;
  uint32_t count_;
  cql_status err_;
} cql_elements;

/* Starts iterating `in`, a value of `type`. Errors: CQL_E_TYPE_MISMATCH
 * for a type without elements, CQL_E_BAD_VALUE for a count that cannot fit
 * in `in`. */
CQL_EXPORT cql_status cql_elements_init(cql_elements *it, const cql_type *type, cql_slice in);

/* The number of elements (a map counts keys and values: 2 per entry). */
CQL_EXPORT uint32_t cql_elements_count(const cql_elements *it);

/* The next element: its type (the element, key, value or field type), its
 * serialized bytes and whether it is null. Returns false after the last
 * element or on malformed input (then cql_elements_status tells which). */
CQL_EXPORT bool cql_elements_next(cql_elements *it, const cql_type **type, cql_slice *value,
                                  bool *is_null);

/* CQL_OK, or the error that stopped the iteration. */
CQL_EXPORT cql_status cql_elements_status(const cql_elements *it);

/* ---- writing values ------------------------------------------------------ */

typedef struct cql_writer cql_writer;

/* Creates an empty writer; free it with cql_writer_free(). `mem` may be
 * NULL. Errors: CQL_E_NOMEM. */
CQL_EXPORT cql_status cql_writer_new(cql_writer **out, const cql_mem *mem);
CQL_EXPORT void cql_writer_free(cql_writer *w);
/* Forgets what was written, keeping the memory, for the next value. */
CQL_EXPORT void cql_writer_reset(cql_writer *w);

/* Scalars. At the top level a writer holds one value; inside a container
 * every call writes one element. */
CQL_EXPORT void cql_write_boolean(cql_writer *w, bool v);
CQL_EXPORT void cql_write_tinyint(cql_writer *w, int8_t v);
CQL_EXPORT void cql_write_smallint(cql_writer *w, int16_t v);
CQL_EXPORT void cql_write_int(cql_writer *w, int32_t v);
CQL_EXPORT void cql_write_bigint(cql_writer *w, int64_t v); /* also counter, timestamp, time */
CQL_EXPORT void cql_write_float(cql_writer *w, float v);
CQL_EXPORT void cql_write_double(cql_writer *w, double v);
CQL_EXPORT void cql_write_date(cql_writer *w, cql_date v);
CQL_EXPORT void cql_write_uuid(cql_writer *w, const cql_uuid *v);
CQL_EXPORT void cql_write_inet(cql_writer *w, const cql_inet *v);
CQL_EXPORT void cql_write_duration(cql_writer *w, const cql_duration *v);
CQL_EXPORT void cql_write_varint(cql_writer *w, cql_varint v);
CQL_EXPORT void cql_write_decimal(cql_writer *w, const cql_decimal *v);
/* text, ascii and blob: `len` bytes copied from `p` */
CQL_EXPORT void cql_write_bytes(cql_writer *w, const void *p, size_t len);
/* An already serialized value, copied as is. */
CQL_EXPORT void cql_write_serialized(cql_writer *w, cql_slice value);
/* A null element (inside a container only). */
CQL_EXPORT void cql_write_null(cql_writer *w);

/* Containers. `count` is the number of elements that follow: entries for
 * a map (each entry then writes key and value), elements for list, set and
 * vector. Tuples and UDTs take no count: write their fields in order. Every
 * begin is matched by cql_write_end(). Vectors of fixed-size elements are
 * packed without per-element lengths, as the protocol requires, which is
 * why the element type is given; the writer does not know the dimension
 * (binding to a bound statement checks the whole value against the
 * marker's type). Inside a vector every element must have the element
 * type's fixed size (else CQL_E_BAD_STATE) and none may be null. */
CQL_EXPORT void cql_write_list_begin(cql_writer *w, uint32_t count); /* list and set */
CQL_EXPORT void cql_write_map_begin(cql_writer *w, uint32_t entries);
CQL_EXPORT void cql_write_tuple_begin(cql_writer *w); /* tuple and UDT */
CQL_EXPORT void cql_write_vector_begin(cql_writer *w, const cql_type *element_type);
CQL_EXPORT void cql_write_end(cql_writer *w);

/* CQL_OK, or the first error: CQL_E_NOMEM, CQL_E_BAD_STATE (unbalanced
 * begin/end, a count that does not match what was written, null at the
 * top level), CQL_E_BAD_LENGTH (a value too long for its prefix). */
CQL_EXPORT cql_status cql_writer_status(const cql_writer *w);

/* The serialized value; valid until the writer changes. CQL_E_BAD_STATE
 * while a container is open. */
CQL_EXPORT cql_status cql_writer_value(const cql_writer *w, cql_slice *out);

#ifdef __cplusplus
}
#endif

#endif
