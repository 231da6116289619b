/* The BATCH message, both directions. Its options follow the statements
 * (unlike QUERY's <query_parameters>) and it never carries names. */
#include "request.h"

enum { STMT_SIMPLE = 0, STMT_PREPARED = 1 };

static uint32_t batch_flags(const cql_batch_body *batch) {
  uint32_t f = 0;
  if (batch->has_serial_consistency)
    f |= CQL_QP_SERIAL_CONSISTENCY;
  if (batch->has_timestamp)
    f |= CQL_QP_TIMESTAMP;
  if (batch->has_keyspace)
    f |= CQL_QP_KEYSPACE;
  if (batch->has_now_in_seconds)
    f |= CQL_QP_NOW_IN_SECONDS;
  return f;
}

static void put_stmt(cql_buf *b, const cql_batch_stmt *s) {
  if (s->is_prepared) {
    cql_buf_put_u8(b, STMT_PREPARED);
    cql_buf_put_short_bytes(b, s->id);
  } else {
    cql_buf_put_u8(b, STMT_SIMPLE);
    cql_buf_put_long_string(b, s->query);
  }
  cql_buf_put_u16(b, (uint16_t)s->n_values);
  cql_req_put_values(b, s->values, s->n_values, false);
}

void cql_req_put_batch(cql_buf *b, uint8_t version, const cql_batch_body *batch) {
  uint32_t flags = batch_flags(batch);
  cql_buf_put_u8(b, batch->type);
  cql_buf_put_u16(b, batch->n_stmts);
  for (uint16_t i = 0; i < batch->n_stmts; i++)
    put_stmt(b, &batch->stmts[i]);
  cql_buf_put_u16(b, batch->consistency);
  if (version >= CQL_PROTOCOL_V5)
    cql_buf_put_u32(b, flags);
  else
    cql_buf_put_u8(b, (uint8_t)flags);
  if (batch->has_serial_consistency)
    cql_buf_put_u16(b, batch->serial_consistency);
  if (batch->has_timestamp)
    cql_buf_put_i64(b, batch->timestamp);
  if (batch->has_keyspace)
    cql_buf_put_string(b, batch->keyspace);
  if (batch->has_now_in_seconds)
    cql_buf_put_i32(b, batch->now_in_seconds);
}

static void rd_stmt(cql_rd *r, cql_arena *a, cql_batch_stmt *s) {
  uint8_t kind = cql_rd_u8(r);
  if (!cql_rd_ok(r))
    return;
  if (kind == STMT_PREPARED) {
    s->is_prepared = true;
    s->id = cql_rd_short_bytes(r);
  } else if (kind == STMT_SIMPLE) {
    s->query = cql_rd_long_string(r);
  } else {
    cql_rd_fail(r, CQL_E_BAD_MESSAGE, "unknown batch statement kind");
    return;
  }
  cql_req_rd_values(r, a, false, &s->values, &s->n_values);
}

static void rd_stmts(cql_rd *r, cql_arena *a, cql_batch_body *batch) {
  uint16_t n = cql_rd_u16(r);
  /* Smallest statement: kind, an empty [short bytes] id, a zero count. */
  if (!cql_req_rd_count_fits(r, n, 5, "statement count larger than the body") || n == 0)
    return;
  cql_batch_stmt *stmts = cql_arena_calloc(a, n, sizeof(*stmts));
  if (!stmts) {
    cql_rd_fail(r, CQL_E_NOMEM, "batch statements");
    return;
  }
  for (uint16_t i = 0; i < n && cql_rd_ok(r); i++)
    rd_stmt(r, a, &stmts[i]);
  batch->stmts = stmts;
  batch->n_stmts = n;
}

void cql_req_rd_batch(cql_rd *r, uint8_t version, cql_arena *a, cql_batch_body *batch) {
  batch->type = cql_rd_u8(r);
  if (cql_rd_ok(r) && batch->type > CQL_BATCH_COUNTER) {
    cql_rd_fail(r, CQL_E_BAD_MESSAGE, "unknown batch type");
    return;
  }
  rd_stmts(r, a, batch);
  batch->consistency = cql_rd_u16(r);
  bool v5 = version >= CQL_PROTOCOL_V5;
  uint32_t flags = v5 ? cql_rd_u32(r) : cql_rd_u8(r);
  if (cql_rd_ok(r) && (flags & ~(uint32_t)(v5 ? CQL_BATCH_KNOWN_V5 : CQL_BATCH_KNOWN_V4))) {
    cql_rd_fail(r, CQL_E_BAD_FLAGS, "unknown or unusable batch flags");
    return;
  }
  if ((batch->has_serial_consistency = flags & CQL_QP_SERIAL_CONSISTENCY))
    batch->serial_consistency = cql_rd_u16(r);
  if ((batch->has_timestamp = flags & CQL_QP_TIMESTAMP))
    batch->timestamp = cql_rd_i64(r);
  if ((batch->has_keyspace = flags & CQL_QP_KEYSPACE))
    batch->keyspace = cql_rd_string(r);
  if ((batch->has_now_in_seconds = flags & CQL_QP_NOW_IN_SECONDS))
    batch->now_in_seconds = cql_rd_i32(r);
}
