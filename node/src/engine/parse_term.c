/* Terms (literals, markers, collections, function calls), types,
 * relations, USING clauses and WITH properties. */
#include <string.h>

#include "parser.h"
#include "parser_impl.h"
#include "type.h"

static cql_term *new_term(cql_parser *p, cql_term_kind kind) {
  cql_term *t = pz_alloc(p, sizeof(*t));
  if (t) {
    t->kind = (uint8_t)kind;
    t->tok = p->i;
  }
  return t;
}

static bool push_term(cql_parser *p, cql_term ***items, uint32_t *n, uint32_t *cap, cql_term *t) {
  cql_term **slot = pz_push(p, (void **)items, n, cap, sizeof(cql_term *));
  if (!slot)
    return false;
  *slot = t;
  return true;
}

static bool is_kw_any(const cql_token *t, const char *const *kws, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (cql_tok_is_kw(t, kws[i]))
      return true;
  return false;
}

static bool is_constant_kw(const cql_token *t) {
  static const char *const k[] = {"true", "false", "null", "nan", "infinity"};
  return is_kw_any(t, k, 5);
}

/* ISO 8601 durations reach us as identifiers: P1Y2M3DT4H5M6S, P3W. */
static bool is_iso_duration(cql_slice s) {
  if (s.len < 2 || (s.ptr[0] != 'P' && s.ptr[0] != 'p'))
    return false;
  bool digits = false, any = false;
  for (size_t i = 1; i < s.len; i++) {
    uint8_t c = s.ptr[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == 'T' || c == 't') {
      if (digits)
        return false;
    } else {
      if (!digits)
        return false;
      digits = false;
      any = true;
    }
  }
  return any && !digits;
}

static cql_term *marker(cql_parser *p, bool named) {
  cql_term *t = new_term(p, CQL_TERM_MARKER);
  if (!t)
    return NULL;
  pz_next(p); /* ? or : */
  cql_ast_marker m = {{NULL, 0}, named};
  if (named && !pz_ident(p, &m.name))
    return NULL;
  cql_ast_marker *slot =
      pz_push(p, (void **)&p->markers, &p->n_markers, &p->cap_markers, sizeof(cql_ast_marker));
  if (!slot)
    return NULL;
  *slot = m;
  t->marker = p->n_markers - 1;
  return t;
}

static bool term_list(cql_parser *p, cql_term *t, uint8_t close) {
  uint32_t cap = 0;
  if (pz_accept_punct(p, close))
    return true;
  do {
    cql_term *item = pz_term(p);
    if (!item || !push_term(p, &t->items, &t->n_items, &cap, item))
      return false;
  } while (pz_accept_punct(p, ','));
  return pz_expect_punct(p, close);
}

static bool is_udt_start(const cql_parser *p) {
  const cql_token *t = pz_peek(p);
  if (!pz_is_punct_at(p, 1, ':'))
    return false;
  if (t->kind == CQL_TOK_QIDENT)
    return true;
  return t->kind == CQL_TOK_IDENT && !is_constant_kw(t) && !pz_is_reserved(t);
}

static cql_term *udt_literal(cql_parser *p, cql_term *t) {
  uint32_t cap = 0, fcap = 0, nf = 0;
  t->kind = CQL_TERM_UDT;
  do {
    cql_slice *f = pz_push(p, (void **)&t->fields, &nf, &fcap, sizeof(cql_slice));
    if (!f || !pz_ident(p, f) || !pz_expect_punct(p, ':'))
      return NULL;
    cql_term *v = pz_term(p);
    if (!v || !push_term(p, &t->items, &t->n_items, &cap, v))
      return NULL;
  } while (pz_accept_punct(p, ','));
  return pz_expect_punct(p, '}') ? t : NULL;
}

