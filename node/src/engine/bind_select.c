/* Binding SELECT: the selection, the restrictions and Cassandra's rules
 * on which queries need ALLOW FILTERING. */
#include <stdio.h>
#include <string.h>

#include "bind_util.h"
#include "type.h"

#define FILTERING_MSG                                                                              \
  "Cannot execute this query as it might involve data filtering and thus may have "                \
  "unpredictable performance. If you want to execute this query despite the performance "          \
  "unpredictability, use ALLOW FILTERING"

static void set_spec(binder *bd, cql_out_col *o, const cql_table *t, cql_slice name,
                     const cql_type *type) {
  (void)bd;
  o->spec.keyspace = t->keyspace;
  o->spec.table = t->name;
  o->spec.name = name;
  o->spec.type = type;
}

/* The result type of a function selector whose arguments are constants
 * (columns as arguments are not supported); NULL for unknown ones. */
static const cql_type *func_type(const cql_term *fn) {
  cql_slice f = fn->text;
  if (fn->n_items == 1) {
    const cql_term *a = fn->items[0];
    if (a->kind == CQL_TERM_FUNC && a->n_items)
      return NULL;
    if (cql_slice_eq_cstr(f, "totimestamp"))
      return cql_type_native(CQL_TYPE_TIMESTAMP);
    if (cql_slice_eq_cstr(f, "tounixtimestamp"))
      return cql_type_native(CQL_TYPE_BIGINT);
    if (cql_slice_eq_cstr(f, "mintimeuuid") || cql_slice_eq_cstr(f, "maxtimeuuid"))
      return cql_type_native(CQL_TYPE_TIMEUUID);
    return NULL;
  }
  if (fn->n_items)
    return NULL;
  if (cql_slice_eq_cstr(f, "now") || cql_slice_eq_cstr(f, "currenttimeuuid"))
    return cql_type_native(CQL_TYPE_TIMEUUID);
  if (cql_slice_eq_cstr(f, "uuid"))
    return cql_type_native(CQL_TYPE_UUID);
  if (cql_slice_eq_cstr(f, "currenttimestamp"))
    return cql_type_native(CQL_TYPE_TIMESTAMP);
  if (cql_slice_eq_cstr(f, "currentdate"))
    return cql_type_native(CQL_TYPE_DATE);
  if (cql_slice_eq_cstr(f, "currenttime"))
    return cql_type_native(CQL_TYPE_TIME);
  return NULL;
}

/* Cassandra's name for a function column: system.f(), or with a function
 * or constant argument system.f(system.g()) / system.f(text). */
static cql_slice func_name(binder *bd, const cql_term *fn) {
  if (!fn->n_items)
    return bd_printf(bd, "system.%.*s()", SL(fn->text));
  const cql_term *a = fn->items[0];
  if (a->kind == CQL_TERM_FUNC)
    return bd_printf(bd, "system.%.*s(system.%.*s())", SL(fn->text), SL(a->text));
  return bd_printf(bd, "system.%.*s(%.*s)", SL(fn->text), SL(a->text));
}

