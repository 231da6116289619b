/* The incremental reader: every vector and multi-envelope stream fed whole,
 * in two pieces at every (or, for the 100 KiB+ ones, at many) split
 * points, and one byte at a time must give the same envelopes; framing
 * switches from the callback apply to the very next byte; limits are
 * enforced before allocating; errors are final and never crash or leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "mem.h"
#include "reader.h"
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

/* ---- helpers ----------------------------------------------------------- */

/* What the reader is set up for, and when its framing switches. */
typedef struct mode {
  bool segments, lz4; /* framing from the start */
  bool v4_lz4;
  bool expect_requests;
  int switch_on; /* opcode after which to switch to segments, or -1 */
  bool switch_lz4;
  size_t max_body;
  const cql_mem *mem;
} mode;

/* The vectors hold requests, so by default the reader is a server's. */
static mode segments_mode(bool lz4) { return (mode){true, lz4, false, true, -1, false, 0, NULL}; }
static mode plain_mode(void) { return (mode){false, false, false, true, -1, false, 0, NULL}; }

typedef struct ctx {
  cql_reader *r;
  tu_envelopes got;
  const mode *m;
  bool switched;
  size_t fail_at; /* callback returns an error on this envelope (1-based) */
} ctx;

static cql_status on_env(void *ud, cql_envelope *env) {
  ctx *c = ud;
  if (c->m->switch_on >= 0 && !c->switched && env->header.opcode == c->m->switch_on) {
    cql_reader_set_framing(c->r, true, c->m->switch_lz4);
    c->switched = true;
  }
  if (c->fail_at && c->got.n + 1 == c->fail_at) {
    cql_envelope_free(env);
    return CQL_E_CANCELLED;
  }
  return tu_envelopes_append(&c->got, env);
}

static void ctx_open(ctx *c, const mode *m) {
  memset(c, 0, sizeof(*c));
  c->m = m;
  tu_envelopes_init(&c->got);
  cql_reader_config cfg = {m->max_body, m->expect_requests, m->mem};
  assert_int_equal(cql_reader_new(&c->r, &cfg), CQL_OK);
  cql_reader_set_framing(c->r, m->segments, m->lz4);
  cql_reader_set_v4_compression(c->r, m->v4_lz4);
}

static void ctx_close(ctx *c) {
  cql_reader_free(c->r);
  tu_envelopes_free(&c->got);
}

static cql_status feed(ctx *c, const uint8_t *p, size_t n) {
  return cql_reader_feed(c->r, p, n, on_env, c, NULL);
}

/* Feeds `data` in pieces: cut at `cut` (0: whole) or, with `bytewise`, one
 * byte at a time; the stream must end on a boundary. */
static cql_status run(ctx *c, const uint8_t *data, size_t len, size_t cut, bool bytewise) {
  cql_status st = CQL_OK;
  if (bytewise) {
    for (size_t i = 0; i < len && st == CQL_OK; i++)
      st = feed(c, data + i, 1);
  } else if (cut) {
    st = feed(c, data, cut);
    if (st == CQL_OK)
      st = feed(c, data + cut, len - cut);
  } else {
    st = feed(c, data, len);
  }
  if (st == CQL_OK && !cql_reader_idle(c->r))
    return CQL_E_TRUNCATED;
  return st;
}

/* Splits a run of whole envelopes into the list the reader should give. */
static void parse_run(const uint8_t *p, size_t n, tu_envelopes *out) {
  size_t pos = 0;
  while (pos < n) {
    cql_envelope env;
    memset(&env, 0, sizeof(env));
    assert_true(n - pos >= CQL_HEADER_SIZE);
    assert_int_equal(cql_header_decode(p + pos, &env.header), CQL_OK);
    env.len = env.header.length;
    assert_true(n - pos - CQL_HEADER_SIZE >= env.len);
    env.body = malloc(env.len + 1);
    memcpy(env.body, p + pos + CQL_HEADER_SIZE, env.len);
    env.mem = *cql_mem_or_default(NULL);
    tu_envelopes_append(out, &env);
    pos += CQL_HEADER_SIZE + env.len;
  }
}

