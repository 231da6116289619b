#include "crc.h"

#include <zlib.h>

/* ---- CRC24 ------------------------------------------------------------ */

enum { CRC24_INIT = 0x875060, CRC24_POLY = 0x1974F0B };

/* Headers are 3 or 5 bytes, so the bitwise form costs nothing worth a
 * table. The register is 24 bits wide; the polynomial carries its x^24
 * term, so xoring it in after a carry out of bit 23 also clears that bit. */
uint32_t cql_crc24(const uint8_t *p, size_t n) {
  uint32_t crc = CRC24_INIT;
  for (size_t i = 0; i < n; i++) {
    crc ^= (uint32_t)p[i] << 16;
    for (int bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000u)
        crc ^= CRC24_POLY;
    }
  }
  return crc;
}

/* ---- CRC32 ------------------------------------------------------------ */

/* zlib's crc32 is the same CRC (reflected 0xEDB88320) and processes several
 * bytes per step; a byte-at-a-time table was a fifth of the client's CPU on
 * v5 connections. */
uint32_t cql_crc32_segment(const uint8_t *p, size_t n) {
  /* Cassandra seeds the payload CRC with the CRC of these four bytes; the
   * v5 spec never says so. */
  static const uint8_t primer[4] = {0xFA, 0x2D, 0x55, 0xCA};
  uLong crc = crc32_z(0, primer, sizeof(primer));
  if (n > 0)
    crc = crc32_z(crc, p, n);
  return (uint32_t)crc;
}
