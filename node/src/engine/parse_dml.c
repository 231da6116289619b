/* SELECT, INSERT, UPDATE, DELETE and BATCH. */
#include <string.h>

#include "message.h"
#include "parser_impl.h"

/* ---- SELECT ---------------------------------------------------------- */

static bool selector_call(cql_parser *p, cql_selector *s, const char *fname) {
  pz_next(p); /* function name */
  pz_next(p); /* ( */
  if (strcmp(fname, "count") == 0 && (pz_is_punct(p, '*') || pz_peek(p)->kind == CQL_TOK_INT)) {
    if (pz_peek(p)->kind == CQL_TOK_INT && !cql_slice_eq_cstr(pz_peek(p)->text, "1"))
      return pz_fail_msg(p, "Only COUNT(1) is supported, got COUNT(other)");
    pz_next(p);
    s->kind = CQL_SEL_COUNT_STAR;
    return pz_expect_punct(p, ')');
  }
  if (strcmp(fname, "token") == 0) {
    uint32_t cap = 0;
    s->kind = CQL_SEL_TOKEN;
    do {
      cql_slice *a = pz_push(p, (void **)&s->args, &s->n_args, &cap, sizeof(cql_slice));
      if (!a || !pz_ident(p, a))
        return false;
    } while (pz_accept_punct(p, ','));
    return pz_expect_punct(p, ')');
  }
  s->kind = strcmp(fname, "ttl") == 0         ? CQL_SEL_TTL
            : strcmp(fname, "writetime") == 0 ? CQL_SEL_WRITETIME
                                              : CQL_SEL_COUNT_COL;
  return pz_ident(p, &s->column) && pz_expect_punct(p, ')');
}

static bool selector(cql_parser *p, cql_selector *s) {
  static const char *const calls[] = {"count", "ttl", "writetime", "token"};
  size_t start = pz_peek(p)->off;
  bool done = false;
  if (pz_is_punct_at(p, 1, '(')) {
    for (size_t i = 0; i < 4 && !done; i++) {
      if (pz_is_kw(p, calls[i])) {
        if (!selector_call(p, s, calls[i]))
          return false;
        done = true;
      }
    }
    if (!done) {
      s->kind = CQL_SEL_FUNC;
      if (!(s->func = pz_term(p)))
        return false;
      done = true;
    }
  }
  if (!done) {
    s->kind = CQL_SEL_COLUMN;
    if (!pz_ident(p, &s->column))
      return false;
  }
  const cql_token *prev = &p->tl.toks[p->i];
  size_t end = prev->off;
  while (end > start && (p->query.ptr[end - 1] == ' ' || p->query.ptr[end - 1] == '\t' ||
                         p->query.ptr[end - 1] == '\n' || p->query.ptr[end - 1] == '\r'))
    end--;
  s->written = (cql_slice){p->query.ptr + start, end - start};
  if (pz_accept_kw(p, "as")) {
    s->has_alias = true;
    return pz_ident(p, &s->alias);
  }
  return true;
}

static bool order_by(cql_parser *p, cql_ast_select *s) {
  uint32_t cap = 0;
  do {
    cql_ordering *o = pz_push(p, (void **)&s->order, &s->n_order, &cap, sizeof(cql_ordering));
    if (!o || !pz_ident(p, &o->column))
      return false;
    if (pz_accept_kw(p, "desc"))
      o->desc = true;
    else
      pz_accept_kw(p, "asc");
  } while (pz_accept_punct(p, ','));
  return true;
}

static bool select_tail(cql_parser *p, cql_ast_select *s) {
  if (pz_is_kw(p, "where") && !pz_where(p, &s->where, &s->n_where))
    return false;
  if (pz_is_kw(p, "group"))
    return pz_fail_msg(p, "GROUP BY is not supported by cqlkit-node");
  if (pz_accept_kw(p, "order")) {
    if (!pz_expect_kw(p, "by") || !order_by(p, s))
      return false;
  }
  if (pz_accept_kw(p, "per")) {
    if (!pz_expect_kw(p, "partition") || !pz_expect_kw(p, "limit"))
      return false;
    if (!(s->per_partition_limit = pz_term(p)))
      return false;
  }
  if (pz_accept_kw(p, "limit") && !(s->limit = pz_term(p)))
    return false;
  if (pz_accept_kw(p, "allow")) {
    if (!pz_expect_kw(p, "filtering"))
      return false;
    s->allow_filtering = true;
  }
  return true;
}

