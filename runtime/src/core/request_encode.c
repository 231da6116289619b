/* Request bodies: the custom payload prefix and each opcode's message. */
#include "request.h"

static void put_string_map(cql_buf *b, const cql_pair *pairs, uint32_t n) {
  cql_buf_put_u16(b, (uint16_t)n);
  for (uint32_t i = 0; i < n; i++) {
    cql_buf_put_string(b, pairs[i].key);
    cql_buf_put_string(b, pairs[i].value);
  }
}

static void put_bytes_map(cql_buf *b, const cql_pair *pairs, uint32_t n) {
  cql_buf_put_u16(b, (uint16_t)n);
  for (uint32_t i = 0; i < n; i++) {
    cql_buf_put_string(b, pairs[i].key);
    if (pairs[i].value_null)
      cql_buf_put_null_bytes(b);
    else
      cql_buf_put_bytes(b, pairs[i].value);
  }
}

static void put_string_list(cql_buf *b, const cql_slice *items, uint32_t n) {
  cql_buf_put_u16(b, (uint16_t)n);
  for (uint32_t i = 0; i < n; i++)
    cql_buf_put_string(b, items[i]);
}

/* v4 PREPARE is the bare query; v5 adds [int] flags and the keyspace. */
static void put_prepare(cql_buf *b, uint8_t version, const cql_request *req) {
  cql_buf_put_long_string(b, req->u.prepare.query);
  if (version < CQL_PROTOCOL_V5)
    return;
  cql_buf_put_u32(b, req->u.prepare.has_keyspace ? CQL_PREPARE_KEYSPACE : 0);
  if (req->u.prepare.has_keyspace)
    cql_buf_put_string(b, req->u.prepare.keyspace);
}

static void put_execute(cql_buf *b, uint8_t version, const cql_request *req) {
  cql_buf_put_short_bytes(b, req->u.execute.id);
  if (version >= CQL_PROTOCOL_V5)
    cql_buf_put_short_bytes(b, req->u.execute.result_metadata_id);
  cql_req_put_query_params(b, version, &req->u.execute.params);
}

static void put_auth_response(cql_buf *b, const cql_request *req) {
  if (req->u.auth_response.token_null)
    cql_buf_put_null_bytes(b);
  else
    cql_buf_put_bytes(b, req->u.auth_response.token);
}

static void put_message(cql_buf *b, uint8_t version, const cql_request *req) {
  switch (req->opcode) {
  case CQL_OP_STARTUP:
    put_string_map(b, req->u.startup.options, req->u.startup.n_options);
    break;
  case CQL_OP_QUERY:
    cql_buf_put_long_string(b, req->u.query.query);
    cql_req_put_query_params(b, version, &req->u.query.params);
    break;
  case CQL_OP_PREPARE:
    put_prepare(b, version, req);
    break;
  case CQL_OP_EXECUTE:
    put_execute(b, version, req);
    break;
  case CQL_OP_BATCH:
    cql_req_put_batch(b, version, &req->u.batch);
    break;
  case CQL_OP_REGISTER:
    put_string_list(b, req->u.reg.events, req->u.reg.n_events);
    break;
  case CQL_OP_AUTH_RESPONSE:
    put_auth_response(b, req);
    break;
  default: /* OPTIONS: empty body; others were refused by validation */
    break;
  }
}

void cql_req_put_body(cql_buf *b, uint8_t version, const cql_request *req) {
  if (req->has_custom_payload || req->n_custom_payload > 0)
    put_bytes_map(b, req->custom_payload, req->n_custom_payload);
  put_message(b, version, req);
}
