/* One client connection on libuv: socket bytes through TLS (optional) into
 * the sans-IO connection, and its output back out, coalesced to one write
 * per loop iteration, with backpressure and the delay fault. */
#include <stdlib.h>
#include <string.h>

#include "node_impl.h"

enum {
  /* Stop reading a client whose unwritten output exceeds this... */
  HIGH_WATER = 16 * 1024 * 1024,
  /* ...and read again once it has drained below this. */
  LOW_WATER = 4 * 1024 * 1024
};

typedef struct node_write {
  uv_write_t req;
  node_conn *c;
  cql_buf data;
} node_write;

static void on_handle_closed(uv_handle_t *h) {
  node_conn *c = h->data;
  if (--c->open_handles > 0)
    return;
  for (node_delayed *d = c->delayed; d;) {
    node_delayed *next = d->next;
    cql_buf_free(&d->data);
    free(d);
    d = next;
  }
  cql_node *n = c->node;
  free(c);
  cql_node_handle_closed(n);
}

static void unlink_dirty(node_conn *c) {
  if (!c->dirty)
    return;
  for (node_conn **p = &c->node->dirty; *p; p = &(*p)->dirty_next) {
    if (*p == c) {
      *p = c->dirty_next;
      break;
    }
  }
  c->dirty = false;
}

