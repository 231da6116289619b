/* Request decoding for the server side (the test node). */
#include <string.h>

#include "request.h"

static void *alloc_items(cql_rd *r, cql_arena *a, uint32_t n, size_t size) {
  if (!cql_rd_ok(r) || n == 0)
    return NULL;
  void *p = cql_arena_calloc(a, n, size);
  if (!p)
    cql_rd_fail(r, CQL_E_NOMEM, "arena exhausted");
  return p;
}

/* [string map] (STARTUP options) and [bytes map] (custom payload). */
static uint32_t rd_map(cql_rd *r, cql_arena *a, bool bytes_values, const cql_pair **out) {
  uint16_t n = cql_rd_u16(r);
  if (!cql_req_rd_count_fits(r, n, bytes_values ? 6 : 4, "map size larger than the body"))
    return 0;
  cql_pair *pairs = alloc_items(r, a, n, sizeof(*pairs));
  for (uint32_t i = 0; i < n && pairs && cql_rd_ok(r); i++) {
    pairs[i].key = cql_rd_string(r);
    if (bytes_values)
      pairs[i].value = cql_rd_bytes(r, &pairs[i].value_null);
    else
      pairs[i].value = cql_rd_string(r);
  }
  *out = pairs;
  return pairs ? n : 0;
}

static void rd_register(cql_rd *r, cql_arena *a, cql_request *req) {
  uint16_t n = cql_rd_u16(r);
  if (!cql_req_rd_count_fits(r, n, 2, "event count larger than the body"))
    return;
  cql_slice *events = alloc_items(r, a, n, sizeof(*events));
  for (uint32_t i = 0; i < n && events && cql_rd_ok(r); i++)
    events[i] = cql_rd_string(r);
  req->u.reg.events = events;
  req->u.reg.n_events = events ? n : 0;
}

static void rd_prepare(cql_rd *r, uint8_t version, cql_request *req) {
  req->u.prepare.query = cql_rd_long_string(r);
  if (version < CQL_PROTOCOL_V5)
    return;
  uint32_t flags = cql_rd_u32(r);
  if (cql_rd_ok(r) && (flags & ~(uint32_t)CQL_PREPARE_KEYSPACE)) {
    cql_rd_fail(r, CQL_E_BAD_FLAGS, "unknown PREPARE flags");
    return;
  }
  if ((req->u.prepare.has_keyspace = flags & CQL_PREPARE_KEYSPACE))
    req->u.prepare.keyspace = cql_rd_string(r);
}

static void rd_execute(cql_rd *r, uint8_t version, cql_arena *a, cql_request *req) {
  req->u.execute.id = cql_rd_short_bytes(r);
  if (version >= CQL_PROTOCOL_V5)
    req->u.execute.result_metadata_id = cql_rd_short_bytes(r);
  cql_req_rd_query_params(r, version, a, &req->u.execute.params);
}

static void rd_message(cql_rd *r, uint8_t version, cql_arena *a, cql_request *req) {
  switch (req->opcode) {
  case CQL_OP_STARTUP:
    req->u.startup.n_options = rd_map(r, a, false, &req->u.startup.options);
    break;
  case CQL_OP_QUERY:
    req->u.query.query = cql_rd_long_string(r);
    cql_req_rd_query_params(r, version, a, &req->u.query.params);
    break;
  case CQL_OP_PREPARE:
    rd_prepare(r, version, req);
    break;
  case CQL_OP_EXECUTE:
    rd_execute(r, version, a, req);
    break;
  case CQL_OP_BATCH:
    cql_req_rd_batch(r, version, a, &req->u.batch);
    break;
  case CQL_OP_REGISTER:
    rd_register(r, a, req);
    break;
  case CQL_OP_AUTH_RESPONSE:
    req->u.auth_response.token = cql_rd_bytes(r, &req->u.auth_response.token_null);
    break;
  default: /* OPTIONS: nothing */
    break;
  }
}

static bool is_request_opcode(uint8_t op) {
  return op == CQL_OP_STARTUP || op == CQL_OP_OPTIONS || op == CQL_OP_QUERY ||
         op == CQL_OP_PREPARE || op == CQL_OP_EXECUTE || op == CQL_OP_REGISTER ||
         op == CQL_OP_BATCH || op == CQL_OP_AUTH_RESPONSE;
}

/* Checks the header; returns a static reason, or NULL when it is fine. */
static const char *check_header(const cql_header *h, cql_status *st) {
  uint8_t allowed = CQL_FLAG_TRACING | CQL_FLAG_CUSTOM_PAYLOAD | CQL_FLAG_USE_BETA;
  if (h->version == CQL_PROTOCOL_V4)
    allowed |= CQL_FLAG_COMPRESSION; /* the caller decompressed the body */
  *st = CQL_E_BAD_VERSION;
  if (h->version != CQL_PROTOCOL_V4 && h->version != CQL_PROTOCOL_V5)
    return "not a v4 or v5 request";
  *st = CQL_E_BAD_OPCODE;
  if (!is_request_opcode(h->opcode))
    return "opcode is not a request";
  *st = CQL_E_BAD_FLAGS;
  if (h->flags & ~allowed)
    return "header flags a request cannot carry";
  *st = CQL_OK;
  return NULL;
}

cql_status cql_request_decode(const cql_header *h, cql_slice body, cql_arena *arena,
                              cql_request *out, const char **what) {
  static const uint8_t empty[1];
  cql_status st;
  const char *reason = check_header(h, &st);
  memset(out, 0, sizeof(*out));
  if (what)
    *what = reason;
  if (st != CQL_OK)
    return st;
  out->opcode = h->opcode;
  out->stream = h->stream;
  out->tracing = h->flags & CQL_FLAG_TRACING;
  out->use_beta = h->flags & CQL_FLAG_USE_BETA;
  cql_rd r;
  cql_rd_init(&r, body.ptr ? body.ptr : empty, body.len);
  if ((out->has_custom_payload = h->flags & CQL_FLAG_CUSTOM_PAYLOAD))
    out->n_custom_payload = rd_map(&r, arena, true, &out->custom_payload);
  rd_message(&r, h->version, arena, out);
  cql_rd_expect_end(&r, "bytes after the end of the request");
  if (what)
    *what = r.err_what;
  return r.err;
}
