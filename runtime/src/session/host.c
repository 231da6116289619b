/* Hosts and their connection pools: opening links, noticing when they go,
 * and reconnecting with exponential backoff and jitter. */
#include "session_impl.h"

#include <stdio.h>
#include <string.h>

void cql_sockaddr_format(const struct sockaddr *a, char *ip, size_t iplen, char *name,
                         size_t namelen) {
  char buf[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (a->sa_family == AF_INET6) {
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)a;
    uv_ip6_name(a6, buf, sizeof(buf));
    port = ntohs(a6->sin6_port);
    snprintf(name, namelen, "[%s]:%d", buf, port);
  } else {
    const struct sockaddr_in *a4 = (const struct sockaddr_in *)(const void *)a;
    uv_ip4_name(a4, buf, sizeof(buf));
    port = ntohs(a4->sin_port);
    snprintf(name, namelen, "%s:%d", buf, port);
  }
  snprintf(ip, iplen, "%s", buf);
}

static size_t addr_len(const struct sockaddr *a) {
  return a->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static bool same_addr(const struct sockaddr *a, const struct sockaddr_storage *b) {
  if (a->sa_family != b->ss_family)
    return false;
  if (a->sa_family == AF_INET) {
    const struct sockaddr_in *x = (const struct sockaddr_in *)(const void *)a;
    const struct sockaddr_in *y = (const struct sockaddr_in *)(const void *)b;
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)(const void *)a;
  const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)(const void *)b;
  return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

cql_host *cql_host_find(cql_session *s, const struct sockaddr *addr) {
  for (uint32_t i = 0; i < s->n_hosts; i++)
    if (same_addr(addr, &s->hosts[i]->addr))
      return s->hosts[i];
  return NULL;
}

cql_host *cql_host_add(cql_session *s, const struct sockaddr *addr) {
  cql_host *h = cql_host_find(s, addr);
  if (h)
    return h;
  if (s->n_hosts == s->cap_hosts) {
    uint32_t cap = s->cap_hosts ? s->cap_hosts * 2 : 4;
    cql_host **hs = cql_realloc(&s->mem, s->hosts, cap * sizeof(*hs));
    if (!hs)
      return NULL;
    s->hosts = hs;
    s->cap_hosts = cap;
  }
  uint32_t slots = s->cfg->connections_per_host ? s->cfg->connections_per_host : 1;
  h = cql_malloc(&s->mem, sizeof(*h));
  cql_sconn **conns = cql_malloc(&s->mem, slots * sizeof(*conns));
  if (!h || !conns) {
    cql_free(&s->mem, h);
    cql_free(&s->mem, conns);
    return NULL;
  }
  memset(h, 0, sizeof(*h));
  memset(conns, 0, slots * sizeof(*conns));
  h->s = s;
  h->conns = conns;
  h->n_slots = slots;
  memcpy(&h->addr, addr, addr_len(addr));
  cql_sockaddr_format(addr, h->ip, sizeof(h->ip), h->name, sizeof(h->name));
  snprintf(h->tls_name, sizeof(h->tls_name), "%s", h->ip);
  uv_timer_init(s->loop, &h->reconnect);
  h->reconnect.data = h;
  s->open_handles++;
  s->hosts[s->n_hosts++] = h;
  return h;
}

static void on_reconnect_closed(uv_handle_t *t) {
  cql_host *h = t->data;
  cql_session *s = h->s;
  s->open_handles--;
  cql_session_maybe_finish(s);
}

void cql_host_close(cql_host *h) {
  uv_timer_stop(&h->reconnect);
  for (uint32_t i = 0; i < h->n_slots; i++) {
    cql_sconn *c = h->conns[i];
    if (c && c->link)
      cql_link_close(c->link);
  }
  if (!uv_is_closing((uv_handle_t *)&h->reconnect))
    uv_close((uv_handle_t *)&h->reconnect, on_reconnect_closed);
}

void cql_host_free(cql_host *h) {
  cql_session *s = h->s;
  for (uint32_t i = 0; i < h->n_slots; i++)
    cql_free(&s->mem, h->conns[i]);
  cql_free(&s->mem, h->conns);
  cql_free(&s->mem, h->tokens);
  cql_free(&s->mem, h);
}

uint32_t cql_session_connections(const cql_session *s) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->n_hosts; i++)
    n += s->hosts[i]->ready;
  return n;
}

