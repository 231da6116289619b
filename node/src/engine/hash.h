/* The two hashes the engine needs to look like Cassandra.
 *
 * Murmur3 x64 128 as Cassandra's Murmur3Partitioner computes it (tail bytes
 * sign-extended, a quirk of its Java port that every driver reproduces), so
 * token() values and full-scan order match what drivers compute.
 *
 * MD5, for prepared statement ids (MD5 of keyspace + query, as Cassandra)
 * and result metadata ids. Both are pure functions. */
#ifndef CQL_NODE_HASH_H
#define CQL_NODE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The first 64 bits of the 128-bit hash with seed 0, as a signed long. */
int64_t cql_murmur3_x64_h1(const uint8_t *data, size_t len);

/* The Murmur3Partitioner token of a serialized partition key: the hash,
 * with Long.MIN_VALUE (reserved as the minimum token) mapped to MAX_VALUE. */
int64_t cql_murmur3_token(const uint8_t *key, size_t len);

typedef struct cql_md5 {
  uint32_t h[4];
  uint64_t total;
  uint8_t buf[64];
  size_t nbuf;
} cql_md5;

void cql_md5_init(cql_md5 *m);
void cql_md5_update(cql_md5 *m, const void *data, size_t len);
void cql_md5_final(cql_md5 *m, uint8_t out[16]);

#endif
