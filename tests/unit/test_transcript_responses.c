/* Every response a real Cassandra 4.0.0 sent in the recorded transcripts
 * (../shared/reference/transcripts) must decode, have its rows walked, and
 * encode back to the bytes Cassandra sent.
 *
 * The envelopes come from the transcript helper (the incremental reader,
 * CRCs and LZ4 included). v4 LZ4 bodies arrive decompressed; for those the
 * re-encoded body is compared with the decompressed one, and the compressed
 * bytes on the wire are compared with LZ4_compress_default() of our body,
 * which is what Cassandra's compressor produced. Specific contents are
 * checked too, by pairing each response with the request that caused it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lz4.h>

#include "envelope.h"
#include "request.h"
#include "response.h"
#include "testutil.h"
#include "transcript.h"

static const char *const FILES[] = {
    "cassandra-4.0.0-v5-none.jsonl",  "cassandra-4.0.0-v5-lz4.jsonl",
    "cassandra-4.0.0-v4-none.jsonl",  "cassandra-4.0.0-v5-auth.jsonl",
    "cassandra-4.0.0-v4-auth.jsonl",  "cassandra-4.0.0-v4-nodejs.jsonl",
    "cassandra-4.0.0-v4-gocql.jsonl",
};
enum { N_FILES = sizeof(FILES) / sizeof(FILES[0]) };

/* What the content checks found in one file. */
typedef struct findings {
  size_t messages, rows_results, rows, cells;
  size_t compressed; /* v4 LZ4 envelopes, checked through LZ4_compress_default */
  bool supported_v6_beta;
  bool syntax_error;
  bool lwt_applied, lwt_not_applied;
  bool paged;
  bool system_local;
} findings;

/* ---- helpers ---------------------------------------------------------------- */

static bool slice_has(cql_slice s, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= s.len; i++)
    if (memcmp(s.ptr + i, needle, n) == 0)
      return true;
  return false;
}

static const cql_column_spec *column(const cql_rows_metadata *m, const char *name) {
  for (int32_t i = 0; m->columns && i < m->columns_count; i++)
    if (cql_slice_eq_cstr(m->columns[i].name, name))
      return &m->columns[i];
  return NULL;
}

static bool column_is(const cql_rows_metadata *m, const char *name, cql_type_id id) {
  const cql_column_spec *c = column(m, name);
  return c && c->type->id == id;
}

/* Walks every cell; the decoder's framing check promises this succeeds. */
static void walk_rows(const cql_result_msg *res, findings *f) {
  int32_t cols = res->u.rows.metadata.columns_count;
  cql_cell *cells = calloc((size_t)cols + 1, sizeof(*cells));
  assert_non_null(cells);
  cql_row_iter it;
  cql_row_iter_init(&it, res);
  int32_t rows = 0;
  while (cql_row_iter_next(&it, cells)) {
    for (int32_t i = 0; i < cols; i++) {
      assert_true(cells[i].len == -1 || (size_t)cells[i].len == cells[i].bytes.len);
      f->cells++;
    }
    rows++;
  }
  assert_int_equal(rows, res->u.rows.rows_count);
  assert_int_equal(cql_rd_left(&it.rd), 0);
  f->rows += (size_t)rows;
  f->rows_results++;
  free(cells);
}

/* The first cell of the first row. */
static cql_cell first_cell(const cql_result_msg *res) {
  cql_cell cells[64] = {{0}};
  assert_true(res->u.rows.metadata.columns_count <= 64);
  cql_row_iter it;
  cql_row_iter_init(&it, res);
  assert_true(cql_row_iter_next(&it, cells));
  return cells[0];
}

/* ---- content checks (by the request that caused the response) ------------ */

static void check_supported(const cql_response *r, findings *f) {
  for (uint32_t i = 0; i < r->u.supported.n_entries; i++) {
    const cql_multi_entry *e = &r->u.supported.entries[i];
    if (!cql_slice_eq_cstr(e->key, "PROTOCOL_VERSIONS"))
      continue;
    static const char *const want[] = {"3/v3", "4/v4", "5/v5", "6/v6-beta"};
    assert_int_equal(e->n_values, 4);
    for (uint32_t j = 0; j < 4; j++)
      assert_true(cql_slice_eq_cstr(e->values[j], want[j]));
    f->supported_v6_beta = true;
  }
}

