/* The control connection: finds a contact point that answers, settles the
 * protocol version (retrying with the server's highest one when it refuses
 * ours), discovers the cluster from system.local and system.peers(_v2),
 * opens the pools and listens for topology, status and schema events. */
#include "session_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"

static void open_control(cql_session *s, const struct sockaddr *addr, const char *ip);
static cql_status control_query(cql_session *s, const char *q, cql_conn_request_cb cb);
static void discover(cql_session *s);

/* ---- contact points ------------------------------------------------------------ */

static void set_port(struct sockaddr_storage *a, uint16_t port) {
  if (a->ss_family == AF_INET)
    ((struct sockaddr_in *)a)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

static uint16_t contact_port(const cql_session *s, size_t i) {
  return s->cfg->contacts[i].port ? s->cfg->contacts[i].port : s->cfg->port;
}

/* An IP literal needs no resolver. */
static bool literal_contact(const cql_session *s, size_t i, struct sockaddr_storage *out) {
  const char *host = s->cfg->contacts[i].host;
  memset(out, 0, sizeof(*out));
  return uv_ip4_addr(host, contact_port(s, i), (struct sockaddr_in *)out) == 0 ||
         uv_ip6_addr(host, contact_port(s, i), (struct sockaddr_in6 *)out) == 0;
}

/* IPv4 first: "localhost" often lists ::1 before a server bound to
 * 127.0.0.1. */
static const struct addrinfo *pick_address(const struct addrinfo *list) {
  for (const struct addrinfo *p = list; p; p = p->ai_next)
    if (p->ai_family == AF_INET)
      return p;
  return list;
}

static void try_next_contact(cql_session *s);

static void open_contact(cql_session *s, size_t i, const struct sockaddr_storage *a) {
  /* A contact point given by name is verified by that name under TLS. */
  snprintf(s->control_name, sizeof(s->control_name), "%s", s->cfg->contacts[i].host);
  open_control(s, (const struct sockaddr *)a, s->control_name);
  if (!s->control || !s->control->link)
    try_next_contact(s);
}

/* A name resolved (on libuv's thread pool, off the loop). The session
 * counts the request as an open handle so that a close waits for it. */
static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  cql_session *s = req->data;
  size_t i = s->contact_next - 1;
  s->open_handles--;
  if (s->state == SESSION_CLOSING) {
    uv_freeaddrinfo(res);
    cql_session_maybe_finish(s);
    return;
  }
  if (status != 0 || !res) {
    s->last_error = CQL_E_CONNECT;
    snprintf(s->last_message, sizeof(s->last_message), "cannot resolve contact point '%s': %s",
             s->cfg->contacts[i].host, uv_strerror(status ? status : UV_EAI_NONAME));
    uv_freeaddrinfo(res);
    try_next_contact(s);
    return;
  }
  const struct addrinfo *ai = pick_address(res);
  struct sockaddr_storage a;
  memset(&a, 0, sizeof(a));
  memcpy(&a, ai->ai_addr, ai->ai_addrlen);
  set_port(&a, contact_port(s, i));
  uv_freeaddrinfo(res);
  open_contact(s, i, &a);
}

static bool resolve_async(cql_session *s, size_t i) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  s->dns.data = s;
  if (uv_getaddrinfo(s->loop, &s->dns, on_resolved, s->cfg->contacts[i].host, NULL, &hints) != 0)
    return false;
  s->open_handles++;
  return true;
}

static void fail_connect(cql_session *s) {
  cql_session_report_connect(s, s->last_error, s->last_message);
  cql_session_fail_waiting(s, s->last_error, s->last_message);
}

