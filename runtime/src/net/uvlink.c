/* The libuv adapter of one cql_conn; see uvlink.h. */
/* uv.h needs POSIX types that -std=c11 hides. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "uvlink.h"

#include "mem.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { READ_CHUNK = 64 * 1024, HANDLES = 3 };

struct cql_link {
  uv_loop_t *loop;
  uv_tcp_t tcp;
  uv_timer_t timer;
  uv_prepare_t flush;
  uv_connect_t connect_req;
  uv_write_t write_req;
  cql_conn *conn;
  cql_tls *tls;
  cql_link_callbacks cb;
  cql_mem mem; /* our own copy: the buffers point at it */
  struct sockaddr_storage addr;
  char peer[64];
  bool connecting;   /* TCP or TLS not up yet: the timer is the connect timer */
  int connect_error; /* uv_tcp_connect failed at once: reported by the timer */
  bool writing;      /* write_req in flight */
  bool flush_armed;  /* the prepare handle is started */
  bool closed;       /* on_closed has fired */
  int handles_open;  /* closed ones are counted down; 0 frees the link */
  uint64_t armed_at; /* deadline the timer is armed for */
  uint64_t sent, received;
  cql_buf wbuf;  /* bytes handed to uv_write */
  cql_buf plain; /* TLS: plaintext taken from the connection */
  uint8_t rbuf[READ_CHUNK];
  uint8_t tls_plain[READ_CHUNK];
};

static void schedule_flush(cql_link *l);

/* ---- teardown ---------------------------------------------------------- */

static void on_handle_closed(uv_handle_t *h) {
  cql_link *l = h->data;
  if (--l->handles_open > 0)
    return;
  /* Buffers first: after cql_conn_take_output swapped storage, wbuf may
   * point at the connection's allocator (and the connection at ours). */
  cql_buf_free(&l->wbuf);
  cql_buf_free(&l->plain);
  cql_conn_free(l->conn);
  cql_tls_free(l->tls);
  cql_mem mem = l->mem;
  cql_free(&mem, l);
}

static void close_handles(cql_link *l) {
  uv_close((uv_handle_t *)&l->tcp, on_handle_closed);
  uv_close((uv_handle_t *)&l->timer, on_handle_closed);
  uv_close((uv_handle_t *)&l->flush, on_handle_closed);
}

/* The connection finished: tell the owner, then let the handles go. A
 * write still in flight is cancelled by uv_close and frees nothing of
 * ours, since wbuf lives until the last close callback. */
static void conn_closed(cql_conn *c, const cql_conn_close_info *info, void *ud) {
  (void)c;
  cql_link *l = ud;
  if (l->closed)
    return;
  l->closed = true;
  l->cb.on_closed(l, info, l->cb.ud);
  close_handles(l);
}

static void fail(cql_link *l, cql_status st, const char *msg) { cql_conn_abort(l->conn, st, msg); }

/* ---- time ---------------------------------------------------------------- */

static uint64_t now_ms(void *ud) { return uv_now(((cql_link *)ud)->loop); }

static void on_timer(uv_timer_t *t);

static void rearm(cql_link *l) {
  if (l->closed || l->connecting)
    return;
  uint64_t d = cql_conn_next_deadline(l->conn);
  if (d == l->armed_at)
    return;
  l->armed_at = d;
  if (d == CQL_CONN_NO_DEADLINE) {
    uv_timer_stop(&l->timer);
    return;
  }
  uint64_t now = uv_now(l->loop);
  uv_timer_start(&l->timer, on_timer, d > now ? d - now : 0, 0);
}

static void on_timer(uv_timer_t *t) {
  cql_link *l = t->data;
  if (l->connecting) {
    char msg[160];
    if (l->connect_error) {
      snprintf(msg, sizeof(msg), "could not connect to %s: %s", l->peer,
               uv_strerror(l->connect_error));
      fail(l, CQL_E_CONNECT, msg);
      return;
    }
    snprintf(msg, sizeof(msg), "connect to %s timed out", l->peer);
    fail(l, CQL_E_TIMEOUT, msg);
    return;
  }
  l->armed_at = CQL_CONN_NO_DEADLINE;
  cql_conn_tick(l->conn);
  rearm(l);
}

/* ---- writing ------------------------------------------------------------- */

static void on_written(uv_write_t *req, int status) {
  cql_link *l = req->data;
  l->writing = false;
  if (status == UV_ECANCELED || l->closed)
    return;
  if (status < 0) {
    char msg[160];
    snprintf(msg, sizeof(msg), "write to %s failed: %s", l->peer, uv_strerror(status));
    fail(l, CQL_E_CONNECTION_CLOSED, msg);
    return;
  }
  cql_buf_reset(&l->wbuf);
  if (cql_conn_want_write(l->conn) || (l->tls && cql_tls_want_write(l->tls)))
    schedule_flush(l);
}

