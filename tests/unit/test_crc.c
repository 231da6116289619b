/* The two segment checksums against values computed by the Python driver
 * (cassandra.segment.compute_crc24, zlib.crc32 primed with FA 2D 55 CA). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "crc.h"

/* The header word's bytes as they go on the wire: little-endian. */
static uint32_t crc24_of_word(uint64_t word, size_t n) {
  uint8_t b[5];
  for (size_t i = 0; i < n; i++)
    b[i] = (uint8_t)(word >> (8 * i));
  return cql_crc24(b, n);
}

static void test_crc24_known_words(void **state) {
  (void)state;
  assert_int_equal(crc24_of_word(0, 3), 0x7de777);
  /* a 9-byte self-contained payload: the header of an OPTIONS segment */
  assert_int_equal(crc24_of_word(9 | 1u << 17, 3), 0xc1c8a4);
  assert_int_equal(crc24_of_word(0x1ffff | 1u << 17, 3), 0x474025);
  assert_int_equal(crc24_of_word(0xffffff, 3), 0x7a86ff);
  assert_int_equal(crc24_of_word(0, 5), 0xaaac0a);
  assert_int_equal(crc24_of_word(57 | 100ull << 17 | 1ull << 34, 5), 0x52d366);
  assert_int_equal(crc24_of_word(0xffffffffffull, 5), 0x8e4e78);
}

static void test_crc24_of_nothing_is_the_initial_value(void **state) {
  (void)state;
  assert_int_equal(cql_crc24(NULL, 0), 0x875060);
}

static void test_crc32_primed(void **state) {
  (void)state;
  /* zlib.crc32(b"\xfa\x2d\x55\xca"): the value an empty payload gets */
  assert_int_equal(cql_crc32_segment(NULL, 0), 0x44777ed3);
  const uint8_t check[] = "123456789";
  assert_int_equal(cql_crc32_segment(check, 9), 0xe2a261a7);
  uint8_t all[1024];
  for (size_t i = 0; i < sizeof(all); i++)
    all[i] = (uint8_t)i;
  assert_int_equal(cql_crc32_segment(all, sizeof(all)), 0x37b70df4);
}

static void test_crc32_sees_every_single_byte_change(void **state) {
  (void)state;
  uint8_t buf[300];
  for (size_t i = 0; i < sizeof(buf); i++)
    buf[i] = (uint8_t)(i * 7);
  uint32_t good = cql_crc32_segment(buf, sizeof(buf));
  for (size_t i = 0; i < sizeof(buf); i++) {
    for (unsigned bit = 0; bit < 8; bit++) {
      buf[i] ^= (uint8_t)(1u << bit);
      assert_true(cql_crc32_segment(buf, sizeof(buf)) != good);
      buf[i] ^= (uint8_t)(1u << bit);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crc24_known_words),
      cmocka_unit_test(test_crc24_of_nothing_is_the_initial_value),
      cmocka_unit_test(test_crc32_primed),
      cmocka_unit_test(test_crc32_sees_every_single_byte_change),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