/* Which two-piece cuts to try. Each run moves all the decoded bytes
 * through fresh buffers (slow under ASan for 100 KiB+ envelopes), so: every
 * cut while stream bytes times decoded bytes stay under 5e7 (every vector up
 * to about 7000 bytes); beyond that, the first and last 12 cuts, those
 * within 4 bytes of each 131071-byte mark (where segment and envelope
 * boundaries fall in the large vectors) and an even spread of about
 * 2e7 / decoded bytes (at least 12) more. The byte-at-a-time feed still
 * crosses every boundary. */
static bool worth_cutting(size_t k, size_t len, size_t decoded) {
  if ((double)len * (double)decoded <= 5e7)
    return true;
  size_t spread = decoded ? (size_t)(2e7 / (double)decoded) : 12;
  if (spread < 12)
    spread = 12;
  size_t in_seg = k % CQL_SEGMENT_MAX_PAYLOAD;
  return k < 12 || len - k < 12 || k % (len / spread + 1) == 0 || in_seg < 4 ||
         in_seg > CQL_SEGMENT_MAX_PAYLOAD - 4;
}

static size_t decoded_size(const tu_envelopes *l) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++)
    n += CQL_HEADER_SIZE + l->items[i].len;
  return n;
}

/* The whole / every split / byte-at-a-time check. */
static void check_feeds(const mode *m, const uint8_t *data, size_t len, const tu_envelopes *want,
                        const char *name) {
  size_t decoded = decoded_size(want);
  for (size_t k = 0; k < len; k++) {
    if (k && !worth_cutting(k, len, decoded))
      continue;
    ctx c;
    ctx_open(&c, m);
    cql_status st = run(&c, data, len, k, false);
    if (st != CQL_OK || !tu_envelopes_equal(&c.got, want))
      fail_msg("%s: cut at %zu: %s, %zu envelopes (want %zu)", name, k, cql_status_name(st),
               c.got.n, want->n);
    ctx_close(&c);
  }
  ctx c;
  ctx_open(&c, m);
  cql_status st = run(&c, data, len, 0, true);
  if (st != CQL_OK || !tu_envelopes_equal(&c.got, want))
    fail_msg("%s: byte at a time: %s", name, cql_status_name(st));
  ctx_close(&c);
}

static bool flag(const char *f) { return strcmp(f, "1") == 0; }

/* ---- vectors ----------------------------------------------------------- */

static void test_segment_vectors(void **state) {
  (void)state;
  size_t seen = 0;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "segment") != 0 || atoi(l->fields[4]) < 0)
      continue;
    size_t plen, wlen;
    uint8_t *payload = tu_recipe_expand(l->fields[5], &plen);
    uint8_t *wire = tu_recipe_expand(l->fields[6], &wlen);
    tu_envelopes want;
    tu_envelopes_init(&want);
    parse_run(payload, plen, &want);
    assert_int_equal(want.n, (size_t)atoi(l->fields[4]));
    mode m = segments_mode(flag(l->fields[2]));
    check_feeds(&m, wire, wlen, &want, l->fields[1]);
    tu_envelopes_free(&want);
    free(payload);
    free(wire);
    seen++;
  }
  assert_true(seen >= 18);
}

static void test_frame_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "frame") != 0)
      continue;
    size_t in_len, wlen;
    uint8_t *in = tu_recipe_expand(l->fields[4], &in_len);
    uint8_t *wire = tu_recipe_expand(l->fields[5], &wlen);
    tu_envelopes want;
    tu_envelopes_init(&want);
    parse_run(in, in_len, &want);
    /* as segments (large envelopes reassembled), and as plain envelopes */
    mode m = segments_mode(flag(l->fields[2]));
    check_feeds(&m, wire, wlen, &want, l->fields[1]);
    m = plain_mode();
    check_feeds(&m, in, in_len, &want, l->fields[1]);
    tu_envelopes_free(&want);
    free(in);
    free(wire);
  }
}

/* All frame vectors of one compression back to back: a long stream mixing
 * packed, split and single segments, fed in uneven pieces. */
