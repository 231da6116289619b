/* The two hashes the engine needs to look like Cassandra.
 *
 * Murmur3 as Cassandra's Murmur3Partitioner computes it, so token() values
 * and full-scan order match what drivers compute: the protocol core's
 * (murmur3.h), shared with the client's token-aware routing.
 *
 * MD5, for prepared statement ids (MD5 of keyspace + query, as Cassandra)
 * and result metadata ids. Both are pure functions. */
#ifndef CQL_NODE_HASH_H
#define CQL_NODE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "murmur3.h"

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
