/* CQL type syntax, parsed.
 *
 *   type := native | 'frozen' '<' type '>'
 *         | ('list' | 'set') '<' type '>' | 'map' '<' type ',' type '>'
 *         | 'tuple' '<' type {',' type} '>' | 'vector' '<' type ',' digits '>'
 *         | [ident '.'] ident            a UDT reference
 *         | '\'' class string '\''       a custom type
 * Keywords are case-insensitive; unquoted identifiers are lower-cased,
 * "quoted" ones keep their case (with "" standing for one "). */
#include <string.h>

#include "type_impl.h"

static bool is_word_char(uint8_t ch, bool first) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
         (!first && ch >= '0' && ch <= '9');
}

/* An unquoted word as written (not yet lower-cased); empty when none. */
static cql_slice read_word(cql_type_scan *c) {
  cql_type_scan_skip_ws(c);
  cql_slice s = {c->p, 0};
  while (c->p < c->end && is_word_char(*c->p, c->p == s.ptr))
    c->p++;
  s.len = (size_t)(c->p - s.ptr);
  return s;
}

/* A quoted token ("name" or 'class') without its quotes, doubled quotes
 * undone, copied into the arena. At the opening quote on entry. */
static bool read_quoted(cql_type_scan *c, cql_slice *out) {
  uint8_t q = *c->p++;
  uint8_t *dst = cql_arena_alloc(c->arena, (size_t)(c->end - c->p) + 1);
  size_t n = 0;
  if (!dst) {
    cql_type_scan_fail(c, CQL_E_NOMEM);
    return false;
  }
  for (;;) {
    if (c->p >= c->end) {
      cql_type_scan_fail(c, CQL_E_BAD_TYPE);
      return false;
    }
    uint8_t ch = *c->p++;
    if (ch == q && (c->p >= c->end || *c->p != q))
      break;
    if (ch == q)
      c->p++;
    dst[n++] = ch;
  }
  out->ptr = dst;
  out->len = n;
  return n > 0 || cql_type_scan_fail(c, CQL_E_BAD_TYPE);
}

static bool lower_copy(cql_type_scan *c, cql_slice word, cql_slice *out) {
  uint8_t *p = cql_arena_alloc(c->arena, word.len);
  if (!p) {
    cql_type_scan_fail(c, CQL_E_NOMEM);
    return false;
  }
  for (size_t i = 0; i < word.len; i++) {
    uint8_t ch = word.ptr[i];
    p[i] = ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
  }
  out->ptr = p;
  out->len = word.len;
  return true;
}

/* An identifier, quoted or not, in the form a schema stores it. */
static bool read_identifier(cql_type_scan *c, cql_slice *out) {
  if (cql_type_scan_peek(c, '"'))
    return read_quoted(c, out);
  cql_slice w = read_word(c);
  if (w.len == 0) {
    cql_type_scan_fail(c, CQL_E_BAD_TYPE);
    return false;
  }
  return lower_copy(c, w, out);
}

/* Components before the '>' closing this level; quotes may hide brackets. */
static uint32_t count_components(const cql_type_scan *c) {
  uint32_t n = 1;
  size_t level = 0;
  for (const uint8_t *q = c->p; q < c->end; q++) {
    if (*q == '"' || *q == '\'') {
      const uint8_t *close = memchr(q + 1, *q, (size_t)(c->end - q - 1));
      if (!close)
        return n;
      q = close;
    } else if (*q == '<') {
      level++;
    } else if (*q == '>' && level-- == 0) {
      return n;
    } else if (*q == ',' && level == 0 && n < UINT32_MAX) {
      n++;
    }
  }
  return n;
}

static const cql_type *parse_at(cql_type_scan *c, int depth);

static cql_type *parse_children(cql_type_scan *c, cql_type_id id, uint32_t n, int depth) {
  const cql_type **kids;
  cql_type *t = cql_type_new(c->arena, id, n, &kids);
  if (!t) {
    cql_type_scan_fail(c, CQL_E_NOMEM);
    return NULL;
  }
  for (uint32_t i = 0; i < n && c->err == CQL_OK; i++) {
    if (i > 0)
      cql_type_scan_expect(c, ',');
    kids[i] = parse_at(c, depth);
  }
  t->frozen = id == CQL_TYPE_TUPLE || (depth > 1 && id != CQL_TYPE_VECTOR);
  return t;
}

static const cql_type *parse_vector(cql_type_scan *c, int depth) {
  cql_type *t = parse_children(c, CQL_TYPE_VECTOR, 1, depth);
  cql_type_scan_expect(c, ',');
  cql_type_scan_skip_ws(c);
  uint64_t dim = 0;
  const uint8_t *start = c->p;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && dim <= INT32_MAX)
    dim = dim * 10 + (uint64_t)(*c->p++ - '0');
  if (!t || c->err != CQL_OK || c->p == start || dim == 0 || dim > INT32_MAX)
    return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
  t->dimension = (uint32_t)dim;
  return t;
}

