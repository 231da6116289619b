/* Replays what the drivers sent a real Cassandra 4.0.0 (the reference
 * transcripts) into our server, connection by connection in arrival order,
 * and compares the answers message by message: every request must get
 * exactly one answer, the handshake answers (OPTIONS, STARTUP,
 * AUTH_RESPONSE, REGISTER) must have Cassandra's opcodes, and the same
 * connections must receive pushed events. Differences in CQL answers are
 * printed (they belong to the engine) and counted: the ones expected are
 * the requests that carry a paging state Cassandra made, which no other
 * server can read. */
#include <ctype.h>

#include "server_test.h"
#include "srv_impl.h"
#include "testutil.h"

enum { MAX_CONNS = 16, MAX_MSGS = 4096 };

typedef struct msg {
  int16_t stream;
  uint8_t opcode;
  bool used;
  char error[96]; /* an ERROR's message, cut */
} msg;

typedef struct msg_list {
  msg m[MAX_MSGS];
  size_t n;
  bool framed, lz4, is_requests;
  cql_reader *rd;
} msg_list;

typedef struct conn_bytes {
  int id;
  cql_buf c2s, s2c, ours;
} conn_bytes;

static bool has_lz4_option(const cql_envelope *env) {
  /* STARTUP's [string map]: look for the value "lz4" (case-insensitive). */
  for (size_t i = 0; i + 3 <= env->len; i++)
    if (tolower(env->body[i]) == 'l' && tolower(env->body[i + 1]) == 'z' && env->body[i + 2] == '4')
      return true;
  return false;
}

static cql_status on_msg(void *ud, cql_envelope *env) {
  msg_list *l = ud;
  uint8_t v = env->header.version & 0x7F;
  if (l->n < MAX_MSGS) {
    msg *m = &l->m[l->n++];
    memset(m, 0, sizeof(*m));
    m->stream = env->header.stream;
    m->opcode = env->header.opcode;
    if (m->opcode == CQL_OP_ERROR && env->len >= 6 && !l->is_requests) {
      size_t n = cql_load_u16(env->body + 4);
      n = n < env->len - 6 ? n : env->len - 6;
      n = n < sizeof(m->error) - 1 ? n : sizeof(m->error) - 1;
      memcpy(m->error, env->body + 6, n);
    }
  }
  if (v == 5 && !l->framed) {
    if (l->is_requests && env->header.opcode == CQL_OP_STARTUP) {
      l->framed = true;
      cql_reader_set_framing(l->rd, true, has_lz4_option(env));
    } else if (!l->is_requests &&
               (env->header.opcode == CQL_OP_READY || env->header.opcode == CQL_OP_AUTHENTICATE)) {
      l->framed = true;
      cql_reader_set_framing(l->rd, true, l->lz4);
    }
  }
  cql_envelope_free(env);
  return CQL_OK;
}

/* Splits a byte stream into messages. `lz4` says whether the connection
 * negotiated LZ4 (for response segments). A stream that ends in the middle
 * of a message (the driver hung up) just stops early. */
static void parse(msg_list *l, const cql_buf *b, bool requests, bool lz4) {
  memset(l, 0, sizeof(*l));
  l->is_requests = requests;
  l->lz4 = lz4;
  cql_reader_config rc = {.expect_requests = requests};
  assert_int_equal(cql_reader_new(&l->rd, &rc), CQL_OK);
  cql_reader_set_v4_compression(l->rd, true);
  const char *what = NULL;
  cql_status st = cql_reader_feed(l->rd, b->data, b->len, on_msg, l, &what);
  if (st != CQL_OK)
    fail_msg("cannot parse %s: %s (%s)", requests ? "requests" : "responses", cql_status_name(st),
             what ? what : "");
  cql_reader_free(l->rd);
}

/* The answer to the request on `stream`, first not yet used. */
static msg *answer(msg_list *l, int16_t stream) {
  for (size_t i = 0; i < l->n; i++)
    if (!l->m[i].used && l->m[i].stream == stream) {
      l->m[i].used = true;
      return &l->m[i];
    }
  return NULL;
}

static size_t count_events(const msg_list *l) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++)
    n += l->m[i].stream == -1;
  return n;
}

static bool handshake_op(uint8_t op) {
  return op == CQL_OP_OPTIONS || op == CQL_OP_STARTUP || op == CQL_OP_AUTH_RESPONSE ||
         op == CQL_OP_REGISTER;
}

static conn_bytes *conn_for(conn_bytes *cs, size_t *n, int id) {
  for (size_t i = 0; i < *n; i++)
    if (cs[i].id == id)
      return &cs[i];
  assert_true(*n < MAX_CONNS);
  conn_bytes *c = &cs[(*n)++];
  c->id = id;
  cql_buf_init(&c->c2s, NULL);
  cql_buf_init(&c->s2c, NULL);
  cql_buf_init(&c->ours, NULL);
  return c;
}