static void test_long_streams(void **state) {
  (void)state;
  for (int lz4 = 0; lz4 < 2; lz4++) {
    cql_buf wire, run_in;
    cql_buf_init(&wire, NULL);
    cql_buf_init(&run_in, NULL);
    for (size_t i = 0; i < vf.n_lines; i++) {
      const tu_vector_line *l = &vf.lines[i];
      if (strcmp(l->fields[0], "frame") != 0 || flag(l->fields[2]) != lz4)
        continue;
      size_t a, b;
      uint8_t *in = tu_recipe_expand(l->fields[4], &a);
      uint8_t *w = tu_recipe_expand(l->fields[5], &b);
      cql_buf_put_raw(&run_in, in, a);
      cql_buf_put_raw(&wire, w, b);
      free(in);
      free(w);
    }
    tu_envelopes want;
    tu_envelopes_init(&want);
    parse_run(run_in.data, run_in.len, &want);
    mode m = segments_mode(lz4);
    for (uint32_t seed = 1; seed <= 4; seed++) {
      ctx c;
      ctx_open(&c, &m);
      size_t pos = 0;
      uint32_t x = seed;
      while (pos < wire.len) {
        x = x * 1103515245u + 12345u;
        size_t n = (x >> 8) % (seed * 3000) + 1;
        if (n > wire.len - pos)
          n = wire.len - pos;
        assert_int_equal(feed(&c, wire.data + pos, n), CQL_OK);
        pos += n;
      }
      assert_true(cql_reader_idle(c.r));
      assert_true(tu_envelopes_equal(&c.got, &want));
      ctx_close(&c);
    }
    ctx c;
    ctx_open(&c, &m);
    assert_int_equal(run(&c, wire.data, wire.len, 0, true), CQL_OK);
    assert_true(tu_envelopes_equal(&c.got, &want));
    ctx_close(&c);
    tu_envelopes_free(&want);
    cql_buf_free(&wire);
    cql_buf_free(&run_in);
  }
}

/* ---- framing switches -------------------------------------------------- */

static const tu_vector_line *find(const char *kind, const char *name) {
  const tu_vector_line *l = tu_vectors_find(&vf, kind, name);
  assert_non_null(l);
  return l;
}

/* Client side of a v5 handshake as a server reads it: OPTIONS and STARTUP
 * plain, everything after STARTUP in (LZ4) segments, in one stream. */
static void test_switch_after_startup(void **state) {
  (void)state;
  static const char *const tails[] = {"lz4_mixed", "lz4_packed", "plain_packed", "plain_single"};
  for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
    const tu_vector_line *l = find("frame", tails[t]);
    bool lz4 = flag(l->fields[2]);
    size_t in_len, wlen;
    uint8_t *in = tu_recipe_expand(l->fields[4], &in_len);
    uint8_t *wire = tu_recipe_expand(l->fields[5], &wlen);
    static const uint8_t hello[] = {0x05, 0,    0,   0,   0x05, 0,   0,   0,   0, /* OPTIONS */
                                    0x05, 0,    0,   1,   0x01, 0,   0,   0,   0x14, 0,   1,
                                    0,    0x0b, /* STARTUP */
                                    'C',  'Q',  'L', '_', 'V',  'E', 'R', 'S', 'I',  'O', 'N', /* */
                                    0,    3,    '3', '.', '0'};
    cql_buf stream;
    cql_buf_init(&stream, NULL);
    cql_buf_put_raw(&stream, hello, sizeof(hello));
    cql_buf_put_raw(&stream, wire, wlen);
    tu_envelopes want;
    tu_envelopes_init(&want);
    parse_run(hello, sizeof(hello), &want);
    parse_run(in, in_len, &want);
    mode m = {false, false, false, true, CQL_OP_STARTUP, lz4, 0, NULL};
    check_feeds(&m, stream.data, stream.len, &want, tails[t]);
    tu_envelopes_free(&want);
    cql_buf_free(&stream);
    free(in);
    free(wire);
  }
}

/* Makes response envelopes out of request ones (same bytes, response bit). */
static void as_responses(uint8_t *p, size_t n) {
  size_t pos = 0;
  while (pos < n) {
    p[pos] |= CQL_VERSION_RESPONSE_BIT;
    pos += CQL_HEADER_SIZE + cql_load_u32(p + pos + 5);
  }
}

/* Server side as a client reads it: SUPPORTED and READY plain, then
 * segments; also AUTHENTICATE, after which an AUTH_CHALLENGE arrives framed. */
