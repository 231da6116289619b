/* The two checksums of v5 segment framing. */
#ifndef CQL_CORE_CRC_H
#define CQL_CORE_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC24 of a segment header word, given as its `n` little-endian bytes
 * (3 without compression, 5 with): initial value 0x875060, polynomial
 * 0x1974F0B, bytes fed least significant first, no reflection, no final xor. */
uint32_t cql_crc24(const uint8_t *p, size_t n);

/* CRC-32 (the zlib polynomial) of a segment payload, primed by first running
 * it over the bytes FA 2D 55 CA as Cassandra does. */
uint32_t cql_crc32_segment(const uint8_t *p, size_t n);

#endif
