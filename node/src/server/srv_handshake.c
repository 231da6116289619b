/* The connection state machine and the handshake opcodes: OPTIONS,
 * STARTUP, AUTH_RESPONSE (SASL PLAIN) and REGISTER, with Cassandra 4.0's
 * answers and error messages. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "srv_impl.h"

#define AUTHENTICATOR "org.apache.cassandra.auth.PasswordAuthenticator"

/* Cassandra's ServerConnection.validateNewMessage: which opcodes each state
 * accepts. True when `req` may go on. */
static bool state_allows(cql_sconn *c, const cql_request *req) {
  const char *name = cql_srv_opcode_name(req->opcode);
  switch (c->state) {
  case SC_NEW:
  case SC_UNINIT:
    if (req->opcode == CQL_OP_STARTUP || req->opcode == CQL_OP_OPTIONS)
      return true;
    cql_sconn_protocol_error(c, req->stream, "Unexpected message %s, expecting STARTUP or OPTIONS",
                             name);
    return false;
  case SC_AUTH:
    if (req->opcode == CQL_OP_AUTH_RESPONSE)
      return true;
    cql_sconn_protocol_error(c, req->stream, "Unexpected message %s, expecting SASL_RESPONSE",
                             name);
    return false;
  case SC_READY:
    if (req->opcode != CQL_OP_STARTUP)
      return true;
    cql_sconn_protocol_error(c, req->stream,
                             "Unexpected message STARTUP, the connection is already initialized");
    return false;
  }
  return false;
}

void cql_sconn_dispatch(cql_sconn *c, const cql_request *req) {
  if (!state_allows(c, req))
    return;
  switch (req->opcode) {
  case CQL_OP_OPTIONS:
    cql_sconn_on_options(c, req);
    break;
  case CQL_OP_STARTUP:
    cql_sconn_on_startup(c, req);
    break;
  case CQL_OP_AUTH_RESPONSE:
    cql_sconn_on_auth_response(c, req);
    break;
  case CQL_OP_REGISTER:
    cql_sconn_on_register(c, req);
    break;
  default:
    cql_sconn_on_cql(c, req);
    break;
  }
}

void cql_sconn_on_options(cql_sconn *c, const cql_request *req) {
  static const cql_slice cql_version[] = {{(const uint8_t *)"3.4.5", 5}};
  static const cql_slice compression[] = {{(const uint8_t *)"lz4", 3}};
  cql_slice versions[2];
  char texts[2][16];
  uint32_t n = 0;
  for (unsigned v = c->srv->min_version; v <= c->srv->max_version && n < 2; v++, n++) {
    snprintf(texts[n], sizeof(texts[n]), "%u/v%u", v, v);
    versions[n] = cql_slice_from_cstr(texts[n]);
  }
  /* Cassandra's order: PROTOCOL_VERSIONS, COMPRESSION, CQL_VERSION. */
  cql_multi_entry entries[3] = {
      {cql_slice_from_cstr("PROTOCOL_VERSIONS"), versions, n},
      {cql_slice_from_cstr("COMPRESSION"), compression, 1},
      {cql_slice_from_cstr("CQL_VERSION"), cql_version, 1},
  };
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_SUPPORTED;
  r.stream = req->stream;
  r.u.supported.entries = entries;
  r.u.supported.n_entries = 3;
  cql_sconn_emit(c, &r);
}

static const cql_pair *find_option(const cql_request *req, const char *key) {
  cql_slice k = cql_slice_from_cstr(key);
  for (uint32_t i = 0; i < req->u.startup.n_options; i++) {
    const cql_pair *p = &req->u.startup.options[i];
    if (cql_slice_eq(p->key, k))
      return p;
  }
  return NULL;
}

/* Copies a slice into a NUL-terminated buffer, cut to fit, for messages. */
static void slice_text(cql_slice s, char *buf, size_t cap) {
  size_t n = s.len < cap - 1 ? s.len : cap - 1;
  memcpy(buf, s.ptr, n);
  buf[n] = '\0';
}

/* True when the CQL_VERSION option names 3.0.0 or later (Cassandra compares
 * with 2.99.0; the major number decides). */
static bool cql_version_ok(const char *v) {
  if (!isdigit((unsigned char)v[0]))
    return false;
  return strtol(v, NULL, 10) >= 3;
}

/* Checks the STARTUP options; emits the error and returns false on a bad
 * one. Sets *lz4 when LZ4 compression was asked for. */