static bool selector(binder *bd, const cql_table *t, const cql_selector *s, cql_out_col *o,
                     cql_select_plan *plan) {
  const cql_column *c = NULL;
  if (s->kind == CQL_SEL_COLUMN || s->kind == CQL_SEL_TTL || s->kind == CQL_SEL_WRITETIME ||
      s->kind == CQL_SEL_COUNT_COL) {
    if (!(c = bd_column(bd, t, s->column)))
      return false;
  }
  o->col = c;
  cql_slice name = s->alias;
  switch (s->kind) {
  case CQL_SEL_COLUMN:
    o->kind = CQL_OUT_COLUMN;
    set_spec(bd, o, t, s->has_alias ? name : c->name, c->type);
    return true;
  case CQL_SEL_TTL:
  case CQL_SEL_WRITETIME: {
    bool ttl = s->kind == CQL_SEL_TTL;
    if (c->kind == CQL_COL_PARTITION || c->kind == CQL_COL_CLUSTERING)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Cannot use selection function %s on PRIMARY KEY part %.*s",
                     ttl ? "ttl" : "writeTime", SL(c->name));
    if (bd_is_multicell(c->type))
      return bd_fail(bd, CQL_SERVER_INVALID, "Cannot use selection function %s on collections",
                     ttl ? "ttl" : "writeTime");
    o->kind = ttl ? CQL_OUT_TTL : CQL_OUT_WRITETIME;
    if (!s->has_alias)
      name = bd_printf(bd, "%s(%.*s)", ttl ? "ttl" : "writetime", SL(c->name));
    set_spec(bd, o, t, name, cql_type_native(ttl ? CQL_TYPE_INT : CQL_TYPE_BIGINT));
    return true;
  }
  case CQL_SEL_COUNT_STAR:
  case CQL_SEL_COUNT_COL:
    o->kind = CQL_OUT_COUNT;
    plan->count = true;
    if (!s->has_alias)
      name = c ? bd_printf(bd, "system.count(%.*s)", SL(c->name)) : cql_slice_from_cstr("count");
    set_spec(bd, o, t, name, cql_type_native(CQL_TYPE_BIGINT));
    return true;
  case CQL_SEL_TOKEN: {
    bool ok = s->n_args == t->n_pk;
    for (uint32_t i = 0; ok && i < s->n_args; i++)
      ok = cql_slice_eq(s->args[i], t->pk[i]->name);
    if (!ok)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Type error: the arguments of token() must be the partition key columns "
                     "of %.*s in order",
                     SL(t->name));
    o->kind = CQL_OUT_TOKEN;
    if (!s->has_alias) {
      char buf[400];
      size_t len = (size_t)snprintf(buf, sizeof(buf), "system.token(");
      for (uint32_t i = 0; i < s->n_args && len < sizeof(buf) - 80; i++)
        len +=
            (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s", i ? ", " : "", SL(s->args[i]));
      snprintf(buf + len, sizeof(buf) - len, ")");
      name = bd_printf(bd, "%s", buf);
    }
    set_spec(bd, o, t, name, cql_type_native(CQL_TYPE_BIGINT));
    return true;
  }
  case CQL_SEL_FUNC: {
    const cql_type *ft = func_type(s->func);
    if (!ft)
      return bd_fail(bd, CQL_SERVER_INVALID, "Unknown function '%.*s'", SL(s->func->text));
    o->kind = CQL_OUT_FUNC;
    o->func = s->func;
    if (!s->has_alias)
      name = func_name(bd, s->func);
    set_spec(bd, o, t, name, ft);
    return true;
  }
  default:
    return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported selector");
  }
}

static bool selection(binder *bd, const cql_table *t, const cql_ast_select *s,
                      cql_select_plan *plan) {
  uint32_t n = s->star ? t->n_star : s->n_sels;
  plan->outs = bd_alloc(bd, (n + 1) * sizeof(cql_out_col));
  if (!plan->outs)
    return false;
  plan->n_outs = n;
  for (uint32_t i = 0; i < n; i++) {
    cql_out_col *o = &plan->outs[i];
    if (s->star) {
      o->kind = CQL_OUT_COLUMN;
      o->col = t->star[i];
      set_spec(bd, o, t, o->col->name, o->col->type);
    } else if (!selector(bd, t, &s->sels[i], o, plan)) {
      return false;
    }
  }
  if (s->distinct) {
    uint32_t pk_seen = 0;
    for (uint32_t i = 0; i < n; i++) {
      const cql_column *c = plan->outs[i].col;
      if (plan->outs[i].kind != CQL_OUT_COLUMN || !c ||
          (c->kind != CQL_COL_PARTITION && c->kind != CQL_COL_STATIC))
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "SELECT DISTINCT queries must only request partition key columns and/or "
                       "static columns (not %.*s)",
                       SL(c ? c->name : plan->outs[i].spec.name));
      pk_seen += c->kind == CQL_COL_PARTITION;
    }
    if (pk_seen < t->n_pk)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "SELECT DISTINCT queries must request all the partition key columns (missing "
                     "%.*s)",
                     SL(t->pk[0]->name));
    plan->distinct = true;
  }
  return true;
}

static bool push(binder *bd, const cql_restr ***arr, uint32_t *n, const cql_restr *r,
                 uint32_t cap) {
  if (!*arr) {
    *arr = bd_alloc(bd, (cap + 1) * sizeof(cql_restr *));
    if (!*arr)
      return false;
  }
  (*arr)[(*n)++] = r;
  return true;
}

