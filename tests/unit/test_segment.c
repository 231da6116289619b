/* v5 segments against the Python driver's SegmentCodec bytes
 * (tests/vectors/segments.tsv, kinds "segment" and "frame"): our encoder
 * writes exactly those bytes, our decoder reads them back, and any corrupted
 * byte is caught by a CRC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crc.h"
#include "segment.h"
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

static bool flag(const char *field) { return strcmp(field, "1") == 0; }

/* Decodes every segment in `wire` and returns the joined payloads. */
static uint8_t *decode_all(const uint8_t *wire, size_t len, bool lz4, size_t *n_segments,
                           size_t *out_len) {
  cql_buf payload;
  cql_buf_init(&payload, NULL);
  size_t pos = 0;
  *n_segments = 0;
  while (pos < len) {
    bool sc;
    size_t used;
    assert_int_equal(
        cql_segment_decode((cql_slice){wire + pos, len - pos}, lz4, &payload, &sc, &used), CQL_OK);
    pos += used;
    (*n_segments)++;
  }
  *out_len = payload.len;
  cql_buf_put_u8(&payload, 0); /* never NULL */
  return payload.data;
}

static void test_segment_vectors_encode(void **state) {
  (void)state;
  size_t seen = 0, compressed = 0, raw = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "segment") != 0)
      continue;
    bool lz4 = flag(l->fields[2]), sc = flag(l->fields[3]);
    size_t plen, wlen;
    uint8_t *payload = tu_recipe_expand(l->fields[5], &plen);
    uint8_t *want = tu_recipe_expand(l->fields[6], &wlen);
    cql_buf out;
    cql_buf_init(&out, NULL);
    assert_int_equal(cql_segment_encode(&out, (cql_slice){payload, plen}, sc, lz4), CQL_OK);
    if (out.len != wlen || memcmp(out.data, want, wlen) != 0)
      fail_msg("vector %s: encoding differs from the Python driver's", l->fields[1]);

    cql_segment_header h;
    assert_int_equal(cql_segment_header_decode((cql_slice){want, wlen}, lz4, &h), CQL_OK);
    assert_int_equal(h.self_contained, sc);
    assert_int_equal(cql_segment_wire_size(&h, lz4), wlen);
    if (lz4 && h.uncompressed_length) {
      assert_int_equal(h.uncompressed_length, plen);
      compressed++;
    } else {
      assert_int_equal(h.payload_length, plen);
      raw += lz4;
    }
    cql_buf_free(&out);
    free(payload);
    free(want);
    seen++;
  }
  assert_true(seen >= 20);
  assert_true(compressed >= 4); /* both LZ4 outcomes are covered */
  assert_true(raw >= 4);
}

static void test_segment_vectors_decode(void **state) {
  (void)state;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "segment") != 0)
      continue;
    bool lz4 = flag(l->fields[2]), sc = flag(l->fields[3]);
    size_t plen, wlen;
    uint8_t *payload = tu_recipe_expand(l->fields[5], &plen);
    uint8_t *wire = tu_recipe_expand(l->fields[6], &wlen);
    cql_buf got;
    cql_buf_init(&got, NULL);
    cql_buf_put_u8(&got, 0xAA); /* decode appends */
    bool got_sc = !sc;
    size_t used = 0;
    assert_int_equal(cql_segment_decode((cql_slice){wire, wlen}, lz4, &got, &got_sc, &used),
                     CQL_OK);
    assert_int_equal(used, wlen);
    assert_int_equal(got_sc, sc);
    assert_int_equal(got.len, plen + 1);
    assert_memory_equal(got.data + 1, payload, plen);
    /* every shorter prefix is "not yet", and appends nothing */
    size_t step = wlen > 4096 ? 509 : 1;
    for (size_t n = 0; n < wlen; n += step) {
      got.len = 1;
      assert_int_equal(cql_segment_decode((cql_slice){wire, n}, lz4, &got, &got_sc, &used),
                       CQL_E_TRUNCATED);
      assert_int_equal(got.len, 1);
    }
    cql_buf_free(&got);
    free(payload);
    free(wire);
  }
}

/* Positions worth corrupting: all of a small segment; the header, the
 * trailer and a spread of the payload of a large one. */
static bool corrupt_here(size_t i, size_t len) {
  return len <= 4096 || i < 16 || i + 8 >= len || i % 769 == 0;
}

