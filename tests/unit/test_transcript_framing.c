/* Every byte a real Cassandra 4.0.0 and three real drivers exchanged
 * (../shared/reference/transcripts) frames into envelopes with cql_reader:
 * plain v4 (with and without LZ4 bodies), and v5 switching to segments
 * (plain and LZ4, CRCs checked) after STARTUP / READY / AUTHENTICATE. The
 * streams are fed whole, in their recorded TCP reads and one byte at a time,
 * and must give the same envelopes each way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "transcript.h"

typedef struct expectation {
  const char *file;
  uint8_t version;  /* of every envelope after the handshake */
  bool lz4;         /* STARTUP asked for LZ4 */
  size_t envelopes; /* both directions, all connections */
} expectation;

/* Envelope counts from an independent framing of the same files with the
 * Python driver (struct-unpacked headers, cassandra.segment.SegmentCodec
 * and its LZ4 codec for the v5 segments). The
 * Node.js file's count leaves out the one envelope we refuse: its driver
 * first probes with a DSE protocol version (0x42), which we reject as
 * E_BAD_VERSION just as Cassandra does. */
static const expectation files[] = {
    {"cassandra-4.0.0-v4-auth.jsonl", 4, true, 50},
    {"cassandra-4.0.0-v4-gocql.jsonl", 4, false, 82},
    {"cassandra-4.0.0-v4-nodejs.jsonl", 4, false, 70},
    {"cassandra-4.0.0-v4-none.jsonl", 4, false, 257},
    {"cassandra-4.0.0-v5-auth.jsonl", 5, true, 50},
    {"cassandra-4.0.0-v5-lz4.jsonl", 5, true, 257},
    {"cassandra-4.0.0-v5-none.jsonl", 5, false, 273},
};

static bool request_opcode(uint8_t op) {
  switch (op) {
  case CQL_OP_STARTUP:
  case CQL_OP_OPTIONS:
  case CQL_OP_QUERY:
  case CQL_OP_PREPARE:
  case CQL_OP_EXECUTE:
  case CQL_OP_REGISTER:
  case CQL_OP_BATCH:
  case CQL_OP_AUTH_RESPONSE:
    return true;
  default:
    return false;
  }
}

static bool response_opcode(uint8_t op) {
  switch (op) {
  case CQL_OP_ERROR:
  case CQL_OP_READY:
  case CQL_OP_AUTHENTICATE:
  case CQL_OP_SUPPORTED:
  case CQL_OP_RESULT:
  case CQL_OP_EVENT:
  case CQL_OP_AUTH_CHALLENGE:
  case CQL_OP_AUTH_SUCCESS:
    return true;
  default:
    return false;
  }
}

/* The Node.js driver's first connection opens with a DSE_V2 STARTUP. */
static bool is_dse_probe(const tu_conn *c) { return c->c2s.len > 0 && c->c2s.data[0] == 0x42; }

static void check_envelopes(const expectation *x, const tu_conn *c, bool s2c,
                            const tu_envelopes *l) {
  for (size_t i = 0; i < l->n; i++) {
    const cql_header *h = &l->items[i].header;
    uint8_t op = h->opcode;
    if (s2c ? !response_opcode(op) : !request_opcode(op))
      fail_msg("%s conn %d %s envelope %zu: opcode 0x%02x", x->file, c->conn, s2c ? "s2c" : "c2s",
               i, op);
    assert_int_equal((h->version & CQL_VERSION_RESPONSE_BIT) != 0, s2c);
    /* A DSE probe is answered in the server's highest version. */
    if (!is_dse_probe(c))
      assert_int_equal(h->version & 0x7F, x->version);
    /* v4 bodies come out decompressed */
    assert_int_equal(h->flags & CQL_FLAG_COMPRESSION, 0);
    assert_int_equal(h->length, l->items[i].len);
  }
}

