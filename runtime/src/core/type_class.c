/* Cassandra's marshal class strings, parsed and written.
 *
 * Grammar (as Cassandra's TypeParser reads it):
 *   type   := name [ '(' params ')' ]
 *   params := type {',' type}                      List, Set, Map, Tuple, Frozen
 *          |  keyspace ',' hex {',' hex ':' type}  UserType (names hex-encoded)
 *          |  type ',' digits                      VectorType
 * Unknown classes become CUSTOM with their whole text, parameters included. */
#include <string.h>

#include "type_impl.h"

static bool is_name_char(uint8_t ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         ch == '-' || ch == '+' || ch == '.' || ch == '_' || ch == '&' || ch == '$';
}

static cql_slice read_name(cql_type_scan *c) {
  cql_type_scan_skip_ws(c);
  cql_slice s = {c->p, 0};
  while (c->p < c->end && is_name_char(*c->p))
    c->p++;
  s.len = (size_t)(c->p - s.ptr);
  return s;
}

/* Commas at this nesting level before the ')' that closes it: the number of
 * parameters is known before anything is allocated for them. A counter, not
 * recursion, so no depth concern here. */
static uint32_t count_params(const cql_type_scan *c) {
  uint32_t n = 1;
  size_t level = 0;
  for (const uint8_t *q = c->p; q < c->end; q++) {
    if (*q == '(')
      level++;
    else if (*q == ')' && level-- == 0)
      return n;
    else if (*q == ',' && level == 0 && n < UINT32_MAX)
      n++;
  }
  return n;
}

static const cql_type *parse_at(cql_type_scan *c, int depth);

static const cql_type *parse_children(cql_type_scan *c, cql_type_id id, uint32_t n, int depth) {
  const cql_type **kids;
  cql_type *t = cql_type_new(c->arena, id, n, &kids);
  if (!t)
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  for (uint32_t i = 0; i < n && c->err == CQL_OK; i++) {
    if (i > 0)
      cql_type_scan_expect(c, ',');
    kids[i] = parse_at(c, depth);
  }
  t->frozen = id == CQL_TYPE_TUPLE || depth > 1; /* only the outermost may be unfrozen */
  return cql_type_scan_expect(c, ')') ? t : NULL;
}

