#include "crc.h"

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

/* The table for the reflected zlib polynomial 0xEDB88320, built by the
 * preprocessor so that it is read-only data and no code has to fill it in at
 * run time: entry n is n shifted through eight steps of the bitwise CRC. */
#define CRC32_STEP(c) (((c) >> 1) ^ (((c)&1u) ? 0xEDB88320u : 0u))
#define CRC32_ENTRY(n)                                                                             \
  CRC32_STEP(CRC32_STEP(                                                                           \
      CRC32_STEP(CRC32_STEP(CRC32_STEP(CRC32_STEP(CRC32_STEP(CRC32_STEP((uint32_t)(n)))))))))
#define CRC32_ROW4(n) CRC32_ENTRY(n), CRC32_ENTRY(n + 1), CRC32_ENTRY(n + 2), CRC32_ENTRY(n + 3)
#define CRC32_ROW16(n) CRC32_ROW4(n), CRC32_ROW4(n + 4), CRC32_ROW4(n + 8), CRC32_ROW4(n + 12)
#define CRC32_ROW64(n) CRC32_ROW16(n), CRC32_ROW16(n + 16), CRC32_ROW16(n + 32), CRC32_ROW16(n + 48)

static const uint32_t crc32_table[256] = {CRC32_ROW64(0), CRC32_ROW64(64), CRC32_ROW64(128),
                                          CRC32_ROW64(192)};

/* zlib's crc32(crc, p, n): continues a finished CRC over more bytes. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++)
    crc = crc32_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t cql_crc32_segment(const uint8_t *p, size_t n) {
  /* Cassandra seeds the payload CRC with the CRC of these four bytes; the
   * v5 spec never says so. Running over them again costs four table steps. */
  static const uint8_t primer[4] = {0xFA, 0x2D, 0x55, 0xCA};
  uint32_t crc = crc32_update(0, primer, sizeof(primer));
  return crc32_update(crc, p, n);
}
