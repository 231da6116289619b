/* Parser core: token cursor, error messages in Cassandra's form, names,
 * and the statement dispatch. */
#include "parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parser_impl.h"

/* ---- tokens ---------------------------------------------------------- */

static uint32_t skip_hidden(const cql_parser *p, uint32_t i) {
  while (i + 1 < p->tl.n && p->tl.toks[i].kind == CQL_TOK_WS)
    i++;
  return i;
}

const cql_token *pz_peek(const cql_parser *p) { return &p->tl.toks[p->i]; }

const cql_token *pz_peek_at(const cql_parser *p, uint32_t k) {
  uint32_t i = p->i;
  while (k-- > 0 && i + 1 < p->tl.n)
    i = skip_hidden(p, i + 1);
  return &p->tl.toks[i];
}

void pz_next(cql_parser *p) {
  if (p->i + 1 < p->tl.n)
    p->i = skip_hidden(p, p->i + 1);
}

bool pz_failed(const cql_parser *p) { return p->err != NULL || p->nomem; }

bool pz_is_kw(const cql_parser *p, const char *kw) { return cql_tok_is_kw(pz_peek(p), kw); }

bool pz_is_kw_at(const cql_parser *p, uint32_t k, const char *kw) {
  return cql_tok_is_kw(pz_peek_at(p, k), kw);
}

bool pz_accept_kw(cql_parser *p, const char *kw) {
  if (!pz_is_kw(p, kw))
    return false;
  pz_next(p);
  return true;
}

bool pz_expect_kw(cql_parser *p, const char *kw) {
  if (pz_accept_kw(p, kw))
    return true;
  char name[40] = "K_";
  size_t n = strlen(kw);
  for (size_t i = 0; i < n && i + 3 < sizeof(name); i++)
    name[2 + i] = (char)(kw[i] >= 'a' && kw[i] <= 'z' ? kw[i] - 32 : kw[i]);
  return pz_fail_expecting(p, name);
}

bool pz_is_punct(const cql_parser *p, uint8_t c) {
  const cql_token *t = pz_peek(p);
  return t->kind == CQL_TOK_PUNCT && t->punct == c;
}

bool pz_is_punct_at(const cql_parser *p, uint32_t k, uint8_t c) {
  const cql_token *t = pz_peek_at(p, k);
  return t->kind == CQL_TOK_PUNCT && t->punct == c;
}

bool pz_accept_punct(cql_parser *p, uint8_t c) {
  if (!pz_is_punct(p, c))
    return false;
  pz_next(p);
  return true;
}

bool pz_expect_punct(cql_parser *p, uint8_t c) {
  if (pz_accept_punct(p, c))
    return true;
  char name[8];
  snprintf(name, sizeof(name), "'%c'", c);
  return pz_fail_expecting(p, name);
}

/* ---- errors ---------------------------------------------------------- */

void pz_oom(cql_parser *p) { p->nomem = true; }

typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const void *s, size_t n) {
  if (b->n + n + 1 > b->cap)
    n = b->cap > b->n + 1 ? b->cap - b->n - 1 : 0;
  if (n)
    memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = 0;
}

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n > 0)
    sb_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* How ANTLR shows a token: its text in quotes, strings without their own
 * quotes, the end of input as <EOF>. Long texts are cut. */
static void put_token_display(sbuf *b, const cql_token *t) {
  cql_slice s = t->text;
  sb_put(b, "'", 1);
  sb_put(b, s.ptr, s.len > 200 ? 200 : s.len);
  sb_put(b, "'", 1);
}

/* Appends " (...snippet...)": up to ten hidden-or-not tokens before the
 * offending one, the offending one in brackets, "..." where text was cut. */
static void put_snippet(sbuf *b, const cql_parser *p, uint32_t at) {
  const cql_token *off = &p->tl.toks[at];
  uint32_t from = at > 10 ? at - 10 : 0;
  size_t start = p->tl.toks[from].off;
  size_t end = off->off + off->len;
  size_t qend = p->query.len;
  while (qend > 0 && p->query.ptr[qend - 1] == '\n')
    qend--;
  sb_put(b, " (", 2);
  if (start != 0)
    sb_put(b, "...", 3);
  for (size_t i = start; i < end; i++) {
    if (i == off->off)
      sb_put(b, "[", 1);
    if (p->query.ptr[i] != '\n')
      sb_put(b, &p->query.ptr[i], 1);
  }
  sb_put(b, "]", 1);
  if (end < qend)
    sb_put(b, "...", 3);
  sb_put(b, ")", 1);
}

