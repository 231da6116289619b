/* cql_value_format for the scalar types: numbers, strings, uuids, inets,
 * dates and times, durations (the format is specified in value.h;
 * tests/vectors/gen_values.py implements the same rules). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "value_impl.h"

/* Varints longer than this are written as hex: decimal conversion is
 * quadratic and formatting must stay cheap whatever the input. */
enum { DECIMAL_MAX_BYTES = 16384 };

static void put_cstr(cql_buf *b, const char *s) { cql_buf_put_raw(b, s, strlen(s)); }

static void put_fmt_i64(cql_buf *b, int64_t v) {
  char tmp[24];
  int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
  cql_buf_put_raw(b, tmp, (size_t)n);
}

static void put_hex(cql_buf *b, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  uint8_t *dst = cql_buf_extend(b, n * 2);
  if (!dst)
    return;
  for (size_t i = 0; i < n; i++) {
    dst[2 * i] = (uint8_t)digits[p[i] >> 4];
    dst[2 * i + 1] = (uint8_t)digits[p[i] & 15];
  }
}

static void put_blob(cql_buf *b, cql_slice s) {
  put_cstr(b, "0x");
  put_hex(b, s.ptr, s.len);
}

static void put_quoted(cql_buf *b, cql_slice s) {
  cql_buf_put_u8(b, '\'');
  size_t from = 0;
  for (size_t i = 0; i < s.len; i++) {
    if (s.ptr[i] == '\'') {
      cql_buf_put_raw(b, s.ptr + from, i + 1 - from);
      cql_buf_put_u8(b, '\'');
      from = i + 1;
    }
  }
  cql_buf_put_raw(b, s.ptr + from, s.len - from);
  cql_buf_put_u8(b, '\'');
}

/* ---- floating point -------------------------------------------------- */

static bool put_special(cql_buf *b, double v) {
  if (isnan(v))
    put_cstr(b, "NaN");
  else if (isinf(v))
    put_cstr(b, v < 0 ? "-Infinity" : "Infinity");
  else
    return false;
  return true;
}

/* The shortest %.<p>g that reads back as the same value. */
static void put_double(cql_buf *b, double v) {
  if (put_special(b, v))
    return;
  char tmp[40];
  for (int p = 1; p <= 17; p++) {
    snprintf(tmp, sizeof(tmp), "%.*g", p, v);
    if (strtod(tmp, NULL) == v)
      break;
  }
  put_cstr(b, tmp);
}

static void put_float(cql_buf *b, float v) {
  if (put_special(b, v))
    return;
  char tmp[40];
  for (int p = 1; p <= 9; p++) {
    snprintf(tmp, sizeof(tmp), "%.*g", p, (double)v);
    if (strtof(tmp, NULL) == v)
      break;
  }
  put_cstr(b, tmp);
}

/* ---- varint and decimal ---------------------------------------------- */

static char *digits_or_fail(cql_buf *b, cql_slice v, size_t *n) {
  char *d = cql_varint_digits(v, b->mem, n);
  if (!d && b->err == CQL_OK)
    b->err = CQL_E_NOMEM;
  return d;
}

static void put_varint(cql_buf *b, cql_slice v) {
  if (v.len > DECIMAL_MAX_BYTES) {
    put_blob(b, v);
    return;
  }
  size_t n;
  char *d = digits_or_fail(b, v, &n);
  if (!d)
    return;
  if (cql_varint_sign(v) < 0)
    cql_buf_put_u8(b, '-');
  cql_buf_put_raw(b, d, n);
  cql_free(b->mem, d);
}

static void put_zeros(cql_buf *b, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    cql_buf_put_u8(b, '0');
}

/* BigDecimal.toString: plain notation when the scale is not negative and
 * the value is not too small, else one digit, a point and an exponent. */