/* '{' already current: {}, {a, b}, {k: v}, {field: v}. */
static cql_term *brace_literal(cql_parser *p) {
  cql_term *t = new_term(p, CQL_TERM_MAP);
  if (!t)
    return NULL;
  pz_next(p);
  if (pz_accept_punct(p, '}'))
    return t;
  if (is_udt_start(p))
    return udt_literal(p, t);
  uint32_t cap = 0;
  cql_term *first = pz_term(p);
  if (!first)
    return NULL;
  bool is_map = pz_is_punct(p, ':');
  t->kind = is_map ? CQL_TERM_MAP : CQL_TERM_SET;
  for (cql_term *cur = first;;) {
    if (!push_term(p, &t->items, &t->n_items, &cap, cur))
      return NULL;
    if (is_map) {
      if (!pz_expect_punct(p, ':'))
        return NULL;
      cql_term *v = pz_term(p);
      if (!v || !push_term(p, &t->items, &t->n_items, &cap, v))
        return NULL;
    }
    if (!pz_accept_punct(p, ','))
      break;
    if (!(cur = pz_term(p)))
      return NULL;
  }
  return pz_expect_punct(p, '}') ? t : NULL;
}

static bool is_native_type_name(const cql_token *t) {
  static const char *const k[] = {
      "ascii",  "bigint",    "blob",     "boolean", "counter", "date",     "decimal",
      "double", "duration",  "float",    "inet",    "int",     "smallint", "text",
      "time",   "timestamp", "timeuuid", "tinyint", "uuid",    "varchar",  "varint"};
  return is_kw_any(t, k, sizeof(k) / sizeof(k[0]));
}

/* '(' already current: a tuple, or a cast "(int) term". */
static cql_term *paren_literal(cql_parser *p) {
  if (is_native_type_name(pz_peek_at(p, 1)) && pz_is_punct_at(p, 2, ')')) {
    cql_term *t = new_term(p, CQL_TERM_CAST);
    if (!t)
      return NULL;
    pz_next(p);
    t->cast_type = pz_type(p);
    if (!t->cast_type || !pz_expect_punct(p, ')'))
      return NULL;
    cql_term *inner = pz_term(p);
    if (!inner)
      return NULL;
    uint32_t cap = 0;
    return push_term(p, &t->items, &t->n_items, &cap, inner) ? t : NULL;
  }
  cql_term *t = new_term(p, CQL_TERM_TUPLE);
  if (!t)
    return NULL;
  pz_next(p);
  return term_list(p, t, ')') ? t : NULL;
}

static cql_term *function_call(cql_parser *p) {
  cql_term *t = new_term(p, CQL_TERM_FUNC);
  if (!t)
    return NULL;
  cql_slice name;
  if (pz_is_kw(p, "token")) {
    name = (cql_slice){(const uint8_t *)"token", 5};
    pz_next(p);
  } else if (!pz_ident(p, &name)) {
    return NULL;
  }
  if (pz_accept_punct(p, '.')) { /* system.now() */
    if (!pz_ident(p, &name))
      return NULL;
  }
  t->text = name;
  if (!pz_expect_punct(p, '('))
    return NULL;
  return term_list(p, t, ')') ? t : NULL;
}

static cql_term *simple(cql_parser *p, cql_term_kind kind) {
  cql_term *t = new_term(p, kind);
  if (t) {
    t->text = pz_peek(p)->text;
    pz_next(p);
  }
  return t;
}

/* '-' NaN, '-' Infinity and '-' P1D: the sign becomes part of the text. */
static cql_term *negated(cql_parser *p) {
  const cql_token *n = pz_peek_at(p, 1);
  bool special = cql_tok_is_kw(n, "nan") || cql_tok_is_kw(n, "infinity");
  if (!special && !(n->kind == CQL_TOK_IDENT && is_iso_duration(n->text))) {
    pz_fail_noviable(p);
    return NULL;
  }
  cql_term *t = new_term(p, special ? CQL_TERM_FLOAT : CQL_TERM_DURATION);
  if (!t)
    return NULL;
  size_t len = n->off + n->len - pz_peek(p)->off;
  t->text = (cql_slice){p->query.ptr + pz_peek(p)->off, len};
  pz_next(p);
  pz_next(p);
  return t;
}

