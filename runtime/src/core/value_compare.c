/* cql_value_compare: Cassandra's per-type order on serialized values (the
 * rules are listed in value.h). Works on the bytes directly: clustering
 * keys are compared far more often than they are decoded. */
#include <string.h>

#include "mem.h"
#include "type.h"
#include "value_impl.h"

/* A structured comparison that meets bytes it cannot read sets `bad`; the
 * caller then falls back to bytewise order for the whole value. */
typedef struct cmp_ctx {
  bool bad;
} cmp_ctx;

static int compare_at(cmp_ctx *c, const cql_type *t, cql_slice a, cql_slice b, int depth);

static int sign_of(int64_t v) { return (v > 0) - (v < 0); }
static int sign_u(uint64_t a, uint64_t b) { return (a > b) - (a < b); }

static int compare_bytes(cql_slice a, cql_slice b) {
  size_t n = a.len < b.len ? a.len : b.len;
  int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
  if (c)
    return c < 0 ? -1 : 1;
  return sign_u(a.len, b.len);
}

static int64_t load_signed(cql_slice s) {
  uint64_t acc = (s.ptr[0] & 0x80) ? UINT64_MAX : 0;
  for (size_t i = 0; i < s.len; i++)
    acc = (acc << 8) | s.ptr[i];
  return (int64_t)acc;
}

static int compare_signed(cmp_ctx *c, cql_slice a, cql_slice b, size_t size) {
  if (a.len != size || b.len != size) {
    c->bad = true;
    return 0;
  }
  int64_t x = load_signed(a), y = load_signed(b);
  return (x > y) - (x < y);
}

/* Java's Float.compare / Double.compare: numeric order, then the bits of
 * the canonical NaN (so NaN sorts last and -0.0 before 0.0). */
static int compare_floating(cmp_ctx *c, cql_slice a, cql_slice b, size_t size) {
  if (a.len != size || b.len != size) {
    c->bad = true;
    return 0;
  }
  uint64_t ba = size == 4 ? cql_load_u32(a.ptr) : cql_load_u64(a.ptr);
  uint64_t bb = size == 4 ? cql_load_u32(b.ptr) : cql_load_u64(b.ptr);
  double x, y;
  if (size == 4) {
    float fx, fy;
    uint32_t ux = (uint32_t)ba, uy = (uint32_t)bb;
    memcpy(&fx, &ux, 4);
    memcpy(&fy, &uy, 4);
    x = fx;
    y = fy;
  } else {
    memcpy(&x, &ba, 8);
    memcpy(&y, &bb, 8);
  }
  if (x < y)
    return -1;
  if (x > y)
    return 1;
  uint64_t nan = size == 4 ? UINT64_C(0x7fc00000) : UINT64_C(0x7ff8000000000000);
  int shift = size == 4 ? 32 : 0; /* sign-extend the 32-bit pattern */
  ba = x != x ? nan : ba;
  bb = y != y ? nan : bb;
  int64_t ia = (int64_t)(ba << shift) >> shift, ib = (int64_t)(bb << shift) >> shift;
  return (ia > ib) - (ia < ib);
}

static int compare_varint(cql_slice a, cql_slice b) {
  a = cql_varint_trim(a);
  b = cql_varint_trim(b);
  int sa = cql_varint_sign(a), sb = cql_varint_sign(b);
  if (sa != sb)
    return sign_of(sa - sb);
  if (a.len != b.len) /* same sign: more bytes, larger magnitude */
    return sa >= 0 ? sign_u(a.len, b.len) : sign_u(b.len, a.len);
  return compare_bytes(a, b); /* same length two's complement: bytewise */
}

/* Unequal scales: compare decimal digit strings. Value = 0.d1d2... x 10^e
 * with e = n_digits - scale; a larger e wins, else the digits decide. */
static int compare_decimal_digits(cmp_ctx *c, int sign, cql_slice ua, int64_t scale_a, cql_slice ub,
                                  int64_t scale_b) {
  const cql_mem *mem = cql_mem_or_default(NULL);
  size_t na, nb;
  char *da = cql_varint_digits(ua, mem, &na);
  char *db = da ? cql_varint_digits(ub, mem, &nb) : NULL;
  int r = 0;
  if (!db) {
    c->bad = true;
  } else {
    int64_t ea = (int64_t)na - scale_a, eb = (int64_t)nb - scale_b;
    if (ea != eb) {
      r = ea < eb ? -1 : 1;
    } else {
      size_t n = na > nb ? na : nb;
      for (size_t i = 0; i < n && r == 0; i++) {
        char x = i < na ? da[i] : '0', y = i < nb ? db[i] : '0';
        r = (x > y) - (x < y);
      }
    }
  }
  cql_free(mem, da);
  cql_free(mem, db);
  return r * sign;
}

