/* cql_statement: creation, value storage, names and per-request options.
 * Values are kept serialized in one buffer; rebinding a position reuses
 * its bytes when the new value fits, so binding row after row into the
 * same statement stops allocating after the first rows. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"

static cql_status alloc_statement(cql_statement **out, size_t n_values, const cql_mem *mem) {
  if (!out || n_values > UINT16_MAX)
    return CQL_E_INVALID_ARG;
  mem = cql_mem_or_default(mem);
  cql_statement *st = cql_malloc(mem, sizeof(*st));
  if (!st)
    return CQL_E_NOMEM;
  memset(st, 0, sizeof(*st));
  st->mem = *mem;
  cql_buf_init(&st->data, &st->mem);
  cql_buf_init(&st->names, &st->mem);
  cql_buf_init(&st->paging_state, &st->mem);
  st->n_values = n_values;
  if (n_values && !(st->values = cql_malloc(mem, n_values * sizeof(*st->values)))) {
    cql_free(mem, st);
    return CQL_E_NOMEM;
  }
  for (size_t i = 0; i < n_values; i++)
    st->values[i] = (cql_stmt_value){.state = CQL_VALUE_UNSET};
  *out = st;
  return CQL_OK;
}

cql_status cql_statement_new(cql_statement **out, const char *query, size_t n_values,
                             const cql_mem *mem) {
  if (out)
    *out = NULL;
  if (!query)
    return CQL_E_INVALID_ARG;
  cql_statement *st;
  cql_status s = alloc_statement(&st, n_values, mem);
  if (s != CQL_OK)
    return s;
  if (!(st->query = cql_api_strdup(&st->mem, query))) {
    cql_statement_free(st);
    return CQL_E_NOMEM;
  }
  *out = st;
  return CQL_OK;
}

cql_status cql_prepared_bind(cql_prepared *prepared, cql_statement **out) {
  if (out)
    *out = NULL;
  if (!prepared)
    return CQL_E_INVALID_ARG;
  cql_statement *st;
  cql_status s = alloc_statement(&st, prepared->n_params, &prepared->mem);
  if (s != CQL_OK)
    return s;
  st->prepared = cql_prepared_retain(prepared);
  *out = st;
  return CQL_OK;
}

void cql_statement_free(cql_statement *st) {
  if (!st)
    return;
  cql_buf_free(&st->data);
  cql_buf_free(&st->names);
  cql_buf_free(&st->paging_state);
  cql_free(&st->mem, st->values);
  cql_free(&st->mem, st->query);
  cql_free(&st->mem, st->keyspace);
  cql_prepared_release(st->prepared);
  cql_mem mem = st->mem;
  cql_free(&mem, st);
}

void cql_statement_clear_values(cql_statement *st) {
  if (!st)
    return;
  for (size_t i = 0; i < st->n_values; i++) {
    st->values[i].state = CQL_VALUE_UNSET;
    st->values[i].len = st->values[i].off = st->values[i].cap = 0;
  }
  cql_buf_reset(&st->data);
}

/* Stores `len` bytes for position i: in place when they fit. */
cql_status cql_api_stmt_store(cql_statement *st, size_t i, cql_value_state state, const void *p,
                              size_t len) {
  if (!st || i >= st->n_values)
    return CQL_E_INVALID_ARG;
  if (len > INT32_MAX)
    return CQL_E_BAD_LENGTH;
  cql_stmt_value *v = &st->values[i];
  if (len > v->cap) {
    if (st->data.len + len > UINT32_MAX)
      return CQL_E_BAD_LENGTH;
    uint8_t *dst = cql_buf_extend(&st->data, len);
    if (!dst) {
      st->data.err = CQL_OK; /* the bytes already bound stay valid */
      return CQL_E_NOMEM;
    }
    v->off = (uint32_t)(dst - st->data.data);
    v->cap = (uint32_t)len;
  }
  if (len)
    memcpy(st->data.data + v->off, p, len);
  v->len = (uint32_t)len;
  v->state = state;
  return CQL_OK;
}

cql_status cql_bind_null(cql_statement *st, size_t i) {
  if (!st || i >= st->n_values)
    return CQL_E_INVALID_ARG;
  st->values[i].state = CQL_VALUE_NULL;
  return CQL_OK;
}

cql_status cql_bind_unset(cql_statement *st, size_t i) {
  if (!st || i >= st->n_values)
    return CQL_E_INVALID_ARG;
  st->values[i].state = CQL_VALUE_UNSET;
  return CQL_OK;
}

cql_status cql_statement_index_of(const cql_statement *st, const char *name, size_t *i) {
  if (!st || !name || !i)
    return CQL_E_INVALID_ARG;
  for (size_t k = 0; k < st->n_values; k++) {
    cql_slice have = {0};
    if (st->prepared) {
      have = st->prepared->params[k].name;
    } else if (st->values[k].named) {
      have.ptr = st->names.data + st->values[k].name_off;
      have.len = st->values[k].name_len;
    }
    if (cql_slice_eq_cstr(have, name)) {
      *i = k;
      return CQL_OK;
    }
  }
  return CQL_E_NOT_FOUND;
}

cql_status cql_statement_set_name(cql_statement *st, size_t i, const char *name) {
  if (!st || !name || !*name || i >= st->n_values || st->prepared)
    return CQL_E_INVALID_ARG;
  size_t n = strlen(name);
  if (n > UINT16_MAX || st->names.len + n > UINT32_MAX)
    return CQL_E_BAD_LENGTH;
  size_t off = st->names.len;
  cql_buf_put_raw(&st->names, name, n);
  if (st->names.err) {
    st->names.err = CQL_OK; /* earlier names stay valid */
    st->names.len = off;
    return CQL_E_NOMEM;
  }
  cql_stmt_value *v = &st->values[i];
  if (!v->named)
    st->n_named++;
  v->named = true;
  v->name_off = (uint32_t)off;
  v->name_len = (uint32_t)n;
  return CQL_OK;
}
