/* QUERY, PREPARE, EXECUTE and BATCH: injected faults first, then the
 * engine. */
#include <stdio.h>
#include <string.h>

#include "srv_impl.h"

static uint16_t request_consistency(const cql_request *req) {
  switch (req->opcode) {
  case CQL_OP_QUERY:
    return req->u.query.params.consistency;
  case CQL_OP_EXECUTE:
    return req->u.execute.params.consistency;
  case CQL_OP_BATCH:
    return req->u.batch.consistency;
  default:
    return 0x0001; /* ONE */
  }
}

/* Answers the injected error, with plausible extra fields for the codes
 * that carry some. */
static void emit_injected(cql_sconn *c, const cql_request *req) {
  cql_srv *s = c->srv;
  static const cql_failure_reason reason = {{4, {127, 0, 0, 1}}, 0};
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_ERROR;
  r.stream = req->stream;
  cql_error_body *e = &r.u.error;
  e->code = s->fail_code;
  e->message = cql_slice_from_cstr(s->fail_message);
  e->consistency = request_consistency(req);
  e->block_for = 1;
  e->received = 0;
  e->num_failures = 1;
  e->reasons = &reason;
  e->n_reasons = 1;
  e->write_type = cql_slice_from_cstr(req->opcode == CQL_OP_BATCH ? "BATCH" : "SIMPLE");
  e->function = cql_slice_from_cstr("f");
  e->keyspace = cql_slice_from_cstr("ks");
  if (req->opcode == CQL_OP_EXECUTE)
    e->unprepared_id = req->u.execute.id;
  cql_sconn_emit(c, &r);
}

static void emit_unprepared(cql_sconn *c, int16_t stream, cql_slice id) {
  char hex[2 * 32 + 1];
  char msg[400];
  size_t n = id.len < 32 ? id.len : 32;
  for (size_t i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", id.ptr[i]);
  hex[2 * n] = '\0';
  snprintf(msg, sizeof(msg),
           "Prepared query with ID %s not found (either the query was not prepared on this host "
           "(maybe the host has been restarted?) or you have prepared too many queries and it has "
           "been evicted from the internal cache)",
           hex);
  cql_response r;
  memset(&r, 0, sizeof(r));
  r.opcode = CQL_OP_ERROR;
  r.stream = stream;
  r.u.error.code = CQL_SERVER_UNPREPARED;
  r.u.error.message = cql_slice_from_cstr(msg);
  r.u.error.unprepared_id = id;
  cql_sconn_emit(c, &r);
}

/* True when the request uses an id forget_prepared dropped (answered). */
static bool forgotten(cql_sconn *c, const cql_request *req) {
  if (req->opcode == CQL_OP_EXECUTE && cql_srv_is_forgotten(c->srv, req->u.execute.id)) {
    emit_unprepared(c, req->stream, req->u.execute.id);
    return true;
  }
  if (req->opcode != CQL_OP_BATCH)
    return false;
  for (uint16_t i = 0; i < req->u.batch.n_stmts; i++) {
    const cql_batch_stmt *st = &req->u.batch.stmts[i];
    if (st->is_prepared && cql_srv_is_forgotten(c->srv, st->id)) {
      emit_unprepared(c, req->stream, st->id);
      return true;
    }
  }
  return false;
}

void cql_sconn_on_cql(cql_sconn *c, const cql_request *req) {
  cql_srv *s = c->srv;
  bool cql =
      req->opcode == CQL_OP_QUERY || req->opcode == CQL_OP_EXECUTE || req->opcode == CQL_OP_BATCH;
  if (cql && s->fail_count > 0) {
    s->fail_count--;
    emit_injected(c, req);
    return;
  }
  if (forgotten(c, req))
    return;
  cql_response r;
  memset(&r, 0, sizeof(r));
  if (cql_engine_handle(s->engine, &c->session, req, &c->arena, &r) != CQL_OK) {
    cql_sconn_emit_error(c, req->stream, CQL_SERVER_SERVER_ERROR, "Out of memory");
    c->closing = true;
    return;
  }
  r.stream = req->stream;
  if (r.opcode == CQL_OP_RESULT && r.u.result.kind == CQL_RESULT_PREPARED)
    cql_srv_note_prepared(s, r.u.result.u.prepared.id);
  cql_sconn_emit(c, &r);
}