static bool classify(binder *bd, const cql_table *t, const cql_ast_select *s,
                     cql_select_plan *plan) {
  plan->pk = bd_alloc(bd, (t->n_pk + 1) * sizeof(cql_restr *));
  if (!plan->pk)
    return false;
  bool pk_slice = false;
  for (uint32_t i = 0; i < s->n_where; i++) {
    cql_restr *r = bd_alloc(bd, sizeof(cql_restr));
    if (!r || !bd_restriction(bd, t, &s->where[i], r))
      return false;
    if (r->token) {
      if (!push(bd, &plan->tokens, &plan->n_tokens, r, s->n_where))
        return false;
    } else if (r->multi || r->col->kind == CQL_COL_CLUSTERING) {
      if (!push(bd, &plan->ck, &plan->n_ck, r, s->n_where))
        return false;
    } else if (r->col->kind == CQL_COL_PARTITION && (r->op == CQL_OP_EQ || r->op == CQL_OP_IN)) {
      if (plan->pk[r->col->position])
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "%.*s cannot be restricted by more than one relation if it includes an "
                       "Equal",
                       SL(r->col->name));
      plan->pk[r->col->position] = r;
    } else {
      pk_slice |= r->col->kind == CQL_COL_PARTITION;
      if (!push(bd, &plan->filters, &plan->n_filters, r, s->n_where))
        return false;
    }
  }
  uint32_t npk = 0;
  for (uint32_t i = 0; i < t->n_pk; i++)
    npk += plan->pk[i] != NULL;
  plan->pk_complete = npk == t->n_pk;
  if (npk && plan->n_tokens)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "Columns \"%.*s\" cannot be restricted by both a normal relation and a token "
                   "relation",
                   SL(t->pk[0]->name));
  if (pk_slice && !plan->allow_filtering && !plan->pk_complete)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "Only EQ and IN relation are supported on the partition key (unless you use "
                   "the token() function or allow filtering)");
  if (npk && !plan->pk_complete) {
    /* move partial partition key restrictions to the filters */
    for (uint32_t i = 0; i < t->n_pk; i++) {
      if (plan->pk[i] && !push(bd, &plan->filters, &plan->n_filters, plan->pk[i], s->n_where))
        return false;
      plan->pk[i] = NULL;
    }
    if (!plan->allow_filtering)
      return bd_fail(bd, CQL_SERVER_INVALID, FILTERING_MSG);
  }
  return true;
}

/* Clustering restrictions: a prefix unless ALLOW FILTERING. */
static bool check_clustering(binder *bd, const cql_table *t, cql_select_plan *plan) {
  if (!plan->n_ck)
    return true;
  if (!plan->pk_complete && !plan->allow_filtering)
    return bd_fail(bd, CQL_SERVER_INVALID, FILTERING_MSG);
  /* which clustering positions are restricted, and how */
  int kind[64] = {0}; /* 0 none, 1 EQ/IN, 2 slice */
  uint32_t n = t->n_ck < 64 ? t->n_ck : 64;
  for (uint32_t i = 0; i < plan->n_ck; i++) {
    const cql_restr *r = plan->ck[i];
    bool eq = r->op == CQL_OP_EQ || r->op == CQL_OP_IN;
    if (r->multi) {
      /* a multi-column slice constrains its columns together: only the
       * last one counts as a slice for what may follow */
      for (uint32_t k = 0; k < r->n_cols; k++) {
        uint32_t pos = (uint32_t)r->cols[k]->position;
        if (pos < n)
          kind[pos] = (eq || k + 1 < r->n_cols) ? 1 : 2;
      }
    } else if ((uint32_t)r->col->position < n) {
      int v = eq ? 1 : 2;
      if (r->op == CQL_OP_CONTAINS || r->op == CQL_OP_CONTAINS_KEY)
        v = 3;
      if (kind[r->col->position] == 1 && v == 1 && r->op == CQL_OP_EQ)
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "%.*s cannot be restricted by more than one relation if it includes an "
                       "Equal",
                       SL(r->col->name));
      kind[r->col->position] = v;
    }
  }
  plan->eq_prefix = 0;
  while (plan->eq_prefix < n && kind[plan->eq_prefix] == 1) {
    bool single_eq = false;
    for (uint32_t i = 0; i < plan->n_ck; i++) {
      const cql_restr *r = plan->ck[i];
      if (!r->multi && r->col->position == (int32_t)plan->eq_prefix && r->op == CQL_OP_EQ)
        single_eq = true;
    }
    if (!single_eq)
      break;
    plan->eq_prefix++;
  }
  if (plan->allow_filtering)
    return true;
  for (uint32_t i = 0; i < n; i++) {
    if (kind[i] == 3)
      return bd_fail(bd, CQL_SERVER_INVALID, FILTERING_MSG);
    if (!kind[i])
      continue;
    for (uint32_t j = 0; j < i; j++) {
      if (!kind[j])
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "PRIMARY KEY column \"%.*s\" cannot be restricted as preceding column "
                       "\"%.*s\" is not restricted",
                       SL(t->ck[i]->name), SL(t->ck[j]->name));
      if (kind[j] == 2)
        return bd_fail(bd, CQL_SERVER_INVALID,
                       "Clustering column \"%.*s\" cannot be restricted (preceding column "
                       "\"%.*s\" is restricted by a non-EQ relation)",
                       SL(t->ck[i]->name), SL(t->ck[j]->name));
    }
  }
  return true;
}

