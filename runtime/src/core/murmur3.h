/* Cassandra's Murmur3Partitioner: the token of a partition key, and the
 * serialized form of a composite partition key that the token is taken of.
 *
 * The hash is the x64 128-bit MurmurHash3 variant of which Cassandra keeps
 * the first 64 bits, with one quirk inherited from Java: the 1..15 tail
 * bytes are read as signed bytes, so bytes >= 0x80 sign-extend into the
 * higher bits before they are mixed. Drivers that hash with unsigned bytes
 * pick the wrong replicas for such keys. */
#ifndef CQL_CORE_MURMUR3_H
#define CQL_CORE_MURMUR3_H

#include <stddef.h>
#include <stdint.h>

#include "cqlkit/types.h"
#include "wire.h"

/* The first 64 bits of Cassandra's MurmurHash3 x64/128 of `data` (seed 0,
 * signed tail bytes), as a signed value. `data` may be NULL when len is 0. */
int64_t cql_murmur3_x64_h1(const uint8_t *data, size_t len);

/* The Murmur3Partitioner token of a serialized partition key: the hash,
 * except that INT64_MIN (reserved as the ring's minimum token) becomes
 * INT64_MAX. */
int64_t cql_murmur3_token(const uint8_t *key, size_t len);

/* Appends the routing key of a partition key made of `n` serialized
 * component values to `out`: a single component as it is; several as
 * Cassandra's CompositeType, each component as a 2-byte big-endian length,
 * the bytes and a 0 end-of-component byte. Errors land in out->err
 * (E_BAD_LENGTH for a component longer than 65535 bytes, E_NOMEM). Defined
 * in routing_key.c so that this file's two hash symbols stay alone in
 * their object (the test node carries an identical pair). */
void cql_routing_key_build(cql_buf *out, const cql_slice *parts, size_t n);

#endif
