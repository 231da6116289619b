/* The CQL parser: query text to a syntax tree (ast.h).
 *
 * A hand-written recursive-descent parser over the token list. Syntax
 * errors carry the message Cassandra's ANTLR-generated parser would give,
 * e.g. "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)". */
#ifndef CQL_NODE_PARSER_H
#define CQL_NODE_PARSER_H

#include "arena.h"
#include "ast.h"
#include "cqlkit/error.h"

/* Longest query accepted, in bytes (Cassandra has no such limit, but the
 * native protocol caps a request at 256 MiB and a parse must stay bounded). */
enum { CQL_PARSE_MAX_QUERY = 1 << 20, CQL_PARSE_MAX_DEPTH = 48 };

/* Parses one statement (optionally followed by semicolons). Everything is
 * allocated from `arena`, which must outlive `out`; `query` must too (names
 * and literals may point into it). On a syntax error returns
 * CQL_E_SERVER_SYNTAX_ERROR with `*msg` set to a NUL-terminated message in
 * the arena; CQL_E_NOMEM when the arena is exhausted. */
cql_status cql_parse(cql_slice query, cql_arena *arena, cql_parsed *out, const char **msg);

#endif
