/* What every C benchmark client shares: the command line, the workload
 * definitions (tables, statements, the constant row values), latency
 * recording and the one-line JSON report the harness reads.
 *
 * The same definitions exist in the Python, Node.js and Go clients
 * (bench/clients/); bench/harness/workloads.py is the source of truth for
 * the schema and the statements, and passes nothing else to the clients
 * than the options parsed here. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Workloads. The load-* ones fill tables before a measured run. */
typedef enum bench_workload {
  BENCH_SELECT = 0, /* prepared SELECT of one bench.kv row by key */
  BENCH_INSERT,     /* prepared INSERT of one 10-column bench.wide row */
  BENCH_BATCH,      /* UNLOGGED batches of BENCH_BATCH_SIZE such inserts */
  BENCH_SCAN,       /* every row of bench.scan, page by page */
  BENCH_LOAD_KV,    /* fills bench.kv (rows 0..n-1) */
  BENCH_LOAD_SCAN,  /* fills bench.scan (rows 0..n-1) */
  BENCH_LOAD_WIDE   /* fills bench.wide (rows 0..n-1), so that inserts overwrite */
} bench_workload;

enum {
  BENCH_KV_ROWS = 10000,  /* select keys cycle over 0..BENCH_KV_ROWS-1 */
  BENCH_BATCH_SIZE = 50,  /* statements per batch */
  BENCH_PAYLOAD_LEN = 256 /* bytes of the blob column */
};

#define BENCH_Q_SELECT "SELECT id, name, score FROM bench.kv WHERE id = ?"
#define BENCH_Q_LOAD_KV "INSERT INTO bench.kv (id, name, score) VALUES (?, ?, ?)"
#define BENCH_WIDE_COLUMNS "id, name, n, uid, ts, score, payload, tags, attrs, addr"
#define BENCH_Q_INSERT                                                                             \
  "INSERT INTO bench.wide (" BENCH_WIDE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define BENCH_Q_LOAD_SCAN                                                                          \
  "INSERT INTO bench.scan (" BENCH_WIDE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define BENCH_Q_SCAN "SELECT " BENCH_WIDE_COLUMNS " FROM bench.scan"

/* The constant values of a wide row; only the key `id` changes. */
#define BENCH_NAME "bench-user@example.com"
#define BENCH_N 42
#define BENCH_TS INT64_C(1700000000000)
#define BENCH_SCORE 3.25
#define BENCH_STREET "1 Main St"
#define BENCH_CITY "Springfield"
#define BENCH_ZIP 12345
extern const char *const bench_tags[3];          /* set<text> {"blue","green","red"} */
extern const char *const bench_attr_keys[3];     /* map<text,int> {"a":1,"b":2,"c":3} */
extern const uint8_t bench_uid[16];              /* uuid */
extern uint8_t bench_payload[BENCH_PAYLOAD_LEN]; /* filled by bench_options_parse */

/* kv rows: name "kv-<id>", score id * 10. */
#define BENCH_KV_NAME_FMT "kv-%d"

typedef struct bench_options {
  const char *host;
  int port;
  bench_workload workload;
  const char *workload_name;
  long n;          /* requests: statements, batches, rows to load; scan: ignored */
  int concurrency; /* requests in flight */
  int page_size;   /* scan */
  int protocol;    /* 0: the client's default */
  long warmup;     /* requests before the measured phase */
  const char *ddl; /* raw client only: a CQL file to run, then exit */
} bench_options;

/* Parses argv; prints usage and exits on a mistake. */
void bench_options_parse(bench_options *o, int argc, char **argv, const char *client);

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* User + system CPU seconds of this process so far. */
double bench_cpu_seconds(void);

/* Heap allocations so far when the counting allocator (alloc_count.so) is
 * preloaded, else -1. */
long long bench_alloc_count(void);

/* Latencies in microseconds, kept whole and sorted for percentiles. */
typedef struct bench_lat {
  uint32_t *us;
  size_t n, cap;
} bench_lat;

void bench_lat_init(bench_lat *l, size_t expected);
void bench_lat_add(bench_lat *l, uint64_t ns);
void bench_lat_free(bench_lat *l);

/* The measured phase: marks at its start and end. */
typedef struct bench_run {
  uint64_t t0_ns, t1_ns;
  double cpu0;
  long long allocs0, allocs1;
  void *alloc_get_; /* private */
} bench_run;

void bench_run_start(bench_run *r);
void bench_run_stop(bench_run *r);

/* Prints the report line: {"client":..., "workload":..., "requests":...,
 * "rows":..., "errors":..., "elapsed_s":..., "cpu_setup_s":..., "p50_us",
 * "p99_us", "p999_us", "protocol", "allocs"}. Sorts `l`. */
void bench_report(const char *client, const bench_options *o, const bench_run *r, bench_lat *l,
                  long requests, long rows, long errors, int protocol);

#endif
