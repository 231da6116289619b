/* CREATE, ALTER, DROP and TRUNCATE. */
#include <string.h>

#include "parser_impl.h"

static bool if_not_exists(cql_parser *p, bool *out) {
  if (!pz_accept_kw(p, "if"))
    return true;
  if (!pz_expect_kw(p, "not") || !pz_expect_kw(p, "exists"))
    return false;
  *out = true;
  return true;
}

static bool if_exists(cql_parser *p, bool *out) {
  if (!pz_accept_kw(p, "if"))
    return true;
  if (!pz_expect_kw(p, "exists"))
    return false;
  *out = true;
  return true;
}

/* ---- keyspaces ------------------------------------------------------- */

static cql_stmt *create_keyspace(cql_parser *p) {
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_CREATE_KEYSPACE);
  if (!st)
    return NULL;
  cql_ast_keyspace *k = &st->u.keyspace;
  if (!if_not_exists(p, &k->if_not_exists) || !pz_ident(p, &k->name) || !pz_expect_kw(p, "with") ||
      !pz_options(p, &k->options, &k->n_options))
    return NULL;
  return st;
}

static cql_stmt *alter_keyspace(cql_parser *p) {
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_ALTER_KEYSPACE);
  if (!st)
    return NULL;
  cql_ast_keyspace *k = &st->u.keyspace;
  if (!if_exists(p, &k->if_exists) || !pz_ident(p, &k->name) || !pz_expect_kw(p, "with") ||
      !pz_options(p, &k->options, &k->n_options))
    return NULL;
  return st;
}

/* ---- tables ---------------------------------------------------------- */

static bool coldef(cql_parser *p, cql_ast_coldef *c, bool allow_flags) {
  if (!pz_ident(p, &c->name) || !(c->type = pz_type(p)))
    return false;
  if (!allow_flags)
    return true;
  if (pz_accept_kw(p, "static"))
    c->is_static = true;
  if (pz_accept_kw(p, "primary")) {
    if (!pz_expect_kw(p, "key"))
      return false;
    c->primary_key = true;
  }
  return true;
}

static bool push_name(cql_parser *p, cql_slice **arr, uint32_t *n, uint32_t *cap) {
  cql_slice *s = pz_push(p, (void **)arr, n, cap, sizeof(cql_slice));
  return s && pz_ident(p, s);
}

/* PRIMARY KEY ( (a, b), c, d ) or PRIMARY KEY (a, c). */
static bool primary_key(cql_parser *p, cql_ast_create_table *t) {
  uint32_t pcap = 0, ccap = 0;
  if (t->n_pk)
    return pz_fail_msg(p, "Multiple PRIMARY KEYs specified (exactly one required)");
  if (!pz_expect_punct(p, '('))
    return false;
  if (pz_accept_punct(p, '(')) {
    do {
      if (!push_name(p, &t->pk, &t->n_pk, &pcap))
        return false;
    } while (pz_accept_punct(p, ','));
    if (!pz_expect_punct(p, ')'))
      return false;
  } else if (!push_name(p, &t->pk, &t->n_pk, &pcap)) {
    return false;
  }
  while (pz_accept_punct(p, ','))
    if (!push_name(p, &t->ck, &t->n_ck, &ccap))
      return false;
  return pz_expect_punct(p, ')');
}

static bool clustering_order(cql_parser *p, cql_ast_create_table *t) {
  uint32_t cap = 0;
  if (!pz_expect_kw(p, "order") || !pz_expect_kw(p, "by") || !pz_expect_punct(p, '('))
    return false;
  do {
    cql_ordering *o = pz_push(p, (void **)&t->clustering_order, &t->n_clustering_order, &cap,
                              sizeof(cql_ordering));
    if (!o || !pz_ident(p, &o->column))
      return false;
    if (pz_accept_kw(p, "desc"))
      o->desc = true;
    else
      pz_accept_kw(p, "asc");
  } while (pz_accept_punct(p, ','));
  return pz_expect_punct(p, ')');
}

static bool table_options(cql_parser *p, cql_ast_create_table *t) {
  uint32_t cap = 0;
  do {
    if (pz_accept_kw(p, "clustering")) {
      if (!clustering_order(p, t))
        return false;
    } else if (pz_accept_kw(p, "compact")) {
      if (!pz_expect_kw(p, "storage"))
        return false;
      t->compact_storage = true;
    } else {
      cql_ast_option *o = pz_push(p, (void **)&t->options, &t->n_options, &cap, sizeof(*o));
      if (!o || !pz_property(p, o))
        return false;
    }
  } while (pz_accept_kw(p, "and"));
  return true;
}

