/* The raw baseline: the least work a client can do against the node, as the
 * floor no driver can beat.
 *
 * The handshake and PREPARE run once over a blocking socket, encoded with
 * the protocol core. The measured phase then runs on libuv: every request
 * is a pre-encoded envelope (a template copied and patched with its stream
 * id and key), requests are pipelined at the given concurrency, and replies
 * are only framed (v5 segments checked, envelopes cut out) and counted by
 * stream id, never decoded. The scan reads just enough of each page (the
 * paging state and the row count) to ask for the next.
 *
 * Also the harness's loader: --ddl FILE runs a CQL script, and the load-*
 * workloads fill the tables the measured workloads read.
 *
 * Usage: see bench_common.h; prints one JSON report line. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "arena.h"
#include "bench_common.h"
#include "message.h"
#include "murmur3.h"
#include "reader.h"
#include "request.h"
#include "response.h"
#include "segment.h"
#include "wire.h"

enum { SENTINEL_BYTE = 0x5A, MAX_STREAMS = 32768 };

_Noreturn static void die(const char *what, const char *detail) {
  fprintf(stderr, "raw_client: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(1);
}

static void check(cql_status st, const char *what) {
  if (st != CQL_OK)
    die(what, cql_status_name(st));
}

/* ---- the blocking setup connection ------------------------------------- */

typedef struct conn {
  int fd;
  int version;
  bool segments; /* v5 framing is on (both ways) */
  cql_reader *reader;
  cql_envelope got;
  bool have;
} conn;

static void write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      die("write", strerror(errno));
    p += w;
    n -= (size_t)w;
  }
}

/* Sends whole envelopes, in segments once v5 framing is on. */
static void send_envelopes(conn *c, cql_slice env) {
  if (!c->segments) {
    write_all(c->fd, env.ptr, env.len);
    return;
  }
  cql_buf wire;
  cql_buf_init(&wire, NULL);
  check(cql_segment_frame(&wire, env, false), "segment framing");
  write_all(c->fd, wire.data, wire.len);
  cql_buf_free(&wire);
}

static void send_request(conn *c, const cql_request *req) {
  cql_buf env;
  cql_buf_init(&env, NULL);
  check(cql_request_encode(&env, (uint8_t)c->version, req, false), "encoding a request");
  send_envelopes(c, (cql_slice){env.data, env.len});
  cql_buf_free(&env);
}

static cql_status on_setup_envelope(void *ud, cql_envelope *env) {
  conn *c = ud;
  if (c->have)
    cql_envelope_free(&c->got);
  c->got = *env;
  c->have = true;
  if (c->version == CQL_PROTOCOL_V5 && env->header.opcode == CQL_OP_READY) {
    cql_reader_set_framing(c->reader, true, false);
    c->segments = true;
  }
  return CQL_OK;
}

/* Blocks until the reply to the one outstanding request arrives. */
static void receive(conn *c) {
  uint8_t buf[65536];
  while (!c->have) {
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      die("read", n == 0 ? "connection closed" : strerror(errno));
    const char *what = NULL;
    cql_status st = cql_reader_feed(c->reader, buf, (size_t)n, on_setup_envelope, c, &what);
    if (st != CQL_OK)
      die("reading a reply", what);
  }
}

/* Sends `req` and decodes its reply into `resp` (arrays in `arena`); dies
 * on an ERROR reply, naming `what`. The envelope stays in c->got. */
static void call(conn *c, const cql_request *req, cql_arena *arena, cql_response *resp,
                 const char *what) {
  if (c->have)
    cql_envelope_free(&c->got);
  c->have = false;
  send_request(c, req);
  receive(c);
  const char *why = NULL;
  cql_status st = cql_response_decode2(&c->got.header, (cql_slice){c->got.body, c->got.len}, arena,
                                       CQL_RESPONSE_ALLOW_TRAILING, resp, &why);
  if (st != CQL_OK)
    die(what, why);
  if (resp->opcode == CQL_OP_ERROR) {
    fprintf(stderr, "raw_client: %s: server error 0x%04x: %.*s\n", what,
            (unsigned)resp->u.error.code, (int)resp->u.error.message.len,
            (const char *)resp->u.error.message.ptr);
    exit(1);
  }
}

