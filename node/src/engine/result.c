/* Building responses: errors, void, keyspace and schema change results,
 * and Rows results with their metadata. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine_impl.h"
#include "hash.h"
#include "response.h"
#include "type.h"

cql_slice cql_x_strdup(cql_exec *x, cql_slice s) {
  uint8_t *p = cql_arena_alloc(x->arena, s.len + 1);
  if (!p)
    return (cql_slice){NULL, 0};
  if (s.len)
    memcpy(p, s.ptr, s.len);
  p[s.len] = 0;
  return (cql_slice){p, s.len};
}

cql_slice cql_x_printf(cql_exec *x, const char *fmt, ...) {
  char tmp[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  if ((size_t)n >= sizeof(tmp))
    n = sizeof(tmp) - 1;
  return cql_x_strdup(x, (cql_slice){(const uint8_t *)tmp, (size_t)n});
}

static void set_error(cql_exec *x, int32_t code, cql_slice msg) {
  cql_response *o = x->out;
  int16_t stream = o->stream;
  memset(o, 0, sizeof(*o));
  o->stream = stream;
  o->opcode = CQL_OP_ERROR;
  o->u.error.code = code;
  o->u.error.message = msg;
}

bool cql_fail(cql_exec *x, int32_t code, const char *fmt, ...) {
  char tmp[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  if ((size_t)n >= sizeof(tmp))
    n = sizeof(tmp) - 1;
  cql_slice msg = cql_x_strdup(x, (cql_slice){(const uint8_t *)tmp, (size_t)n});
  if (!msg.ptr)
    msg = cql_slice_from_cstr("out of memory");
  set_error(x, code, msg);
  return false;
}

bool cql_fail_nomem(cql_exec *x) {
  set_error(x, CQL_SERVER_SERVER_ERROR,
            cql_slice_from_cstr("cqlkit-node ran out of memory for this request (its data cap "
                                "or the response arena limit was reached)"));
  return false;
}

bool cql_fail_status(cql_exec *x, cql_status st) {
  if (st == CQL_E_SERVER_INVALID)
    return cql_fail(x, CQL_SERVER_INVALID, "%s", x->lit.err);
  return cql_fail_nomem(x);
}

static void set_result(cql_exec *x, int32_t kind) {
  cql_response *o = x->out;
  int16_t stream = o->stream;
  memset(o, 0, sizeof(*o));
  o->stream = stream;
  o->opcode = CQL_OP_RESULT;
  o->u.result.kind = kind;
}

void cql_result_void(cql_exec *x) { set_result(x, CQL_RESULT_VOID); }

void cql_result_set_keyspace(cql_exec *x, cql_slice ks) {
  set_result(x, CQL_RESULT_SET_KEYSPACE);
  x->out->u.result.u.set_keyspace = cql_x_strdup(x, ks);
}

void cql_exec_schema_change(cql_exec *x, const char *change, const char *target, cql_slice ks,
                            cql_slice name) {
  set_result(x, CQL_RESULT_SCHEMA_CHANGE);
  cql_schema_change *c = &x->out->u.result.u.schema_change;
  c->change_type = cql_slice_from_cstr(change);
  c->target = cql_slice_from_cstr(target);
  c->keyspace = cql_x_strdup(x, ks);
  c->name = cql_x_strdup(x, name);
}

void cql_rows_init(cql_rows *r, uint32_t n_cols) {
  cql_buf_init(&r->content, NULL);
  r->n_rows = 0;
  r->n_cols = n_cols;
}

void cql_rows_cell(cql_rows *r, const cql_slice *v) {
  if (v)
    cql_buf_put_bytes(&r->content, *v);
  else
    cql_buf_put_null_bytes(&r->content);
}

void cql_result_metadata_id(const cql_column_spec *cols, uint32_t n, uint8_t out[16]) {
  cql_md5 m;
  cql_md5_init(&m);
  cql_buf b;
  cql_buf_init(&b, NULL);
  static const uint8_t zero = 0;
  for (uint32_t i = 0; i < n; i++) {
    cql_md5_update(&m, cols[i].name.ptr, cols[i].name.len);
    cql_md5_update(&m, &zero, 1);
    cql_buf_reset(&b);
    cql_type_format_class(&b, cols[i].type);
    if (b.len)
      cql_md5_update(&m, b.data, b.len);
    cql_md5_update(&m, &zero, 1);
    cql_md5_update(&m, &zero, 1);
  }
  cql_buf_free(&b);
  cql_md5_final(&m, out);
}

bool cql_rows_finish(cql_exec *x, cql_rows *r, const cql_column_spec *cols, uint32_t n_cols,
                     const cql_slice *paging_state, bool skip_metadata, const uint8_t *rmid) {
  if (r->content.err) {
    cql_buf_free(&r->content);
    return cql_fail_nomem(x);
  }
  cql_slice content = {NULL, 0};
  if (r->content.len) {
    uint8_t *p = cql_arena_alloc(x->arena, r->content.len);
    if (!p) {
      cql_buf_free(&r->content);
      return cql_fail_nomem(x);
    }
    memcpy(p, r->content.data, r->content.len);
    content = (cql_slice){p, r->content.len};
  }
  int32_t n_rows = r->n_rows;
  cql_buf_free(&r->content);
  set_result(x, CQL_RESULT_ROWS);
  cql_rows_metadata *md = &x->out->u.result.u.rows.metadata;
  md->columns_count = (int32_t)n_cols;
  md->flags = n_cols ? CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC : 0;
  md->columns = cols;
  if (paging_state) {
    md->flags |= CQL_ROWS_FLAG_HAS_MORE_PAGES;
    md->has_paging_state = true;
    md->paging_state = *paging_state;
  }
  if (rmid) {
    md->flags |= CQL_ROWS_FLAG_METADATA_CHANGED;
    md->new_metadata_id = cql_x_strdup(x, (cql_slice){rmid, 16});
  } else if (skip_metadata) {
    md->flags |= CQL_ROWS_FLAG_NO_METADATA;
    md->flags &= ~CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
    md->columns = NULL;
  }
  x->out->u.result.u.rows.rows_count = n_rows;
  x->out->u.result.u.rows.rows_content = content;
  return true;
}
