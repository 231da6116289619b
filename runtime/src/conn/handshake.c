/* The handshake: OPTIONS -> SUPPORTED, STARTUP -> READY or AUTHENTICATE
 * (auth.c takes over), then optionally USE <keyspace>.
 *
 * v5 framing starts right after READY or AUTHENTICATE in both directions
 * (the reader switches from inside its callback, so bytes following the
 * READY in the same read are already read as segments). v4 compression
 * starts right after STARTUP: Cassandra compresses the READY or
 * AUTHENTICATE that answers it. */
#include <stdio.h>
#include <string.h>

#include "conn_impl.h"

static const char *const KIND_NAMES[] = {
    [PENDING_OPTIONS] = "OPTIONS",
    [PENDING_STARTUP] = "STARTUP",
    [PENDING_AUTH] = "AUTH_RESPONSE",
    [PENDING_USE] = "USE",
};

static int msg_len(cql_slice s) { return s.len > 200 ? 200 : (int)s.len; }

static void copy_cstr(char *dst, size_t cap, cql_slice s) {
  size_t n = s.len < cap - 1 ? s.len : cap - 1;
  if (n)
    memcpy(dst, s.ptr, n);
  dst[n] = '\0';
}

static cql_status send_internal(cql_conn *c, cql_request *req, pending_kind kind) {
  cql_pending p = {NULL, NULL, CQL_CONN_NO_DEADLINE, -1, req->opcode, (uint8_t)kind};
  return cql_conn_send_request(c, req, &p, NULL);
}

cql_status cql_conn_hs_begin(cql_conn *c) {
  cql_request req = {.opcode = CQL_OP_OPTIONS};
  c->step = HS_OPTIONS;
  return send_internal(c, &req, PENDING_OPTIONS);
}

/* ---- SUPPORTED ------------------------------------------------------------ */

/* "4/v4" sets bit 4 of `versions`; "6/v6-beta" bit 6 of `beta`. */
static void note_version(cql_conn_info *info, cql_slice v) {
  unsigned n = 0;
  size_t i = 0;
  while (i < v.len && i < 3 && v.ptr[i] >= '0' && v.ptr[i] <= '9')
    n = n * 10 + (unsigned)(v.ptr[i++] - '0');
  if (i == 0 || n >= 32)
    return;
  bool beta = v.len >= 5 && memcmp(v.ptr + v.len - 5, "-beta", 5) == 0;
  if (beta)
    info->server_beta |= 1u << n;
  else
    info->server_versions |= 1u << n;
}

static void read_supported(cql_conn *c, const cql_response *resp) {
  for (uint32_t i = 0; i < resp->u.supported.n_entries; i++) {
    const cql_multi_entry *e = &resp->u.supported.entries[i];
    for (uint32_t j = 0; j < e->n_values; j++) {
      if (cql_slice_eq_cstr(e->key, "CQL_VERSION") && j == 0)
        copy_cstr(c->info.cql_version, sizeof(c->info.cql_version), e->values[j]);
      else if (cql_slice_eq_cstr(e->key, "COMPRESSION") && cql_slice_eq_cstr(e->values[j], "lz4"))
        c->info.server_lz4 = true;
      else if (cql_slice_eq_cstr(e->key, "PROTOCOL_VERSIONS"))
        note_version(&c->info, e->values[j]);
    }
  }
}

static void send_startup(cql_conn *c) {
  const char *cql_version = c->cql_version           ? c->cql_version
                            : c->info.cql_version[0] ? c->info.cql_version
                                                     : "3.0.0";
  c->info.lz4 = c->want_lz4 && c->info.server_lz4;
  cql_pair opts[4] = {
      {cql_slice_from_cstr("CQL_VERSION"), cql_slice_from_cstr(cql_version), false},
      {cql_slice_from_cstr("DRIVER_NAME"), cql_slice_from_cstr(CQL_CONN_DRIVER_NAME), false},
      {cql_slice_from_cstr("DRIVER_VERSION"), cql_slice_from_cstr(CQL_CONN_DRIVER_VERSION), false},
      {cql_slice_from_cstr("COMPRESSION"), cql_slice_from_cstr("lz4"), false},
  };
  cql_request req = {.opcode = CQL_OP_STARTUP};
  req.u.startup.options = opts;
  req.u.startup.n_options = c->info.lz4 ? 4 : 3;
  c->step = HS_STARTUP;
  cql_status st = send_internal(c, &req, PENDING_STARTUP);
  if (st != CQL_OK) {
    cql_conn_failf(c, st, NULL, "could not send STARTUP: %s", cql_status_describe(st));
    return;
  }
  if (c->info.lz4 && c->version == CQL_PROTOCOL_V4) {
    c->compress_v4 = true;
    cql_reader_set_v4_compression(c->reader, true);
  }
}

