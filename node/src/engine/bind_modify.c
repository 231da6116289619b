/* Binding INSERT, UPDATE and DELETE: key restrictions, operations,
 * USING and IF clauses. */
#include <stdio.h>
#include <string.h>

#include "bind_util.h"
#include "type.h"

static cql_mod_plan *new_plan(binder *bd, const cql_table *t, uint8_t kind, uint32_t n_ops) {
  cql_mod_plan *m = bd_alloc(bd, sizeof(*m));
  if (!m)
    return NULL;
  m->kind = kind;
  m->table = t;
  m->pk = bd_alloc(bd, (t->n_pk + 1) * sizeof(cql_restr *));
  m->ck = bd_alloc(bd, (t->n_ck + 1) * sizeof(cql_restr *));
  m->ops = bd_alloc(bd, (n_ops + 1) * sizeof(cql_mop));
  if (!m->pk || !m->ck || !m->ops)
    return NULL;
  return m;
}

static bool missing_parts(binder *bd, const cql_column *const *cols, const cql_restr *const *set,
                          uint32_t n, const char *what) {
  char buf[512];
  size_t len = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (set[i])
      continue;
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s", len ? ", " : "",
                            SL(cols[i]->name));
    if (len >= sizeof(buf) - 64)
      break;
  }
  if (!len)
    return true;
  return bd_fail(bd, CQL_SERVER_INVALID, "Some %s are missing: %.*s", what, (int)len, buf);
}

bool bd_using(binder *bd, const cql_using *u, cql_mod_plan *m) {
  if (u->ttl) {
    m->ttl = u->ttl;
    if (!bd_term(bd, u->ttl, m->table, cql_slice_from_cstr("[ttl]"), cql_type_native(CQL_TYPE_INT)))
      return false;
  }
  if (u->timestamp) {
    m->timestamp = u->timestamp;
    if (!bd_term(bd, u->timestamp, m->table, cql_slice_from_cstr("[timestamp]"),
                 cql_type_native(CQL_TYPE_BIGINT)))
      return false;
  }
  if (m->table->counter && u->ttl)
    return bd_fail(bd, CQL_SERVER_INVALID, "Cannot provide custom TTL for counter updates");
  return true;
}

/* WHERE of UPDATE and DELETE: keys only. */
static bool key_where(binder *bd, cql_mod_plan *m, const cql_relation *rels, uint32_t n,
                      bool allow_range) {
  const cql_table *t = m->table;
  for (uint32_t i = 0; i < n; i++) {
    cql_restr *r = bd_alloc(bd, sizeof(cql_restr));
    if (!r || !bd_restriction(bd, t, &rels[i], r))
      return false;
    if (r->token || r->multi)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     r->token ? "The token function cannot be used in WHERE clauses for UPDATE "
                                "and DELETE statements"
                              : "Multi-column relations are not supported in UPDATE and DELETE "
                                "statements by cqlkit-node");
    const cql_column *c = r->col;
    if (c->kind != CQL_COL_PARTITION && c->kind != CQL_COL_CLUSTERING)
      return bd_fail(bd, CQL_SERVER_INVALID, "Non PRIMARY KEY columns found in where clause: %.*s",
                     SL(c->name));
    bool eq = r->op == CQL_OP_EQ || r->op == CQL_OP_IN;
    if (c->kind == CQL_COL_PARTITION) {
      if (!eq)
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "Only EQ and IN relation are supported on the partition key (unless you "
                       "use the token() function)");
      if (m->pk[c->position])
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "%.*s cannot be restricted by more than one relation if it includes an "
                       "Equal",
                       SL(c->name));
      m->pk[c->position] = r;
      continue;
    }
    if (!eq) {
      if (!allow_range)
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "Slice restrictions are not supported on the "
                       "clustering columns in UPDATE statements");
      if (m->ck_slice && m->ck_slice->col != c)
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "Only one clustering column can be restricted by a "
                       "slice in cqlkit-node range deletions");
      if (!m->ck_slice) {
        m->ck_slice = r;
      } else {
        /* c > a AND c < b: keep both, the executor reads them in pairs */
        m->ck[t->n_ck] = r;
      }
      continue;
    }
    if (m->ck[c->position])
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "%.*s cannot be restricted by more than one relation if it includes an Equal",
                     SL(c->name));
    m->ck[c->position] = r;
  }
  if (!missing_parts(bd, t->pk, m->pk, t->n_pk, "partition key parts"))
    return false;
  m->ck_eq = 0;
  while (m->ck_eq < t->n_ck && m->ck[m->ck_eq])
    m->ck_eq++;
  for (uint32_t i = m->ck_eq; i < t->n_ck; i++)
    if (m->ck[i])
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "PRIMARY KEY column \"%.*s\" cannot be restricted as preceding column "
                     "\"%.*s\" is not restricted",
                     SL(t->ck[i]->name), SL(t->ck[m->ck_eq]->name));
  if (m->ck_slice && m->ck_slice->col->position != (int32_t)m->ck_eq)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "PRIMARY KEY column \"%.*s\" cannot be restricted as preceding column \"%.*s\" "
                   "is not restricted",
                   SL(m->ck_slice->col->name), SL(t->ck[m->ck_eq]->name));
  return true;
}

