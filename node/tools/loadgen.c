/* cqlkit-node-load: a small raw load generator for a CQL node.
 *
 *   cqlkit-node-load --port N [--host 127.0.0.1] [--conns 2] [--depth 128]
 *                    [--seconds 5] [--version 5] [--lz4]
 *
 * Creates kb.t (k int PRIMARY KEY, v text) with 1000 rows, prepares
 * "SELECT v FROM kb.t WHERE k = ?" on every connection and keeps `depth`
 * EXECUTEs in flight per connection (one thread each) for `seconds`,
 * writing the replacements for every batch of answers in one write. Prints
 * requests per second. Uses only the protocol core (no driver). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "reader.h"
#include "request.h"
#include "response.h"
#include "segment.h"

typedef struct opts {
  const char *host;
  int port, conns, depth, seconds, version;
  bool lz4;
} opts;

typedef struct conn {
  const opts *o;
  int fd;
  cql_reader *rd;
  bool framed;
  cql_envelope last; /* the last answer, for the synchronous steps */
  bool have_last;
  bool counting; /* load phase: count and drop answers */
  uint64_t answers, errors;
  uint8_t id[64];
  size_t id_len;
  uint8_t md[64];
  size_t md_len;
} conn;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "cqlkit-node-load: %s\n", what);
  exit(1);
}

static void send_all(conn *c, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(c->fd, p, n);
    if (w <= 0)
      die("write failed");
    p += w;
    n -= (size_t)w;
  }
}

static cql_status on_answer(void *ud, cql_envelope *env) {
  conn *c = ud;
  if (c->counting) {
    c->answers++;
    if (env->header.opcode != CQL_OP_RESULT)
      c->errors++;
    cql_envelope_free(env);
    return CQL_OK;
  }
  if (c->o->version == 5 && !c->framed && env->header.opcode == CQL_OP_READY) {
    c->framed = true;
    cql_reader_set_framing(c->rd, true, c->o->lz4);
  }
  cql_envelope_free(&c->last);
  c->last = *env;
  c->have_last = true;
  return CQL_OK;
}

static void pump(conn *c) {
  static _Thread_local uint8_t buf[1 << 16];
  ssize_t r = read(c->fd, buf, sizeof(buf));
  if (r <= 0)
    die("connection closed");
  if (cql_reader_feed(c->rd, buf, (size_t)r, on_answer, c, NULL) != CQL_OK)
    die("bad answer");
}

/* Appends `env` (whole envelopes) to `wire` with the connection's framing. */
static void frame(conn *c, cql_buf *wire, const cql_buf *env) {
  if (c->framed)
    cql_segment_frame(wire, (cql_slice){env->data, env->len}, c->o->lz4);
  else
    cql_buf_put_raw(wire, env->data, env->len);
}

/* Sends one request and waits for its answer; returns the decoded one. */
static void call(conn *c, const cql_request *req, cql_arena *a, cql_response *r) {
  cql_buf env, wire;
  cql_buf_init(&env, NULL);
  cql_buf_init(&wire, NULL);
  bool v4lz4 = c->o->version == 4 && c->o->lz4 && req->opcode != CQL_OP_STARTUP;
  if (cql_request_encode(&env, (uint8_t)c->o->version, req, v4lz4) != CQL_OK)
    die("encode failed");
  frame(c, &wire, &env);
  send_all(c, wire.data, wire.len);
  cql_buf_free(&env);
  cql_buf_free(&wire);
  c->have_last = false;
  while (!c->have_last)
    pump(c);
  cql_arena_reset(a);
  if (cql_response_decode(&c->last.header, (cql_slice){c->last.body, c->last.len}, a, r, NULL) !=
      CQL_OK)
    die("cannot decode an answer");
  if (r->opcode == CQL_OP_ERROR) {
    fprintf(stderr, "cqlkit-node-load: server error: %.*s\n", (int)r->u.error.message.len,
            (const char *)r->u.error.message.ptr);
    exit(1);
  }
}

static void query(conn *c, const char *cql, cql_arena *a) {
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_QUERY;
  q.u.query.query = cql_slice_from_cstr(cql);
  q.u.query.params.consistency = 1;
  cql_response r;
  call(c, &q, a, &r);
}

