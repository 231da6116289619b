/* cqlkit through the typed functions cqlkit-gen writes from
 * bench/schema.cql and bench/queries.cql: parameters are plain structs,
 * rows arrive decoded into bench_*_row structs, and each function prepares
 * its statement once per session. The workloads, options and report are
 * those of every benchmark client (bench_common.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bench_common.h"
#include "bench_cql.h"
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
  slot *slots;
  long total, sent, done, errors, rows;
  bool measuring;
  bench_run mark;
  bench_lat lat;
  uint64_t last_page_ns;
  long long checksum; /* keeps decoded values alive */
  int protocol;
  /* the constant values of a wide row, in the generated types */
  cql_slice name, tags[3], attr_keys[3];
  int32_t attr_values[3];
  cql_uuid uid;
  bench_address addr;
};

_Noreturn static void die(const char *what, cql_status st) {
  fprintf(stderr, "cqlkit_typed: %s: %s\n", what, cql_status_name(st));
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

static void count_error(bench *b, cql_status st) {
  if (st != CQL_OK && b->errors++ == 0)
    fprintf(stderr, "cqlkit_typed: first error: %s\n", cql_status_name(st));
}

/* ---- the pipelined workloads ----------------------------------------------- */

/* Fills the parameters of a wide row with key `id_`: the insert and the
 * batch statement have the same markers, so the same fields. */
#define SET_WIDE_PARAMS(p, b, id_)                                                                 \
  do {                                                                                             \
    CQLGEN_SET(p, id, id_);                                                                        \
    CQLGEN_SET(p, name, (b)->name);                                                                \
    CQLGEN_SET(p, n, BENCH_N);                                                                     \
    CQLGEN_SET(p, uid, (b)->uid);                                                                  \
    CQLGEN_SET(p, ts, BENCH_TS);                                                                   \
    CQLGEN_SET(p, score, BENCH_SCORE);                                                             \
    CQLGEN_SET(p, payload, (cql_slice){bench_payload, BENCH_PAYLOAD_LEN});                         \
    CQLGEN_SET(p, tags, (bench_set_text){.count = 3, .items = (b)->tags});                         \
    CQLGEN_SET(                                                                                    \
        p, attrs,                                                                                  \
        (bench_map_text_int){.count = 3, .keys = (b)->attr_keys, .values = (b)->attr_values});     \
    CQLGEN_SET(p, addr, (b)->addr);                                                                \
  } while (0)

static void completed(bench *b, slot *s);

static void on_kv(cql_status status, const bench_get_kv_row *row, const cql_result *result,
                  void *ud) {
  (void)result;
  slot *s = ud;
  count_error(s->b, status);
  if (status == CQL_OK && row)
    s->b->checksum += row->id + (long long)row->name.len + row->score;
  else if (status == CQL_OK)
    count_error(s->b, CQL_E_NOT_FOUND);
  completed(s->b, s);
}

static void on_exec(cql_status status, const cql_result *result, void *ud) {
  (void)result;
  slot *s = ud;
  count_error(s->b, status);
  completed(s->b, s);
}

static cql_status submit(bench *b, slot *s, long i) {
  switch (b->o.workload) {
  case BENCH_SELECT: {
    bench_get_kv_params p = {0};
    CQLGEN_SET(p, id, (int32_t)(i % BENCH_KV_ROWS));
    return bench_get_kv(b->session, &p, on_kv, s);
  }
  case BENCH_INSERT: {
    bench_insert_wide_params p = {0};
    SET_WIDE_PARAMS(p, b, i);
    return bench_insert_wide(b->session, &p, on_exec, s);
  }
  default: {
    bench_batch_wide_batch *batch = NULL;
    check(bench_batch_wide_batch_new(CQL_BATCH_UNLOGGED, &batch), "batch");
    for (int k = 0; k < BENCH_BATCH_SIZE; k++) {
      bench_batch_wide_params p = {0};
      SET_WIDE_PARAMS(p, b, (int64_t)i * BENCH_BATCH_SIZE + k);
      check(bench_batch_wide_batch_add(batch, &p), "batch add");
    }
    cql_status st = bench_batch_wide_batch_execute(b->session, batch, on_exec, s);
    bench_batch_wide_batch_free(batch);
    return st;
  }
  }
}

static void submit_next(bench *b, slot *s) {
  long i = b->sent++;
  s->sent_ns = bench_now_ns();
  check(submit(b, s, i), "execute");
}

static void completed(bench *b, slot *s) {
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

/* The generated decoder filled every column; walk the collections too. */
static long long use_row(const bench_scan_all_row *r) {
  long long sum = r->id + r->n + r->ts + (long long)r->name.len + (long long)r->payload.len +
                  r->uid.bytes[0] + (long long)r->score + r->addr.zip +
                  (long long)r->addr.street.len + (long long)r->addr.city.len;
  bench_set_text_iter ti;
  cql_slice s;
  if (bench_set_text_iter_init(&ti, &r->tags) == CQL_OK)
    while (bench_set_text_next(&ti, &s))
      sum += (long long)s.len;
  bench_map_text_int_iter mi;
  int32_t v;
  if (bench_map_text_int_iter_init(&mi, &r->attrs) == CQL_OK)
    while (bench_map_text_int_next(&mi, &s, &v))
      sum += (long long)s.len + v;
  if (bench_set_text_iter_status(&ti) != CQL_OK || bench_map_text_int_iter_status(&mi) != CQL_OK)
    return -1;
  return sum;
}

static void on_page(cql_pager *pager, const bench_scan_all_row *rows, size_t n_rows,
                    const cql_result *page, void *ud) {
  (void)page;
  bench *b = ud;
  for (size_t i = 0; i < n_rows; i++) {
    long long sum = use_row(&rows[i]);
    if (sum < 0)
      count_error(b, CQL_E_BAD_VALUE);
    b->checksum += sum;
  }
  if (!b->measuring) { /* the warm-up is the first page */
    cql_pager_cancel(pager);
    return;
  }
  uint64_t now = bench_now_ns();
  bench_lat_add(&b->lat, now - b->last_page_ns);
  b->last_page_ns = now;
  b->rows += (long)n_rows;
}

static void on_scan_done(cql_status status, const cql_result *error, void *ud) {
  (void)error;
  bench *b = ud;
  if (!b->measuring) {
    if (status != CQL_E_CANCELLED && status != CQL_OK)
      die("scan", status);
    start_measuring(b);
    check(bench_scan_all(b->session, b->o.page_size, on_page, on_scan_done, b), "scan");
    return;
  }
  count_error(b, status);
  finish(b);
}

/* ---- connecting ---------------------------------------------------------------- */

static void on_connect(cql_session *s, cql_status st, const char *message, void *ud) {
  bench *b = ud;
  if (st != CQL_OK) {
    fprintf(stderr, "cqlkit_typed: connect: %s: %s\n", cql_status_name(st), message ? message : "");
    exit(1);
  }
  (void)s;
  if (b->o.workload == BENCH_SCAN)
    check(bench_scan_all(b->session, b->o.page_size, on_page, on_scan_done, b), "scan");
  else
    start_pipelined(b);
}

int main(int argc, char **argv) {
  static bench b; /* large and long-lived: keep it off the stack */
  bench_options_parse(&b.o, argc, argv, "cqlkit_typed");
  if (b.o.workload > BENCH_SCAN) {
    fprintf(stderr, "cqlkit_typed: the load workloads are the raw client's\n");
    return 2;
  }
  b.name = cql_slice_from_cstr(BENCH_NAME);
  memcpy(b.uid.bytes, bench_uid, 16);
  b.addr = (bench_address){.street = cql_slice_from_cstr(BENCH_STREET),
                           .city = cql_slice_from_cstr(BENCH_CITY),
                           .zip = BENCH_ZIP};
  for (int i = 0; i < 3; i++) {
    b.tags[i] = cql_slice_from_cstr(bench_tags[i]);
    b.attr_keys[i] = cql_slice_from_cstr(bench_attr_keys[i]);
    b.attr_values[i] = i + 1;
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
  check(cql_session_connect(&b.loop, cfg, on_connect, &b, &b.session), "connect");
  cql_config_free(cfg);
  uv_run(&b.loop, UV_RUN_DEFAULT);
  long requests = b.o.workload == BENCH_SCAN ? (long)b.lat.n : b.o.n;
  long rows = b.o.workload == BENCH_SCAN    ? b.rows
              : b.o.workload == BENCH_BATCH ? b.o.n * BENCH_BATCH_SIZE
                                            : b.o.n;
  bench_report("cqlkit-typed", &b.o, &b.mark, &b.lat, requests, rows, b.errors, b.protocol);
  free(b.slots);
  bench_lat_free(&b.lat);
  uv_loop_close(&b.loop);
  return b.errors ? 1 : 0;
}
