/* A scripted fake server and a test harness for the connection tests.
 *
 * The server decodes what the connection sends the way a real one would (a
 * cql_reader in request mode, cql_request_decode) and answers with
 * cql_response_encode, framed with cql_segment_frame once v5 framing is on,
 * body-compressed on v4 after a STARTUP that asked for LZ4. It can run the
 * handshake by itself (fs_handshake) and otherwise queues requests for the
 * test to answer in any order.
 *
 * Header-only (static inline) so that each test_conn_*.c stays one
 * executable, as the test glob wants. */
#ifndef TEST_CONN_FAKE_H
#define TEST_CONN_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conn.h"
#include "reader.h"
#include "request.h"
#include "response.h"
#include "segment.h"

/* The message Cassandra 4.0.0 sends for a wrong password (see
 * cassandra-4.0.0-v5-auth.jsonl). */
#define FS_BAD_CREDENTIALS_MSG "Provided username cassandra and/or password are incorrect"

/* ---- the fake server -------------------------------------------------------- */

typedef struct fs_msg {
  cql_envelope env;
  cql_request req; /* decoded; views into env.body and the server's arena */
} fs_msg;

typedef struct fake_server {
  cql_reader *rd;
  uint8_t version;               /* the version its answers carry */
  bool offer_lz4;                /* SUPPORTED lists lz4 */
  bool lz4;                      /* the client's STARTUP asked for it */
  bool framed;                   /* v5 framing is on for answers */
  bool auth;                     /* answer STARTUP with AUTHENTICATE */
  const char *password;          /* the one accepted; any username */
  const char *protocol_versions; /* PROTOCOL_VERSIONS values, comma-separated */
  cql_arena arena;
  fs_msg *msgs;
  size_t n_msgs, cap;
  cql_buf out; /* bytes for the client */
  cql_buf scratch;
} fake_server;

static inline void fs_init(fake_server *fs, uint8_t version) {
  memset(fs, 0, sizeof(*fs));
  fs->version = version;
  fs->offer_lz4 = true;
  fs->protocol_versions = "3/v3,4/v4,5/v5,6/v6-beta";
  cql_reader_config rc = {0, true, NULL};
  assert_int_equal(cql_reader_new(&fs->rd, &rc), CQL_OK);
  cql_arena_init(&fs->arena, NULL);
  cql_buf_init(&fs->out, NULL);
  cql_buf_init(&fs->scratch, NULL);
}

static inline void fs_clear(fake_server *fs) {
  for (size_t i = 0; i < fs->n_msgs; i++)
    cql_envelope_free(&fs->msgs[i].env);
  fs->n_msgs = 0;
  cql_arena_reset(&fs->arena);
}

static inline void fs_free(fake_server *fs) {
  fs_clear(fs);
  free(fs->msgs);
  cql_reader_free(fs->rd);
  cql_arena_free(&fs->arena);
  cql_buf_free(&fs->out);
  cql_buf_free(&fs->scratch);
}

static inline cql_status fs_on_envelope(void *ud, cql_envelope *env) {
  fake_server *fs = ud;
  if (fs->n_msgs == fs->cap) {
    fs->cap = fs->cap ? fs->cap * 2 : 64;
    fs->msgs = realloc(fs->msgs, fs->cap * sizeof(*fs->msgs));
    assert_non_null(fs->msgs);
  }
  fs_msg *m = &fs->msgs[fs->n_msgs++];
  m->env = *env;
  const char *what = NULL;
  cql_status st = cql_request_decode(&env->header, (cql_slice){env->body, env->len}, &fs->arena,
                                     &m->req, &what);
  if (st != CQL_OK)
    fail_msg("fake server could not decode a request: %s", what);
  m->req.stream = env->header.stream;
  return CQL_OK;
}

/* Reads bytes the client sent. */
static inline void fs_feed(fake_server *fs, const uint8_t *p, size_t n) {
  const char *what = NULL;
  cql_status st = cql_reader_feed(fs->rd, p, n, fs_on_envelope, fs, &what);
  if (st != CQL_OK)
    fail_msg("fake server reader: %s (%s)", cql_status_name(st), what ? what : "");
}

