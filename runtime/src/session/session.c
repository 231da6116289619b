/* The session's lifecycle: connect, close, logging and metrics. */
#include "session_impl.h" /* first: it sets the POSIX feature macros uv.h needs */

#include "pager_session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cql_session_log(cql_session *s, cql_log_level level, const char *fmt, ...) {
  if (!s->cfg->log_fn || level > s->cfg->log_level)
    return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  cql_config_log(s->cfg, level, line);
}

void cql_session_report_connect(cql_session *s, cql_status st, const char *message) {
  if (s->connect_reported)
    return;
  s->connect_reported = true;
  if (st != CQL_OK && s->state == SESSION_CONNECTING)
    s->state = SESSION_FAILED;
  if (s->connect_cb)
    s->connect_cb(s, st, message ? message : cql_status_describe(st), s->connect_ud);
}

void cql_session_handle_closed(uv_handle_t *h) {
  cql_session *s = h->data;
  s->open_handles--;
  cql_session_maybe_finish(s);
}

static void free_session(cql_session *s) {
  for (uint32_t i = 0; i < s->n_hosts; i++)
    cql_host_free(s->hosts[i]);
  cql_free(&s->mem, s->hosts);
  cql_free(&s->mem, s->control);
  cql_free(&s->mem, s->ring);
  cql_free(&s->mem, s->keyspaces);
  cql_pcache_free(s);
  cql_session_free_requests(s);
  cql_arena_free(&s->scratch);
  cql_tls_ctx_free(s->tls);
  cql_free(&s->mem, s->keyspace);
  cql_mem mem = s->mem;
  cql_config_free(s->cfg);
  cql_free(&mem, s);
}

/* Once closing and nothing of ours is left open: the close callback, then
 * the memory. */
void cql_session_maybe_finish(cql_session *s) {
  if (s->state != SESSION_CLOSING || s->open_handles || s->open_links)
    return;
  if (s->done_head)
    cql_session_flush_done(s);
  s->open_handles = 1; /* guards against re-entry from the callbacks */
  cql_session_report_connect(s, CQL_E_CANCELLED, "the session was closed while connecting");
  if (s->close_cb)
    s->close_cb(s, s->close_ud);
  free_session(s);
}

static cql_status init_session(cql_session *s, uv_loop_t *loop, const cql_config *cfg) {
  s->loop = loop;
  cql_status st = cql_config_copy(cfg, NULL, &s->cfg);
  if (st != CQL_OK)
    return st;
  s->mem = s->cfg->mem;
  cql_arena_init(&s->scratch, &s->mem);
  cql_buf_init(&s->routing_key, &s->mem);
  if (s->cfg->keyspace && !(s->keyspace = cql_api_strdup(&s->mem, s->cfg->keyspace)))
    return CQL_E_NOMEM;
  if (s->cfg->local_dc)
    snprintf(s->local_dc, sizeof(s->local_dc), "%s", s->cfg->local_dc);
  s->try_version = s->cfg->max_version;
  if (s->cfg->tls) {
    cql_tls_settings ts = {s->cfg->tls_ca_file, s->cfg->tls_cert_file, s->cfg->tls_key_file,
                           s->cfg->tls_verify_peer, s->cfg->tls_verify_hostname};
    char err[256];
    st = cql_tls_ctx_new(&s->tls, &ts, err, sizeof(err));
    if (st != CQL_OK)
      return st;
  }
  uv_idle_init(loop, &s->idle);
  uv_timer_init(loop, &s->control_timer);
  s->idle.data = s->control_timer.data = s;
  s->open_handles = 2;
  return CQL_OK;
}

cql_status cql_session_connect(struct uv_loop_s *loop, const cql_config *cfg, cql_connect_cb cb,
                               void *ud, cql_session **out) {
  if (!loop || !cfg || !out || cfg->n_contacts == 0)
    return CQL_E_INVALID_ARG;
  const cql_mem *mem = cql_mem_or_default(&cfg->mem);
  cql_session *s = cql_malloc(mem, sizeof(*s));
  if (!s)
    return CQL_E_NOMEM;
  memset(s, 0, sizeof(*s));
  s->mem = *mem;
  s->connect_cb = cb;
  s->connect_ud = ud;
  cql_status st = init_session(s, loop, cfg);
  if (st != CQL_OK) {
    bool handles = s->open_handles != 0;
    if (handles) {
      /* The handles were initialised: they must be closed on the loop. */
      s->state = SESSION_CLOSING;
      s->connect_reported = true;
      uv_close((uv_handle_t *)&s->idle, cql_session_handle_closed);
      uv_close((uv_handle_t *)&s->control_timer, cql_session_handle_closed);
      return st;
    }
    cql_tls_ctx_free(s->tls);
    cql_free(&s->mem, s->keyspace);
    cql_arena_free(&s->scratch);
    cql_config_free(s->cfg);
    cql_free(mem, s);
    return st;
  }
  *out = s;
  cql_control_start(s);
  return CQL_OK;
}

static void on_idle_close(cql_session *s) {
  uv_idle_stop(&s->idle);
  uv_close((uv_handle_t *)&s->idle, cql_session_handle_closed);
  uv_close((uv_handle_t *)&s->control_timer, cql_session_handle_closed);
}

void cql_session_close(cql_session *s, cql_close_cb cb, void *ud) {
  if (!s || s->state == SESSION_CLOSING)
    return;
  s->state = SESSION_CLOSING;
  s->close_cb = cb;
  s->close_ud = ud;
  /* Page streams end first: a paused one has no request to cancel. */
  cql_pager_session_closing(&s->pagers);
  /* Requests complete first (waiting ones, then those on connections), the
   * connect callback next, the close callback last. */
  cql_session_fail_waiting(s, CQL_E_CANCELLED, "cancelled: the session was closed");
  cql_session_flush_done(s);
  cql_control_close(s);
  for (uint32_t i = 0; i < s->n_hosts; i++)
    cql_host_close(s->hosts[i]);
  cql_session_flush_done(s);
  on_idle_close(s);
  cql_session_maybe_finish(s);
}

void cql_session_get_metrics(const cql_session *s, cql_session_metrics *out) {
  *out = s->m;
  out->in_flight = s->in_flight;
  out->connections = cql_session_connections(s);
  uint64_t sent = s->closed_bytes_sent, recv = s->closed_bytes_received;
  uint32_t up = 0, down = 0;
  for (uint32_t i = 0; i < s->n_hosts; i++) {
    cql_host *h = s->hosts[i];
    if (h->removed)
      continue;
    if (h->up)
      up++;
    else
      down++;
    for (uint32_t j = 0; j < h->n_slots; j++) {
      cql_sconn *c = h->conns[j];
      if (c && c->link) {
        sent += cql_link_bytes_sent(c->link);
        recv += cql_link_bytes_received(c->link);
      }
    }
  }
  if (s->control && s->control->link) {
    sent += cql_link_bytes_sent(s->control->link);
    recv += cql_link_bytes_received(s->control->link);
  }
  out->bytes_sent = sent;
  out->bytes_received = recv;
  out->hosts_up = up;
  out->hosts_down = down;
  out->protocol_version = s->version;
  out->latency_p50_us = cql_hist_quantile(&s->hist, 0.50);
  out->latency_p99_us = cql_hist_quantile(&s->hist, 0.99);
  out->latency_p999_us = cql_hist_quantile(&s->hist, 0.999);
}