static void conn_open(conn *c, const bench_options *o) {
  *c = (conn){.version = o->protocol ? o->protocol : CQL_PROTOCOL_V5};
  check(cql_reader_new(&c->reader, NULL), "reader");
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
  if (c->fd < 0 || inet_pton(AF_INET, o->host, &sa.sin_addr) != 1)
    die("socket", o->host);
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
    die("connect", strerror(errno));
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  cql_pair opt = {cql_slice_from_cstr("CQL_VERSION"), cql_slice_from_cstr("3.0.0"), false};
  cql_request req = {.opcode = CQL_OP_STARTUP, .u.startup = {&opt, 1}};
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_response resp;
  call(c, &req, &arena, &resp, "STARTUP");
  if (resp.opcode != CQL_OP_READY)
    die("STARTUP", "the node wants authentication");
  cql_arena_free(&arena);
}

/* ---- --ddl: run a script ---------------------------------------------------- */

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    die(path, strerror(errno));
  cql_buf b;
  cql_buf_init(&b, NULL);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    cql_buf_put_raw(&b, chunk, n);
  fclose(f);
  cql_buf_put_u8(&b, 0);
  check(b.err, "reading the script");
  return (char *)b.data;
}

/* Statements end with ';' at the end of a line; lines starting with "--"
 * are comments. */
static void run_ddl(conn *c, const char *path) {
  char *text = read_file(path);
  cql_buf stmt;
  cql_buf_init(&stmt, NULL);
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    while (*line == ' ')
      line++;
    if (strncmp(line, "--", 2) == 0 || !*line)
      continue;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
      len--;
    bool last = len > 0 && line[len - 1] == ';';
    cql_buf_put_raw(&stmt, line, last ? len - 1 : len);
    cql_buf_put_u8(&stmt, ' ');
    if (!last)
      continue;
    cql_request req = {.opcode = CQL_OP_QUERY,
                       .u.query = {{stmt.data, stmt.len}, {.consistency = CQL_CONSISTENCY_ONE}}};
    cql_arena arena;
    cql_arena_init(&arena, NULL);
    cql_response resp;
    call(c, &req, &arena, &resp, "running the script");
    cql_arena_free(&arena);
    cql_buf_reset(&stmt);
  }
  cql_buf_free(&stmt);
  free(text);
}

/* ---- templates -------------------------------------------------------------- */

typedef struct prepared {
  uint8_t id[64], rmid[64];
  size_t id_len, rmid_len;
} prepared;

static void prepare(conn *c, const char *query, prepared *out) {
  cql_request req = {.opcode = CQL_OP_PREPARE, .u.prepare = {.query = cql_slice_from_cstr(query)}};
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_response resp;
  call(c, &req, &arena, &resp, query);
  cql_slice id = resp.u.result.u.prepared.id, rmid = resp.u.result.u.prepared.result_metadata_id;
  if (resp.opcode != CQL_OP_RESULT || id.len > sizeof(out->id) || rmid.len > sizeof(out->rmid))
    die("PREPARE", "unexpected reply");
  memcpy(out->id, id.ptr, id.len);
  out->id_len = id.len;
  if (rmid.len)
    memcpy(out->rmid, rmid.ptr, rmid.len);
  out->rmid_len = rmid.len;
  cql_arena_free(&arena);
}

static cql_value_arg val(const cql_buf *b, size_t from, size_t to) {
  return (cql_value_arg){.state = CQL_VALUE_SET, .bytes = {b->data + from, to - from}};
}

/* The ten values of a wide row with a sentinel key; `cells` keeps them. */
static void wide_values(cql_buf *cells, cql_value_arg v[10]) {
  size_t at[11];
  int k = 0;
  at[k++] = cells->len;
  cql_buf_put_i64(cells, (int64_t)0x5A5A5A5A5A5A5A5A); /* id: patched */
  at[k++] = cells->len;
  cql_buf_put_raw(cells, BENCH_NAME, strlen(BENCH_NAME));
  at[k++] = cells->len;
  cql_buf_put_i32(cells, BENCH_N);
  at[k++] = cells->len;
  cql_buf_put_raw(cells, bench_uid, 16);
  at[k++] = cells->len;
  cql_buf_put_i64(cells, BENCH_TS);
  at[k++] = cells->len;
  double score = BENCH_SCORE;
  uint64_t bits;
  memcpy(&bits, &score, sizeof(bits));
  cql_buf_put_i64(cells, (int64_t)bits);
  at[k++] = cells->len;
  cql_buf_put_raw(cells, bench_payload, BENCH_PAYLOAD_LEN);
  at[k++] = cells->len;
  cql_buf_put_i32(cells, 3);
  for (int i = 0; i < 3; i++)
    cql_buf_put_bytes(cells, cql_slice_from_cstr(bench_tags[i]));
  at[k++] = cells->len;
  cql_buf_put_i32(cells, 3);
  for (int i = 0; i < 3; i++) {
    cql_buf_put_bytes(cells, cql_slice_from_cstr(bench_attr_keys[i]));
    cql_buf_put_i32(cells, 4);
    cql_buf_put_i32(cells, i + 1);
  }
  at[k++] = cells->len;
  cql_buf_put_bytes(cells, cql_slice_from_cstr(BENCH_STREET));
  cql_buf_put_bytes(cells, cql_slice_from_cstr(BENCH_CITY));
  cql_buf_put_i32(cells, 4);
  cql_buf_put_i32(cells, BENCH_ZIP);
  at[k++] = cells->len;
  check(cells->err, "values");
  for (int i = 0; i < 10; i++)
    v[i] = val(cells, at[i], at[i + 1]);
}