/* ---- after STARTUP ----------------------------------------------------------- */

static void on_startup_answer(cql_conn *c, const cql_response *resp) {
  if (c->version >= CQL_PROTOCOL_V5)
    cql_conn_start_framing(c);
  if (resp->opcode == CQL_OP_READY)
    cql_conn_hs_logged_in(c);
  else
    cql_conn_auth_begin(c, resp->u.authenticate.authenticator);
}

static void finish(cql_conn *c) {
  c->step = HS_DONE;
  c->state = CQL_CONN_READY;
  c->handshake_deadline = CQL_CONN_NO_DEADLINE;
  if (c->cb.on_ready)
    c->cb.on_ready(c, c->cb.ud);
}

/* USE "<keyspace>", with embedded quotes doubled as CQL wants. */
static void send_use(cql_conn *c) {
  cql_buf *q = &c->scratch;
  cql_buf_reset(q);
  cql_buf_put_raw(q, "USE \"", 5);
  for (const char *p = c->keyspace; *p; p++) {
    if (*p == '"')
      cql_buf_put_u8(q, '"');
    cql_buf_put_u8(q, (uint8_t)*p);
  }
  cql_buf_put_u8(q, '"');
  cql_status st = q->err;
  cql_request req = {.opcode = CQL_OP_QUERY};
  req.u.query.query = (cql_slice){q->data, q->len};
  req.u.query.params.consistency = CQL_CONSISTENCY_ONE;
  c->step = HS_USE;
  if (st == CQL_OK)
    st = send_internal(c, &req, PENDING_USE);
  if (st != CQL_OK)
    cql_conn_failf(c, st, NULL, "could not send USE: %s", cql_status_describe(st));
}

void cql_conn_hs_logged_in(cql_conn *c) {
  if (c->keyspace)
    send_use(c);
  else
    finish(c);
}

/* ---- errors -------------------------------------------------------------------- */

static void on_error(cql_conn *c, pending_kind kind, const cql_error_body *e) {
  bool opening = kind == PENDING_OPTIONS || kind == PENDING_STARTUP;
  if (opening && cql_conn_is_version_refusal(e)) {
    cql_conn_fail_version(c, e, c->version);
    return;
  }
  cql_status st = cql_status_from_server_code(e->code);
  const char *sm = (const char *)e->message.ptr;
  if (kind == PENDING_AUTH)
    cql_conn_failf(c, st, e, "authentication failed: %.*s", msg_len(e->message), sm);
  else if (kind == PENDING_USE)
    cql_conn_failf(c, st, e, "USE \"%s\" failed: %.*s", c->keyspace, msg_len(e->message), sm);
  else
    cql_conn_failf(c, st, e, "%s refused by the server: %.*s", KIND_NAMES[kind],
                   msg_len(e->message), sm);
}

void cql_conn_hs_reply(cql_conn *c, pending_kind kind, cql_reply *r) {
  const cql_response *resp = &r->response;
  if (resp->opcode == CQL_OP_ERROR) {
    on_error(c, kind, &resp->u.error);
    return;
  }
  switch (kind) {
  case PENDING_OPTIONS:
    read_supported(c, resp);
    send_startup(c);
    break;
  case PENDING_STARTUP:
    on_startup_answer(c, resp);
    break;
  case PENDING_AUTH:
    cql_conn_auth_reply(c, r);
    break;
  default: /* PENDING_USE: any RESULT (SET_KEYSPACE) means it worked */
    finish(c);
    break;
  }
}