cql_stmt *pz_select(cql_parser *p) {
  pz_next(p);
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_SELECT);
  if (!st)
    return NULL;
  cql_ast_select *s = &st->u.select;
  if (pz_is_kw(p, "json") && !pz_is_punct_at(p, 1, ',') && !pz_is_kw_at(p, 1, "from")) {
    pz_next(p);
    s->json = true;
  }
  if (pz_is_kw(p, "distinct") && !pz_is_punct_at(p, 1, ',') && !pz_is_kw_at(p, 1, "from")) {
    pz_next(p);
    s->distinct = true;
  }
  if (pz_accept_punct(p, '*')) {
    s->star = true;
  } else {
    uint32_t cap = 0;
    do {
      cql_selector *sel = pz_push(p, (void **)&s->sels, &s->n_sels, &cap, sizeof(cql_selector));
      if (!sel || !selector(p, sel))
        return NULL;
    } while (pz_accept_punct(p, ','));
  }
  if (!pz_expect_kw(p, "from") || !pz_qualified(p, &s->table) || !select_tail(p, s))
    return NULL;
  return st;
}

/* ---- INSERT ---------------------------------------------------------- */

cql_stmt *pz_insert(cql_parser *p) {
  pz_next(p);
  if (!pz_expect_kw(p, "into"))
    return NULL;
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_INSERT);
  if (!st)
    return NULL;
  cql_ast_insert *s = &st->u.insert;
  if (!pz_qualified(p, &s->table))
    return NULL;
  if (pz_is_kw(p, "json"))
    return pz_unsupported(p, "INSERT JSON");
  uint32_t cap = 0;
  if (!pz_expect_punct(p, '('))
    return NULL;
  do {
    cql_slice *c = pz_push(p, (void **)&s->cols, &s->n_cols, &cap, sizeof(cql_slice));
    if (!c || !pz_ident(p, c))
      return NULL;
  } while (pz_accept_punct(p, ','));
  if (!pz_expect_punct(p, ')') || !pz_expect_kw(p, "values") || !pz_expect_punct(p, '('))
    return NULL;
  cap = 0;
  do {
    cql_term **v = pz_push(p, (void **)&s->values, &s->n_values, &cap, sizeof(cql_term *));
    if (!v || !(*v = pz_term(p)))
      return NULL;
  } while (pz_accept_punct(p, ','));
  if (!pz_expect_punct(p, ')'))
    return NULL;
  if (pz_accept_kw(p, "if")) {
    if (!pz_expect_kw(p, "not") || !pz_expect_kw(p, "exists"))
      return NULL;
    s->if_not_exists = true;
  }
  if (!pz_using(p, &s->using_, true))
    return NULL;
  return st;
}

/* ---- UPDATE ---------------------------------------------------------- */

static bool same_column_rhs(cql_parser *p, const cql_assignment *a) {
  cql_slice name;
  uint32_t save = p->i;
  if (!pz_is_ident(p) || pz_is_punct_at(p, 1, '('))
    return false;
  const cql_token *t = pz_peek(p);
  static const char *const consts[] = {"true", "false", "null", "nan", "infinity"};
  for (size_t i = 0; i < 5; i++)
    if (cql_tok_is_kw(t, consts[i]))
      return false;
  if (!pz_ident(p, &name))
    return false;
  const cql_token *sign = pz_peek(p);
  bool neg_int = sign->kind == CQL_TOK_INT && sign->text.len && sign->text.ptr[0] == '-';
  if (!neg_int && !pz_is_punct(p, '+') && !pz_is_punct(p, '-')) {
    p->i = save;
    return pz_fail_noviable(p);
  }
  if (!cql_slice_eq(name, a->column)) {
    bool plus = pz_is_punct(p, '+');
    p->i = save;
    return pz_fail_msg(p, plus ? "Only expressions of the form X = X +<value> are supported."
                               : "Only expressions of the form X = X -<value> are supported.");
  }
  return true;
}

static bool assignment_rhs(cql_parser *p, cql_assignment *a) {
  if (same_column_rhs(p, a)) {
    const cql_token *t = pz_peek(p);
    if (t->kind == CQL_TOK_INT && t->text.len && t->text.ptr[0] == '-') {
      /* "c = c -2": the lexer folded the sign into the number */
      a->kind = CQL_ASSIGN_ADD;
      return (a->value = pz_term(p)) != NULL;
    }
    if (pz_accept_punct(p, '+'))
      a->kind = CQL_ASSIGN_ADD;
    else if (pz_accept_punct(p, '-'))
      a->kind = CQL_ASSIGN_SUB;
    else
      return pz_fail_noviable(p);
    return (a->value = pz_term(p)) != NULL;
  }
  if (pz_failed(p))
    return false;
  if (!(a->value = pz_term(p)))
    return false;
  a->kind = CQL_ASSIGN_SET;
  if (pz_accept_punct(p, '+')) {
    cql_slice name;
    if (!pz_ident(p, &name))
      return false;
    if (!cql_slice_eq(name, a->column))
      return pz_fail_msg(p, "Only expressions of the form X = <value> + X are supported.");
    a->kind = CQL_ASSIGN_PREPEND;
  }
  return true;
}

