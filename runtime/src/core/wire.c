#include "wire.h"

#include <string.h>

#include "mem.h"

/* ---- writer ---------------------------------------------------------- */

void cql_buf_init(cql_buf *b, const cql_mem *mem) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->mem = cql_mem_or_default(mem);
  b->err = CQL_OK;
}

void cql_buf_free(cql_buf *b) {
  cql_free(b->mem, b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void cql_buf_reset(cql_buf *b) {
  b->len = 0;
  b->err = CQL_OK;
}

bool cql_buf_reserve(cql_buf *b, size_t extra) {
  if (b->err != CQL_OK)
    return false;
  if (extra <= b->cap - b->len)
    return true;
  if (extra > SIZE_MAX / 2 - b->len) {
    b->err = CQL_E_NOMEM;
    return false;
  }
  size_t want = b->len + extra;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < want)
    cap *= 2;
  uint8_t *p = cql_realloc(b->mem, b->data, cap);
  if (!p) {
    b->err = CQL_E_NOMEM;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

uint8_t *cql_buf_extend(cql_buf *b, size_t n) {
  if (!cql_buf_reserve(b, n))
    return NULL;
  uint8_t *p = b->data + b->len;
  b->len += n;
  return p;
}

void cql_buf_put_raw(cql_buf *b, const void *p, size_t n) {
  if (n == 0)
    return;
  uint8_t *dst = cql_buf_extend(b, n);
  if (dst)
    memcpy(dst, p, n);
}

void cql_buf_put_u8(cql_buf *b, uint8_t v) {
  uint8_t *p = cql_buf_extend(b, 1);
  if (p)
    *p = v;
}

void cql_buf_put_u16(cql_buf *b, uint16_t v) {
  uint8_t *p = cql_buf_extend(b, 2);
  if (p)
    cql_store_u16(p, v);
}

void cql_buf_put_u32(cql_buf *b, uint32_t v) {
  uint8_t *p = cql_buf_extend(b, 4);
  if (p)
    cql_store_u32(p, v);
}

void cql_buf_put_i32(cql_buf *b, int32_t v) { cql_buf_put_u32(b, (uint32_t)v); }

void cql_buf_put_i64(cql_buf *b, int64_t v) {
  uint8_t *p = cql_buf_extend(b, 8);
  if (p)
    cql_store_u64(p, (uint64_t)v);
}

void cql_buf_patch_i32(cql_buf *b, size_t at, int32_t v) {
  if (b->err == CQL_OK && at + 4 <= b->len)
    cql_store_u32(b->data + at, (uint32_t)v);
}

static bool length_fits(cql_buf *b, size_t len, size_t max) {
  if (len <= max)
    return true;
  if (b->err == CQL_OK)
    b->err = CQL_E_BAD_LENGTH;
  return false;
}

void cql_buf_put_string(cql_buf *b, cql_slice s) {
  if (!length_fits(b, s.len, UINT16_MAX))
    return;
  cql_buf_put_u16(b, (uint16_t)s.len);
  cql_buf_put_raw(b, s.ptr, s.len);
}

void cql_buf_put_long_string(cql_buf *b, cql_slice s) {
  if (!length_fits(b, s.len, INT32_MAX))
    return;
  cql_buf_put_i32(b, (int32_t)s.len);
  cql_buf_put_raw(b, s.ptr, s.len);
}

void cql_buf_put_bytes(cql_buf *b, cql_slice s) { cql_buf_put_long_string(b, s); }

void cql_buf_put_null_bytes(cql_buf *b) { cql_buf_put_i32(b, -1); }

void cql_buf_put_unset_bytes(cql_buf *b) { cql_buf_put_i32(b, -2); }

void cql_buf_put_short_bytes(cql_buf *b, cql_slice s) { cql_buf_put_string(b, s); }

void cql_buf_put_uuid(cql_buf *b, const cql_uuid *u) { cql_buf_put_raw(b, u->bytes, 16); }

void cql_buf_put_inetaddr(cql_buf *b, const cql_inet *a) {
  if (a->len != 4 && a->len != 16) {
    if (b->err == CQL_OK)
      b->err = CQL_E_BAD_LENGTH;
    return;
  }
  cql_buf_put_u8(b, a->len);
  cql_buf_put_raw(b, a->addr, a->len);
}

void cql_buf_put_inet(cql_buf *b, const cql_inet *a, int32_t port) {
  cql_buf_put_inetaddr(b, a);
  cql_buf_put_i32(b, port);
}

/* Unsigned vint: the count of leading one bits in the first byte is the
 * count of bytes that follow; the value is big-endian in what remains. */
void cql_buf_put_uvint(cql_buf *b, uint64_t v) {
  int extra = 0;
  while (extra < 8 && v >= ((uint64_t)1 << (7 * (extra + 1))))
    extra++;
  uint8_t tmp[9];
  for (int i = extra; i >= 1; i--) {
    tmp[i] = (uint8_t)v;
    v >>= 8;
  }
  uint8_t first_mask = (uint8_t) ~(0xFFu >> extra);
  tmp[0] = (uint8_t)(extra == 8 ? 0xFF : (first_mask | (uint8_t)v));
  cql_buf_put_raw(b, tmp, (size_t)extra + 1);
}

void cql_buf_put_vint(cql_buf *b, int64_t v) {
  uint64_t zigzag = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
  cql_buf_put_uvint(b, zigzag);
}

/* ---- reader ---------------------------------------------------------- */

bool cql_rd_fail(cql_rd *r, cql_status err, const char *what) {
  if (r->err == CQL_OK) {
    r->err = err;
    r->err_what = what;
  }
  r->pos = r->end;
  return false;
}

static bool need(cql_rd *r, size_t n, const char *what) {
  if (r->err != CQL_OK)
    return false;
  if (cql_rd_left(r) < n)
    return cql_rd_fail(r, CQL_E_TRUNCATED, what);
  return true;
}

cql_slice cql_rd_raw(cql_rd *r, size_t n) {
  cql_slice s = {NULL, 0};
  if (!need(r, n, "raw bytes"))
    return s;
  s.ptr = r->pos;
  s.len = n;
  r->pos += n;
  return s;
}

uint8_t cql_rd_u8(cql_rd *r) {
  if (!need(r, 1, "byte"))
    return 0;
  return *r->pos++;
}

uint16_t cql_rd_u16(cql_rd *r) {
  if (!need(r, 2, "[short]"))
    return 0;
  uint16_t v = cql_load_u16(r->pos);
  r->pos += 2;
  return v;
}

uint32_t cql_rd_u32(cql_rd *r) {
  if (!need(r, 4, "[int]"))
    return 0;
  uint32_t v = cql_load_u32(r->pos);
  r->pos += 4;
  return v;
}

int32_t cql_rd_i32(cql_rd *r) { return (int32_t)cql_rd_u32(r); }

int64_t cql_rd_i64(cql_rd *r) {
  if (!need(r, 8, "[long]"))
    return 0;
  uint64_t v = cql_load_u64(r->pos);
  r->pos += 8;
  return (int64_t)v;
}

static cql_slice take(cql_rd *r, size_t n, const char *what) {
  cql_slice s = {NULL, 0};
  if (!cql_rd_ok(r))
    return s;
  if (cql_rd_left(r) < n) {
    cql_rd_fail(r, CQL_E_BAD_LENGTH, what);
    return s;
  }
  s.ptr = r->pos;
  s.len = n;
  r->pos += n;
  return s;
}

cql_slice cql_rd_string(cql_rd *r) {
  uint16_t n = cql_rd_u16(r);
  return take(r, n, "[string] longer than its container");
}

cql_slice cql_rd_long_string(cql_rd *r) {
  int32_t n = cql_rd_i32(r);
  if (n < 0) {
    cql_rd_fail(r, CQL_E_BAD_LENGTH, "negative [long string] length");
    return (cql_slice){NULL, 0};
  }
  return take(r, (size_t)n, "[long string] longer than its container");
}

int32_t cql_rd_value(cql_rd *r, cql_slice *out, bool allow_unset) {
  int32_t n = cql_rd_i32(r);
  out->ptr = NULL;
  out->len = 0;
  if (!cql_rd_ok(r))
    return -1;
  if (n >= 0) {
    *out = take(r, (size_t)n, "[bytes] longer than its container");
    return cql_rd_ok(r) ? n : -1;
  }
  if (n == -1 || (n == -2 && allow_unset))
    return n;
  cql_rd_fail(r, CQL_E_BAD_LENGTH, "invalid negative [bytes] length");
  return -1;
}

cql_slice cql_rd_bytes(cql_rd *r, bool *is_null) {
  cql_slice s;
  int32_t n = cql_rd_value(r, &s, false);
  if (is_null)
    *is_null = n < 0;
  return s;
}

cql_slice cql_rd_short_bytes(cql_rd *r) {
  uint16_t n = cql_rd_u16(r);
  return take(r, n, "[short bytes] longer than its container");
}

void cql_rd_uuid(cql_rd *r, cql_uuid *out) {
  cql_slice s = cql_rd_raw(r, 16);
  if (s.ptr)
    memcpy(out->bytes, s.ptr, 16);
  else
    memset(out->bytes, 0, 16);
}

void cql_rd_inetaddr(cql_rd *r, cql_inet *out) {
  memset(out, 0, sizeof(*out));
  uint8_t n = cql_rd_u8(r);
  if (!cql_rd_ok(r))
    return;
  if (n != 4 && n != 16) {
    cql_rd_fail(r, CQL_E_BAD_LENGTH, "[inetaddr] length is neither 4 nor 16");
    return;
  }
  cql_slice s = cql_rd_raw(r, n);
  if (s.ptr) {
    out->len = n;
    memcpy(out->addr, s.ptr, n);
  }
}

void cql_rd_inet(cql_rd *r, cql_inet *out, int32_t *port) {
  cql_rd_inetaddr(r, out);
  *port = cql_rd_i32(r);
}

uint64_t cql_rd_uvint(cql_rd *r) {
  uint8_t first = cql_rd_u8(r);
  if (!cql_rd_ok(r))
    return 0;
  int extra = 0;
  while (extra < 8 && (first & (0x80u >> extra)))
    extra++;
  if (!need(r, (size_t)extra, "[vint]"))
    return 0;
  uint64_t v = extra == 8 ? 0 : (first & (0xFFu >> extra));
  for (int i = 0; i < extra; i++)
    v = (v << 8) | *r->pos++;
  return v;
}

int64_t cql_rd_vint(cql_rd *r) {
  uint64_t z = cql_rd_uvint(r);
  return (int64_t)((z >> 1) ^ (~(z & 1) + 1));
}

bool cql_rd_expect_end(cql_rd *r, const char *what) {
  if (!cql_rd_ok(r))
    return false;
  if (r->pos != r->end)
    return cql_rd_fail(r, CQL_E_TRAILING_BYTES, what);
  return true;
}

/* ---- slices ---------------------------------------------------------- */

cql_slice cql_slice_from_cstr(const char *s) {
  cql_slice out = {(const uint8_t *)s, s ? strlen(s) : 0};
  return out;
}

bool cql_slice_eq(cql_slice a, cql_slice b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool cql_slice_eq_cstr(cql_slice a, const char *s) {
  return cql_slice_eq(a, cql_slice_from_cstr(s));
}