static cql_term *ident_term(cql_parser *p) {
  const cql_token *tk = pz_peek(p);
  if (cql_tok_is_kw(tk, "true") || cql_tok_is_kw(tk, "false")) {
    cql_term *t = simple(p, CQL_TERM_BOOL);
    if (t)
      t->boolean = cql_tok_is_kw(tk, "true");
    return t;
  }
  if (cql_tok_is_kw(tk, "null"))
    return simple(p, CQL_TERM_NULL);
  if (cql_tok_is_kw(tk, "nan") || cql_tok_is_kw(tk, "infinity"))
    return simple(p, CQL_TERM_FLOAT);
  if (pz_is_punct_at(p, 1, '(') || (pz_is_punct_at(p, 1, '.') && pz_is_punct_at(p, 3, '(')))
    if (pz_is_ident(p) || cql_tok_is_kw(tk, "token"))
      return function_call(p);
  if (tk->kind == CQL_TOK_IDENT && is_iso_duration(tk->text))
    return simple(p, CQL_TERM_DURATION);
  pz_fail_noviable(p);
  return NULL;
}

bool pz_term_start(const cql_parser *p) {
  const cql_token *t = pz_peek(p);
  switch (t->kind) {
  case CQL_TOK_STRING:
  case CQL_TOK_INT:
  case CQL_TOK_FLOAT:
  case CQL_TOK_UUID:
  case CQL_TOK_HEX:
  case CQL_TOK_DURATION:
  case CQL_TOK_IDENT:
    return true;
  case CQL_TOK_PUNCT:
    return strchr("?:[{(-", t->punct) != NULL;
  default:
    return false;
  }
}

static cql_term *term_inner(cql_parser *p) {
  const cql_token *t = pz_peek(p);
  switch (t->kind) {
  case CQL_TOK_STRING:
    return simple(p, CQL_TERM_STRING);
  case CQL_TOK_INT:
    return simple(p, CQL_TERM_INT);
  case CQL_TOK_FLOAT:
    return simple(p, CQL_TERM_FLOAT);
  case CQL_TOK_UUID:
    return simple(p, CQL_TERM_UUID);
  case CQL_TOK_HEX:
    return simple(p, CQL_TERM_HEX);
  case CQL_TOK_DURATION:
    return simple(p, CQL_TERM_DURATION);
  case CQL_TOK_IDENT:
    return ident_term(p);
  case CQL_TOK_PUNCT:
    switch (t->punct) {
    case '?':
      return marker(p, false);
    case ':':
      return marker(p, true);
    case '[': {
      cql_term *l = new_term(p, CQL_TERM_LIST);
      if (!l)
        return NULL;
      pz_next(p);
      return term_list(p, l, ']') ? l : NULL;
    }
    case '{':
      return brace_literal(p);
    case '(':
      return paren_literal(p);
    case '-':
      return negated(p);
    default:
      break;
    }
    break;
  default:
    break;
  }
  pz_fail_noviable(p);
  return NULL;
}

cql_term *pz_term(cql_parser *p) {
  if (pz_failed(p))
    return NULL;
  if (p->depth >= CQL_PARSE_MAX_DEPTH) {
    pz_fail_msg(p, "Literal nested too deeply");
    return NULL;
  }
  p->depth++;
  cql_term *t = term_inner(p);
  p->depth--;
  return pz_failed(p) ? NULL : t;
}

/* ---- types ----------------------------------------------------------- */

/* A type node; its children array (when n_children > 0) is *kids. */
static cql_type *new_type(cql_parser *p, cql_type_id id, uint32_t n_children,
                          const cql_type ***kids) {
  cql_type *t = pz_alloc(p, sizeof(*t));
  if (!t)
    return NULL;
  t->id = id;
  t->n_children = n_children;
  if (n_children) {
    const cql_type **k = pz_alloc(p, n_children * sizeof(cql_type *));
    if (!k)
      return NULL;
    t->children = k;
    *kids = k;
  }
  return t;
}

static const struct {
  const char *name;
  cql_type_id id;
} natives[] = {{"ascii", CQL_TYPE_ASCII},       {"bigint", CQL_TYPE_BIGINT},
               {"blob", CQL_TYPE_BLOB},         {"boolean", CQL_TYPE_BOOLEAN},
               {"counter", CQL_TYPE_COUNTER},   {"date", CQL_TYPE_DATE},
               {"decimal", CQL_TYPE_DECIMAL},   {"double", CQL_TYPE_DOUBLE},
               {"duration", CQL_TYPE_DURATION}, {"float", CQL_TYPE_FLOAT},
               {"inet", CQL_TYPE_INET},         {"int", CQL_TYPE_INT},
               {"smallint", CQL_TYPE_SMALLINT}, {"text", CQL_TYPE_VARCHAR},
               {"time", CQL_TYPE_TIME},         {"timestamp", CQL_TYPE_TIMESTAMP},
               {"timeuuid", CQL_TYPE_TIMEUUID}, {"tinyint", CQL_TYPE_TINYINT},
               {"uuid", CQL_TYPE_UUID},         {"varchar", CQL_TYPE_VARCHAR},
               {"varint", CQL_TYPE_VARINT}};

