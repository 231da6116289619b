/* Writing types as CQL syntax and as marshal class strings.
 *
 * CQL: the spelling system_schema.columns.type uses in Cassandra 4.0:
 * "map<text, int>", "frozen<addr>", "frozen<tuple<int, text>>" (a tuple is
 * always frozen), UDT names without their keyspace, quoted only when they
 * need it, custom types as a quoted class string, "vector<float, 3>".
 *
 * Classes: the strings Cassandra's AbstractType.toString writes. A frozen
 * collection or UDT is wrapped in FrozenType(...) unless something frozen
 * already encloses it; tuple components never get the wrapper; vectors
 * separate their parameters with " , ". */
#include <stdio.h>
#include <string.h>

#include "type_impl.h"

static void put_cstr(cql_buf *b, const char *s) { cql_buf_put_raw(b, s, strlen(s)); }

static bool too_deep(cql_buf *b, int depth) {
  if (depth <= CQL_TYPE_MAX_DEPTH)
    return false;
  if (b->err == CQL_OK)
    b->err = CQL_E_TOO_DEEP;
  return true;
}

static void put_u32(cql_buf *b, uint32_t v) {
  char tmp[16];
  int n = snprintf(tmp, sizeof(tmp), "%u", (unsigned)v);
  cql_buf_put_raw(b, tmp, (size_t)n);
}

/* Words that Cassandra would not accept unquoted as a type name. */
static const char *const RESERVED[] = {
    "add",    "allow",       "alter",  "and",          "apply",    "asc",      "authorize",
    "batch",  "begin",       "by",     "columnfamily", "create",   "default",  "delete",
    "desc",   "describe",    "drop",   "entries",      "execute",  "from",     "full",
    "grant",  "if",          "in",     "index",        "infinity", "insert",   "into",
    "is",     "keyspace",    "limit",  "materialized", "mbean",    "mbeans",   "modify",
    "nan",    "norecursive", "not",    "null",         "of",       "on",       "or",
    "order",  "primary",     "rename", "replace",      "revoke",   "schema",   "select",
    "set",    "table",       "to",     "token",        "truncate", "unlogged", "unset",
    "update", "use",         "using",  "view",         "where",    "with",
};

static bool needs_quotes(cql_slice id) {
  if (id.len == 0 || !(id.ptr[0] >= 'a' && id.ptr[0] <= 'z'))
    return true;
  for (size_t i = 0; i < id.len; i++) {
    uint8_t c = id.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return true;
  }
  for (size_t i = 0; i < sizeof(RESERVED) / sizeof(RESERVED[0]); i++)
    if (cql_slice_eq_cstr(id, RESERVED[i]))
      return true;
  return cql_type_keyword_id(id) >= 0;
}

void cql_type_format_identifier(cql_buf *b, cql_slice id) {
  if (!needs_quotes(id)) {
    cql_buf_put_raw(b, id.ptr, id.len);
    return;
  }
  cql_buf_put_u8(b, '"');
  for (size_t i = 0; i < id.len; i++) {
    if (id.ptr[i] == '"')
      cql_buf_put_u8(b, '"');
    cql_buf_put_u8(b, id.ptr[i]);
  }
  cql_buf_put_u8(b, '"');
}

static void cql_at(cql_buf *b, const cql_type *t, int depth);

static const char *composite_keyword(cql_type_id id) {
  switch (id) {
  case CQL_TYPE_LIST:
    return "list";
  case CQL_TYPE_SET:
    return "set";
  case CQL_TYPE_MAP:
    return "map";
  case CQL_TYPE_TUPLE:
    return "tuple";
  default:
    return "vector";
  }
}

static void cql_children(cql_buf *b, const cql_type *t, int depth) {
  for (uint32_t i = 0; i < t->n_children; i++) {
    if (i)
      put_cstr(b, ", ");
    cql_at(b, t->children[i], depth + 1);
  }
}

static void cql_custom(cql_buf *b, const cql_type *t) {
  const cql_type *native = cql_type_resolve(t);
  if (native != t) {
    put_cstr(b, cql_type_native_name(native->id));
    return;
  }
  cql_buf_put_u8(b, '\'');
  for (size_t i = 0; i < t->custom_class.len; i++) {
    if (t->custom_class.ptr[i] == '\'')
      cql_buf_put_u8(b, '\'');
    cql_buf_put_u8(b, t->custom_class.ptr[i]);
  }
  cql_buf_put_u8(b, '\'');
}