/* A request envelope with `n_keys` sentinel keys of `key_size` bytes whose
 * offsets are found and kept, so each request is a copy plus patches. */
typedef struct tmpl {
  cql_buf env;
  size_t key_off[BENCH_BATCH_SIZE];
  int n_keys;
  int key_size;
} tmpl;

static void find_keys(tmpl *t, int expected) {
  uint8_t pat[8];
  memset(pat, SENTINEL_BYTE, sizeof(pat));
  size_t from = CQL_HEADER_SIZE;
  while (t->n_keys < BENCH_BATCH_SIZE) {
    const uint8_t *hit = memmem(t->env.data + from, t->env.len - from, pat, (size_t)t->key_size);
    if (!hit)
      break;
    t->key_off[t->n_keys++] = (size_t)(hit - t->env.data);
    from = (size_t)(hit - t->env.data) + (size_t)t->key_size;
  }
  if (t->n_keys != expected)
    die("template", "key sentinel not found exactly once per statement");
}

static void exec_params(cql_request *req, const prepared *p, const cql_value_arg *v, uint32_t n) {
  req->opcode = CQL_OP_EXECUTE;
  req->u.execute.id = (cql_slice){p->id, p->id_len};
  req->u.execute.result_metadata_id = (cql_slice){p->rmid, p->rmid_len};
  req->u.execute.params = (cql_query_params){
      .consistency = CQL_CONSISTENCY_LOCAL_ONE, .values = v, .n_values = n, .skip_metadata = true};
}

static void build_template(conn *c, const bench_options *o, tmpl *t) {
  prepared p;
  cql_buf cells;
  cql_buf_init(&cells, NULL);
  cql_buf_init(&t->env, NULL);
  t->n_keys = 0;
  cql_request req = {0};
  cql_value_arg v[10];
  cql_batch_stmt stmts[BENCH_BATCH_SIZE];
  int keys = 1;
  switch (o->workload) {
  case BENCH_SELECT:
    prepare(c, BENCH_Q_SELECT, &p);
    cql_buf_put_i32(&cells, 0x5A5A5A5A);
    v[0] = val(&cells, 0, 4);
    exec_params(&req, &p, v, 1);
    t->key_size = 4;
    break;
  case BENCH_INSERT:
  case BENCH_LOAD_WIDE:
  case BENCH_LOAD_SCAN:
    prepare(c, o->workload == BENCH_LOAD_SCAN ? BENCH_Q_LOAD_SCAN : BENCH_Q_INSERT, &p);
    wide_values(&cells, v);
    exec_params(&req, &p, v, 10);
    t->key_size = 8;
    break;
  case BENCH_BATCH:
    prepare(c, BENCH_Q_INSERT, &p);
    wide_values(&cells, v);
    for (int i = 0; i < BENCH_BATCH_SIZE; i++)
      stmts[i] = (cql_batch_stmt){
          .is_prepared = true, .id = {p.id, p.id_len}, .values = v, .n_values = 10};
    req.opcode = CQL_OP_BATCH;
    req.u.batch = (cql_batch_body){.type = CQL_BATCH_UNLOGGED,
                                   .stmts = stmts,
                                   .n_stmts = BENCH_BATCH_SIZE,
                                   .consistency = CQL_CONSISTENCY_LOCAL_ONE};
    t->key_size = 8;
    keys = BENCH_BATCH_SIZE;
    break;
  default:
    die("template", "no template for this workload");
  }
  check(cql_request_encode(&t->env, (uint8_t)c->version, &req, false), "template");
  find_keys(t, keys);
  cql_buf_free(&cells);
}

