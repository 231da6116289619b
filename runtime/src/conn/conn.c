/* Creating, starting and releasing a connection, and the bookkeeping that
 * lets callbacks call back into it (even free it) safely. */
#include <string.h>

#include "conn_impl.h"
#include "mem.h"

enum {
  DEFAULT_HEARTBEAT_MS = 30000,
  DEFAULT_IDLE_MS = 60000,
  DEFAULT_HANDSHAKE_MS = 10000,
  DEFAULT_REQUEST_MS = 12000,
  DEFAULT_MAX_IN_FLIGHT = 2048
};

void cql_conn_config_init(cql_conn_config *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->protocol_version = CQL_PROTOCOL_V5;
  cfg->min_protocol_version = CQL_PROTOCOL_V4;
  cfg->heartbeat_interval_ms = DEFAULT_HEARTBEAT_MS;
  cfg->idle_timeout_ms = DEFAULT_IDLE_MS;
  cfg->handshake_timeout_ms = DEFAULT_HANDSHAKE_MS;
  cfg->request_timeout_ms = DEFAULT_REQUEST_MS;
  cfg->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
  cfg->max_frame_size = CQL_READER_DEFAULT_MAX_BODY;
}

static bool valid_config(const cql_conn_config *cfg, const cql_conn_callbacks *cb) {
  if (!cb || !cb->now_ms)
    return false;
  uint8_t v = cfg->protocol_version, min = cfg->min_protocol_version;
  if (v != CQL_PROTOCOL_V4 && v != CQL_PROTOCOL_V5)
    return false;
  if (min != CQL_PROTOCOL_V4 && min != CQL_PROTOCOL_V5)
    return false;
  if (min > v || (cfg->password && !cfg->username))
    return false;
  if (cfg->authenticator && !cfg->authenticator->initial_response)
    return false;
  return cfg->compression == CQL_CONN_COMPRESSION_NONE ||
         cfg->compression == CQL_CONN_COMPRESSION_LZ4;
}

static char *dup_cstr(const cql_mem *mem, const char *s, bool *ok) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *p = cql_malloc(mem, n);
  if (p)
    memcpy(p, s, n);
  else
    *ok = false;
  return p;
}

/* SASL PLAIN: an empty authorization id, then username and password, each
 * preceded by a NUL byte. */
static void make_plain_token(cql_conn *c, const char *user, const char *pass) {
  cql_buf_put_u8(&c->plain_token, 0);
  cql_buf_put_raw(&c->plain_token, user, strlen(user));
  cql_buf_put_u8(&c->plain_token, 0);
  if (pass)
    cql_buf_put_raw(&c->plain_token, pass, strlen(pass));
  c->has_plain = true;
}

static cql_status setup(cql_conn *c, const cql_conn_config *cfg) {
  bool ok = true;
  c->keyspace = dup_cstr(&c->mem, cfg->keyspace, &ok);
  c->cql_version = dup_cstr(&c->mem, cfg->cql_version, &ok);
  if (cfg->authenticator) {
    c->auth = *cfg->authenticator;
    c->has_auth = true;
  } else if (cfg->username) {
    make_plain_token(c, cfg->username, cfg->password);
  }
  if (!ok || c->plain_token.err != CQL_OK)
    return CQL_E_NOMEM;
  cql_reader_config rc = {cfg->max_frame_size, false, &c->mem};
  return cql_reader_new(&c->reader, &rc);
}

static void copy_settings(cql_conn *c, const cql_conn_config *cfg) {
  c->version = cfg->protocol_version;
  c->min_version = cfg->min_protocol_version;
  c->want_lz4 = cfg->compression == CQL_CONN_COMPRESSION_LZ4;
  c->heartbeat_ms = cfg->heartbeat_interval_ms;
  c->idle_ms = cfg->idle_timeout_ms;
  c->handshake_ms = cfg->handshake_timeout_ms;
  c->request_ms = cfg->request_timeout_ms;
  c->max_frame = cfg->max_frame_size ? cfg->max_frame_size : CQL_READER_DEFAULT_MAX_BODY;
  c->info.protocol_version = c->version;
}

static void destroy(cql_conn *c) {
  cql_reader_free(c->reader);
  cql_reply_free_spare(&c->spare);
  cql_pending_free(&c->pending);
  cql_buf_free(&c->out);
  if (c->plain_token.data)
    memset(c->plain_token.data, 0, c->plain_token.cap);
  cql_buf_free(&c->plain_token);
  if (c->scratch.data)
    memset(c->scratch.data, 0, c->scratch.cap);
  cql_buf_free(&c->scratch);
  cql_free(&c->mem, c->keyspace);
  cql_free(&c->mem, c->cql_version);
  cql_mem mem = c->mem;
  cql_free(&mem, c);
}