/* Moves the client's output to the server. */
static inline void fs_pump(fake_server *fs, cql_conn *c) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_conn_take_output(c, &b), CQL_OK);
  if (b.len)
    fs_feed(fs, b.data, b.len);
  cql_buf_free(&b);
}

/* Appends an answer to `to` (its stream), encoded as the server would. */
static inline void fs_send_on(fake_server *fs, int16_t stream, cql_response *resp) {
  resp->stream = stream;
  /* v4: every answer after a STARTUP that asked for LZ4, READY included */
  bool compress = fs->lz4 && fs->version == 4;
  if (!fs->framed || fs->version == 4) {
    assert_int_equal(cql_response_encode(&fs->out, fs->version, resp, compress), CQL_OK);
  } else {
    cql_buf_reset(&fs->scratch);
    assert_int_equal(cql_response_encode(&fs->scratch, fs->version, resp, false), CQL_OK);
    assert_int_equal(
        cql_segment_frame(&fs->out, (cql_slice){fs->scratch.data, fs->scratch.len}, fs->lz4),
        CQL_OK);
  }
  /* After READY/AUTHENTICATE a v5 server frames both ways. */
  if (!fs->framed && (resp->opcode == CQL_OP_READY || resp->opcode == CQL_OP_AUTHENTICATE)) {
    fs->framed = true;
    if (fs->version == 5)
      cql_reader_set_framing(fs->rd, true, fs->lz4);
  }
}

static inline void fs_send(fake_server *fs, const fs_msg *to, cql_response *resp) {
  fs_send_on(fs, to->env.header.stream, resp);
}

/* Hands the server's bytes to the client, `chunk` bytes at a time (0: all
 * at once). Returns the last recv status. */
static inline cql_status fs_deliver(fake_server *fs, cql_conn *c, size_t chunk) {
  cql_status st = CQL_OK;
  size_t pos = 0;
  while (pos < fs->out.len && st == CQL_OK) {
    size_t n = chunk && fs->out.len - pos > chunk ? chunk : fs->out.len - pos;
    st = cql_conn_recv(c, fs->out.data + pos, n);
    pos += n;
  }
  cql_buf_reset(&fs->out);
  return st;
}

/* ---- canned answers ------------------------------------------------------- */

static inline void fs_send_error(fake_server *fs, const fs_msg *to, int32_t code, const char *msg) {
  cql_response r = {.opcode = CQL_OP_ERROR};
  r.u.error.code = code;
  r.u.error.message = cql_slice_from_cstr(msg);
  fs_send(fs, to, &r);
}

static inline void fs_send_void(fake_server *fs, const fs_msg *to) {
  cql_response r = {.opcode = CQL_OP_RESULT};
  r.u.result.kind = CQL_RESULT_VOID;
  fs_send(fs, to, &r);
}

/* A SET_KEYSPACE result: a cheap way to echo a string back. */
static inline void fs_send_keyspace(fake_server *fs, const fs_msg *to, cql_slice ks) {
  cql_response r = {.opcode = CQL_OP_RESULT};
  r.u.result.kind = CQL_RESULT_SET_KEYSPACE;
  r.u.result.u.set_keyspace = ks;
  fs_send(fs, to, &r);
}

static inline void fs_send_supported(fake_server *fs, const fs_msg *to) {
  cql_slice versions[8];
  uint32_t nv = 0;
  char buf[128];
  snprintf(buf, sizeof(buf), "%s", fs->protocol_versions);
  for (char *tok = strtok(buf, ","); tok && nv < 8; tok = strtok(NULL, ","))
    versions[nv++] = cql_slice_from_cstr(tok);
  cql_slice comp[2] = {cql_slice_from_cstr("snappy"), cql_slice_from_cstr("lz4")};
  cql_slice cqlv[1] = {cql_slice_from_cstr("3.4.5")};
  cql_multi_entry e[3] = {
      {cql_slice_from_cstr("PROTOCOL_VERSIONS"), versions, nv},
      {cql_slice_from_cstr("COMPRESSION"), comp, fs->offer_lz4 ? 2 : 1},
      {cql_slice_from_cstr("CQL_VERSION"), cqlv, 1},
  };
  cql_response r = {.opcode = CQL_OP_SUPPORTED};
  r.u.supported.entries = e;
  r.u.supported.n_entries = 3;
  fs_send(fs, to, &r);
}