/* ---- the measured phase ------------------------------------------------------ */

typedef struct run {
  uv_loop_t loop;
  uv_tcp_t tcp;
  conn *c;
  const bench_options *o;
  tmpl t;
  int64_t *order;    /* load-scan, load-wide: keys in token order */
  prepared scan;     /* scan and load-kv */
  long total;        /* requests including warm-up */
  long sent, done;   /* requests sent, replies received */
  uint64_t *sent_at; /* per stream id */
  cql_buf out;       /* envelopes waiting to be written */
  bench_lat lat;
  bench_run mark;
  long errors, rows;
  bool measuring;
  cql_buf paging; /* scan: the state to resume from */
  bool more;      /* scan: the node has more pages */
  uint64_t last_page_ns;
} run;

typedef struct write_req {
  uv_write_t req;
  cql_buf buf;
} write_req;

static void on_written(uv_write_t *w, int status) {
  write_req *wr = (write_req *)w;
  if (status < 0)
    die("write", uv_strerror(status));
  cql_buf_free(&wr->buf);
  free(wr);
}

/* Hands the collected envelopes to libuv: the buffer itself for v4, its
 * segments for v5. */
static void flush(run *r) {
  if (r->out.len == 0)
    return;
  write_req *wr = malloc(sizeof(*wr));
  if (!wr)
    die("write", "out of memory");
  if (r->c->segments) {
    cql_buf_init(&wr->buf, NULL);
    check(cql_segment_frame(&wr->buf, (cql_slice){r->out.data, r->out.len}, false), "framing");
    cql_buf_reset(&r->out);
  } else {
    wr->buf = r->out;
    cql_buf_init(&r->out, NULL);
  }
  uv_buf_t b = uv_buf_init((char *)wr->buf.data, (unsigned)wr->buf.len);
  int rc = uv_write(&wr->req, (uv_stream_t *)&r->tcp, &b, 1, on_written);
  if (rc < 0)
    die("uv_write", uv_strerror(rc));
}

static void put_key(uint8_t *p, int size, int64_t key) {
  if (size == 4)
    cql_store_u32(p, (uint32_t)key);
  else
    cql_store_u64(p, (uint64_t)key);
}

/* Appends request number `i` on `stream`: the template with its keys. */
static void queue_templated(run *r, long i, int16_t stream) {
  uint8_t *p = cql_buf_extend(&r->out, r->t.env.len);
  if (!p)
    die("queue", "out of memory");
  memcpy(p, r->t.env.data, r->t.env.len);
  cql_store_u16(p + 2, (uint16_t)stream);
  long base = r->order                         ? r->order[i]
              : r->o->workload == BENCH_SELECT ? i % BENCH_KV_ROWS
                                               : i * r->t.n_keys;
  for (int k = 0; k < r->t.n_keys; k++)
    put_key(p + r->t.key_off[k], r->t.key_size, base + k);
}

/* load-kv: rows differ in their text, so each is encoded in full. */
static void queue_kv_row(run *r, long i, int16_t stream) {
  uint8_t cells[64];
  char name[32];
  int len = snprintf(name, sizeof(name), BENCH_KV_NAME_FMT, (int)i);
  cql_store_u32(cells, (uint32_t)i);
  cql_store_u64(cells + 4, (uint64_t)(i * 10));
  cql_value_arg v[3] = {{.bytes = {cells, 4}},
                        {.bytes = {(const uint8_t *)name, (size_t)len}},
                        {.bytes = {cells + 4, 8}}};
  cql_request req = {.stream = stream};
  exec_params(&req, &r->scan, v, 3);
  check(cql_request_encode(&r->out, (uint8_t)r->c->version, &req, false), "load-kv");
}

static void queue_scan_page(run *r) {
  cql_request req = {.stream = 0};
  exec_params(&req, &r->scan, NULL, 0);
  req.u.execute.params.has_page_size = true;
  req.u.execute.params.page_size = r->o->page_size;
  req.u.execute.params.has_paging_state = r->paging.len > 0;
  req.u.execute.params.paging_state = (cql_slice){r->paging.data, r->paging.len};
  check(cql_request_encode(&r->out, (uint8_t)r->c->version, &req, false), "scan page");
  r->sent_at[0] = bench_now_ns();
}

