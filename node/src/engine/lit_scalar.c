/* Reading scalar values from their CQL text forms. */
#include "lit_scalar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "literal.h"

static bool digit(uint8_t c) { return c >= '0' && c <= '9'; }

bool lit_parse_i64(cql_slice s, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+'))
    neg = s.ptr[i++] == '-';
  if (i == s.len)
    return false;
  uint64_t v = 0;
  for (; i < s.len; i++) {
    if (!digit(s.ptr[i]))
      return false;
    uint64_t d = (uint64_t)(s.ptr[i] - '0');
    if (v > (UINT64_C(9223372036854775808) - d) / 10)
      return false;
    v = v * 10 + d;
  }
  if (!neg && v > (uint64_t)INT64_MAX)
    return false;
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

/* Magnitude (big-endian, `n` bytes) of a decimal digit string, into mag. */
static bool decimal_magnitude(cql_slice digits, uint8_t *mag, size_t n) {
  memset(mag, 0, n);
  for (size_t i = 0; i < digits.len; i++) {
    if (!digit(digits.ptr[i]))
      return false;
    unsigned carry = (unsigned)(digits.ptr[i] - '0');
    for (size_t j = n; j-- > 0;) {
      unsigned v = mag[j] * 10u + carry;
      mag[j] = (uint8_t)v;
      carry = v >> 8;
    }
    if (carry)
      return false;
  }
  return true;
}

/* Two's complement of a big-endian magnitude, trimmed to minimal length. */
static cql_slice to_varint(uint8_t *mag, size_t n, bool neg) {
  if (neg) {
    unsigned carry = 1;
    for (size_t j = n; j-- > 0;) {
      unsigned v = (uint8_t)~mag[j] + carry;
      mag[j] = (uint8_t)v;
      carry = v >> 8;
    }
  }
  size_t start = 0;
  while (start + 1 < n && ((mag[start] == 0x00 && !(mag[start + 1] & 0x80)) ||
                           (mag[start] == 0xff && (mag[start + 1] & 0x80))))
    start++;
  return (cql_slice){mag + start, n - start};
}

static bool varint_digits(cql_arena *a, cql_slice digits, bool neg, cql_slice *out) {
  if (digits.len == 0 || digits.len > 100000)
    return false;
  /* log2(10) < 3.33 bits per digit, plus a sign byte. */
  size_t n = digits.len * 10 / 24 + 2;
  uint8_t *mag = cql_arena_alloc(a, n);
  if (!mag || !decimal_magnitude(digits, mag, n))
    return false;
  *out = to_varint(mag, n, neg);
  return true;
}

bool lit_parse_varint(cql_arena *a, cql_slice s, cql_slice *out) {
  bool neg = false;
  if (s.len && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
    neg = s.ptr[0] == '-';
    s.ptr++;
    s.len--;
  }
  return varint_digits(a, s, neg, out);
}

bool lit_parse_decimal(cql_arena *a, cql_slice s, cql_slice *out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+'))
    neg = s.ptr[i++] == '-';
  uint8_t *digits = cql_arena_alloc(a, s.len + 1);
  if (!digits)
    return false;
  size_t nd = 0;
  int64_t scale = 0;
  bool frac = false, any = false;
  for (; i < s.len; i++) {
    uint8_t c = s.ptr[i];
    if (digit(c)) {
      digits[nd++] = c;
      any = true;
      if (frac)
        scale++;
    } else if (c == '.' && !frac) {
      frac = true;
    } else {
      break;
    }
  }
  if (!any)
    return false;
  if (i < s.len) {
    if (s.ptr[i] != 'e' && s.ptr[i] != 'E')
      return false;
    int64_t exp;
    if (!lit_parse_i64((cql_slice){s.ptr + i + 1, s.len - i - 1}, &exp) || exp > 1000000000 ||
        exp < -1000000000)
      return false;
    scale -= exp;
  }
  if (scale > INT32_MAX || scale < INT32_MIN)
    return false;
  cql_slice unscaled;
  if (!varint_digits(a, (cql_slice){digits, nd}, neg, &unscaled))
    return false;
  uint8_t *buf = cql_arena_alloc(a, 4 + unscaled.len);
  if (!buf)
    return false;
  cql_store_u32(buf, (uint32_t)(int32_t)scale);
  memcpy(buf + 4, unscaled.ptr, unscaled.len);
  *out = (cql_slice){buf, 4 + unscaled.len};
  return true;
}

static bool eq_ci(cql_slice s, const char *lit) {
  size_t n = strlen(lit);
  if (s.len != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s.ptr[i];
    if (c >= 'A' && c <= 'Z')
      c = (uint8_t)(c + 32);
    if (c != (uint8_t)lit[i])
      return false;
  }
  return true;
}

bool lit_parse_double(cql_slice s, double *out) {
  if (eq_ci(s, "nan") || eq_ci(s, "-nan") || eq_ci(s, "+nan")) {
    *out = NAN;
    return true;
  }
  if (eq_ci(s, "infinity") || eq_ci(s, "+infinity")) {
    *out = INFINITY;
    return true;
  }
  if (eq_ci(s, "-infinity")) {
    *out = -INFINITY;
    return true;
  }
  char buf[128];
  if (s.len == 0 || s.len >= sizeof(buf))
    return false;
  for (size_t i = 0; i < s.len; i++) {
    uint8_t c = s.ptr[i];
    if (!digit(c) && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+')
      return false;
  }
  memcpy(buf, s.ptr, s.len);
  buf[s.len] = 0;
  char *end = NULL;
  *out = strtod(buf, &end);
  return end == buf + s.len;
}

int64_t lit_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

/* Reads exactly `n` digits at *i. */
static bool read_digits(cql_slice s, size_t *i, size_t n, int64_t *out) {
  int64_t v = 0;
  for (size_t k = 0; k < n; k++, (*i)++) {
    if (*i >= s.len || !digit(s.ptr[*i]))
      return false;
    v = v * 10 + (s.ptr[*i] - '0');
  }
  *out = v;
  return true;
}

static bool days_in_month_ok(int64_t y, int64_t m, int64_t d) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1)
    return false;
  int max = dim[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    max = 29;
  return d <= max;
}

/* yyyy-mm-dd at *i (4+ digit year, optional sign). */
static bool read_date(cql_slice s, size_t *i, int64_t *days) {
  bool neg = false;
  if (*i < s.len && (s.ptr[*i] == '-' || s.ptr[*i] == '+'))
    neg = s.ptr[(*i)++] == '-';
  int64_t y = 0, m, d;
  size_t start = *i;
  while (*i < s.len && digit(s.ptr[*i]) && *i - start < 9)
    y = y * 10 + (s.ptr[(*i)++] - '0');
  if (*i - start < 4 || *i >= s.len || s.ptr[(*i)++] != '-')
    return false;
  if (!read_digits(s, i, 2, &m) || *i >= s.len || s.ptr[(*i)++] != '-' || !read_digits(s, i, 2, &d))
    return false;
  if (neg)
    y = -y;
  if (!days_in_month_ok(y, m, d))
    return false;
  *days = lit_days_from_civil(y, (unsigned)m, (unsigned)d);
  return true;
}

static bool all_digits(cql_slice s) {
  size_t i = (s.len && s.ptr[0] == '-') ? 1 : 0;
  if (i == s.len)
    return false;
  for (; i < s.len; i++)
    if (!digit(s.ptr[i]))
      return false;
  return true;
}

bool lit_parse_date(cql_slice s, uint32_t *out) {
  if (all_digits(s)) {
    int64_t v;
    if (!lit_parse_i64(s, &v) || v < 0 || v > (int64_t)UINT32_MAX)
      return false;
    *out = (uint32_t)v;
    return true;
  }
  size_t i = 0;
  int64_t days;
  if (!read_date(s, &i, &days) || i != s.len)
    return false;
  int64_t wire = days + (int64_t)CQL_DATE_EPOCH;
  if (wire < 0 || wire > (int64_t)UINT32_MAX)
    return false;
  *out = (uint32_t)wire;
  return true;
}

/* hh:mm[:ss[.fffffffff]] at *i, to nanoseconds. */
static bool read_clock(cql_slice s, size_t *i, bool seconds_required, int64_t *nanos) {
  int64_t h, m, sec = 0, frac = 0;
  if (!read_digits(s, i, 2, &h) || *i >= s.len || s.ptr[(*i)++] != ':' || !read_digits(s, i, 2, &m))
    return false;
  if (*i < s.len && s.ptr[*i] == ':') {
    (*i)++;
    if (!read_digits(s, i, 2, &sec))
      return false;
    if (*i < s.len && s.ptr[*i] == '.') {
      (*i)++;
      size_t n = 0;
      while (*i < s.len && digit(s.ptr[*i])) {
        if (n < 9) {
          frac = frac * 10 + (s.ptr[*i] - '0');
          n++;
        }
        (*i)++;
      }
      if (n == 0)
        return false;
      for (; n < 9; n++)
        frac *= 10;
    }
  } else if (seconds_required) {
    return false;
  }
  if (h > 23 || m > 59 || sec > 59)
    return false;
  *nanos = ((h * 60 + m) * 60 + sec) * INT64_C(1000000000) + frac;
  return true;
}

bool lit_parse_time(cql_slice s, int64_t *out) {
  if (all_digits(s)) {
    int64_t v;
    if (!lit_parse_i64(s, &v) || v < 0 || v >= INT64_C(86400000000000))
      return false;
    *out = v;
    return true;
  }
  size_t i = 0;
  return read_clock(s, &i, true, out) && i == s.len;
}

/* Z, +hh, +hhmm, +hh:mm, or nothing (UTC). Minutes east. */
static bool read_zone(cql_slice s, size_t *i, int64_t *minutes) {
  *minutes = 0;
  if (*i == s.len)
    return true;
  if (s.ptr[*i] == 'Z' || s.ptr[*i] == 'z') {
    (*i)++;
    return true;
  }
  if (s.ptr[*i] == ' ')
    (*i)++;
  if (*i >= s.len || (s.ptr[*i] != '+' && s.ptr[*i] != '-'))
    return false;
  bool neg = s.ptr[(*i)++] == '-';
  int64_t h, m = 0;
  if (!read_digits(s, i, 2, &h))
    return false;
  if (*i < s.len && s.ptr[*i] == ':')
    (*i)++;
  if (*i < s.len && !read_digits(s, i, 2, &m))
    return false;
  *minutes = (neg ? -1 : 1) * (h * 60 + m);
  return true;
}

bool cql_parse_timestamp(cql_slice s, int64_t *ms) {
  if (all_digits(s))
    return lit_parse_i64(s, ms);
  size_t i = 0;
  int64_t days, nanos = 0, zone = 0;
  if (!read_date(s, &i, &days))
    return false;
  if (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == 'T') && i + 1 < s.len && digit(s.ptr[i + 1])) {
    i++;
    if (!read_clock(s, &i, false, &nanos))
      return false;
  }
  if (!read_zone(s, &i, &zone) || i != s.len)
    return false;
  *ms = days * 86400000 + nanos / 1000000 - zone * 60000;
  return true;
}

