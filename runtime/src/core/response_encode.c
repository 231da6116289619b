/* Encoding a response: header flags derived from the struct, the prefixes,
 * the body of the opcode, and optional v4 compression. */
#include "envelope.h"
#include "response_impl.h"

uint8_t cql_response_flags(const cql_response *resp) {
  uint8_t flags = 0;
  if (resp->has_tracing_id)
    flags |= CQL_FLAG_TRACING;
  if (resp->has_warnings || resp->n_warnings > 0)
    flags |= CQL_FLAG_WARNING;
  if (resp->has_custom_payload || resp->n_custom_payload > 0)
    flags |= CQL_FLAG_CUSTOM_PAYLOAD;
  return flags;
}

static void write_prefixes(cql_buf *b, uint8_t version, const cql_response *resp) {
  uint8_t flags = cql_response_flags(resp);
  if ((flags & (CQL_FLAG_WARNING | CQL_FLAG_CUSTOM_PAYLOAD)) && version < CQL_PROTOCOL_V4) {
    cql_rsp_buf_fail(b, CQL_E_UNSUPPORTED);
    return;
  }
  if (flags & CQL_FLAG_TRACING)
    cql_buf_put_uuid(b, &resp->tracing_id);
  if (flags & CQL_FLAG_WARNING)
    cql_rsp_write_string_list(b, resp->warnings, resp->n_warnings);
  if (flags & CQL_FLAG_CUSTOM_PAYLOAD)
    cql_rsp_write_bytes_map(b, resp->custom_payload, resp->n_custom_payload);
}

static void write_body(cql_buf *b, uint8_t version, const cql_response *resp) {
  switch (resp->opcode) {
  case CQL_OP_ERROR:
    cql_rsp_write_error(b, version, &resp->u.error);
    break;
  case CQL_OP_READY:
    break;
  case CQL_OP_AUTHENTICATE:
    cql_buf_put_string(b, resp->u.authenticate.authenticator);
    break;
  case CQL_OP_SUPPORTED:
    cql_rsp_write_multimap(b, resp->u.supported.entries, resp->u.supported.n_entries);
    break;
  case CQL_OP_RESULT:
    cql_rsp_write_result(b, version, &resp->u.result);
    break;
  case CQL_OP_EVENT:
    cql_rsp_write_event(b, &resp->u.event);
    break;
  case CQL_OP_AUTH_CHALLENGE:
  case CQL_OP_AUTH_SUCCESS:
    if (resp->u.auth.token_null)
      cql_buf_put_null_bytes(b);
    else
      cql_buf_put_bytes(b, resp->u.auth.token);
    break;
  default:
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    break;
  }
}

static bool version_ok(uint8_t version) { return version >= 3 && version <= CQL_PROTOCOL_V5; }

/* Drops whatever was appended since `start` and reports `st`. */
static cql_status rollback(cql_buf *b, size_t start, cql_status st) {
  b->len = start;
  b->err = CQL_OK;
  return st;
}

cql_status cql_response_encode_body(cql_buf *out, uint8_t version, const cql_response *resp) {
  if (out->err != CQL_OK)
    return out->err;
  if (!version_ok(version))
    return CQL_E_BAD_VERSION;
  size_t start = out->len;
  write_prefixes(out, version, resp);
  write_body(out, version, resp);
  if (out->err != CQL_OK)
    return rollback(out, start, out->err);
  return CQL_OK;
}

/* Appends the LZ4 form of the body (v3/v4 compression). */
static cql_status put_compressed_body(cql_buf *out, uint8_t version, const cql_response *resp) {
  cql_buf plain;
  cql_buf_init(&plain, out->mem);
  cql_status st = cql_response_encode_body(&plain, version, resp);
  if (st == CQL_OK) {
    cql_slice s = {plain.data, plain.len};
    st = cql_body_compress_v4(out, s);
  }
  cql_buf_free(&plain);
  return st;
}

cql_status cql_response_encode(cql_buf *out, uint8_t version, const cql_response *resp,
                               bool compress_v4) {
  if (out->err != CQL_OK)
    return out->err;
  if (!version_ok(version))
    return CQL_E_BAD_VERSION;
  bool compress = compress_v4 && version < CQL_PROTOCOL_V5;
  size_t start = out->len;
  if (!cql_buf_extend(out, CQL_HEADER_SIZE))
    return rollback(out, start, CQL_E_NOMEM);
  cql_status st = compress ? put_compressed_body(out, version, resp)
                           : cql_response_encode_body(out, version, resp);
  if (st == CQL_OK && out->err != CQL_OK)
    st = out->err;
  size_t body_len = out->len - start - CQL_HEADER_SIZE;
  if (st == CQL_OK && body_len > INT32_MAX)
    st = CQL_E_FRAME_TOO_LARGE;
  if (st != CQL_OK)
    return rollback(out, start, st);
  cql_header h = {
      .version = (uint8_t)(version | CQL_VERSION_RESPONSE_BIT),
      .flags = (uint8_t)(cql_response_flags(resp) | (compress ? CQL_FLAG_COMPRESSION : 0)),
      .stream = resp->stream,
      .opcode = resp->opcode,
      .length = (uint32_t)body_len,
  };
  cql_header_encode(out->data + start, &h);
  return CQL_OK;
}
