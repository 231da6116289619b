/* cqlkit through its generic runtime API: a session on one libuv loop,
 * prepared statements bound value by value, results read with the typed
 * getters, the scan streamed with a pager. The workloads, options and
 * report are those of every benchmark client (bench_common.h).
 *
 * Like an application would, each request binds all its values again
 * (collections and the UDT through a reused cql_writer) and each batch is
 * built from scratch. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bench_common.h"
#include "cqlkit/cqlkit.h"

typedef struct bench bench;

/* One request in flight: when it was sent. */
typedef struct slot {
  bench *b;
  uint64_t sent_ns;
} slot;

struct bench {
  uv_loop_t loop;
  bench_options o;
  cql_session *session;
  cql_prepared *prepared;
  cql_statement *st;
  cql_writer *w;
  slot *slots;
  long total, sent, done, errors, rows;
  bool measuring;
  bench_run mark;
  bench_lat lat;
  uint64_t last_page_ns;
  long long checksum; /* keeps decoded values alive */
  int protocol;
};

_Noreturn static void die(const char *what, cql_status st) {
  fprintf(stderr, "cqlkit_generic: %s: %s\n", what, cql_status_name(st));
  exit(1);
}

static void check(cql_status st, const char *what) {
  if (st != CQL_OK)
    die(what, st);
}

static void start_measuring(bench *b) {
  b->measuring = true;
  b->lat.n = 0;
  b->rows = 0;
  bench_run_start(&b->mark);
  b->last_page_ns = b->mark.t0_ns;
}

static void finish(bench *b) {
  bench_run_stop(&b->mark);
  cql_session_metrics m;
  cql_session_get_metrics(b->session, &m);
  b->protocol = m.protocol_version;
  cql_session_close(b->session, NULL, NULL);
}

/* ---- binding ------------------------------------------------------------ */

static void bind_writer(bench *b, size_t i) { check(cql_bind_writer(b->st, i, b->w), "bind"); }

/* The ten values of a wide row with key `id`. */
static void bind_wide(bench *b, int64_t id) {
  cql_statement *st = b->st;
  check(cql_bind_bigint(st, 0, id), "bind id");
  check(cql_bind_text(st, 1, BENCH_NAME, strlen(BENCH_NAME)), "bind name");
  check(cql_bind_int(st, 2, BENCH_N), "bind n");
  cql_uuid uid;
  memcpy(uid.bytes, bench_uid, 16);
  check(cql_bind_uuid(st, 3, &uid), "bind uid");
  check(cql_bind_timestamp(st, 4, BENCH_TS), "bind ts");
  check(cql_bind_double(st, 5, BENCH_SCORE), "bind score");
  check(cql_bind_blob(st, 6, bench_payload, BENCH_PAYLOAD_LEN), "bind payload");
  cql_writer *w = b->w;
  cql_writer_reset(w);
  cql_write_list_begin(w, 3);
  for (int k = 0; k < 3; k++)
    cql_write_bytes(w, bench_tags[k], strlen(bench_tags[k]));
  cql_write_end(w);
  bind_writer(b, 7);
  cql_writer_reset(w);
  cql_write_map_begin(w, 3);
  for (int k = 0; k < 3; k++) {
    cql_write_bytes(w, bench_attr_keys[k], strlen(bench_attr_keys[k]));
    cql_write_int(w, k + 1);
  }
  cql_write_end(w);
  bind_writer(b, 8);
  cql_writer_reset(w);
  cql_write_tuple_begin(w);
  cql_write_bytes(w, BENCH_STREET, strlen(BENCH_STREET));
  cql_write_bytes(w, BENCH_CITY, strlen(BENCH_CITY));
  cql_write_int(w, BENCH_ZIP);
  cql_write_end(w);
  bind_writer(b, 9);
}

/* ---- the pipelined workloads ----------------------------------------------- */

static void on_result(const cql_result *r, void *ud);

static cql_status submit(bench *b, slot *s, long i) {
  switch (b->o.workload) {
  case BENCH_SELECT:
    check(cql_bind_int(b->st, 0, (int32_t)(i % BENCH_KV_ROWS)), "bind key");
    return cql_session_execute(b->session, b->st, on_result, s);
  case BENCH_INSERT:
    bind_wide(b, i);
    return cql_session_execute(b->session, b->st, on_result, s);
  default: {
    cql_batch *batch = NULL;
    check(cql_batch_new(&batch, CQL_BATCH_UNLOGGED, NULL), "batch");
    for (int k = 0; k < BENCH_BATCH_SIZE; k++) {
      bind_wide(b, (int64_t)i * BENCH_BATCH_SIZE + k);
      check(cql_batch_add(batch, b->st), "batch add");
    }
    cql_status st = cql_session_execute_batch(b->session, batch, on_result, s);
    cql_batch_free(batch);
    return st;
  }
  }
}

