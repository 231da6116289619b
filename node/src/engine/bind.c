/* Binding statements to the schema: tables, columns, bind marker specs,
 * restrictions; statement-specific parts live in bind_select.c and
 * bind_modify.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bind_util.h"
#include "type.h"

bool bd_fail(binder *bd, int32_t code, const char *fmt, ...) {
  char tmp[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  return cql_fail(bd->x, code, "%s", tmp);
}

void *bd_alloc(binder *bd, size_t n) {
  void *p = cql_arena_alloc(bd->arena, n);
  if (!p)
    cql_fail_nomem(bd->x);
  return p;
}

cql_slice bd_dup(binder *bd, cql_slice s) {
  uint8_t *p = cql_arena_alloc(bd->arena, s.len + 1);
  if (!p)
    return (cql_slice){NULL, 0};
  if (s.len)
    memcpy(p, s.ptr, s.len);
  p[s.len] = 0;
  return (cql_slice){p, s.len};
}

cql_slice bd_printf(binder *bd, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  if ((size_t)n >= sizeof(tmp))
    n = sizeof(tmp) - 1;
  return bd_dup(bd, (cql_slice){(const uint8_t *)tmp, (size_t)n});
}

const cql_type *bd_collection_type(binder *bd, cql_type_id id, const cql_type *elem) {
  cql_type *t = bd_alloc(bd, sizeof(*t));
  const cql_type **kids = bd_alloc(bd, sizeof(cql_type *));
  if (!t || !kids)
    return NULL;
  kids[0] = elem;
  t->id = id;
  t->n_children = 1;
  t->children = kids;
  return t;
}

const cql_type *bd_tuple_type(binder *bd, const cql_column *const *cols, uint32_t n) {
  cql_type *t = bd_alloc(bd, sizeof(*t));
  const cql_type **kids = bd_alloc(bd, (n ? n : 1) * sizeof(cql_type *));
  if (!t || !kids)
    return NULL;
  for (uint32_t i = 0; i < n; i++)
    kids[i] = cols[i]->type;
  t->id = CQL_TYPE_TUPLE;
  t->frozen = true;
  t->n_children = n;
  t->children = kids;
  return t;
}

bool bd_is_collection(const cql_type *t) {
  return t->id == CQL_TYPE_LIST || t->id == CQL_TYPE_SET || t->id == CQL_TYPE_MAP;
}

bool bd_is_multicell(const cql_type *t) {
  return (bd_is_collection(t) || t->id == CQL_TYPE_UDT) && !t->frozen;
}

/* ---- markers and constants -------------------------------------------- */

static bool has_marker_or_call(const cql_term *t, int depth) {
  if (depth > 64)
    return true;
  if (t->kind == CQL_TERM_MARKER || t->kind == CQL_TERM_FUNC)
    return true;
  for (uint32_t i = 0; i < t->n_items; i++)
    if (has_marker_or_call(t->items[i], depth + 1))
      return true;
  return false;
}

static bool set_marker(binder *bd, const cql_term *t, const cql_table *tab, cql_slice name,
                       const cql_type *type) {
  if (t->marker >= bd->b->n_binds)
    return bd_fail(bd, CQL_SERVER_INVALID, "Invalid bind marker");
  cql_column_spec *s = &bd->b->binds[t->marker];
  const cql_ast_marker *m = &bd->p->markers[t->marker];
  s->keyspace = tab ? tab->keyspace : bd->ks;
  s->table = tab ? tab->name : (cql_slice){(const uint8_t *)"", 0};
  s->name = m->named ? bd_dup(bd, m->name) : name;
  s->type = type;
  return true;
}

static bool walk(binder *bd, const cql_term *t, const cql_table *tab, cql_slice name,
                 const cql_type *type, int depth);

