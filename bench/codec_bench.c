/* Codec benchmark: how fast the protocol core encodes and decodes, next to
 * a plain memcpy of the same bytes (the floor for touching them at all).
 *
 * Workloads:
 *   rows-decode   a RESULT Rows of 1,000 rows x 8 columns: decode the
 *                 response, walk every row and decode every cell to its C type
 *   rows-encode   build the same Rows response from C values (server side)
 *   execute-enc   encode an EXECUTE request with 8 bound values (client side)
 *   segment-lz4   frame 64 KiB of envelopes into v5 segments with LZ4 and
 *                 read them back through the incremental reader
 *
 * Usage: codec_bench [--quick] [--json FILE]
 * A benchmark, not a test: it prints figures and fails only if a codec call
 * fails. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "envelope.h"
#include "message.h"
#include "reader.h"
#include "request.h"
#include "response.h"
#include "segment.h"
#include "type.h"
#include "value.h"

enum { ROWS = 1000, COLS = 8 };

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

_Noreturn static void die(const char *what, cql_status st) {
  fprintf(stderr, "codec_bench: %s failed: %s\n", what, cql_status_name(st));
  exit(1);
}

/* ---- the Rows result ------------------------------------------------- */

static const cql_type_id column_types[COLS] = {
    CQL_TYPE_INT,  CQL_TYPE_BIGINT,    CQL_TYPE_VARCHAR, CQL_TYPE_DOUBLE,
    CQL_TYPE_UUID, CQL_TYPE_TIMESTAMP, CQL_TYPE_BOOLEAN, CQL_TYPE_BLOB};
static const char *const column_names[COLS] = {"id",  "counter", "name",   "score",
                                               "uid", "created", "active", "payload"};

static void put_cell(cql_buf *cell, cql_buf *rows) {
  cql_cell c = {(int32_t)cell->len, {cell->data, cell->len}};
  cql_rows_put_cell(rows, &c);
  cql_buf_reset(cell);
}

static void build_rows_content(cql_buf *rows) {
  cql_buf cell;
  cql_buf_init(&cell, NULL);
  static const uint8_t payload[64] = {1, 2, 3};
  for (int r = 0; r < ROWS; r++) {
    char name[32];
    int n = snprintf(name, sizeof(name), "user-%06d", r);
    cql_uuid uid = {{0}};
    memcpy(uid.bytes, &r, sizeof(r));
    cql_encode_int(&cell, r);
    put_cell(&cell, rows);
    cql_encode_bigint(&cell, (int64_t)r * 1000003);
    put_cell(&cell, rows);
    cql_buf_put_raw(&cell, name, (size_t)n);
    put_cell(&cell, rows);
    cql_encode_double(&cell, r * 0.25);
    put_cell(&cell, rows);
    cql_encode_uuid(&cell, &uid);
    put_cell(&cell, rows);
    cql_encode_bigint(&cell, 1700000000000 + r);
    put_cell(&cell, rows);
    cql_encode_boolean(&cell, r & 1);
    put_cell(&cell, rows);
    cql_buf_put_raw(&cell, payload, sizeof(payload));
    put_cell(&cell, rows);
  }
  cql_buf_free(&cell);
}

static void make_rows_response(cql_response *resp, cql_column_spec *cols, cql_slice content) {
  for (int i = 0; i < COLS; i++) {
    cols[i].keyspace = cql_slice_from_cstr("bench");
    cols[i].table = cql_slice_from_cstr("wide");
    cols[i].name = cql_slice_from_cstr(column_names[i]);
    cols[i].type = cql_type_native(column_types[i]);
  }
  memset(resp, 0, sizeof(*resp));
  resp->opcode = CQL_OP_RESULT;
  resp->stream = 1;
  resp->u.result.kind = CQL_RESULT_ROWS;
  resp->u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
  resp->u.result.u.rows.metadata.columns_count = COLS;
  resp->u.result.u.rows.metadata.columns = cols;
  resp->u.result.u.rows.rows_count = ROWS;
  resp->u.result.u.rows.rows_content = content;
}

/* Decodes every cell into its C type; returns a checksum so that the
 * compiler cannot drop the work. */
