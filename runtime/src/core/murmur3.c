/* MurmurHash3 x64/128 as Cassandra's Murmur3Partitioner computes it (first
 * half only). The client routes with it and cqlkit-node places partitions
 * with it, so both agree with Cassandra and with each other. */
#include "murmur3.h"

static const uint64_t C1 = UINT64_C(0x87c37b91114253d5);
static const uint64_t C2 = UINT64_C(0x4cf5ad432745937f);

static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t final_mix(uint64_t k) {
  k ^= k >> 33;
  k *= UINT64_C(0xff51afd7ed558ccd);
  k ^= k >> 33;
  k *= UINT64_C(0xc4ceb9fe1a85ec53);
  k ^= k >> 33;
  return k;
}

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* Java bytes are signed: a tail byte sign-extends before it is shifted. */
static uint64_t java_byte(uint8_t b, unsigned shift) {
  return (uint64_t)(int64_t)(int8_t)b << shift;
}

static uint64_t mix_k1(uint64_t k1) { return rotl64(k1 * C1, 31) * C2; }
static uint64_t mix_k2(uint64_t k2) { return rotl64(k2 * C2, 33) * C1; }

int64_t cql_murmur3_x64_h1(const uint8_t *data, size_t len) {
  uint64_t h1 = 0, h2 = 0;
  size_t blocks = len / 16;
  for (size_t i = 0; i < blocks; i++) {
    h1 ^= mix_k1(le64(data + 16 * i));
    h1 = (rotl64(h1, 27) + h2) * 5 + 0x52dce729;
    h2 ^= mix_k2(le64(data + 16 * i + 8));
    h2 = (rotl64(h2, 31) + h1) * 5 + 0x38495ab5;
  }
  const uint8_t *tail = data ? data + 16 * blocks : data;
  size_t rest = len % 16;
  uint64_t k1 = 0, k2 = 0;
  for (size_t i = 8; i < rest; i++)
    k2 ^= java_byte(tail[i], (unsigned)(i - 8) * 8);
  for (size_t i = 0; i < rest && i < 8; i++)
    k1 ^= java_byte(tail[i], (unsigned)i * 8);
  if (rest > 8)
    h2 ^= mix_k2(k2);
  if (rest > 0)
    h1 ^= mix_k1(k1);
  h1 ^= (uint64_t)len;
  h2 ^= (uint64_t)len;
  h1 += h2;
  h2 += h1;
  h1 = final_mix(h1);
  h2 = final_mix(h2);
  return (int64_t)(h1 + h2);
}

int64_t cql_murmur3_token(const uint8_t *key, size_t len) {
  int64_t h = cql_murmur3_x64_h1(key, len);
  return h == INT64_MIN ? INT64_MAX : h;
}