static void check_lwt(const cql_response *r, cql_slice query, findings *f) {
  if (!slice_has(query, "IF NOT EXISTS") || !slice_has(query, "(4, 'a'"))
    return;
  assert_int_equal(r->opcode, CQL_OP_RESULT);
  const cql_result_msg *res = &r->u.result;
  assert_int_equal(res->kind, CQL_RESULT_ROWS);
  const cql_rows_metadata *m = &res->u.rows.metadata;
  assert_true(cql_slice_eq_cstr(m->columns[0].name, "[applied]"));
  assert_int_equal(m->columns[0].type->id, CQL_TYPE_BOOLEAN);
  cql_cell applied = first_cell(res);
  assert_int_equal(applied.len, 1);
  if (slice_has(query, "'first'")) {
    assert_int_equal(applied.bytes.ptr[0], 1);
    assert_int_equal(m->columns_count, 1);
    f->lwt_applied = true;
  } else {
    /* a failed condition returns the row that is there */
    assert_int_equal(applied.bytes.ptr[0], 0);
    assert_true(column_is(m, "t", CQL_TYPE_VARCHAR));
    f->lwt_not_applied = true;
  }
}

static void check_system_local(const cql_response *r, findings *f) {
  const cql_result_msg *res = &r->u.result;
  assert_int_equal(res->kind, CQL_RESULT_ROWS);
  const cql_rows_metadata *m = &res->u.rows.metadata;
  assert_true(m->flags & CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC);
  assert_true(cql_slice_eq_cstr(m->columns[0].keyspace, "system"));
  assert_true(cql_slice_eq_cstr(m->columns[0].table, "local"));
  assert_int_equal(res->u.rows.rows_count, 1);
  assert_true(column_is(m, "key", CQL_TYPE_VARCHAR));
  assert_true(column_is(m, "broadcast_address", CQL_TYPE_INET));
  assert_true(column_is(m, "broadcast_port", CQL_TYPE_INT));
  assert_true(column_is(m, "host_id", CQL_TYPE_UUID));
  assert_true(column_is(m, "schema_version", CQL_TYPE_UUID));
  assert_true(column_is(m, "release_version", CQL_TYPE_VARCHAR));
  const cql_column_spec *tokens = column(m, "tokens");
  assert_non_null(tokens);
  assert_int_equal(tokens->type->id, CQL_TYPE_SET);
  assert_int_equal(tokens->type->children[0]->id, CQL_TYPE_VARCHAR);
  const cql_column_spec *trunc = column(m, "truncated_at");
  assert_non_null(trunc);
  assert_int_equal(trunc->type->id, CQL_TYPE_MAP);
  assert_int_equal(trunc->type->children[0]->id, CQL_TYPE_UUID);
  assert_int_equal(trunc->type->children[1]->id, CQL_TYPE_BLOB);
  cql_cell key = first_cell(res);
  assert_true(key.len == 5 && memcmp(key.bytes.ptr, "local", 5) == 0);
  f->system_local = true;
}

static void check_query(const cql_response *r, cql_slice query, const cql_request *req,
                        findings *f) {
  if (cql_slice_eq_cstr(query, "SELEC broken")) {
    assert_int_equal(r->opcode, CQL_OP_ERROR);
    assert_int_equal(r->u.error.code, CQL_SERVER_SYNTAX_ERROR);
    assert_true(slice_has(r->u.error.message, "SELEC"));
    f->syntax_error = true;
  }
  check_lwt(r, query, f);
  if (cql_slice_eq_cstr(query, "SELECT c FROM kitchen WHERE k = 2") &&
      req->u.query.params.has_page_size && req->u.query.params.page_size == 10 &&
      !req->u.query.params.has_paging_state) {
    const cql_result_msg *res = &r->u.result;
    assert_int_equal(res->kind, CQL_RESULT_ROWS);
    assert_true(res->u.rows.metadata.has_paging_state);
    assert_true(res->u.rows.metadata.paging_state.len > 0);
    assert_int_equal(res->u.rows.rows_count, req->u.query.params.page_size);
    f->paged = true;
  }
  if (cql_slice_eq_cstr(query, "SELECT * FROM system.local"))
    check_system_local(r, f);
}

/* ---- byte-exact re-encoding --------------------------------------------------- */

/* The envelope as it crossed the wire: for v4, the raw stream holds the
 * envelopes back to back, compressed bodies and all. */
typedef struct raw_cursor {
  const tu_stream *s;
  size_t pos;
} raw_cursor;