/* Collects everything the connection (and TLS) has to send into wbuf. */
static cql_status gather(cql_link *l) {
  if (!l->tls)
    return cql_conn_take_output(l->conn, &l->wbuf);
  if (!l->connecting && cql_conn_want_write(l->conn)) {
    cql_buf_reset(&l->plain);
    cql_status st = cql_conn_take_output(l->conn, &l->plain);
    if (st == CQL_OK && l->plain.len)
      st = cql_tls_write(l->tls, l->plain.data, l->plain.len);
    if (st != CQL_OK)
      return st;
  }
  cql_tls_take_output(l->tls, &l->wbuf);
  return l->wbuf.err;
}

static void flush_now(cql_link *l) {
  if (l->closed || l->writing)
    return;
  cql_status st = gather(l);
  if (st != CQL_OK) {
    fail(l, st, "could not prepare output");
    return;
  }
  if (l->wbuf.len == 0)
    return;
  uv_buf_t b = uv_buf_init((char *)l->wbuf.data, (unsigned)l->wbuf.len);
  int r = uv_write(&l->write_req, (uv_stream_t *)&l->tcp, &b, 1, on_written);
  if (r < 0) {
    char msg[160];
    snprintf(msg, sizeof(msg), "write to %s failed: %s", l->peer, uv_strerror(r));
    fail(l, CQL_E_CONNECTION_CLOSED, msg);
    return;
  }
  l->sent += l->wbuf.len;
  l->writing = true;
}

static void on_prepare(uv_prepare_t *p) {
  cql_link *l = p->data;
  uv_prepare_stop(p);
  l->flush_armed = false;
  flush_now(l);
  rearm(l);
}

static void schedule_flush(cql_link *l) {
  if (l->flush_armed || l->closed)
    return;
  l->flush_armed = true;
  uv_prepare_start(&l->flush, on_prepare);
}

static void conn_want_write(cql_conn *c, void *ud) {
  (void)c;
  schedule_flush(ud);
}

/* ---- reading -------------------------------------------------------------- */

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  cql_link *l = h->data;
  *buf = uv_buf_init((char *)l->rbuf, sizeof(l->rbuf));
}

static void start_protocol(cql_link *l) {
  l->connecting = false;
  uv_timer_stop(&l->timer);
  l->armed_at = CQL_CONN_NO_DEADLINE;
  if (cql_conn_start(l->conn) == CQL_OK)
    rearm(l);
}

/* TLS: drives the handshake, then decrypts into the connection. */
static void tls_input(cql_link *l, const uint8_t *data, size_t len) {
  char msg[300];
  cql_status st = cql_tls_feed(l->tls, data, len);
  if (st == CQL_OK && l->connecting) {
    bool done = false;
    st = cql_tls_handshake(l->tls, &done, msg, sizeof(msg));
    if (st != CQL_OK) {
      fail(l, st, msg);
      return;
    }
    schedule_flush(l);
    if (!done)
      return;
    start_protocol(l);
  }
  while (st == CQL_OK && !l->closed) {
    size_t got = 0;
    st = cql_tls_read(l->tls, l->tls_plain, sizeof(l->tls_plain), &got, msg, sizeof(msg));
    if (st != CQL_OK) {
      fail(l, st, msg);
      return;
    }
    if (got == 0)
      break;
    cql_conn_recv(l->conn, l->tls_plain, got);
  }
  if (!l->closed && cql_tls_want_write(l->tls))
    schedule_flush(l);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  cql_link *l = s->data;
  if (l->closed || n == 0)
    return;
  if (n < 0) {
    char msg[160];
    snprintf(msg, sizeof(msg), "connection to %s lost: %s", l->peer,
             n == UV_EOF ? "closed by the server" : uv_strerror((int)n));
    fail(l, CQL_E_CONNECTION_CLOSED, msg);
    return;
  }
  l->received += (uint64_t)n;
  if (l->tls)
    tls_input(l, (const uint8_t *)buf->base, (size_t)n);
  else
    cql_conn_recv(l->conn, (const uint8_t *)buf->base, (size_t)n);
  rearm(l);
}

/* ---- connecting ------------------------------------------------------------ */

