/* Murmur3 tokens against the Python driver's (vector file), and MD5
 * against RFC 1321's test suite and Cassandra's prepared ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"
#include "testutil.h"

static void test_murmur3_vectors(void **state) {
  (void)state;
  tu_vector_file vf;
  tu_vectors_load(&vf, "../node/vectors/murmur3.tsv");
  size_t checked = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (l->n_fields < 4 || strcmp(l->fields[0], "murmur3") != 0)
      continue;
    size_t n = 0;
    uint8_t *key = tu_hex_decode(l->fields[2], &n);
    int64_t want = strtoll(l->fields[3], NULL, 10);
    int64_t got = cql_murmur3_x64_h1(key, n);
    if (got != want)
      fail_msg("%s: got %lld want %lld", l->fields[1], (long long)got, (long long)want);
    free(key);
    checked++;
  }
  assert_true(checked >= 100);
  tu_vectors_free(&vf);
}

static void test_token_never_min(void **state) {
  (void)state;
  /* MIN is reserved for the ring's minimum; any key hashes elsewhere. */
  static const uint8_t k[] = {0x01, 0x02};
  assert_true(cql_murmur3_token(k, sizeof(k)) != INT64_MIN);
}

static void md5_hex(const char *s, char out[33]) {
  cql_md5 m;
  uint8_t d[16];
  cql_md5_init(&m);
  cql_md5_update(&m, s, strlen(s));
  cql_md5_final(&m, d);
  for (int i = 0; i < 16; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_md5_rfc1321(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
      /* Cassandra 4.0's id of a statement prepared in keyspace tx */
      {"txINSERT INTO kitchen (k,c,a,b,bl,bo,d,de,db,du,f,i,sm,t,tm,ts,tu,ti,u,vi,l,st,m,tp) "
       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
       "d1e50efa0cfa8a9d5c54c25598bd1eb4"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char got[33];
    md5_hex(cases[i][0], got);
    assert_string_equal(got, cases[i][1]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_murmur3_vectors),
      cmocka_unit_test(test_token_never_min),
      cmocka_unit_test(test_md5_rfc1321),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