static cql_stmt *create_table(cql_parser *p) {
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_CREATE_TABLE);
  if (!st)
    return NULL;
  cql_ast_create_table *t = &st->u.create_table;
  if (!if_not_exists(p, &t->if_not_exists) || !pz_qualified(p, &t->table) ||
      !pz_expect_punct(p, '('))
    return NULL;
  uint32_t cap = 0;
  do {
    if (pz_is_kw(p, "primary") && pz_is_kw_at(p, 1, "key")) {
      pz_next(p);
      pz_next(p);
      if (!primary_key(p, t))
        return NULL;
      continue;
    }
    cql_ast_coldef *c = pz_push(p, (void **)&t->cols, &t->n_cols, &cap, sizeof(cql_ast_coldef));
    if (!c || !coldef(p, c, true))
      return NULL;
  } while (pz_accept_punct(p, ','));
  if (!pz_expect_punct(p, ')'))
    return NULL;
  if (pz_accept_kw(p, "with") && !table_options(p, t))
    return NULL;
  return st;
}

static bool alter_add(cql_parser *p, cql_ast_alter_table *a) {
  uint32_t cap = 0;
  a->kind = CQL_ALTER_ADD;
  if (pz_is_kw(p, "if") && !if_not_exists(p, &a->if_col_exists))
    return false;
  bool paren = pz_accept_punct(p, '(');
  do {
    cql_ast_coldef *c = pz_push(p, (void **)&a->cols, &a->n_cols, &cap, sizeof(cql_ast_coldef));
    if (!c || !coldef(p, c, false))
      return false;
    if (pz_accept_kw(p, "static"))
      c->is_static = true;
  } while (paren && pz_accept_punct(p, ','));
  return !paren || pz_expect_punct(p, ')');
}

static bool alter_drop(cql_parser *p, cql_ast_alter_table *a) {
  uint32_t cap = 0;
  a->kind = CQL_ALTER_DROP;
  if (pz_is_kw(p, "if") && !if_exists(p, &a->if_col_exists))
    return false;
  bool paren = pz_accept_punct(p, '(');
  do {
    if (!push_name(p, &a->names, &a->n_names, &cap))
      return false;
  } while (paren && pz_accept_punct(p, ','));
  if (paren && !pz_expect_punct(p, ')'))
    return false;
  if (pz_accept_kw(p, "using")) { /* USING TIMESTAMP t: accepted, ignored */
    if (!pz_expect_kw(p, "timestamp") || !pz_term(p))
      return false;
  }
  return true;
}

static bool alter_rename(cql_parser *p, cql_ast_alter_table *a) {
  uint32_t cap = 0;
  a->kind = CQL_ALTER_RENAME;
  if (pz_is_kw(p, "if") && !if_exists(p, &a->if_col_exists))
    return false;
  do {
    if (!push_name(p, &a->names, &a->n_names, &cap) || !pz_expect_kw(p, "to") ||
        !push_name(p, &a->names, &a->n_names, &cap))
      return false;
  } while (pz_accept_kw(p, "and"));
  return true;
}

static cql_stmt *alter_table(cql_parser *p) {
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_ALTER_TABLE);
  if (!st)
    return NULL;
  cql_ast_alter_table *a = &st->u.alter_table;
  if (pz_is_kw(p, "if") && !if_exists(p, &a->if_exists))
    return NULL;
  if (!pz_qualified(p, &a->table))
    return NULL;
  bool ok;
  if (pz_accept_kw(p, "add")) {
    ok = alter_add(p, a);
  } else if (pz_accept_kw(p, "drop")) {
    ok = alter_drop(p, a);
  } else if (pz_accept_kw(p, "with")) {
    a->kind = CQL_ALTER_WITH;
    ok = pz_options(p, &a->options, &a->n_options);
  } else if (pz_accept_kw(p, "rename")) {
    ok = alter_rename(p, a);
  } else if (pz_accept_kw(p, "alter")) {
    uint32_t cap = 0;
    a->kind = CQL_ALTER_ALTER_TYPE;
    ok = push_name(p, &a->names, &a->n_names, &cap) && pz_expect_kw(p, "type") && pz_type(p);
  } else {
    ok = pz_fail_noviable(p);
  }
  return ok ? st : NULL;
}

/* ---- types ----------------------------------------------------------- */

static bool type_fields(cql_parser *p, cql_ast_type *t) {
  uint32_t cap = 0;
  if (!pz_expect_punct(p, '('))
    return false;
  do {
    cql_ast_coldef *f = pz_push(p, (void **)&t->fields, &t->n_fields, &cap, sizeof(*f));
    if (!f || !coldef(p, f, false))
      return false;
  } while (pz_accept_punct(p, ','));
  return pz_expect_punct(p, ')');
}

static cql_stmt *create_type(cql_parser *p) {
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_CREATE_TYPE);
  if (!st)
    return NULL;
  cql_ast_type *t = &st->u.type;
  if (!if_not_exists(p, &t->if_not_exists) || !pz_qualified(p, &t->name) || !type_fields(p, t))
    return NULL;
  return st;
}