/* Frames one direction three ways and checks they agree. */
static size_t frame_direction(const expectation *x, const tu_conn *c, bool s2c) {
  const tu_stream *st = s2c ? &c->s2c : &c->c2s;
  if (st->len == 0)
    return 0;
  static const size_t feeds[] = {TU_FEED_WHOLE, TU_FEED_RECORDED, 1};
  tu_envelopes first;
  tu_envelopes_init(&first);
  for (size_t f = 0; f < sizeof(feeds) / sizeof(feeds[0]); f++) {
    tu_envelopes got;
    tu_envelopes_init(&got);
    const char *what = NULL;
    cql_status status = tu_conn_frame(c, s2c, feeds[f], &got, &what);
    if (!s2c && is_dse_probe(c)) {
      assert_int_equal(status, CQL_E_BAD_VERSION);
      assert_int_equal(got.n, 0);
    } else if (status != CQL_OK) {
      fail_msg("%s conn %d %s (feed %zu): %s: %s", x->file, c->conn, s2c ? "s2c" : "c2s", feeds[f],
               cql_status_name(status), what ? what : "");
    }
    if (f == 0)
      first = got;
    else {
      assert_true(tu_envelopes_equal(&first, &got));
      tu_envelopes_free(&got);
    }
  }
  check_envelopes(x, c, s2c, &first);
  size_t n = first.n;
  tu_envelopes_free(&first);
  return n;
}

static void check_file(const expectation *x) {
  char rel[256];
  snprintf(rel, sizeof(rel), "transcripts/%s", x->file);
  tu_transcript t;
  if (!tu_transcript_load(&t, tu_reference_path(rel)))
    fail_msg("cannot read %s", tu_reference_path(rel));
  assert_true(t.n_conns >= 2);
  size_t total = 0;
  for (size_t i = 0; i < t.n_conns; i++) {
    const tu_conn *c = &t.conns[i];
    tu_startup s = tu_conn_startup(c);
    if (!is_dse_probe(c)) {
      assert_true(s.seen);
      assert_int_equal(s.version, x->version);
      assert_int_equal(s.lz4, x->lz4);
    }
    total += frame_direction(x, c, false);
    total += frame_direction(x, c, true);
  }
  if (total != x->envelopes)
    fail_msg("%s: %zu envelopes, want %zu", x->file, total, x->envelopes);
  tu_transcript_free(&t);
}

static void test_v4_auth(void **state) {
  (void)state;
  check_file(&files[0]);
}
static void test_v4_gocql(void **state) {
  (void)state;
  check_file(&files[1]);
}
static void test_v4_nodejs(void **state) {
  (void)state;
  check_file(&files[2]);
}
static void test_v4_none(void **state) {
  (void)state;
  check_file(&files[3]);
}
static void test_v5_auth(void **state) {
  (void)state;
  check_file(&files[4]);
}
static void test_v5_lz4(void **state) {
  (void)state;
  check_file(&files[5]);
}
static void test_v5_none(void **state) {
  (void)state;
  check_file(&files[6]);
}

/* The v5 handshake exactly: the first two envelopes each way are plain,
 * the rest arrived in segments (had the switch been late, the segment
 * header bytes would have failed as an envelope header). */
static void test_v5_switch_points(void **state) {
  (void)state;
  tu_transcript t;
  assert_true(
      tu_transcript_load(&t, tu_reference_path("transcripts/cassandra-4.0.0-v5-lz4.jsonl")));
  const tu_conn *c = &t.conns[0];
  tu_envelopes l;
  tu_envelopes_init(&l);
  assert_int_equal(tu_conn_frame(c, false, TU_FEED_WHOLE, &l, NULL), CQL_OK);
  assert_true(l.n > 3);
  assert_int_equal(l.items[0].header.opcode, CQL_OP_OPTIONS);
  assert_int_equal(l.items[1].header.opcode, CQL_OP_STARTUP);
  tu_envelopes_free(&l);
  assert_int_equal(tu_conn_frame(c, true, TU_FEED_WHOLE, &l, NULL), CQL_OK);
  assert_int_equal(l.items[0].header.opcode, CQL_OP_SUPPORTED);
  assert_int_equal(l.items[1].header.opcode, CQL_OP_READY);
  tu_envelopes_free(&l);
  tu_transcript_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v4_auth),   cmocka_unit_test(test_v4_gocql),
      cmocka_unit_test(test_v4_nodejs), cmocka_unit_test(test_v4_none),
      cmocka_unit_test(test_v5_auth),   cmocka_unit_test(test_v5_lz4),
      cmocka_unit_test(test_v5_none),   cmocka_unit_test(test_v5_switch_points),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