/* type ('<' type (',' type)* '>') for list, set, map, tuple, frozen. */
static const cql_type *generic(cql_parser *p, cql_type_id id, uint32_t min, uint32_t max) {
  pz_next(p);
  if (!pz_expect_punct(p, '<'))
    return NULL;
  const cql_type *kids[64];
  uint32_t n = 0;
  do {
    if (n == 64) {
      pz_fail_msg(p, "Too many types in a tuple");
      return NULL;
    }
    if (!(kids[n++] = pz_type(p)))
      return NULL;
  } while (n < max && pz_accept_punct(p, ','));
  if (n < min) {
    pz_fail_expecting(p, "','");
    return NULL;
  }
  if (!pz_expect_punct(p, '>'))
    return NULL;
  const cql_type **dst = NULL;
  cql_type *t = new_type(p, id, n, &dst);
  if (!t)
    return NULL;
  memcpy(dst, kids, n * sizeof(kids[0]));
  return t;
}

static bool freezable(const cql_type *t) {
  return t->id == CQL_TYPE_LIST || t->id == CQL_TYPE_SET || t->id == CQL_TYPE_MAP ||
         t->id == CQL_TYPE_UDT || t->id == CQL_TYPE_TUPLE;
}

/* frozen<> freezes everything inside too, as Cassandra does: the type of
 * frozen<list<map<text, int>>> is frozen<list<frozen<map<text, int>>>>. */
static const cql_type *freeze(cql_parser *p, const cql_type *in, int depth) {
  cql_type *t = pz_alloc(p, sizeof(*t));
  if (!t)
    return NULL;
  *t = *in;
  t->frozen = true;
  if (!in->n_children || !freezable(in) || depth >= CQL_TYPE_MAX_DEPTH)
    return t;
  const cql_type **kids = pz_alloc(p, in->n_children * sizeof(cql_type *));
  if (!kids)
    return NULL;
  for (uint32_t i = 0; i < in->n_children; i++) {
    kids[i] = freezable(in->children[i]) ? freeze(p, in->children[i], depth + 1) : in->children[i];
    if (!kids[i])
      return NULL;
  }
  t->children = kids;
  return t;
}

static const cql_type *frozen(cql_parser *p) {
  pz_next(p);
  if (!pz_expect_punct(p, '<'))
    return NULL;
  const cql_type *inner = pz_type(p);
  if (!inner || !pz_expect_punct(p, '>'))
    return NULL;
  return freeze(p, inner, 0);
}

static const cql_type *vector(cql_parser *p) {
  pz_next(p);
  if (!pz_expect_punct(p, '<'))
    return NULL;
  const cql_type *elem = pz_type(p);
  if (!elem || !pz_expect_punct(p, ','))
    return NULL;
  const cql_token *n = pz_peek(p);
  if (n->kind != CQL_TOK_INT) {
    pz_fail_expecting(p, "INTEGER");
    return NULL;
  }
  uint32_t dim = 0;
  for (size_t i = 0; i < n->text.len; i++) {
    if (n->text.ptr[i] == '-' || dim > 100000000u) {
      pz_fail_msg(p, "vectors must have a dimension greater than 0");
      return NULL;
    }
    dim = dim * 10 + (uint32_t)(n->text.ptr[i] - '0');
  }
  pz_next(p);
  if (!pz_expect_punct(p, '>'))
    return NULL;
  const cql_type **dst = NULL;
  cql_type *t = new_type(p, CQL_TYPE_VECTOR, 1, &dst);
  if (!t)
    return NULL;
  dst[0] = elem;
  t->dimension = dim;
  t->frozen = true;
  return t;
}

static const cql_type *udt_ref(cql_parser *p) {
  cql_ast_name name;
  if (!pz_qualified(p, &name))
    return NULL;
  cql_type *t = new_type(p, CQL_TYPE_UDT, 0, NULL);
  if (!t)
    return NULL;
  t->udt_keyspace = name.keyspace;
  t->udt_name = name.name;
  return t;
}

