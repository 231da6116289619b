#include "hash.h"

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t fmix(uint64_t k) {
  k ^= k >> 33;
  k *= UINT64_C(0xff51afd7ed558ccd);
  k ^= k >> 33;
  k *= UINT64_C(0xc4ceb9fe1a85ec53);
  k ^= k >> 33;
  return k;
}

static uint64_t load_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* Cassandra reads tail bytes as Java bytes: signed, so they sign-extend. */
static uint64_t tail_byte(uint8_t b, int shift) {
  return (uint64_t)(int64_t)(int8_t)b << shift;
}

int64_t cql_murmur3_x64_h1(const uint8_t *data, size_t len) {
  const uint64_t c1 = UINT64_C(0x87c37b91114253d5);
  const uint64_t c2 = UINT64_C(0x4cf5ad432745937f);
  uint64_t h1 = 0, h2 = 0;
  size_t nblocks = len / 16;
  for (size_t i = 0; i < nblocks; i++) {
    uint64_t k1 = load_le64(data + i * 16);
    uint64_t k2 = load_le64(data + i * 16 + 8);
    k1 *= c1;
    k1 = rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= c2;
    k2 = rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
    h2 = rotl(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }
  const uint8_t *tail = data + nblocks * 16;
  size_t rest = len & 15;
  uint64_t k1 = 0, k2 = 0;
  for (size_t i = rest; i > 8; i--)
    k2 ^= tail_byte(tail[i - 1], (int)(i - 9) * 8);
  for (size_t i = rest < 8 ? rest : 8; i > 0; i--)
    k1 ^= tail_byte(tail[i - 1], (int)(i - 1) * 8);
  if (rest > 8) {
    k2 *= c2;
    k2 = rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
  }
  if (rest > 0) {
    k1 *= c1;
    k1 = rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
  }
  h1 ^= (uint64_t)len;
  h2 ^= (uint64_t)len;
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  return (int64_t)h1;
}

int64_t cql_murmur3_token(const uint8_t *key, size_t len) {
  int64_t h = cql_murmur3_x64_h1(key, len);
  return h == INT64_MIN ? INT64_MAX : h;
}