static int compare_decimal(cmp_ctx *c, cql_slice a, cql_slice b) {
  if (a.len < 5 || b.len < 5) {
    c->bad = true;
    return 0;
  }
  int64_t scale_a = (int32_t)cql_load_u32(a.ptr), scale_b = (int32_t)cql_load_u32(b.ptr);
  cql_slice ua = {a.ptr + 4, a.len - 4}, ub = {b.ptr + 4, b.len - 4};
  if (scale_a == scale_b)
    return compare_varint(ua, ub);
  int sa = cql_varint_sign(ua), sb = cql_varint_sign(ub);
  if (sa != sb || sa == 0)
    return sign_of(sa - sb);
  return compare_decimal_digits(c, sa, ua, scale_a, ub, scale_b);
}

/* A version-1 UUID's 60-bit timestamp moved to the top of the word
 * (time_hi, time_mid, time_low), as Cassandra's reorderTimestampBytes. */
static int64_t reorder_time(uint64_t msb) {
  return (int64_t)((msb << 48) | ((msb << 16) & UINT64_C(0xFFFF00000000)) | (msb >> 32));
}

static int compare_uuid(cmp_ctx *c, cql_slice a, cql_slice b, bool timeuuid) {
  if (a.len != 16 || b.len != 16) {
    c->bad = true;
    return 0;
  }
  uint64_t ma = cql_load_u64(a.ptr), mb = cql_load_u64(b.ptr);
  int va = (int)(ma >> 12 & 15), vb = (int)(mb >> 12 & 15);
  if (!timeuuid && va != vb)
    return sign_of(va - vb);
  int r;
  if (timeuuid || va == 1) {
    int64_t ta = reorder_time(ma), tb = reorder_time(mb);
    r = (ta > tb) - (ta < tb);
  } else {
    r = sign_u(ma, mb);
  }
  if (r)
    return r;
  if (!timeuuid)
    return sign_u(cql_load_u64(a.ptr + 8), cql_load_u64(b.ptr + 8));
  for (size_t i = 8; i < 16; i++) { /* TimeUUIDType: signed bytes */
    int x = (int8_t)a.ptr[i], y = (int8_t)b.ptr[i];
    if (x != y)
      return x < y ? -1 : 1;
  }
  return 0;
}

/* Reads one [bytes] element; returns false (and sets bad) when it cannot. */
static bool next_element(cmp_ctx *c, cql_rd *r, cql_slice *out, bool *is_null) {
  int32_t n = cql_rd_value(r, out, false);
  if (!cql_rd_ok(r)) {
    c->bad = true;
    return false;
  }
  *is_null = n < 0;
  return true;
}

static int compare_element(cmp_ctx *c, const cql_type *t, cql_rd *ra, cql_rd *rb, int depth) {
  cql_slice ea, eb;
  bool na, nb;
  if (!next_element(c, ra, &ea, &na) || !next_element(c, rb, &eb, &nb))
    return 0;
  if (na || nb)
    return (int)nb - (int)na; /* null first */
  return compare_at(c, t, ea, eb, depth + 1);
}

/* list, set (per 1) and map (per 2): entry by entry, then the count. */
static int compare_collection(cmp_ctx *c, const cql_type *t, cql_slice a, cql_slice b, uint32_t per,
                              int depth) {
  cql_rd ra, rb;
  cql_rd_init(&ra, a.ptr, a.len);
  cql_rd_init(&rb, b.ptr, b.len);
  int32_t na = cql_rd_i32(&ra), nb = cql_rd_i32(&rb);
  if (!cql_rd_ok(&ra) || !cql_rd_ok(&rb) || na < 0 || nb < 0) {
    c->bad = true;
    return 0;
  }
  uint64_t n = (uint64_t)(na < nb ? na : nb) * per;
  for (uint64_t i = 0; i < n && !c->bad; i++) {
    int r = compare_element(c, t->children[per == 2 ? (i & 1) : 0], &ra, &rb, depth);
    if (r)
      return r;
  }
  return sign_of((int64_t)na - nb);
}