/* Tries the next contact point, or reports the last failure. */
static void try_next_contact(cql_session *s) {
  if (s->state == SESSION_CLOSING)
    return;
  if (s->contact_next >= s->cfg->n_contacts) {
    fail_connect(s);
    return;
  }
  size_t i = s->contact_next++;
  struct sockaddr_storage a;
  if (literal_contact(s, i, &a)) {
    open_contact(s, i, &a);
    return;
  }
  if (!resolve_async(s, i)) {
    s->last_error = CQL_E_CONNECT;
    snprintf(s->last_message, sizeof(s->last_message), "cannot resolve contact point '%s'",
             s->cfg->contacts[i].host);
    try_next_contact(s);
  }
}

void cql_control_start(cql_session *s) {
  s->last_error = CQL_E_NO_HOSTS;
  snprintf(s->last_message, sizeof(s->last_message), "no contact point could be reached");
  try_next_contact(s);
}

static void open_control(cql_session *s, const struct sockaddr *addr, const char *ip) {
  if (!s->control) {
    s->control = cql_malloc(&s->mem, sizeof(*s->control));
    if (!s->control) {
      s->last_error = CQL_E_NOMEM;
      return;
    }
  }
  memset(s->control, 0, sizeof(*s->control));
  s->control->s = s;
  s->control->control = true;
  uint8_t version = s->version ? s->version : s->try_version;
  uint8_t min = s->version ? s->version : s->cfg->min_version;
  cql_status st = cql_session_open_link(s, s->control, addr, ip, version, min);
  if (st != CQL_OK) {
    s->last_error = st;
    snprintf(s->last_message, sizeof(s->last_message), "cannot open a connection: %s",
             cql_status_describe(st));
  } else {
    memcpy(&s->control_addr, addr,
           addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
  }
}

void cql_control_close(cql_session *s) {
  uv_timer_stop(&s->control_timer);
  uv_cancel((uv_req_t *)&s->dns); /* harmless when none is running */
  if (s->control && s->control->link)
    cql_link_close(s->control->link);
}

/* ---- callbacks of the control link ----------------------------------------------- */

void cql_control_on_ready(cql_link *l, void *ud) {
  cql_sconn *c = ud;
  cql_session *s = c->s;
  c->ready = true;
  cql_session_auth_done(s);
  s->control_attempts = 0;
  if (!s->version) {
    const cql_conn_info *info = cql_conn_get_info(cql_link_conn(l));
    s->version = info->protocol_version;
    s->m.protocol_version = s->version;
    cql_session_log(s, CQL_LOG_INFO, "connected to %s with protocol v%u", cql_link_peer(l),
                    s->version);
  } else {
    cql_session_log(s, CQL_LOG_INFO, "control connection now on %s", cql_link_peer(l));
  }
  discover(s);
}

static bool fatal_for_connect(cql_status st) {
  return st == CQL_E_AUTH || st == CQL_E_PROTOCOL_NEGOTIATION || st == CQL_E_TLS_VERIFY ||
         st == CQL_E_TLS_HOSTNAME || st == CQL_E_TLS || cql_status_source(st) == CQL_SOURCE_SERVER;
}

static void on_control_timer(uv_timer_t *t) {
  cql_session *s = t->data;
  if (s->state == SESSION_CLOSING || (s->control && s->control->link))
    return;
  /* Any host that is up will do; the original contact point otherwise. */
  for (uint32_t i = 0; i < s->n_hosts; i++) {
    cql_host *h = s->hosts[i];
    if (h->up && !h->removed) {
      snprintf(s->control_name, sizeof(s->control_name), "%s", h->tls_name);
      open_control(s, (const struct sockaddr *)&h->addr, h->tls_name);
      return;
    }
  }
  open_control(s, (const struct sockaddr *)&s->control_addr, s->control_name);
  if (!s->control || !s->control->link)
    uv_timer_start(&s->control_timer, on_control_timer, 1000, 0);
}

void cql_control_on_closed(cql_link *l, const cql_conn_close_info *info, void *ud) {
  cql_sconn *c = ud;
  cql_session *s = c->s;
  bool was_ready = c->ready;
  s->closed_bytes_sent += cql_link_bytes_sent(l);
  s->closed_bytes_received += cql_link_bytes_received(l);
  c->link = NULL;
  c->ready = false;
  s->open_links--;
  if (!was_ready)
    cql_session_auth_done(s);
  if (s->state == SESSION_CLOSING) {
    cql_session_maybe_finish(s);
    return;
  }
  if (s->state == SESSION_FAILED)
    return;
  if (!was_ready && !s->version) {
    s->last_error = info->status;
    snprintf(s->last_message, sizeof(s->last_message), "%s", info->message);
    if (info->version_refused && info->retry_version) {
      cql_session_log(s, CQL_LOG_INFO, "%s", info->message);
      s->try_version = info->retry_version;
      open_control(s, (const struct sockaddr *)&s->control_addr, s->control_name);
      if (s->control && s->control->link)
        return;
      fail_connect(s);
      return;
    }
    if (fatal_for_connect(info->status)) {
      fail_connect(s);
      return;
    }
    try_next_contact(s);
    return;
  }
  cql_session_log(s, CQL_LOG_WARN, "control connection lost: %s", info->message);
  uint32_t shift = s->control_attempts < 6 ? s->control_attempts : 6;
  s->control_attempts++;
  uv_timer_start(&s->control_timer, on_control_timer, (uint64_t)100 << shift, 0);
}

/* ---- discovery -------------------------------------------------------------------------- */

typedef struct row_view {
  const cql_rows_metadata *md;
  cql_cell cells[64];
} row_view;

static int col_index(const cql_rows_metadata *md, const char *name) {
  for (int32_t i = 0; i < md->columns_count && i < 64; i++)
    if (cql_slice_eq_cstr(md->columns[i].name, name))
      return i;
  return -1;
}

static cql_slice cell(const row_view *r, const char *name) {
  int i = col_index(r->md, name);
  cql_slice none = {NULL, 0};
  if (i < 0 || r->cells[i].len < 0)
    return none;
  return r->cells[i].bytes;
}

static void copy_text(char *dst, size_t n, cql_slice v) {
  snprintf(dst, n, "%.*s", (int)(v.len < n ? v.len : n - 1), v.ptr ? (const char *)v.ptr : "");
}

/* set<text> of decimal tokens into h->tokens. */
static void read_tokens(cql_session *s, cql_host *h, cql_slice v) {
  cql_rd rd;
  cql_rd_init(&rd, v.ptr, v.len);
  int32_t n = v.len >= 4 ? cql_rd_i32(&rd) : 0;
  if (n <= 0 || (size_t)n > v.len / 4)
    return;
  int64_t *toks = cql_malloc(&s->mem, (size_t)n * sizeof(*toks));
  if (!toks)
    return;
  uint32_t k = 0;
  for (int32_t i = 0; i < n && cql_rd_ok(&rd); i++) {
    int32_t len = cql_rd_i32(&rd);
    if (len < 0 || len > 30 || (size_t)len > cql_rd_left(&rd))
      break;
    char buf[32];
    memcpy(buf, rd.pos, (size_t)len);
    buf[len] = '\0';
    rd.pos += len;
    toks[k++] = strtoll(buf, NULL, 10);
  }
  cql_free(&s->mem, h->tokens);
  h->tokens = toks;
  h->n_tokens = k;
}

static bool inet_cell(cql_slice v, int32_t port, struct sockaddr_storage *out) {
  memset(out, 0, sizeof(*out));
  if (v.len == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    memcpy(&a->sin_addr, v.ptr, 4);
    return true;
  }
  if (v.len == 16) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    memcpy(&a->sin6_addr, v.ptr, 16);
    return true;
  }
  return false;
}

