/* The syntax tree the parser builds. Everything lives in the parse arena.
 *
 * Names are already normalised: unquoted identifiers are lower-cased,
 * quoted ones keep their case. Terms keep their literal text; converting
 * a term to bytes needs the receiving column's type (literal.h). */
#ifndef CQL_NODE_AST_H
#define CQL_NODE_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "cqlkit/types.h"

typedef struct cql_ast_name {
  cql_slice keyspace; /* len 0 when not qualified */
  cql_slice name;
} cql_ast_name;

typedef enum cql_term_kind {
  CQL_TERM_NULL,
  CQL_TERM_STRING,
  CQL_TERM_INT,
  CQL_TERM_FLOAT, /* also NaN, Infinity (text as written, sign included) */
  CQL_TERM_BOOL,
  CQL_TERM_UUID,
  CQL_TERM_HEX, /* text: the hex digits */
  CQL_TERM_DURATION,
  CQL_TERM_MARKER,
  CQL_TERM_LIST,
  CQL_TERM_SET,
  CQL_TERM_MAP,   /* items: key, value, key, value...; {} is an empty MAP */
  CQL_TERM_TUPLE, /* (a, b) */
  CQL_TERM_UDT,   /* {field: value}; field names in `fields` */
  CQL_TERM_FUNC,  /* name(args) */
  CQL_TERM_CAST   /* (type) term: items[0], cast_type */
} cql_term_kind;

typedef struct cql_term cql_term;
struct cql_term {
  uint8_t kind; /* cql_term_kind */
  bool boolean;
  cql_slice text;   /* literal text; function name (lower-cased) */
  uint32_t marker;  /* CQL_TERM_MARKER: index in the statement's markers */
  cql_term **items; /* collections, tuples, UDT values, function args */
  uint32_t n_items;
  cql_slice *fields;     /* CQL_TERM_UDT */
  const void *cast_type; /* CQL_TERM_CAST: const cql_type * (unresolved) */
  uint32_t tok;          /* index of the first token, for messages */
};

/* A bind marker as written: `?` (no name) or `:name`. */
typedef struct cql_ast_marker {
  cql_slice name;
  bool named;
} cql_ast_marker;

typedef enum cql_rel_op {
  CQL_OP_EQ,
  CQL_OP_LT,
  CQL_OP_LTE,
  CQL_OP_GT,
  CQL_OP_GTE,
  CQL_OP_NEQ,
  CQL_OP_IN,
  CQL_OP_CONTAINS,
  CQL_OP_CONTAINS_KEY,
  CQL_OP_LIKE,
  CQL_OP_IS_NOT_NULL
} cql_rel_op;

typedef enum cql_rel_kind {
  CQL_REL_SINGLE, /* col op term */
  CQL_REL_MULTI,  /* (c1, c2) op (t1, t2) | ? */
  CQL_REL_TOKEN,  /* token(c1, c2) op term */
  CQL_REL_ELEM    /* col[key] op term (conditions only) */
} cql_rel_kind;

typedef struct cql_relation {
  uint8_t kind; /* cql_rel_kind */
  uint8_t op;   /* cql_rel_op */
  cql_slice *cols;
  uint32_t n_cols;
  cql_slice field; /* col.field in conditions */
  cql_term *elem;  /* CQL_REL_ELEM: the key */
  /* The right side: one term, or for IN with a parenthesised list,
   * `in_items` (NULL when the right side is a single marker). */
  cql_term *value;
  cql_term **in_items;
  uint32_t n_in;
  bool in_list; /* IN (...) was written with parentheses */
  uint32_t tok;
} cql_relation;

typedef enum cql_sel_kind {
  CQL_SEL_COLUMN,
  CQL_SEL_COUNT_STAR, /* COUNT(*) and COUNT(1) */
  CQL_SEL_COUNT_COL,
  CQL_SEL_TTL,
  CQL_SEL_WRITETIME,
  CQL_SEL_TOKEN, /* token(pk...) */
  CQL_SEL_FUNC   /* other function call over terms (now(), uuid()...) */
} cql_sel_kind;

typedef struct cql_selector {
  uint8_t kind; /* cql_sel_kind */
  cql_slice column;
  cql_slice *args; /* CQL_SEL_TOKEN: column names */
  uint32_t n_args;
  cql_term *func; /* CQL_SEL_FUNC */
  cql_slice alias;
  bool has_alias;
  cql_slice written; /* the selector text as Cassandra names it: "ttl(t)" */
} cql_selector;

typedef struct cql_ordering {
  cql_slice column;
  bool desc;
} cql_ordering;

typedef struct cql_using {
  cql_term *ttl;
  cql_term *timestamp;
} cql_using;

typedef enum cql_assign_kind {
  CQL_ASSIGN_SET,     /* c = t */
  CQL_ASSIGN_ADD,     /* c = c + t */
  CQL_ASSIGN_PREPEND, /* c = t + c */
  CQL_ASSIGN_SUB,     /* c = c - t */
  CQL_ASSIGN_ELEM,    /* c[k] = t */
  CQL_ASSIGN_FIELD    /* c.f = t */
} cql_assign_kind;

typedef struct cql_assignment {
  uint8_t kind; /* cql_assign_kind */
  cql_slice column;
  cql_term *key; /* ELEM */
  cql_slice field;
  cql_term *value;
} cql_assignment;

/* DELETE targets: whole column, c[k] or c.f. */
typedef struct cql_delete_target {
  cql_slice column;
  cql_term *key;
  cql_slice field;
} cql_delete_target;