static void queue_next(run *r, int16_t stream) {
  long i = r->sent++;
  if (r->o->workload == BENCH_LOAD_KV)
    queue_kv_row(r, i, stream);
  else
    queue_templated(r, i, stream);
  r->sent_at[stream] = bench_now_ns();
}

/* Reads the paging state and row count of a page without decoding rows:
 * with Skip_metadata the node sends NO_METADATA, so they sit at fixed
 * places after <kind><flags><columns_count>. */
static void take_page(run *r, const cql_envelope *env) {
  cql_rd rd;
  cql_rd_init(&rd, env->body, env->len);
  int32_t kind = cql_rd_i32(&rd), flags = cql_rd_i32(&rd);
  (void)cql_rd_i32(&rd);
  if (kind != CQL_RESULT_ROWS || !(flags & CQL_ROWS_FLAG_NO_METADATA))
    die("scan", "expected a Rows result without metadata");
  r->more = flags & CQL_ROWS_FLAG_HAS_MORE_PAGES;
  cql_buf_reset(&r->paging);
  if (r->more) {
    bool is_null = false;
    cql_slice ps = cql_rd_bytes(&rd, &is_null);
    cql_buf_put_raw(&r->paging, ps.ptr, ps.len);
  }
  if (flags & CQL_ROWS_FLAG_METADATA_CHANGED)
    (void)cql_rd_short_bytes(&rd);
  int32_t rows = cql_rd_i32(&rd);
  if (!cql_rd_ok(&rd))
    die("scan", "truncated page");
  if (r->measuring)
    r->rows += rows;
}

static void finish(run *r) {
  bench_run_stop(&r->mark);
  uv_read_stop((uv_stream_t *)&r->tcp);
  uv_close((uv_handle_t *)&r->tcp, NULL);
}

static void start_measuring(run *r) {
  r->measuring = true;
  r->lat.n = 0;
  bench_run_start(&r->mark);
  r->last_page_ns = r->mark.t0_ns;
}

/* Prints an ERROR reply's code and message: the one decode the floor does. */
static void report_error(const cql_envelope *env) {
  cql_rd rd;
  cql_rd_init(&rd, env->body, env->len);
  int32_t code = env->header.opcode == CQL_OP_ERROR ? cql_rd_i32(&rd) : -1;
  cql_slice msg = env->header.opcode == CQL_OP_ERROR ? cql_rd_string(&rd) : (cql_slice){0};
  fprintf(stderr, "raw_client: first error reply (opcode 0x%02x, code 0x%04x): %.*s\n",
          env->header.opcode, (unsigned)code, (int)msg.len, (const char *)msg.ptr);
}

static cql_status on_reply(void *ud, cql_envelope *env) {
  run *r = ud;
  int16_t stream = env->header.stream;
  uint64_t now = bench_now_ns();
  if (env->header.opcode != CQL_OP_RESULT && r->errors++ == 0)
    report_error(env);
  if (stream < 0 || stream >= r->o->concurrency) {
    cql_envelope_free(env);
    return CQL_OK; /* an event: not ours */
  }
  r->done++;
  if (r->o->workload == BENCH_SCAN) {
    take_page(r, env);
    if (r->measuring) {
      bench_lat_add(&r->lat, now - r->last_page_ns);
      r->last_page_ns = now;
    }
  } else if (r->measuring && r->sent_at[stream] >= r->mark.t0_ns) {
    bench_lat_add(&r->lat, now - r->sent_at[stream]); /* sent inside the measured phase */
  }
  cql_envelope_free(env);
  if (r->o->workload == BENCH_SCAN) {
    if (!r->measuring) { /* the warm-up was one full page */
      cql_buf_reset(&r->paging);
      start_measuring(r);
      queue_scan_page(r);
    } else if (r->more) {
      queue_scan_page(r);
    } else {
      finish(r);
    }
    return CQL_OK;
  }
  if (r->done == r->total - r->o->n && !r->measuring)
    start_measuring(r);
  if (r->sent < r->total)
    queue_next(r, stream);
  else if (r->done == r->total)
    finish(r);
  return CQL_OK;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)h;
  static char space[256 * 1024]; /* one loop, one read at a time */
  (void)suggested;
  *buf = uv_buf_init(space, sizeof(space));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  run *r = s->data;
  if (n < 0)
    die("read", uv_strerror((int)n));
  const char *what = NULL;
  cql_status st =
      cql_reader_feed(r->c->reader, (const uint8_t *)buf->base, (size_t)n, on_reply, r, &what);
  if (st != CQL_OK)
    die("reading replies", what);
  flush(r);
}