static void submit_next(bench *b, slot *s) {
  long i = b->sent++;
  s->sent_ns = bench_now_ns();
  check(submit(b, s, i), "execute");
}

/* Reads the selected kv row like an application would. */
static void read_kv(bench *b, const cql_result *r) {
  int32_t id = 0;
  cql_slice name = {0};
  int64_t score = 0;
  if (cql_result_row_count(r) != 1 || cql_result_get_int(r, 0, 0, &id) != CQL_OK ||
      cql_result_get_text(r, 0, 1, &name) != CQL_OK ||
      cql_result_get_bigint(r, 0, 2, &score) != CQL_OK) {
    b->errors++;
    return;
  }
  b->checksum += id + (long long)name.len + score;
}

static void on_result(const cql_result *r, void *ud) {
  slot *s = ud;
  bench *b = s->b;
  cql_status st = cql_result_status(r);
  if (st != CQL_OK) {
    const cql_error_info *e = cql_result_error(r);
    if (b->errors++ == 0)
      fprintf(stderr, "cqlkit_generic: first error: %s: %s\n", cql_status_name(st),
              e && e->message ? e->message : "");
  } else if (b->o.workload == BENCH_SELECT) {
    read_kv(b, r);
  }
  if (b->measuring && s->sent_ns >= b->mark.t0_ns) /* sent inside the measured phase */
    bench_lat_add(&b->lat, bench_now_ns() - s->sent_ns);
  b->done++;
  if (!b->measuring && b->done == b->total - b->o.n)
    start_measuring(b);
  if (b->sent < b->total)
    submit_next(b, s);
  else if (b->done == b->total)
    finish(b);
}

static void start_pipelined(bench *b) {
  check(cql_prepared_bind(b->prepared, &b->st), "bind");
  b->total = b->o.n + b->o.warmup;
  b->slots = calloc((size_t)b->o.concurrency, sizeof(*b->slots));
  if (b->o.warmup == 0)
    start_measuring(b);
  long first = b->total < b->o.concurrency ? b->total : b->o.concurrency;
  for (long k = 0; k < first; k++) {
    b->slots[k].b = b;
    submit_next(b, &b->slots[k]);
  }
}

/* ---- the scan ---------------------------------------------------------------- */

/* Every column of every row into its C form. */
static void read_wide_row(bench *b, const cql_result *r, size_t row) {
  int64_t id = 0, ts = 0;
  int32_t n = 0;
  double score = 0;
  cql_slice name, payload, v;
  cql_uuid uid;
  bool ok = cql_result_get_bigint(r, row, 0, &id) == CQL_OK &&
            cql_result_get_text(r, row, 1, &name) == CQL_OK &&
            cql_result_get_int(r, row, 2, &n) == CQL_OK &&
            cql_result_get_uuid(r, row, 3, &uid) == CQL_OK &&
            cql_result_get_bigint(r, row, 4, &ts) == CQL_OK &&
            cql_result_get_double(r, row, 5, &score) == CQL_OK &&
            cql_result_get_blob(r, row, 6, &payload) == CQL_OK;
  long long sum = id + ts + n + (long long)name.len + (long long)payload.len + uid.bytes[0];
  const cql_type *t;
  bool is_null;
  for (size_t col = 7; ok && col <= 9; col++) {
    cql_elements it;
    ok = cql_result_get_elements(r, row, col, &it) == CQL_OK;
    for (uint32_t k = 0; ok && cql_elements_next(&it, &t, &v, &is_null); k++) {
      /* map values and the UDT's zip are ints; the rest is text */
      if ((col == 8 && (k & 1)) || (col == 9 && k == 2)) {
        int32_t i32 = 0;
        ok = cql_decode_int(v, &i32) == CQL_OK;
        sum += i32;
      } else {
        cql_slice text = {0};
        ok = cql_decode_text(v, &text) == CQL_OK;
        sum += (long long)text.len;
      }
    }
    ok = ok && cql_elements_status(&it) == CQL_OK;
  }
  if (!ok)
    b->errors++;
  b->checksum += sum + (long long)score;
}