static void test_switch_after_ready(void **state) {
  (void)state;
  for (int op = CQL_OP_READY; op <= CQL_OP_AUTHENTICATE; op++) {
    for (int lz4 = 0; lz4 < 2; lz4++) {
      static uint8_t hello[] = {0x85, 0, 0, 0, 0x06, 0, 0, 0, 2, 0, 0, /* SUPPORTED */
                                0x85, 0, 0, 1, 0x02, 0, 0, 0, 0};
      hello[15] = (uint8_t)op;
      const tu_vector_line *l = find("frame", lz4 ? "lz4_mixed" : "plain_packed");
      size_t in_len;
      uint8_t *in = tu_recipe_expand(l->fields[4], &in_len);
      as_responses(in, in_len);
      cql_buf stream;
      cql_buf_init(&stream, NULL);
      cql_buf_put_raw(&stream, hello, sizeof(hello));
      assert_int_equal(cql_segment_frame(&stream, (cql_slice){in, in_len}, lz4), CQL_OK);
      tu_envelopes want;
      tu_envelopes_init(&want);
      parse_run(hello, sizeof(hello), &want);
      parse_run(in, in_len, &want);
      mode m = {false, false, false, false, op, lz4, 0, NULL};
      check_feeds(&m, stream.data, stream.len, &want, "after READY/AUTHENTICATE");
      tu_envelopes_free(&want);
      cql_buf_free(&stream);
      free(in);
    }
  }
}

/* A switch made from the callback for an envelope inside a segment takes
 * effect after that segment: the rest of it is still read as envelopes. */
static void test_switch_inside_a_segment(void **state) {
  (void)state;
  static const uint8_t two[] = {0x85, 0, 0, 1, 0x02, 0, 0, 0, 0, /* READY */
                                0x85, 0, 0, 2, 0x08, 0, 0, 0, 4, 0, 0, 0, 1};
  static const uint8_t after[] = {0x85, 0, 0, 3, 0x08, 0, 0, 0, 4, 0, 0, 0, 1};
  cql_buf stream;
  cql_buf_init(&stream, NULL);
  assert_int_equal(cql_segment_encode(&stream, (cql_slice){two, sizeof(two)}, true, false), CQL_OK);
  assert_int_equal(cql_segment_encode(&stream, (cql_slice){after, sizeof(after)}, true, true),
                   CQL_OK);
  tu_envelopes want;
  tu_envelopes_init(&want);
  parse_run(two, sizeof(two), &want);
  parse_run(after, sizeof(after), &want);
  /* segments without LZ4 first; READY switches to LZ4 for the next one */
  mode m = {true, false, false, false, CQL_OP_READY, true, 0, NULL};
  check_feeds(&m, stream.data, stream.len, &want, "switch inside a segment");
  tu_envelopes_free(&want);
  cql_buf_free(&stream);
}

/* ---- v4 compression ---------------------------------------------------- */

static void test_v4_compressed_bodies(void **state) {
  (void)state;
  cql_buf all;
  cql_buf_init(&all, NULL);
  tu_envelopes all_want;
  tu_envelopes_init(&all_want);
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *l = &vf.lines[i];
    if (strcmp(l->fields[0], "v4body") != 0)
      continue;
    size_t blen, zlen;
    uint8_t *body = tu_recipe_expand(l->fields[2], &blen);
    uint8_t *z = tu_recipe_expand(l->fields[3], &zlen);
    uint8_t hdr[CQL_HEADER_SIZE];
    cql_header h = {0x84, CQL_FLAG_COMPRESSION | CQL_FLAG_WARNING, (int16_t)i, 0x08,
                    (uint32_t)zlen};
    cql_header_encode(hdr, &h);
    cql_buf stream;
    cql_buf_init(&stream, NULL);
    cql_buf_put_raw(&stream, hdr, sizeof(hdr));
    cql_buf_put_raw(&stream, z, zlen);
    cql_buf_put_raw(&all, stream.data, stream.len);
    /* delivered decompressed, the flag cleared, the length updated */
    h.flags = CQL_FLAG_WARNING;
    h.length = (uint32_t)blen;
    cql_header_encode(hdr, &h);
    cql_buf plain;
    cql_buf_init(&plain, NULL);
    cql_buf_put_raw(&plain, hdr, sizeof(hdr));
    cql_buf_put_raw(&plain, body, blen);
    tu_envelopes want;
    tu_envelopes_init(&want);
    parse_run(plain.data, plain.len, &want);
    parse_run(plain.data, plain.len, &all_want);
    mode m = plain_mode();
    m.expect_requests = false;
    m.v4_lz4 = true;
    check_feeds(&m, stream.data, stream.len, &want, l->fields[1]);
    /* without compression negotiated, the flag is an error */
    ctx c;
    m.v4_lz4 = false;
    ctx_open(&c, &m);
    assert_int_equal(run(&c, stream.data, stream.len, 0, false), CQL_E_BAD_FLAGS);
    assert_int_equal(c.got.n, 0);
    ctx_close(&c);
    /* the decompressed size counts against the limit */
    if (blen > zlen) {
      m.v4_lz4 = true;
      m.max_body = blen - 1;
      ctx_open(&c, &m);
      assert_int_equal(run(&c, stream.data, stream.len, 0, false), CQL_E_FRAME_TOO_LARGE);
      ctx_close(&c);
    }
    tu_envelopes_free(&want);
    cql_buf_free(&plain);
    cql_buf_free(&stream);
    free(body);
    free(z);
  }
  mode m = plain_mode();
  m.expect_requests = false;
  m.v4_lz4 = true;
  ctx c;
  ctx_open(&c, &m);
  assert_int_equal(run(&c, all.data, all.len, 0, true), CQL_OK);
  assert_true(tu_envelopes_equal(&c.got, &all_want));
  ctx_close(&c);
  tu_envelopes_free(&all_want);
  cql_buf_free(&all);
}

