/* RESULT bodies: the kind, then Void, Rows, Set_keyspace, Prepared or
 * Schema_change. */
#include <string.h>

#include "response_impl.h"

static void read_rows(cql_rd *r, uint8_t version, cql_arena *a, cql_result_msg *out) {
  cql_rsp_read_rows_metadata(r, version, a, &out->u.rows.metadata);
  out->u.rows.rows_count = cql_rd_i32(r);
  cql_rsp_read_rows_content(r, out->u.rows.rows_count, out->u.rows.metadata.columns_count,
                            &out->u.rows.rows_content);
}

static void read_prepared(cql_rd *r, uint8_t version, cql_arena *a, cql_result_msg *out) {
  out->u.prepared.id = cql_rd_short_bytes(r);
  if (version >= CQL_PROTOCOL_V5)
    out->u.prepared.result_metadata_id = cql_rd_short_bytes(r);
  cql_rsp_read_prepared_metadata(r, version, a, &out->u.prepared.metadata);
  cql_rsp_read_rows_metadata(r, version, a, &out->u.prepared.result_metadata);
}

void cql_rsp_read_result(cql_rd *r, uint8_t version, cql_arena *a, cql_result_msg *out) {
  memset(out, 0, sizeof(*out));
  out->kind = cql_rd_i32(r);
  if (!cql_rd_ok(r))
    return;
  switch (out->kind) {
  case CQL_RESULT_VOID:
    break;
  case CQL_RESULT_ROWS:
    read_rows(r, version, a, out);
    break;
  case CQL_RESULT_SET_KEYSPACE:
    out->u.set_keyspace = cql_rd_string(r);
    break;
  case CQL_RESULT_PREPARED:
    read_prepared(r, version, a, out);
    break;
  case CQL_RESULT_SCHEMA_CHANGE:
    cql_rsp_read_schema_change(r, a, &out->u.schema_change);
    break;
  default:
    cql_rd_fail(r, CQL_E_BAD_MESSAGE, "unknown RESULT kind");
    break;
  }
}

static void write_prepared(cql_buf *b, uint8_t version, const cql_result_msg *res) {
  if (version < CQL_PROTOCOL_V5 && res->u.prepared.result_metadata_id.len > 0) {
    cql_rsp_buf_fail(b, CQL_E_UNSUPPORTED);
    return;
  }
  cql_buf_put_short_bytes(b, res->u.prepared.id);
  if (version >= CQL_PROTOCOL_V5)
    cql_buf_put_short_bytes(b, res->u.prepared.result_metadata_id);
  cql_rsp_write_prepared_metadata(b, version, &res->u.prepared.metadata);
  cql_rsp_write_rows_metadata(b, version, &res->u.prepared.result_metadata);
}

void cql_rsp_write_result(cql_buf *b, uint8_t version, const cql_result_msg *res) {
  switch (res->kind) {
  case CQL_RESULT_VOID:
    cql_buf_put_i32(b, res->kind);
    break;
  case CQL_RESULT_ROWS:
    cql_buf_put_i32(b, res->kind);
    cql_rsp_write_rows_metadata(b, version, &res->u.rows.metadata);
    cql_rsp_write_rows_content(b, res->u.rows.rows_count, res->u.rows.metadata.columns_count,
                               res->u.rows.rows_content);
    break;
  case CQL_RESULT_SET_KEYSPACE:
    cql_buf_put_i32(b, res->kind);
    cql_buf_put_string(b, res->u.set_keyspace);
    break;
  case CQL_RESULT_PREPARED:
    cql_buf_put_i32(b, res->kind);
    write_prepared(b, version, res);
    break;
  case CQL_RESULT_SCHEMA_CHANGE:
    cql_buf_put_i32(b, res->kind);
    cql_rsp_write_schema_change(b, &res->u.schema_change);
    break;
  default:
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    break;
  }
}