static inline const cql_pair *fs_option(const fs_msg *m, const char *key) {
  for (uint32_t i = 0; i < m->req.u.startup.n_options; i++)
    if (cql_slice_eq_cstr(m->req.u.startup.options[i].key, key))
      return &m->req.u.startup.options[i];
  return NULL;
}

/* Answers one handshake request the way Cassandra would. */
static inline void fs_answer_handshake(fake_server *fs, const fs_msg *m) {
  switch (m->req.opcode) {
  case CQL_OP_OPTIONS:
    fs_send_supported(fs, m);
    break;
  case CQL_OP_STARTUP: {
    const cql_pair *comp = fs_option(m, "COMPRESSION");
    fs->lz4 = comp && cql_slice_eq_cstr(comp->value, "lz4");
    if (fs->lz4 && fs->version == 4)
      cql_reader_set_v4_compression(fs->rd, true);
    if (fs->auth) {
      cql_response r = {.opcode = CQL_OP_AUTHENTICATE};
      r.u.authenticate.authenticator =
          cql_slice_from_cstr("org.apache.cassandra.auth.PasswordAuthenticator");
      fs_send(fs, m, &r);
    } else {
      cql_response r = {.opcode = CQL_OP_READY};
      fs_send(fs, m, &r);
    }
    break;
  }
  case CQL_OP_AUTH_RESPONSE: {
    /* SASL PLAIN: \0user\0password */
    cql_slice t = m->req.u.auth_response.token;
    const uint8_t *sep = t.len > 1 ? memchr(t.ptr + 1, 0, t.len - 1) : NULL;
    bool ok = sep && t.ptr[0] == 0 &&
              cql_slice_eq_cstr((cql_slice){sep + 1, (size_t)(t.ptr + t.len - sep - 1)},
                                fs->password ? fs->password : "");
    if (ok) {
      cql_response r = {.opcode = CQL_OP_AUTH_SUCCESS};
      r.u.auth.token_null = true;
      fs_send(fs, m, &r);
    } else {
      fs_send_error(fs, m, CQL_SERVER_BAD_CREDENTIALS, FS_BAD_CREDENTIALS_MSG);
    }
    break;
  }
  case CQL_OP_QUERY: { /* USE "ks" */
    cql_slice q = m->req.u.query.query;
    assert_true(q.len > 6 && memcmp(q.ptr, "USE \"", 5) == 0);
    fs_send_keyspace(fs, m, (cql_slice){q.ptr + 5, q.len - 6});
    break;
  }
  default:
    fail_msg("unexpected opcode 0x%02X in the handshake", m->req.opcode);
  }
}

/* Runs the handshake until the connection is ready or closed (or stuck). */
static inline void fs_handshake(fake_server *fs, cql_conn *c, size_t chunk) {
  for (int round = 0; round < 10; round++) {
    cql_conn_state s = cql_conn_get_state(c);
    if (s == CQL_CONN_READY || s == CQL_CONN_CLOSED)
      return;
    fs_pump(fs, c);
    if (fs->n_msgs == 0)
      return;
    for (size_t i = 0; i < fs->n_msgs; i++)
      fs_answer_handshake(fs, &fs->msgs[i]);
    fs_clear(fs);
    fs_deliver(fs, c, chunk);
  }
}

/* ---- the client's side: a harness -------------------------------------------- */

typedef struct tctx {
  uint64_t now;
  cql_conn *conn;
  int ready;
  int closed;
  cql_conn_close_info info; /* of on_closed; message copied below */
  char closed_msg[512];
  int32_t closed_server_code; /* -1 when none */
  int events;
  int want_write;
  /* hooks run from inside callbacks */
  void (*on_closed_hook)(struct tctx *t);
  void (*on_ready_hook)(struct tctx *t);
} tctx;

static inline uint64_t tc_now(void *ud) { return ((tctx *)ud)->now; }