static void test_v5_ignores_compression_flag(void **state) {
  (void)state;
  static const uint8_t env[] = {0x85, 0x01, 0, 1, 0x08, 0, 0, 0, 3, 'a', 'b', 'c'};
  mode m = plain_mode();
  m.expect_requests = false;
  ctx c;
  ctx_open(&c, &m);
  assert_int_equal(run(&c, env, sizeof(env), 0, false), CQL_OK);
  assert_int_equal(c.got.n, 1);
  assert_int_equal(c.got.items[0].header.flags, 0x01);
  assert_memory_equal(c.got.items[0].body, "abc", 3);
  ctx_close(&c);
}

/* ---- limits and allocation --------------------------------------------- */

static void test_too_large_plain(void **state) {
  (void)state;
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    tu_counting_mem cm;
    tu_counting_mem_init(&cm);
    mode m = plain_mode();
    m.expect_requests = false;
    m.max_body = 1000;
    m.mem = &cm.mem;
    ctx c;
    ctx_open(&c, &m);
    size_t before = cm.requests;
    /* exactly the limit passes; one more fails from the header alone */
    uint8_t ok[CQL_HEADER_SIZE + 1000] = {0x84, 0, 0, 1, 0x08, 0, 0, 0x03, 0xe8};
    assert_int_equal(run(&c, ok, sizeof(ok), 0, bytewise), CQL_OK);
    assert_int_equal(cm.requests, before + 1);
    before = cm.requests;
    static const uint8_t big[] = {0x84, 0, 0, 2, 0x08, 0, 0, 0x03, 0xe9};
    const char *what = NULL;
    cql_status st = bytewise ? CQL_OK : cql_reader_feed(c.r, big, sizeof(big), on_env, &c, &what);
    for (size_t i = 0; bytewise && i < sizeof(big) && st == CQL_OK; i++)
      st = cql_reader_feed(c.r, big + i, 1, on_env, &c, &what);
    assert_int_equal(st, CQL_E_FRAME_TOO_LARGE);
    assert_non_null(what);
    assert_int_equal(cm.requests, before); /* nothing allocated for it */
    assert_int_equal(c.got.n, 1);
    cql_reader_free(c.r);
    c.r = NULL;
    tu_envelopes_free(&c.got);
    assert_int_equal(cm.live, 0);
  }
}

static void test_too_large_in_segments(void **state) {
  (void)state;
  /* The first piece of a "1 GiB" envelope split over segments. */
  uint8_t piece[64] = {0x85, 0, 0, 1, 0x08, 0x40, 0, 0, 0};
  for (int lz4 = 0; lz4 < 2; lz4++) {
    tu_counting_mem cm;
    tu_counting_mem_init(&cm);
    cql_buf wire;
    cql_buf_init(&wire, NULL);
    assert_int_equal(cql_segment_encode(&wire, (cql_slice){piece, sizeof(piece)}, false, lz4),
                     CQL_OK);
    mode m = segments_mode(lz4);
    m.expect_requests = false;
    m.mem = &cm.mem;
    ctx c;
    ctx_open(&c, &m);
    size_t before = cm.requests;
    assert_int_equal(run(&c, wire.data, wire.len, 0, false), CQL_E_FRAME_TOO_LARGE);
    if (!lz4)
      assert_int_equal(cm.requests, before); /* read in place, nothing allocated */
    assert_true(cm.largest < 1024 * 1024);
    ctx_close(&c);
    ctx_open(&c, &m);
    assert_int_equal(run(&c, wire.data, wire.len, 0, true), CQL_E_FRAME_TOO_LARGE);
    assert_true(cm.largest < 1024 * 1024);
    ctx_close(&c);
    assert_int_equal(cm.live, 0);
    cql_buf_free(&wire);
  }
}

