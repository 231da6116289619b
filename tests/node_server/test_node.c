/* A node started in-process (on its own thread), spoken to with raw bytes
 * over real sockets: plain TCP, TLS with a certificate made by the openssl
 * CLI, multi-node on 127.0.0.2, and the fault-injection calls. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cqlkit_node.h"
#include "server_test.h"

typedef struct client {
  int fd;
  SSL_CTX *ctx;
  SSL *ssl;
} client;

static int connect_to(const char *host, uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, host, &a.sin_addr);
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static bool client_open(client *c, const char *host, uint16_t port, const char *cert,
                        const char *key) {
  memset(c, 0, sizeof(*c));
  c->fd = connect_to(host, port);
  if (c->fd < 0)
    return false;
  if (!cert && !key)
    return true;
  c->ctx = SSL_CTX_new(TLS_client_method());
  if (cert && strcmp(cert, "-") != 0) {
    assert_int_equal(SSL_CTX_use_certificate_file(c->ctx, cert, SSL_FILETYPE_PEM), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM), 1);
  }
  c->ssl = SSL_new(c->ctx);
  SSL_set_fd(c->ssl, c->fd);
  return SSL_connect(c->ssl) == 1;
}

static void client_close(client *c) {
  if (c->ssl)
    SSL_free(c->ssl);
  if (c->ctx)
    SSL_CTX_free(c->ctx);
  if (c->fd >= 0)
    close(c->fd);
}

static void client_write(client *c, const uint8_t *p, size_t n) {
  if (c->ssl) {
    assert_int_equal(SSL_write(c->ssl, p, (int)n), (int)n);
    return;
  }
  assert_int_equal(write(c->fd, p, n), (ssize_t)n);
}

/* Reads exactly n bytes; false on EOF or error. */
static bool client_read(client *c, uint8_t *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = c->ssl ? SSL_read(c->ssl, p + got, (int)(n - got)) : read(c->fd, p + got, n - got);
    if (r <= 0)
      return false;
    got += (size_t)r;
  }
  return true;
}

/* Sends a v4 request and returns the next response (header and decoded
 * body in `r`, views into a static buffer). */
static cql_header roundtrip(client *c, const cql_request *req, cql_arena *a, cql_response *r) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  assert_int_equal(cql_request_encode(&b, 4, req, false), CQL_OK);
  client_write(c, b.data, b.len);
  cql_buf_free(&b);
  static uint8_t body[1 << 20];
  uint8_t hdr[9];
  cql_header h;
  do {
    assert_true(client_read(c, hdr, 9));
    assert_int_equal(cql_header_decode(hdr, &h), CQL_OK);
    assert_true(h.length <= sizeof(body));
    assert_true(client_read(c, body, h.length));
  } while (h.stream == -1); /* skip events */
  cql_arena_reset(a);
  assert_int_equal(cql_response_decode(&h, (cql_slice){body, h.length}, a, r, NULL), CQL_OK);
  return h;
}

static void ready(client *c, cql_arena *a) {
  cql_pair opt = {cql_slice_from_cstr("CQL_VERSION"), cql_slice_from_cstr("3.4.5"), false};
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_STARTUP;
  q.u.startup.options = &opt;
  q.u.startup.n_options = 1;
  cql_response r;
  assert_int_equal(roundtrip(c, &q, a, &r).opcode, CQL_OP_READY);
}

static cql_header query(client *c, const char *cql, cql_arena *a, cql_response *r) {
  cql_request q;
  memset(&q, 0, sizeof(q));
  q.opcode = CQL_OP_QUERY;
  q.stream = 1;
  q.u.query.query = cql_slice_from_cstr(cql);
  q.u.query.params.consistency = 1;
  return roundtrip(c, &q, a, r);
}