static uint64_t decode_rows(const cql_response *resp) {
  cql_row_iter it;
  cql_row_iter_init(&it, &resp->u.result);
  cql_cell cells[COLS];
  uint64_t sum = 0;
  while (cql_row_iter_next(&it, cells)) {
    int32_t i32;
    int64_t i64;
    double d;
    cql_slice text;
    cql_uuid uuid;
    bool b;
    if (cql_decode_int(cells[0].bytes, &i32) != CQL_OK ||
        cql_decode_bigint(cells[1].bytes, &i64) != CQL_OK ||
        cql_decode_text(cells[2].bytes, &text) != CQL_OK ||
        cql_decode_double(cells[3].bytes, &d) != CQL_OK ||
        cql_decode_uuid(cells[4].bytes, &uuid) != CQL_OK ||
        cql_decode_bigint(cells[5].bytes, &i64) != CQL_OK ||
        cql_decode_boolean(cells[6].bytes, &b) != CQL_OK)
      die("cell decode", CQL_E_BAD_VALUE);
    sum += (uint64_t)i32 + (uint64_t)i64 + text.len + (uint64_t)d + uuid.bytes[0] + b +
           cells[7].bytes.len;
  }
  return sum;
}

typedef struct figure {
  const char *name;
  double seconds;
  long iterations;
  size_t bytes_per_iter;
  long rows_per_iter;
  double memcpy_seconds; /* same bytes, same iterations */
} figure;

static double time_memcpy(const uint8_t *src, size_t n, long iterations) {
  uint8_t *dst = malloc(n);
  if (!dst)
    die("malloc", CQL_E_NOMEM);
  volatile uint8_t sink = 0;
  double t0 = now_seconds();
  for (long i = 0; i < iterations; i++) {
    memcpy(dst, src, n);
    sink ^= dst[i % n];
  }
  double t = now_seconds() - t0;
  (void)sink;
  free(dst);
  return t;
}

static void print_figure(const figure *f, FILE *json, bool first) {
  double msgs = f->iterations / f->seconds;
  double mbps = (double)f->bytes_per_iter * f->iterations / f->seconds / 1e6;
  double memcpy_mbps = (double)f->bytes_per_iter * f->iterations / f->memcpy_seconds / 1e6;
  printf("%-12s %12.0f msg/s %14.0f rows/s %9.1f MB/s   memcpy %9.1f MB/s   ratio %.3f\n", f->name,
         msgs, msgs * f->rows_per_iter, mbps, memcpy_mbps, mbps / memcpy_mbps);
  if (json)
    fprintf(json,
            "%s{\"name\":\"%s\",\"messages_per_s\":%.1f,\"rows_per_s\":%.1f,\"mb_per_s\":%.2f,"
            "\"memcpy_mb_per_s\":%.2f,\"ratio_to_memcpy\":%.5f,\"bytes_per_message\":%zu}",
            first ? "" : ",", f->name, msgs, msgs * f->rows_per_iter, mbps, memcpy_mbps,
            mbps / memcpy_mbps, f->bytes_per_iter);
}

static figure bench_rows_decode(const cql_buf *envelope, long iterations) {
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_header h;
  cql_status st = cql_header_decode(envelope->data, &h);
  if (st != CQL_OK)
    die("header decode", st);
  cql_slice body = {envelope->data + CQL_HEADER_SIZE, envelope->len - CQL_HEADER_SIZE};
  uint64_t sum = 0;
  double t0 = now_seconds();
  for (long i = 0; i < iterations; i++) {
    cql_response resp;
    st = cql_response_decode(&h, body, &arena, &resp, NULL);
    if (st != CQL_OK)
      die("rows decode", st);
    sum += decode_rows(&resp);
    cql_arena_reset(&arena);
  }
  figure f = {"rows-decode", now_seconds() - t0, iterations, envelope->len, ROWS, 0};
  f.memcpy_seconds = time_memcpy(envelope->data, envelope->len, iterations);
  cql_arena_free(&arena);
  if (sum == 42)
    printf("(checksum %llu)\n", (unsigned long long)sum);
  return f;
}

static figure bench_rows_encode(const cql_response *resp, long iterations) {
  cql_buf out;
  cql_buf_init(&out, NULL);
  cql_buf content;
  cql_buf_init(&content, NULL);
  double t0 = now_seconds();
  for (long i = 0; i < iterations; i++) {
    /* A server builds the cells and then the envelope: time both. */
    cql_buf_reset(&content);
    build_rows_content(&content);
    cql_response copy = *resp;
    copy.u.result.u.rows.rows_content = (cql_slice){content.data, content.len};
    cql_buf_reset(&out);
    cql_status st = cql_response_encode(&out, CQL_PROTOCOL_V5, &copy, false);
    if (st != CQL_OK)
      die("rows encode", st);
  }
  figure f = {"rows-encode", now_seconds() - t0, iterations, out.len, ROWS, 0};
  f.memcpy_seconds = time_memcpy(out.data, out.len, iterations);
  cql_buf_free(&out);
  cql_buf_free(&content);
  return f;
}

