/* The native protocol's notation ([int], [string], [bytes], ...) as a
 * growable writer and a bounds-checked reader.
 *
 * Both carry a sticky error: after the first failure every further call is a
 * no-op (the reader returns zero values), so an encoder or decoder can run
 * straight through and check once at the end. The reader never reads past
 * `end`, whatever the lengths in the input claim. */
#ifndef CQL_CORE_WIRE_H
#define CQL_CORE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/error.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"

/* ---- writer ---------------------------------------------------------- */

typedef struct cql_buf {
  uint8_t *data;
  size_t len;
  size_t cap;
  const cql_mem *mem;
  cql_status err; /* CQL_E_NOMEM or CQL_E_BAD_LENGTH once a write failed */
} cql_buf;

/* `mem` may be NULL for the default allocator. No allocation happens here. */
void cql_buf_init(cql_buf *b, const cql_mem *mem);
void cql_buf_free(cql_buf *b);
/* Forgets the contents and any error, keeps the capacity. */
void cql_buf_reset(cql_buf *b);
/* Makes room for `extra` more bytes; false (and err set) on failure. */
bool cql_buf_reserve(cql_buf *b, size_t extra);
/* Appends `n` uninitialised bytes and returns them, or NULL on failure. */
uint8_t *cql_buf_extend(cql_buf *b, size_t n);

void cql_buf_put_raw(cql_buf *b, const void *p, size_t n);
void cql_buf_put_u8(cql_buf *b, uint8_t v);
void cql_buf_put_u16(cql_buf *b, uint16_t v); /* [short] */
void cql_buf_put_i32(cql_buf *b, int32_t v);  /* [int] */
void cql_buf_put_i64(cql_buf *b, int64_t v);  /* [long] */
void cql_buf_put_u32(cql_buf *b, uint32_t v);
/* Overwrites 4 bytes at `at` (for lengths known only afterwards). */
void cql_buf_patch_i32(cql_buf *b, size_t at, int32_t v);

void cql_buf_put_string(cql_buf *b, cql_slice s);      /* [string]: u16 length */
void cql_buf_put_long_string(cql_buf *b, cql_slice s); /* [long string]: i32 length */
/* [bytes]: i32 length, then the bytes; `null` writes length -1. */
void cql_buf_put_bytes(cql_buf *b, cql_slice s);
void cql_buf_put_null_bytes(cql_buf *b);               /* [bytes] of length -1 */
void cql_buf_put_unset_bytes(cql_buf *b);              /* [value] of length -2 */
void cql_buf_put_short_bytes(cql_buf *b, cql_slice s); /* [short bytes] */
void cql_buf_put_uuid(cql_buf *b, const cql_uuid *u);
/* [inetaddr]: a length byte and the address; [inet] adds an [int] port. */
void cql_buf_put_inetaddr(cql_buf *b, const cql_inet *a);
void cql_buf_put_inet(cql_buf *b, const cql_inet *a, int32_t port);
void cql_buf_put_uvint(cql_buf *b, uint64_t v); /* [unsigned vint] */
void cql_buf_put_vint(cql_buf *b, int64_t v);   /* [vint], zigzag */

/* ---- reader ---------------------------------------------------------- */

typedef struct cql_rd {
  const uint8_t *pos;
  const uint8_t *end;
  cql_status err;       /* first failure, sticky */
  const char *err_what; /* static text naming what was being read */
} cql_rd;

static inline void cql_rd_init(cql_rd *r, const uint8_t *p, size_t n) {
  r->pos = p;
  r->end = p ? p + n : p; /* NULL + 0 is undefined behaviour in C */
  r->err = CQL_OK;
  r->err_what = NULL;
}

static inline size_t cql_rd_left(const cql_rd *r) { return (size_t)(r->end - r->pos); }
static inline bool cql_rd_ok(const cql_rd *r) { return r->err == CQL_OK; }

/* Records the first error; later ones are ignored. Always returns false. */
bool cql_rd_fail(cql_rd *r, cql_status err, const char *what);

/* Takes `n` raw bytes; a zero slice (and E_TRUNCATED) when fewer remain. */
cql_slice cql_rd_raw(cql_rd *r, size_t n);
uint8_t cql_rd_u8(cql_rd *r);
uint16_t cql_rd_u16(cql_rd *r);
int32_t cql_rd_i32(cql_rd *r);
int64_t cql_rd_i64(cql_rd *r);
uint32_t cql_rd_u32(cql_rd *r);
cql_slice cql_rd_string(cql_rd *r);
cql_slice cql_rd_long_string(cql_rd *r);
/* [bytes] and [value]: returns the length field (>= 0, -1 null, -2 unset;
 * other negatives fail with E_BAD_LENGTH) and fills *out for lengths >= 0.
 * `allow_unset` is false for plain [bytes]. */
int32_t cql_rd_value(cql_rd *r, cql_slice *out, bool allow_unset);
/* [bytes] where null is allowed; *is_null tells which. */
cql_slice cql_rd_bytes(cql_rd *r, bool *is_null);
cql_slice cql_rd_short_bytes(cql_rd *r);
void cql_rd_uuid(cql_rd *r, cql_uuid *out);
void cql_rd_inetaddr(cql_rd *r, cql_inet *out);
void cql_rd_inet(cql_rd *r, cql_inet *out, int32_t *port);
uint64_t cql_rd_uvint(cql_rd *r);
int64_t cql_rd_vint(cql_rd *r);
/* Fails with E_TRAILING_BYTES unless everything was consumed. */
bool cql_rd_expect_end(cql_rd *r, const char *what);

/* Big-endian loads and stores, for code that works on raw buffers. */
static inline uint16_t cql_load_u16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t cql_load_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t cql_load_u64(const uint8_t *p) {
  return ((uint64_t)cql_load_u32(p) << 32) | cql_load_u32(p + 4);
}
static inline void cql_store_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void cql_store_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static inline void cql_store_u64(uint8_t *p, uint64_t v) {
  cql_store_u32(p, (uint32_t)(v >> 32));
  cql_store_u32(p + 4, (uint32_t)v);
}

#endif
