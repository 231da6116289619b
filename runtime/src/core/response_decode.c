/* Decoding a response body: the prefixes the header flags announce, then
 * the body of the opcode. */
#include <string.h>

#include "response_impl.h"

static bool is_response_opcode(uint8_t op) {
  switch (op) {
  case CQL_OP_ERROR:
  case CQL_OP_READY:
  case CQL_OP_AUTHENTICATE:
  case CQL_OP_SUPPORTED:
  case CQL_OP_RESULT:
  case CQL_OP_EVENT:
  case CQL_OP_AUTH_CHALLENGE:
  case CQL_OP_AUTH_SUCCESS:
    return true;
  default:
    return false;
  }
}

/* Tracing id, then warnings, then custom payload: the order is fixed
 * whichever of them are present. */
static void read_prefixes(cql_rd *r, uint8_t version, uint8_t flags, cql_arena *a,
                          cql_response *out) {
  if (flags & CQL_FLAG_TRACING) {
    out->has_tracing_id = true;
    cql_rd_uuid(r, &out->tracing_id);
  }
  if ((flags & (CQL_FLAG_WARNING | CQL_FLAG_CUSTOM_PAYLOAD)) && version < CQL_PROTOCOL_V4) {
    cql_rd_fail(r, CQL_E_BAD_FLAGS, "warning or custom payload flag before protocol v4");
    return;
  }
  if (flags & CQL_FLAG_WARNING) {
    out->has_warnings = true;
    cql_rsp_read_string_list(r, a, &out->warnings, &out->n_warnings);
  }
  if (flags & CQL_FLAG_CUSTOM_PAYLOAD) {
    out->has_custom_payload = true;
    cql_rsp_read_bytes_map(r, a, &out->custom_payload, &out->n_custom_payload);
  }
}

static void read_body(cql_rd *r, uint8_t version, cql_arena *a, cql_response *out) {
  switch (out->opcode) {
  case CQL_OP_ERROR:
    cql_rsp_read_error(r, version, a, &out->u.error);
    break;
  case CQL_OP_READY:
    break;
  case CQL_OP_AUTHENTICATE:
    out->u.authenticate.authenticator = cql_rd_string(r);
    break;
  case CQL_OP_SUPPORTED:
    cql_rsp_read_multimap(r, a, &out->u.supported.entries, &out->u.supported.n_entries);
    break;
  case CQL_OP_RESULT:
    cql_rsp_read_result(r, version, a, &out->u.result);
    break;
  case CQL_OP_EVENT:
    cql_rsp_read_event(r, a, &out->u.event);
    break;
  default: /* AUTH_CHALLENGE, AUTH_SUCCESS */
    out->u.auth.token = cql_rd_bytes(r, &out->u.auth.token_null);
    break;
  }
}

static cql_status fail(const char **what, cql_status st, const char *text) {
  *what = text;
  return st;
}

cql_status cql_response_decode2(const cql_header *h, cql_slice body, cql_arena *arena,
                                unsigned options, cql_response *out, const char **what) {
  const char *ignored = NULL;
  if (!what)
    what = &ignored;
  *what = NULL;
  memset(out, 0, sizeof(*out));
  uint8_t version = h->version & (uint8_t)~CQL_VERSION_RESPONSE_BIT;
  if (!(h->version & CQL_VERSION_RESPONSE_BIT))
    return fail(what, CQL_E_BAD_VERSION, "header of a request, not a response");
  if (version < 3 || version > CQL_PROTOCOL_V5)
    return fail(what, CQL_E_BAD_VERSION, "response version other than 3, 4 or 5");
  if (!is_response_opcode(h->opcode))
    return fail(what, CQL_E_BAD_OPCODE, "opcode is not a response");
  if (body.len > 0 && !body.ptr)
    return fail(what, CQL_E_INVALID_ARG, "body slice without bytes");

  static const uint8_t empty[1] = {0};
  cql_rd r;
  cql_rd_init(&r, body.ptr ? body.ptr : empty, body.len);
  out->opcode = h->opcode;
  out->stream = h->stream;
  read_prefixes(&r, version, h->flags, arena, out);
  read_body(&r, version, arena, out);
  if (!(options & CQL_RESPONSE_ALLOW_TRAILING))
    cql_rd_expect_end(&r, "bytes after the end of the response body");
  if (!cql_rd_ok(&r))
    return fail(what, r.err, r.err_what);
  return CQL_OK;
}

cql_status cql_response_decode(const cql_header *h, cql_slice body, cql_arena *arena,
                               cql_response *out, const char **what) {
  return cql_response_decode2(h, body, arena, 0, out, what);
}