static const cql_type *type_inner(cql_parser *p) {
  const cql_token *t = pz_peek(p);
  if (t->kind == CQL_TOK_STRING) {
    cql_type *c = new_type(p, CQL_TYPE_CUSTOM, 0, NULL);
    if (c)
      c->custom_class = t->text;
    pz_next(p);
    return c;
  }
  for (size_t i = 0; i < sizeof(natives) / sizeof(natives[0]); i++) {
    if (cql_tok_is_kw(t, natives[i].name)) {
      pz_next(p);
      const cql_type *n = cql_type_native(natives[i].id);
      if (!n) {
        cql_type *c = new_type(p, natives[i].id, 0, NULL);
        n = c;
      }
      return n;
    }
  }
  if (cql_tok_is_kw(t, "list"))
    return generic(p, CQL_TYPE_LIST, 1, 1);
  if (cql_tok_is_kw(t, "set"))
    return generic(p, CQL_TYPE_SET, 1, 1);
  if (cql_tok_is_kw(t, "map"))
    return generic(p, CQL_TYPE_MAP, 2, 2);
  if (cql_tok_is_kw(t, "tuple"))
    return generic(p, CQL_TYPE_TUPLE, 1, 64);
  if (cql_tok_is_kw(t, "frozen"))
    return frozen(p);
  if (cql_tok_is_kw(t, "vector"))
    return vector(p);
  if (pz_is_ident(p))
    return udt_ref(p);
  pz_fail_noviable(p);
  return NULL;
}

const cql_type *pz_type(cql_parser *p) {
  if (pz_failed(p))
    return NULL;
  if (p->depth >= CQL_PARSE_MAX_DEPTH) {
    pz_fail_msg(p, "Type nested too deeply");
    return NULL;
  }
  p->depth++;
  const cql_type *t = type_inner(p);
  p->depth--;
  return pz_failed(p) ? NULL : t;
}

/* ---- relations ------------------------------------------------------- */

static bool rel_op(cql_parser *p, cql_relation *r) {
  const cql_token *t = pz_peek(p);
  if (t->kind == CQL_TOK_PUNCT) {
    switch (t->punct) {
    case '=':
      r->op = CQL_OP_EQ;
      break;
    case '<':
      r->op = CQL_OP_LT;
      break;
    case '>':
      r->op = CQL_OP_GT;
      break;
    case CQL_PUNCT_LTE:
      r->op = CQL_OP_LTE;
      break;
    case CQL_PUNCT_GTE:
      r->op = CQL_OP_GTE;
      break;
    case CQL_PUNCT_NEQ:
      r->op = CQL_OP_NEQ;
      break;
    default:
      return pz_fail_noviable(p);
    }
    pz_next(p);
    return true;
  }
  if (pz_accept_kw(p, "in")) {
    r->op = CQL_OP_IN;
  } else if (pz_accept_kw(p, "contains")) {
    r->op = pz_accept_kw(p, "key") ? CQL_OP_CONTAINS_KEY : CQL_OP_CONTAINS;
  } else if (pz_accept_kw(p, "like")) {
    r->op = CQL_OP_LIKE;
  } else if (pz_accept_kw(p, "is")) {
    if (!pz_expect_kw(p, "not") || !pz_expect_kw(p, "null"))
      return false;
    r->op = CQL_OP_IS_NOT_NULL;
  } else {
    return pz_fail_noviable(p);
  }
  return true;
}

/* The right side of IN: a marker, or a parenthesised list of terms. */
static bool in_values(cql_parser *p, cql_relation *r) {
  if (pz_is_punct(p, '?') || pz_is_punct(p, ':')) {
    r->value = pz_term(p);
    return r->value != NULL;
  }
  if (!pz_expect_punct(p, '('))
    return false;
  r->in_list = true;
  uint32_t cap = 0;
  if (pz_accept_punct(p, ')'))
    return true;
  do {
    cql_term *t = pz_term(p);
    if (!t || !push_term(p, &r->in_items, &r->n_in, &cap, t))
      return false;
  } while (pz_accept_punct(p, ','));
  return pz_expect_punct(p, ')');
}

