/* UTF-8 validation for text values. */
#include <string.h>

#include "value_impl.h"

/* The allowed range of the second byte of a sequence, by its first byte;
 * RFC 3629's table, which rules out overlong forms, surrogates and code
 * points past U+10FFFF in one place. */
static bool second_ok(uint8_t lead, uint8_t b) {
  switch (lead) {
  case 0xE0:
    return b >= 0xA0 && b <= 0xBF;
  case 0xED:
    return b >= 0x80 && b <= 0x9F;
  case 0xF0:
    return b >= 0x90 && b <= 0xBF;
  case 0xF4:
    return b >= 0x80 && b <= 0x8F;
  default:
    return (b & 0xC0) == 0x80;
  }
}

static size_t sequence_length(uint8_t lead) {
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 0; /* a continuation byte, C0/C1 or F5..FF cannot start one */
}

bool cql_utf8_valid(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    /* Most text is ASCII: skip it eight bytes at a time. */
    if (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if ((w & UINT64_C(0x8080808080808080)) == 0) {
        i += 8;
        continue;
      }
    }
    uint8_t lead = p[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    size_t len = sequence_length(lead);
    if (len == 0 || len > n - i || !second_ok(lead, p[i + 1]))
      return false;
    for (size_t k = 2; k < len; k++)
      if ((p[i + k] & 0xC0) != 0x80)
        return false;
    i += len;
  }
  return true;
}
