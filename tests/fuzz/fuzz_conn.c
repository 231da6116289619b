/* Fuzzes the connection state machine with arbitrary server bytes after a
 * completed handshake.
 *
 * Input: one mode byte, then the bytes the "server" sends after READY.
 *   bit 0: protocol v4 (else v5, so the bytes are read as segments)
 *   bit 1: LZ4
 *   bit 2: feed in small irregular chunks (else all at once)
 *   bit 3: advance the clock and tick between chunks (timeouts, heartbeats)
 *   bit 4: callbacks submit a new request (re-entrancy)
 *   bit 5: callbacks keep the reply past the callback, released later
 * Eight requests are in flight on streams 0..7 when the bytes arrive.
 *
 * Invariants checked (abort on violation): every request's callback fires
 * exactly once, none after on_closed, on_closed at most once (exactly once
 * after free). ASan/UBSan catch the rest, leaks included.
 *
 * Built with -DFUZZ_CONN_WRITE_SEEDS this file is instead a program that
 * writes the seed corpus (tests/fuzz/corpus/conn) into the directory named
 * by its argument, from canned answers encoded by the core:
 *   cc -std=c11 -DFUZZ_CONN_WRITE_SEEDS -Iruntime/include -Iruntime/src/core \
 *      -Iruntime/src/conn tests/fuzz/fuzz_conn.c <build>/runtime/libcqlkit_core.a \
 *      -llz4 -o seeds && ./seeds tests/fuzz/corpus/conn */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "response.h"
#include "segment.h"

enum { N_REQ = 8, MAX_REQ = 64 };

/* ---- answers, encoded as a server would ---- */

static void put_answer(cql_buf *out, uint8_t v, bool lz4, bool framed, cql_response *r) {
  if (!framed || v == CQL_PROTOCOL_V4) {
    cql_response_encode(out, v, r, lz4 && v == CQL_PROTOCOL_V4 && framed);
    return;
  }
  cql_buf env;
  cql_buf_init(&env, NULL);
  cql_response_encode(&env, v, r, false);
  cql_segment_frame(out, (cql_slice){env.data, env.len}, lz4);
  cql_buf_free(&env);
}

#ifndef FUZZ_CONN_WRITE_SEEDS

static void put_supported(cql_buf *out, uint8_t v) {
  cql_slice comp[1] = {cql_slice_from_cstr("lz4")};
  cql_slice cqlv[1] = {cql_slice_from_cstr("3.4.5")};
  cql_multi_entry e[2] = {{cql_slice_from_cstr("COMPRESSION"), comp, 1},
                          {cql_slice_from_cstr("CQL_VERSION"), cqlv, 1}};
  cql_response r = {.opcode = CQL_OP_SUPPORTED, .stream = 0};
  r.u.supported.entries = e;
  r.u.supported.n_entries = 2;
  put_answer(out, v, false, false, &r);
}

typedef struct harness harness;

/* What a request's callback gets as user data. */
typedef struct slot {
  harness *h;
  int idx;
} slot;

struct harness {
  uint64_t now;
  cql_conn *conn;
  int closed;
  int calls[MAX_REQ];
  int n_req;
  bool resubmit, keep;
  cql_reply *kept[MAX_REQ];
  int n_kept;
  slot slots[MAX_REQ];
};

static uint64_t h_now(void *ud) { return ((harness *)ud)->now; }

static void h_closed(cql_conn *c, const cql_conn_close_info *info, void *ud) {
  (void)c;
  harness *h = ud;
  if (h->closed++ || !info->message)
    abort();
}

static void h_request(cql_conn *c, const cql_conn_result *res, void *ud);

static void submit(harness *h) {
  if (h->n_req >= MAX_REQ)
    return;
  cql_request q = {.opcode = CQL_OP_QUERY};
  q.u.query.query = cql_slice_from_cstr("SELECT * FROM t");
  q.u.query.params.consistency = CQL_CONSISTENCY_ONE;
  slot *s = &h->slots[h->n_req];
  s->h = h;
  s->idx = h->n_req;
  if (cql_conn_submit(h->conn, &q, 0, h_request, s, NULL) == CQL_OK)
    h->n_req++;
}