static bool walk_items(binder *bd, const cql_term *t, const cql_table *tab, cql_slice name,
                       const cql_type *type, int depth) {
  for (uint32_t i = 0; i < t->n_items; i++) {
    const cql_type *it = NULL;
    cql_slice iname = name;
    switch (type->id) {
    case CQL_TYPE_LIST:
    case CQL_TYPE_SET:
    case CQL_TYPE_VECTOR:
      it = type->children[0];
      iname = bd_printf(bd, "value(%.*s)", SL(name));
      break;
    case CQL_TYPE_MAP:
      it = type->children[i % 2];
      iname = bd_printf(bd, "%s(%.*s)", i % 2 ? "value" : "key", SL(name));
      break;
    case CQL_TYPE_TUPLE:
      it = i < type->n_children ? type->children[i] : NULL;
      iname = bd_printf(bd, "%.*s[%u]", SL(name), i);
      break;
    case CQL_TYPE_UDT:
      for (uint32_t f = 0; f < type->n_children && t->fields; f++)
        if (cql_slice_eq(type->field_names[f], t->fields[i])) {
          it = type->children[f];
          iname = bd_printf(bd, "%.*s.%.*s", SL(name), SL(t->fields[i]));
        }
      break;
    default:
      break;
    }
    if (!it)
      continue; /* the literal does not fit: conversion reports it */
    if (!walk(bd, t->items[i], tab, iname, it, depth + 1))
      return false;
  }
  return true;
}

static bool walk_function(binder *bd, const cql_term *t, const cql_table *tab, int depth) {
  for (uint32_t i = 0; i < t->n_items; i++) {
    cql_slice f = t->text;
    bool from_ts = cql_slice_eq_cstr(f, "mintimeuuid") || cql_slice_eq_cstr(f, "maxtimeuuid");
    const cql_type *at = cql_type_native(from_ts ? CQL_TYPE_TIMESTAMP : CQL_TYPE_TIMEUUID);
    cql_slice an = bd_printf(bd, "arg%u(system.%.*s)", i, SL(f));
    if (!walk(bd, t->items[i], tab, an, at, depth + 1))
      return false;
  }
  return true;
}

static bool walk(binder *bd, const cql_term *t, const cql_table *tab, cql_slice name,
                 const cql_type *type, int depth) {
  if (depth > CQL_TYPE_MAX_DEPTH + 16)
    return bd_fail(bd, CQL_SERVER_INVALID, "Literal nested too deeply");
  switch (t->kind) {
  case CQL_TERM_MARKER:
    return set_marker(bd, t, tab, name, type);
  case CQL_TERM_FUNC:
    return walk_function(bd, t, tab, depth);
  case CQL_TERM_CAST:
    return walk(bd, t->items[0], tab, name, type, depth + 1);
  case CQL_TERM_LIST:
  case CQL_TERM_SET:
  case CQL_TERM_MAP:
  case CQL_TERM_TUPLE:
  case CQL_TERM_UDT:
    return walk_items(bd, t, tab, name, type, depth);
  default:
    return true;
  }
}

bool bd_term(binder *bd, const cql_term *t, const cql_table *tab, cql_slice name,
             const cql_type *type) {
  if (!walk(bd, t, tab, name, type, 0))
    return false;
  if (has_marker_or_call(t, 0))
    return true;
  /* Constants are checked when the statement is prepared, as Cassandra. */
  cql_arena *saved = bd->x->lit.arena;
  bd->x->lit.arena = bd->x->arena;
  cql_val v;
  cql_status st = cql_term_value(&bd->x->lit, t, type, name, &v);
  bd->x->lit.arena = saved;
  if (st != CQL_OK)
    return cql_fail_status(bd->x, st);
  return true;
}

bool bd_src(binder *bd, cql_src *src, const cql_term *t, const cql_table *tab, cql_slice name,
            const cql_type *type) {
  src->term = t;
  src->type = type;
  src->name = name;
  return bd_term(bd, t, tab, name, type);
}

/* ---- tables and columns ------------------------------------------------ */

