/* A scripted client for the sans-IO server connection: encodes requests
 * like a driver (framing and compression as negotiated), feeds them to a
 * cql_sconn, and decodes what comes back. Header-only, for the tests in
 * this directory. */
#ifndef CQL_NODE_SERVER_TEST_H
#define CQL_NODE_SERVER_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "reader.h"
#include "request.h"
#include "response.h"
#include "segment.h"
#include "srv.h"

enum { TC_MAX_ENV = 256 };

typedef struct tc {
  cql_srv *srv;
  cql_sconn *c;
  uint8_t version;
  bool framed, lz4, v4comp;
  cql_reader *rd;
  cql_envelope env[TC_MAX_ENV]; /* received, not yet taken */
  size_t n_env, next_env;
  cql_arena arena;
  cql_status last_feed;
  size_t feed_step; /* 0: whole; otherwise feed in pieces of this size */
} tc;

static inline cql_status tc_on_env(void *ud, cql_envelope *env) {
  tc *t = ud;
  if (t->n_env == TC_MAX_ENV)
    return CQL_E_NOMEM;
  t->env[t->n_env++] = *env;
  /* v5: segments start after READY or AUTHENTICATE, both directions. */
  if (t->version == 5 && !t->framed &&
      (env->header.opcode == CQL_OP_READY || env->header.opcode == CQL_OP_AUTHENTICATE)) {
    t->framed = true;
    cql_reader_set_framing(t->rd, true, t->lz4);
  }
  return CQL_OK;
}

static inline cql_srv *tc_srv_new(const char *user, const char *pass, int max_version) {
  cql_srv_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.auth_user = user;
  cfg.auth_password = pass;
  cfg.max_version = (uint8_t)max_version;
  cfg.max_frame_bytes = 1 << 20;
  cql_srv *s = NULL;
  assert_int_equal(cql_srv_new(&cfg, &s), CQL_OK);
  return s;
}

static inline void tc_init(tc *t, cql_srv *s, uint8_t version) {
  memset(t, 0, sizeof(*t));
  t->srv = s;
  t->version = version;
  assert_int_equal(cql_sconn_new(s, 0, &t->c), CQL_OK);
  assert_int_equal(cql_reader_new(&t->rd, NULL), CQL_OK);
  cql_arena_init(&t->arena, NULL);
}

static inline void tc_free(tc *t) {
  for (size_t i = t->next_env; i < t->n_env; i++)
    cql_envelope_free(&t->env[i]);
  cql_sconn_free(t->c);
  cql_reader_free(t->rd);
  cql_arena_free(&t->arena);
}

/* Moves the server's output into the client reader. */
static inline void tc_pump(tc *t) {
  cql_buf out;
  cql_buf_init(&out, NULL);
  cql_sconn_take_output(t->c, &out);
  const char *what = NULL;
  if (out.len)
    assert_int_equal(cql_reader_feed(t->rd, out.data, out.len, tc_on_env, t, &what), CQL_OK);
  cql_buf_free(&out);
}

/* Feeds raw bytes to the server (in pieces when feed_step is set). */
static inline cql_status tc_feed(tc *t, const uint8_t *p, size_t n) {
  cql_status st = CQL_OK;
  size_t step = t->feed_step ? t->feed_step : n;
  for (size_t i = 0; i < n && st == CQL_OK; i += step)
    st = cql_sconn_feed(t->c, p + i, n - i < step ? n - i : step);
  if (n == 0)
    st = cql_sconn_feed(t->c, p, 0);
  t->last_feed = st;
  tc_pump(t);
  return st;
}