static void test_segment_vectors_corrupted(void **state) {
  (void)state;
  cql_buf got;
  cql_buf_init(&got, NULL);
  for (size_t v = 0; v < vf.n_lines; v++) {
    const tu_vector_line *l = &vf.lines[v];
    if (strcmp(l->fields[0], "segment") != 0)
      continue;
    bool lz4 = flag(l->fields[2]);
    size_t wlen;
    uint8_t *wire = tu_recipe_expand(l->fields[6], &wlen);
    for (size_t i = 0; i < wlen; i++) {
      if (!corrupt_here(i, wlen))
        continue;
      static const uint8_t flips[] = {0x01, 0x80, 0xFF, 0x5A};
      for (size_t f = 0; f < sizeof(flips); f++) {
        wire[i] ^= flips[f];
        bool sc;
        size_t used;
        cql_buf_reset(&got);
        cql_status st = cql_segment_decode((cql_slice){wire, wlen}, lz4, &got, &sc, &used);
        /* A changed header fails its CRC24 before its lengths are used;
         * a changed payload or trailer fails the CRC32. */
        if (st != CQL_E_BAD_CRC)
          fail_msg("vector %s byte %zu ^%02x: %s", l->fields[1], i, flips[f], cql_status_name(st));
        assert_int_equal(got.len, 0);
        wire[i] ^= flips[f];
      }
    }
    free(wire);
  }
  cql_buf_free(&got);
}

static void test_frame_vectors(void **state) {
  (void)state;
  size_t seen = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "frame") != 0)
      continue;
    bool lz4 = flag(l->fields[2]);
    size_t in_len, want_len;
    uint8_t *in = tu_recipe_expand(l->fields[4], &in_len);
    uint8_t *want = tu_recipe_expand(l->fields[5], &want_len);
    cql_buf out;
    cql_buf_init(&out, NULL);
    assert_int_equal(cql_segment_frame(&out, (cql_slice){in, in_len}, lz4), CQL_OK);
    if (out.len != want_len || memcmp(out.data, want, want_len) != 0)
      fail_msg("vector %s: framing differs (%zu bytes, want %zu)", l->fields[1], out.len, want_len);
    size_t n_segments, back_len;
    uint8_t *back = decode_all(want, want_len, lz4, &n_segments, &back_len);
    assert_int_equal(back_len, in_len);
    assert_memory_equal(back, in, in_len);
    free(back);
    cql_buf_free(&out);
    free(in);
    free(want);
    seen++;
  }
  assert_true(seen >= 10);
}

/* The split the Python driver makes: 131071-byte pieces, none
 * self-contained, the last one shorter. */
static void test_frame_splits_large_envelope(void **state) {
  (void)state;
  size_t body = 300000;
  uint8_t *env = calloc(1, CQL_HEADER_SIZE + body);
  assert_non_null(env);
  env[0] = 0x05;
  env[4] = 0x07;
  cql_store_u32(env + 5, (uint32_t)body);
  cql_buf out;
  cql_buf_init(&out, NULL);
  assert_int_equal(cql_segment_frame(&out, (cql_slice){env, CQL_HEADER_SIZE + body}, false),
                   CQL_OK);
  size_t pos = 0, total = 0, n = 0;
  while (pos < out.len) {
    cql_segment_header h;
    assert_int_equal(
        cql_segment_header_decode((cql_slice){out.data + pos, out.len - pos}, false, &h), CQL_OK);
    assert_false(h.self_contained);
    total += h.payload_length;
    if (total < CQL_HEADER_SIZE + body)
      assert_int_equal(h.payload_length, CQL_SEGMENT_MAX_PAYLOAD);
    pos += cql_segment_wire_size(&h, false);
    n++;
  }
  assert_int_equal(n, 3);
  assert_int_equal(total, CQL_HEADER_SIZE + body);
  cql_buf_free(&out);
  free(env);
}

static void test_frame_rejects_bad_runs(void **state) {
  (void)state;
  uint8_t env[CQL_HEADER_SIZE + 4] = {0x05, 0, 0, 1, 0x07, 0, 0, 0, 4, 1, 2, 3, 4};
  cql_buf out;
  cql_buf_init(&out, NULL);
  cql_buf_put_u8(&out, 0x11);
  /* cut header, cut body, length larger than the run */
  assert_int_equal(cql_segment_frame(&out, (cql_slice){env, 5}, false), CQL_E_BAD_LENGTH);
  assert_int_equal(cql_segment_frame(&out, (cql_slice){env, sizeof(env) - 1}, true),
                   CQL_E_BAD_LENGTH);
  env[8] = 0xff;
  assert_int_equal(cql_segment_frame(&out, (cql_slice){env, sizeof(env)}, false), CQL_E_BAD_LENGTH);
  assert_int_equal(out.len, 1); /* nothing left behind */
  /* nothing in, nothing out */
  assert_int_equal(cql_segment_frame(&out, (cql_slice){NULL, 0}, true), CQL_OK);
  assert_int_equal(out.len, 1);
  cql_buf_free(&out);
}

static void test_encode_refuses_oversized_payload(void **state) {
  (void)state;
  uint8_t *big = calloc(1, CQL_SEGMENT_MAX_PAYLOAD + 1);
  assert_non_null(big);
  cql_buf out;
  cql_buf_init(&out, NULL);
  assert_int_equal(
      cql_segment_encode(&out, (cql_slice){big, CQL_SEGMENT_MAX_PAYLOAD + 1}, true, false),
      CQL_E_INVALID_ARG);
  assert_int_equal(out.len, 0);
  cql_buf_free(&out);
  free(big);
}

