/* One client connection: input bytes to envelopes, responses to output. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "segment.h"
#include "srv_impl.h"

cql_status cql_sconn_new(cql_srv *s, uint32_t node_index, cql_sconn **out) {
  cql_sconn *c = calloc(1, sizeof(*c));
  if (!c)
    return CQL_E_NOMEM;
  cql_reader_config rc = {.max_body_size = s->max_frame_bytes, .expect_requests = true};
  if (cql_reader_new(&c->reader, &rc) != CQL_OK) {
    free(c);
    return CQL_E_NOMEM;
  }
  c->srv = s;
  c->node_index = node_index;
  c->state = SC_NEW;
  cql_arena_init(&c->arena, NULL);
  cql_buf_init(&c->out, NULL);
  cql_buf_init(&c->env, NULL);
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
  *out = c;
  return CQL_OK;
}

void cql_sconn_free(cql_sconn *c) {
  if (!c)
    return;
  if (c->prev)
    c->prev->next = c->next;
  else
    c->srv->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  cql_reader_free(c->reader);
  cql_arena_free(&c->arena);
  cql_buf_free(&c->out);
  cql_buf_free(&c->env);
  free(c);
}

static void emit_fallback(cql_sconn *c, int16_t stream, cql_status why) {
  char msg[128];
  snprintf(msg, sizeof(msg), "Internal error while encoding the response: %s",
           cql_status_name(why));
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_ERROR;
  r.stream = stream;
  r.u.error.code = CQL_SERVER_SERVER_ERROR;
  r.u.error.message = cql_slice_from_cstr(msg);
  cql_buf *dst = c->framed ? &c->env : &c->out;
  if (cql_response_encode(dst, c->version, &r, c->compress_v4) != CQL_OK)
    c->closing = true;
}

void cql_sconn_emit(cql_sconn *c, const cql_response *r) {
  cql_buf *dst = c->framed ? &c->env : &c->out;
  cql_status st = cql_response_encode(dst, c->version, r, c->compress_v4);
  if (st != CQL_OK) {
    cql_srv_logf(c->srv, "cannot encode a response (opcode %u): %s", r->opcode,
                 cql_status_name(st));
    emit_fallback(c, r->stream, st);
  }
}

void cql_sconn_emit_error(cql_sconn *c, int16_t stream, int32_t code, const char *message) {
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_ERROR;
  r.stream = stream;
  r.u.error.code = code;
  r.u.error.message = cql_slice_from_cstr(message);
  cql_sconn_emit(c, &r);
}

void cql_sconn_protocol_error(cql_sconn *c, int16_t stream, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  cql_sconn_emit_error(c, stream, CQL_SERVER_PROTOCOL_ERROR, msg);
}

void cql_sconn_frame_pending(cql_sconn *c) {
  if (c->env.len == 0)
    return;
  cql_status st = cql_segment_frame(&c->out, (cql_slice){c->env.data, c->env.len}, c->lz4_segments);
  cql_buf_reset(&c->env);
  if (st != CQL_OK) {
    cql_srv_logf(c->srv, "cannot frame responses: %s", cql_status_name(st));
    c->closing = true;
  }
}

/* The reader's callback: one whole request envelope. */
static cql_status on_envelope(void *ud, cql_envelope *env) {
  cql_sconn *c = ud;
  uint8_t v = env->header.version & 0x7F;
  atomic_fetch_add_explicit(&c->srv->requests, 1, memory_order_relaxed);
  if (v != c->version) {
    cql_sconn_protocol_error(c, env->header.stream,
                             "Invalid message version. Got %u/v%u but previous messages on this "
                             "connection had version %u/v%u",
                             v, v, c->version, c->version);
    c->closing = true;
  } else {
    cql_request req;
    const char *what = NULL;
    cql_status st =
        cql_request_decode(&env->header, (cql_slice){env->body, env->len}, &c->arena, &req, &what);
    if (st == CQL_OK) {
      req.stream = env->header.stream;
      cql_sconn_dispatch(c, &req);
    } else if (st == CQL_E_NOMEM) {
      cql_sconn_emit_error(c, env->header.stream, CQL_SERVER_SERVER_ERROR,
                           "Out of memory while decoding the request");
    } else {
      /* The envelope framing held, so the connection can go on. */
      cql_sconn_protocol_error(c, env->header.stream, "Invalid %s message: %s",
                               cql_srv_opcode_name(env->header.opcode),
                               what ? what : cql_status_name(st));
    }
  }
  cql_arena_reset(&c->arena);
  cql_envelope_free(env);
  return c->closing ? CQL_E_CONNECTION_CLOSED : CQL_OK;
}

/* Gathers the first SC_PEEK bytes and decides on the version. Returns the
 * bytes of `p` consumed. */
static size_t peek_version(cql_sconn *c, const uint8_t *p, size_t n) {
  size_t take = SC_PEEK - c->peek_len;
  if (take > n)
    take = n;
  memcpy(c->peek + c->peek_len, p, take);
  c->peek_len += take;
  if (c->peek_len < SC_PEEK)
    return take;
  uint8_t v = c->peek[0] & 0x7F;
  if (v < c->srv->min_version || v > c->srv->max_version) {
    cql_sconn_refuse_version(c, c->peek);
    c->closing = true;
    return take;
  }
  c->version = v;
  c->state = SC_UNINIT;
  cql_engine_session_init(&c->session, v);
  c->session.node_index = c->node_index;
  return take;
}