static void h_request(cql_conn *c, const cql_conn_result *res, void *ud) {
  slot *s = ud;
  harness *h = s->h;
  int idx = s->idx;
  if (h->closed || h->calls[idx]++ || !res->message || (res->reply && !res->response))
    abort();
  if (h->keep && res->reply && h->n_kept < MAX_REQ)
    h->kept[h->n_kept++] = cql_reply_retain(res->reply);
  if (h->resubmit && cql_conn_get_state(c) == CQL_CONN_READY)
    submit(h);
}

static void h_event(cql_conn *c, cql_reply *ev, void *ud) {
  (void)c;
  harness *h = ud;
  if (cql_reply_response(ev)->opcode != CQL_OP_EVENT)
    abort();
  if (h->keep && h->n_kept < MAX_REQ)
    h->kept[h->n_kept++] = cql_reply_retain(ev);
}

static void drain(cql_conn *c) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_conn_take_output(c, &b);
  cql_buf_free(&b);
}

/* OPTIONS and STARTUP both go out on stream 0 (the first free id). */
static bool handshake(harness *h, uint8_t v, bool lz4) {
  cql_buf in;
  cql_buf_init(&in, NULL);
  drain(h->conn);
  put_supported(&in, v);
  cql_conn_recv(h->conn, in.data, in.len);
  drain(h->conn);
  cql_buf_reset(&in);
  cql_response ready = {.opcode = CQL_OP_READY, .stream = 0};
  cql_response_encode(&in, v, &ready, lz4 && v == CQL_PROTOCOL_V4);
  cql_conn_recv(h->conn, in.data, in.len);
  cql_buf_free(&in);
  return cql_conn_get_state(h->conn) == CQL_CONN_READY;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t mode = data[0];
  data++;
  size--;
  uint8_t v = (mode & 1) ? CQL_PROTOCOL_V4 : CQL_PROTOCOL_V5;
  bool lz4 = mode & 2, chunked = mode & 4, ticks = mode & 8;
  harness h;
  memset(&h, 0, sizeof(h));
  h.now = 1;
  h.resubmit = mode & 16;
  h.keep = mode & 32;
  cql_conn_config cfg;
  cql_conn_config_init(&cfg);
  cfg.protocol_version = v;
  cfg.compression = lz4 ? CQL_CONN_COMPRESSION_LZ4 : CQL_CONN_COMPRESSION_NONE;
  cfg.max_in_flight = 64;
  cfg.heartbeat_interval_ms = 1000;
  cfg.idle_timeout_ms = 3000;
  cfg.request_timeout_ms = 2500;
  cfg.max_frame_size = 1 << 20;
  cql_conn_callbacks cb = {h_now, NULL, h_event, NULL, h_closed, &h};
  if (cql_conn_new(&h.conn, &cfg, &cb) != CQL_OK)
    abort();
  cql_conn_start(h.conn);
  if (!handshake(&h, v, lz4))
    abort();
  for (int i = 0; i < N_REQ; i++)
    submit(&h);
  drain(h.conn);

  size_t pos = 0;
  for (unsigned i = 0; pos < size; i++) {
    size_t n = chunked ? 1 + (i * 7u) % 13u : size;
    if (n > size - pos)
      n = size - pos;
    cql_conn_recv(h.conn, data + pos, n);
    pos += n;
    if (ticks) {
      h.now += 400;
      cql_conn_tick(h.conn);
      cql_conn_next_deadline(h.conn);
    }
    drain(h.conn);
  }
  cql_conn_free(h.conn);
  if (h.closed != 1)
    abort();
  for (int i = 0; i < h.n_req; i++)
    if (h.calls[i] != 1)
      abort();
  for (int i = 0; i < h.n_kept; i++) {
    cql_reply_body(h.kept[i]);
    cql_reply_release(h.kept[i]);
  }
  return 0;
}

