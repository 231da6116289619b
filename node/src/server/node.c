/* cql_node: listeners, lifecycle and fault injection on a libuv loop. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_impl.h"

enum { MAX_NODES = 250 };

void cql_node_options_init(cql_node_options *o) { memset(o, 0, sizeof(*o)); }

void cql_node_logf(const cql_node *n, const char *fmt, ...) {
  if (!n->log)
    return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  n->log(n->log_ud, line);
}

static void on_connection(uv_stream_t *server, int status) {
  node_listener *l = server->data;
  if (status < 0 || l->node->closing)
    return;
  cql_node_accept(l);
}

/* The address of node `index`: the host's last IPv4 octet plus index. */
static int node_address(const char *host, uint32_t index, uint16_t port,
                        struct sockaddr_storage *out) {
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  memset(out, 0, sizeof(*out));
  if (uv_ip4_addr(host, port, a4) == 0) {
    uint32_t ip = ntohl(a4->sin_addr.s_addr);
    if ((ip & 0xFF) + index > 255)
      return UV_EINVAL;
    a4->sin_addr.s_addr = htonl(ip + index);
    return 0;
  }
  if (index > 0)
    return UV_EINVAL; /* multi-node needs IPv4 */
  return uv_ip6_addr(host, port, a6);
}

static void sockaddr_inet(const struct sockaddr_storage *sa, cql_inet *out) {
  memset(out, 0, sizeof(*out));
  if (sa->ss_family == AF_INET) {
    out->len = 4;
    memcpy(out->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  } else {
    out->len = 16;
    memcpy(out->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
  }
}

static void on_listener_closed(uv_handle_t *h) {
  node_listener *l = h->data;
  free(h);
  cql_node_handle_closed(l->node);
}

static void close_listener(node_listener *l) {
  if (!l->open)
    return;
  l->open = false;
  l->node->pending_closes++;
  uv_close((uv_handle_t *)l->tcp, on_listener_closed);
  l->tcp = NULL;
}

/* Binds and listens; on return l->addr holds the bound address. */
static int open_listener(node_listener *l) {
  cql_node *n = l->node;
  l->tcp = malloc(sizeof(*l->tcp));
  if (!l->tcp)
    return UV_ENOMEM;
  int rc = uv_tcp_init(n->loop, l->tcp);
  if (rc != 0) {
    free(l->tcp);
    l->tcp = NULL;
    return rc;
  }
  l->tcp->data = l;
  l->open = true;
  rc = uv_tcp_bind(l->tcp, (const struct sockaddr *)&l->addr, 0);
  if (rc == 0)
    rc = uv_listen((uv_stream_t *)l->tcp, 511, on_connection);
  int len = sizeof(l->addr);
  if (rc == 0)
    rc = uv_tcp_getsockname(l->tcp, (struct sockaddr *)&l->addr, &len);
  if (rc != 0)
    close_listener(l);
  return rc;
}

static void close_listeners(cql_node *n) {
  for (uint32_t i = 0; n->ls && i < n->n_ls; i++)
    close_listener(&n->ls[i]);
}

/* One attempt: node 0 on the asked port (0: the kernel's pick), the other
 * nodes on the same port at the next addresses. */
static int try_listeners(cql_node *n, const char *host, uint16_t port) {
  for (uint32_t i = 0; i < n->n_ls; i++) {
    node_listener *l = &n->ls[i];
    l->node = n;
    l->index = i;
    if (node_address(host, i, port, &l->addr) != 0)
      return UV_EINVAL;
    int rc = open_listener(l);
    if (rc != 0) {
      cql_node_logf(n, "cannot listen on %s (node %u): %s", host, i + 1, uv_strerror(rc));
      return rc;
    }
    if (i == 0) {
      port = ntohs(l->addr.ss_family == AF_INET ? ((struct sockaddr_in *)&l->addr)->sin_port
                                                : ((struct sockaddr_in6 *)&l->addr)->sin6_port);
      n->port = port;
    }
    sockaddr_inet(&l->addr, &l->inet);
  }
  return 0;
}

static cql_status open_listeners(cql_node *n, const cql_node_options *o) {
  const char *host = o->host ? o->host : "127.0.0.1";
  /* With an ephemeral port, the port the kernel picked for node 1 may be
   * taken at another node's address: pick again. */
  for (int attempt = 0;; attempt++) {
    int rc = try_listeners(n, host, o->port);
    if (rc == 0)
      return CQL_OK;
    close_listeners(n);
    if (rc == UV_EINVAL)
      return CQL_E_INVALID_ARG;
    if (o->port != 0 || n->n_ls == 1 || attempt == 8)
      return CQL_E_CONNECT;
  }
}

static cql_status make_srv(cql_node *n, const cql_node_options *o) {
  cql_srv_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.engine.data_center = o->data_center;
  sc.engine.max_store_bytes = o->max_store_bytes;
  sc.engine.rpc_address = n->ls[0].inet;
  sc.engine.native_port = n->port;
  if (n->n_ls > 1) {
    n->peers = calloc(n->n_ls, sizeof(*n->peers));
    if (!n->peers)
      return CQL_E_NOMEM;
    for (uint32_t i = 0; i < n->n_ls; i++) {
      n->peers[i].address = n->ls[i].inet;
      n->peers[i].port = 7000;
      n->peers[i].native_address = n->ls[i].inet;
      n->peers[i].native_port = n->port;
    }
    sc.engine.nodes = n->peers;
    sc.engine.n_nodes = n->n_ls;
  }
  sc.min_version = (uint8_t)o->min_version;
  sc.max_version = (uint8_t)o->max_version;
  sc.auth_user = o->auth_user;
  sc.auth_password = o->auth_password;
  sc.max_frame_bytes = o->max_frame_bytes;
  sc.on_output = cql_node_on_output;
  sc.log = o->log;
  sc.ud = o->log_ud;
  /* The srv calls on_output with ud = log_ud; the hook finds the
   * connection through the sconn's user pointer, so it needs no ud. */
  return cql_srv_new(&sc, &n->srv);
}

static cql_status check_options(const cql_node_options *o) {
  if (o->nodes > MAX_NODES || o->min_version < 0 || o->max_version < 0 ||
      (o->min_version && (o->min_version < 4 || o->min_version > 5)) ||
      (o->max_version && (o->max_version < 4 || o->max_version > 5)) ||
      (o->min_version && o->max_version && o->min_version > o->max_version) ||
      (o->auth_user && !o->auth_password) || (!o->tls_cert_file != !o->tls_key_file))
    return CQL_E_INVALID_ARG;
  return CQL_OK;
}

cql_status cql_node_start(struct uv_loop_s *loop, const cql_node_options *o, cql_node **out) {
  cql_node_options defaults;
  if (!o) {
    cql_node_options_init(&defaults);
    o = &defaults;
  }
  if (!loop || !out || check_options(o) != CQL_OK)
    return CQL_E_INVALID_ARG;
  cql_node *n = calloc(1, sizeof(*n));
  if (!n)
    return CQL_E_NOMEM;
  n->loop = loop;
  n->log = o->log;
  n->log_ud = o->log_ud;
  n->delay_ms = o->delay_ms;
  n->n_ls = o->nodes > 1 ? o->nodes : 1;
  cql_buf_init(&n->plain, NULL);
  uv_prepare_init(loop, &n->flush);
  n->flush.data = n;
  n->pending_closes = 1; /* the flush handle */
  n->ls = calloc(n->n_ls, sizeof(*n->ls));
  cql_status st = n->ls ? CQL_OK : CQL_E_NOMEM;
  if (st == CQL_OK && o->tls_cert_file) {
    char err[300];
    st = cql_tls_server_new(o->tls_cert_file, o->tls_key_file, o->tls_ca_file, &n->tls, err,
                            sizeof(err));
    if (st != CQL_OK)
      cql_node_logf(n, "TLS setup failed: %s", err);
  }
  if (st == CQL_OK)
    st = open_listeners(n, o);
  if (st == CQL_OK)
    st = make_srv(n, o);
  if (st != CQL_OK) {
    cql_node_close(n, NULL, NULL);
    return st;
  }
  cql_node_logf(n, "listening on port %u (%u node%s)", n->port, n->n_ls, n->n_ls > 1 ? "s" : "");
  *out = n;
  return CQL_OK;
}

uint16_t cql_node_port(const cql_node *n) { return n->port; }

uint64_t cql_node_requests(const cql_node *n) { return n->srv ? cql_srv_requests(n->srv) : 0; }

static void on_flush_closed(uv_handle_t *h) { cql_node_handle_closed(h->data); }

void cql_node_handle_closed(cql_node *n) {
  if (--n->pending_closes > 0 || !n->closing)
    return;
  void (*cb)(void *) = n->close_cb;
  void *ud = n->close_ud;
  cql_srv_free(n->srv);
  cql_tls_server_free(n->tls);
  cql_buf_free(&n->plain);
  free(n->ls);
  free(n->peers);
  free(n);
  if (cb)
    cb(ud);
}

void cql_node_close(cql_node *n, void (*cb)(void *ud), void *ud) {
  if (n->closing)
    return;
  n->closing = true;
  n->close_cb = cb;
  n->close_ud = ud;
  n->pending_closes++; /* held until everything below is started */
  close_listeners(n);
  while (n->conns)
    cql_node_conn_close(n->conns);
  uv_close((uv_handle_t *)&n->flush, on_flush_closed);
  cql_node_handle_closed(n);
}

void cql_node_set_delay_ms(cql_node *n, uint32_t ms) { n->delay_ms = ms; }

void cql_node_forget_prepared(cql_node *n) { cql_srv_forget_prepared(n->srv); }

void cql_node_drop_connections(cql_node *n) {
  while (n->conns)
    cql_node_conn_close(n->conns);
}

void cql_node_fail_next(cql_node *n, uint32_t count, int32_t error_code, const char *message) {
  cql_srv_fail_next(n->srv, count, error_code, message);
}

void cql_node_set_down(cql_node *n, uint32_t node_index, bool down) {
  if (node_index >= n->n_ls || n->closing)
    return;
  node_listener *l = &n->ls[node_index];
  if (l->down == down)
    return;
  l->down = down;
  if (down) {
    close_listener(l);
    for (node_conn *c = n->conns, *next; c; c = next) {
      next = c->next;
      if (c->node_index == node_index)
        cql_node_conn_close(c);
    }
  } else if (l->open || open_listener(l) != 0) {
    cql_node_logf(n, "node %u: cannot listen again", node_index + 1);
  }
  cql_node_logf(n, "node %u is %s", node_index + 1, down ? "down" : "up");
  cql_srv_status_event(n->srv, node_index, !down, &l->inet, n->port);
}
