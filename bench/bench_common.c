/* Shared pieces of the C benchmark clients; see bench_common.h. */
#define _GNU_SOURCE
#include "bench_common.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

const char *const bench_tags[3] = {"blue", "green", "red"};
const char *const bench_attr_keys[3] = {"a", "b", "c"};
const uint8_t bench_uid[16] = {0x5f, 0x2c, 0x8e, 0x10, 0x3a, 0x7b, 0x4d, 0x21,
                               0x9c, 0x04, 0x61, 0xe2, 0xb3, 0x55, 0x0d, 0x9a};
uint8_t bench_payload[BENCH_PAYLOAD_LEN];

static const char *const workload_names[] = {"select",  "insert",    "batch",    "scan",
                                             "load-kv", "load-scan", "load-wide"};

_Noreturn static void usage(const char *client) {
  fprintf(stderr,
          "usage: %s --port P [--host H] --workload select|insert|batch|scan|load-kv|load-scan|"
          "load-wide\n"
          "          [--n N] [--concurrency C] [--page-size S] [--protocol 4|5] [--warmup W]\n"
          "          [--ddl FILE]\n",
          client);
  exit(2);
}

static long parse_long(const char *client, const char *s) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < 0)
    usage(client);
  return v;
}

static int parse_workload(const char *client, const char *s) {
  for (size_t i = 0; i < sizeof(workload_names) / sizeof(workload_names[0]); i++)
    if (strcmp(s, workload_names[i]) == 0)
      return (int)i;
  usage(client);
}

void bench_options_parse(bench_options *o, int argc, char **argv, const char *client) {
  *o = (bench_options){.host = "127.0.0.1",
                       .n = 20000,
                       .concurrency = 256,
                       .page_size = 5000,
                       .warmup = -1,
                       .workload_name = "select"};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc)
      usage(client);
    const char *v = argv[++i];
    if (strcmp(a, "--host") == 0)
      o->host = v;
    else if (strcmp(a, "--port") == 0)
      o->port = (int)parse_long(client, v);
    else if (strcmp(a, "--workload") == 0)
      o->workload = (bench_workload)parse_workload(client, v), o->workload_name = v;
    else if (strcmp(a, "--n") == 0)
      o->n = parse_long(client, v);
    else if (strcmp(a, "--concurrency") == 0)
      o->concurrency = (int)parse_long(client, v);
    else if (strcmp(a, "--page-size") == 0)
      o->page_size = (int)parse_long(client, v);
    else if (strcmp(a, "--protocol") == 0)
      o->protocol = (int)parse_long(client, v);
    else if (strcmp(a, "--warmup") == 0)
      o->warmup = parse_long(client, v);
    else if (strcmp(a, "--ddl") == 0)
      o->ddl = v;
    else
      usage(client);
  }
  if (o->port <= 0 || o->concurrency <= 0 || o->page_size <= 0)
    usage(client);
  if (o->warmup < 0) /* default: a tenth of the run, at most 2,000 */
    o->warmup = o->n / 10 < 2000 ? o->n / 10 : 2000;
  for (int i = 0; i < BENCH_PAYLOAD_LEN; i++)
    bench_payload[i] = (uint8_t)(i * 7 + 1);
}

uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bench_cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

long long bench_alloc_count(void) {
  /* Looked up at run time so the clients need no link dependency on the
   * counting allocator, and report -1 without it. */
  long long (*get)(void);
  *(void **)&get = dlsym(RTLD_DEFAULT, "bench_alloc_count_get");
  return get ? get() : -1;
}

/* bench_alloc_count() without the lookup, whose own allocations must not
 * land inside the measured phase. */
static long long alloc_count_cached(bench_run *r) {
  if (!r->alloc_get_)
    return -1;
  long long (*get)(void);
  *(void **)&get = r->alloc_get_;
  return get();
}

void bench_lat_init(bench_lat *l, size_t expected) {
  l->n = 0;
  l->cap = expected ? expected : 1024;
  l->us = malloc(l->cap * sizeof(*l->us));
  if (!l->us) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
}

void bench_lat_add(bench_lat *l, uint64_t ns) {
  if (l->n == l->cap) {
    l->cap *= 2;
    uint32_t *p = realloc(l->us, l->cap * sizeof(*l->us));
    if (!p) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
    l->us = p;
  }
  uint64_t us = ns / 1000;
  l->us[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

void bench_lat_free(bench_lat *l) {
  free(l->us);
  l->us = NULL;
  l->n = l->cap = 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static uint32_t percentile(const bench_lat *l, double q) {
  if (l->n == 0)
    return 0;
  size_t i = (size_t)(q * (double)(l->n - 1) + 0.5);
  return l->us[i < l->n ? i : l->n - 1];
}

void bench_run_start(bench_run *r) {
  r->alloc_get_ = dlsym(RTLD_DEFAULT, "bench_alloc_count_get");
  r->allocs0 = alloc_count_cached(r);
  r->cpu0 = bench_cpu_seconds();
  r->t0_ns = bench_now_ns();
}

void bench_run_stop(bench_run *r) {
  r->t1_ns = bench_now_ns();
  r->allocs1 = alloc_count_cached(r);
}

void bench_report(const char *client, const bench_options *o, const bench_run *r, bench_lat *l,
                  long requests, long rows, long errors, int protocol) {
  qsort(l->us, l->n, sizeof(*l->us), cmp_u32);
  long long allocs = r->allocs0 >= 0 ? r->allocs1 - r->allocs0 : -1;
  printf("{\"client\": \"%s\", \"workload\": \"%s\", \"requests\": %ld, \"rows\": %ld, "
         "\"errors\": %ld, \"elapsed_s\": %.6f, \"cpu_setup_s\": %.6f, \"p50_us\": %u, "
         "\"p99_us\": %u, \"p999_us\": %u, \"protocol\": %d, \"allocs\": %lld}\n",
         client, o->workload_name, requests, rows, errors, (double)(r->t1_ns - r->t0_ns) / 1e9,
         r->cpu0, percentile(l, 0.50), percentile(l, 0.99), percentile(l, 0.999), protocol, allocs);
  fflush(stdout);
}