static uint16_t control_port(const cql_session *s) {
  const struct sockaddr_storage *a = &s->control_addr;
  return a->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)a)->sin6_port)
                                  : ntohs(((const struct sockaddr_in *)a)->sin_port);
}

static void fill_host(cql_session *s, cql_host *h, const row_view *r) {
  copy_text(h->dc, sizeof(h->dc), cell(r, "data_center"));
  copy_text(h->rack, sizeof(h->rack), cell(r, "rack"));
  read_tokens(s, h, cell(r, "tokens"));
  h->seen = true;
}

static void each_row(const cql_response *resp, void (*fn)(cql_session *, const row_view *),
                     cql_session *s) {
  if (resp->opcode != CQL_OP_RESULT || resp->u.result.kind != CQL_RESULT_ROWS)
    return;
  row_view r;
  r.md = &resp->u.result.u.rows.metadata;
  if (!r.md->columns || r.md->columns_count > 64)
    return;
  cql_row_iter it;
  cql_row_iter_init(&it, &resp->u.result);
  while (cql_row_iter_next(&it, r.cells))
    fn(s, &r);
}

/* The host the control connection talks to, named as we reached it. */
static cql_host *control_host(cql_session *s) {
  cql_host *h = cql_host_add(s, (const struct sockaddr *)&s->control_addr);
  if (h && strcmp(h->tls_name, h->ip) == 0)
    snprintf(h->tls_name, sizeof(h->tls_name), "%s", s->control_name);
  return h;
}