cql_status cql_conn_new(cql_conn **out, const cql_conn_config *cfg, const cql_conn_callbacks *cb) {
  cql_conn_config defaults;
  if (!cfg) {
    cql_conn_config_init(&defaults);
    cfg = &defaults;
  }
  if (!out || !valid_config(cfg, cb))
    return CQL_E_INVALID_ARG;
  const cql_mem *mem = cql_mem_or_default(cfg->mem);
  cql_conn *c = cql_malloc(mem, sizeof(*c));
  if (!c)
    return CQL_E_NOMEM;
  memset(c, 0, sizeof(*c));
  c->mem = *mem;
  c->cb = *cb;
  cql_buf_init(&c->out, &c->mem);
  cql_buf_init(&c->plain_token, &c->mem);
  cql_buf_init(&c->scratch, &c->mem);
  cql_pending_init(&c->pending, &c->mem);
  cql_streams_init(&c->streams, cfg->max_in_flight ? cfg->max_in_flight : DEFAULT_MAX_IN_FLIGHT);
  copy_settings(c, cfg);
  cql_status st = setup(c, cfg);
  if (st != CQL_OK) {
    destroy(c);
    return st;
  }
  c->handshake_deadline = CQL_CONN_NO_DEADLINE;
  *out = c;
  return CQL_OK;
}

/* ---- re-entrancy -------------------------------------------------------- */

void cql_conn_enter(cql_conn *c) { c->depth++; }

void cql_conn_leave(cql_conn *c) {
  /* Tell the adapter about new output once, as the outermost call ends, so
   * that it never re-enters us from the middle of an operation. */
  if (c->depth == 1 && !c->notified && c->state != CQL_CONN_CLOSED && c->out.len &&
      !c->free_requested && c->cb.on_want_write) {
    c->notified = true;
    c->cb.on_want_write(c, c->cb.ud);
  }
  if (--c->depth == 0 && c->free_requested)
    destroy(c);
}

void cql_conn_free(cql_conn *c) {
  if (!c || c->free_requested)
    return;
  cql_conn_enter(c);
  cql_conn_close(c);
  c->free_requested = true;
  cql_conn_leave(c);
}

uint64_t cql_conn_now(cql_conn *c) { return c->cb.now_ms(c->cb.ud); }

cql_status cql_conn_result_status(const cql_conn *c) {
  if (c->state != CQL_CONN_CLOSED)
    return CQL_OK;
  return c->close_status != CQL_OK ? c->close_status : CQL_E_CONNECTION_CLOSED;
}

/* ---- starting ------------------------------------------------------------ */

cql_status cql_conn_start(cql_conn *c) {
  if (c->state != CQL_CONN_NEW)
    return c->state == CQL_CONN_CLOSED ? CQL_E_CONNECTION_CLOSED : CQL_E_BAD_STATE;
  cql_conn_enter(c);
  uint64_t now = cql_conn_now(c);
  c->state = CQL_CONN_HANDSHAKE;
  c->last_read = c->last_write = now;
  if (c->handshake_ms && c->handshake_ms != CQL_CONN_NO_TIMEOUT)
    c->handshake_deadline = now + c->handshake_ms;
  cql_status st = cql_conn_hs_begin(c);
  if (st != CQL_OK)
    cql_conn_failf(c, st, NULL, "could not queue OPTIONS: %s", cql_status_describe(st));
  cql_conn_leave(c);
  return st;
}

/* ---- introspection --------------------------------------------------------- */

cql_conn_state cql_conn_get_state(const cql_conn *c) { return c->state; }

const cql_conn_info *cql_conn_get_info(const cql_conn *c) { return &c->info; }

uint32_t cql_conn_in_flight(const cql_conn *c) { return c->streams.in_use - c->streams.n_orphaned; }

uint32_t cql_conn_orphaned(const cql_conn *c) { return c->streams.n_orphaned; }

bool cql_conn_want_write(const cql_conn *c) {
  return c->state != CQL_CONN_CLOSED && c->out.len > 0;
}

size_t cql_conn_output_size(const cql_conn *c) {
  return c->state == CQL_CONN_CLOSED ? 0 : c->out.len;
}
