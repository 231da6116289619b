/* The value codec: every CQL type to and from its serialized form (the
 * contents of a [bytes], without the length prefix).
 *
 * The scalar functions work on one value each and allocate nothing; text,
 * blob, varint and decimal results are views into the input. The generic
 * cql_value tree serves formatting, tests and the test node's store.
 *
 * Everything here is pure: any thread may call it, on distinct outputs. */
#ifndef CQL_CORE_VALUE_H
#define CQL_CORE_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/codec.h"
#include "cqlkit/types.h"
#include "wire.h"

/* ---- scalars: decode ------------------------------------------------ */
/* The scalar decoders (cql_decode_boolean ... cql_decode_text) and
 * cql_varint_to_i64 are public: see cqlkit/codec.h, included above. */

/* ---- scalars: encode (append the serialized bytes) ------------------- */
/* Errors (only E_NOMEM, or E_BAD_LENGTH for an inet whose len is neither 4
 * nor 16) are left in b->err. counter, timestamp and time use bigint;
 * ascii, text and blob are their bytes (cql_buf_put_raw). The varint and
 * decimal encoders copy the bytes as given (they need not be minimal). */
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

/* int64 -> varint (minimal two's complement); `tmp` receives the bytes the
 * returned view points to. The reverse, cql_varint_to_i64, is in codec.h. */
cql_varint cql_varint_from_i64(int64_t v, uint8_t tmp[8]);

/* ---- the generic value tree ------------------------------------------ */