static void on_connected(uv_connect_t *req, int status) {
  cql_link *l = req->data;
  if (status == UV_ECANCELED || l->closed)
    return;
  if (status < 0) {
    char msg[160];
    snprintf(msg, sizeof(msg), "could not connect to %s: %s", l->peer, uv_strerror(status));
    fail(l, CQL_E_CONNECT, msg);
    return;
  }
  uv_tcp_nodelay(&l->tcp, 1);
  uv_read_start((uv_stream_t *)&l->tcp, alloc_cb, on_read);
  if (!l->tls) {
    start_protocol(l);
    return;
  }
  char msg[300];
  bool done = false;
  cql_status st = cql_tls_handshake(l->tls, &done, msg, sizeof(msg));
  if (st != CQL_OK)
    fail(l, st, msg);
  else
    schedule_flush(l);
}

static void format_peer(cql_link *l) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (l->addr.ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&l->addr;
    uv_ip6_name(a, host, sizeof(host));
    port = ntohs(a->sin6_port);
    snprintf(l->peer, sizeof(l->peer), "[%s]:%d", host, port);
  } else {
    const struct sockaddr_in *a = (const struct sockaddr_in *)&l->addr;
    uv_ip4_name(a, host, sizeof(host));
    port = ntohs(a->sin_port);
    snprintf(l->peer, sizeof(l->peer), "%s:%d", host, port);
  }
}

static void init_handles(cql_link *l, uv_loop_t *loop) {
  l->loop = loop;
  uv_tcp_init(loop, &l->tcp);
  uv_timer_init(loop, &l->timer);
  uv_prepare_init(loop, &l->flush);
  l->tcp.data = l->timer.data = l->flush.data = l;
  l->connect_req.data = l->write_req.data = l;
  l->handles_open = HANDLES;
}

static void conn_ready(cql_conn *c, void *ud) {
  (void)c;
  cql_link *l = ud;
  if (l->cb.on_ready)
    l->cb.on_ready(l, l->cb.ud);
}

static void conn_event(cql_conn *c, cql_reply *ev, void *ud) {
  (void)c;
  cql_link *l = ud;
  if (l->cb.on_event)
    l->cb.on_event(l, ev, l->cb.ud);
}

static cql_status new_link(const cql_link_config *cfg, const cql_link_callbacks *cb,
                           cql_link **out) {
  size_t alen =
      cfg->addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  if (cfg->addr->sa_family != AF_INET && cfg->addr->sa_family != AF_INET6)
    return CQL_E_INVALID_ARG;
  const cql_mem *mem = cql_mem_or_default(cfg->conn ? cfg->conn->mem : NULL);
  cql_link *l = cql_malloc(mem, sizeof(*l));
  if (!l)
    return CQL_E_NOMEM;
  memset(l, 0, offsetof(cql_link, rbuf)); /* the read buffers need no zeroing */
  l->mem = *mem;
  memcpy(&l->addr, cfg->addr, alen);
  format_peer(l);
  l->cb = *cb;
  l->armed_at = CQL_CONN_NO_DEADLINE;
  cql_buf_init(&l->wbuf, &l->mem);
  cql_buf_init(&l->plain, &l->mem);
  cql_conn_callbacks ccb = {now_ms, conn_ready, conn_event, conn_want_write, conn_closed, l};
  cql_status st = cql_conn_new(&l->conn, cfg->conn, &ccb);
  if (st == CQL_OK && cfg->tls)
    st = cql_tls_new(&l->tls, cfg->tls, cfg->tls_host);
  if (st != CQL_OK) {
    cql_conn_free(l->conn);
    cql_free(&l->mem, l);
    return st;
  }
  *out = l;
  return CQL_OK;
}

cql_status cql_link_open(uv_loop_t *loop, const cql_link_config *cfg, const cql_link_callbacks *cb,
                         cql_link **out) {
  if (!loop || !cfg || !cfg->addr || !cb || !cb->on_closed || !out)
    return CQL_E_INVALID_ARG;
  cql_link *l = NULL;
  cql_status st = new_link(cfg, cb, &l);
  if (st != CQL_OK)
    return st;
  init_handles(l, loop);
  l->connecting = true;
  *out = l;
  if (cfg->connect_timeout_ms)
    uv_timer_start(&l->timer, on_timer, cfg->connect_timeout_ms, 0);
  int r = uv_tcp_connect(&l->connect_req, &l->tcp, (const struct sockaddr *)&l->addr, on_connected);
  if (r < 0) {
    /* Reported like any later failure: from the loop, not from here. */
    l->connect_error = r;
    uv_timer_start(&l->timer, on_timer, 0, 0);
  }
  return CQL_OK;
}

cql_conn *cql_link_conn(cql_link *l) { return l->conn; }

void cql_link_close(cql_link *l) {
  if (l && !l->closed)
    cql_conn_close(l->conn);
}

uint64_t cql_link_bytes_sent(const cql_link *l) { return l->sent; }
uint64_t cql_link_bytes_received(const cql_link *l) { return l->received; }
const char *cql_link_peer(const cql_link *l) { return l->peer; }