static cql_slice next_raw(raw_cursor *c) {
  assert_true(c->pos + CQL_HEADER_SIZE <= c->s->len);
  const uint8_t *p = c->s->data + c->pos;
  size_t n = CQL_HEADER_SIZE + cql_load_u32(p + 5);
  assert_true(c->pos + n <= c->s->len);
  c->pos += n;
  return (cql_slice){p, n};
}

/* A v4 body Cassandra compressed: the header must match with the flag, and
 * the wire bytes must be a 4-byte length plus LZ4_compress_default(body). */
static void check_compressed(const cql_response *resp, uint8_t version, const cql_buf *plain,
                             cql_slice wire) {
  cql_slice body = {plain->data + CQL_HEADER_SIZE, plain->len - CQL_HEADER_SIZE};
  int bound = LZ4_compressBound((int)body.len);
  uint8_t *expect = malloc(CQL_HEADER_SIZE + 4 + (size_t)bound);
  assert_non_null(expect);
  int n = LZ4_compress_default(body.len ? (const char *)body.ptr : "",
                               (char *)expect + CQL_HEADER_SIZE + 4, (int)body.len, bound);
  assert_true(n > 0);
  memcpy(expect, plain->data, CQL_HEADER_SIZE);
  expect[1] |= CQL_FLAG_COMPRESSION;
  cql_store_u32(expect + 5, (uint32_t)n + 4);
  cql_store_u32(expect + CQL_HEADER_SIZE, (uint32_t)body.len);
  assert_int_equal(wire.len, CQL_HEADER_SIZE + 4 + (size_t)n);
  assert_memory_equal(wire.ptr, expect, wire.len);
  free(expect);

  /* and our own compressed encoding inflates back to the same body */
  cql_buf z, back;
  cql_buf_init(&z, NULL);
  cql_buf_init(&back, NULL);
  assert_int_equal(cql_response_encode(&z, version, resp, true), CQL_OK);
  assert_int_equal(z.data[1], wire.ptr[1]);
  cql_slice zbody = {z.data + CQL_HEADER_SIZE, z.len - CQL_HEADER_SIZE};
  assert_int_equal(cql_body_decompress_v4(&back, zbody, 1u << 24), CQL_OK);
  assert_int_equal(back.len, body.len);
  assert_memory_equal(back.data, body.ptr, body.len);
  cql_buf_free(&z);
  cql_buf_free(&back);
}

static void check_reencode(const cql_envelope *env, const cql_response *resp, cql_slice wire,
                           findings *f) {
  uint8_t version = env->header.version & 0x7f;
  cql_buf out;
  cql_buf_init(&out, NULL);
  assert_int_equal(cql_response_encode(&out, version, resp, false), CQL_OK);
  uint8_t hdr[CQL_HEADER_SIZE];
  cql_header_encode(hdr, &env->header);
  assert_int_equal(out.len, CQL_HEADER_SIZE + env->len);
  assert_memory_equal(out.data, hdr, CQL_HEADER_SIZE);
  assert_memory_equal(out.data + CQL_HEADER_SIZE, env->body, env->len);
  if (wire.ptr && (wire.ptr[1] & CQL_FLAG_COMPRESSION)) {
    check_compressed(resp, version, &out, wire);
    f->compressed++;
  } else if (wire.ptr) {
    assert_int_equal(wire.len, out.len);
    assert_memory_equal(wire.ptr, out.data, out.len);
  }
  cql_buf_free(&out);
}

/* ---- one connection --------------------------------------------------------- */

/* The request each response answers: per stream id, requests are answered
 * in the order they were sent. */
static const cql_envelope *request_for(const tu_envelopes *reqs, size_t *next_by_stream,
                                       int16_t stream) {
  if (stream < 0)
    return NULL;
  for (size_t i = next_by_stream[stream]; i < reqs->n; i++) {
    if (reqs->items[i].header.stream == stream) {
      next_by_stream[stream] = i + 1;
      return &reqs->items[i];
    }
  }
  return NULL;
}