const cql_table *bd_table(binder *bd, const cql_ast_name *n) {
  cql_slice ks = n->keyspace.len ? n->keyspace : bd->ks;
  if (!ks.len) {
    bd_fail(bd, CQL_SERVER_INVALID,
            "No keyspace has been specified. USE a keyspace, or explicitly specify "
            "keyspace.tablename");
    return NULL;
  }
  if (!cql_catalog_keyspace(&bd->x->e->cat, ks)) {
    bd_fail(bd, CQL_SERVER_INVALID, "keyspace %.*s does not exist", SL(ks));
    return NULL;
  }
  const cql_table *t = cql_catalog_table(&bd->x->e->cat, ks, n->name);
  if (!t) {
    bd_fail(bd, CQL_SERVER_INVALID, "table %.*s does not exist", SL(n->name));
    return NULL;
  }
  bd->b->keyspace = t->keyspace;
  bd->b->table = t;
  return t;
}

const cql_column *bd_column(binder *bd, const cql_table *t, cql_slice name) {
  const cql_column *c = cql_table_column(t, name);
  if (!c)
    bd_fail(bd, CQL_SERVER_INVALID, "Undefined column name %.*s", SL(name));
  return c;
}

/* ---- restrictions ------------------------------------------------------- */

static bool restr_single(binder *bd, const cql_table *t, const cql_relation *rel, cql_restr *r) {
  const cql_column *c = bd_column(bd, t, rel->cols[0]);
  if (!c)
    return false;
  r->col = c;
  switch (rel->op) {
  case CQL_OP_IN:
    if (!rel->in_list) {
      r->in_marker = true;
      const cql_type *lt = bd_collection_type(bd, CQL_TYPE_LIST, c->type);
      return lt && bd_src(bd, &r->value, rel->value, t, bd_printf(bd, "in(%.*s)", SL(c->name)), lt);
    }
    r->n_in = rel->n_in;
    r->in = bd_alloc(bd, (rel->n_in + 1) * sizeof(cql_src));
    if (!r->in)
      return false;
    for (uint32_t i = 0; i < rel->n_in; i++)
      if (!bd_src(bd, &r->in[i], rel->in_items[i], t, c->name, c->type))
        return false;
    return true;
  case CQL_OP_CONTAINS:
  case CQL_OP_CONTAINS_KEY: {
    if (!bd_is_collection(c->type))
      return bd_fail(bd, CQL_SERVER_INVALID, "Cannot use %s on non-collection column %.*s",
                     rel->op == CQL_OP_CONTAINS ? "CONTAINS" : "CONTAINS KEY", SL(c->name));
    if (rel->op == CQL_OP_CONTAINS_KEY && c->type->id != CQL_TYPE_MAP)
      return bd_fail(bd, CQL_SERVER_INVALID, "Cannot use CONTAINS KEY on non-map column %.*s",
                     SL(c->name));
    const cql_type *et = rel->op == CQL_OP_CONTAINS_KEY || c->type->id != CQL_TYPE_MAP
                             ? c->type->children[0]
                             : c->type->children[1];
    cql_slice n =
        bd_printf(bd, "%s(%.*s)", rel->op == CQL_OP_CONTAINS_KEY ? "key" : "value", SL(c->name));
    return bd_src(bd, &r->value, rel->value, t, n, et);
  }
  case CQL_OP_NEQ:
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported \"!=\" relation: %.*s != %s", SL(c->name),
                   "<value>");
  case CQL_OP_LIKE:
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "LIKE restriction is only supported on properly indexed columns. %.*s LIKE "
                   "<value> is not valid.",
                   SL(c->name));
  case CQL_OP_IS_NOT_NULL:
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported restriction: %.*s IS NOT NULL",
                   SL(c->name));
  default:
    if (bd_is_multicell(c->type) && rel->op == CQL_OP_EQ)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Collection column '%.*s' (%s) cannot be restricted "
                     "by a '=' relation",
                     SL(c->name), cql_type_cql_name(bd->x->arena, c->type));
    return bd_src(bd, &r->value, rel->value, t, c->name, c->type);
  }
}

