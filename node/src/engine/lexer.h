/* The CQL lexer: query text to a token array.
 *
 * Every token, whitespace and comments included, gets an entry, because
 * Cassandra's syntax error snippets count hidden tokens when they decide
 * where a snippet starts. The parser skips CQL_TOK_WS. Lexing never fails
 * as a whole: a malformed piece becomes one CQL_TOK_ERROR token carrying
 * the message the parser reports if it reaches that token. */
#ifndef CQL_NODE_LEXER_H
#define CQL_NODE_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/types.h"

typedef enum cql_tok_kind {
  CQL_TOK_EOF = 0,
  CQL_TOK_WS,       /* whitespace or a comment (hidden) */
  CQL_TOK_IDENT,    /* unquoted identifier or keyword; `text` is the raw text */
  CQL_TOK_QIDENT,   /* "quoted" identifier; `text` has "" unescaped */
  CQL_TOK_STRING,   /* 'string' or $$string$$; `text` has '' unescaped */
  CQL_TOK_INT,      /* -?[0-9]+ */
  CQL_TOK_FLOAT,    /* -?[0-9]+(.[0-9]*)?([eE][+-]?[0-9]+)? with . or exponent */
  CQL_TOK_HEX,      /* 0x...; `text` is the hex digits without 0x */
  CQL_TOK_UUID,     /* 8-4-4-4-12 hex digits */
  CQL_TOK_DURATION, /* 1h30m, -2d, 3mo (ISO forms are lexed as IDENT) */
  CQL_TOK_PUNCT,    /* `punct` holds the character, or one of the codes below */
  CQL_TOK_ERROR     /* `text` is the complete syntax error message */
} cql_tok_kind;

/* Codes of the two-character operators in cql_token.punct. */
enum { CQL_PUNCT_LTE = 'l', CQL_PUNCT_GTE = 'g', CQL_PUNCT_NEQ = 'n' };

typedef struct cql_token {
  uint8_t kind;  /* cql_tok_kind */
  uint8_t punct; /* CQL_TOK_PUNCT only */
  uint32_t off;  /* byte offset of the token in the query */
  uint32_t len;  /* byte length in the query */
  uint32_t line; /* 1-based */
  uint32_t col;  /* 0-based character position in the line */
  cql_slice text;
} cql_token;

typedef struct cql_token_list {
  cql_token *toks;
  uint32_t n; /* the last one is CQL_TOK_EOF */
} cql_token_list;

/* Splits `query` into tokens allocated from `arena`; slices point into
 * `query` or the arena, both of which must outlive the list. Returns false
 * only when the arena is exhausted. */
bool cql_lex(cql_slice query, cql_arena *arena, cql_token_list *out);

/* Case-insensitive comparison of an IDENT token with a lower-case keyword. */
bool cql_tok_is_kw(const cql_token *t, const char *kw);

#endif
