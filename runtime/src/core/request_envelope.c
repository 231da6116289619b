/* cql_request_encode: a whole request envelope, with all-or-nothing
 * semantics on the caller's buffer. */
#include "envelope.h"
#include "request.h"

static uint8_t header_flags(const cql_request *req, bool compress) {
  uint8_t f = 0;
  if (compress)
    f |= CQL_FLAG_COMPRESSION;
  if (req->tracing)
    f |= CQL_FLAG_TRACING;
  if (req->has_custom_payload || req->n_custom_payload > 0)
    f |= CQL_FLAG_CUSTOM_PAYLOAD;
  if (req->use_beta)
    f |= CQL_FLAG_USE_BETA;
  return f;
}

/* Fills in the header reserved at `at` once the body length is known. */
static cql_status finish(cql_buf *out, size_t at, uint8_t version, const cql_request *req,
                         bool compress) {
  if (out->err != CQL_OK)
    return out->err;
  size_t body_len = out->len - at - CQL_HEADER_SIZE;
  if (body_len > INT32_MAX)
    return CQL_E_BAD_LENGTH;
  cql_header h = {.version = version,
                  .flags = header_flags(req, compress),
                  .stream = req->stream,
                  .opcode = req->opcode,
                  .length = (uint32_t)body_len};
  cql_header_encode(out->data + at, &h);
  return CQL_OK;
}

static cql_status put_plain(cql_buf *out, uint8_t version, const cql_request *req) {
  size_t at = out->len;
  if (!cql_buf_extend(out, CQL_HEADER_SIZE))
    return out->err;
  cql_req_put_body(out, version, req);
  return finish(out, at, version, req, false);
}

/* The body is built aside, then compressed behind the header. */
static cql_status put_compressed(cql_buf *out, uint8_t version, const cql_request *req) {
  cql_buf body;
  cql_buf_init(&body, out->mem);
  cql_req_put_body(&body, version, req);
  cql_status st = body.err;
  size_t at = out->len;
  if (st == CQL_OK && !cql_buf_extend(out, CQL_HEADER_SIZE))
    st = out->err;
  if (st == CQL_OK)
    st = cql_body_compress_v4(out, (cql_slice){body.data, body.len});
  if (st == CQL_OK)
    st = finish(out, at, version, req, true);
  cql_buf_free(&body);
  return st;
}

cql_status cql_request_encode(cql_buf *out, uint8_t version, const cql_request *req,
                              bool compress_v4) {
  if (out->err != CQL_OK)
    return out->err;
  cql_status st = cql_req_validate(version, req);
  if (st != CQL_OK)
    return st;
  if (compress_v4 && version != CQL_PROTOCOL_V4)
    return CQL_E_INVALID_ARG;
  /* STARTUP negotiates compression and OPTIONS comes before it. */
  bool compress = compress_v4 && req->opcode != CQL_OP_STARTUP && req->opcode != CQL_OP_OPTIONS;
  size_t start = out->len;
  st = compress ? put_compressed(out, version, req) : put_plain(out, version, req);
  if (st != CQL_OK) {
    out->len = start;
    out->err = CQL_OK;
  }
  return st;
}