#else /* writing the seeds */

static void write_seed(const char *dir, const char *name, uint8_t mode, const cql_buf *b) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    abort();
  fputc(mode, f);
  fwrite(b->data, 1, b->len, f);
  fclose(f);
}

/* Answers to streams 0..7 and an event, as a server would frame them. */
static void answers(cql_buf *out, uint8_t v, bool lz4, int variant) {
  for (int16_t s = 0; s < N_REQ; s++) {
    int16_t stream = (int16_t)(variant == 1 ? N_REQ - 1 - s : s);
    cql_response r = {.opcode = CQL_OP_RESULT, .stream = stream};
    if (s % 4 == 0) {
      r.u.result.kind = CQL_RESULT_VOID;
    } else if (s % 4 == 1) {
      r.u.result.kind = CQL_RESULT_SET_KEYSPACE;
      r.u.result.u.set_keyspace = cql_slice_from_cstr("ks");
    } else if (s % 4 == 2) {
      static const cql_type text = {.id = CQL_TYPE_VARCHAR};
      cql_column_spec col = {cql_slice_from_cstr("ks"), cql_slice_from_cstr("t"),
                             cql_slice_from_cstr("v"), &text};
      static const uint8_t cells[] = {0, 0, 0, 2, 'h', 'i', 0xff, 0xff, 0xff, 0xff};
      r.u.result.kind = CQL_RESULT_ROWS;
      r.u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
      r.u.result.u.rows.metadata.columns_count = 1;
      r.u.result.u.rows.metadata.columns = &col;
      r.u.result.u.rows.rows_count = 2;
      r.u.result.u.rows.rows_content = (cql_slice){cells, sizeof(cells)};
      put_answer(out, v, lz4, true, &r);
      continue;
    } else {
      r.opcode = CQL_OP_ERROR;
      r.u.error.code = CQL_SERVER_UNAVAILABLE;
      r.u.error.message = cql_slice_from_cstr("Cannot achieve consistency level QUORUM");
      r.u.error.consistency = CQL_CONSISTENCY_QUORUM;
      r.u.error.block_for = 2;
      r.u.error.received = 1;
    }
    put_answer(out, v, lz4, true, &r);
    if (variant == 2 && s == 3) {
      cql_response ev = {.opcode = CQL_OP_EVENT, .stream = -1};
      ev.u.event.kind = CQL_EVENT_STATUS_CHANGE;
      ev.u.event.change = cql_slice_from_cstr("DOWN");
      ev.u.event.address = (cql_inet){4, {127, 0, 0, 2}};
      ev.u.event.port = 9042;
      put_answer(out, v, lz4, true, &ev);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  static const struct {
    const char *name;
    uint8_t mode;
    int variant;
  } seeds[] = {
      {"v5_plain_in_order", 0x00, 0},     {"v5_lz4_reversed", 0x02, 1},
      {"v5_lz4_event_chunked", 0x06, 2},  {"v4_plain_event_ticks", 0x09, 2},
      {"v4_lz4_reentrant_keep", 0x33, 1}, {"v5_plain_chunked_ticks_keep", 0x2C, 0},
      {"v4_plain_partial", 0x05, 3},
  };
  for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
    uint8_t mode = seeds[i].mode;
    uint8_t v = (mode & 1) ? CQL_PROTOCOL_V4 : CQL_PROTOCOL_V5;
    cql_buf b;
    cql_buf_init(&b, NULL);
    answers(&b, v, (mode & 2) != 0, seeds[i].variant);
    if (seeds[i].variant == 3)
      b.len /= 2; /* ends in the middle of an answer */
    write_seed(argv[1], seeds[i].name, mode, &b);
    cql_buf_free(&b);
  }
  return 0;
}

#endif
