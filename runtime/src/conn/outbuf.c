/* The output side: requests are encoded as whole envelopes, one after the
 * other, into one buffer, so that whatever accumulates between two writes
 * leaves in one write. v5 segment framing is applied when the adapter takes
 * the bytes, so that many envelopes share a segment (and its two CRCs and
 * its LZ4 block). */
#include <string.h>

#include "conn_impl.h"
#include "envelope.h"
#include "request.h"
#include "segment.h"

/* A stream id with room for its pending entry. */
static cql_status acquire(cql_conn *c, int32_t *id) {
  *id = cql_streams_acquire(&c->streams);
  if (*id < 0)
    return CQL_E_STREAMS_EXHAUSTED;
  if (!cql_pending_reserve(&c->pending, *id)) {
    cql_streams_release(&c->streams, *id, NULL);
    return CQL_E_NOMEM;
  }
  return CQL_OK;
}

/* The envelope just appended at `start` is complete: check its size and
 * record the request, or take it all back. */
static cql_status commit(cql_conn *c, size_t start, int32_t id, const cql_pending *p,
                         int16_t *stream) {
  cql_status st = CQL_OK;
  uint32_t body_len = cql_load_u32(c->out.data + start + 5);
  if (body_len > c->max_frame)
    st = CQL_E_FRAME_TOO_LARGE;
  else if (!cql_pending_put(&c->pending, id, p))
    st = CQL_E_NOMEM;
  if (st != CQL_OK) {
    c->out.len = start;
    cql_streams_release(&c->streams, id, NULL);
    return st;
  }
  if (stream)
    *stream = (int16_t)id;
  return CQL_OK;
}

cql_status cql_conn_send_request(cql_conn *c, cql_request *req, const cql_pending *p,
                                 int16_t *stream) {
  /* A request that cannot be encoded says so whether or not ids are left. */
  cql_status st = cql_req_validate(c->version, req);
  if (st != CQL_OK)
    return st;
  int32_t id;
  st = acquire(c, &id);
  if (st != CQL_OK)
    return st;
  req->stream = (int16_t)id;
  size_t start = c->out.len;
  st = cql_request_encode(&c->out, c->version, req, c->compress_v4);
  if (st != CQL_OK) {
    cql_streams_release(&c->streams, id, NULL);
    return st;
  }
  return commit(c, start, id, p, stream);
}

static cql_status put_encoded(cql_conn *c, int32_t id, uint8_t opcode, uint8_t flags,
                              cql_slice body) {
  size_t start = c->out.len;
  bool compress = c->compress_v4 && opcode != CQL_OP_OPTIONS && opcode != CQL_OP_STARTUP;
  if (!cql_buf_extend(&c->out, CQL_HEADER_SIZE))
    return CQL_E_NOMEM;
  cql_status st = CQL_OK;
  if (compress)
    st = cql_body_compress_v4(&c->out, body);
  else
    cql_buf_put_raw(&c->out, body.ptr, body.len);
  if (st == CQL_OK)
    st = c->out.err;
  size_t len = c->out.len - start - CQL_HEADER_SIZE;
  if (st == CQL_OK && len > INT32_MAX)
    st = CQL_E_FRAME_TOO_LARGE;
  if (st != CQL_OK) {
    c->out.len = start;
    c->out.err = CQL_OK;
    return st;
  }
  cql_header h = {c->version, (uint8_t)(flags | (compress ? CQL_FLAG_COMPRESSION : 0)), (int16_t)id,
                  opcode, (uint32_t)len};
  cql_header_encode(c->out.data + start, &h);
  return CQL_OK;
}

cql_status cql_conn_send_encoded(cql_conn *c, uint8_t opcode, uint8_t flags, cql_slice body,
                                 const cql_pending *p, int16_t *stream) {
  if (body.len > c->max_frame)
    return CQL_E_FRAME_TOO_LARGE;
  int32_t id;
  cql_status st = acquire(c, &id);
  if (st != CQL_OK)
    return st;
  size_t start = c->out.len;
  st = put_encoded(c, id, opcode, flags, body);
  if (st != CQL_OK) {
    cql_streams_release(&c->streams, id, NULL);
    return st;
  }
  return commit(c, start, id, p, stream);
}

void cql_conn_start_framing(cql_conn *c) {
  c->framing_out = true;
  c->info.framing = true;
  /* Whatever is already queued was meant for the unframed protocol. */
  c->plain_len = c->out.len;
  cql_reader_set_framing(c->reader, true, c->info.lz4);
}

/* ---- handing bytes to the adapter ----------------------------------------- */

static cql_status move_out(cql_conn *c, cql_buf *out) {
  if (!c->framing_out && out->len == 0) {
    cql_buf mine = c->out;
    c->out = *out;
    *out = mine;
    return CQL_OK;
  }
  cql_buf_put_raw(out, c->out.data, c->plain_len);
  if (out->err != CQL_OK)
    return out->err;
  cql_slice envs = {c->out.data + c->plain_len, c->out.len - c->plain_len};
  if (!c->framing_out) {
    cql_buf_put_raw(out, envs.ptr, envs.len);
    return out->err;
  }
  return cql_segment_frame(out, envs, c->info.lz4);
}

cql_status cql_conn_take_output(cql_conn *c, cql_buf *out) {
  if (!out || out->err != CQL_OK)
    return CQL_E_INVALID_ARG;
  if (c->state == CQL_CONN_CLOSED || c->out.len == 0)
    return CQL_OK;
  cql_conn_enter(c);
  size_t before = out->len;
  cql_status st = move_out(c, out);
  c->out.len = 0;
  c->out.err = CQL_OK;
  c->plain_len = 0;
  c->notified = false;
  if (st != CQL_OK) {
    out->len = before;
    out->err = CQL_OK;
    cql_conn_failf(c, st, NULL, "could not frame output: %s", cql_status_describe(st));
  } else {
    c->last_write = cql_conn_now(c);
  }
  cql_conn_leave(c);
  return st;
}
