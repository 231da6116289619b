/* Read-only accessors of cql_prepared (statement.h). */
#include "api_internal.h"

const char *cql_prepared_query(const cql_prepared *p) { return p ? p->query : NULL; }

size_t cql_prepared_param_count(const cql_prepared *p) { return p ? p->n_params : 0; }

cql_slice cql_prepared_param_name(const cql_prepared *p, size_t i) {
  return p && i < p->n_params ? p->params[i].name : (cql_slice){0};
}

const cql_type *cql_prepared_param_type(const cql_prepared *p, size_t i) {
  return p && i < p->n_params ? p->params[i].type : NULL;
}

/* The column getters read the current snapshot without holding a
 * reference: only the loop thread replaces it (see statement.h). */
static const cql_result_meta *meta(const cql_prepared *p) { return atomic_load(&p->result_meta); }

size_t cql_prepared_column_count(const cql_prepared *p) { return p ? meta(p)->n_columns : 0; }

cql_slice cql_prepared_column_name(const cql_prepared *p, size_t i) {
  return p && i < meta(p)->n_columns ? meta(p)->columns[i].name : (cql_slice){0};
}

const cql_type *cql_prepared_column_type(const cql_prepared *p, size_t i) {
  return p && i < meta(p)->n_columns ? meta(p)->columns[i].type : NULL;
}