/* Whole envelopes in one chunk are copied once, into their own buffer: one
 * allocation per envelope and no staging buffer. */
static void test_whole_input_is_copied_once(void **state) {
  (void)state;
  const tu_vector_line *l = find("segment", "plain_eight_envelopes");
  size_t plen, wlen;
  uint8_t *payload = tu_recipe_expand(l->fields[5], &plen);
  uint8_t *wire = tu_recipe_expand(l->fields[6], &wlen);
  for (int seg = 0; seg < 2; seg++) {
    tu_counting_mem cm;
    tu_counting_mem_init(&cm);
    mode m = seg ? segments_mode(false) : plain_mode();
    m.mem = &cm.mem;
    ctx c;
    ctx_open(&c, &m);
    size_t before = cm.requests;
    assert_int_equal(run(&c, seg ? wire : payload, seg ? wlen : plen, 0, false), CQL_OK);
    assert_int_equal(c.got.n, 8);
    assert_int_equal(cm.requests - before, 8);
    assert_int_equal(cm.reallocs, 0);
    ctx_close(&c);
  }
  free(payload);
  free(wire);
}

static void test_out_of_memory_anywhere(void **state) {
  (void)state;
  const tu_vector_line *l = find("frame", "lz4_mixed");
  size_t wlen;
  uint8_t *wire = tu_recipe_expand(l->fields[5], &wlen);
  for (size_t fail = 1; fail < 40; fail++) {
    for (size_t cut = 0; cut < wlen; cut += wlen / 3) {
      tu_counting_mem cm;
      tu_counting_mem_init(&cm);
      cm.fail_at = fail;
      mode m = segments_mode(true);
      m.mem = &cm.mem;
      cql_reader_config cfg = {0, true, &cm.mem};
      ctx c;
      memset(&c, 0, sizeof(c));
      c.m = &m;
      tu_envelopes_init(&c.got);
      if (cql_reader_new(&c.r, &cfg) != CQL_OK) {
        assert_int_equal(fail, 1);
        continue;
      }
      cql_reader_set_framing(c.r, true, true);
      cql_status st = run(&c, wire, wlen, cut, false);
      assert_true(st == CQL_OK || st == CQL_E_NOMEM);
      if (st == CQL_E_NOMEM)
        assert_int_equal(feed(&c, wire, 1), CQL_E_NOMEM);
      ctx_close(&c);
      assert_int_equal(cm.live, 0);
    }
  }
  free(wire);
}

/* ---- malformed input --------------------------------------------------- */

static cql_status feed_segments(const uint8_t *wire, size_t len, bool lz4, size_t *delivered) {
  mode m = segments_mode(lz4);
  ctx c;
  ctx_open(&c, &m);
  cql_status st = run(&c, wire, len, 0, false);
  *delivered = c.got.n;
  ctx_close(&c);
  return st;
}

static void put_segment(cql_buf *b, const uint8_t *p, size_t n, bool sc) {
  assert_int_equal(cql_segment_encode(b, (cql_slice){p, n}, sc, false), CQL_OK);
}