static void open_conn(conn *c, const opts *o, cql_arena *a) {
  memset(c, 0, sizeof(*c));
  c->o = o;
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)o->port);
  inet_pton(AF_INET, o->host, &sa.sin_addr);
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
    die("cannot connect");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (cql_reader_new(&c->rd, NULL) != CQL_OK)
    die("no memory");
  cql_reader_set_v4_compression(c->rd, true);
  cql_pair opts_map[2] = {{cql_slice_from_cstr("CQL_VERSION"), cql_slice_from_cstr("3.4.5"), false},
                          {cql_slice_from_cstr("COMPRESSION"), cql_slice_from_cstr("lz4"), false}};
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_STARTUP;
  q.u.startup.options = opts_map;
  q.u.startup.n_options = o->lz4 ? 2 : 1;
  cql_response r;
  call(c, &q, a, &r);
}

static void prepare(conn *c, cql_arena *a) {
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_PREPARE;
  q.u.prepare.query = cql_slice_from_cstr("SELECT v FROM kb.t WHERE k = ?");
  cql_response r;
  call(c, &q, a, &r);
  c->id_len = r.u.result.u.prepared.id.len;
  memcpy(c->id, r.u.result.u.prepared.id.ptr, c->id_len);
  c->md_len = r.u.result.u.prepared.result_metadata_id.len;
  memcpy(c->md, r.u.result.u.prepared.result_metadata_id.ptr, c->md_len);
}

/* Appends `n` EXECUTEs with keys starting at *key. */
static void put_executes(conn *c, cql_buf *env, int n, uint32_t *key) {
  for (int i = 0; i < n; i++, (*key)++) {
    uint8_t k[4];
    cql_store_u32(k, *key % 1000);
    cql_value_arg v = {{NULL, 0}, CQL_VALUE_SET, {k, 4}};
    cql_request q;
    memset(&q, 0, sizeof(q));
    q.opcode = CQL_OP_EXECUTE;
    q.stream = (int16_t)(*key % 32768);
    q.u.execute.id = (cql_slice){c->id, c->id_len};
    q.u.execute.result_metadata_id = (cql_slice){c->md, c->md_len};
    q.u.execute.params.consistency = 1;
    q.u.execute.params.values = &v;
    q.u.execute.params.n_values = 1;
    q.u.execute.params.skip_metadata = true;
    bool v4lz4 = c->o->version == 4 && c->o->lz4;
    cql_request_encode(env, (uint8_t)c->o->version, &q, v4lz4);
  }
}

/* One EXECUTE answered synchronously must be the row of key 7: the load
 * measured real reads, not errors or empty results. */
static void verify(conn *c, cql_arena *a) {
  cql_buf env;
  cql_buf_init(&env, NULL);
  uint32_t key = 7;
  put_executes(c, &env, 1, &key);
  cql_envelope_free(&c->last);
  c->have_last = false;
  c->counting = false;
  cql_buf wire;
  cql_buf_init(&wire, NULL);
  frame(c, &wire, &env);
  send_all(c, wire.data, wire.len);
  while (!c->have_last)
    pump(c);
  cql_response r;
  cql_arena_reset(a);
  cql_header h = c->last.header;
  if (cql_response_decode2(&h, (cql_slice){c->last.body, c->last.len}, a, 0, &r, NULL) != CQL_OK ||
      r.opcode != CQL_OP_RESULT || r.u.result.kind != CQL_RESULT_ROWS ||
      r.u.result.u.rows.rows_count != 1)
    die("the verification read failed");
  cql_row_iter it;
  cql_cell cell;
  cql_row_iter_init(&it, &r.u.result);
  if (!cql_row_iter_next(&it, &cell) || !cql_slice_eq(cell.bytes, cql_slice_from_cstr("value7")))
    die("the verification read returned the wrong row");
  cql_buf_free(&env);
  cql_buf_free(&wire);
}