void cql_node_conn_close(node_conn *c) {
  if (c->closed)
    return;
  c->closed = true;
  cql_node *n = c->node;
  unlink_dirty(c);
  if (c->prev)
    c->prev->next = c->next;
  else
    n->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  cql_sconn_free(c->sc);
  c->sc = NULL;
  cql_tls_conn_free(c->tls);
  c->tls = NULL;
  n->pending_closes++;
  uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
  uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void maybe_finish(node_conn *c) {
  if (c->finishing && c->in_flight == 0 && !c->closed)
    cql_node_conn_close(c);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  node_conn *c = h->data;
  buf->base = (char *)c->node->rbuf;
  buf->len = sizeof(c->node->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void set_reading(node_conn *c, bool on) {
  if (c->closed || c->reading == on)
    return;
  if (on && uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, on_read) != 0)
    return;
  if (!on)
    uv_read_stop((uv_stream_t *)&c->tcp);
  c->reading = on;
}

static void on_written(uv_write_t *req, int status) {
  node_write *w = (node_write *)req;
  node_conn *c = w->c;
  c->in_flight -= w->data.len;
  cql_buf_free(&w->data);
  free(w);
  if (c->closed)
    return;
  if (status < 0) {
    cql_node_conn_close(c);
    return;
  }
  if (!c->finishing && c->in_flight < LOW_WATER)
    set_reading(c, true);
  maybe_finish(c);
}

/* Hands `data` (taken over) to libuv. */
static void write_now(node_conn *c, cql_buf *data) {
  node_write *w = malloc(sizeof(*w));
  if (!w) {
    cql_buf_free(data);
    cql_node_conn_close(c);
    return;
  }
  w->c = c;
  w->data = *data;
  uv_buf_t b = uv_buf_init((char *)w->data.data, (unsigned)w->data.len);
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
    c->in_flight -= w->data.len;
    cql_buf_free(&w->data);
    free(w);
    cql_node_conn_close(c);
  }
}

static void on_delay_timer(uv_timer_t *t) {
  node_conn *c = t->data;
  uint64_t now = uv_now(c->node->loop);
  while (c->delayed && c->delayed->due <= now && !c->closed) {
    node_delayed *d = c->delayed;
    c->delayed = d->next;
    if (!c->delayed)
      c->delayed_tail = NULL;
    write_now(c, &d->data);
    free(d);
  }
  if (c->delayed && !c->closed)
    uv_timer_start(&c->timer, on_delay_timer, c->delayed->due - now, 0);
}

/* Sends `data` (taken over), now or after the delay fault's wait. */
static void send_bytes(node_conn *c, cql_buf *data) {
  c->in_flight += data->len;
  uint32_t delay = c->node->delay_ms;
  if (delay == 0 && !c->delayed) {
    write_now(c, data);
  } else {
    node_delayed *d = malloc(sizeof(*d));
    if (!d) {
      cql_buf_free(data);
      cql_node_conn_close(c);
      return;
    }
    d->next = NULL;
    d->due = uv_now(c->node->loop) + delay;
    d->data = *data;
    if (c->delayed_tail)
      c->delayed_tail->next = d;
    else
      c->delayed = d;
    c->delayed_tail = d;
    if (!uv_is_active((uv_handle_t *)&c->timer))
      uv_timer_start(&c->timer, on_delay_timer, delay, 0);
  }
  if (!c->closed && c->in_flight > HIGH_WATER)
    set_reading(c, false);
}

/* Writes whatever the connection produced since the last flush. */
static void flush_conn(node_conn *c) {
  cql_buf out;
  cql_buf_init(&out, NULL);
  if (!cql_sconn_take_output(c->sc, &out)) {
    cql_buf_free(&out);
    maybe_finish(c);
    return;
  }
  if (c->tls) {
    cql_buf enc;
    cql_buf_init(&enc, NULL);
    cql_status st = cql_tls_conn_write(c->tls, out.data, out.len, &enc);
    cql_buf_free(&out);
    if (st != CQL_OK) {
      cql_buf_free(&enc);
      cql_node_conn_close(c);
      return;
    }
    out = enc;
  }
  if (out.len > 0)
    send_bytes(c, &out);
  else
    cql_buf_free(&out);
  if (!c->closed)
    maybe_finish(c);
}

void cql_node_flush_dirty(uv_prepare_t *flush) {
  cql_node *n = flush->data;
  while (n->dirty) {
    node_conn *c = n->dirty;
    n->dirty = c->dirty_next;
    c->dirty = false;
    flush_conn(c);
  }
  uv_prepare_stop(&n->flush);
  n->flush_active = false;
}

static void mark_dirty(node_conn *c) {
  if (c->dirty || c->closed)
    return;
  c->dirty = true;
  c->dirty_next = c->node->dirty;
  c->node->dirty = c;
  if (!c->node->flush_active) {
    uv_prepare_start(&c->node->flush, cql_node_flush_dirty);
    c->node->flush_active = true;
  }
}

void cql_node_on_output(void *ud, cql_sconn *sc) {
  (void)ud;
  node_conn *c = cql_sconn_user(sc);
  if (c)
    mark_dirty(c);
}

/* Plain bytes for the sans-IO connection; false when it is finished. */
static bool feed_plain(node_conn *c, const uint8_t *p, size_t n) {
  cql_status st = cql_sconn_feed(c->sc, p, n);
  if (st == CQL_OK)
    return true;
  cql_node_logf(c->node, "connection finishing: %s", cql_status_name(st));
  c->finishing = true;
  set_reading(c, false);
  return false;
}

static void feed_tls(node_conn *c, const uint8_t *p, size_t n) {
  cql_node *node = c->node;
  cql_buf cipher;
  cql_buf_init(&cipher, NULL);
  cql_buf_reset(&node->plain);
  cql_status st = cql_tls_conn_read(c->tls, p, n, &node->plain, &cipher);
  if (cipher.len > 0)
    send_bytes(c, &cipher);
  else
    cql_buf_free(&cipher);
  if (c->closed)
    return;
  if (st != CQL_OK) {
    cql_node_logf(node, "TLS failure: closing the connection");
    c->finishing = true;
    set_reading(c, false);
    maybe_finish(c);
    return;
  }
  if (node->plain.len > 0)
    feed_plain(c, node->plain.data, node->plain.len);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  node_conn *c = s->data;
  if (nread == 0 || c->closed)
    return;
  if (nread < 0) {
    cql_node_conn_close(c);
    return;
  }
  if (c->tls)
    feed_tls(c, (const uint8_t *)buf->base, (size_t)nread);
  else
    feed_plain(c, (const uint8_t *)buf->base, (size_t)nread);
  if (!c->closed)
    mark_dirty(c);
}

static void free_refused(uv_handle_t *h) { free(h->data); }

static void refuse(node_conn *c) {
  c->tcp.data = c;
  uv_close((uv_handle_t *)&c->tcp, free_refused);
}

void cql_node_accept(node_listener *l) {
  cql_node *n = l->node;
  node_conn *c = calloc(1, sizeof(*c));
  if (!c)
    return;
  uv_tcp_init(n->loop, &c->tcp);
  if (uv_accept((uv_stream_t *)l->tcp, (uv_stream_t *)&c->tcp) != 0 ||
      cql_sconn_new(n->srv, l->index, &c->sc) != CQL_OK ||
      (n->tls && cql_tls_conn_new(n->tls, &c->tls) != CQL_OK)) {
    cql_sconn_free(c->sc);
    refuse(c);
    return;
  }
  uv_timer_init(n->loop, &c->timer);
  c->tcp.data = c;
  c->timer.data = c;
  c->node = n;
  c->node_index = l->index;
  c->open_handles = 2;
  cql_sconn_set_user(c->sc, c);
  uv_tcp_nodelay(&c->tcp, 1);
  c->next = n->conns;
  if (n->conns)
    n->conns->prev = c;
  n->conns = c;
  set_reading(c, true);
  cql_node_logf(n, "node %u: client connected", l->index + 1);
}