static void check_one(const cql_envelope *env, const cql_envelope *req_env, cql_slice wire,
                      findings *f) {
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_response resp;
  const char *what = NULL;
  cql_slice body = {env->body, env->len};
  cql_status st = cql_response_decode(&env->header, body, &arena, &resp, &what);
  if (st != CQL_OK)
    fail_msg("decode of opcode 0x%02x, stream %d failed: %s (%s)", env->header.opcode,
             env->header.stream, cql_status_name(st), what ? what : "");
  if (resp.opcode == CQL_OP_RESULT && resp.u.result.kind == CQL_RESULT_ROWS)
    walk_rows(&resp.u.result, f);
  if (resp.opcode == CQL_OP_SUPPORTED)
    check_supported(&resp, f);
  check_reencode(env, &resp, wire, f);

  if (req_env && req_env->header.opcode == CQL_OP_QUERY) {
    cql_arena req_arena;
    cql_arena_init(&req_arena, NULL);
    cql_request req;
    cql_slice rb = {req_env->body, req_env->len};
    assert_int_equal(cql_request_decode(&req_env->header, rb, &req_arena, &req, NULL), CQL_OK);
    check_query(&resp, req.u.query.query, &req, f);
    cql_arena_free(&req_arena);
  }
  cql_arena_free(&arena);
  f->messages++;
}

static void check_conn(const tu_conn *c, findings *f) {
  tu_envelopes resps, reqs;
  tu_envelopes_init(&resps);
  tu_envelopes_init(&reqs);
  const char *what = NULL;
  cql_status st = tu_conn_frame(c, true, TU_FEED_RECORDED, &resps, &what);
  if (st != CQL_OK)
    fail_msg("conn %d s2c: %s (%s)", c->conn, cql_status_name(st), what ? what : "");
  /* Requests only serve to pair; a client probing with a version the
   * reader refuses (the Node.js driver opens with DSE_V2) ends the list. */
  tu_conn_frame(c, false, TU_FEED_RECORDED, &reqs, NULL);

  size_t *next_by_stream = calloc(32768, sizeof(size_t));
  assert_non_null(next_by_stream);
  raw_cursor raw = {&c->s2c, 0};
  for (size_t i = 0; i < resps.n; i++) {
    const cql_envelope *env = &resps.items[i];
    bool v4 = (env->header.version & 0x7f) < CQL_PROTOCOL_V5;
    /* v5 envelopes carry no compression of their own: the delivered bytes
     * are the sent bytes; v4 ones are cut from the raw stream. */
    cql_slice wire = v4 ? next_raw(&raw) : (cql_slice){NULL, 0};
    check_one(env, request_for(&reqs, next_by_stream, env->header.stream), wire, f);
  }
  free(next_by_stream);
  tu_envelopes_free(&resps);
  tu_envelopes_free(&reqs);
}

static findings check_file(const char *name) {
  char rel[256];
  snprintf(rel, sizeof(rel), "transcripts/%s", name);
  tu_transcript t;
  assert_true(tu_transcript_load(&t, tu_reference_path(rel)));
  findings f;
  memset(&f, 0, sizeof(f));
  for (size_t i = 0; i < t.n_conns; i++)
    check_conn(&t.conns[i], &f);
  tu_transcript_free(&t);
  print_message("%-34s %4zu responses verified (%zu Rows results, %zu rows, %zu cells, %zu v4 "
                "LZ4 bodies)\n",
                name, f.messages, f.rows_results, f.rows, f.cells, f.compressed);
  return f;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_scenario_v5_none(void **state) {
  (void)state;
  findings f = check_file(FILES[0]);
  assert_true(f.supported_v6_beta);
  assert_true(f.syntax_error && f.lwt_applied && f.lwt_not_applied && f.paged && f.system_local);
}

static void test_scenario_v5_lz4(void **state) {
  (void)state;
  findings f = check_file(FILES[1]);
  assert_true(f.syntax_error && f.lwt_applied && f.lwt_not_applied && f.paged && f.system_local);
}

static void test_scenario_v4_none(void **state) {
  (void)state;
  findings f = check_file(FILES[2]);
  assert_true(f.syntax_error && f.lwt_applied && f.lwt_not_applied && f.paged && f.system_local);
}

static void test_other_transcripts(void **state) {
  (void)state;
  size_t total = 0;
  for (int i = 3; i < N_FILES; i++) {
    findings f = check_file(FILES[i]);
    assert_true(f.messages > 0);
    if (strstr(FILES[i], "v4-auth"))
      assert_true(f.compressed > 0);
    total += f.messages;
  }
  assert_true(total > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scenario_v5_none),
      cmocka_unit_test(test_scenario_v5_lz4),
      cmocka_unit_test(test_scenario_v4_none),
      cmocka_unit_test(test_other_transcripts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
