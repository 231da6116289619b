#include "lexer.h"

#include <stdio.h>
#include <string.h>

typedef struct lexer {
  const uint8_t *s;
  size_t n;
  size_t pos;
  uint32_t line;
  uint32_t col;
  cql_arena *arena;
} lexer;

static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_hex(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_ident_char(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int at(const lexer *lx, size_t i) { return i < lx->n ? lx->s[i] : -1; }

/* Moves to `end`, keeping line and column (in characters, not bytes). */
static void advance_to(lexer *lx, size_t end) {
  while (lx->pos < end) {
    uint8_t c = lx->s[lx->pos++];
    if (c == '\n') {
      lx->line++;
      lx->col = 0;
    } else if ((c & 0xC0) != 0x80) {
      lx->col++;
    }
  }
}

static bool match_uuid(const lexer *lx, size_t p) {
  static const size_t dashes[] = {8, 13, 18, 23};
  if (p + 36 > lx->n)
    return false;
  size_t d = 0;
  for (size_t i = 0; i < 36; i++) {
    int c = lx->s[p + i];
    if (d < 4 && i == dashes[d]) {
      if (c != '-')
        return false;
      d++;
    } else if (!is_hex(c)) {
      return false;
    }
  }
  return !is_ident_char(at(lx, p + 36));
}

/* Length of a duration unit at p (y, mo, w, d, h, m, s, ms, us, µs, ns), 0 if none. */
static size_t duration_unit(const lexer *lx, size_t p) {
  int a = lower(at(lx, p)), b = lower(at(lx, p + 1));
  if (a == 0xC2 && b == 0xB5 && lower(at(lx, p + 2)) == 's')
    return 3; /* µs in UTF-8 */
  if ((a == 'm' && (b == 'o' || b == 's')) || ((a == 'u' || a == 'n') && b == 's'))
    return 2;
  if (a == 'y' || a == 'w' || a == 'd' || a == 'h' || a == 'm' || a == 's')
    return 1;
  return 0;
}

/* A run of (digits unit)+ starting at p (which is a digit); its end or 0. */
static size_t match_duration(const lexer *lx, size_t p) {
  size_t q = p;
  bool any = false;
  while (is_digit(at(lx, q))) {
    while (is_digit(at(lx, q)))
      q++;
    size_t u = duration_unit(lx, q);
    if (!u)
      return 0;
    q += u;
    any = true;
  }
  if (!any || is_ident_char(at(lx, q)))
    return 0;
  return q;
}

static size_t scan_number(const lexer *lx, size_t p, uint8_t *kind) {
  size_t q = p;
  if (at(lx, q) == '-')
    q++;
  while (is_digit(at(lx, q)))
    q++;
  *kind = CQL_TOK_INT;
  if (at(lx, q) == '.' && !(at(lx, q + 1) == '.')) {
    q++;
    while (is_digit(at(lx, q)))
      q++;
    *kind = CQL_TOK_FLOAT;
  }
  int e = at(lx, q);
  if (e == 'e' || e == 'E') {
    size_t r = q + 1;
    if (at(lx, r) == '+' || at(lx, r) == '-')
      r++;
    if (is_digit(at(lx, r))) {
      while (is_digit(at(lx, r)))
        r++;
      q = r;
      *kind = CQL_TOK_FLOAT;
    }
  }
  return q;
}

/* Unescapes a doubled quote character inside [b, e). */
static cql_slice unescape(lexer *lx, size_t b, size_t e, uint8_t quote) {
  size_t n = e - b;
  uint8_t *out = cql_arena_alloc(lx->arena, n ? n : 1);
  if (!out)
    return (cql_slice){NULL, 0};
  size_t o = 0;
  for (size_t i = b; i < e; i++) {
    out[o++] = lx->s[i];
    if (lx->s[i] == quote && i + 1 < e && lx->s[i + 1] == quote)
      i++;
  }
  return (cql_slice){out, o};
}

static cql_slice error_text(lexer *lx, const char *msg) {
  size_t n = strlen(msg);
  uint8_t *p = cql_arena_alloc(lx->arena, n + 1);
  if (!p)
    return (cql_slice){NULL, 0};
  memcpy(p, msg, n);
  return (cql_slice){p, n};
}

/* Position of end-of-input as line:col, for "mismatched character '<EOF>'". */
static void eof_position(const lexer *lx, size_t from, uint32_t *line, uint32_t *col) {
  lexer tmp = *lx;
  tmp.pos = from;
  advance_to(&tmp, lx->n);
  *line = tmp.line;
  *col = tmp.col;
}

static bool lex_quoted(lexer *lx, cql_token *t, uint8_t q, uint8_t kind) {
  size_t p = lx->pos + 1;
  for (;;) {
    if (p >= lx->n) {
      uint32_t line, col;
      eof_position(lx, lx->pos, &line, &col);
      char msg[96];
      snprintf(msg, sizeof(msg), "line %u:%u mismatched character '<EOF>' expecting '%c'", line,
               col, q);
      t->kind = CQL_TOK_ERROR;
      t->text = error_text(lx, msg);
      t->len = (uint32_t)(lx->n - lx->pos);
      return t->text.ptr != NULL;
    }
    if (lx->s[p] == q) {
      if (at(lx, p + 1) == q) {
        p += 2;
        continue;
      }
      break;
    }
    p++;
  }
  t->kind = kind;
  t->text = unescape(lx, lx->pos + 1, p, q);
  t->len = (uint32_t)(p + 1 - lx->pos);
  return t->text.ptr != NULL;
}

static bool lex_dollar(lexer *lx, cql_token *t) {
  size_t p = lx->pos + 2;
  while (p + 1 < lx->n && !(lx->s[p] == '$' && lx->s[p + 1] == '$'))
    p++;
  if (p + 1 >= lx->n) {
    uint32_t line, col;
    eof_position(lx, lx->pos, &line, &col);
    char msg[96];
    snprintf(msg, sizeof(msg), "line %u:%u mismatched character '<EOF>' expecting '$'", line, col);
    t->kind = CQL_TOK_ERROR;
    t->text = error_text(lx, msg);
    t->len = (uint32_t)(lx->n - lx->pos);
    return t->text.ptr != NULL;
  }
  t->kind = CQL_TOK_STRING;
  t->text = (cql_slice){lx->s + lx->pos + 2, p - lx->pos - 2};
  t->len = (uint32_t)(p + 2 - lx->pos);
  return true;
}

/* Whitespace and comments; returns the end or lx->pos when none. */
static size_t scan_hidden(const lexer *lx, bool *unterminated) {
  size_t p = lx->pos;
  int c = at(lx, p), d = at(lx, p + 1);
  *unterminated = false;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
    while (at(lx, p) == ' ' || at(lx, p) == '\t' || at(lx, p) == '\n' || at(lx, p) == '\r')
      p++;
    return p;
  }
  if ((c == '-' && d == '-') || (c == '/' && d == '/')) {
    while (p < lx->n && lx->s[p] != '\n')
      p++;
    return p < lx->n ? p + 1 : p;
  }
  if (c == '/' && d == '*') {
    p += 2;
    while (p + 1 < lx->n && !(lx->s[p] == '*' && lx->s[p + 1] == '/'))
      p++;
    if (p + 1 >= lx->n) {
      *unterminated = true;
      return lx->n;
    }
    return p + 2;
  }
  return p;
}

static bool lex_punct(lexer *lx, cql_token *t) {
  int c = at(lx, lx->pos), d = at(lx, lx->pos + 1);
  t->kind = CQL_TOK_PUNCT;
  t->len = 1;
  if (c == '<' && d == '=') {
    t->punct = CQL_PUNCT_LTE;
    t->len = 2;
  } else if (c == '>' && d == '=') {
    t->punct = CQL_PUNCT_GTE;
    t->len = 2;
  } else if (c == '!' && d == '=') {
    t->punct = CQL_PUNCT_NEQ;
    t->len = 2;
  } else if (c > 0 && strchr("(),;.*=<>+-[]{}:?", c)) {
    t->punct = (uint8_t)c;
  } else {
    char msg[96];
    if (c >= 0x20 && c < 0x7f)
      snprintf(msg, sizeof(msg), "line %u:%u no viable alternative at character '%c'", lx->line,
               lx->col, c);
    else
      snprintf(msg, sizeof(msg), "line %u:%u no viable alternative at character '\\u%04x'",
               lx->line, lx->col, (unsigned)c);
    t->kind = CQL_TOK_ERROR;
    t->text = error_text(lx, msg);
    return t->text.ptr != NULL;
  }
  t->text = (cql_slice){lx->s + lx->pos, t->len};
  return true;
}

static bool lex_one(lexer *lx, cql_token *t) {
  size_t p = lx->pos;
  int c = at(lx, p), d = at(lx, p + 1);
  bool unterminated;
  size_t h = scan_hidden(lx, &unterminated);
  t->off = (uint32_t)p;
  t->line = lx->line;
  t->col = lx->col;
  if (unterminated) {
    uint32_t line, col;
    eof_position(lx, p, &line, &col);
    char msg[96];
    snprintf(msg, sizeof(msg), "line %u:%u mismatched character '<EOF>' expecting '*'", line, col);
    t->kind = CQL_TOK_ERROR;
    t->text = error_text(lx, msg);
    t->len = (uint32_t)(h - p);
    return t->text.ptr != NULL;
  }
  if (h > p) {
    t->kind = CQL_TOK_WS;
    t->len = (uint32_t)(h - p);
    t->text = (cql_slice){lx->s + p, t->len};
    return true;
  }
  if (c == '\'')
    return lex_quoted(lx, t, '\'', CQL_TOK_STRING);
  if (c == '"')
    return lex_quoted(lx, t, '"', CQL_TOK_QIDENT);
  if (c == '$' && d == '$')
    return lex_dollar(lx, t);
  if (is_hex(c) && match_uuid(lx, p)) {
    t->kind = CQL_TOK_UUID;
    t->len = 36;
  } else if (c == '0' && (d == 'x' || d == 'X')) {
    size_t q = p + 2;
    while (is_hex(at(lx, q)))
      q++;
    t->kind = CQL_TOK_HEX;
    t->len = (uint32_t)(q - p);
    t->text = (cql_slice){lx->s + p + 2, q - p - 2};
    return true;
  } else if (is_digit(c) || (c == '-' && is_digit(d))) {
    size_t dur = match_duration(lx, c == '-' ? p + 1 : p);
    uint8_t kind;
    size_t q = dur ? dur : scan_number(lx, p, &kind);
    t->kind = dur ? CQL_TOK_DURATION : kind;
    t->len = (uint32_t)(q - p);
  } else if (is_alpha(c)) {
    size_t q = p;
    while (is_ident_char(at(lx, q)))
      q++;
    t->kind = CQL_TOK_IDENT;
    t->len = (uint32_t)(q - p);
  } else {
    return lex_punct(lx, t);
  }
  t->text = (cql_slice){lx->s + p, t->len};
  return true;
}

bool cql_lex(cql_slice query, cql_arena *arena, cql_token_list *out) {
  lexer lx = {query.ptr, query.len, 0, 1, 0, arena};
  /* Every token but EOF consumes at least one byte, so len + 1 bounds the
   * count; the array grows as needed rather than being sized for that. */
  size_t cap = query.len + 1 < 64 ? query.len + 1 : 64;
  cql_token *toks = cql_arena_calloc(arena, cap, sizeof(cql_token));
  if (!toks)
    return false;
  uint32_t n = 0;
  while (lx.pos < lx.n) {
    if (n + 1 >= cap) {
      cql_token *grown = cql_arena_calloc(arena, cap * 2, sizeof(cql_token));
      if (!grown)
        return false;
      memcpy(grown, toks, n * sizeof(cql_token));
      toks = grown;
      cap *= 2;
    }
    cql_token *t = &toks[n++];
    if (!lex_one(&lx, t))
      return false;
    if (t->len == 0)
      t->len = 1; /* cannot happen; guarantees progress */
    advance_to(&lx, lx.pos + t->len);
  }
  cql_token *eof = &toks[n++];
  eof->kind = CQL_TOK_EOF;
  eof->off = (uint32_t)lx.n;
  eof->line = lx.line;
  eof->col = lx.col;
  eof->text = (cql_slice){(const uint8_t *)"<EOF>", 5};
  out->toks = toks;
  out->n = n;
  return true;
}

bool cql_tok_is_kw(const cql_token *t, const char *kw) {
  if (t->kind != CQL_TOK_IDENT)
    return false;
  size_t n = strlen(kw);
  if (t->text.len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (lower(t->text.ptr[i]) != kw[i])
      return false;
  return true;
}