static bool is_word(cql_slice w, const char *lower) {
  size_t n = strlen(lower);
  if (w.len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((w.ptr[i] | 0x20) != (uint8_t)lower[i])
      return false;
  return true;
}

/* frozen<> adds no nesting level of its own, so that the same depth limit
 * holds for a type whether or not frozen<> is spelled out; a frozen<>
 * directly inside another is refused, which keeps the recursion bounded. */
static const cql_type *parse_frozen(cql_type_scan *c, int depth) {
  const uint8_t *save = c->p;
  if (is_word(read_word(c), "frozen"))
    return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
  c->p = save;
  const cql_type *inner = parse_at(c, depth - 1);
  if (!inner || !cql_type_is_composite(inner->id) || inner->id == CQL_TYPE_VECTOR)
    return inner;
  cql_type *copy = cql_arena_alloc(c->arena, sizeof(*copy));
  if (!copy)
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  *copy = *inner;
  copy->frozen = true;
  return copy;
}

static const cql_type *parse_parameterised(cql_type_scan *c, int id, int depth) {
  switch (id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
    return parse_children(c, (cql_type_id)id, 1, depth);
  case CQL_TYPE_MAP:
    return parse_children(c, CQL_TYPE_MAP, 2, depth);
  case CQL_TYPE_TUPLE:
    return parse_children(c, CQL_TYPE_TUPLE, count_components(c), depth);
  default:
    return parse_vector(c, depth);
  }
}

/* A UDT reference; `first` is its first identifier, maybe a keyspace. */
static const cql_type *parse_udt_ref(cql_type_scan *c, cql_slice first, int depth) {
  cql_type *t = cql_type_new(c->arena, CQL_TYPE_UDT, 0, NULL);
  if (!t)
    return cql_type_scan_fail(c, CQL_E_NOMEM);
  t->udt_name = first;
  t->frozen = depth > 1;
  if (cql_type_scan_peek(c, '.')) {
    c->p++;
    t->udt_keyspace = first;
    if (!read_identifier(c, &t->udt_name))
      return NULL;
  }
  return t;
}

static const cql_type *parse_custom(cql_type_scan *c, int depth) {
  cql_slice cls;
  if (!read_quoted(c, &cls))
    return NULL;
  const cql_type *t = NULL;
  cql_status st = cql_type_parse_class_at(cls, c->arena, depth - 1, &t);
  return st == CQL_OK ? t : cql_type_scan_fail(c, st);
}

static const cql_type *parse_word(cql_type_scan *c, cql_slice word, int depth) {
  int id = cql_type_keyword_id(word);
  if (id >= 0 && cql_type_native((cql_type_id)id))
    return cql_type_native((cql_type_id)id);
  bool is_frozen = is_word(word, "frozen") && cql_type_scan_peek(c, '<');
  if (is_frozen || id >= 0) {
    if (!cql_type_scan_expect(c, '<'))
      return NULL;
    const cql_type *t = is_frozen ? parse_frozen(c, depth) : parse_parameterised(c, id, depth);
    return cql_type_scan_expect(c, '>') ? t : NULL;
  }
  cql_slice name;
  return lower_copy(c, word, &name) ? parse_udt_ref(c, name, depth) : NULL;
}

static const cql_type *parse_at(cql_type_scan *c, int depth) {
  if (c->err != CQL_OK)
    return NULL;
  if (++depth > CQL_TYPE_MAX_DEPTH)
    return cql_type_scan_fail(c, CQL_E_TOO_DEEP);
  if (cql_type_scan_peek(c, '\''))
    return parse_custom(c, depth);
  if (cql_type_scan_peek(c, '"')) {
    cql_slice name;
    return read_quoted(c, &name) ? parse_udt_ref(c, name, depth) : NULL;
  }
  cql_slice word = read_word(c);
  if (word.len == 0)
    return cql_type_scan_fail(c, CQL_E_BAD_TYPE);
  return parse_word(c, word, depth);
}

cql_status cql_type_parse_cql(cql_slice text, cql_arena *arena, const cql_type **out) {
  cql_type_scan c = {text.ptr, text.ptr + text.len, arena, CQL_OK};
  *out = NULL;
  const cql_type *t = parse_at(&c, 0);
  cql_type_scan_skip_ws(&c);
  if (c.err == CQL_OK && c.p != c.end)
    cql_type_scan_fail(&c, CQL_E_BAD_TYPE);
  if (c.err == CQL_OK)
    *out = t;
  return c.err;
}
