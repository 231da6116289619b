/* The connection against what a real Cassandra 4.0.0 sent.
 *
 * Every connection of every recorded transcript is replayed: the bodies
 * Cassandra sent (SUPPORTED, READY, AUTHENTICATE, the bad-credentials
 * ERROR, AUTH_SUCCESS, then every RESULT, ERROR and EVENT) are served to a
 * cql_conn, byte for byte, as answers to the requests the connection makes
 * (only the stream ids are rewritten to ours, and the framing and
 * compression redone the way Cassandra does them). The handshake must
 * succeed or fail as it did for the Python driver, and every later answer
 * must reach its request without a protocol violation. */
#include "test_conn_fake.h"

#include "envelope.h"
#include "testutil.h"
#include "transcript.h"

/* Sends a recorded envelope on `stream`, framed as the server frames. */
static void send_recorded(fake_server *fs, const cql_envelope *env, int16_t stream) {
  cql_buf e;
  cql_buf_init(&e, NULL);
  uint8_t *hdr = cql_buf_extend(&e, CQL_HEADER_SIZE);
  assert_non_null(hdr);
  cql_header h = env->header;
  h.stream = stream;
  if (fs->lz4 && fs->version == 4) {
    assert_int_equal(cql_body_compress_v4(&e, (cql_slice){env->body, env->len}), CQL_OK);
    h.flags |= CQL_FLAG_COMPRESSION;
  } else {
    cql_buf_put_raw(&e, env->body, env->len);
  }
  h.length = (uint32_t)(e.len - CQL_HEADER_SIZE);
  cql_header_encode(e.data, &h);
  if (fs->framed && fs->version == 5)
    assert_int_equal(cql_segment_frame(&fs->out, (cql_slice){e.data, e.len}, fs->lz4), CQL_OK);
  else
    cql_buf_put_raw(&fs->out, e.data, e.len);
  cql_buf_free(&e);
  if (!fs->framed && (h.opcode == CQL_OP_READY || h.opcode == CQL_OP_AUTHENTICATE)) {
    fs->framed = true;
    if (fs->version == 5)
      cql_reader_set_framing(fs->rd, true, fs->lz4);
  }
}

/* The request a recorded answer of opcode `op` can answer. */
static cql_request request_for(uint8_t op) {
  static const cql_slice events[1] = {{(const uint8_t *)"SCHEMA_CHANGE", 13}};
  cql_request q = tq_query("SELECT * FROM system.local");
  if (op == CQL_OP_READY) {
    q = (cql_request){.opcode = CQL_OP_REGISTER};
    q.u.reg.events = events;
    q.u.reg.n_events = 1;
  } else if (op == CQL_OP_SUPPORTED) {
    q = (cql_request){.opcode = CQL_OP_OPTIONS};
  }
  return q;
}

typedef struct replay_stats {
  size_t conns, answers, events, server_errors, refused_logins, other_versions;
} replay_stats;

/* The handshake part: answers our requests with the recorded ones until
 * the connection is ready or closed. Returns the next envelope index. */
static size_t replay_handshake(tctx *t, fake_server *fs, const tu_envelopes *s2c) {
  size_t i = 0;
  while (cql_conn_get_state(t->conn) == CQL_CONN_HANDSHAKE) {
    assert_true(i < s2c->n);
    fs_pump(fs, t->conn);
    assert_int_equal(fs->n_msgs, 1);
    if (fs->msgs[0].req.opcode == CQL_OP_STARTUP) {
      const cql_pair *comp = fs_option(&fs->msgs[0], "COMPRESSION");
      fs->lz4 = comp != NULL;
      if (fs->lz4 && fs->version == 4)
        cql_reader_set_v4_compression(fs->rd, true);
    }
    /* Some drivers skip OPTIONS (Node.js): make up its answer then. */
    if (fs->msgs[0].req.opcode == CQL_OP_OPTIONS && s2c->items[i].header.opcode != CQL_OP_SUPPORTED)
      fs_send_supported(fs, &fs->msgs[0]);
    else
      send_recorded(fs, &s2c->items[i++], fs->msgs[0].env.header.stream);
    fs_clear(fs);
    fs_deliver(fs, t->conn, 0);
  }
  return i;
}