static cql_status feed_reader(cql_sconn *c, const uint8_t *p, size_t n) {
  const char *what = NULL;
  cql_status st = cql_reader_feed(c->reader, p, n, on_envelope, c, &what);
  if (st == CQL_OK || c->closing)
    return st;
  /* A framing error: nothing after it can be trusted. */
  cql_srv_logf(c->srv, "closing a connection: %s (%s)", what ? what : "", cql_status_name(st));
  if (st == CQL_E_FRAME_TOO_LARGE)
    cql_sconn_protocol_error(c, 0, "Request is too big: %s", what ? what : "frame too large");
  else
    cql_sconn_protocol_error(c, 0, "Invalid frame: %s", what ? what : cql_status_name(st));
  c->closing = true;
  return st;
}

/* Cassandra (v4 framing) answers an envelope over the size limit with an
 * INVALID error on its stream, skips its body and goes on. */
static void refuse_too_large(cql_sconn *c, uint32_t len) {
  char msg[160];
  snprintf(msg, sizeof(msg), "Request is too big: length %llu exceeds maximum allowed length %zu.",
           (unsigned long long)len + CQL_HEADER_SIZE, c->srv->max_frame_bytes);
  cql_sconn_emit_error(c, (int16_t)cql_load_u16(c->hdr + 2), CQL_SERVER_INVALID, msg);
  c->discarding = true;
  c->body_left = len;
}

/* Plain envelopes: tracks headers and bodies, handing everything but
 * oversized envelopes to the reader. Once the reader switched to v5
 * segments (from its callback), the rest goes to it untouched. */
static cql_status feed_plain(cql_sconn *c, const uint8_t *p, size_t n) {
  while (n > 0 && !c->framed && !c->closing) {
    if (c->body_left > 0) {
      size_t take = c->body_left < n ? (size_t)c->body_left : n;
      cql_status st = c->discarding ? CQL_OK : feed_reader(c, p, take);
      if (st != CQL_OK)
        return st;
      c->body_left -= take;
      p += take;
      n -= take;
      continue;
    }
    size_t take = CQL_HEADER_SIZE - c->hdr_len < n ? CQL_HEADER_SIZE - c->hdr_len : n;
    memcpy(c->hdr + c->hdr_len, p, take);
    c->hdr_len += take;
    p += take;
    n -= take;
    if (c->hdr_len < CQL_HEADER_SIZE)
      break;
    c->hdr_len = 0;
    uint32_t len = cql_load_u32(c->hdr + 5);
    if (len <= INT32_MAX && len > c->srv->max_frame_bytes) {
      refuse_too_large(c, len);
      continue;
    }
    c->discarding = false;
    c->body_left = len <= INT32_MAX ? len : 0; /* a negative length fails in the reader */
    cql_status st = feed_reader(c, c->hdr, CQL_HEADER_SIZE);
    if (st != CQL_OK)
      return st;
  }
  if (n > 0 && c->framed && !c->closing)
    return feed_reader(c, p, n);
  return c->closing ? CQL_E_CONNECTION_CLOSED : CQL_OK;
}

cql_status cql_sconn_feed(cql_sconn *c, const uint8_t *p, size_t n) {
  if (c->closing)
    return CQL_E_CONNECTION_CLOSED;
  if (c->state == SC_NEW) {
    size_t used = peek_version(c, p, n);
    p += used;
    n -= used;
    if (c->closing) {
      cql_sconn_frame_pending(c);
      return CQL_E_BAD_VERSION;
    }
    if (c->state == SC_NEW)
      return CQL_OK;
    cql_status st = feed_plain(c, c->peek, c->peek_len);
    if (st != CQL_OK) {
      cql_sconn_frame_pending(c);
      return st;
    }
  }
  cql_status st = n ? feed_plain(c, p, n) : CQL_OK;
  cql_sconn_frame_pending(c);
  if (st == CQL_OK && c->closing)
    st = CQL_E_CONNECTION_CLOSED;
  return st;
}

bool cql_sconn_take_output(cql_sconn *c, cql_buf *dst) {
  cql_sconn_frame_pending(c);
  if (c->out.len == 0)
    return false;
  if (dst->len == 0 && dst->err == CQL_OK) {
    cql_buf tmp = *dst; /* swap: no copy, and both keep their capacity */
    *dst = c->out;
    c->out = tmp;
  } else {
    cql_buf_put_raw(dst, c->out.data, c->out.len);
  }
  cql_buf_reset(&c->out);
  return true;
}

size_t cql_sconn_output_len(const cql_sconn *c) { return c->out.len + c->env.len; }
bool cql_sconn_closing(const cql_sconn *c) { return c->closing; }
uint32_t cql_sconn_node_index(const cql_sconn *c) { return c->node_index; }
void cql_sconn_set_user(cql_sconn *c, void *user) { c->user = user; }
void *cql_sconn_user(const cql_sconn *c) { return c->user; }
uint8_t cql_sconn_version(const cql_sconn *c) { return c->version; }