static void put_decimal(cql_buf *b, const cql_decimal *d) {
  cql_slice u = d->unscaled.bytes;
  if (u.len > DECIMAL_MAX_BYTES) {
    put_blob(b, u);
    return;
  }
  size_t n;
  char *digits = digits_or_fail(b, u, &n);
  if (!digits)
    return;
  if (cql_varint_sign(u) < 0)
    cql_buf_put_u8(b, '-');
  int64_t scale = d->scale;
  int64_t adjusted = (int64_t)n - 1 - scale;
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      cql_buf_put_raw(b, digits, n);
    } else if ((int64_t)n > scale) {
      cql_buf_put_raw(b, digits, n - (size_t)scale);
      cql_buf_put_u8(b, '.');
      cql_buf_put_raw(b, digits + n - (size_t)scale, (size_t)scale);
    } else {
      put_cstr(b, "0.");
      put_zeros(b, scale - (int64_t)n);
      cql_buf_put_raw(b, digits, n);
    }
  } else {
    cql_buf_put_u8(b, (uint8_t)digits[0]);
    if (n > 1) {
      cql_buf_put_u8(b, '.');
      cql_buf_put_raw(b, digits + 1, n - 1);
    }
    cql_buf_put_u8(b, 'E');
    if (adjusted >= 0)
      cql_buf_put_u8(b, '+');
    put_fmt_i64(b, adjusted);
  }
  cql_free(b->mem, digits);
}

/* ---- uuid and inet --------------------------------------------------- */

static void put_uuid(cql_buf *b, const cql_uuid *u) {
  static const uint8_t groups[] = {4, 2, 2, 2, 6};
  const uint8_t *p = u->bytes;
  for (size_t g = 0; g < sizeof(groups); g++) {
    if (g)
      cql_buf_put_u8(b, '-');
    put_hex(b, p, groups[g]);
    p += groups[g];
  }
}

/* RFC 5952: the longest run (first on a tie) of two or more zero groups
 * becomes "::"; groups in lower-case hex without leading zeros. */
static void put_ipv6(cql_buf *b, const uint8_t *a) {
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && a[2 * j] == 0 && a[2 * j + 1] == 0)
      j++;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j > i ? j : i + 1;
  }
  char tmp[8];
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      put_cstr(b, "::");
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len)
      cql_buf_put_u8(b, ':');
    int n = snprintf(tmp, sizeof(tmp), "%x", (unsigned)cql_load_u16(a + 2 * i));
    cql_buf_put_raw(b, tmp, (size_t)n);
  }
}

static void put_inet(cql_buf *b, const cql_inet *in) {
  cql_buf_put_u8(b, '\'');
  if (in->len == 4) {
    char tmp[16];
    int n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", in->addr[0], in->addr[1], in->addr[2],
                     in->addr[3]);
    cql_buf_put_raw(b, tmp, (size_t)n);
  } else {
    put_ipv6(b, in->addr);
  }
  cql_buf_put_u8(b, '\'');
}

/* ---- dates and times ------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Proleptic Gregorian civil date of a day count from 1970-01-01 (Howard
 * Hinnant's days_from_civil, inverted). */
static void put_civil(cql_buf *b, int64_t z) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2);
  char tmp[48];
  int n = snprintf(tmp, sizeof(tmp), "%s%04" PRId64 "-%02" PRId64 "-%02" PRId64,
                   year < 0 ? "-" : "", year < 0 ? -year : year, month, day);
  cql_buf_put_raw(b, tmp, (size_t)n);
}

static void put_date(cql_buf *b, cql_date d) {
  cql_buf_put_u8(b, '\'');
  put_civil(b, (int64_t)d - (int64_t)CQL_DATE_EPOCH);
  cql_buf_put_u8(b, '\'');
}

static void put_clock(cql_buf *b, int64_t nanos_of_day, int frac_digits) {
  int64_t sec = nanos_of_day / INT64_C(1000000000);
  int64_t frac = nanos_of_day % INT64_C(1000000000);
  if (frac_digits == 3)
    frac /= 1000000;
  char tmp[48];
  int n = snprintf(tmp, sizeof(tmp), "%02" PRId64 ":%02" PRId64 ":%02" PRId64 ".%0*" PRId64,
                   sec / 3600, sec / 60 % 60, sec % 60, frac_digits, frac);
  cql_buf_put_raw(b, tmp, (size_t)n);
}