typedef struct keyed {
  int64_t token, key;
} keyed;

static int cmp_token(const void *a, const void *b) {
  int64_t x = ((const keyed *)a)->token, y = ((const keyed *)b)->token;
  return (x > y) - (x < y);
}

/* Keys 0..n-1 sorted by their bigint key's Murmur3 token: the node keeps
 * partitions in token order, so loading in that order appends instead of
 * inserting in the middle of its partition array. */
static int64_t *token_order(long n) {
  keyed *k = malloc((size_t)n * sizeof(*k));
  int64_t *order = malloc((size_t)n * sizeof(*order));
  if (!k || !order)
    die("load", "out of memory");
  for (long i = 0; i < n; i++) {
    uint8_t be[8];
    cql_store_u64(be, (uint64_t)i);
    k[i] = (keyed){cql_murmur3_token(be, sizeof(be)), i};
  }
  qsort(k, (size_t)n, sizeof(*k), cmp_token);
  for (long i = 0; i < n; i++)
    order[i] = k[i].key;
  free(k);
  return order;
}

static void measure(conn *c, const bench_options *o) {
  run r = {.c = c, .o = o};
  if (o->concurrency >= MAX_STREAMS)
    die("--concurrency", "at most 32767");
  if (o->workload == BENCH_SCAN)
    prepare(c, BENCH_Q_SCAN, &r.scan);
  else if (o->workload == BENCH_LOAD_KV)
    prepare(c, BENCH_Q_LOAD_KV, &r.scan);
  else
    build_template(c, o, &r.t);
  bool loading = o->workload >= BENCH_LOAD_KV;
  if (o->workload == BENCH_LOAD_SCAN || o->workload == BENCH_LOAD_WIDE)
    r.order = token_order(o->n);
  r.total = loading ? o->n : o->n + o->warmup;
  r.sent_at = calloc((size_t)o->concurrency, sizeof(*r.sent_at));
  cql_buf_init(&r.out, NULL);
  cql_buf_init(&r.paging, NULL);
  bench_lat_init(&r.lat, o->workload == BENCH_SCAN ? 1024 : (size_t)o->n);
  uv_loop_init(&r.loop);
  uv_tcp_init(&r.loop, &r.tcp);
  r.tcp.data = &r;
  int rc = uv_tcp_open(&r.tcp, c->fd);
  if (rc < 0)
    die("uv_tcp_open", uv_strerror(rc));
  uv_read_start((uv_stream_t *)&r.tcp, on_alloc, on_read);
  if (loading || (o->workload != BENCH_SCAN && o->warmup == 0))
    start_measuring(&r);
  if (o->workload == BENCH_SCAN) {
    queue_scan_page(&r); /* warm-up: the first page */
  } else {
    long first = r.total < o->concurrency ? r.total : o->concurrency;
    for (long s = 0; s < first; s++)
      queue_next(&r, (int16_t)s);
  }
  flush(&r);
  uv_run(&r.loop, UV_RUN_DEFAULT);
  long requests = o->workload == BENCH_SCAN ? (long)r.lat.n : o->n;
  long rows = o->workload == BENCH_SCAN    ? r.rows
              : o->workload == BENCH_BATCH ? o->n * BENCH_BATCH_SIZE
                                           : o->n;
  bench_report("raw", o, &r.mark, &r.lat, requests, rows, r.errors, c->version);
  uv_loop_close(&r.loop);
  bench_lat_free(&r.lat);
  cql_buf_free(&r.out);
  cql_buf_free(&r.paging);
  cql_buf_free(&r.t.env);
  free(r.sent_at);
  free(r.order);
  if (r.errors)
    exit(1);
}

int main(int argc, char **argv) {
  bench_options o;
  bench_options_parse(&o, argc, argv, "raw_client");
  conn c;
  conn_open(&c, &o);
  if (o.ddl) {
    run_ddl(&c, o.ddl);
  } else {
    measure(&c, &o);
  }
  if (c.have)
    cql_envelope_free(&c.got);
  cql_reader_free(c.reader);
  if (!o.ddl)
    return 0; /* libuv closed the socket */
  close(c.fd);
  return 0;
}