static int hex_val(uint8_t ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

static bool unhex(cql_type_scan *c, cql_slice hex, cql_slice *out) {
  out->ptr = NULL;
  out->len = 0;
  if (hex.len % 2 != 0 || hex.len == 0) {
    cql_type_scan_fail(c, CQL_E_BAD_TYPE);
    return false;
  }
  uint8_t *p = cql_arena_alloc(c->arena, hex.len / 2);
  if (!p) {
    cql_type_scan_fail(c, CQL_E_NOMEM);
    return false;
  }
  for (size_t i = 0; i < hex.len; i += 2) {
    int hi = hex_val(hex.ptr[i]), lo = hex_val(hex.ptr[i + 1]);
    if (hi < 0 || lo < 0) {
      cql_type_scan_fail(c, CQL_E_BAD_TYPE);
      return false;
    }
    p[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  out->ptr = p;
  out->len = hex.len / 2;
  return true;
}

static const cql_type *parse_udt(cql_type_scan *c, int depth) {
  cql_slice ks = read_name(c);
  cql_type_scan_expect(c, ',');
  cql_slice hexname = read_name(c);
  uint32_t n = cql_type_scan_peek(c, ',') ? count_params(c) - 1 : 0;
  const cql_type **kids;
  cql_type *t = cql_type_new(c->arena, CQL_TYPE_UDT, n, &kids);
  cql_slice *names = n ? cql_arena_calloc(c->arena, n, sizeof(*names)) : NULL;
  if (!t || (n && !names) || !cql_type_copy_slice(c->arena, ks, &t->udt_keyspace))
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  if (ks.len == 0 || !unhex(c, hexname, &t->udt_name))
    return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
  t->field_names = names;
  t->frozen = depth > 1;
  for (uint32_t i = 0; i < n && c->err == CQL_OK; i++) {
    cql_type_scan_expect(c, ',');
    cql_slice field = read_name(c);
    if (!unhex(c, field, &names[i]) || !cql_type_scan_expect(c, ':'))
      return NULL;
    kids[i] = parse_at(c, depth);
  }
  return cql_type_scan_expect(c, ')') ? t : NULL;
}

static const cql_type *parse_vector(cql_type_scan *c, int depth) {
  const cql_type **kids;
  cql_type *t = cql_type_new(c->arena, CQL_TYPE_VECTOR, 1, &kids);
  if (!t)
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  kids[0] = parse_at(c, depth);
  cql_type_scan_expect(c, ',');
  cql_slice digits = read_name(c);
  uint64_t dim = 0;
  for (size_t i = 0; i < digits.len && dim <= INT32_MAX; i++) {
    if (digits.ptr[i] < '0' || digits.ptr[i] > '9')
      return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
    dim = dim * 10 + (uint64_t)(digits.ptr[i] - '0');
  }
  if (digits.len == 0 || dim == 0 || dim > INT32_MAX)
    return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
  t->dimension = (uint32_t)dim;
  return cql_type_scan_expect(c, ')') ? t : NULL;
}

/* FrozenType(x): a copy of x marked frozen (x may be a shared native). */
static const cql_type *parse_frozen(cql_type_scan *c, int depth) {
  const cql_type *inner = parse_at(c, depth);
  if (!cql_type_scan_expect(c, ')') || !inner || !cql_type_is_composite(inner->id) ||
      inner->id == CQL_TYPE_VECTOR)
    return inner;
  cql_type *copy = cql_arena_alloc(c->arena, sizeof(*copy));
  if (!copy)
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  *copy = *inner;
  copy->frozen = true;
  return copy;
}

/* ReversedType(x) only changes the clustering order, which values do not
 * carry: it parses as x. */
static const cql_type *parse_reversed(cql_type_scan *c, int depth) {
  const cql_type *inner = parse_at(c, depth);
  return cql_type_scan_expect(c, ')') ? inner : NULL;
}

/* An unknown class: keep its full text, parameters and all. */
static const cql_type *parse_custom(cql_type_scan *c, cql_slice name) {
  const uint8_t *end = name.ptr + name.len; /* blanks after the name are not part of it */
  if (cql_type_scan_peek(c, '(')) {
    size_t level = 0;
    do {
      if (*c->p == '(')
        level++;
      else if (*c->p == ')')
        level--;
      c->p++;
    } while (level > 0 && c->p < c->end);
    if (level > 0)
      return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
    end = c->p;
  }
  cql_type *t = cql_type_new(c->arena, CQL_TYPE_CUSTOM, 0, NULL);
  cql_slice text = {name.ptr, (size_t)(end - name.ptr)};
  if (!t || !cql_type_copy_slice(c->arena, text, &t->custom_class))
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  return t;
}

static const cql_type *parse_known(cql_type_scan *c, int id, int depth) {
  const cql_type *native = cql_type_native((cql_type_id)id);
  if (native)
    return native;
  if (!cql_type_scan_expect(c, '('))
    return NULL;
  switch (id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return parse_children(c, (cql_type_id)id, 1, depth);
  case CQL_TYPE_MAP:
    return parse_children(c, CQL_TYPE_MAP, 2, depth);
  case CQL_TYPE_TUPLE:
    return parse_children(c, CQL_TYPE_TUPLE, count_params(c), depth);
  case CQL_TYPE_UDT:
    return parse_udt(c, depth);
  default:
    return parse_vector(c, depth);
  }
}

static const cql_type *parse_at(cql_type_scan *c, int depth) {
  if (c->err != CQL_OK)
    return NULL;
  if (++depth > CQL_TYPE_MAX_DEPTH)
    return cql_type_scan_fail(c, CQL_E_TOO_DEEP);
  cql_slice name = read_name(c);
  if (name.len == 0)
    return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
  bool qualified;
  cql_slice short_name = cql_type_short_class(name, &qualified);
  if (!qualified && memchr(name.ptr, '.', name.len))
    return parse_custom(c, name);
  if (cql_slice_eq_cstr(short_name, "FrozenType"))
    return cql_type_scan_expect(c, '(') ? parse_frozen(c, depth) : NULL;
  if (cql_slice_eq_cstr(short_name, "ReversedType"))
    return cql_type_scan_expect(c, '(') ? parse_reversed(c, depth) : NULL;
  if (cql_slice_eq_cstr(short_name, "CompositeType") ||
      cql_slice_eq_cstr(short_name, "DynamicCompositeType") ||
      cql_slice_eq_cstr(short_name, "ColumnToCollectionType"))
    return cql_type_scan_fail(c, CQL_E_UNSUPPORTED);
  int id = cql_type_class_id(short_name);
  if (id < 0)
    return parse_custom(c, name);
  return parse_known(c, id, depth);
}

cql_status cql_type_parse_class_at(cql_slice text, cql_arena *arena, int depth,
                                   const cql_type **out) {
  cql_type_scan c = {text.ptr, text.ptr + text.len, arena, CQL_OK};
  *out = NULL;
  const cql_type *t = parse_at(&c, depth);
  cql_type_scan_skip_ws(&c);
  if (c.err == CQL_OK && c.p != c.end)
    cql_type_scan_fail(&c, CQL_E_BAD_TYPE);
  if (c.err == CQL_OK)
    *out = t;
  return c.err;
}

cql_status cql_type_parse_class(cql_slice text, cql_arena *arena, const cql_type **out) {
  return cql_type_parse_class_at(text, arena, 0, out);
}