static cql_stmt *alter_type(cql_parser *p) {
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_ALTER_TYPE);
  if (!st)
    return NULL;
  cql_ast_type *t = &st->u.type;
  if (!pz_qualified(p, &t->name))
    return NULL;
  if (pz_accept_kw(p, "add")) {
    t->alter_add = true;
    t->fields = pz_alloc(p, sizeof(cql_ast_coldef));
    t->n_fields = 1;
    return t->fields && coldef(p, t->fields, false) ? st : NULL;
  }
  if (pz_accept_kw(p, "rename")) {
    uint32_t cap = 0;
    do {
      if (!push_name(p, &t->renames, &t->n_renames, &cap) || !pz_expect_kw(p, "to") ||
          !push_name(p, &t->renames, &t->n_renames, &cap))
        return NULL;
    } while (pz_accept_kw(p, "and"));
    return st;
  }
  if (pz_is_kw(p, "alter"))
    return pz_unsupported(p, "ALTER TYPE ... ALTER");
  pz_fail_noviable(p);
  return NULL;
}

/* ---- dispatch -------------------------------------------------------- */

cql_stmt *pz_create(cql_parser *p) {
  pz_next(p);
  if (pz_accept_kw(p, "keyspace") || pz_accept_kw(p, "schema"))
    return create_keyspace(p);
  if (pz_accept_kw(p, "table") || pz_accept_kw(p, "columnfamily"))
    return create_table(p);
  if (pz_accept_kw(p, "type"))
    return create_type(p);
  if (pz_is_kw(p, "index") || pz_is_kw(p, "custom"))
    return pz_unsupported(p, "secondary indexes");
  if (pz_is_kw(p, "materialized"))
    return pz_unsupported(p, "materialized views");
  if (pz_is_kw(p, "function") || pz_is_kw(p, "aggregate") || pz_is_kw(p, "or"))
    return pz_unsupported(p, "user-defined functions and aggregates");
  if (pz_is_kw(p, "trigger"))
    return pz_unsupported(p, "triggers");
  if (pz_is_kw(p, "role") || pz_is_kw(p, "user"))
    return pz_unsupported(p, "roles and users");
  pz_fail_noviable(p);
  return NULL;
}

cql_stmt *pz_alter(cql_parser *p) {
  pz_next(p);
  if (pz_accept_kw(p, "keyspace") || pz_accept_kw(p, "schema"))
    return alter_keyspace(p);
  if (pz_accept_kw(p, "table") || pz_accept_kw(p, "columnfamily"))
    return alter_table(p);
  if (pz_accept_kw(p, "type"))
    return alter_type(p);
  if (pz_is_kw(p, "materialized"))
    return pz_unsupported(p, "materialized views");
  if (pz_is_kw(p, "role") || pz_is_kw(p, "user"))
    return pz_unsupported(p, "roles and users");
  pz_fail_noviable(p);
  return NULL;
}

static cql_stmt *drop_named(cql_parser *p, cql_stmt_kind kind) {
  cql_stmt *st = pz_new_stmt(p, kind);
  if (!st)
    return NULL;
  if (!if_exists(p, &st->u.drop.if_exists) || !pz_qualified(p, &st->u.drop.name))
    return NULL;
  return st;
}

cql_stmt *pz_drop(cql_parser *p) {
  pz_next(p);
  if (pz_accept_kw(p, "keyspace") || pz_accept_kw(p, "schema")) {
    cql_stmt *st = pz_new_stmt(p, CQL_STMT_DROP_KEYSPACE);
    if (!st || !if_exists(p, &st->u.keyspace.if_exists) || !pz_ident(p, &st->u.keyspace.name))
      return NULL;
    return st;
  }
  if (pz_accept_kw(p, "table") || pz_accept_kw(p, "columnfamily"))
    return drop_named(p, CQL_STMT_DROP_TABLE);
  if (pz_accept_kw(p, "type"))
    return drop_named(p, CQL_STMT_DROP_TYPE);
  if (pz_is_kw(p, "index"))
    return pz_unsupported(p, "secondary indexes");
  if (pz_is_kw(p, "materialized"))
    return pz_unsupported(p, "materialized views");
  if (pz_is_kw(p, "function") || pz_is_kw(p, "aggregate"))
    return pz_unsupported(p, "user-defined functions and aggregates");
  if (pz_is_kw(p, "trigger"))
    return pz_unsupported(p, "triggers");
  if (pz_is_kw(p, "role") || pz_is_kw(p, "user"))
    return pz_unsupported(p, "roles and users");
  pz_fail_noviable(p);
  return NULL;
}

cql_stmt *pz_truncate(cql_parser *p) {
  pz_next(p);
  if (!pz_accept_kw(p, "table"))
    pz_accept_kw(p, "columnfamily");
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_TRUNCATE);
  if (!st || !pz_qualified(p, &st->u.drop.name))
    return NULL;
  return st;
}