/* ---- conditions --------------------------------------------------------- */

static bool condition(binder *bd, cql_mod_plan *m, const cql_relation *rel, cql_cond *c) {
  const cql_table *t = m->table;
  const cql_column *col = bd_column(bd, t, rel->cols[0]);
  if (!col)
    return false;
  if (col->kind == CQL_COL_PARTITION || col->kind == CQL_COL_CLUSTERING)
    return bd_fail(bd, CQL_SERVER_INVALID, "PRIMARY KEY column '%.*s' cannot have IF conditions",
                   SL(col->name));
  if (col->type->id == CQL_TYPE_COUNTER)
    return bd_fail(bd, CQL_SERVER_INVALID, "Conditions on counters are not supported");
  c->col = col;
  c->op = rel->op;
  const cql_type *vt = col->type;
  cql_slice vname = col->name;
  if (rel->kind == CQL_REL_ELEM) {
    c->elem = true;
    if (col->type->id == CQL_TYPE_MAP) {
      if (!bd_src(bd, &c->key, rel->elem, t, bd_printf(bd, "key(%.*s)", SL(col->name)),
                  col->type->children[0]))
        return false;
      vt = col->type->children[1];
    } else if (col->type->id == CQL_TYPE_LIST) {
      if (!bd_src(bd, &c->key, rel->elem, t, bd_printf(bd, "idx(%.*s)", SL(col->name)),
                  cql_type_native(CQL_TYPE_INT)))
        return false;
      vt = col->type->children[0];
    } else {
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Invalid element access syntax for non-collection "
                     "column %.*s",
                     SL(col->name));
    }
    vname = bd_printf(bd, "value(%.*s)", SL(col->name));
  } else if (rel->field.len) {
    if (col->type->id != CQL_TYPE_UDT)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Invalid field selection: %.*s of type %s is not a "
                     "user type",
                     SL(col->name), cql_type_cql_name(bd->x->arena, col->type));
    bool found = false;
    for (uint32_t f = 0; f < col->type->n_children && !found; f++) {
      if (cql_slice_eq(col->type->field_names[f], rel->field)) {
        found = true;
        c->field = true;
        c->field_index = f;
        vt = col->type->children[f];
      }
    }
    if (!found)
      return bd_fail(bd, CQL_SERVER_INVALID, "Unknown field %.*s for column %.*s", SL(rel->field),
                     SL(col->name));
    vname = bd_printf(bd, "%.*s.%.*s", SL(col->name), SL(rel->field));
  }
  if (rel->op == CQL_OP_IN) {
    if (!rel->in_list) {
      c->in_marker = true;
      const cql_type *lt = bd_collection_type(bd, CQL_TYPE_LIST, vt);
      return lt && bd_src(bd, &c->value, rel->value, t, bd_printf(bd, "in(%.*s)", SL(vname)), lt);
    }
    c->n_in = rel->n_in;
    c->in = bd_alloc(bd, (rel->n_in + 1) * sizeof(cql_src));
    if (!c->in)
      return false;
    for (uint32_t i = 0; i < rel->n_in; i++)
      if (!bd_src(bd, &c->in[i], rel->in_items[i], t, vname, vt))
        return false;
    return true;
  }
  if (rel->op > CQL_OP_IN)
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported operator in IF condition");
  return bd_src(bd, &c->value, rel->value, t, vname, vt);
}