static bool startup_options_ok(cql_sconn *c, const cql_request *req, bool *lz4) {
  char text[128];
  const cql_pair *v = find_option(req, "CQL_VERSION");
  if (!v) {
    cql_sconn_protocol_error(c, req->stream, "Missing value CQL_VERSION in STARTUP message");
    return false;
  }
  slice_text(v->value, text, sizeof(text));
  if (!cql_version_ok(text)) {
    cql_sconn_protocol_error(c, req->stream,
                             "CQL version %s is not supported by the binary protocol "
                             "(supported version are >= 3.0.0)",
                             text);
    return false;
  }
  *lz4 = false;
  const cql_pair *comp = find_option(req, "COMPRESSION");
  if (!comp)
    return true;
  slice_text(comp->value, text, sizeof(text));
  for (char *p = text; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  if (strcmp(text, "lz4") == 0) {
    *lz4 = true;
    return true;
  }
  if (strcmp(text, "snappy") == 0)
    cql_sconn_protocol_error(c, req->stream, "This instance does not support Snappy compression");
  else
    cql_sconn_protocol_error(c, req->stream, "Unknown compression algorithm: %s", text);
  return false;
}

void cql_sconn_on_startup(cql_sconn *c, const cql_request *req) {
  bool lz4 = false;
  if (!startup_options_ok(c, req, &lz4))
    return;
  if (lz4 && c->version == CQL_PROTOCOL_V4) {
    /* Cassandra compresses everything after STARTUP, its answer included. */
    c->compress_v4 = true;
    cql_reader_set_v4_compression(c->reader, true);
  }
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.stream = req->stream;
  if (c->srv->auth_user) {
    r.opcode = CQL_OP_AUTHENTICATE;
    r.u.authenticate.authenticator = cql_slice_from_cstr(AUTHENTICATOR);
    c->state = SC_AUTH;
  } else {
    r.opcode = CQL_OP_READY;
    c->state = SC_READY;
  }
  cql_sconn_emit(c, &r);
  if (c->version >= CQL_PROTOCOL_V5) {
    /* v5 framing starts right after READY / AUTHENTICATE, both ways. */
    cql_sconn_frame_pending(c);
    c->framed = true;
    c->lz4_segments = lz4;
    cql_reader_set_framing(c->reader, true, lz4);
  }
}

/* Splits a SASL PLAIN token ([authzid] NUL authcid NUL password) the way
 * Cassandra's PlainTextSaslAuthenticator does, scanning from the end.
 * Returns NULL on success or Cassandra's message for a malformed token. */
static const char *sasl_plain_split(cql_slice t, cql_slice *user, cql_slice *pass) {
  bool have_user = false, have_pass = false;
  size_t end = t.len;
  for (size_t i = t.len; i-- > 0;) {
    if (t.ptr[i] != 0)
      continue;
    cql_slice part = {t.ptr + i + 1, end - i - 1};
    if (!have_pass) {
      *pass = part;
      have_pass = true;
    } else if (!have_user) {
      *user = part;
      have_user = true;
    } else {
      return "Credential format error: username or password is empty or contains NUL(\\0) "
             "character";
    }
    end = i;
  }
  if (!have_pass || pass->len == 0)
    return "Password must not be null";
  if (!have_user || user->len == 0)
    return "Authentication ID must not be null";
  return NULL;
}

void cql_sconn_on_auth_response(cql_sconn *c, const cql_request *req) {
  if (!c->srv->auth_user) {
    cql_sconn_protocol_error(c, req->stream,
                             "Unexpected message AUTH_RESPONSE, no authentication is configured");
    return;
  }
  cql_slice token =
      req->u.auth_response.token_null ? (cql_slice){NULL, 0} : req->u.auth_response.token;
  cql_slice user = {NULL, 0}, pass = {NULL, 0};
  const char *bad = sasl_plain_split(token, &user, &pass);
  if (bad) {
    cql_sconn_emit_error(c, req->stream, CQL_SERVER_BAD_CREDENTIALS, bad);
    return;
  }
  if (!cql_slice_eq(user, cql_slice_from_cstr(c->srv->auth_user)) ||
      !cql_slice_eq(pass, cql_slice_from_cstr(c->srv->auth_password))) {
    char name[128], msg[200];
    slice_text(user, name, sizeof(name));
    snprintf(msg, sizeof(msg), "Provided username %s and/or password are incorrect", name);
    cql_sconn_emit_error(c, req->stream, CQL_SERVER_BAD_CREDENTIALS, msg);
    return;
  }
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_AUTH_SUCCESS;
  r.stream = req->stream;
  r.u.auth.token_null = true;
  c->state = SC_READY;
  cql_sconn_emit(c, &r);
}

void cql_sconn_on_register(cql_sconn *c, const cql_request *req) {
  static const char *const names[] = {"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
  unsigned events = 0;
  for (uint32_t i = 0; i < req->u.reg.n_events; i++) {
    unsigned bit = 0;
    for (unsigned k = 0; k < 3; k++)
      if (cql_slice_eq(req->u.reg.events[i], cql_slice_from_cstr(names[k])))
        bit = 1u << k;
    if (!bit) {
      char text[64];
      slice_text(req->u.reg.events[i], text, sizeof(text));
      cql_sconn_protocol_error(c, req->stream, "Invalid value '%s' for Type", text);
      return;
    }
    events |= bit;
  }
  c->events |= events;
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_READY;
  r.stream = req->stream;
  cql_sconn_emit(c, &r);
}