/* The first cell of the first row, as text (inet printed dotted). */
static void first_cell(const cql_response *r, char *out, size_t cap) {
  cql_row_iter it;
  cql_cell cells[8];
  cql_row_iter_init(&it, &r->u.result);
  assert_true(cql_row_iter_next(&it, cells));
  if (cells[0].len == 4) {
    snprintf(out, cap, "%u.%u.%u.%u", cells[0].bytes.ptr[0], cells[0].bytes.ptr[1],
             cells[0].bytes.ptr[2], cells[0].bytes.ptr[3]);
  } else {
    snprintf(out, cap, "%.*s", (int)cells[0].len, (const char *)cells[0].bytes.ptr);
  }
}

static cql_node_thread *start(cql_node_options *o) {
  cql_node_thread *t = NULL;
  assert_int_equal(cql_node_thread_start(o, &t), CQL_OK);
  assert_int_not_equal(cql_node_port(cql_node_thread_node(t)), 0);
  return t;
}

static void test_plain(void **state) {
  (void)state;
  cql_node_options o;
  cql_node_options_init(&o);
  cql_node_thread *t = start(&o);
  uint16_t port = cql_node_port(cql_node_thread_node(t));
  client c;
  assert_true(client_open(&c, "127.0.0.1", port, NULL, NULL));
  cql_arena a;
  cql_arena_init(&a, NULL);
  ready(&c, &a);
  cql_response r;
  char text[64];
  query(&c, "SELECT rpc_port, rpc_address FROM system.local", &a, &r);
  assert_int_equal(r.u.result.kind, CQL_RESULT_ROWS);
  /* system.local reports the real bound port. */
  cql_row_iter it;
  cql_cell cells[2];
  cql_row_iter_init(&it, &r.u.result);
  assert_true(cql_row_iter_next(&it, cells));
  assert_int_equal(cells[0].len, 4);
  assert_int_equal(cql_load_u32(cells[0].bytes.ptr), port);
  (void)text;
  /* Garbage on another connection does not disturb this one. */
  client g;
  assert_true(client_open(&g, "127.0.0.1", port, NULL, NULL));
  uint8_t junk[64];
  memset(junk, 0x77, sizeof(junk));
  client_write(&g, junk, sizeof(junk));
  uint8_t buf[256];
  while (client_read(&g, buf, 1)) {
  }
  client_close(&g);
  /* Pipelining: 500 requests written at once, all answered in order. */
  cql_buf many;
  cql_buf_init(&many, NULL);
  for (int i = 0; i < 500; i++) {
    cql_request q;
    memset(&q, 0, sizeof(q));
    q.opcode = CQL_OP_QUERY;
    q.stream = (int16_t)i;
    q.u.query.query = cql_slice_from_cstr("SELECT key FROM system.local");
    q.u.query.params.consistency = 1;
    assert_int_equal(cql_request_encode(&many, 4, &q, false), CQL_OK);
  }
  client_write(&c, many.data, many.len);
  cql_buf_free(&many);
  for (int i = 0; i < 500; i++) {
    uint8_t hdr[9];
    cql_header h;
    assert_true(client_read(&c, hdr, 9));
    assert_int_equal(cql_header_decode(hdr, &h), CQL_OK);
    assert_int_equal(h.stream, i);
    assert_int_equal(h.opcode, CQL_OP_RESULT);
    uint8_t *body = malloc(h.length + 1);
    assert_true(client_read(&c, body, h.length));
    free(body);
  }
  assert_true(cql_node_requests(cql_node_thread_node(t)) >= 502);
  client_close(&c);
  cql_arena_free(&a);
  cql_node_thread_stop(t);
}

