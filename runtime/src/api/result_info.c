/* Result shape and diagnostics: status, columns, paging, warnings,
 * tracing, [applied], SET_KEYSPACE and SCHEMA_CHANGE. */
#include "result_impl.h"

cql_status cql_result_status(const cql_result *r) { return r ? r->status : CQL_E_INVALID_ARG; }

const cql_error_info *cql_result_error(const cql_result *r) {
  return r && r->status != CQL_OK ? r->error : NULL;
}

cql_result_kind cql_result_get_kind(const cql_result *r) { return r ? r->kind : CQL_RESULT_VOID; }

size_t cql_result_row_count(const cql_result *r) { return r ? r->n_rows : 0; }

size_t cql_result_column_count(const cql_result *r) { return r ? r->n_columns : 0; }

static const cql_column_spec *column(const cql_result *r, size_t col) {
  return r && r->columns && col < r->n_columns ? &r->columns[col] : NULL;
}

cql_slice cql_result_column_name(const cql_result *r, size_t col) {
  const cql_column_spec *c = column(r, col);
  return c ? c->name : (cql_slice){0};
}

const cql_type *cql_result_column_type(const cql_result *r, size_t col) {
  const cql_column_spec *c = column(r, col);
  return c ? c->type : NULL;
}

cql_slice cql_result_column_keyspace(const cql_result *r, size_t col) {
  const cql_column_spec *c = column(r, col);
  return c ? c->keyspace : (cql_slice){0};
}

cql_slice cql_result_column_table(const cql_result *r, size_t col) {
  const cql_column_spec *c = column(r, col);
  return c ? c->table : (cql_slice){0};
}

cql_status cql_result_column_index(const cql_result *r, const char *name, size_t *col) {
  if (!r || !name || !col)
    return CQL_E_INVALID_ARG;
  for (size_t i = 0; r->columns && i < r->n_columns; i++) {
    if (cql_slice_eq_cstr(r->columns[i].name, name)) {
      *col = i;
      return CQL_OK;
    }
  }
  return CQL_E_NOT_FOUND;
}

cql_status cql_result_applied(const cql_result *r, bool *applied) {
  size_t col;
  if (!applied)
    return CQL_E_INVALID_ARG;
  cql_status s = cql_result_column_index(r, "[applied]", &col);
  if (s != CQL_OK)
    return s;
  if (r->n_rows == 0)
    return CQL_E_NOT_FOUND;
  return cql_result_get_boolean(r, 0, col, applied);
}

cql_slice cql_result_paging_state(const cql_result *r) {
  const cql_rows_metadata *md = cql_result_rows_metadata(r);
  return md && md->has_paging_state ? md->paging_state : (cql_slice){0};
}

bool cql_result_has_more_pages(const cql_result *r) { return cql_result_paging_state(r).len > 0; }

size_t cql_result_warning_count(const cql_result *r) {
  return r && r->resp ? r->resp->n_warnings : 0;
}

cql_slice cql_result_warning(const cql_result *r, size_t i) {
  return i < cql_result_warning_count(r) ? r->resp->warnings[i] : (cql_slice){0};
}

bool cql_result_tracing_id(const cql_result *r, cql_uuid *out) {
  if (!r || !r->resp || !r->resp->has_tracing_id)
    return false;
  if (out)
    *out = r->resp->tracing_id;
  return true;
}

static const cql_result_msg *result_msg(const cql_result *r, cql_result_kind kind) {
  if (!r || !r->resp || r->resp->opcode != CQL_OP_RESULT || r->resp->u.result.kind != (int)kind)
    return NULL;
  return &r->resp->u.result;
}

cql_slice cql_result_keyspace(const cql_result *r) {
  const cql_result_msg *m = result_msg(r, CQL_RESULT_SET_KEYSPACE);
  return m ? m->u.set_keyspace : (cql_slice){0};
}

cql_status cql_result_schema_change(const cql_result *r, cql_slice *change, cql_slice *target,
                                    cql_slice *keyspace, cql_slice *name) {
  const cql_result_msg *m = result_msg(r, CQL_RESULT_SCHEMA_CHANGE);
  if (!m)
    return r ? CQL_E_BAD_STATE : CQL_E_INVALID_ARG;
  const cql_schema_change *sc = &m->u.schema_change;
  if (change)
    *change = sc->change_type;
  if (target)
    *target = sc->target;
  if (keyspace)
    *keyspace = sc->keyspace;
  if (name)
    *name = sc->name;
  return CQL_OK;
}