static figure bench_execute_encode(long iterations) {
  static const uint8_t id[16] = {0xde, 0xad, 0xbe, 0xef};
  uint8_t cells[COLS][8];
  cql_value_arg values[COLS];
  for (int i = 0; i < COLS; i++) {
    memset(cells[i], i, sizeof(cells[i]));
    values[i] = (cql_value_arg){{NULL, 0}, CQL_VALUE_SET, {cells[i], sizeof(cells[i])}};
  }
  cql_request req;
  memset(&req, 0, sizeof(req));
  req.opcode = CQL_OP_EXECUTE;
  req.stream = 7;
  req.u.execute.id = (cql_slice){id, sizeof(id)};
  req.u.execute.result_metadata_id = (cql_slice){id, sizeof(id)};
  req.u.execute.params.consistency = CQL_CONSISTENCY_LOCAL_QUORUM;
  req.u.execute.params.values = values;
  req.u.execute.params.n_values = COLS;
  req.u.execute.params.has_values = true;
  req.u.execute.params.skip_metadata = true;
  req.u.execute.params.has_page_size = true;
  req.u.execute.params.page_size = 5000;
  req.u.execute.params.has_timestamp = true;
  req.u.execute.params.timestamp = 1700000000000000;
  cql_buf out;
  cql_buf_init(&out, NULL);
  double t0 = now_seconds();
  for (long i = 0; i < iterations; i++) {
    cql_buf_reset(&out);
    cql_status st = cql_request_encode(&out, CQL_PROTOCOL_V5, &req, false);
    if (st != CQL_OK)
      die("execute encode", st);
  }
  figure f = {"execute-enc", now_seconds() - t0, iterations, out.len, 0, 0};
  f.memcpy_seconds = time_memcpy(out.data, out.len, iterations);
  cql_buf_free(&out);
  return f;
}

static cql_status count_envelope(void *ud, cql_envelope *env) {
  (*(long *)ud)++;
  cql_envelope_free(env);
  return CQL_OK;
}

static figure bench_segments(const cql_buf *rows_envelope, long iterations) {
  cql_buf framed;
  cql_buf_init(&framed, NULL);
  cql_reader_config cfg = {0};
  size_t plain_bytes = 0;
  double t0 = now_seconds();
  for (long i = 0; i < iterations; i++) {
    cql_buf_reset(&framed);
    cql_slice env = {rows_envelope->data, rows_envelope->len};
    cql_status st = cql_segment_frame(&framed, env, true);
    if (st != CQL_OK)
      die("segment frame", st);
    cql_reader *r;
    st = cql_reader_new(&r, &cfg);
    if (st != CQL_OK)
      die("reader new", st);
    cql_reader_set_framing(r, true, true);
    long got = 0;
    st = cql_reader_feed(r, framed.data, framed.len, count_envelope, &got, NULL);
    cql_reader_free(r);
    if (st != CQL_OK || got != 1)
      die("segment read", st);
    plain_bytes = rows_envelope->len;
  }
  figure f = {"segment-lz4", now_seconds() - t0, iterations, plain_bytes, ROWS, 0};
  f.memcpy_seconds = time_memcpy(rows_envelope->data, rows_envelope->len, iterations);
  cql_buf_free(&framed);
  return f;
}

int main(int argc, char **argv) {
  bool quick = false;
  const char *json_path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0)
      quick = true;
    else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
      json_path = argv[++i];
    else {
      fprintf(stderr, "usage: codec_bench [--quick] [--json FILE]\n");
      return 2;
    }
  }
  long scale = quick ? 20 : 1000;

  cql_buf content;
  cql_buf_init(&content, NULL);
  build_rows_content(&content);
  cql_column_spec cols[COLS];
  cql_response resp;
  make_rows_response(&resp, cols, (cql_slice){content.data, content.len});
  cql_buf envelope;
  cql_buf_init(&envelope, NULL);
  cql_status st = cql_response_encode(&envelope, CQL_PROTOCOL_V5, &resp, false);
  if (st != CQL_OK)
    die("initial encode", st);

  FILE *json = json_path ? fopen(json_path, "w") : NULL;
  if (json)
    fputs("{\"benchmark\":\"codec\",\"results\":[", json);
  printf("codec benchmark: Rows result of %d rows x %d columns, %zu bytes\n", ROWS, COLS,
         envelope.len);
  figure figs[4] = {bench_rows_decode(&envelope, 5 * scale), bench_rows_encode(&resp, 2 * scale),
                    bench_execute_encode(5000 * scale), bench_segments(&envelope, scale)};
  for (int i = 0; i < 4; i++)
    print_figure(&figs[i], json, i == 0);
  if (json) {
    fputs("]}\n", json);
    fclose(json);
  }
  cql_buf_free(&envelope);
  cql_buf_free(&content);
  return 0;
}
