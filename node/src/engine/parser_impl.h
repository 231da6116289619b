/* Shared state and helpers of the parser's translation units. */
#ifndef CQL_NODE_PARSER_IMPL_H
#define CQL_NODE_PARSER_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "cqlkit/types.h"
#include "lexer.h"

typedef struct cql_parser {
  cql_token_list tl;
  uint32_t i; /* index of the current significant token */
  cql_arena *arena;
  cql_slice query;
  const char *err; /* first error, NUL-terminated, in the arena */
  bool nomem;
  uint32_t depth;
  cql_ast_marker *markers;
  uint32_t n_markers, cap_markers;
} cql_parser;

/* ---- tokens ---------------------------------------------------------- */
const cql_token *pz_peek(const cql_parser *p);
const cql_token *pz_peek_at(const cql_parser *p, uint32_t k); /* k-th significant ahead */
void pz_next(cql_parser *p);
bool pz_failed(const cql_parser *p);
bool pz_is_kw(const cql_parser *p, const char *kw);
bool pz_is_kw_at(const cql_parser *p, uint32_t k, const char *kw);
bool pz_accept_kw(cql_parser *p, const char *kw);
bool pz_expect_kw(cql_parser *p, const char *kw);
bool pz_is_punct(const cql_parser *p, uint8_t c);
bool pz_is_punct_at(const cql_parser *p, uint32_t k, uint8_t c);
bool pz_accept_punct(cql_parser *p, uint8_t c);
bool pz_expect_punct(cql_parser *p, uint8_t c);

/* ---- errors ---------------------------------------------------------- */
/* "no viable alternative at input 'X'" at the current token. */
bool pz_fail_noviable(cql_parser *p);
/* "mismatched input 'X' expecting <expected>" at the current token. */
bool pz_fail_expecting(cql_parser *p, const char *expected);
/* A message of our own (already complete), at the current token. */
bool pz_fail_msg(cql_parser *p, const char *msg);
void pz_oom(cql_parser *p);

/* ---- memory ---------------------------------------------------------- */
void *pz_alloc(cql_parser *p, size_t n);
/* Appends one element of `size` bytes to a growable arena array. */
void *pz_push(cql_parser *p, void **arr, uint32_t *n, uint32_t *cap, size_t size);
cql_slice pz_lower_copy(cql_parser *p, cql_slice s);

/* ---- names ----------------------------------------------------------- */
bool pz_is_reserved(const cql_token *t);
/* True when the current token can be an identifier. */
bool pz_is_ident(const cql_parser *p);
bool pz_is_ident_at(const cql_parser *p, uint32_t k);
/* Consumes an identifier and returns it normalised. */
bool pz_ident(cql_parser *p, cql_slice *out);
/* [keyspace '.'] name */
bool pz_qualified(cql_parser *p, cql_ast_name *out);

/* ---- terms, types, relations (parse_term.c) -------------------------- */
cql_term *pz_term(cql_parser *p);
bool pz_term_start(const cql_parser *p);
const cql_type *pz_type(cql_parser *p);
bool pz_relation(cql_parser *p, cql_relation *out, bool condition);
bool pz_where(cql_parser *p, cql_relation **rels, uint32_t *n);
bool pz_conditions(cql_parser *p, cql_relation **rels, uint32_t *n);
bool pz_using(cql_parser *p, cql_using *u, bool allow_ttl);
bool pz_options(cql_parser *p, cql_ast_option **opts, uint32_t *n);
bool pz_property(cql_parser *p, cql_ast_option *o);

/* ---- statements ------------------------------------------------------ */
cql_stmt *pz_select(cql_parser *p);
cql_stmt *pz_insert(cql_parser *p);
cql_stmt *pz_update(cql_parser *p);
cql_stmt *pz_delete(cql_parser *p);
cql_stmt *pz_batch(cql_parser *p);
cql_stmt *pz_create(cql_parser *p);
cql_stmt *pz_alter(cql_parser *p);
cql_stmt *pz_drop(cql_parser *p);
cql_stmt *pz_truncate(cql_parser *p);
cql_stmt *pz_use(cql_parser *p);
cql_stmt *pz_new_stmt(cql_parser *p, cql_stmt_kind kind);
cql_stmt *pz_unsupported(cql_parser *p, const char *what);

#endif