static void test_self_contained_rules(void **state) {
  (void)state;
  uint8_t env[300] = {0x05, 0, 0, 1, 0x07, 0, 0, 0x01, 0x23};
  uint8_t small[13] = {0x05, 0, 0, 2, 0x07, 0, 0, 0, 4, 1, 2, 3, 4};
  size_t n;
  cql_buf b;
  cql_buf_init(&b, NULL);
  /* a self-contained segment ending inside an envelope */
  put_segment(&b, env, 20, true);
  assert_int_equal(feed_segments(b.data, b.len, false, &n), CQL_E_BAD_LENGTH);
  /* ... or inside a header */
  cql_buf_reset(&b);
  put_segment(&b, env, 5, true);
  assert_int_equal(feed_segments(b.data, b.len, false, &n), CQL_E_BAD_LENGTH);
  /* a self-contained segment while a split envelope is incomplete */
  cql_buf_reset(&b);
  put_segment(&b, env, 100, false);
  put_segment(&b, small, sizeof(small), true);
  assert_int_equal(feed_segments(b.data, b.len, false, &n), CQL_E_BAD_LENGTH);
  /* a split envelope followed by more bytes in its last segment */
  cql_buf_reset(&b);
  put_segment(&b, env, 100, false);
  uint8_t tail[203];
  memcpy(tail, env + 100, 200);
  memcpy(tail + 200, small, 3);
  put_segment(&b, tail, sizeof(tail), false);
  assert_int_equal(feed_segments(b.data, b.len, false, &n), CQL_E_BAD_LENGTH);
  /* accepted: a split with the header itself cut, and a small envelope in
   * a single non-self-contained segment */
  cql_buf_reset(&b);
  put_segment(&b, env, 5, false);
  put_segment(&b, env + 5, 295, false);
  put_segment(&b, small, sizeof(small), false);
  put_segment(&b, NULL, 0, true);
  assert_int_equal(feed_segments(b.data, b.len, false, &n), CQL_OK);
  assert_int_equal(n, 2);
  /* a stream ending between the pieces of a split envelope is not idle */
  cql_buf_reset(&b);
  put_segment(&b, env, 100, false);
  assert_int_equal(feed_segments(b.data, b.len, false, &n), CQL_E_TRUNCATED);
  cql_buf_free(&b);
}

static void test_switch_to_plain_mid_envelope(void **state) {
  (void)state;
  uint8_t env[300] = {0x05, 0, 0, 1, 0x07, 0, 0, 0x01, 0x23};
  cql_buf b;
  cql_buf_init(&b, NULL);
  put_segment(&b, env, 100, false);
  mode m = segments_mode(false);
  ctx c;
  ctx_open(&c, &m);
  assert_int_equal(feed(&c, b.data, b.len), CQL_OK);
  assert_false(cql_reader_idle(c.r));
  cql_reader_set_framing(c.r, false, false);
  assert_int_equal(feed(&c, env + 100, 200), CQL_E_BAD_STATE);
  ctx_close(&c);
  cql_buf_free(&b);
}

static void test_direction_is_checked(void **state) {
  (void)state;
  static const uint8_t req[] = {0x05, 0, 0, 0, 0x05, 0, 0, 0, 0};
  static const uint8_t resp[] = {0x85, 0, 0, 0, 0x02, 0, 0, 0, 0};
  for (int seg = 0; seg < 2; seg++) {
    for (int server = 0; server < 2; server++) {
      const uint8_t *wrong = server ? resp : req;
      cql_buf b;
      cql_buf_init(&b, NULL);
      if (seg)
        put_segment(&b, wrong, 9, true);
      else
        cql_buf_put_raw(&b, wrong, 9);
      mode m = seg ? segments_mode(false) : plain_mode();
      m.expect_requests = server;
      ctx c;
      ctx_open(&c, &m);
      const char *what = NULL;
      assert_int_equal(cql_reader_feed(c.r, b.data, b.len, on_env, &c, &what), CQL_E_BAD_VERSION);
      assert_non_null(what);
      ctx_close(&c);
      cql_buf_free(&b);
    }
  }
}

static void test_errors_are_final(void **state) {
  (void)state;
  static const uint8_t bad[] = {0x84, 0, 0, 0, 0x02, 0x80, 0, 0, 0};
  static const uint8_t good[] = {0x84, 0, 0, 0, 0x02, 0, 0, 0, 0};
  mode m = plain_mode();
  ctx c;
  ctx_open(&c, &m);
  const char *what1 = NULL, *what2 = NULL;
  assert_int_equal(cql_reader_feed(c.r, bad, sizeof(bad), on_env, &c, &what1), CQL_E_BAD_LENGTH);
  assert_int_equal(cql_reader_feed(c.r, good, sizeof(good), on_env, &c, &what2), CQL_E_BAD_LENGTH);
  assert_non_null(what1);
  assert_ptr_equal(what1, what2);
  assert_int_equal(c.got.n, 0);
  ctx_close(&c);
  /* a version the header cannot be parsed as */
  static const uint8_t v2[] = {0x82, 0, 0, 0, 0x02, 0, 0, 0, 0};
  ctx_open(&c, &m);
  assert_int_equal(run(&c, v2, sizeof(v2), 0, false), CQL_E_BAD_VERSION);
  ctx_close(&c);
}