static void local_row(cql_session *s, const row_view *r) {
  cql_host *h = control_host(s);
  if (!h)
    return;
  fill_host(s, h, r);
  if (!s->local_dc[0])
    snprintf(s->local_dc, sizeof(s->local_dc), "%s", h->dc);
}

static void peer_row(cql_session *s, const row_view *r) {
  int32_t port = control_port(s);
  cql_slice np = cell(r, "native_port");
  if (np.len == 4)
    port = (int32_t)cql_load_u32(np.ptr);
  cql_slice a = cell(r, "native_address");
  if (!a.ptr)
    a = cell(r, "rpc_address");
  if (!a.ptr || (a.len == 4 && cql_load_u32(a.ptr) == 0))
    a = cell(r, "peer");
  struct sockaddr_storage sa;
  if (!inet_cell(a, port, &sa))
    return;
  cql_host *h = cql_host_add(s, (const struct sockaddr *)&sa);
  if (h)
    fill_host(s, h, r);
}

static cql_status control_query(cql_session *s, const char *q, cql_conn_request_cb cb) {
  cql_request req;
  memset(&req, 0, sizeof(req));
  req.opcode = CQL_OP_QUERY;
  req.u.query.query = cql_slice_from_cstr(q);
  req.u.query.params.consistency = CQL_CONSISTENCY_ONE;
  return cql_conn_submit(cql_link_conn(s->control->link), &req, 0, cb, s, NULL);
}

static void finish_discovery(cql_session *s) {
  for (uint32_t i = 0; i < s->n_hosts; i++) {
    cql_host *h = s->hosts[i];
    if (s->discovered && !h->seen && !h->removed) {
      h->removed = true;
      cql_host_close(h);
    }
  }
  cql_ring_rebuild(s);
  s->discovered = true;
  for (uint32_t i = 0; i < s->n_hosts; i++)
    if (!s->hosts[i]->ever_tried)
      cql_host_connect_pool(s->hosts[i]);
}

static void on_registered(cql_conn *c, const cql_conn_result *res, void *ud) {
  (void)c;
  cql_session *s = ud;
  if (res->status != CQL_OK && res->status != CQL_E_CANCELLED)
    cql_session_log(s, CQL_LOG_WARN, "REGISTER failed: %s", res->message);
}