cql_sconn *cql_host_pick_conn(cql_host *h) {
  cql_sconn *best = NULL;
  uint32_t best_load = UINT32_MAX;
  for (uint32_t i = 0; i < h->n_slots; i++) {
    cql_sconn *c = h->conns[(h->rr + i) % h->n_slots];
    if (!c || !c->ready || !c->link)
      continue;
    uint32_t load = cql_conn_in_flight(cql_link_conn(c->link));
    if (load < best_load) {
      best = c;
      best_load = load;
    }
  }
  h->rr++;
  return best;
}

/* ---- the pool's links ---------------------------------------------------------- */

static void schedule_reconnect(cql_host *h);

/* Adapts the public authenticator to the connection's. */
static cql_status auth_initial(void *ud, cql_slice cls, cql_buf *token, bool *null) {
  cql_session *s = ud;
  char name[256];
  snprintf(name, sizeof(name), "%.*s", (int)(cls.len > 255 ? 255 : cls.len), (const char *)cls.ptr);
  cql_slice out = {NULL, 0};
  cql_status st = s->cfg->authenticator.initial(s->cfg->authenticator_ud, name, &out);
  if (st == CQL_OK) {
    *null = out.ptr == NULL;
    cql_buf_put_raw(token, out.ptr, out.len);
  }
  return st;
}

static cql_status auth_challenge(void *ud, cql_slice challenge, bool challenge_null,
                                 cql_buf *response, bool *null) {
  (void)challenge_null;
  cql_session *s = ud;
  if (!s->cfg->authenticator.challenge)
    return CQL_E_AUTH;
  cql_slice out = {NULL, 0};
  cql_status st = s->cfg->authenticator.challenge(s->cfg->authenticator_ud, challenge, &out);
  if (st == CQL_OK) {
    *null = out.ptr == NULL;
    cql_buf_put_raw(response, out.ptr, out.len);
  }
  return st;
}

static cql_status auth_success(void *ud, cql_slice token, bool token_null) {
  (void)token_null;
  cql_session *s = ud;
  if (!s->cfg->authenticator.success)
    return CQL_OK;
  return s->cfg->authenticator.success(s->cfg->authenticator_ud, token);
}

void cql_session_auth_done(cql_session *s) {
  if (s->cfg->has_authenticator && s->cfg->authenticator.done)
    s->cfg->authenticator.done(s->cfg->authenticator_ud);
}

static void pool_ready(cql_link *l, void *ud);
static void pool_closed(cql_link *l, const cql_conn_close_info *info, void *ud);
void cql_control_on_ready(cql_link *l, void *ud);
void cql_control_on_event(cql_link *l, cql_reply *ev, void *ud);
void cql_control_on_closed(cql_link *l, const cql_conn_close_info *info, void *ud);

cql_status cql_session_open_link(cql_session *s, cql_sconn *sc, const struct sockaddr *addr,
                                 const char *tls_host, uint8_t version, uint8_t min_version) {
  cql_conn_config cc;
  cql_config_conn_config(s->cfg, version, &cc);
  cc.min_protocol_version = min_version;
  cc.max_in_flight = 32768; /* one connection carries every request of a host */
  cc.keyspace = sc->control ? NULL : s->keyspace;
  cql_conn_authenticator auth = {auth_initial, auth_challenge, auth_success, s};
  if (s->cfg->has_authenticator)
    cc.authenticator = &auth;
  cql_link_config lc = {addr, s->cfg->connect_timeout_ms, &cc, s->tls,
                        s->cfg->tls_server_name ? s->cfg->tls_server_name : tls_host};
  cql_link_callbacks cb = {pool_ready, NULL, pool_closed, sc};
  if (sc->control)
    cb =
        (cql_link_callbacks){cql_control_on_ready, cql_control_on_event, cql_control_on_closed, sc};
  cql_status st = cql_link_open(s->loop, &lc, &cb, &sc->link);
  if (st == CQL_OK)
    s->open_links++;
  return st;
}

