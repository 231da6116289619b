/* What the request encoder refuses, checked up front so that the writer
 * never has to undo a half-written semantic error. Lengths of individual
 * strings are left to the writer (E_BAD_LENGTH through cql_buf). */
#include "request.h"

static cql_status check_params(uint8_t version, const cql_query_params *p) {
  if (version < CQL_PROTOCOL_V5 && (p->has_keyspace || p->has_now_in_seconds))
    return CQL_E_UNSUPPORTED;
  return cql_req_validate_values(p->values, p->n_values);
}

static cql_status check_batch(uint8_t version, const cql_batch_body *batch) {
  if (version < CQL_PROTOCOL_V5 && (batch->has_keyspace || batch->has_now_in_seconds))
    return CQL_E_UNSUPPORTED;
  if (batch->type > CQL_BATCH_COUNTER || (batch->n_stmts > 0 && !batch->stmts))
    return CQL_E_INVALID_ARG;
  for (uint16_t i = 0; i < batch->n_stmts; i++) {
    cql_status st = cql_req_validate_values(batch->stmts[i].values, batch->stmts[i].n_values);
    if (st != CQL_OK)
      return st;
  }
  return CQL_OK;
}

/* An array of `n` items, written with a [short] count. */
static cql_status check_array(const void *items, uint32_t n) {
  if (n > UINT16_MAX)
    return CQL_E_BAD_LENGTH;
  return n > 0 && !items ? CQL_E_INVALID_ARG : CQL_OK;
}

static cql_status check_message(uint8_t version, const cql_request *req) {
  switch (req->opcode) {
  case CQL_OP_OPTIONS:
  case CQL_OP_AUTH_RESPONSE:
    return CQL_OK;
  case CQL_OP_STARTUP:
    return check_array(req->u.startup.options, req->u.startup.n_options);
  case CQL_OP_REGISTER:
    return check_array(req->u.reg.events, req->u.reg.n_events);
  case CQL_OP_QUERY:
    return check_params(version, &req->u.query.params);
  case CQL_OP_PREPARE:
    return version < CQL_PROTOCOL_V5 && req->u.prepare.has_keyspace ? CQL_E_UNSUPPORTED : CQL_OK;
  case CQL_OP_EXECUTE:
    if (version < CQL_PROTOCOL_V5 && req->u.execute.result_metadata_id.len > 0)
      return CQL_E_UNSUPPORTED;
    return check_params(version, &req->u.execute.params);
  case CQL_OP_BATCH:
    return check_batch(version, &req->u.batch);
  default:
    return CQL_E_INVALID_ARG;
  }
}

cql_status cql_req_validate(uint8_t version, const cql_request *req) {
  if (version != CQL_PROTOCOL_V4 && version != CQL_PROTOCOL_V5)
    return CQL_E_BAD_VERSION;
  cql_status st = check_array(req->custom_payload, req->n_custom_payload);
  if (st != CQL_OK)
    return st;
  return check_message(version, req);
}