static void test_callback_error_stops_the_feed(void **state) {
  (void)state;
  const tu_vector_line *l = find("segment", "plain_eight_envelopes");
  size_t wlen;
  uint8_t *wire = tu_recipe_expand(l->fields[6], &wlen);
  mode m = segments_mode(false);
  ctx c;
  ctx_open(&c, &m);
  c.fail_at = 3;
  assert_int_equal(feed(&c, wire, wlen), CQL_E_CANCELLED);
  assert_int_equal(c.got.n, 2);
  assert_int_equal(feed(&c, wire, wlen), CQL_E_CANCELLED);
  assert_int_equal(c.got.n, 2);
  ctx_close(&c);
  ctx_open(&c, &m);
  assert_int_equal(cql_reader_feed(c.r, wire, wlen, NULL, NULL, NULL), CQL_E_INVALID_ARG);
  ctx_close(&c);
  free(wire);
}

static void test_corrupted_stream(void **state) {
  (void)state;
  for (int lz4 = 0; lz4 < 2; lz4++) {
    const tu_vector_line *l = find("frame", lz4 ? "lz4_packed" : "plain_packed");
    size_t wlen;
    uint8_t *wire = tu_recipe_expand(l->fields[5], &wlen);
    cql_buf b;
    cql_buf_init(&b, NULL);
    cql_buf_put_raw(&b, wire, wlen);
    cql_buf_put_raw(&b, wire, wlen);
    for (size_t i = 0; i < b.len; i++) {
      b.data[i] ^= 0x10;
      size_t n;
      cql_status st = feed_segments(b.data, b.len, lz4, &n);
      assert_int_equal(st, CQL_E_BAD_CRC);
      assert_int_equal(n, i < wlen ? 0 : 5); /* the first segment still counts */
      b.data[i] ^= 0x10;
    }
    cql_buf_free(&b);
    free(wire);
  }
}

static void test_bodies_outlive_the_reader(void **state) {
  (void)state;
  static const uint8_t two[] = {0x84, 0, 0,    1, 0x02, 0, 0, 0, 0, 0x84, 0,
                                0,    2, 0x08, 0, 0,    0, 4, 0, 0, 0,    1};
  tu_counting_mem cm;
  tu_counting_mem_init(&cm);
  mode m = plain_mode();
  m.expect_requests = false;
  m.mem = &cm.mem;
  ctx c;
  ctx_open(&c, &m);
  assert_int_equal(run(&c, two, sizeof(two), 0, false), CQL_OK);
  cql_reader_free(c.r);
  assert_int_equal(c.got.n, 2);
  assert_non_null(c.got.items[0].body); /* empty, but never NULL */
  assert_int_equal(c.got.items[0].len, 0);
  assert_int_equal(cm.live, 2);
  tu_envelopes_free(&c.got);
  assert_int_equal(cm.live, 0);
  cql_envelope env = {{0}, NULL, 0, {0}};
  cql_envelope_free(&env); /* nothing to free */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_segment_vectors),
      cmocka_unit_test(test_frame_vectors),
      cmocka_unit_test(test_long_streams),
      cmocka_unit_test(test_switch_after_startup),
      cmocka_unit_test(test_switch_after_ready),
      cmocka_unit_test(test_switch_inside_a_segment),
      cmocka_unit_test(test_v4_compressed_bodies),
      cmocka_unit_test(test_v5_ignores_compression_flag),
      cmocka_unit_test(test_too_large_plain),
      cmocka_unit_test(test_too_large_in_segments),
      cmocka_unit_test(test_whole_input_is_copied_once),
      cmocka_unit_test(test_out_of_memory_anywhere),
      cmocka_unit_test(test_self_contained_rules),
      cmocka_unit_test(test_switch_to_plain_mid_envelope),
      cmocka_unit_test(test_direction_is_checked),
      cmocka_unit_test(test_errors_are_final),
      cmocka_unit_test(test_callback_error_stops_the_feed),
      cmocka_unit_test(test_corrupted_stream),
      cmocka_unit_test(test_bodies_outlive_the_reader),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