static cql_slice multi_name(binder *bd, const cql_restr *r) {
  char buf[400];
  size_t n = 0;
  buf[n++] = '(';
  for (uint32_t i = 0; i < r->n_cols && n < sizeof(buf) - 80; i++)
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%.*s", i ? "," : "", SL(r->cols[i]->name));
  buf[n++] = ')';
  return bd_dup(bd, (cql_slice){(const uint8_t *)buf, n});
}

/* The components of a tuple literal get each column's spec. */
static bool multi_value(binder *bd, const cql_table *t, cql_restr *r, const cql_term *v,
                        cql_src *out, const cql_type *tt) {
  if (v->kind == CQL_TERM_TUPLE) {
    if (v->n_items != r->n_cols)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Expected %u elements in value tuple, but got %u: %.*s", r->n_cols, v->n_items,
                     SL(multi_name(bd, r)));
    for (uint32_t i = 0; i < v->n_items; i++)
      if (!bd_term(bd, v->items[i], t, r->cols[i]->name, r->cols[i]->type))
        return false;
    out->term = v;
    out->type = tt;
    out->name = multi_name(bd, r);
    return true;
  }
  return bd_src(bd, out, v, t, multi_name(bd, r), tt);
}

static bool restr_multi(binder *bd, const cql_table *t, const cql_relation *rel, cql_restr *r) {
  r->multi = true;
  r->n_cols = rel->n_cols;
  r->cols = bd_alloc(bd, rel->n_cols * sizeof(cql_column *));
  if (!r->cols)
    return false;
  for (uint32_t i = 0; i < rel->n_cols; i++) {
    const cql_column *c = bd_column(bd, t, rel->cols[i]);
    if (!c)
      return false;
    if (c->kind != CQL_COL_CLUSTERING)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Multi-column relations can only be applied to clustering columns but was "
                     "applied to: %.*s",
                     SL(c->name));
    if (i > 0 && c->position != r->cols[i - 1]->position + 1)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Clustering columns must appear in the PRIMARY KEY order in multi-column "
                     "relations: %.*s",
                     SL(multi_name(bd, r)));
    r->cols[i] = c;
  }
  const cql_type *tt = bd_tuple_type(bd, r->cols, r->n_cols);
  if (!tt)
    return false;
  if (rel->op == CQL_OP_IN) {
    if (!rel->in_list) {
      r->in_marker = true;
      const cql_type *lt = bd_collection_type(bd, CQL_TYPE_LIST, tt);
      return lt && bd_src(bd, &r->value, rel->value, t,
                          bd_printf(bd, "in(%.*s)", SL(multi_name(bd, r))), lt);
    }
    r->n_in = rel->n_in;
    r->in = bd_alloc(bd, (rel->n_in + 1) * sizeof(cql_src));
    if (!r->in)
      return false;
    for (uint32_t i = 0; i < rel->n_in; i++)
      if (!multi_value(bd, t, r, rel->in_items[i], &r->in[i], tt))
        return false;
    return true;
  }
  if (rel->op == CQL_OP_NEQ || rel->op > CQL_OP_IN)
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported operator in multi-column relation");
  return multi_value(bd, t, r, rel->value, &r->value, tt);
}

static bool restr_token(binder *bd, const cql_table *t, const cql_relation *rel, cql_restr *r) {
  r->token = true;
  bool ok = rel->n_cols == t->n_pk;
  for (uint32_t i = 0; ok && i < rel->n_cols; i++)
    ok = cql_slice_eq(rel->cols[i], t->pk[i]->name);
  if (!ok) {
    for (uint32_t i = 0; i < rel->n_cols; i++)
      if (!bd_column(bd, t, rel->cols[i]))
        return false;
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "The token function arguments must be in the partition key order: %.*s",
                   SL(t->pk[0]->name));
  }
  if (rel->op == CQL_OP_IN || rel->op == CQL_OP_NEQ || rel->op > CQL_OP_IN)
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported operator with token relation");
  return bd_src(bd, &r->value, rel->value, t, cql_slice_from_cstr("partition key token"),
                cql_type_native(CQL_TYPE_BIGINT));
}

