/* Envelope headers and v4 body compression against the Python driver's
 * bytes (tests/vectors/segments.tsv, kinds "header" and "v4body"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "testutil.h"
#include "transcript.h"

static tu_vector_file vf;

static int load(void **state) {
  (void)state;
  tu_vectors_load(&vf, "segments.tsv");
  return 0;
}

static int unload(void **state) {
  (void)state;
  tu_vectors_free(&vf);
  return 0;
}

static void test_header_vectors(void **state) {
  (void)state;
  size_t seen = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "header") != 0)
      continue;
    assert_int_equal(l->n_fields, 8);
    cql_header h = {(uint8_t)atoi(l->fields[2]), (uint8_t)atoi(l->fields[3]),
                    (int16_t)atoi(l->fields[4]), (uint8_t)atoi(l->fields[5]),
                    (uint32_t)strtoul(l->fields[6], NULL, 10)};
    size_t n;
    uint8_t *want = tu_hex_decode(l->fields[7], &n);
    assert_int_equal(n, CQL_HEADER_SIZE);
    uint8_t got[CQL_HEADER_SIZE];
    cql_header_encode(got, &h);
    assert_memory_equal(got, want, CQL_HEADER_SIZE);
    cql_header back;
    assert_int_equal(cql_header_decode(want, &back), CQL_OK);
    assert_int_equal(back.version, h.version);
    assert_int_equal(back.flags, h.flags);
    assert_int_equal(back.stream, h.stream);
    assert_int_equal(back.opcode, h.opcode);
    assert_int_equal(back.length, h.length);
    free(want);
    seen++;
  }
  assert_true(seen >= 8);
}

static void test_header_rejects_other_versions(void **state) {
  (void)state;
  uint8_t in[CQL_HEADER_SIZE] = {0x04, 0, 0, 1, 0x05, 0, 0, 0, 0};
  cql_header h;
  static const uint8_t bad[] = {0x00, 0x01, 0x02, 0x06, 0x7f, 0x81, 0x82, 0x86, 0x42, 0xff};
  for (size_t i = 0; i < sizeof(bad); i++) {
    in[0] = bad[i];
    assert_int_equal(cql_header_decode(in, &h), CQL_E_BAD_VERSION);
  }
  static const uint8_t good[] = {0x03, 0x04, 0x05, 0x83, 0x84, 0x85};
  for (size_t i = 0; i < sizeof(good); i++) {
    in[0] = good[i];
    assert_int_equal(cql_header_decode(in, &h), CQL_OK);
    assert_int_equal(h.version, good[i]);
  }
}

static void test_header_rejects_negative_length(void **state) {
  (void)state;
  uint8_t in[CQL_HEADER_SIZE] = {0x84, 0, 0, 1, 0x08, 0x80, 0, 0, 0};
  cql_header h;
  assert_int_equal(cql_header_decode(in, &h), CQL_E_BAD_LENGTH);
  in[5] = 0xff;
  assert_int_equal(cql_header_decode(in, &h), CQL_E_BAD_LENGTH);
}

static void test_v4_body_vectors(void **state) {
  (void)state;
  size_t seen = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "v4body") != 0)
      continue;
    size_t body_len, want_len;
    uint8_t *body = tu_recipe_expand(l->fields[2], &body_len);
    uint8_t *want = tu_recipe_expand(l->fields[3], &want_len);
    cql_buf out;
    cql_buf_init(&out, NULL);
    cql_buf_put_u8(&out, 0xEE); /* compression appends */
    assert_int_equal(cql_body_compress_v4(&out, (cql_slice){body, body_len}), CQL_OK);
    assert_int_equal(out.len, want_len + 1);
    assert_memory_equal(out.data + 1, want, want_len);

    cql_buf back;
    cql_buf_init(&back, NULL);
    assert_int_equal(cql_body_decompress_v4(&back, (cql_slice){want, want_len}, body_len), CQL_OK);
    assert_int_equal(back.len, body_len);
    if (body_len)
      assert_memory_equal(back.data, body, body_len);
    if (body_len)
      assert_int_equal(cql_body_decompress_v4(&back, (cql_slice){want, want_len}, body_len - 1),
                       CQL_E_FRAME_TOO_LARGE);
    cql_buf_free(&back);
    cql_buf_free(&out);
    free(body);
    free(want);
    seen++;
  }
  assert_true(seen >= 5);
}

