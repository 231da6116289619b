/* Fuzzes the engine's CQL path: lexer, parser, binder and executors.
 *
 * The input is CQL text, one statement per line (at most 32), run against
 * a fresh engine that already has a keyspace, a user type and tables of
 * many types, so inserts, selects and schema changes get past name lookup.
 * A line starting with '!' is prepared and executed instead, every bind
 * marker given the same 4 bytes (a valid int, an invalid value for most
 * other types); a line starting with '~' runs with a page size of 2 and
 * follows up to 4 paging states. Every statement must answer a RESULT or an
 * ERROR, never crash, leak or trip a sanitizer. The engine lives from one
 * input to the next (see harness), so LeakSanitizer reports only what an
 * input itself leaks. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const char *const SETUP[] = {
    "CREATE KEYSPACE fz WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "USE fz",
    "CREATE TYPE u (a int, b text, c frozen<list<int>>)",
    "CREATE TABLE t (k int, c text, v int, s text static, l list<int>, m map<text, int>, "
    "st set<int>, tp tuple<int, text>, ud u, fu frozen<u>, PRIMARY KEY (k, c))",
    "CREATE TABLE cnt (k int PRIMARY KEY, n counter)",
    "CREATE TABLE w (a int, b int, c int, d blob, PRIMARY KEY ((a, b), c)) WITH CLUSTERING "
    "ORDER BY (c DESC)",
    "INSERT INTO t (k, c, v, s, l, m) VALUES (1, 'a', 1, 's', [1, 2], {'x': 1})",
    "INSERT INTO t (k, c, v) VALUES (1, 'b', 2)",
    "INSERT INTO t (k, c, v) VALUES (2, 'a', 3)",
};

static int64_t fixed_clock(void *ud) {
  (void)ud;
  return INT64_C(1700000000000000);
}

static void run(cql_engine *e, cql_engine_session *s, const char *q, size_t len) {
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_response r;
  memset(&r, 0, sizeof(r));
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  cql_slice text = {(const uint8_t *)q, len};
  if (len && q[0] == '!') {
    text.ptr++;
    text.len--;
    cql_engine_prepare(e, s, text, NULL, &a, &r);
    if (r.opcode == CQL_OP_RESULT && r.u.result.kind == CQL_RESULT_PREPARED) {
      static const uint8_t one[4] = {0, 0, 0, 1};
      int32_t n = r.u.result.u.prepared.metadata.columns_count;
      n = n < 0 ? 0 : n > 64 ? 64 : n;
      cql_value_arg vals[64];
      for (int32_t i = 0; i < n; i++)
        vals[i] = (cql_value_arg){{NULL, 0}, CQL_VALUE_SET, {one, sizeof(one)}};
      p.values = vals;
      p.n_values = (uint32_t)n;
      p.has_values = n > 0;
      cql_slice id = r.u.result.u.prepared.id;
      cql_response r2;
      memset(&r2, 0, sizeof(r2));
      cql_engine_execute(e, s, id, (cql_slice){NULL, 0}, &p, &a, &r2);
    }
  } else if (len && q[0] == '~') {
    text.ptr++;
    text.len--;
    p.has_page_size = true;
    p.page_size = 2;
    for (int page = 0; page < 4; page++) {
      cql_engine_query(e, s, text, &p, &a, &r);
      if (r.opcode != CQL_OP_RESULT || r.u.result.kind != CQL_RESULT_ROWS ||
          !r.u.result.u.rows.metadata.paging_state.len)
        break;
      p.has_paging_state = true;
      p.paging_state = r.u.result.u.rows.metadata.paging_state;
    }
  } else {
    cql_engine_query(e, s, text, &p, &a, &r);
  }
  if (r.opcode != CQL_OP_RESULT && r.opcode != CQL_OP_ERROR)
    abort();
  cql_arena_free(&a);
}

/* Building an engine and its schema costs far more than most inputs, so
 * one engine serves inputs until one of them changes its schema or data
 * or prepares a statement;
 * then the next input gets a fresh one. Every input thus starts from the
 * same state, and a crash reproduces from its input alone. */
typedef struct harness {
  cql_engine *e;
  size_t baseline_bytes;
  int schema_changes;
  bool prepared; /* the input prepared statements (they outlive it in the cache) */
} harness;

static harness H;

static void on_change(void *ud, const cql_schema_change *c) {
  (void)c;
  ((harness *)ud)->schema_changes++;
}

static bool fresh_engine(harness *h) {
  if (h->e)
    cql_engine_free(h->e);
  h->e = NULL;
  cql_engine_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.clock = fixed_clock;
  cfg.max_store_bytes = 1 << 20;
  cfg.on_schema_change = on_change;
  cfg.schema_ud = h;
  if (cql_engine_new(&cfg, &h->e) != CQL_OK)
    return false;
  cql_engine_session s;
  cql_engine_session_init(&s, 5);
  for (size_t i = 0; i < sizeof(SETUP) / sizeof(SETUP[0]); i++)
    run(h->e, &s, SETUP[i], strlen(SETUP[i]));
  h->baseline_bytes = cql_engine_store_bytes(h->e);
  h->schema_changes = 0;
  h->prepared = false;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  harness *h = &H;
  if ((!h->e || h->schema_changes || h->prepared ||
       cql_engine_store_bytes(h->e) != h->baseline_bytes) &&
      !fresh_engine(h))
    return 0;
  cql_engine_session s;
  cql_engine_session_init(&s, 5);
  run(h->e, &s, "USE fz", 6);
  char *copy = malloc(size + 1);
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  copy[size] = 0;
  size_t start = 0;
  int lines = 0;
  for (size_t i = 0; i <= size && lines < 32; i++) {
    if (i == size || copy[i] == '\n') {
      h->prepared |= copy[start] == '!';
      run(h->e, &s, copy + start, i - start);
      start = i + 1;
      lines++;
    }
  }
  free(copy);
  return 0;
}