static bool assignment(cql_parser *p, cql_assignment *a) {
  if (!pz_ident(p, &a->column))
    return false;
  if (pz_accept_punct(p, '[')) {
    a->kind = CQL_ASSIGN_ELEM;
    if (!(a->key = pz_term(p)) || !pz_expect_punct(p, ']') || !pz_expect_punct(p, '='))
      return false;
    return (a->value = pz_term(p)) != NULL;
  }
  if (pz_accept_punct(p, '.')) {
    a->kind = CQL_ASSIGN_FIELD;
    if (!pz_ident(p, &a->field) || !pz_expect_punct(p, '='))
      return false;
    return (a->value = pz_term(p)) != NULL;
  }
  if ((pz_is_punct(p, '+') || pz_is_punct(p, '-')) && pz_is_punct_at(p, 1, '=')) {
    a->kind = pz_is_punct(p, '+') ? CQL_ASSIGN_ADD : CQL_ASSIGN_SUB;
    pz_next(p);
    pz_next(p);
    return (a->value = pz_term(p)) != NULL;
  }
  if (!pz_expect_punct(p, '='))
    return false;
  return assignment_rhs(p, a);
}

static bool if_clause(cql_parser *p, bool *if_exists, cql_relation **conds, uint32_t *n) {
  if (!pz_accept_kw(p, "if"))
    return true;
  if (pz_is_kw(p, "exists")) {
    pz_next(p);
    *if_exists = true;
    return true;
  }
  return pz_conditions(p, conds, n);
}

cql_stmt *pz_update(cql_parser *p) {
  pz_next(p);
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_UPDATE);
  if (!st)
    return NULL;
  cql_ast_update *s = &st->u.update;
  if (!pz_qualified(p, &s->table) || !pz_using(p, &s->using_, true) || !pz_expect_kw(p, "set"))
    return NULL;
  uint32_t cap = 0;
  do {
    cql_assignment *a = pz_push(p, (void **)&s->sets, &s->n_sets, &cap, sizeof(cql_assignment));
    if (!a || !assignment(p, a))
      return NULL;
  } while (pz_accept_punct(p, ','));
  if (!pz_where(p, &s->where, &s->n_where) || !if_clause(p, &s->if_exists, &s->conds, &s->n_conds))
    return NULL;
  return st;
}

/* ---- DELETE ---------------------------------------------------------- */

static bool delete_target(cql_parser *p, cql_delete_target *t) {
  if (!pz_ident(p, &t->column))
    return false;
  if (pz_accept_punct(p, '['))
    return (t->key = pz_term(p)) != NULL && pz_expect_punct(p, ']');
  if (pz_accept_punct(p, '.'))
    return pz_ident(p, &t->field);
  return true;
}

cql_stmt *pz_delete(cql_parser *p) {
  pz_next(p);
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_DELETE);
  if (!st)
    return NULL;
  cql_ast_delete *s = &st->u.del;
  if (!pz_is_kw(p, "from")) {
    uint32_t cap = 0;
    do {
      cql_delete_target *t =
          pz_push(p, (void **)&s->targets, &s->n_targets, &cap, sizeof(cql_delete_target));
      if (!t || !delete_target(p, t))
        return NULL;
    } while (pz_accept_punct(p, ','));
  }
  if (!pz_expect_kw(p, "from") || !pz_qualified(p, &s->table) || !pz_using(p, &s->using_, false) ||
      !pz_where(p, &s->where, &s->n_where) || !if_clause(p, &s->if_exists, &s->conds, &s->n_conds))
    return NULL;
  return st;
}

/* ---- BATCH ----------------------------------------------------------- */

cql_stmt *pz_batch(cql_parser *p) {
  pz_next(p);
  cql_stmt *st = pz_new_stmt(p, CQL_STMT_BATCH);
  if (!st)
    return NULL;
  cql_ast_batch *b = &st->u.batch;
  b->type = CQL_BATCH_LOGGED;
  if (pz_accept_kw(p, "unlogged"))
    b->type = CQL_BATCH_UNLOGGED;
  else if (pz_accept_kw(p, "counter"))
    b->type = CQL_BATCH_COUNTER;
  if (!pz_expect_kw(p, "batch") || !pz_using(p, &b->using_, false))
    return NULL;
  uint32_t cap = 0;
  while (!pz_is_kw(p, "apply")) {
    cql_stmt *inner = NULL;
    if (pz_is_kw(p, "insert"))
      inner = pz_insert(p);
    else if (pz_is_kw(p, "update"))
      inner = pz_update(p);
    else if (pz_is_kw(p, "delete"))
      inner = pz_delete(p);
    else {
      pz_fail_noviable(p);
      return NULL;
    }
    cql_stmt **slot = pz_push(p, (void **)&b->stmts, &b->n_stmts, &cap, sizeof(cql_stmt *));
    if (!inner || !slot)
      return NULL;
    *slot = inner;
    while (pz_accept_punct(p, ';'))
      ;
  }
  pz_next(p);
  return pz_expect_kw(p, "batch") ? st : NULL;
}