/* tuple and UDT: while both have components left, then the shorter first. */
static int compare_fields(cmp_ctx *c, const cql_type *t, cql_slice a, cql_slice b, int depth) {
  cql_rd ra, rb;
  cql_rd_init(&ra, a.ptr, a.len);
  cql_rd_init(&rb, b.ptr, b.len);
  for (uint32_t i = 0; cql_rd_left(&ra) && cql_rd_left(&rb) && !c->bad; i++) {
    if (i >= t->n_children) {
      c->bad = true;
      return 0;
    }
    int r = compare_element(c, t->children[i], &ra, &rb, depth);
    if (r)
      return r;
  }
  return sign_u(cql_rd_left(&ra), cql_rd_left(&rb));
}

static bool vector_element(cmp_ctx *c, cql_rd *r, size_t fixed, cql_slice *out) {
  uint64_t len = fixed ? fixed : cql_rd_uvint(r);
  if (cql_rd_ok(r) && len <= cql_rd_left(r)) {
    *out = cql_rd_raw(r, (size_t)len);
    return true;
  }
  c->bad = true;
  return false;
}

static int compare_vector(cmp_ctx *c, const cql_type *t, cql_slice a, cql_slice b, int depth) {
  size_t fixed = cql_type_fixed_size(t->children[0]);
  cql_rd ra, rb;
  cql_rd_init(&ra, a.ptr, a.len);
  cql_rd_init(&rb, b.ptr, b.len);
  for (uint32_t i = 0; i < t->dimension && !c->bad; i++) {
    cql_slice ea, eb;
    if (!vector_element(c, &ra, fixed, &ea) || !vector_element(c, &rb, fixed, &eb))
      return 0;
    int r = compare_at(c, t->children[0], ea, eb, depth + 1);
    if (r)
      return r;
  }
  return 0;
}

static int compare_typed(cmp_ctx *c, const cql_type *t, cql_slice a, cql_slice b, int depth) {
  switch (t->id) {
  case CQL_TYPE_BOOLEAN:
    return (a.ptr[0] != 0) - (b.ptr[0] != 0);
  case CQL_TYPE_TINYINT:
    return compare_signed(c, a, b, 1);
  case CQL_TYPE_SMALLINT:
    return compare_signed(c, a, b, 2);
  case CQL_TYPE_INT:
    return compare_signed(c, a, b, 4);
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
  case CQL_TYPE_TIMESTAMP:
    return compare_signed(c, a, b, 8);
  case CQL_TYPE_FLOAT:
    return compare_floating(c, a, b, 4);
  case CQL_TYPE_DOUBLE:
    return compare_floating(c, a, b, 8);
  case CQL_TYPE_VARINT:
    return compare_varint(a, b);
  case CQL_TYPE_DECIMAL:
    return compare_decimal(c, a, b);
  case CQL_TYPE_UUID:
    return compare_uuid(c, a, b, false);
  case CQL_TYPE_TIMEUUID:
    return compare_uuid(c, a, b, true);
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return t->n_children == 1 ? compare_collection(c, t, a, b, 1, depth) : (c->bad = true, 0);
  case CQL_TYPE_MAP:
    return t->n_children == 2 ? compare_collection(c, t, a, b, 2, depth) : (c->bad = true, 0);
  case CQL_TYPE_TUPLE:
  case CQL_TYPE_UDT:
    return compare_fields(c, t, a, b, depth);
  case CQL_TYPE_VECTOR:
    return t->n_children == 1 ? compare_vector(c, t, a, b, depth) : (c->bad = true, 0);
  default: /* ascii, text, blob, date, time, inet, duration, custom */
    return compare_bytes(a, b);
  }
}

static int compare_at(cmp_ctx *c, const cql_type *t, cql_slice a, cql_slice b, int depth) {
  if (c->bad)
    return 0;
  if (depth > CQL_TYPE_MAX_DEPTH || !t) {
    c->bad = true;
    return 0;
  }
  if (a.len == 0 || b.len == 0)
    return (a.len > 0) - (b.len > 0);
  return compare_typed(c, cql_type_resolve(t), a, b, depth);
}

int cql_value_compare(const cql_type *t, cql_slice a, cql_slice b) {
  cmp_ctx c = {false};
  int r = compare_at(&c, t, a, b, 1);
  return c.bad ? compare_bytes(a, b) : r;
}