static void *run(void *arg) {
  conn *c = arg;
  cql_buf env, wire;
  cql_buf_init(&env, NULL);
  cql_buf_init(&wire, NULL);
  uint32_t key = 0;
  c->counting = true;
  put_executes(c, &env, c->o->depth, &key);
  frame(c, &wire, &env);
  send_all(c, wire.data, wire.len);
  uint64_t sent = (uint64_t)c->o->depth;
  double end = now_s() + c->o->seconds;
  while (c->answers < sent) {
    uint64_t before = c->answers;
    pump(c);
    int more = now_s() < end ? (int)(c->answers - before) : 0;
    if (more > 0) {
      cql_buf_reset(&env);
      cql_buf_reset(&wire);
      put_executes(c, &env, more, &key);
      frame(c, &wire, &env);
      send_all(c, wire.data, wire.len);
      sent += (uint64_t)more;
    }
  }
  cql_buf_free(&env);
  cql_buf_free(&wire);
  return NULL;
}

static int parse(int argc, char **argv, opts *o) {
  *o = (opts){"127.0.0.1", 9042, 2, 128, 5, 5, false};
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : "";
    if (strcmp(argv[i], "--lz4") == 0) {
      o->lz4 = true;
      continue;
    }
    if (strcmp(argv[i], "--host") == 0)
      o->host = v;
    else if (strcmp(argv[i], "--port") == 0)
      o->port = atoi(v);
    else if (strcmp(argv[i], "--conns") == 0)
      o->conns = atoi(v);
    else if (strcmp(argv[i], "--depth") == 0)
      o->depth = atoi(v);
    else if (strcmp(argv[i], "--seconds") == 0)
      o->seconds = atoi(v);
    else if (strcmp(argv[i], "--version") == 0)
      o->version = atoi(v);
    else
      return -1;
    i++;
  }
  if (o->conns < 1 || o->conns > 64 || o->depth < 1 || o->depth > 4096 ||
      (o->version != 4 && o->version != 5))
    return -1;
  return 0;
}

int main(int argc, char **argv) {
  opts o;
  if (parse(argc, argv, &o) != 0) {
    fprintf(stderr, "usage: cqlkit-node-load --port N [--host H] [--conns N] [--depth N] "
                    "[--seconds N] [--version 4|5] [--lz4]\n");
    return 2;
  }
  cql_arena a;
  cql_arena_init(&a, NULL);
  conn *cs = calloc((size_t)o.conns, sizeof(*cs));
  if (!cs)
    die("no memory");
  open_conn(&cs[0], &o, &a);
  query(&cs[0],
        "CREATE KEYSPACE IF NOT EXISTS kb WITH replication = {'class': 'SimpleStrategy', "
        "'replication_factor': 1}",
        &a);
  query(&cs[0], "CREATE TABLE IF NOT EXISTS kb.t (k int PRIMARY KEY, v text)", &a);
  for (int k = 0; k < 1000; k++) {
    char q[128];
    snprintf(q, sizeof(q), "INSERT INTO kb.t (k, v) VALUES (%d, 'value%d')", k, k);
    query(&cs[0], q, &a);
  }
  for (int i = 0; i < o.conns; i++) {
    if (i > 0)
      open_conn(&cs[i], &o, &a);
    prepare(&cs[i], &a);
  }
  pthread_t *th = calloc((size_t)o.conns, sizeof(*th));
  double t0 = now_s();
  for (int i = 0; i < o.conns; i++)
    pthread_create(&th[i], NULL, run, &cs[i]);
  uint64_t total = 0, errors = 0;
  for (int i = 0; i < o.conns; i++) {
    pthread_join(th[i], NULL);
    total += cs[i].answers;
    errors += cs[i].errors;
  }
  double dt = now_s() - t0;
  verify(&cs[0], &a);
  printf("v%d%s, %d connections x %d in flight: %llu prepared SELECTs in %.2f s = %.0f req/s "
         "(%llu errors)\n",
         o.version, o.lz4 ? "+lz4" : "", o.conns, o.depth, (unsigned long long)total, dt,
         (double)total / dt, (unsigned long long)errors);
  for (int i = 0; i < o.conns; i++) {
    close(cs[i].fd);
    cql_envelope_free(&cs[i].last);
    cql_reader_free(cs[i].rd);
  }
  free(th);
  free(cs);
  cql_arena_free(&a);
  return errors ? 1 : 0;
}