static void set_delay(cql_node *n, void *ud) { cql_node_set_delay_ms(n, *(uint32_t *)ud); }
static void fail_one(cql_node *n, void *ud) {
  (void)ud;
  cql_node_fail_next(n, 1, CQL_SERVER_UNAVAILABLE, "Cannot achieve consistency level ONE");
}
static void drop_all(cql_node *n, void *ud) {
  (void)ud;
  cql_node_drop_connections(n);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_faults(void **state) {
  (void)state;
  cql_node_options o;
  cql_node_options_init(&o);
  cql_node_thread *t = start(&o);
  uint16_t port = cql_node_port(cql_node_thread_node(t));
  client c;
  assert_true(client_open(&c, "127.0.0.1", port, NULL, NULL));
  cql_arena a;
  cql_arena_init(&a, NULL);
  ready(&c, &a);
  cql_response r;
  uint32_t ms = 150;
  cql_node_thread_call(t, set_delay, &ms);
  double t0 = now_ms();
  assert_int_equal(query(&c, "SELECT key FROM system.local", &a, &r).opcode, CQL_OP_RESULT);
  assert_true(now_ms() - t0 >= 140);
  ms = 0;
  cql_node_thread_call(t, set_delay, &ms);
  cql_node_thread_call(t, fail_one, NULL);
  assert_int_equal(query(&c, "SELECT key FROM system.local", &a, &r).opcode, CQL_OP_ERROR);
  assert_int_equal(r.u.error.code, CQL_SERVER_UNAVAILABLE);
  assert_int_equal(query(&c, "SELECT key FROM system.local", &a, &r).opcode, CQL_OP_RESULT);
  cql_node_thread_call(t, drop_all, NULL);
  uint8_t b;
  assert_false(client_read(&c, &b, 1));
  client_close(&c);
  cql_arena_free(&a);
  cql_node_thread_stop(t);
}

/* Runs a shell command; the openssl CLI makes the test's certificates. */
static void sh(const char *cmd) { assert_int_equal(system(cmd), 0); }

static void test_tls(void **state) {
  (void)state;
  char dir[] = "/tmp/cqlkit-node-tls-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char cmd[2048];
  snprintf(cmd, sizeof(cmd),
           "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
           "-days 1 -subj /CN=testca 2>/dev/null && "
           "openssl req -newkey rsa:2048 -nodes -keyout node.key -out node.csr -subj /CN=node "
           "2>/dev/null && openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key "
           "-CAcreateserial -out node.pem -days 1 2>/dev/null && "
           "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
           "-subj /CN=client 2>/dev/null && openssl x509 -req -in client.csr -CA ca.pem "
           "-CAkey ca.key -CAcreateserial -out client.pem -days 1 2>/dev/null",
           dir);
  sh(cmd);
  char cert[256], key[256], ca[256], ccert[256], ckey[256];
  snprintf(cert, sizeof(cert), "%s/node.pem", dir);
  snprintf(key, sizeof(key), "%s/node.key", dir);
  snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
  snprintf(ccert, sizeof(ccert), "%s/client.pem", dir);
  snprintf(ckey, sizeof(ckey), "%s/client.key", dir);
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_response r;
  /* Server certificate only. */
  cql_node_options o;
  cql_node_options_init(&o);
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  cql_node_thread *t = start(&o);
  client c;
  assert_true(client_open(&c, "127.0.0.1", cql_node_port(cql_node_thread_node(t)), "-", NULL));
  ready(&c, &a);
  assert_int_equal(query(&c, "SELECT key FROM system.local", &a, &r).opcode, CQL_OP_RESULT);
  client_close(&c);
  cql_node_thread_stop(t);
  /* Client certificates required. */
  o.tls_ca_file = ca;
  t = start(&o);
  uint16_t port = cql_node_port(cql_node_thread_node(t));
  assert_true(client_open(&c, "127.0.0.1", port, ccert, ckey));
  ready(&c, &a);
  assert_int_equal(query(&c, "SELECT key FROM system.local", &a, &r).opcode, CQL_OP_RESULT);
  client_close(&c);
  /* Without one the handshake (or the first read, with TLS 1.3) fails. */
  bool ok = client_open(&c, "127.0.0.1", port, "-", NULL);
  if (ok) {
    uint8_t opts[9] = {4, 0, 0, 0, CQL_OP_OPTIONS, 0, 0, 0, 0};
    SSL_write(c.ssl, opts, 9);
    uint8_t b[9];
    ok = client_read(&c, b, 9);
  }
  assert_false(ok);
  client_close(&c);
  cql_node_thread_stop(t);
  cql_arena_free(&a);
  /* Bad files are refused at start. */
  o.tls_cert_file = ca;
  cql_node_thread *bad = NULL;
  assert_int_equal(cql_node_thread_start(&o, &bad), CQL_E_TLS);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  sh(cmd);
}

static void set_down(cql_node *n, void *ud) { cql_node_set_down(n, 1, *(bool *)ud); }

static void test_multi_node(void **state) {
  (void)state;
  cql_node_options o;
  cql_node_options_init(&o);
  o.nodes = 3;
  cql_node_thread *t = NULL;
  if (cql_node_thread_start(&o, &t) != CQL_OK) {
    skip(); /* 127.0.0.2 not usable here */
  }
  uint16_t port = cql_node_port(cql_node_thread_node(t));
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_response r;
  char text[64];
  client c1, c2;
  assert_true(client_open(&c1, "127.0.0.1", port, NULL, NULL));
  assert_true(client_open(&c2, "127.0.0.2", port, NULL, NULL));
  ready(&c1, &a);
  ready(&c2, &a);
  query(&c2, "SELECT rpc_address FROM system.local", &a, &r);
  first_cell(&r, text, sizeof(text));
  assert_string_equal(text, "127.0.0.2");
  query(&c2, "SELECT peer FROM system.peers", &a, &r);
  assert_int_equal(r.u.result.u.rows.rows_count, 2);
  /* One data set behind every node. */
  query(&c1,
        "CREATE KEYSPACE mn WITH replication = {'class':'SimpleStrategy',"
        "'replication_factor':1}",
        &a, &r);
  query(&c2, "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'mn'", &a,
        &r);
  assert_int_equal(r.u.result.u.rows.rows_count, 1);
  bool down = true;
  cql_node_thread_call(t, set_down, &down);
  uint8_t b;
  assert_false(client_read(&c2, &b, 1));
  client_close(&c2);
  client tmp;
  assert_false(client_open(&tmp, "127.0.0.2", port, NULL, NULL));
  down = false;
  cql_node_thread_call(t, set_down, &down);
  assert_true(client_open(&c2, "127.0.0.2", port, NULL, NULL));
  ready(&c2, &a);
  client_close(&c2);
  client_close(&c1);
  cql_arena_free(&a);
  cql_node_thread_stop(t);
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static uint64_t requests_of(cql_node_thread *t) {
  return cql_node_requests(cql_node_thread_node(t));
}

/* Backpressure: a client that writes without reading makes the node stop
 * reading it once the unwritten answers pass the high-water mark; reading
 * the answers lets it go on, and every request is answered. */
static void test_backpressure(void **state) {
  (void)state;
  cql_node_options o;
  cql_node_options_init(&o);
  cql_node_thread *t = start(&o);
  client c;
  assert_true(client_open(&c, "127.0.0.1", cql_node_port(cql_node_thread_node(t)), NULL, NULL));
  cql_arena a;
  cql_arena_init(&a, NULL);
  ready(&c, &a);
  cql_response r;
  query(&c,
        "CREATE KEYSPACE bp WITH replication = {'class':'SimpleStrategy','replication_factor':1}",
        &a, &r);
  query(&c, "CREATE TABLE bp.t (k int PRIMARY KEY, v text)", &a, &r);
  char *insert = malloc(70000);
  strcpy(insert, "INSERT INTO bp.t (k, v) VALUES (1, '");
  size_t head = strlen(insert);
  memset(insert + head, 'x', 65536);
  strcpy(insert + head + 65536, "')");
  assert_int_equal(query(&c, insert, &a, &r).opcode, CQL_OP_RESULT);
  free(insert);
  /* Requests padded to 4 KiB so the node needs many reads for them. */
  enum { N = 1200 };
  char select[4200];
  memset(select, ' ', sizeof(select));
  memcpy(select, "SELECT v FROM bp.t WHERE k = 1", 30);
  select[4096] = '\0';
  cql_buf reqs;
  cql_buf_init(&reqs, NULL);
  for (int i = 0; i < N; i++) {
    cql_request q;
    memset(&q, 0, sizeof(q));
    q.opcode = CQL_OP_QUERY;
    q.stream = (int16_t)i;
    q.u.query.query = cql_slice_from_cstr(select);
    q.u.query.params.consistency = 1;
    assert_int_equal(cql_request_encode(&reqs, 4, &q, false), CQL_OK);
  }
  uint64_t base = requests_of(t);
  fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  size_t sent = 0;
  for (int tries = 0; sent < reqs.len && tries < 50; tries++) {
    ssize_t w = write(c.fd, reqs.data + sent, reqs.len - sent);
    if (w > 0)
      sent += (size_t)w;
    else
      sleep_ms(20);
  }
  /* Kernel buffers absorb some answers first; wait until the node stops. */
  uint64_t stalled = requests_of(t) - base;
  for (int i = 0; i < 50; i++) {
    sleep_ms(300);
    uint64_t now = requests_of(t) - base;
    if (now == stalled)
      break;
    stalled = now;
  }
  assert_true(stalled < N); /* it stopped reading before the end */
  /* Read everything (and write the rest): all answered, in order. */
  static uint8_t buf[1 << 16];
  cql_buf in;
  cql_buf_init(&in, NULL);
  int answered = 0;
  while (answered < N) {
    struct pollfd p = {c.fd, POLLIN | (sent < reqs.len ? POLLOUT : 0), 0};
    assert_true(poll(&p, 1, 10000) > 0);
    if ((p.revents & POLLOUT) && sent < reqs.len) {
      ssize_t w = write(c.fd, reqs.data + sent, reqs.len - sent);
      if (w > 0)
        sent += (size_t)w;
    }
    if (!(p.revents & POLLIN))
      continue;
    ssize_t n = read(c.fd, buf, sizeof(buf));
    assert_true(n > 0);
    cql_buf_put_raw(&in, buf, (size_t)n);
    size_t off = 0;
    while (in.len - off >= 9 && in.len - off >= 9 + cql_load_u32(in.data + off + 5)) {
      assert_int_equal((int16_t)cql_load_u16(in.data + off + 2), answered);
      assert_int_equal(in.data[off + 4], CQL_OP_RESULT);
      off += 9 + cql_load_u32(in.data + off + 5);
      answered++;
    }
    memmove(in.data, in.data + off, in.len - off);
    in.len -= off;
  }
  cql_buf_free(&in);
  cql_buf_free(&reqs);
  client_close(&c);
  cql_arena_free(&a);
  cql_node_thread_stop(t);
}

/* The loop API directly: start, close, and the callback. */
static void on_closed(void *ud) { *(bool *)ud = true; }

static void test_loop_api(void **state) {
  (void)state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  cql_node_options o;
  cql_node_options_init(&o);
  o.max_version = 4;
  cql_node *n = NULL;
  assert_int_equal(cql_node_start(&loop, &o, &n), CQL_OK);
  assert_int_not_equal(cql_node_port(n), 0);
  bool closed = false;
  cql_node_close(n, on_closed, &closed);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_true(closed);
  closed = false;
  assert_int_equal(cql_node_start(&loop, NULL, &n), CQL_OK); /* all defaults */
  cql_node_close(n, on_closed, &closed);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_true(closed);
  o.max_version = 3;
  assert_int_equal(cql_node_start(&loop, &o, &n), CQL_E_INVALID_ARG);
  assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain),    cmocka_unit_test(test_faults),
      cmocka_unit_test(test_tls),      cmocka_unit_test(test_multi_node),
      cmocka_unit_test(test_loop_api), cmocka_unit_test(test_backpressure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
