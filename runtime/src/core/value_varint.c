/* Arbitrary-size varints: sign, trimming and decimal digits. */
#include <string.h>

#include "mem.h"
#include "value_impl.h"

cql_slice cql_varint_trim(cql_slice v) {
  while (v.len > 1 &&
         ((v.ptr[0] == 0x00 && v.ptr[1] < 0x80) || (v.ptr[0] == 0xFF && v.ptr[1] >= 0x80))) {
    v.ptr++;
    v.len--;
  }
  return v;
}

int cql_varint_sign(cql_slice v) {
  if (v.len == 0)
    return 0;
  if (v.ptr[0] & 0x80)
    return -1;
  for (size_t i = 0; i < v.len; i++)
    if (v.ptr[i])
      return 1;
  return 0;
}

/* |v| as base-2^32 limbs, most significant first: two's complement
 * negation is "invert, add one", done on the bytes as they are loaded. */
static size_t load_magnitude(cql_slice v, uint32_t *limbs) {
  size_t n = (v.len + 3) / 4;
  bool neg = v.ptr[0] & 0x80;
  memset(limbs, 0, n * sizeof(*limbs));
  uint32_t carry = neg;
  for (size_t i = 0; i < v.len; i++) {
    size_t from_end = i;                  /* 0 = least significant byte */
    uint32_t byte = v.ptr[v.len - 1 - i]; /* walk from the low end */
    if (neg) {
      byte = (~byte & 0xFF) + carry;
      carry = byte >> 8;
      byte &= 0xFF;
    }
    limbs[n - 1 - from_end / 4] |= byte << (8 * (from_end % 4));
  }
  return n;
}

/* Divides limbs in place by 10^9 and returns the remainder. */
static uint32_t div_billion(uint32_t *limbs, size_t n) {
  uint64_t rem = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t cur = (rem << 32) | limbs[i];
    limbs[i] = (uint32_t)(cur / 1000000000u);
    rem = cur % 1000000000u;
  }
  return (uint32_t)rem;
}

char *cql_varint_digits(cql_slice v, const cql_mem *mem, size_t *n_digits) {
  v = cql_varint_trim(v);
  size_t n_limbs = v.len ? (v.len + 3) / 4 : 1;
  /* 2^32 < 10^10: at most 10 digits per limb (9.64 really). */
  size_t cap = n_limbs * 10 + 1;
  uint32_t *limbs = cql_malloc(mem, n_limbs * sizeof(*limbs));
  char *out = cql_malloc(mem, cap);
  if (!limbs || !out) {
    cql_free(mem, limbs);
    cql_free(mem, out);
    return NULL;
  }
  if (v.len == 0)
    limbs[0] = 0;
  else
    load_magnitude(v, limbs);
  size_t pos = cap, first = 0;
  do {
    uint32_t chunk = div_billion(limbs + first, n_limbs - first);
    while (first < n_limbs && limbs[first] == 0)
      first++;
    /* a full 9-digit chunk unless this is the most significant one */
    for (int k = 0; k < 9 && (first < n_limbs || chunk); k++) {
      out[--pos] = (char)('0' + chunk % 10);
      chunk /= 10;
    }
  } while (first < n_limbs);
  if (pos == cap)
    out[--pos] = '0';
  *n_digits = cap - pos;
  memmove(out, out + pos, *n_digits);
  cql_free(mem, limbs);
  return out;
}
