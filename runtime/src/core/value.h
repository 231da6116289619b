/* The value codec: every CQL type to and from its serialized form (the
 * contents of a [bytes], without the length prefix).
 *
 * The scalar functions work on one value each and allocate nothing; text,
 * blob, varint and decimal results are views into the input. The generic
 * cql_value tree serves formatting, tests and the test node's store. */
#ifndef CQL_CORE_VALUE_H
#define CQL_CORE_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/types.h"
#include "wire.h"

/* ---- scalars: decode (E_BAD_VALUE on a wrong size or content) ---------- */
cql_status cql_decode_boolean(cql_slice in, bool *out);
cql_status cql_decode_tinyint(cql_slice in, int8_t *out);
cql_status cql_decode_smallint(cql_slice in, int16_t *out);
cql_status cql_decode_int(cql_slice in, int32_t *out);
/* bigint, counter, timestamp and time (time also range-checked) */
cql_status cql_decode_bigint(cql_slice in, int64_t *out);
cql_status cql_decode_time(cql_slice in, cql_time *out);
cql_status cql_decode_date(cql_slice in, cql_date *out);
cql_status cql_decode_float(cql_slice in, float *out);
cql_status cql_decode_double(cql_slice in, double *out);
cql_status cql_decode_uuid(cql_slice in, cql_uuid *out);
/* timeuuid: a uuid whose version nibble is 1 */
cql_status cql_decode_timeuuid(cql_slice in, cql_uuid *out);
cql_status cql_decode_inet(cql_slice in, cql_inet *out);
cql_status cql_decode_duration(cql_slice in, cql_duration *out);
/* An empty varint is rejected; a non-minimal one is accepted. */
cql_status cql_decode_varint(cql_slice in, cql_varint *out);
cql_status cql_decode_decimal(cql_slice in, cql_decimal *out);
/* Checks 7-bit ASCII / well-formed UTF-8; *out is a view of `in`. */
cql_status cql_decode_ascii(cql_slice in, cql_slice *out);
cql_status cql_decode_text(cql_slice in, cql_slice *out);

/* ---- scalars: encode (append the serialized bytes) ------------------- */
void cql_encode_boolean(cql_buf *b, bool v);
void cql_encode_tinyint(cql_buf *b, int8_t v);
void cql_encode_smallint(cql_buf *b, int16_t v);
void cql_encode_int(cql_buf *b, int32_t v);
void cql_encode_bigint(cql_buf *b, int64_t v);
void cql_encode_float(cql_buf *b, float v);
void cql_encode_double(cql_buf *b, double v);
void cql_encode_uuid(cql_buf *b, const cql_uuid *v);
void cql_encode_inet(cql_buf *b, const cql_inet *v);
void cql_encode_duration(cql_buf *b, const cql_duration *v);
void cql_encode_date(cql_buf *b, cql_date v);
void cql_encode_varint(cql_buf *b, cql_varint v);
void cql_encode_decimal(cql_buf *b, const cql_decimal *v);

/* varint <-> int64: minimal two's complement. E_OVERFLOW when it does not
 * fit. `tmp` receives the bytes the returned view points to. */
cql_status cql_varint_to_i64(cql_varint v, int64_t *out);
cql_varint cql_varint_from_i64(int64_t v, uint8_t tmp[8]);

/* ---- the generic value tree ------------------------------------------ */

typedef struct cql_value cql_value;
struct cql_value {
  const cql_type *type;
  bool is_null; /* a null [bytes], or a null element inside a collection */
  union {
    bool boolean;
    int64_t i64; /* tinyint, smallint, int, bigint, counter, timestamp, time */
    cql_date date;
    float f32;
    double f64;
    cql_slice bytes; /* ascii, text, blob, custom */
    cql_varint varint;
    cql_decimal decimal;
    cql_uuid uuid; /* uuid, timeuuid */
    cql_inet inet;
    cql_duration duration;
    /* list, set, vector, tuple and UDT: items in order (a UDT value may
     * carry fewer fields than its type: the rest are null); map: 2*n items,
     * key then value. */
    struct {
      cql_value *items;
      uint32_t n;
    } elems;
  } u;
};

/* Decodes `in` as a value of type `t` into a tree allocated from `arena`;
 * views point into `in`. Collection sizes and nesting are checked against
 * the input before anything is allocated for them. */
cql_status cql_value_decode(const cql_type *t, cql_slice in, cql_arena *arena, cql_value *out);

/* Appends the serialized form of `v` (no length prefix; a null top-level
 * value appends nothing: the caller writes length -1). */
cql_status cql_value_encode(cql_buf *b, const cql_value *v);

/* Appends `v` as a CQL literal: 42, 'it''s', 0x0102, true, 1.5, NaN,
 * 2021-03-04 05:06:07.000Z, [1, 2], {'a': 1}, {street: 's'}, (1, 'x'),
 * 1mo2d3ns, null. The format is stable: tests compare it as text. */
void cql_value_format(cql_buf *b, const cql_value *v);

/* Compares two non-null values of the same type in Cassandra's clustering
 * order for that type (signed ints, unsigned bytes for blobs and text,
 * timeuuid by time, uuid by version then content...). <0, 0, >0. */
int cql_value_compare(const cql_type *t, cql_slice a, cql_slice b);

#endif