/* Encodes and sends one request. */
static inline cql_status tc_send(tc *t, const cql_request *req) {
  cql_buf env, wire;
  cql_buf_init(&env, NULL);
  cql_buf_init(&wire, NULL);
  bool comp = t->v4comp && req->opcode != CQL_OP_STARTUP && req->opcode != CQL_OP_OPTIONS;
  assert_int_equal(cql_request_encode(&env, t->version, req, comp), CQL_OK);
  if (t->framed)
    assert_int_equal(cql_segment_frame(&wire, (cql_slice){env.data, env.len}, t->lz4), CQL_OK);
  else
    cql_buf_put_raw(&wire, env.data, env.len);
  cql_status st = tc_feed(t, wire.data, wire.len);
  cql_buf_free(&env);
  cql_buf_free(&wire);
  return st;
}

/* Takes the next received envelope and decodes it into *r (views valid
 * until the next tc_next). Returns its header. */
static inline cql_header tc_next(tc *t, cql_response *r) {
  assert_true(t->next_env < t->n_env);
  cql_envelope *e = &t->env[t->next_env++];
  cql_header h = e->header;
  cql_arena_reset(&t->arena);
  static uint8_t keep[1 << 20];
  size_t n = e->len < sizeof(keep) ? e->len : sizeof(keep);
  memcpy(keep, e->body, n);
  cql_envelope_free(e);
  const char *what = NULL;
  cql_status st = cql_response_decode(&h, (cql_slice){keep, n}, &t->arena, r, &what);
  if (st != CQL_OK)
    fail_msg("response decode: %s (%s)", cql_status_name(st), what ? what : "");
  return h;
}

static inline size_t tc_pending(const tc *t) { return t->n_env - t->next_env; }

static inline void tc_simple(tc *t, uint8_t opcode, int16_t stream) {
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = opcode;
  q.stream = stream;
  tc_send(t, &q);
}

static inline void tc_startup(tc *t, int16_t stream, const char *compression) {
  cql_pair opts[2] = {{cql_slice_from_cstr("CQL_VERSION"), cql_slice_from_cstr("3.0.0"), false},
                      {cql_slice_from_cstr("COMPRESSION"), {NULL, 0}, false}};
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_STARTUP;
  q.stream = stream;
  q.u.startup.options = opts;
  q.u.startup.n_options = 1;
  if (compression) {
    opts[1].value = cql_slice_from_cstr(compression);
    q.u.startup.n_options = 2;
    t->lz4 = strcmp(compression, "lz4") == 0;
  }
  if (t->lz4 && t->version == 4) {
    /* The answer to STARTUP is already compressed; STARTUP itself never. */
    t->v4comp = true;
    cql_reader_set_v4_compression(t->rd, true);
  }
  tc_send(t, &q);
}

static inline void tc_query(tc *t, int16_t stream, const char *cql) {
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_QUERY;
  q.stream = stream;
  q.u.query.query = cql_slice_from_cstr(cql);
  q.u.query.params.consistency = 1;
  tc_send(t, &q);
}

/* Expects the next response to be `opcode` on `stream`. */
static inline void tc_expect(tc *t, uint8_t opcode, int16_t stream, cql_response *r) {
  cql_header h = tc_next(t, r);
  if (h.opcode != opcode && h.opcode == CQL_OP_ERROR)
    fail_msg("expected opcode %u, got ERROR %x: %.*s", opcode, r->u.error.code,
             (int)r->u.error.message.len, (const char *)r->u.error.message.ptr);
  assert_int_equal(h.opcode, opcode);
  assert_int_equal(h.stream, stream);
  assert_int_equal(h.version, t->version | 0x80);
}

static inline void tc_expect_error(tc *t, int16_t stream, int32_t code, const char *message) {
  cql_response r;
  tc_expect(t, CQL_OP_ERROR, stream, &r);
  assert_int_equal(r.u.error.code, code);
  if (message) {
    char got[512];
    snprintf(got, sizeof(got), "%.*s", (int)r.u.error.message.len,
             (const char *)r.u.error.message.ptr);
    assert_string_equal(got, message);
  }
}

/* Brings a connection to READY (no authentication). */
static inline void tc_ready(tc *t, const char *compression) {
  cql_response r;
  tc_startup(t, 1, compression);
  tc_expect(t, CQL_OP_READY, 1, &r);
}

#endif
