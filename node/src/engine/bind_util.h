/* Helpers shared by the binder's translation units. */
#ifndef CQL_NODE_BIND_UTIL_H
#define CQL_NODE_BIND_UTIL_H

#include "engine_impl.h"

typedef struct binder {
  cql_exec *x;
  cql_arena *arena; /* the bound statement's arena */
  cql_bound *b;
  const cql_parsed *p;
  cql_slice ks;
} binder;

#define SL(s) (int)(s).len, (const char *)(s).ptr

bool bd_fail(binder *bd, int32_t code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *bd_alloc(binder *bd, size_t n);
cql_slice bd_printf(binder *bd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cql_slice bd_dup(binder *bd, cql_slice s);

/* A type node in the bound arena: list<elem>, set<elem>, tuple<...>. */
const cql_type *bd_collection_type(binder *bd, cql_type_id id, const cql_type *elem);
const cql_type *bd_tuple_type(binder *bd, const cql_column *const *cols, uint32_t n);

/* Assigns bind specs to the markers in `t` (nested literals included) for
 * a receiver named `name` of type `type`, and checks marker-free
 * constants right away. */
bool bd_term(binder *bd, const cql_term *t, const cql_table *tab, cql_slice name,
             const cql_type *type);
/* bd_term plus filling a cql_src. */
bool bd_src(binder *bd, cql_src *src, const cql_term *t, const cql_table *tab, cql_slice name,
            const cql_type *type);

const cql_table *bd_table(binder *bd, const cql_ast_name *n);
const cql_column *bd_column(binder *bd, const cql_table *t, cql_slice name);
bool bd_restriction(binder *bd, const cql_table *t, const cql_relation *rel, cql_restr *out);

bool bd_select(binder *bd, const cql_ast_select *s);
bool bd_insert(binder *bd, const cql_ast_insert *s);
bool bd_update(binder *bd, const cql_ast_update *s);
bool bd_delete(binder *bd, const cql_ast_delete *s);
bool bd_using(binder *bd, const cql_using *u, cql_mod_plan *m);

bool bd_is_collection(const cql_type *t);
bool bd_is_multicell(const cql_type *t);

#endif