static bool ordering(binder *bd, const cql_table *t, const cql_ast_select *s,
                     cql_select_plan *plan) {
  if (!s->n_order)
    return true;
  if (!plan->pk_complete)
    return bd_fail(bd, CQL_SERVER_INVALID,
                   "ORDER BY is only supported when the partition key is restricted by an EQ or an "
                   "IN.");
  bool reversed = false;
  for (uint32_t i = 0; i < s->n_order; i++) {
    const cql_column *c = bd_column(bd, t, s->order[i].column);
    if (!c)
      return false;
    if (c->kind != CQL_COL_CLUSTERING)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Order by is currently only supported on the clustered columns of the "
                     "PRIMARY KEY, got %.*s",
                     SL(c->name));
    if (c->position != (int32_t)i)
      return bd_fail(bd, CQL_SERVER_INVALID,
                     "Order by currently only supports the ordering of columns following their "
                     "declared order in the PRIMARY KEY");
    bool rev = s->order[i].desc != c->desc;
    if (i == 0)
      reversed = rev;
    else if (rev != reversed)
      return bd_fail(bd, CQL_SERVER_INVALID, "Unsupported order by relation");
  }
  plan->reversed = reversed;
  return true;
}

static bool limits(binder *bd, const cql_table *t, const cql_ast_select *s, cql_select_plan *plan) {
  const cql_type *it = cql_type_native(CQL_TYPE_INT);
  if (s->limit) {
    plan->limit = s->limit;
    if (!bd_term(bd, s->limit, t, cql_slice_from_cstr("[limit]"), it))
      return false;
  }
  if (s->per_partition_limit) {
    plan->pp_limit = s->per_partition_limit;
    if (!bd_term(bd, s->per_partition_limit, t, cql_slice_from_cstr("[per_partition_limit]"), it))
      return false;
  }
  return true;
}

bool bd_select(binder *bd, const cql_ast_select *s) {
  if (s->json)
    return bd_fail(bd, CQL_SERVER_INVALID, "SELECT JSON is not supported by cqlkit-node");
  const cql_table *t = bd_table(bd, &s->table);
  if (!t)
    return false;
  cql_select_plan *plan = bd_alloc(bd, sizeof(*plan));
  if (!plan)
    return false;
  plan->table = t;
  plan->allow_filtering = s->allow_filtering;
  if (!selection(bd, t, s, plan) || !classify(bd, t, s, plan) || !check_clustering(bd, t, plan))
    return false;
  if (plan->n_filters && !plan->allow_filtering)
    return bd_fail(bd, CQL_SERVER_INVALID, FILTERING_MSG);
  if (!ordering(bd, t, s, plan) || !limits(bd, t, s, plan))
    return false;
  bd->b->select = plan;
  bd->b->n_results = plan->n_outs;
  bd->b->results = bd_alloc(bd, (plan->n_outs + 1) * sizeof(cql_column_spec));
  if (!bd->b->results)
    return false;
  for (uint32_t i = 0; i < plan->n_outs; i++)
    bd->b->results[i] = plan->outs[i].spec;
  return true;
}
