/* CQL data types and the C representations of their values.
 *
 * Views (cql_slice and the structs holding one) point into memory owned by
 * someone else, usually a received result page; they stay valid as long as
 * that owner does, and the function that hands one out says how long that is.
 *
 * Type descriptors (cql_type) are read-only trees. The functions that create
 * them say who owns them; a descriptor never owns the memory it points to
 * separately from its tree. */
#ifndef CQLKIT_TYPES_H
#define CQLKIT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed byte range. `ptr` may be NULL only when `len` is 0. */
typedef struct cql_slice {
  const uint8_t *ptr;
  size_t len;
} cql_slice;

/* A slice over a NUL-terminated C string (not including the NUL). */
CQL_EXPORT cql_slice cql_slice_from_cstr(const char *s);

/* True when both slices hold the same bytes. */
CQL_EXPORT bool cql_slice_eq(cql_slice a, cql_slice b);

/* True when the slice holds the bytes of `s` (without its NUL). */
CQL_EXPORT bool cql_slice_eq_cstr(cql_slice a, const char *s);

/* Consistency levels, with their wire values. SERIAL and LOCAL_SERIAL are
 * only valid as the serial consistency of conditional (IF) statements. */
typedef enum cql_consistency {
  CQL_CONSISTENCY_ANY = 0x0000,
  CQL_CONSISTENCY_ONE = 0x0001,
  CQL_CONSISTENCY_TWO = 0x0002,
  CQL_CONSISTENCY_THREE = 0x0003,
  CQL_CONSISTENCY_QUORUM = 0x0004,
  CQL_CONSISTENCY_ALL = 0x0005,
  CQL_CONSISTENCY_LOCAL_QUORUM = 0x0006,
  CQL_CONSISTENCY_EACH_QUORUM = 0x0007,
  CQL_CONSISTENCY_SERIAL = 0x0008,
  CQL_CONSISTENCY_LOCAL_SERIAL = 0x0009,
  CQL_CONSISTENCY_LOCAL_ONE = 0x000A
} cql_consistency;

/* Kinds of BATCH. */
typedef enum cql_batch_type {
  CQL_BATCH_LOGGED = 0,
  CQL_BATCH_UNLOGGED = 1,
  CQL_BATCH_COUNTER = 2
} cql_batch_type;

/* Kinds of RESULT. */
typedef enum cql_result_kind {
  CQL_RESULT_VOID = 0x0001,
  CQL_RESULT_ROWS = 0x0002,
  CQL_RESULT_SET_KEYSPACE = 0x0003,
  CQL_RESULT_PREPARED = 0x0004,
  CQL_RESULT_SCHEMA_CHANGE = 0x0005
} cql_result_kind;

/* The protocol's type ids ([option] ids of a column's type). */
typedef enum cql_type_id {
  CQL_TYPE_CUSTOM = 0x0000,
  CQL_TYPE_ASCII = 0x0001,
  CQL_TYPE_BIGINT = 0x0002,
  CQL_TYPE_BLOB = 0x0003,
  CQL_TYPE_BOOLEAN = 0x0004,
  CQL_TYPE_COUNTER = 0x0005,
  CQL_TYPE_DECIMAL = 0x0006,
  CQL_TYPE_DOUBLE = 0x0007,
  CQL_TYPE_FLOAT = 0x0008,
  CQL_TYPE_INT = 0x0009,
  CQL_TYPE_TIMESTAMP = 0x000B,
  CQL_TYPE_UUID = 0x000C,
  CQL_TYPE_VARCHAR = 0x000D, /* "text" and "varchar" are the same type */
  CQL_TYPE_VARINT = 0x000E,
  CQL_TYPE_TIMEUUID = 0x000F,
  CQL_TYPE_INET = 0x0010,
  CQL_TYPE_DATE = 0x0011,
  CQL_TYPE_TIME = 0x0012,
  CQL_TYPE_SMALLINT = 0x0013,
  CQL_TYPE_TINYINT = 0x0014,
  CQL_TYPE_DURATION = 0x0015,
  CQL_TYPE_LIST = 0x0020,
  CQL_TYPE_MAP = 0x0021,
  CQL_TYPE_SET = 0x0022,
  CQL_TYPE_UDT = 0x0030,
  CQL_TYPE_TUPLE = 0x0031,
  /* Not a wire id: vectors travel as CQL_TYPE_CUSTOM with the class string
   * "org.apache.cassandra.db.marshal.VectorType(<element class>, <n>)".
   * Decoders turn that custom type into this id so callers never parse it. */
  CQL_TYPE_VECTOR = 0x10000
} cql_type_id;

/* A type descriptor. Children by kind:
 *   LIST, SET, VECTOR: children[0] is the element type;
 *   MAP: children[0] key, children[1] value;
 *   TUPLE: children[0..n_children) the component types;
 *   UDT: children[i] is the type of field field_names[i].
 * `frozen` is informational (schemas and codegen); the wire does not carry it. */
typedef struct cql_type cql_type;
struct cql_type {
  cql_type_id id;
  bool frozen;
  uint32_t n_children;
  const cql_type *const *children;
  uint32_t dimension;           /* VECTOR only */
  cql_slice custom_class;       /* CUSTOM only: the Java class name */
  cql_slice udt_keyspace;       /* UDT only */
  cql_slice udt_name;           /* UDT only */
  const cql_slice *field_names; /* UDT only: n_children names */
};

/* A 16-byte UUID (or timeuuid) in network byte order. */
typedef struct cql_uuid {
  uint8_t bytes[16];
} cql_uuid;

/* An IPv4 (len 4) or IPv6 (len 16) address in network byte order. */
typedef struct cql_inet {
  uint8_t len;
  uint8_t addr[16];
} cql_inet;

/* A duration: months, days and nanoseconds, which the protocol keeps
 * separate because a month and a day have no fixed length. All three carry
 * the same sign (or are zero). */
typedef struct cql_duration {
  int32_t months;
  int32_t days;
  int64_t nanoseconds;
} cql_duration;

/* An arbitrary-precision integer as the protocol encodes it: big-endian
 * two's complement, minimal length. A view. */
typedef struct cql_varint {
  cql_slice bytes;
} cql_varint;

/* unscaled * 10^-scale. The unscaled value is a view. */
typedef struct cql_decimal {
  int32_t scale;
  cql_varint unscaled;
} cql_decimal;

/* Days since the epoch with 2^31 at 1970-01-01 (the wire form of `date`). */
typedef uint32_t cql_date;
#define CQL_DATE_EPOCH UINT32_C(0x80000000)

/* Nanoseconds since midnight, 0 to 86399999999999. */
typedef int64_t cql_time;

/* Milliseconds since 1970-01-01T00:00:00Z. */
typedef int64_t cql_timestamp;

#ifdef __cplusplus
}
#endif

#endif