static void open_slot(cql_host *h, uint32_t i) {
  cql_session *s = h->s;
  cql_sconn *c = h->conns[i];
  if (!c) {
    c = cql_malloc(&s->mem, sizeof(*c));
    if (!c)
      return;
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->host = h;
    h->conns[i] = c;
  }
  if (c->link)
    return;
  h->ever_tried = true;
  cql_status st =
      cql_session_open_link(s, c, (const struct sockaddr *)&h->addr, h->ip, s->version, s->version);
  if (st != CQL_OK) {
    cql_session_log(s, CQL_LOG_WARN, "cannot open a connection to %s: %s", h->name,
                    cql_status_describe(st));
    schedule_reconnect(h);
  }
}

void cql_host_connect_pool(cql_host *h) {
  if (h->s->state == SESSION_CLOSING || h->removed)
    return;
  for (uint32_t i = 0; i < h->n_slots; i++)
    open_slot(h, i);
}

static void on_reconnect(uv_timer_t *t) { cql_host_connect_pool(t->data); }

/* Exponential from base, capped, with up to 50% random jitter so that many
 * clients do not come back in lockstep. */
static uint64_t backoff_ms(const cql_session *s, uint32_t attempt) {
  uint64_t base = s->cfg->backoff_base_ms ? s->cfg->backoff_base_ms : 1000;
  uint64_t cap = s->cfg->backoff_max_ms ? s->cfg->backoff_max_ms : 60000;
  uint64_t d = base << (attempt > 20 ? 20 : attempt);
  if (d > cap)
    d = cap;
  uint64_t jitter = (uv_hrtime() ^ (uint64_t)(uintptr_t)s) % (d / 2 + 1);
  return d / 2 + jitter;
}

static void schedule_reconnect(cql_host *h) {
  cql_session *s = h->s;
  if (s->state == SESSION_CLOSING || s->state == SESSION_FAILED || h->removed ||
      uv_is_active((uv_handle_t *)&h->reconnect))
    return;
  uint64_t d = backoff_ms(s, h->attempts++);
  cql_session_log(s, CQL_LOG_INFO, "reconnecting to %s in %llu ms", h->name, (unsigned long long)d);
  uv_timer_start(&h->reconnect, on_reconnect, d, 0);
}

static void pool_ready(cql_link *l, void *ud) {
  (void)l;
  cql_sconn *c = ud;
  cql_host *h = c->host;
  cql_session *s = c->s;
  c->ready = true;
  cql_session_auth_done(s);
  h->ready++;
  h->up = true;
  h->attempts = 0;
  const cql_conn_info *info = cql_conn_get_info(cql_link_conn(l));
  s->m.compression = info->lz4;
  if (s->state == SESSION_CONNECTING) {
    s->state = SESSION_OPEN;
    cql_session_report_connect(s, CQL_OK, "connected");
  }
  cql_session_drain_waiting(s);
}

static void pool_closed(cql_link *l, const cql_conn_close_info *info, void *ud) {
  cql_sconn *c = ud;
  cql_host *h = c->host;
  cql_session *s = c->s;
  s->closed_bytes_sent += cql_link_bytes_sent(l);
  s->closed_bytes_received += cql_link_bytes_received(l);
  c->link = NULL;
  s->open_links--;
  if (c->ready) {
    c->ready = false;
    h->ready--;
  } else {
    cql_session_auth_done(s);
  }
  if (h->ready == 0)
    h->up = false;
  if (s->state == SESSION_CLOSING) {
    cql_session_maybe_finish(s);
    return;
  }
  cql_session_log(s, CQL_LOG_WARN, "connection to %s closed: %s", h->name, info->message);
  if (info->status == CQL_OK)
    return;
  schedule_reconnect(h);
  /* The first pool never came up anywhere: the connect failed. */
  if (s->state == SESSION_CONNECTING) {
    bool any_pending = false;
    for (uint32_t i = 0; i < s->n_hosts; i++) {
      cql_host *o = s->hosts[i];
      for (uint32_t j = 0; j < o->n_slots; j++)
        if (o->conns[j] && o->conns[j]->link)
          any_pending = true;
    }
    if (!any_pending) {
      cql_session_report_connect(s, info->status, info->message);
      cql_session_fail_waiting(s, info->status, info->message);
    }
  }
}