static void put_time(cql_buf *b, int64_t nanos) {
  cql_buf_put_u8(b, '\'');
  if (nanos < 0 || nanos >= INT64_C(86400000000000))
    put_fmt_i64(b, nanos); /* only a hand-built value can be out of range */
  else
    put_clock(b, nanos, 9);
  cql_buf_put_u8(b, '\'');
}

static void put_timestamp(cql_buf *b, int64_t ms) {
  const int64_t day_ms = INT64_C(86400000);
  int64_t days = ms / day_ms, ms_of_day = ms % day_ms; /* no overflow near INT64_MIN */
  if (ms_of_day < 0) {
    ms_of_day += day_ms;
    days--;
  }
  cql_buf_put_u8(b, '\'');
  put_civil(b, days);
  cql_buf_put_u8(b, ' ');
  put_clock(b, ms_of_day * 1000000, 3);
  put_cstr(b, "Z'");
}

static uint64_t magnitude(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

static bool put_unit(cql_buf *b, uint64_t n, const char *unit) {
  if (n == 0)
    return false;
  char tmp[32];
  int len = snprintf(tmp, sizeof(tmp), "%" PRIu64 "%s", n, unit);
  cql_buf_put_raw(b, tmp, (size_t)len);
  return true;
}

static void put_duration(cql_buf *b, const cql_duration *d) {
  static const struct {
    uint64_t nanos;
    const char *unit;
  } clock[] = {{UINT64_C(3600000000000), "h"}, {UINT64_C(60000000000), "m"},
               {UINT64_C(1000000000), "s"},    {UINT64_C(1000000), "ms"},
               {UINT64_C(1000), "us"},         {UINT64_C(1), "ns"}};
  if (d->months < 0 || d->days < 0 || d->nanoseconds < 0)
    cql_buf_put_u8(b, '-');
  uint64_t months = magnitude(d->months), ns = magnitude(d->nanoseconds);
  bool any = put_unit(b, months / 12, "y");
  any |= put_unit(b, months % 12, "mo");
  any |= put_unit(b, magnitude(d->days), "d");
  for (size_t i = 0; i < sizeof(clock) / sizeof(clock[0]); i++) {
    any |= put_unit(b, ns / clock[i].nanos, clock[i].unit);
    ns %= clock[i].nanos;
  }
  if (!any)
    put_cstr(b, "0s");
}

void cql_value_format_scalar(cql_buf *b, const cql_value *v, cql_type_id id) {
  switch (id) {
  case CQL_TYPE_BOOLEAN:
    put_cstr(b, v->u.boolean ? "true" : "false");
    break;
  case CQL_TYPE_TINYINT:
  case CQL_TYPE_SMALLINT:
  case CQL_TYPE_INT:
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_COUNTER:
    put_fmt_i64(b, v->u.i64);
    break;
  case CQL_TYPE_TIMESTAMP:
    put_timestamp(b, v->u.i64);
    break;
  case CQL_TYPE_TIME:
    put_time(b, v->u.i64);
    break;
  case CQL_TYPE_DATE:
    put_date(b, v->u.date);
    break;
  case CQL_TYPE_FLOAT:
    put_float(b, v->u.f32);
    break;
  case CQL_TYPE_DOUBLE:
    put_double(b, v->u.f64);
    break;
  case CQL_TYPE_UUID:
  case CQL_TYPE_TIMEUUID:
    put_uuid(b, &v->u.uuid);
    break;
  case CQL_TYPE_INET:
    put_inet(b, &v->u.inet);
    break;
  case CQL_TYPE_DURATION:
    put_duration(b, &v->u.duration);
    break;
  case CQL_TYPE_VARINT:
    put_varint(b, v->u.varint.bytes);
    break;
  case CQL_TYPE_DECIMAL:
    put_decimal(b, &v->u.decimal);
    break;
  case CQL_TYPE_ASCII:
  case CQL_TYPE_VARCHAR:
    put_quoted(b, v->u.bytes);
    break;
  default:
    put_blob(b, v->u.bytes);
    break;
  }
}