static bool conditions(binder *bd, cql_mod_plan *m, bool if_exists, const cql_relation *rels,
                       uint32_t n) {
  m->if_exists = if_exists;
  m->n_conds = n;
  if (n) {
    m->conds = bd_alloc(bd, n * sizeof(cql_cond));
    if (!m->conds)
      return false;
    for (uint32_t i = 0; i < n; i++)
      if (!condition(bd, m, &rels[i], &m->conds[i]))
        return false;
  }
  if (!if_exists && !n && !m->if_not_exists)
    return true;
  bd->b->conditional = true;
  if (m->timestamp)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "Cannot provide custom timestamp for conditional updates");
  for (uint32_t i = 0; i < m->table->n_pk; i++)
    if (m->pk[i] && m->pk[i]->op == CQL_OP_IN)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "IN on the partition key is not supported with conditional updates");
  for (uint32_t i = 0; i < m->table->n_ck; i++)
    if (m->ck[i] && m->ck[i]->op == CQL_OP_IN)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "IN on the clustering key columns is not supported with conditional updates");
  if (m->table->counter)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "Conditional updates are not supported on counter "
                   "tables");
  return true;
}

/* ---- INSERT ------------------------------------------------------------- */

static bool check_writable(binder *bd, const cql_table *t) {
  if (t->virtual_ && !bd->x->e->booting)
    return bd_fail(bd, CQL_SERVER_UNAUTHORIZED, "%.*s keyspace is not user-modifiable.",
                   SL(t->keyspace));
  return true;
}

bool bd_insert(binder *bd, const cql_ast_insert *s) {
  const cql_table *t = bd_table(bd, &s->table);
  if (!t || !check_writable(bd, t))
    return false;
  if (t->counter)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "INSERT statements are not allowed on counter tables, use UPDATE instead");
  if (s->n_cols != s->n_values)
    return bd_fail(bd, CQL_SERVER_INVALID, "Unmatched column names/values");
  cql_mod_plan *m = new_plan(bd, t, CQL_STMT_INSERT, s->n_cols);
  if (!m)
    return false;
  m->if_not_exists = s->if_not_exists;
  bool regular = false, statics = false;
  for (uint32_t i = 0; i < s->n_cols; i++) {
    const cql_column *c = bd_column(bd, t, s->cols[i]);
    if (!c)
      return false;
    for (uint32_t j = 0; j < i; j++)
      if (cql_slice_eq(s->cols[j], c->name))
        return bd_fail(bd, CQL_SERVER_INVALID, "Multiple definitions found for column %.*s",
                       SL(c->name));
    if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING) {
      cql_restr *r = bd_alloc(bd, sizeof(cql_restr));
      if (!r || !bd_src(bd, &r->value, s->values[i], t, c->name, c->type))
        return false;
      r->op = CQL_OP_EQ;
      r->col = c;
      if (c->kind == CQL_COL_PARTITION)
        m->pk[c->position] = r;
      else
        m->ck[c->position] = r;
      continue;
    }
    regular |= c->kind == CQL_COL_REGULAR;
    statics |= c->kind == CQL_COL_STATIC;
    cql_mop *op = &m->ops[m->n_ops++];
    op->kind = CQL_MOP_SET;
    op->col = c;
    if (!bd_src(bd, &op->value, s->values[i], t, c->name, c->type))
      return false;
  }
  if (!missing_parts(bd, t->pk, m->pk, t->n_pk, "partition key parts"))
    return false;
  uint32_t nck = 0;
  for (uint32_t i = 0; i < t->n_ck; i++)
    nck += m->ck[i] != NULL;
  m->static_only = statics && !regular && nck == 0;
  if (!m->static_only && !missing_parts(bd, t->ck, m->ck, t->n_ck, "clustering keys"))
    return false;
  m->ck_eq = nck;
  m->insert_marker = !m->static_only;
  bd->b->mod = m;
  return bd_using(bd, &s->using_, m) && conditions(bd, m, false, NULL, 0);
}

/* ---- UPDATE ------------------------------------------------------------- */

static bool bad_operation(binder *bd, const cql_column *c, const char *form, const char *kind) {
  return bd_fail(bd, CQL_SERVER_INVALID, "Invalid operation (%.*s %s) for non %s column %.*s",
                 SL(c->name), form, kind, SL(c->name));
}