static bool set_error(cql_parser *p, const char *msg) {
  if (p->err || p->nomem)
    return false;
  size_t n = strlen(msg);
  char *m = cql_arena_alloc(p->arena, n + 1);
  if (!m) {
    p->nomem = true;
    return false;
  }
  memcpy(m, msg, n + 1);
  p->err = m;
  return false;
}

/* Builds "line L:C <what> <display>" plus the snippet; a lexer error token
 * reports its own message instead. */
static bool fail_at_current(cql_parser *p, const char *what, const char *suffix) {
  const cql_token *t = pz_peek(p);
  if (t->kind == CQL_TOK_ERROR) {
    char msg[256];
    snprintf(msg, sizeof(msg), "%.*s", (int)t->text.len, (const char *)t->text.ptr);
    return set_error(p, msg);
  }
  char buf[1024];
  sbuf b = {buf, 0, sizeof(buf)};
  buf[0] = 0;
  if (t->kind == CQL_TOK_EOF)
    sb_printf(&b, "line 0:-1 %s ", what);
  else
    sb_printf(&b, "line %u:%u %s ", t->line, t->col, what);
  put_token_display(&b, t);
  if (suffix)
    sb_printf(&b, " %s", suffix);
  if (t->kind != CQL_TOK_EOF)
    put_snippet(&b, p, p->i);
  return set_error(p, buf);
}

bool pz_fail_noviable(cql_parser *p) {
  return fail_at_current(p, "no viable alternative at input", NULL);
}

bool pz_fail_expecting(cql_parser *p, const char *expected) {
  char suffix[64];
  snprintf(suffix, sizeof(suffix), "expecting %s", expected);
  return fail_at_current(p, "mismatched input", suffix);
}

bool pz_fail_msg(cql_parser *p, const char *msg) {
  if (pz_peek(p)->kind == CQL_TOK_ERROR)
    return fail_at_current(p, "", NULL);
  return set_error(p, msg);
}

/* ---- memory ---------------------------------------------------------- */

void *pz_alloc(cql_parser *p, size_t n) {
  void *m = cql_arena_alloc(p->arena, n);
  if (!m)
    p->nomem = true;
  return m;
}

void *pz_push(cql_parser *p, void **arr, uint32_t *n, uint32_t *cap, size_t size) {
  if (*n == *cap) {
    uint32_t ncap = *cap ? *cap * 2 : 4;
    uint8_t *na = cql_arena_calloc(p->arena, ncap, size);
    if (!na) {
      p->nomem = true;
      return NULL;
    }
    if (*n)
      memcpy(na, *arr, (size_t)*n * size);
    *arr = na;
    *cap = ncap;
  }
  uint8_t *slot = (uint8_t *)*arr + (size_t)(*n)++ * size;
  return slot;
}

cql_slice pz_lower_copy(cql_parser *p, cql_slice s) {
  uint8_t *m = pz_alloc(p, s.len ? s.len : 1);
  if (!m)
    return (cql_slice){NULL, 0};
  for (size_t i = 0; i < s.len; i++)
    m[i] = (s.ptr[i] >= 'A' && s.ptr[i] <= 'Z') ? (uint8_t)(s.ptr[i] + 32) : s.ptr[i];
  return (cql_slice){m, s.len};
}

/* ---- names ----------------------------------------------------------- */

static const char *const reserved[] = {
    "add",      "allow",   "alter",        "and",      "apply",    "asc",    "authorize", "batch",
    "begin",    "by",      "columnfamily", "create",   "delete",   "desc",   "describe",  "drop",
    "entries",  "execute", "from",         "full",     "grant",    "if",     "in",        "index",
    "infinity", "insert",  "into",         "is",       "keyspace", "limit",  "mbean",     "mbeans",
    "modify",   "nan",     "norecursive",  "not",      "null",     "of",     "on",        "or",
    "order",    "primary", "rename",       "replace",  "revoke",   "schema", "select",    "set",
    "table",    "to",      "token",        "truncate", "unlogged", "unset",  "update",    "use",
    "using",    "view",    "where",        "with"};

bool pz_is_reserved(const cql_token *t) {
  for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
    if (cql_tok_is_kw(t, reserved[i]))
      return true;
  return false;
}

bool pz_is_ident_at(const cql_parser *p, uint32_t k) {
  const cql_token *t = pz_peek_at(p, k);
  return t->kind == CQL_TOK_QIDENT || (t->kind == CQL_TOK_IDENT && !pz_is_reserved(t));
}

