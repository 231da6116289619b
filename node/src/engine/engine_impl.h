/* Internal structures shared by the engine's modules: the engine, bound
 * statement plans, the execution context, and the functions each module
 * offers the others. */
#ifndef CQL_NODE_ENGINE_IMPL_H
#define CQL_NODE_ENGINE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "catalog.h"
#include "engine.h"
#include "literal.h"
#include "store.h"

/* ---- plans ------------------------------------------------------------ */

/* Where a value comes from at execution: a term (constant or marker)
 * converted for a receiver. */
typedef struct cql_src {
  const cql_term *term;
  const cql_type *type;
  cql_slice name; /* receiver name for messages */
} cql_src;

/* A bound WHERE restriction. */
typedef struct cql_restr {
  uint8_t op; /* cql_rel_op */
  bool multi; /* (c1, c2) op ... */
  bool token; /* token(pk...) op ... */
  const cql_column *col;
  const cql_column **cols; /* multi: the columns, in the written order */
  uint32_t n_cols;
  cql_src value; /* single value, or a list<...> for IN ? */
  cql_src *in;   /* IN (a, b, ...) */
  uint32_t n_in;
  bool in_marker; /* IN ? : `value` holds the whole list */
} cql_restr;

typedef enum cql_out_kind {
  CQL_OUT_COLUMN,
  CQL_OUT_TTL,
  CQL_OUT_WRITETIME,
  CQL_OUT_TOKEN,
  CQL_OUT_FUNC,
  CQL_OUT_COUNT
} cql_out_kind;

typedef struct cql_out_col {
  uint8_t kind; /* cql_out_kind */
  const cql_column *col;
  const cql_term *func;
  cql_column_spec spec;
} cql_out_col;

typedef struct cql_select_plan {
  const cql_table *table;
  cql_out_col *outs;
  uint32_t n_outs;
  bool count; /* an aggregate: one row with COUNT(*) */
  bool distinct;
  bool reversed; /* ORDER BY against the clustering order */
  bool allow_filtering;
  const cql_restr **pk;     /* per partition key column: EQ or IN, or NULL */
  bool pk_complete;         /* every partition key column has one */
  const cql_restr **tokens; /* token() restrictions */
  uint32_t n_tokens;
  const cql_restr **ck; /* clustering restrictions */
  uint32_t n_ck;
  uint32_t eq_prefix;        /* leading clustering columns with a single EQ */
  const cql_restr **filters; /* other restrictions (need ALLOW FILTERING) */
  uint32_t n_filters;
  const cql_term *limit;
  const cql_term *pp_limit;
} cql_select_plan;

typedef enum cql_op_kind {
  CQL_MOP_SET,         /* c = v */
  CQL_MOP_APPEND,      /* c = c + v (list, set, map) */
  CQL_MOP_PREPEND,     /* c = v + c (list) */
  CQL_MOP_REMOVE,      /* c = c - v (list, set; map: set of keys) */
  CQL_MOP_COUNTER,     /* c = c +/- v */
  CQL_MOP_SET_ELEM,    /* c[k] = v */
  CQL_MOP_SET_FIELD,   /* c.f = v */
  CQL_MOP_DELETE,      /* DELETE c */
  CQL_MOP_DELETE_ELEM, /* DELETE c[k] */
  CQL_MOP_DELETE_FIELD /* DELETE c.f */
} cql_op_kind;

typedef struct cql_mop {
  uint8_t kind; /* cql_op_kind */
  bool negate;  /* counter decrement */
  const cql_column *col;
  cql_src key; /* element key / list index */
  cql_src value;
  uint32_t field; /* UDT field index */
} cql_mop;

typedef struct cql_cond {
  const cql_column *col;
  uint8_t op; /* cql_rel_op: EQ, NEQ, LT..., IN */
  bool elem;  /* col[key] op value */
  cql_src key;
  cql_src value;
  cql_src *in;
  uint32_t n_in;
  bool in_marker;
  bool field; /* col.field op value */
  uint32_t field_index;
} cql_cond;