static void on_page(cql_pager *p, const cql_result *page, void *ud) {
  (void)p;
  bench *b = ud;
  size_t rows = cql_result_row_count(page);
  for (size_t i = 0; i < rows; i++)
    read_wide_row(b, page, i);
  uint64_t now = bench_now_ns();
  if (b->measuring) {
    bench_lat_add(&b->lat, now - b->last_page_ns);
    b->last_page_ns = now;
    b->rows += (long)rows;
  }
}

static void start_scan(bench *b);

static void on_scan_done(cql_pager *p, cql_status status, const cql_result *err, void *ud) {
  (void)p;
  (void)err;
  bench *b = ud;
  if (status != CQL_OK)
    die("scan", status);
  if (!b->measuring) { /* that was the one-page warm-up */
    start_measuring(b);
    start_scan(b);
    return;
  }
  finish(b);
}

static void start_scan(bench *b) {
  cql_statement *st = NULL;
  check(cql_prepared_bind(b->prepared, &st), "bind");
  check(cql_statement_set_page_size(st, b->o.page_size), "page size");
  cql_pager_options po = {.max_buffered_pages = 2,
                          .max_pages = b->measuring ? 0 : 1,
                          .on_page = on_page,
                          .on_done = on_scan_done,
                          .ud = b};
  check(cql_session_page(b->session, st, &po, NULL), "page");
  cql_statement_free(st);
}

/* ---- connecting ---------------------------------------------------------------- */

static void on_prepared(cql_prepared *p, const cql_result *r, void *ud) {
  bench *b = ud;
  if (!p)
    die("prepare", r ? cql_result_status(r) : CQL_E_BAD_STATE);
  b->prepared = p;
  if (b->o.workload == BENCH_SCAN)
    start_scan(b);
  else
    start_pipelined(b);
}

static const char *query_of(bench_workload w) {
  switch (w) {
  case BENCH_SELECT:
    return BENCH_Q_SELECT;
  case BENCH_INSERT:
  case BENCH_BATCH:
    return BENCH_Q_INSERT;
  case BENCH_SCAN:
    return BENCH_Q_SCAN;
  default:
    return NULL;
  }
}

static void on_connect(cql_session *s, cql_status st, const char *message, void *ud) {
  bench *b = ud;
  if (st != CQL_OK) {
    fprintf(stderr, "cqlkit_generic: connect: %s: %s\n", cql_status_name(st),
            message ? message : "");
    exit(1);
  }
  check(cql_session_prepare(s, query_of(b->o.workload), on_prepared, b), "prepare");
}

int main(int argc, char **argv) {
  static bench b; /* large and long-lived: keep it off the stack */
  bench_options_parse(&b.o, argc, argv, "cqlkit_generic");
  if (!query_of(b.o.workload)) {
    fprintf(stderr, "cqlkit_generic: the load workloads are the raw client's\n");
    return 2;
  }
  bench_lat_init(&b.lat, b.o.workload == BENCH_SCAN ? 1024 : (size_t)b.o.n);
  uv_loop_init(&b.loop);
  cql_config *cfg = NULL;
  check(cql_config_new(&cfg, NULL), "config");
  check(cql_config_set_contact_points(cfg, b.o.host), "contact points");
  check(cql_config_set_port(cfg, (uint16_t)b.o.port), "port");
  if (b.o.protocol)
    check(cql_config_set_protocol_versions(cfg, b.o.protocol, b.o.protocol), "protocol");
  check(cql_config_set_request_timeout(cfg, 60000), "timeout");
  check(cql_config_set_consistency(cfg, CQL_CONSISTENCY_LOCAL_ONE), "consistency");
  check(cql_writer_new(&b.w, NULL), "writer");
  check(cql_session_connect(&b.loop, cfg, on_connect, &b, &b.session), "connect");
  cql_config_free(cfg);
  uv_run(&b.loop, UV_RUN_DEFAULT);
  long requests = b.o.workload == BENCH_SCAN ? (long)b.lat.n : b.o.n;
  long rows = b.o.workload == BENCH_SCAN    ? b.rows
              : b.o.workload == BENCH_BATCH ? b.o.n * BENCH_BATCH_SIZE
                                            : b.o.n;
  bench_report("cqlkit-generic", &b.o, &b.mark, &b.lat, requests, rows, b.errors, b.protocol);
  cql_statement_free(b.st);
  cql_prepared_release(b.prepared);
  cql_writer_free(b.w);
  free(b.slots);
  bench_lat_free(&b.lat);
  uv_loop_close(&b.loop);
  return b.errors ? 1 : 0;
}