static inline void tc_on_ready(cql_conn *c, void *ud) {
  tctx *t = ud;
  assert_ptr_equal(c, t->conn);
  t->ready++;
  if (t->on_ready_hook)
    t->on_ready_hook(t);
}

static inline void tc_on_closed(cql_conn *c, const cql_conn_close_info *info, void *ud) {
  tctx *t = ud;
  assert_ptr_equal(c, t->conn);
  assert_int_equal(t->closed, 0); /* exactly once */
  t->closed++;
  t->info = *info;
  snprintf(t->closed_msg, sizeof(t->closed_msg), "%s", info->message);
  t->info.message = t->closed_msg;
  t->closed_server_code = info->server_error ? info->server_error->code : -1;
  t->info.server_error = NULL;
  if (t->on_closed_hook)
    t->on_closed_hook(t);
}

static inline void tc_on_event(cql_conn *c, cql_reply *ev, void *ud) {
  (void)c;
  (void)ev;
  ((tctx *)ud)->events++;
}

static inline void tc_on_want_write(cql_conn *c, void *ud) {
  (void)c;
  ((tctx *)ud)->want_write++;
}

static inline cql_conn_callbacks tc_callbacks(tctx *t) {
  cql_conn_callbacks cb = {tc_now, tc_on_ready, tc_on_event, tc_on_want_write, tc_on_closed, t};
  return cb;
}

/* Creates t->conn with `cfg` (NULL: defaults) and starts it. */
static inline void tc_open(tctx *t, const cql_conn_config *cfg) {
  memset(t, 0, sizeof(*t));
  t->now = 1000;
  cql_conn_callbacks cb = tc_callbacks(t);
  assert_int_equal(cql_conn_new(&t->conn, cfg, &cb), CQL_OK);
  assert_int_equal(cql_conn_start(t->conn), CQL_OK);
}

/* A config for version `v`, LZ4 or not, with sensible test timings. */
static inline cql_conn_config tc_config(uint8_t v, bool lz4) {
  cql_conn_config cfg;
  cql_conn_config_init(&cfg);
  cfg.protocol_version = v;
  cfg.compression = lz4 ? CQL_CONN_COMPRESSION_LZ4 : CQL_CONN_COMPRESSION_NONE;
  return cfg;
}

/* ---- request bookkeeping --------------------------------------------------------- */

/* One submitted request's outcome, filled by tr_cb. */
typedef struct treq {
  int calls;
  cql_status status;
  uint8_t opcode;
  int32_t server_code;
  char text[160];  /* SET_KEYSPACE echo, or the message */
  cql_reply *kept; /* retained reply, when keep is set */
  bool keep;
} treq;

static inline void tr_cb(cql_conn *c, const cql_conn_result *res, void *ud) {
  (void)c;
  treq *r = ud;
  r->calls++;
  r->status = res->status;
  assert_non_null(res->message);
  r->opcode = res->response ? res->response->opcode : 0xFF;
  r->server_code = res->server_error ? res->server_error->code : -1;
  if (res->response && res->response->opcode == CQL_OP_RESULT &&
      res->response->u.result.kind == CQL_RESULT_SET_KEYSPACE) {
    cql_slice ks = res->response->u.result.u.set_keyspace;
    snprintf(r->text, sizeof(r->text), "%.*s", (int)ks.len, (const char *)ks.ptr);
  } else {
    snprintf(r->text, sizeof(r->text), "%s", res->message);
  }
  if (r->keep && res->reply)
    r->kept = cql_reply_retain(res->reply);
}

static inline cql_request tq_query(const char *text) {
  cql_request q = {.opcode = CQL_OP_QUERY};
  q.u.query.query = cql_slice_from_cstr(text);
  q.u.query.params.consistency = CQL_CONSISTENCY_ONE;
  return q;
}

static inline cql_status tq_submit(tctx *t, const char *text, uint32_t timeout, treq *r,
                                   int16_t *stream) {
  cql_request q = tq_query(text);
  return cql_conn_submit(t->conn, &q, timeout, tr_cb, r, stream);
}

#endif