/* Matches each request of one connection with Cassandra's answer and ours. */
static void compare_conn(const char *name, const conn_bytes *c, bool lz4, size_t *handshake_checked,
                         size_t *cql_diffs) {
  static msg_list req, theirs, ours;
  parse(&req, &c->c2s, true, false);
  parse(&theirs, &c->s2c, false, lz4);
  parse(&ours, &c->ours, false, lz4);
  for (size_t k = 0; k < req.n; k++) {
    msg *t = answer(&theirs, req.m[k].stream);
    msg *o = answer(&ours, req.m[k].stream);
    if (!t)
      continue; /* Cassandra's answer was not recorded (driver hung up) */
    if (!o)
      fail_msg("%s conn %d: no answer to %s on stream %d", name, c->id,
               cql_srv_opcode_name(req.m[k].opcode), req.m[k].stream);
    if (handshake_op(req.m[k].opcode)) {
      if (t->opcode != o->opcode)
        fail_msg("%s conn %d: %s answered %s, Cassandra %s", name, c->id,
                 cql_srv_opcode_name(req.m[k].opcode), cql_srv_opcode_name(o->opcode),
                 cql_srv_opcode_name(t->opcode));
      (*handshake_checked)++;
    } else if (t->opcode != o->opcode) {
      (*cql_diffs)++;
      print_message("%s conn %d: %s on stream %d: ours %s (%s), Cassandra %s (%s)\n", name, c->id,
                    cql_srv_opcode_name(req.m[k].opcode), req.m[k].stream,
                    cql_srv_opcode_name(o->opcode), o->error, cql_srv_opcode_name(t->opcode),
                    t->error);
    }
  }
  /* Pushed events reach the connections that registered. */
  assert_int_equal(count_events(&ours) > 0, count_events(&theirs) > 0);
}

static void replay(const char *name, bool auth, bool lz4) {
  char rel[256];
  snprintf(rel, sizeof(rel), "transcripts/%s", name);
  size_t len = 0;
  char *text = tu_read_file(tu_reference_path(rel), &len);
  if (!text) {
    print_message("skipping %s: reference transcripts not found\n", name);
    return;
  }
  cql_srv *s = tc_srv_new(auth ? "cassandra" : NULL, auth ? "cassandra" : NULL, 0);
  conn_bytes cs[MAX_CONNS];
  size_t n_cs = 0;
  cql_sconn *sc[MAX_CONNS] = {0};
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    int id = 0;
    char dir[8] = "";
    char *hex = strstr(line, "\"hex\": \"");
    assert_int_equal(sscanf(line, "{\"conn\": %d, \"dir\": \"%3s", &id, dir), 2);
    assert_non_null(hex);
    hex += 8;
    *strchr(hex, '"') = '\0';
    size_t n = 0;
    uint8_t *bytes = tu_hex_decode(hex, &n);
    conn_bytes *c = conn_for(cs, &n_cs, id);
    size_t idx = (size_t)(c - cs);
    if (strcmp(dir, "c2s") == 0) {
      cql_buf_put_raw(&c->c2s, bytes, n);
      if (!sc[idx])
        assert_int_equal(cql_sconn_new(s, 0, &sc[idx]), CQL_OK);
      cql_sconn_feed(sc[idx], bytes, n);
    } else {
      cql_buf_put_raw(&c->s2c, bytes, n);
    }
    free(bytes);
    /* Events may land on any connection: collect everyone's output. */
    for (size_t i = 0; i < n_cs; i++)
      if (sc[i])
        cql_sconn_take_output(sc[i], &cs[i].ours);
  }
  size_t handshake_checked = 0, cql_diffs = 0;
  for (size_t i = 0; i < n_cs; i++) {
    uint8_t first = cs[i].c2s.len ? cs[i].c2s.data[0] : 0;
    if (first != 4 && first != 5) {
      /* A refused version (the Node.js driver's DSE probe): both answer a
       * v5 PROTOCOL_ERROR. */
      assert_true(cs[i].ours.len > 9 && cs[i].s2c.len > 9);
      assert_memory_equal(cs[i].ours.data, cs[i].s2c.data, 5);
      handshake_checked++;
    } else {
      compare_conn(name, &cs[i], lz4, &handshake_checked, &cql_diffs);
    }
    cql_buf_free(&cs[i].c2s);
    cql_buf_free(&cs[i].s2c);
    cql_buf_free(&cs[i].ours);
    cql_sconn_free(sc[i]);
  }
  print_message("%s: %zu connections, %zu handshake answers match, %zu CQL answers differ\n", name,
                n_cs, handshake_checked, cql_diffs);
  assert_true(handshake_checked > 0);
  cql_srv_free(s);
  free(text);
}

static void test_v4_none(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v4-none.jsonl", false, false);
}
static void test_v5_none(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v5-none.jsonl", false, false);
}
static void test_v5_lz4(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v5-lz4.jsonl", false, true);
}
static void test_v4_auth(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v4-auth.jsonl", true, true);
}
static void test_v5_auth(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v5-auth.jsonl", true, true);
}
static void test_nodejs(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v4-nodejs.jsonl", false, false);
}
static void test_gocql(void **state) {
  (void)state;
  replay("cassandra-4.0.0-v4-gocql.jsonl", false, false);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v4_none), cmocka_unit_test(test_v5_none), cmocka_unit_test(test_v5_lz4),
      cmocka_unit_test(test_v4_auth), cmocka_unit_test(test_v5_auth), cmocka_unit_test(test_nodejs),
      cmocka_unit_test(test_gocql),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