typedef struct cql_mod_plan {
  uint8_t kind; /* CQL_STMT_INSERT, UPDATE or DELETE */
  const cql_table *table;
  const cql_restr **pk; /* per partition key column: EQ or IN */
  const cql_restr **ck; /* clustering: EQ/IN for all, or (DELETE) prefix + slice */
  uint32_t n_ck_restr;
  const cql_restr *ck_slice; /* DELETE range: a slice on the column after the EQs */
  uint32_t ck_eq;            /* leading clustering columns restricted by EQ/IN */
  cql_mop *ops;
  uint32_t n_ops;
  bool insert_marker; /* INSERT writes the row marker */
  bool static_only;   /* only static columns touched: no clustering needed */
  bool whole_row;     /* DELETE without columns */
  const cql_term *ttl;
  const cql_term *timestamp;
  bool if_not_exists;
  bool if_exists;
  cql_cond *conds;
  uint32_t n_conds;
} cql_mod_plan;

typedef struct cql_batch_plan cql_batch_plan;

/* A statement bound to the schema: what PREPARE caches. */
typedef struct cql_bound {
  const cql_stmt *stmt;
  cql_slice keyspace;     /* the keyspace the statement works on */
  const cql_table *table; /* DML: its table */
  cql_select_plan *select;
  cql_mod_plan *mod;
  struct cql_bound **batch; /* BATCH in CQL text: the inner statements */
  uint32_t n_batch;
  cql_column_spec *binds; /* one per marker */
  uint32_t n_binds;
  uint16_t *pk_idx;
  uint32_t n_pk_idx;
  cql_column_spec *results; /* result metadata (SELECT, conditional DML) */
  uint32_t n_results;
  bool conditional;
  uint8_t result_id[16];
} cql_bound;

typedef struct cql_prepared {
  uint8_t id[16];
  cql_arena arena;
  cql_slice query;
  cql_slice keyspace; /* the session keyspace when prepared */
  cql_parsed parsed;
  cql_bound *bound;
  uint64_t last_used;
} cql_prepared;

/* ---- the engine ------------------------------------------------------- */

struct cql_engine {
  const cql_mem *mem;
  cql_arena cfg_arena; /* copies of configuration strings */
  cql_engine_config cfg;
  cql_catalog cat;
  cql_store store;
  cql_prepared **prepared;
  uint32_t n_prepared, cap_prepared;
  uint64_t use_clock; /* LRU counter */
  int64_t last_ts;    /* last write timestamp handed out */
  uint64_t rng;
  uint8_t node_id[6];
  int64_t *tokens;
  uint32_t n_tokens;
  int32_t gossip_generation;
  cql_engine_peer *nodes; /* cfg.nodes, owned (tokens and host ids filled in) */
  uint32_t sys_node;      /* multi-node: whose view system.local/peers hold now */
  bool sys_dirty;         /* the catalog changed since the system tables were generated */
  bool booting;           /* creating system tables: virtual tables are writable */
};

/* ---- execution context ------------------------------------------------ */

typedef struct cql_exec {
  cql_engine *e;
  cql_engine_session *s;
  cql_arena *arena;
  cql_response *out;
  const cql_query_params *params;
  cql_slice result_metadata_id; /* EXECUTE in v5 */
  int64_t now_us;
  int32_t now_sec;
  char err[1024];
  cql_lit_ctx lit;
  const cql_value_arg **bound; /* by marker index */
  uint32_t n_bound;
} cql_exec;

/* ---- results (result.c) ------------------------------------------------ */

/* Fills x->out with an ERROR (message printf-style). Returns false so
 * callers can `return fail(...)`. */