static void register_events(cql_session *s) {
  static const char *const names[] = {"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
  cql_slice ev[3];
  for (int i = 0; i < 3; i++)
    ev[i] = cql_slice_from_cstr(names[i]);
  cql_request req;
  memset(&req, 0, sizeof(req));
  req.opcode = CQL_OP_REGISTER;
  req.u.reg.events = ev;
  req.u.reg.n_events = 3;
  cql_conn_submit(cql_link_conn(s->control->link), &req, 0, on_registered, s, NULL);
}

/* ---- keyspace replication ------------------------------------------------------------------ */

static void copy_slice(char *dst, size_t n, cql_slice v) {
  size_t len = v.len < n - 1 ? v.len : n - 1;
  if (len)
    memcpy(dst, v.ptr, len);
  dst[len] = '\0';
}

static bool ends_with(cql_slice v, const char *suffix) {
  size_t n = strlen(suffix);
  return v.len >= n && memcmp(v.ptr + v.len - n, suffix, n) == 0;
}

/* One entry of the replication map<text, text>. */
static void replication_entry(ks_replication *k, cql_slice key, cql_slice val) {
  char num[16];
  copy_slice(num, sizeof(num), val);
  if (cql_slice_eq_cstr(key, "class")) {
    k->strategy = ends_with(val, "SimpleStrategy")            ? KS_SIMPLE
                  : ends_with(val, "NetworkTopologyStrategy") ? KS_NETWORK
                                                              : KS_OTHER;
  } else if (cql_slice_eq_cstr(key, "replication_factor")) {
    k->rf = (uint32_t)strtoul(num, NULL, 10);
  } else if (k->n_dcs < KS_MAX_DCS) {
    copy_slice(k->dcs[k->n_dcs].dc, sizeof(k->dcs[0].dc), key);
    k->dcs[k->n_dcs++].rf = (uint32_t)strtoul(num, NULL, 10);
  }
}

static bool parse_replication(ks_replication *k, cql_slice map) {
  cql_rd rd;
  cql_rd_init(&rd, map.ptr, map.len);
  int32_t n = cql_rd_i32(&rd);
  for (int32_t i = 0; i < n && cql_rd_ok(&rd); i++) {
    int32_t kl = cql_rd_i32(&rd);
    if (kl < 0 || (size_t)kl > cql_rd_left(&rd))
      return false;
    cql_slice key = {rd.pos, (size_t)kl};
    rd.pos += kl;
    int32_t vl = cql_rd_i32(&rd);
    if (vl < 0 || (size_t)vl > cql_rd_left(&rd))
      return false;
    cql_slice val = {rd.pos, (size_t)vl};
    rd.pos += vl;
    replication_entry(k, key, val);
  }
  return cql_rd_ok(&rd);
}

static void on_keyspaces(cql_conn *c, const cql_conn_result *res, void *ud) {
  (void)c;
  cql_session *s = ud;
  s->keyspaces_pending = false;
  if (res->status != CQL_OK || res->response->u.result.kind != CQL_RESULT_ROWS)
    return;
  const cql_rows_metadata *md = &res->response->u.result.u.rows.metadata;
  int name = md->columns ? col_index(md, "keyspace_name") : -1;
  int repl = md->columns ? col_index(md, "replication") : -1;
  int32_t rows = res->response->u.result.u.rows.rows_count;
  if (name < 0 || repl < 0 || rows <= 0 || md->columns_count > 64)
    return;
  ks_replication *ks = cql_malloc(&s->mem, (size_t)rows * sizeof(*ks));
  if (!ks)
    return;
  uint32_t n = 0;
  cql_row_iter it;
  cql_cell cells[64];
  cql_row_iter_init(&it, &res->response->u.result);
  while (cql_row_iter_next(&it, cells) && n < (uint32_t)rows) {
    memset(&ks[n], 0, sizeof(ks[n]));
    if (cells[name].len < 0 || cells[repl].len < 0)
      continue;
    copy_slice(ks[n].name, sizeof(ks[n].name), cells[name].bytes);
    if (parse_replication(&ks[n], cells[repl].bytes))
      n++;
  }
  cql_free(&s->mem, s->keyspaces);
  s->keyspaces = ks;
  s->n_keyspaces = n;
  cql_session_log(s, CQL_LOG_DEBUG, "replication known for %u keyspaces", n);
}

static void refresh_keyspaces(cql_session *s) {
  if (s->keyspaces_pending || !s->control || !s->control->link || !s->control->ready)
    return;
  if (control_query(s, "SELECT keyspace_name, replication FROM system_schema.keyspaces",
                    on_keyspaces) == CQL_OK)
    s->keyspaces_pending = true;
}

static void on_peers(cql_conn *c, const cql_conn_result *res, void *ud);

static void on_peers_v1(cql_conn *c, const cql_conn_result *res, void *ud) {
  (void)c;
  cql_session *s = ud;
  if (res->status == CQL_OK)
    each_row(res->response, peer_row, s);
  if (res->status == CQL_E_CANCELLED || s->state == SESSION_CLOSING)
    return;
  finish_discovery(s);
  refresh_keyspaces(s);
  /* Every new control link registers again: events go to one connection. */
  if (s->control && s->control->link && !s->control->registered) {
    s->control->registered = true;
    register_events(s);
  }
}

static void on_peers(cql_conn *c, const cql_conn_result *res, void *ud) {
  cql_session *s = ud;
  if (res->status != CQL_OK) {
    if (res->status == CQL_E_CANCELLED || s->state == SESSION_CLOSING || !s->control->link)
      return;
    /* Before Cassandra 4 only system.peers exists. */
    if (control_query(s, "SELECT * FROM system.peers", on_peers_v1) != CQL_OK)
      on_peers_v1(c, res, ud);
    return;
  }
  on_peers_v1(c, res, ud);
}

static void on_local(cql_conn *c, const cql_conn_result *res, void *ud) {
  cql_session *s = ud;
  if (res->status == CQL_E_CANCELLED || s->state == SESSION_CLOSING || !s->control->link)
    return;
  for (uint32_t i = 0; i < s->n_hosts; i++)
    s->hosts[i]->seen = false;
  if (res->status == CQL_OK)
    each_row(res->response, local_row, s);
  /* Whatever system.local said, the contact point is a host. */
  cql_host *h = control_host(s);
  if (h)
    h->seen = true;
  if (control_query(s, "SELECT * FROM system.peers_v2", on_peers) != CQL_OK)
    on_peers_v1(c, res, ud);
}

static void discover(cql_session *s) {
  s->refresh_pending = false;
  if (control_query(s, "SELECT * FROM system.local WHERE key='local'", on_local) != CQL_OK) {
    control_host(s);
    finish_discovery(s);
  }
}

/* ---- events -----------------------------------------------------------------------------------
 */

void cql_control_on_event(cql_link *l, cql_reply *ev, void *ud) {
  (void)l;
  cql_sconn *c = ud;
  cql_session *s = c->s;
  const cql_response *resp = cql_reply_response(ev);
  if (resp->opcode != CQL_OP_EVENT || s->state == SESSION_CLOSING)
    return;
  const cql_event *e = &resp->u.event;
  if (e->kind == CQL_EVENT_SCHEMA_CHANGE) {
    if (cql_slice_eq_cstr(e->schema_change.target, "KEYSPACE"))
      refresh_keyspaces(s);
    return;
  }
  struct sockaddr_storage sa;
  cql_slice addr = {e->address.addr, e->address.len};
  if (e->kind == CQL_EVENT_STATUS_CHANGE && cql_slice_eq_cstr(e->change, "UP") &&
      inet_cell(addr, e->port, &sa)) {
    cql_host *h = cql_host_find(s, (const struct sockaddr *)&sa);
    if (h && !h->up && !h->removed) {
      uv_timer_stop(&h->reconnect);
      h->attempts = 0;
      cql_host_connect_pool(h);
    }
    return;
  }
  if (e->kind == CQL_EVENT_TOPOLOGY_CHANGE && c->ready && !s->refresh_pending) {
    s->refresh_pending = true;
    discover(s);
  }
}