bool bd_restriction(binder *bd, const cql_table *t, const cql_relation *rel, cql_restr *out) {
  memset(out, 0, sizeof(*out));
  out->op = rel->op;
  switch (rel->kind) {
  case CQL_REL_MULTI:
    return restr_multi(bd, t, rel, out);
  case CQL_REL_TOKEN:
    return restr_token(bd, t, rel, out);
  default:
    return restr_single(bd, t, rel, out);
  }
}

/* ---- the statement ------------------------------------------------------- */

static bool bind_stmt(binder *bd, const cql_stmt *s);

static bool bind_batch(binder *bd, const cql_ast_batch *ab) {
  cql_bound *outer = bd->b;
  outer->n_batch = ab->n_stmts;
  outer->batch = bd_alloc(bd, (ab->n_stmts + 1) * sizeof(cql_bound *));
  if (!outer->batch)
    return false;
  for (uint32_t i = 0; i < ab->n_stmts; i++) {
    cql_bound *inner = bd_alloc(bd, sizeof(cql_bound));
    if (!inner)
      return false;
    inner->binds = outer->binds;
    inner->n_binds = outer->n_binds;
    inner->stmt = ab->stmts[i];
    bd->b = inner;
    bool ok = bind_stmt(bd, ab->stmts[i]);
    bd->b = outer;
    if (!ok)
      return false;
    if (ab->using_.timestamp && inner->mod && inner->mod->timestamp)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Timestamp must be set either on BATCH or individual statements");
    outer->batch[i] = inner;
  }
  return true;
}

static bool bind_stmt(binder *bd, const cql_stmt *s) {
  switch (s->kind) {
  case CQL_STMT_SELECT:
    return bd_select(bd, &s->u.select);
  case CQL_STMT_INSERT:
    return bd_insert(bd, &s->u.insert);
  case CQL_STMT_UPDATE:
    return bd_update(bd, &s->u.update);
  case CQL_STMT_DELETE:
    return bd_delete(bd, &s->u.del);
  case CQL_STMT_BATCH:
    return bind_batch(bd, &s->u.batch);
  default:
    if (bd->p->n_markers)
      return bd_fail(bd, CQL_SERVER_INVALID, "Bind variables are not supported in this statement");
    return true;
  }
}

/* Partition key bind indices: each pk column bound by a single marker. */
static void pk_indices(binder *bd) {
  cql_bound *b = bd->b;
  const cql_table *t = b->table;
  if (!t || !t->n_pk)
    return;
  uint16_t *idx = bd_alloc(bd, t->n_pk * sizeof(uint16_t));
  if (!idx)
    return;
  for (uint32_t i = 0; i < t->n_pk; i++) {
    const cql_restr *r = b->select ? b->select->pk[i] : b->mod ? b->mod->pk[i] : NULL;
    if (!r || r->op != CQL_OP_EQ || !r->value.term || r->value.term->kind != CQL_TERM_MARKER)
      return;
    idx[i] = (uint16_t)r->value.term->marker;
  }
  b->pk_idx = idx;
  b->n_pk_idx = t->n_pk;
}

cql_bound *cql_bind(cql_exec *x, const cql_parsed *p, cql_slice ks, cql_arena *arena) {
  binder bd = {x, arena, NULL, p, ks};
  cql_bound *b = bd_alloc(&bd, sizeof(cql_bound));
  if (!b)
    return NULL;
  bd.b = b;
  b->stmt = p->stmt;
  b->keyspace = ks;
  b->n_binds = p->n_markers;
  if (p->n_markers) {
    b->binds = bd_alloc(&bd, p->n_markers * sizeof(cql_column_spec));
    if (!b->binds)
      return NULL;
  }
  if (!bind_stmt(&bd, p->stmt))
    return NULL;
  for (uint32_t i = 0; i < b->n_binds; i++) {
    if (!b->binds[i].type) {
      bd_fail(&bd, CQL_SERVER_INVALID, "Bind marker %u is used where no value can be bound", i);
      return NULL;
    }
  }
  pk_indices(&bd);
  cql_result_metadata_id(b->results, b->n_results, b->result_id);
  return b;
}