/* Builds a compressed segment by hand with good CRCs around `wire`. */
static size_t hand_segment(uint8_t *out, const uint8_t *wire, size_t n, size_t ulen) {
  uint64_t word = n | (uint64_t)ulen << 17 | 1ull << 34;
  for (size_t i = 0; i < 5; i++)
    out[i] = (uint8_t)(word >> (8 * i));
  uint32_t c24 = cql_crc24(out, 5);
  for (size_t i = 0; i < 3; i++)
    out[5 + i] = (uint8_t)(c24 >> (8 * i));
  memcpy(out + 8, wire, n);
  uint32_t c32 = cql_crc32_segment(wire, n);
  for (size_t i = 0; i < 4; i++)
    out[8 + n + i] = (uint8_t)(c32 >> (8 * i));
  return 12 + n;
}

static void test_decompression_failures_are_clean(void **state) {
  (void)state;
  uint8_t seg[64];
  cql_buf got;
  cql_buf_init(&got, NULL);
  bool sc;
  size_t used;
  /* garbage that passes both CRCs */
  static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff};
  size_t n = hand_segment(seg, junk, sizeof(junk), 40);
  assert_int_equal(cql_segment_decode((cql_slice){seg, n}, true, &got, &sc, &used),
                   CQL_E_DECOMPRESS);
  assert_int_equal(got.len, 0);
  /* a good block (40 x 'a', made by liblz4) with the wrong length */
  static const uint8_t block[] = {0x1f, 0x61, 0x01, 0x00, 0x0f, 0x50, 0x61, 0x61, 0x61, 0x61, 0x61};
  n = hand_segment(seg, block, sizeof(block), 39);
  assert_int_equal(cql_segment_decode((cql_slice){seg, n}, true, &got, &sc, &used),
                   CQL_E_DECOMPRESS);
  n = hand_segment(seg, block, sizeof(block), 41);
  assert_int_equal(cql_segment_decode((cql_slice){seg, n}, true, &got, &sc, &used),
                   CQL_E_DECOMPRESS);
  n = hand_segment(seg, block, sizeof(block), 40);
  assert_int_equal(cql_segment_decode((cql_slice){seg, n}, true, &got, &sc, &used), CQL_OK);
  assert_int_equal(got.len, 40);
  for (size_t i = 0; i < 40; i++)
    assert_int_equal(got.data[i], 'a');
  /* a compressed length of zero with an uncompressed length */
  n = hand_segment(seg, block, 0, 40);
  got.len = 0;
  assert_int_equal(cql_segment_decode((cql_slice){seg, n}, true, &got, &sc, &used),
                   CQL_E_DECOMPRESS);
  assert_int_equal(got.len, 0);
  cql_buf_free(&got);
}

static void test_out_of_memory(void **state) {
  (void)state;
  uint8_t payload[2000];
  for (size_t i = 0; i < sizeof(payload); i++)
    payload[i] = (uint8_t)(i % 7);
  for (int lz4 = 0; lz4 < 2; lz4++) {
    cql_buf wire;
    cql_buf_init(&wire, NULL);
    assert_int_equal(cql_segment_encode(&wire, (cql_slice){payload, sizeof(payload)}, true, lz4),
                     CQL_OK);
    for (size_t fail = 1; fail <= 4; fail++) {
      tu_counting_mem m;
      tu_counting_mem_init(&m);
      m.fail_at = fail;
      cql_buf out;
      cql_buf_init(&out, &m.mem);
      cql_status st = cql_segment_encode(&out, (cql_slice){payload, sizeof(payload)}, true, lz4);
      assert_true(st == CQL_OK || (st == CQL_E_NOMEM && out.len == 0));
      cql_buf_free(&out);
      tu_counting_mem_init(&m);
      m.fail_at = fail;
      cql_buf_init(&out, &m.mem);
      bool sc;
      size_t used;
      st = cql_segment_decode((cql_slice){wire.data, wire.len}, lz4, &out, &sc, &used);
      assert_true(st == CQL_OK || (st == CQL_E_NOMEM && out.len == 0));
      cql_buf_free(&out);
      assert_int_equal(m.live, 0);
    }
    cql_buf_free(&wire);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_segment_vectors_encode),
      cmocka_unit_test(test_segment_vectors_decode),
      cmocka_unit_test(test_segment_vectors_corrupted),
      cmocka_unit_test(test_frame_vectors),
      cmocka_unit_test(test_frame_splits_large_envelope),
      cmocka_unit_test(test_frame_rejects_bad_runs),
      cmocka_unit_test(test_encode_refuses_oversized_payload),
      cmocka_unit_test(test_decompression_failures_are_clean),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