static bool assignment(binder *bd, cql_mod_plan *m, const cql_assignment *a, cql_mop *op) {
  const cql_table *t = m->table;
  const cql_column *c = bd_column(bd, t, a->column);
  if (!c)
    return false;
  if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING)
    return bd_fail(bd, CQL_SERVER_INVALID, "PRIMARY KEY part %.*s found in SET part", SL(c->name));
  op->col = c;
  const cql_type *ty = c->type;
  bool counter = ty->id == CQL_TYPE_COUNTER;
  switch (a->kind) {
  case CQL_ASSIGN_SET:
    if (counter)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Cannot set the value of counter column %.*s (counters can only be "
                     "incremented/decremented, not set)",
                     SL(c->name));
    op->kind = CQL_MOP_SET;
    return bd_src(bd, &op->value, a->value, t, c->name, ty);
  case CQL_ASSIGN_ADD:
  case CQL_ASSIGN_SUB: {
    bool add = a->kind == CQL_ASSIGN_ADD;
    if (counter) {
      op->kind = CQL_MOP_COUNTER;
      op->negate = !add;
      return bd_src(bd, &op->value, a->value, t, c->name, ty);
    }
    if (!bd_is_collection(ty))
      return bad_operation(bd, c, add ? "= <column> + <value>" : "= <column> - <value>", "counter");
    if (ty->frozen)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Invalid operation (%.*s = %.*s %c ?) for frozen "
                     "collection column %.*s",
                     SL(c->name), SL(c->name), add ? '+' : '-', SL(c->name));
    op->kind = add ? CQL_MOP_APPEND : CQL_MOP_REMOVE;
    const cql_type *vt = ty;
    if (!add && ty->id == CQL_TYPE_MAP)
      vt = bd_collection_type(bd, CQL_TYPE_SET, ty->children[0]);
    return vt && bd_src(bd, &op->value, a->value, t, c->name, vt);
  }
  case CQL_ASSIGN_PREPEND:
    if (ty->id != CQL_TYPE_LIST || ty->frozen)
      return bad_operation(bd, c, "= <value> + <column>", "list");
    op->kind = CQL_MOP_PREPEND;
    return bd_src(bd, &op->value, a->value, t, c->name, ty);
  case CQL_ASSIGN_ELEM:
    if ((ty->id != CQL_TYPE_MAP && ty->id != CQL_TYPE_LIST) || ty->frozen)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Invalid operation (%.*s[<key>] = <value>) for non "
                     "map/list column %.*s",
                     SL(c->name), SL(c->name));
    op->kind = CQL_MOP_SET_ELEM;
    if (ty->id == CQL_TYPE_MAP)
      return bd_src(bd, &op->key, a->key, t, bd_printf(bd, "key(%.*s)", SL(c->name)),
                    ty->children[0]) &&
             bd_src(bd, &op->value, a->value, t, bd_printf(bd, "value(%.*s)", SL(c->name)),
                    ty->children[1]);
    return bd_src(bd, &op->key, a->key, t, bd_printf(bd, "idx(%.*s)", SL(c->name)),
                  cql_type_native(CQL_TYPE_INT)) &&
           bd_src(bd, &op->value, a->value, t, bd_printf(bd, "value(%.*s)", SL(c->name)),
                  ty->children[0]);
  case CQL_ASSIGN_FIELD:
    if (ty->id != CQL_TYPE_UDT || ty->frozen)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Invalid operation (%.*s.%.*s = <value>) for "
                     "non-UDT or frozen UDT column %.*s",
                     SL(c->name), SL(a->field), SL(c->name));
    for (uint32_t f = 0; f < ty->n_children; f++) {
      if (cql_slice_eq(ty->field_names[f], a->field)) {
        op->kind = CQL_MOP_SET_FIELD;
        op->field = f;
        return bd_src(bd, &op->value, a->value, t,
                      bd_printf(bd, "%.*s.%.*s", SL(c->name), SL(a->field)), ty->children[f]);
      }
    }
    return bd_fail(bd, CQL_SERVER_INVALID, "UDT column %.*s does not have a field named %.*s",
                   SL(c->name), SL(a->field));
  default:
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported assignment");
  }
}