static bool parse_ipv4(cql_slice s, uint8_t out[4]) {
  size_t i = 0;
  for (int part = 0; part < 4; part++) {
    if (part && (i >= s.len || s.ptr[i++] != '.'))
      return false;
    unsigned v = 0, n = 0;
    while (i < s.len && digit(s.ptr[i]) && n < 4) {
      v = v * 10 + (unsigned)(s.ptr[i++] - '0');
      n++;
    }
    if (n == 0 || n > 3 || v > 255)
      return false;
    out[part] = (uint8_t)v;
  }
  return i == s.len;
}

static int hexval(uint8_t c) {
  if (digit(c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool parse_ipv6(cql_slice s, uint8_t out[16]) {
  uint16_t groups[8];
  int n = 0, gap = -1;
  size_t i = 0;
  if (s.len >= 2 && s.ptr[0] == ':' && s.ptr[1] == ':') {
    gap = 0;
    i = 2;
  }
  while (i < s.len && n < 8) {
    size_t start = i;
    unsigned v = 0;
    while (i < s.len && hexval(s.ptr[i]) >= 0 && i - start < 4)
      v = v * 16 + (unsigned)hexval(s.ptr[i++]);
    if (i < s.len && s.ptr[i] == '.' && n <= 6) { /* embedded IPv4 */
      uint8_t v4[4];
      if (!parse_ipv4((cql_slice){s.ptr + start, s.len - start}, v4))
        return false;
      groups[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
      groups[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
      i = s.len;
      break;
    }
    if (i == start)
      return false;
    groups[n++] = (uint16_t)v;
    if (i == s.len)
      break;
    if (s.ptr[i++] != ':')
      return false;
    if (i < s.len && s.ptr[i] == ':') {
      if (gap >= 0)
        return false;
      gap = n;
      i++;
    } else if (i == s.len) {
      return false;
    }
  }
  if (i != s.len || (gap < 0 && n != 8) || (gap >= 0 && n > 7))
    return false;
  memset(out, 0, 16);
  int tail = gap >= 0 ? n - gap : 0;
  int head = gap >= 0 ? gap : n;
  for (int k = 0; k < head; k++) {
    out[2 * k] = (uint8_t)(groups[k] >> 8);
    out[2 * k + 1] = (uint8_t)groups[k];
  }
  for (int k = 0; k < tail; k++) {
    int pos = 8 - tail + k;
    out[2 * pos] = (uint8_t)(groups[head + k] >> 8);
    out[2 * pos + 1] = (uint8_t)groups[head + k];
  }
  return true;
}

bool lit_parse_inet(cql_slice s, cql_inet *out) {
  memset(out, 0, sizeof(*out));
  if (parse_ipv4(s, out->addr)) {
    out->len = 4;
    return true;
  }
  if (parse_ipv6(s, out->addr)) {
    out->len = 16;
    return true;
  }
  return false;
}

bool lit_parse_uuid(cql_slice s, cql_uuid *out) {
  if (s.len != 36)
    return false;
  size_t o = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s.ptr[i++] != '-')
        return false;
      continue;
    }
    int hi = hexval(s.ptr[i]), lo = hexval(s.ptr[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out->bytes[o++] = (uint8_t)(hi << 4 | lo);
    i += 2;
  }
  return true;
}

bool lit_parse_hex(cql_arena *a, cql_slice s, cql_slice *out) {
  if (s.len % 2)
    return false;
  uint8_t *p = cql_arena_alloc(a, s.len / 2 + 1);
  if (!p)
    return false;
  for (size_t i = 0; i < s.len; i += 2) {
    int hi = hexval(s.ptr[i]), lo = hexval(s.ptr[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    p[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  *out = (cql_slice){p, s.len / 2};
  return true;
}

/* ---- durations ------------------------------------------------------- */

typedef struct dur_acc {
  int64_t months, days, nanos;
} dur_acc;

static bool dur_add(dur_acc *d, int64_t v, cql_slice unit) {
  static const struct {
    const char *u;
    int kind; /* 0 months, 1 days, 2 nanos */
    int64_t mul;
  } units[] = {{"y", 0, 12},
               {"mo", 0, 1},
               {"w", 1, 7},
               {"d", 1, 1},
               {"h", 2, INT64_C(3600000000000)},
               {"m", 2, INT64_C(60000000000)},
               {"s", 2, INT64_C(1000000000)},
               {"ms", 2, 1000000},
               {"us", 2, 1000},
               {"\xc2\xb5s", 2, 1000},
               {"ns", 2, 1}};
  for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
    if (!eq_ci(unit, units[i].u))
      continue;
    if (v > INT64_MAX / units[i].mul)
      return false;
    int64_t add = v * units[i].mul;
    int64_t *dst = units[i].kind == 0 ? &d->months : units[i].kind == 1 ? &d->days : &d->nanos;
    if (*dst > INT64_MAX - add)
      return false;
    *dst += add;
    return true;
  }
  return false;
}

static bool dur_units(cql_slice s, dur_acc *d) {
  size_t i = 0;
  if (i == s.len)
    return false;
  while (i < s.len) {
    int64_t v = 0;
    size_t start = i;
    while (i < s.len && digit(s.ptr[i])) {
      if (v > INT64_MAX / 10)
        return false;
      v = v * 10 + (s.ptr[i++] - '0');
    }
    if (i == start)
      return false;
    size_t ustart = i;
    while (i < s.len && !digit(s.ptr[i]))
      i++;
    if (!dur_add(d, v, (cql_slice){s.ptr + ustart, i - ustart}))
      return false;
  }
  return true;
}

/* P[nY][nM][nD][T[nH][nM][nS]] or PnW. */
static bool dur_iso(cql_slice s, dur_acc *d) {
  bool time = false;
  size_t i = 1;
  if (i == s.len)
    return false;
  while (i < s.len) {
    if (s.ptr[i] == 'T' || s.ptr[i] == 't') {
      if (time)
        return false;
      time = true;
      i++;
      continue;
    }
    int64_t v = 0;
    size_t start = i;
    while (i < s.len && digit(s.ptr[i])) {
      if (v > INT64_MAX / 10)
        return false;
      v = v * 10 + (s.ptr[i++] - '0');
    }
    if (i == start || i == s.len)
      return false;
    uint8_t u = (uint8_t)(s.ptr[i++] | 0x20);
    const char *unit = u == 'y'   ? "y"
                       : u == 'w' ? "w"
                       : u == 'd' ? "d"
                       : u == 'h' ? "h"
                       : u == 's' ? "s"
                       : u == 'm' ? (time ? "m" : "mo")
                                  : NULL;
    if (!unit || !dur_add(d, v, cql_slice_from_cstr(unit)))
      return false;
  }
  return true;
}

bool lit_parse_duration(cql_slice s, cql_duration *out) {
  bool neg = false;
  if (s.len && s.ptr[0] == '-') {
    neg = true;
    s.ptr++;
    s.len--;
  }
  dur_acc d = {0, 0, 0};
  bool ok = (s.len && (s.ptr[0] == 'P' || s.ptr[0] == 'p')) ? dur_iso(s, &d) : dur_units(s, &d);
  if (!ok || d.months > INT32_MAX || d.days > INT32_MAX)
    return false;
  out->months = (int32_t)(neg ? -d.months : d.months);
  out->days = (int32_t)(neg ? -d.days : d.days);
  out->nanoseconds = neg ? -d.nanos : d.nanos;
  return true;
}

/* ---- uuids ----------------------------------------------------------- */

static uint64_t next_rand(uint64_t *s) {
  /* splitmix64: enough for ids, not for secrets */
  uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

cql_uuid cql_uuid_random(uint64_t *rng) {
  cql_uuid u;
  uint64_t a = next_rand(rng), b = next_rand(rng);
  cql_store_u64(u.bytes, a);
  cql_store_u64(u.bytes + 8, b);
  u.bytes[6] = (uint8_t)((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = (uint8_t)((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

/* 100 ns intervals between 1582-10-15 and 1970-01-01. */
#define UUID_EPOCH_OFFSET INT64_C(0x01B21DD213814000)

cql_uuid cql_timeuuid_make(int64_t us, uint64_t *rng, const uint8_t node[6]) {
  cql_uuid u;
  uint64_t t = (uint64_t)(us * 10 + UUID_EPOCH_OFFSET) + (next_rand(rng) % 10);
  cql_store_u32(u.bytes, (uint32_t)t);
  cql_store_u16(u.bytes + 4, (uint16_t)(t >> 32));
  cql_store_u16(u.bytes + 6, (uint16_t)(((t >> 48) & 0x0fff) | 0x1000));
  uint16_t seq = (uint16_t)next_rand(rng);
  cql_store_u16(u.bytes + 8, (uint16_t)((seq & 0x3fff) | 0x8000));
  memcpy(u.bytes + 10, node, 6);
  return u;
}

int64_t cql_timeuuid_ms(const cql_uuid *u) {
  uint64_t t = (uint64_t)cql_load_u32(u->bytes) | ((uint64_t)cql_load_u16(u->bytes + 4) << 32) |
               ((uint64_t)(cql_load_u16(u->bytes + 6) & 0x0fff) << 48);
  return ((int64_t)t - UUID_EPOCH_OFFSET) / 10000;
}