typedef struct cql_value cql_value;
struct cql_value {
  const cql_type *type;
  bool is_null; /* a null [bytes], or a null element inside a collection */
  /* A zero-length value of a type whose values are never empty (int, uuid,
   * list...): Cassandra accepts them for legacy reasons and they differ
   * from null. Never set for ascii, text, blob and custom (for which an
   * empty value is simply empty), nor for tuples and UDTs (no fields). */
  bool is_empty;
  union {
    bool boolean;
    int64_t i64; /* tinyint, smallint, int, bigint, counter, timestamp, time */
    cql_date date;
    float f32;
    double f64;      /* a cql_value is built by hand too: these are plain fields */
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
 * views point into `in`, so the tree lives as long as both. A CUSTOM type
 * naming a native class decodes as that native (cql_type_resolve); other
 * custom types keep their bytes. Collection element counts are checked
 * against the bytes left before anything is allocated for them, and
 * nesting deeper than CQL_TYPE_MAX_DEPTH fails with E_TOO_DEEP.
 *
 * Collections: an [int] count, then [bytes] elements (a null element, length
 * -1, is kept as is_null); a map has 2*count of them. Tuples and UDTs: up to
 * n_children [bytes], fewer allowed (the rest count as null). Vectors:
 * `dimension` elements, packed back to back when the element type has a
 * fixed size, else each behind an [unsigned vint] length.
 *
 * Errors: E_BAD_VALUE (wrong size or content, negative count), E_TRUNCATED
 * or E_BAD_LENGTH (lengths running past the input, counts that cannot fit),
 * E_TRAILING_BYTES, E_TOO_DEEP, E_BAD_TYPE (a descriptor that is not
 * usable, e.g. a map without two children), E_NOMEM (arena). On failure
 * *out is unspecified. */
cql_status cql_value_decode(const cql_type *t, cql_slice in, cql_arena *arena, cql_value *out);

/* Appends the serialized form of `v` (no length prefix; a null top-level
 * value appends nothing: the caller writes length -1; neither does an
 * is_empty one). Re-encoding a decoded tree gives back the input bytes,
 * except that a boolean is written 0 or 1 and a decoded vint is written in
 * its shortest form. Checks what the wire cannot carry: an integer out of
 * its type's range (E_OVERFLOW), a vector with n != dimension, a null vector
 * element, a duration with mixed signs, an inet of bad length, more tuple or
 * UDT items than the type has (E_BAD_VALUE), depth (E_TOO_DEEP). E_NOMEM
 * from the buffer. On failure b may hold a partial value. */
cql_status cql_value_encode(cql_buf *b, const cql_value *v);

/* Appends `v` as CQL literal text. The format is stable (tests and the
 * vector files compare it as text), exactly:
 *   null                     null (top level or element)
 *   is_empty                 empty
 *   boolean                  true | false
 *   tinyint..bigint, counter decimal: -128, 42
 *   varint                   decimal, any size: -1180591620717411303424
 *                            (above 16 KiB of bytes: 0x + hex, to bound time)
 *   decimal                  the unscaled value and scale as Java's
 *                            BigDecimal.toString (and Python's str(Decimal))
 *                            write them: 1.50, 0.00012, 1.2E-7, 1.23E+5, 0
 *   float, double            the shortest %.<p>g (p from 1) that reads back
 *                            as the same value: 1.5, 0.1, 1e+16, -0, 3.4028235e+38;
 *                            NaN, Infinity, -Infinity
 *   ascii, text              '...' with ' doubled; other bytes as they are
 *   blob, custom             0x + lower-case hex ("0x" when empty)
 *   uuid, timeuuid           8-4-4-4-12 lower-case hex, unquoted
 *   inet                     '1.2.3.4' | '2001:db8::1' (RFC 5952: lower
 *                            case, longest run of two or more zero groups
 *                            as ::, first on ties, never a dotted tail)
 *   date                     'YYYY-MM-DD', proleptic Gregorian, at least 4
 *                            year digits, '-' before years below 0 (year 0
 *                            exists): '-5877641-06-23', '1970-01-01'
 *   time                     'HH:MM:SS.nnnnnnnnn'
 *   timestamp                'YYYY-MM-DD HH:MM:SS.mmmZ' (UTC, same years)
 *   duration                 unquoted, a '-' first when negative, then the
 *                            non-zero parts of y mo d h m s ms us ns
 *                            (12 mo = 1y; days never become weeks):
 *                            1y2mo3d4h5m6s7ms8us9ns, -3d, 0s for zero
 *   list, vector             [a, b]
 *   set                      {a, b}
 *   map                      {k: v, k2: v2}
 *   tuple                    (a, b), components missing from the value as null
 *   UDT                      {field: v, ...} every field of the type,
 *                            missing ones null; names quoted like CQL
 *                            identifiers ("Name") when needed
 * Errors go to b->err (E_NOMEM, E_TOO_DEEP past CQL_TYPE_MAX_DEPTH). */
void cql_value_format(cql_buf *b, const cql_value *v);

/* Compares two non-null serialized values of type `t` in Cassandra's
 * order for that type (its AbstractType.compare), without allocating for
 * anything but very large decimals:
 *   - an empty value sorts before any other; two empties are equal;
 *   - tinyint, smallint, int, bigint, counter, timestamp: signed;
 *     varint and decimal numerically (1.0 == 1.00);
 *   - float, double: Java's Float/Double.compare (-0.0 < 0.0, NaN last);
 *   - boolean: false < true (any non-zero byte is true);
 *   - date, time, ascii, text, blob, inet, duration, custom: unsigned
 *     bytewise, a prefix first (Cassandra's BYTE_ORDER; for valid times
 *     the same as signed);
 *   - uuid: version nibble, then for version 1 the timestamp, else the
 *     first 8 bytes unsigned, then the last 8 unsigned;
 *   - timeuuid: timestamp, then the last 8 bytes as signed bytes;
 *   - list, set, vector: element by element, then the shorter first;
 *     map: key then value per entry, then the smaller first;
 *   - tuple, UDT: component by component (a null before any value), then
 *     the one with fewer components first.
 * Malformed input never crashes: where a value cannot be read it falls
 * back to unsigned bytewise order. Returns <0, 0 or >0. */
int cql_value_compare(const cql_type *t, cql_slice a, cql_slice b);

#endif
