/* The state all connections share: engine, settings, faults, events. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_impl.h"

static char *dup_or_null(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

static void on_schema_change(void *ud, const cql_schema_change *change) {
  cql_srv *s = ud;
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_EVENT;
  r.stream = -1;
  r.u.event.kind = CQL_EVENT_SCHEMA_CHANGE;
  r.u.event.schema_change = *change;
  for (cql_sconn *c = s->conns; c; c = c->next) {
    if (c->state != SC_READY || !(c->events & SC_EV_SCHEMA) || c->closing)
      continue;
    cql_sconn_emit(c, &r);
    cql_sconn_frame_pending(c);
    if (s->on_output)
      s->on_output(s->ud, c);
  }
}

cql_status cql_srv_new(const cql_srv_config *cfg, cql_srv **out) {
  uint8_t lo = cfg->min_version ? cfg->min_version : CQL_PROTOCOL_V4;
  uint8_t hi = cfg->max_version ? cfg->max_version : CQL_PROTOCOL_V5;
  if (lo < CQL_PROTOCOL_V4 || hi > CQL_PROTOCOL_V5 || lo > hi)
    return CQL_E_INVALID_ARG;
  cql_srv *s = calloc(1, sizeof(*s));
  if (!s)
    return CQL_E_NOMEM;
  s->min_version = lo;
  s->max_version = hi;
  s->max_frame_bytes = cfg->max_frame_bytes ? cfg->max_frame_bytes : CQL_READER_DEFAULT_MAX_BODY;
  s->on_output = cfg->on_output;
  s->log = cfg->log;
  s->ud = cfg->ud;
  atomic_init(&s->requests, 0);
  s->auth_user = dup_or_null(cfg->auth_user);
  s->auth_password =
      dup_or_null(cfg->auth_user ? cfg->auth_password ? cfg->auth_password : "" : NULL);
  cql_engine_config ec = cfg->engine;
  ec.on_schema_change = on_schema_change;
  ec.schema_ud = s;
  if ((cfg->auth_user && (!s->auth_user || !s->auth_password)) ||
      cql_engine_new(&ec, &s->engine) != CQL_OK) {
    cql_srv_free(s);
    return CQL_E_NOMEM;
  }
  *out = s;
  return CQL_OK;
}

void cql_srv_free(cql_srv *s) {
  if (!s)
    return;
  if (s->engine)
    cql_engine_free(s->engine);
  free(s->auth_user);
  free(s->auth_password);
  free(s->fail_message);
  free(s->prepared);
  free(s);
}

cql_engine *cql_srv_engine(cql_srv *s) { return s->engine; }

uint64_t cql_srv_requests(const cql_srv *s) {
  return atomic_load_explicit(&((cql_srv *)(uintptr_t)s)->requests, memory_order_relaxed);
}

void cql_srv_fail_next(cql_srv *s, uint32_t count, int32_t error_code, const char *message) {
  char *m = dup_or_null(message ? message : "injected failure");
  if (!m)
    return;
  free(s->fail_message);
  s->fail_message = m;
  s->fail_count = count;
  s->fail_code = error_code;
}

void cql_srv_forget_prepared(cql_srv *s) {
  for (size_t i = 0; i < s->n_prepared; i++)
    s->prepared[i].forgotten = true;
  s->n_forgotten = s->n_prepared;
}

static srv_prepared_id *find_prepared(const cql_srv *s, cql_slice id) {
  for (size_t i = 0; i < s->n_prepared; i++) {
    srv_prepared_id *p = &s->prepared[i];
    if (p->len == id.len && memcmp(p->bytes, id.ptr, id.len) == 0)
      return p;
  }
  return NULL;
}

void cql_srv_note_prepared(cql_srv *s, cql_slice id) {
  if (id.len == 0 || id.len > sizeof(s->prepared[0].bytes))
    return;
  srv_prepared_id *p = find_prepared(s, id);
  if (p) {
    if (p->forgotten)
      s->n_forgotten--;
    p->forgotten = false;
    return;
  }
  if (s->n_prepared == s->cap_prepared) {
    size_t cap = s->cap_prepared ? s->cap_prepared * 2 : 64;
    if (cap > 100000)
      return; /* plenty: ids past this are simply never forgotten */
    srv_prepared_id *np = realloc(s->prepared, cap * sizeof(*np));
    if (!np)
      return;
    s->prepared = np;
    s->cap_prepared = cap;
  }
  p = &s->prepared[s->n_prepared++];
  p->len = (uint8_t)id.len;
  memcpy(p->bytes, id.ptr, id.len);
  p->forgotten = false;
}

bool cql_srv_is_forgotten(const cql_srv *s, cql_slice id) {
  if (s->n_forgotten == 0)
    return false;
  const srv_prepared_id *p = find_prepared(s, id);
  return p && p->forgotten;
}

void cql_srv_status_event(cql_srv *s, uint32_t node_index, bool up, const cql_inet *addr,
                          int32_t port) {
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_EVENT;
  r.stream = -1;
  r.u.event.kind = CQL_EVENT_STATUS_CHANGE;
  r.u.event.change = cql_slice_from_cstr(up ? "UP" : "DOWN");
  r.u.event.address = *addr;
  r.u.event.port = port;
  for (cql_sconn *c = s->conns; c; c = c->next) {
    if (c->node_index == node_index || c->state != SC_READY || !(c->events & SC_EV_STATUS) ||
        c->closing)
      continue;
    cql_sconn_emit(c, &r);
    cql_sconn_frame_pending(c);
    if (s->on_output)
      s->on_output(s->ud, c);
  }
}

void cql_srv_versions_text(const cql_srv *s, char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (unsigned v = s->min_version; v <= s->max_version && used < cap; v++) {
    int n = snprintf(buf + used, cap - used, "%s%u/v%u", used ? ", " : "", v, v);
    if (n < 0)
      return;
    used += (size_t)n;
  }
}

const char *cql_srv_opcode_name(uint8_t opcode) {
  static const char *const names[] = {
      "ERROR",     "STARTUP", "READY",          "AUTHENTICATE",  "CREDENTIALS", "OPTIONS",
      "SUPPORTED", "QUERY",   "RESULT",         "PREPARE",       "EXECUTE",     "REGISTER",
      "EVENT",     "BATCH",   "AUTH_CHALLENGE", "AUTH_RESPONSE", "AUTH_SUCCESS"};
  return opcode < sizeof(names) / sizeof(names[0]) ? names[opcode] : "UNKNOWN";
}

void cql_srv_logf(const cql_srv *s, const char *fmt, ...) {
  if (!s->log)
    return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  s->log(s->ud, line);
}