typedef struct cql_ast_select {
  cql_ast_name table;
  bool star;
  bool distinct;
  bool json;
  cql_selector *sels;
  uint32_t n_sels;
  cql_relation *where;
  uint32_t n_where;
  cql_ordering *order;
  uint32_t n_order;
  cql_term *limit;
  cql_term *per_partition_limit;
  bool allow_filtering;
} cql_ast_select;

typedef struct cql_ast_insert {
  cql_ast_name table;
  cql_slice *cols;
  uint32_t n_cols;
  cql_term **values;
  uint32_t n_values;
  bool json;
  bool if_not_exists;
  cql_using using_;
} cql_ast_insert;

typedef struct cql_ast_update {
  cql_ast_name table;
  cql_using using_;
  cql_assignment *sets;
  uint32_t n_sets;
  cql_relation *where;
  uint32_t n_where;
  bool if_exists;
  cql_relation *conds;
  uint32_t n_conds;
} cql_ast_update;

typedef struct cql_ast_delete {
  cql_ast_name table;
  cql_delete_target *targets;
  uint32_t n_targets;
  cql_using using_;
  cql_relation *where;
  uint32_t n_where;
  bool if_exists;
  cql_relation *conds;
  uint32_t n_conds;
} cql_ast_delete;

typedef struct cql_stmt cql_stmt;

typedef struct cql_ast_batch {
  uint8_t type; /* cql_batch_type */
  cql_using using_;
  cql_stmt **stmts;
  uint32_t n_stmts;
} cql_ast_batch;

/* An option in WITH ...: name = constant | {map}. */
typedef struct cql_ast_option {
  cql_slice name;
  cql_term *value;
} cql_ast_option;

typedef struct cql_ast_coldef {
  cql_slice name;
  const void *type; /* const cql_type * with unresolved UDT references */
  bool is_static;
  bool primary_key; /* `c int PRIMARY KEY` */
} cql_ast_coldef;

typedef struct cql_ast_create_table {
  cql_ast_name table;
  bool if_not_exists;
  cql_ast_coldef *cols;
  uint32_t n_cols;
  cql_slice *pk; /* partition key columns */
  uint32_t n_pk;
  cql_slice *ck; /* clustering columns */
  uint32_t n_ck;
  cql_ordering *clustering_order;
  uint32_t n_clustering_order;
  bool compact_storage;
  cql_ast_option *options;
  uint32_t n_options;
} cql_ast_create_table;

typedef enum cql_alter_kind {
  CQL_ALTER_ADD,
  CQL_ALTER_DROP,
  CQL_ALTER_WITH,
  CQL_ALTER_RENAME,
  CQL_ALTER_ALTER_TYPE /* ALTER col TYPE t: refused like Cassandra 4.0 */
} cql_alter_kind;

typedef struct cql_ast_alter_table {
  cql_ast_name table;
  uint8_t kind; /* cql_alter_kind */
  bool if_exists;
  bool if_col_exists;   /* ADD IF NOT EXISTS / DROP IF EXISTS */
  cql_ast_coldef *cols; /* ADD */
  uint32_t n_cols;
  cql_slice *names; /* DROP; RENAME: from, to pairs */
  uint32_t n_names;
  cql_ast_option *options;
  uint32_t n_options;
} cql_ast_alter_table;

typedef struct cql_ast_keyspace {
  cql_slice name;
  bool if_not_exists; /* CREATE */
  bool if_exists;     /* ALTER, DROP */
  cql_ast_option *options;
  uint32_t n_options;
} cql_ast_keyspace;

typedef struct cql_ast_type {
  cql_ast_name name;
  bool if_not_exists;
  bool if_exists;
  cql_ast_coldef *fields; /* CREATE TYPE, ALTER TYPE ADD */
  uint32_t n_fields;
  cql_slice *renames; /* ALTER TYPE RENAME: from, to pairs */
  uint32_t n_renames;
  bool alter_add;
} cql_ast_type;

typedef struct cql_ast_drop {
  cql_ast_name name;
  bool if_exists;
} cql_ast_drop;

typedef enum cql_stmt_kind {
  CQL_STMT_SELECT,
  CQL_STMT_INSERT,
  CQL_STMT_UPDATE,
  CQL_STMT_DELETE,
  CQL_STMT_BATCH,
  CQL_STMT_USE,
  CQL_STMT_CREATE_KEYSPACE,
  CQL_STMT_ALTER_KEYSPACE,
  CQL_STMT_DROP_KEYSPACE,
  CQL_STMT_CREATE_TABLE,
  CQL_STMT_ALTER_TABLE,
  CQL_STMT_DROP_TABLE,
  CQL_STMT_TRUNCATE,
  CQL_STMT_CREATE_TYPE,
  CQL_STMT_ALTER_TYPE,
  CQL_STMT_DROP_TYPE,
  CQL_STMT_UNSUPPORTED /* parsed far enough to name it; refused with INVALID */
} cql_stmt_kind;

struct cql_stmt {
  uint8_t kind; /* cql_stmt_kind */
  union {
    cql_ast_select select;
    cql_ast_insert insert;
    cql_ast_update update;
    cql_ast_delete del;
    cql_ast_batch batch;
    cql_slice use;
    cql_ast_keyspace keyspace;
    cql_ast_create_table create_table;
    cql_ast_alter_table alter_table;
    cql_ast_drop drop; /* DROP TABLE, DROP TYPE, TRUNCATE */
    cql_ast_type type;
    const char *unsupported; /* a static description */
  } u;
};

/* A parsed statement with its bind markers in order of appearance. */
typedef struct cql_parsed {
  cql_stmt *stmt;
  cql_ast_marker *markers;
  uint32_t n_markers;
} cql_parsed;

#endif