static void cql_at(cql_buf *b, const cql_type *t, int depth) {
  if (too_deep(b, depth))
    return;
  const char *native = cql_type_native_name(t->id);
  if (native) {
    put_cstr(b, native);
    return;
  }
  if (t->id == CQL_TYPE_CUSTOM) {
    cql_custom(b, t);
    return;
  }
  bool frozen = t->id == CQL_TYPE_TUPLE || (t->frozen && t->id != CQL_TYPE_VECTOR);
  if (frozen)
    put_cstr(b, "frozen<");
  if (t->id == CQL_TYPE_UDT) {
    cql_type_format_identifier(b, t->udt_name);
  } else {
    put_cstr(b, composite_keyword(t->id));
    cql_buf_put_u8(b, '<');
    cql_children(b, t, depth);
    if (t->id == CQL_TYPE_VECTOR) {
      put_cstr(b, ", ");
      put_u32(b, t->dimension);
    }
    cql_buf_put_u8(b, '>');
  }
  if (frozen)
    cql_buf_put_u8(b, '>');
}

void cql_type_format_cql(cql_buf *b, const cql_type *t) { cql_at(b, t, 1); }

/* ---- marshal classes ------------------------------------------------- */

static void class_at(cql_buf *b, const cql_type *t, bool inside_frozen, int depth);

static void put_class(cql_buf *b, cql_type_id id) {
  put_cstr(b, CQL_MARSHAL_PREFIX);
  put_cstr(b, cql_type_class_name(id));
}

static void put_hex(cql_buf *b, cql_slice s) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < s.len; i++) {
    cql_buf_put_u8(b, (uint8_t)digits[s.ptr[i] >> 4]);
    cql_buf_put_u8(b, (uint8_t)digits[s.ptr[i] & 15]);
  }
}

static void class_params(cql_buf *b, const cql_type *t, bool inside_frozen, int depth) {
  cql_buf_put_u8(b, '(');
  for (uint32_t i = 0; i < t->n_children; i++) {
    if (i)
      cql_buf_put_u8(b, ',');
    class_at(b, t->children[i], inside_frozen, depth + 1);
  }
  cql_buf_put_u8(b, ')');
}

static void class_udt(cql_buf *b, const cql_type *t, bool inside_frozen, int depth) {
  put_class(b, CQL_TYPE_UDT);
  cql_buf_put_u8(b, '(');
  cql_buf_put_raw(b, t->udt_keyspace.ptr, t->udt_keyspace.len);
  cql_buf_put_u8(b, ',');
  put_hex(b, t->udt_name);
  for (uint32_t i = 0; i < t->n_children; i++) {
    cql_buf_put_u8(b, ',');
    put_hex(b, t->field_names[i]);
    cql_buf_put_u8(b, ':');
    class_at(b, t->children[i], inside_frozen, depth + 1);
  }
  cql_buf_put_u8(b, ')');
}

static void class_at(cql_buf *b, const cql_type *t, bool inside_frozen, int depth) {
  if (too_deep(b, depth))
    return;
  if (cql_type_native(t->id)) {
    put_class(b, t->id);
    return;
  }
  if (t->id == CQL_TYPE_CUSTOM) {
    cql_buf_put_raw(b, t->custom_class.ptr, t->custom_class.len);
    return;
  }
  if (t->id == CQL_TYPE_TUPLE) {
    put_class(b, t->id);
    class_params(b, t, true, depth);
    return;
  }
  if (t->id == CQL_TYPE_VECTOR) {
    put_class(b, t->id);
    cql_buf_put_u8(b, '(');
    class_at(b, t->children[0], inside_frozen, depth + 1);
    put_cstr(b, " , ");
    put_u32(b, t->dimension);
    cql_buf_put_u8(b, ')');
    return;
  }
  bool wrap = t->frozen && !inside_frozen;
  if (wrap)
    put_cstr(b, CQL_MARSHAL_PREFIX "FrozenType(");
  if (t->id == CQL_TYPE_UDT) {
    class_udt(b, t, inside_frozen || t->frozen, depth);
  } else {
    put_class(b, t->id);
    class_params(b, t, inside_frozen || t->frozen, depth);
  }
  if (wrap)
    cql_buf_put_u8(b, ')');
}

void cql_type_format_class(cql_buf *b, const cql_type *t) { class_at(b, t, false, 1); }