static bool rhs(cql_parser *p, cql_relation *r) {
  if (r->op == CQL_OP_IS_NOT_NULL)
    return true;
  if (r->op == CQL_OP_IN)
    return in_values(p, r);
  r->value = pz_term(p);
  return r->value != NULL;
}

static bool ident_list(cql_parser *p, cql_slice **out, uint32_t *n) {
  uint32_t cap = 0;
  if (!pz_expect_punct(p, '('))
    return false;
  do {
    cql_slice *s = pz_push(p, (void **)out, n, &cap, sizeof(cql_slice));
    if (!s || !pz_ident(p, s))
      return false;
  } while (pz_accept_punct(p, ','));
  return pz_expect_punct(p, ')');
}

bool pz_relation(cql_parser *p, cql_relation *r, bool condition) {
  memset(r, 0, sizeof(*r));
  r->tok = p->i;
  if (!condition && pz_is_kw(p, "token") && pz_is_punct_at(p, 1, '(')) {
    pz_next(p);
    r->kind = CQL_REL_TOKEN;
    return ident_list(p, &r->cols, &r->n_cols) && rel_op(p, r) && rhs(p, r);
  }
  if (!condition && pz_is_punct(p, '(')) {
    r->kind = CQL_REL_MULTI;
    return ident_list(p, &r->cols, &r->n_cols) && rel_op(p, r) && rhs(p, r);
  }
  r->kind = CQL_REL_SINGLE;
  r->cols = pz_alloc(p, sizeof(cql_slice));
  if (!r->cols || !pz_ident(p, &r->cols[0]))
    return false;
  r->n_cols = 1;
  if (condition && pz_accept_punct(p, '[')) {
    r->kind = CQL_REL_ELEM;
    if (!(r->elem = pz_term(p)) || !pz_expect_punct(p, ']'))
      return false;
  } else if (condition && pz_accept_punct(p, '.')) {
    if (!pz_ident(p, &r->field))
      return false;
  }
  return rel_op(p, r) && rhs(p, r);
}

static bool relations(cql_parser *p, cql_relation **rels, uint32_t *n, bool condition) {
  uint32_t cap = 0;
  do {
    cql_relation *r = pz_push(p, (void **)rels, n, &cap, sizeof(cql_relation));
    if (!r || !pz_relation(p, r, condition))
      return false;
  } while (pz_accept_kw(p, "and"));
  return true;
}

bool pz_where(cql_parser *p, cql_relation **rels, uint32_t *n) {
  if (!pz_expect_kw(p, "where"))
    return false;
  return relations(p, rels, n, false);
}

bool pz_conditions(cql_parser *p, cql_relation **rels, uint32_t *n) {
  return relations(p, rels, n, true);
}

bool pz_using(cql_parser *p, cql_using *u, bool allow_ttl) {
  if (!pz_accept_kw(p, "using"))
    return true;
  do {
    if (allow_ttl && pz_accept_kw(p, "ttl")) {
      if (!(u->ttl = pz_term(p)))
        return false;
    } else if (pz_accept_kw(p, "timestamp")) {
      if (!(u->timestamp = pz_term(p)))
        return false;
    } else {
      return pz_fail_noviable(p);
    }
  } while (pz_accept_kw(p, "and"));
  return true;
}

bool pz_property(cql_parser *p, cql_ast_option *o) {
  if (!pz_ident(p, &o->name) || !pz_expect_punct(p, '='))
    return false;
  const cql_token *t = pz_peek(p);
  if (t->kind == CQL_TOK_IDENT && !is_constant_kw(t) && !pz_is_punct_at(p, 1, '(')) {
    /* An unquoted word as a value (e.g. speculative_retry = NONE). */
    o->value = new_term(p, CQL_TERM_STRING);
    if (!o->value)
      return false;
    o->value->text = t->text;
    pz_next(p);
    return true;
  }
  o->value = pz_term(p);
  return o->value != NULL;
}

bool pz_options(cql_parser *p, cql_ast_option **opts, uint32_t *n) {
  uint32_t cap = 0;
  do {
    cql_ast_option *o = pz_push(p, (void **)opts, n, &cap, sizeof(cql_ast_option));
    if (!o || !pz_property(p, o))
      return false;
  } while (pz_accept_kw(p, "and"));
  return true;
}