bool pz_is_ident(const cql_parser *p) { return pz_is_ident_at(p, 0); }

bool pz_ident(cql_parser *p, cql_slice *out) {
  const cql_token *t = pz_peek(p);
  if (t->kind == CQL_TOK_QIDENT) {
    *out = t->text;
  } else if (t->kind == CQL_TOK_IDENT && !pz_is_reserved(t)) {
    *out = pz_lower_copy(p, t->text);
  } else {
    return pz_fail_noviable(p);
  }
  pz_next(p);
  return !pz_failed(p);
}

bool pz_qualified(cql_parser *p, cql_ast_name *out) {
  cql_slice first;
  if (!pz_ident(p, &first))
    return false;
  if (pz_accept_punct(p, '.')) {
    out->keyspace = first;
    return pz_ident(p, &out->name);
  }
  out->keyspace = (cql_slice){NULL, 0};
  out->name = first;
  return true;
}

/* ---- statements ------------------------------------------------------ */

cql_stmt *pz_new_stmt(cql_parser *p, cql_stmt_kind kind) {
  cql_stmt *s = pz_alloc(p, sizeof(*s));
  if (s)
    s->kind = (uint8_t)kind;
  return s;
}

cql_stmt *pz_unsupported(cql_parser *p, const char *what) {
  cql_stmt *s = pz_new_stmt(p, CQL_STMT_UNSUPPORTED);
  if (s)
    s->u.unsupported = what;
  /* Skip the rest: we refuse the statement whatever follows. */
  while (pz_peek(p)->kind != CQL_TOK_EOF)
    pz_next(p);
  return s;
}

cql_stmt *pz_use(cql_parser *p) {
  pz_next(p); /* USE */
  cql_stmt *s = pz_new_stmt(p, CQL_STMT_USE);
  if (!s || !pz_ident(p, &s->u.use))
    return NULL;
  return s;
}

static cql_stmt *statement(cql_parser *p) {
  const cql_token *t = pz_peek(p);
  if (cql_tok_is_kw(t, "select"))
    return pz_select(p);
  if (cql_tok_is_kw(t, "insert"))
    return pz_insert(p);
  if (cql_tok_is_kw(t, "update"))
    return pz_update(p);
  if (cql_tok_is_kw(t, "delete"))
    return pz_delete(p);
  if (cql_tok_is_kw(t, "begin"))
    return pz_batch(p);
  if (cql_tok_is_kw(t, "use"))
    return pz_use(p);
  if (cql_tok_is_kw(t, "create"))
    return pz_create(p);
  if (cql_tok_is_kw(t, "alter"))
    return pz_alter(p);
  if (cql_tok_is_kw(t, "drop"))
    return pz_drop(p);
  if (cql_tok_is_kw(t, "truncate"))
    return pz_truncate(p);
  if (cql_tok_is_kw(t, "grant") || cql_tok_is_kw(t, "revoke") || cql_tok_is_kw(t, "list"))
    return pz_unsupported(p, "permission and role statements");
  pz_fail_noviable(p);
  return NULL;
}

cql_status cql_parse(cql_slice query, cql_arena *arena, cql_parsed *out, const char **msg) {
  *msg = NULL;
  if (query.len > CQL_PARSE_MAX_QUERY) {
    *msg = "Query is too long for cqlkit-node's parser";
    return CQL_E_SERVER_SYNTAX_ERROR;
  }
  cql_parser p;
  memset(&p, 0, sizeof(p));
  p.arena = arena;
  p.query = query;
  if (!cql_lex(query, arena, &p.tl))
    return CQL_E_NOMEM;
  p.i = skip_hidden(&p, 0);
  cql_stmt *s = statement(&p);
  if (s && !pz_failed(&p)) {
    while (pz_accept_punct(&p, ';'))
      ;
    if (pz_peek(&p)->kind != CQL_TOK_EOF) {
      if (pz_peek_at(&p, 1)->kind == CQL_TOK_EOF && pz_peek(&p)->kind != CQL_TOK_ERROR)
        fail_at_current(&p, "extraneous input", "expecting EOF");
      else
        pz_fail_expecting(&p, "EOF");
    }
  }
  if (p.nomem)
    return CQL_E_NOMEM;
  if (p.err || !s) {
    *msg = p.err ? p.err : "syntax error";
    return CQL_E_SERVER_SYNTAX_ERROR;
  }
  out->stmt = s;
  out->markers = p.markers;
  out->n_markers = p.n_markers;
  return CQL_OK;
}