static void replay_rest(tctx *t, fake_server *fs, const tu_envelopes *s2c, size_t i,
                        replay_stats *st) {
  for (; i < s2c->n; i++) {
    const cql_envelope *env = &s2c->items[i];
    if (env->header.stream < 0) {
      int before = t->events;
      send_recorded(fs, env, -1);
      assert_int_equal(fs_deliver(fs, t->conn, 0), CQL_OK);
      assert_int_equal(t->events, before + 1);
      st->events++;
      continue;
    }
    treq r = {0};
    cql_request q = request_for(env->header.opcode);
    assert_int_equal(cql_conn_submit(t->conn, &q, 0, tr_cb, &r, NULL), CQL_OK);
    fs_pump(fs, t->conn);
    assert_int_equal(fs->n_msgs, 1);
    send_recorded(fs, env, fs->msgs[0].env.header.stream);
    fs_clear(fs);
    /* odd sizes, to split envelopes and segments anywhere */
    assert_int_equal(fs_deliver(fs, t->conn, 1 + i % 97), CQL_OK);
    assert_int_equal(r.calls, 1);
    if (env->header.opcode == CQL_OP_ERROR) {
      assert_int_equal(cql_status_source(r.status), CQL_SOURCE_SERVER);
      st->server_errors++;
    } else {
      assert_int_equal(r.status, CQL_OK);
      assert_int_equal(r.opcode, env->header.opcode);
    }
    st->answers++;
  }
}

static void replay_conn(const tu_conn *c, replay_stats *st) {
  tu_startup su = tu_conn_startup(c);
  if (!su.seen || (su.version != 4 && su.version != 5)) {
    /* The Node.js driver first tries DSE's version 66, which Cassandra
     * refuses (and our reader cannot even frame). */
    st->other_versions++;
    return;
  }
  tu_envelopes s2c;
  tu_envelopes_init(&s2c);
  const char *what = NULL;
  assert_int_equal(tu_conn_frame(c, true, TU_FEED_WHOLE, &s2c, &what), CQL_OK);
  tctx t;
  cql_conn_config cfg = tc_config(su.version, su.lz4);
  cfg.username = "cassandra";
  cfg.password = "cassandra";
  cfg.heartbeat_interval_ms = 0;
  tc_open(&t, &cfg);
  fake_server fs;
  fs_init(&fs, su.version);
  size_t i = replay_handshake(&t, &fs, &s2c);
  if (t.closed) {
    /* the recorded login failed: ours must fail the same way */
    assert_int_equal(t.info.status, CQL_E_SERVER_BAD_CREDENTIALS);
    assert_non_null(strstr(t.closed_msg, FS_BAD_CREDENTIALS_MSG));
    st->refused_logins++;
  } else {
    assert_int_equal(t.ready, 1);
    assert_int_equal(cql_conn_get_info(t.conn)->lz4, su.lz4);
    replay_rest(&t, &fs, &s2c, i, st);
    assert_int_equal(t.closed, 0);
  }
  cql_conn_free(t.conn);
  fs_free(&fs);
  tu_envelopes_free(&s2c);
  st->conns++;
}

static void replay_file(const char *name, size_t min_answers, size_t refused,
                        size_t other_versions) {
  tu_transcript tr;
  char rel[128];
  snprintf(rel, sizeof(rel), "transcripts/%s", name);
  assert_true(tu_transcript_load(&tr, tu_reference_path(rel)));
  replay_stats st = {0};
  for (size_t k = 0; k < tr.n_conns; k++)
    replay_conn(&tr.conns[k], &st);
  tu_transcript_free(&tr);
  print_message("%s: %zu connections, %zu answers (%zu server errors), %zu events\n", name,
                st.conns, st.answers, st.server_errors, st.events);
  assert_true(st.answers >= min_answers);
  assert_int_equal(st.refused_logins, refused);
  assert_int_equal(st.other_versions, other_versions);
}

static void test_v5_none(void **state) {
  (void)state;
  replay_file("cassandra-4.0.0-v5-none.jsonl", 50, 0, 0);
}

static void test_v5_lz4(void **state) {
  (void)state;
  replay_file("cassandra-4.0.0-v5-lz4.jsonl", 50, 0, 0);
}

static void test_v4_none(void **state) {
  (void)state;
  replay_file("cassandra-4.0.0-v4-none.jsonl", 50, 0, 0);
}

static void test_v5_auth(void **state) {
  (void)state;
  replay_file("cassandra-4.0.0-v5-auth.jsonl", 5, 1, 0);
}

static void test_v4_auth(void **state) {
  (void)state;
  replay_file("cassandra-4.0.0-v4-auth.jsonl", 5, 1, 0);
}

static void test_v4_other_drivers(void **state) {
  (void)state;
  replay_file("cassandra-4.0.0-v4-nodejs.jsonl", 10, 0, 1);
  replay_file("cassandra-4.0.0-v4-gocql.jsonl", 10, 0, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v5_none), cmocka_unit_test(test_v5_lz4),
      cmocka_unit_test(test_v4_none), cmocka_unit_test(test_v5_auth),
      cmocka_unit_test(test_v4_auth), cmocka_unit_test(test_v4_other_drivers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