bool bd_update(binder *bd, const cql_ast_update *s) {
  const cql_table *t = bd_table(bd, &s->table);
  if (!t || !check_writable(bd, t))
    return false;
  cql_mod_plan *m = new_plan(bd, t, CQL_STMT_UPDATE, s->n_sets);
  if (!m)
    return false;
  bd->b->mod = m;
  bool regular = false;
  for (uint32_t i = 0; i < s->n_sets; i++) {
    cql_mop *op = &m->ops[m->n_ops++];
    if (!assignment(bd, m, &s->sets[i], op))
      return false;
    for (uint32_t j = 0; j < i; j++)
      if (m->ops[j].col == op->col && op->kind == CQL_MOP_SET && m->ops[j].kind == CQL_MOP_SET)
        return bd_fail(bd, CQL_SERVER_INVALID, "Multiple definitions found for column %.*s",
                       SL(op->col->name));
    regular |= op->col->kind == CQL_COL_REGULAR;
  }
  if (!key_where(bd, m, s->where, s->n_where, false))
    return false;
  m->static_only = !regular;
  if (m->static_only && m->ck_eq > 0 && t->n_ck > 0) {
    /* Cassandra accepts a full clustering key here and ignores it */
  } else if (!missing_parts(bd, t->ck, m->ck, t->n_ck, "clustering keys")) {
    return false;
  }
  return bd_using(bd, &s->using_, m) && conditions(bd, m, s->if_exists, s->conds, s->n_conds);
}

/* ---- DELETE ------------------------------------------------------------- */

static bool delete_target(binder *bd, cql_mod_plan *m, const cql_delete_target *d, cql_mop *op) {
  const cql_table *t = m->table;
  const cql_column *c = bd_column(bd, t, d->column);
  if (!c)
    return false;
  if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "Invalid identifier %.*s for deletion (should not be a PRIMARY KEY part)",
                   SL(c->name));
  op->col = c;
  op->kind = CQL_MOP_DELETE;
  if (d->key) {
    if ((c->type->id != CQL_TYPE_MAP && c->type->id != CQL_TYPE_LIST) || c->type->frozen)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Invalid deletion operation for non map/list column "
                     "%.*s",
                     SL(c->name));
    op->kind = CQL_MOP_DELETE_ELEM;
    if (c->type->id == CQL_TYPE_MAP)
      return bd_src(bd, &op->key, d->key, t, bd_printf(bd, "key(%.*s)", SL(c->name)),
                    c->type->children[0]);
    return bd_src(bd, &op->key, d->key, t, bd_printf(bd, "idx(%.*s)", SL(c->name)),
                  cql_type_native(CQL_TYPE_INT));
  }
  if (d->field.len) {
    if (c->type->id != CQL_TYPE_UDT || c->type->frozen)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Frozen UDT column %.*s does not support field "
                     "deletions",
                     SL(c->name));
    for (uint32_t f = 0; f < c->type->n_children; f++) {
      if (cql_slice_eq(c->type->field_names[f], d->field)) {
        op->kind = CQL_MOP_DELETE_FIELD;
        op->field = f;
        return true;
      }
    }
    return bd_fail(bd, CQL_SERVER_INVALID, "UDT column %.*s does not have a field named %.*s",
                   SL(c->name), SL(d->field));
  }
  return true;
}

bool bd_delete(binder *bd, const cql_ast_delete *s) {
  const cql_table *t = bd_table(bd, &s->table);
  if (!t || !check_writable(bd, t))
    return false;
  cql_mod_plan *m = new_plan(bd, t, CQL_STMT_DELETE, s->n_targets);
  if (!m)
    return false;
  bd->b->mod = m;
  bool regular = false;
  for (uint32_t i = 0; i < s->n_targets; i++) {
    cql_mop *op = &m->ops[m->n_ops++];
    if (!delete_target(bd, m, &s->targets[i], op))
      return false;
    regular |= op->col->kind == CQL_COL_REGULAR;
  }
  m->whole_row = s->n_targets == 0;
  if (!key_where(bd, m, s->where, s->n_where, true))
    return false;
  m->static_only = s->n_targets > 0 && !regular;
  if (s->n_targets && regular && (m->ck_eq < t->n_ck || m->ck_slice))
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "Range deletions are not supported for specific "
                   "columns");
  if ((s->if_exists || s->n_conds) && (m->ck_slice || (m->ck_eq < t->n_ck && !m->static_only)))
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "DELETE statements must restrict all PRIMARY KEY columns with equality "
                   "relations in order to use IF conditions");
  cql_using u = s->using_;
  return bd_using(bd, &u, m) && conditions(bd, m, s->if_exists, s->conds, s->n_conds);
}