bool cql_fail(cql_exec *x, int32_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool cql_fail_nomem(cql_exec *x);
/* From a literal or store status: INVALID with ctx message, or NOMEM. */
bool cql_fail_status(cql_exec *x, cql_status st);
void cql_result_void(cql_exec *x);
void cql_result_set_keyspace(cql_exec *x, cql_slice ks);
void cql_exec_schema_change(cql_exec *x, const char *change, const char *target, cql_slice ks,
                            cql_slice name);
cql_slice cql_x_strdup(cql_exec *x, cql_slice s);
cql_slice cql_x_printf(cql_exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Rows being built. */
typedef struct cql_rows {
  cql_buf content;
  int32_t n_rows;
  uint32_t n_cols;
} cql_rows;

void cql_rows_init(cql_rows *r, uint32_t n_cols);
void cql_rows_cell(cql_rows *r, const cql_slice *v); /* NULL for null */
/* Turns the rows into a Rows result with `cols` metadata (freed either way). */
bool cql_rows_finish(cql_exec *x, cql_rows *r, const cql_column_spec *cols, uint32_t n_cols,
                     const cql_slice *paging_state, bool skip_metadata, const uint8_t *rmid);

/* MD5 of the result columns, Cassandra's v5 result metadata id. */
void cql_result_metadata_id(const cql_column_spec *cols, uint32_t n, uint8_t out[16]);

/* ---- binding (bind.c) ---------------------------------------------------- */

/* Binds a parsed statement to the schema in keyspace context `ks`,
 * allocating from `arena`. On a semantic error returns NULL with x->out
 * filled with the error. */
cql_bound *cql_bind(cql_exec *x, const cql_parsed *p, cql_slice ks, cql_arena *arena);

/* ---- execution ---------------------------------------------------------- */

/* Sets up bound values for `b` from params (positional or named). */
bool cql_exec_values(cql_exec *x, const cql_bound *b, const cql_value_arg *values,
                     uint32_t n_values, bool named);
/* Fails (INVALID, Cassandra's message) when a write asks for a SERIAL
 * consistency: a plain write never may, a conditional one not as its
 * commit consistency. */
bool cql_check_write_consistency(cql_exec *x, bool conditional);
/* Runs a bound statement (values already set). */
bool cql_exec_bound(cql_exec *x, const cql_bound *b);
bool cql_exec_select(cql_exec *x, const cql_bound *b);
/* Applies one modification; when `cas_rows` is given (conditional
 * statements) it receives the [applied] result. */
bool cql_exec_modify(cql_exec *x, const cql_bound *b);
/* Batch of bound statements with their values (BATCH message or text). */
/* `text_ts` is the USING TIMESTAMP of a BATCH written in CQL (values of
 * a text batch are already bound: `values` is then ignored). */
bool cql_exec_batch(cql_exec *x, uint8_t type, const cql_bound *const *stmts,
                    const cql_value_arg *const *values, const uint32_t *n_values, uint32_t n,
                    bool text_batch, const cql_term *text_ts);
bool cql_exec_schema(cql_exec *x, const cql_bound *b);

/* Converts a source with the current bound values. */
bool cql_eval(cql_exec *x, const cql_src *src, cql_val *out);
/* An int from LIMIT/TTL style terms; `what` names it in messages. */
bool cql_eval_int(cql_exec *x, const cql_term *t, const cql_type *type, const char *name,
                  int64_t *out, bool *present);

/* The token a partition of `t` is stored under: Murmur3, or for key
 * ordered tables the key's first 8 bytes (big-endian, sign flipped), so
 * that partitions sort by key bytes, which is the key order for the text
 * keys virtual tables have. */
int64_t cql_table_token(const cql_table *t, cql_slice key);

/* Serialized partition key of one set of component values. */
cql_slice cql_partition_key(cql_exec *x, const cql_table *t, const cql_slice *parts);
/* Expands EQ/IN restrictions on columns into all value combinations:
 * *out receives n_combos arrays of n values each. */
bool cql_expand(cql_exec *x, const cql_restr *const *r, uint32_t n, cql_slice ***out,
                uint32_t *n_combos);

/* ---- schema (exec_schema.c, system_tables.c) ----------------------------- */

/* A schema change happened: refresh system tables, drop prepared
 * statements on `ks`.`table` (table len 0: the whole keyspace), and call
 * the hook. */
void cql_schema_changed(cql_engine *e, const char *change, const char *target, cql_slice ks,
                        cql_slice name);
bool cql_system_init(cql_engine *e);
/* The CREATE TABLE statements of Cassandra 4.0's system and virtual
 * keyspaces' tables (system_ddl.c, generated by tests/node/gen_system_ddl.py). */
extern const char *const cql_system_ddl[];
extern const size_t cql_n_system_ddl;
void cql_system_refresh(cql_engine *e);
void cql_evict_prepared(cql_engine *e, cql_slice ks, cql_slice table);
/* Called before table `t` is read: regenerates the system tables when the
 * schema changed since they were last generated (schema changes only mark
 * them, so a burst of DDL costs one regeneration), and in a multi-node
 * cluster makes system.local and the peers tables describe the view of
 * node `node_index`. A no-op for other tables. */
void cql_system_before_read(cql_engine *e, const cql_table *t, uint32_t node_index);

/* ---- time ------------------------------------------------------------------ */
int64_t cql_engine_now(cql_engine *e);
int64_t cql_engine_next_ts(cql_engine *e, int64_t now_us);

#endif