static void test_v4_decompress_checks_length_before_allocating(void **state) {
  (void)state;
  /* 1 GiB claimed, a few bytes sent */
  static const uint8_t body[] = {0x40, 0x00, 0x00, 0x00, 0x1f, 0x61, 0x01, 0x00};
  tu_counting_mem m;
  tu_counting_mem_init(&m);
  cql_buf out;
  cql_buf_init(&out, &m.mem);
  assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){body, sizeof(body)}, 1u << 20),
                   CQL_E_FRAME_TOO_LARGE);
  assert_int_equal(m.requests, 0);
  /* allowed, but the block cannot produce that much */
  static const uint8_t body2[] = {0x00, 0x00, 0x01, 0x00, 0x1f, 0x61, 0x01, 0x00};
  assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){body2, sizeof(body2)}, 1u << 20),
                   CQL_E_DECOMPRESS);
  cql_buf_free(&out);
  assert_int_equal(m.live, 0);
}

static void test_v4_decompress_rejects_lies(void **state) {
  (void)state;
  static const uint8_t hello[] = "hello, hello, hello, hello";
  cql_buf z, out;
  cql_buf_init(&z, NULL);
  cql_buf_init(&out, NULL);
  assert_int_equal(cql_body_compress_v4(&z, (cql_slice){hello, sizeof(hello)}), CQL_OK);
  /* too short to hold the length */
  for (size_t n = 0; n < 4; n++)
    assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){z.data, n}, 1000), CQL_E_DECOMPRESS);
  /* a length with no block */
  assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){z.data, 4}, 1000), CQL_E_DECOMPRESS);
  /* stated length one more or one less than the block yields */
  cql_store_u32(z.data, sizeof(hello) + 1);
  assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){z.data, z.len}, 1000),
                   CQL_E_DECOMPRESS);
  cql_store_u32(z.data, sizeof(hello) - 1);
  assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){z.data, z.len}, 1000),
                   CQL_E_DECOMPRESS);
  /* a cut block */
  cql_store_u32(z.data, sizeof(hello));
  for (size_t n = 5; n < z.len; n++)
    assert_int_equal(cql_body_decompress_v4(&out, (cql_slice){z.data, n}, 1000), CQL_E_DECOMPRESS);
  /* any byte changed: a clean result or a clean error, never a crash */
  for (size_t i = 4; i < z.len; i++) {
    for (unsigned v = 0; v < 256; v += 17) {
      uint8_t save = z.data[i];
      z.data[i] ^= (uint8_t)v;
      cql_status st = cql_body_decompress_v4(&out, (cql_slice){z.data, z.len}, 1000);
      assert_true(st == CQL_OK || st == CQL_E_DECOMPRESS);
      z.data[i] = save;
    }
  }
  cql_buf_free(&z);
  cql_buf_free(&out);
}

static void test_v4_compress_out_of_memory(void **state) {
  (void)state;
  uint8_t body[4096];
  for (size_t i = 0; i < sizeof(body); i++)
    body[i] = (uint8_t)(i % 13);
  for (size_t fail = 1; fail <= 3; fail++) {
    tu_counting_mem m;
    tu_counting_mem_init(&m);
    m.fail_at = fail;
    cql_buf out;
    cql_buf_init(&out, &m.mem);
    cql_status st = cql_body_compress_v4(&out, (cql_slice){body, sizeof(body)});
    if (st == CQL_OK) {
      assert_true(out.len > 4);
    } else {
      assert_int_equal(st, CQL_E_NOMEM);
      assert_int_equal(out.len, 0);
    }
    cql_buf_free(&out);
    assert_int_equal(m.live, 0);
  }
}

static void test_lz4_helpers_reject_bad_blocks(void **state) {
  (void)state;
  uint8_t dst[16];
  static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff};
  assert_int_equal(cql_lz4_decompress_exact(dst, sizeof(dst), (cql_slice){junk, sizeof(junk)}),
                   CQL_E_DECOMPRESS);
  assert_int_equal(cql_lz4_decompress_exact(dst, sizeof(dst), (cql_slice){junk, 0}),
                   CQL_E_DECOMPRESS);
  /* the empty block decompresses to zero bytes */
  static const uint8_t empty[] = {0x00};
  assert_int_equal(cql_lz4_decompress_exact(NULL, 0, (cql_slice){empty, 1}), CQL_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_vectors),
      cmocka_unit_test(test_header_rejects_other_versions),
      cmocka_unit_test(test_header_rejects_negative_length),
      cmocka_unit_test(test_v4_body_vectors),
      cmocka_unit_test(test_v4_decompress_checks_length_before_allocating),
      cmocka_unit_test(test_v4_decompress_rejects_lies),
      cmocka_unit_test(test_v4_compress_out_of_memory),
      cmocka_unit_test(test_lz4_helpers_reject_bad_blocks),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
