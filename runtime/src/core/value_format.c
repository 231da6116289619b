/* cql_value_format: values as CQL literal text (the format is specified in
 * value.h). This file walks composites; value_format_scalar.c writes the
 * leaves. */
#include <string.h>

#include "type.h"
#include "value_impl.h"

static void format_at(cql_buf *b, const cql_value *v, int depth);

static void put_cstr(cql_buf *b, const char *s) { cql_buf_put_raw(b, s, strlen(s)); }

/* ---- composites ------------------------------------------------------ */

static void put_items(cql_buf *b, const cql_value *v, const char *open, const char *close,
                      bool pairs, int depth) {
  put_cstr(b, open);
  for (uint32_t i = 0; i < v->u.elems.n; i++) {
    if (i)
      put_cstr(b, pairs && (i & 1) ? ": " : ", ");
    format_at(b, &v->u.elems.items[i], depth + 1);
  }
  put_cstr(b, close);
}

/* Tuples and UDTs print every component of the type, missing ones null. */
static void put_fields(cql_buf *b, const cql_value *v, const cql_type *t, int depth) {
  bool udt = t->id == CQL_TYPE_UDT;
  cql_buf_put_u8(b, udt ? '{' : '(');
  for (uint32_t i = 0; i < t->n_children; i++) {
    if (i)
      put_cstr(b, ", ");
    if (udt && t->field_names) {
      cql_type_format_identifier(b, t->field_names[i]);
      put_cstr(b, ": ");
    }
    if (i < v->u.elems.n)
      format_at(b, &v->u.elems.items[i], depth + 1);
    else
      put_cstr(b, "null");
  }
  cql_buf_put_u8(b, udt ? '}' : ')');
}

static void format_at(cql_buf *b, const cql_value *v, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH) {
    if (b->err == CQL_OK)
      b->err = CQL_E_TOO_DEEP;
    return;
  }
  if (v->is_null || !v->type) {
    put_cstr(b, "null");
    return;
  }
  if (v->is_empty) {
    put_cstr(b, "empty");
    return;
  }
  const cql_type *t = cql_type_resolve(v->type);
  switch (t->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_VECTOR:
    put_items(b, v, "[", "]", false, depth);
    break;
  case CQL_TYPE_SET:
    put_items(b, v, "{", "}", false, depth);
    break;
  case CQL_TYPE_MAP:
    put_items(b, v, "{", "}", true, depth);
    break;
  case CQL_TYPE_TUPLE:
  case CQL_TYPE_UDT:
    put_fields(b, v, t, depth);
    break;
  default:
    cql_value_format_scalar(b, v, t->id);
    break;
  }
}

void cql_value_format(cql_buf *b, const cql_value *v) { format_at(b, v, 1); }
