/* Turning a statement into a QUERY or EXECUTE request, its routing key,
 * and copying it for the pager. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"

static cql_consistency default_cl(const cql_config *d) {
  return d ? d->consistency : CQL_CONSISTENCY_LOCAL_ONE;
}

static cql_consistency default_serial(const cql_config *d) {
  return d ? d->serial_consistency : CQL_CONSISTENCY_SERIAL;
}

static cql_status fill_values(const cql_statement *st, cql_arena *arena, cql_query_params *p) {
  bool named = !st->prepared && st->n_named > 0;
  if (named && st->n_named != st->n_values)
    return CQL_E_INVALID_ARG;
  if (st->n_values == 0)
    return CQL_OK;
  cql_value_arg *v = cql_arena_calloc(arena, st->n_values, sizeof(*v));
  if (!v)
    return CQL_E_NOMEM;
  for (size_t i = 0; i < st->n_values; i++) {
    const cql_stmt_value *sv = &st->values[i];
    v[i].state = sv->state;
    if (sv->state == CQL_VALUE_SET)
      v[i].bytes = (cql_slice){st->data.data + sv->off, sv->len};
    if (named)
      v[i].name = (cql_slice){st->names.data + sv->name_off, sv->name_len};
  }
  p->values = v;
  p->n_values = (uint32_t)st->n_values;
  p->has_values = true;
  p->named_values = named;
  return CQL_OK;
}

static void fill_options(const cql_statement *st, const cql_config *d, int64_t default_ts,
                         cql_query_params *p) {
  p->consistency = (uint16_t)(st->has_consistency ? st->consistency : default_cl(d));
  /* SERIAL is the server's own default: sending it would be 2 bytes of noise. */
  cql_consistency serial = st->has_serial_consistency ? st->serial_consistency : default_serial(d);
  p->has_serial_consistency = st->has_serial_consistency || serial != CQL_CONSISTENCY_SERIAL;
  p->serial_consistency = (uint16_t)serial;
  int32_t page = st->page_size ? st->page_size : d ? d->page_size : 5000;
  if (page > 0) {
    p->has_page_size = true;
    p->page_size = page;
  }
  if (st->has_paging_state) {
    p->has_paging_state = true;
    p->paging_state = (cql_slice){st->paging_state.data, st->paging_state.len};
  }
  int64_t ts = st->has_timestamp ? st->timestamp : default_ts;
  if (ts != CQL_NO_TIMESTAMP) {
    p->has_timestamp = true;
    p->timestamp = ts;
  }
  if (st->keyspace) {
    p->has_keyspace = true;
    p->keyspace = cql_slice_from_cstr(st->keyspace);
  }
}

/* EXECUTE: the id, and in v5 the result metadata id the server compares
 * with its own to decide whether our cached columns are still right. */
static cql_status fill_execute(const cql_statement *st, uint8_t version, cql_arena *arena,
                               cql_request *out) {
  const cql_prepared *p = st->prepared;
  out->opcode = CQL_OP_EXECUTE;
  out->u.execute.id = p->id;
  if (version < CQL_PROTOCOL_V5)
    return CQL_OK;
  cql_result_meta *m = cql_prepared_result_meta(p);
  uint8_t *id = cql_arena_alloc(arena, m->id.len ? m->id.len : 1);
  if (!id) {
    cql_result_meta_release(m);
    return CQL_E_NOMEM;
  }
  /* Copied: a METADATA_CHANGED may replace the snapshot before encoding. */
  if (m->id.len)
    memcpy(id, m->id.ptr, m->id.len);
  out->u.execute.result_metadata_id = (cql_slice){id, m->id.len};
  out->u.execute.params.skip_metadata = m->n_columns > 0;
  cql_result_meta_release(m);
  return CQL_OK;
}

cql_status cql_statement_to_request(const cql_statement *st, uint8_t version,
                                    const cql_config *defaults, int64_t default_timestamp,
                                    cql_arena *arena, cql_request *out) {
  if (!st || !arena || !out)
    return CQL_E_INVALID_ARG;
  if (version != CQL_PROTOCOL_V4 && version != CQL_PROTOCOL_V5)
    return CQL_E_BAD_VERSION;
  if (st->keyspace && version < CQL_PROTOCOL_V5)
    return CQL_E_UNSUPPORTED;
  memset(out, 0, sizeof(*out));
  out->tracing = st->tracing;
  cql_query_params *p = st->prepared ? &out->u.execute.params : &out->u.query.params;
  fill_options(st, defaults, default_timestamp, p);
  cql_status s = fill_values(st, arena, p);
  if (s != CQL_OK)
    return s;
  if (st->prepared)
    return fill_execute(st, version, arena, out);
  out->opcode = CQL_OP_QUERY;
  out->u.query.query = cql_slice_from_cstr(st->query);
  return CQL_OK;
}

bool cql_statement_routing_key(const cql_statement *st, cql_buf *out) {
  if (!st || !st->prepared || st->prepared->n_pk == 0)
    return false;
  const cql_prepared *p = st->prepared;
  for (uint32_t k = 0; k < p->n_pk; k++) {
    uint16_t i = p->pk_indices[k];
    if (i >= st->n_values || st->values[i].state != CQL_VALUE_SET ||
        (p->n_pk > 1 && st->values[i].len > UINT16_MAX))
      return false;
  }
  size_t start = out->len;
  for (uint32_t k = 0; k < p->n_pk; k++) {
    const cql_stmt_value *v = &st->values[p->pk_indices[k]];
    cql_slice bytes = {st->data.data + v->off, v->len};
    if (p->n_pk == 1) {
      cql_buf_put_raw(out, bytes.ptr, bytes.len);
    } else {
      cql_buf_put_u16(out, (uint16_t)bytes.len);
      cql_buf_put_raw(out, bytes.ptr, bytes.len);
      cql_buf_put_u8(out, 0);
    }
  }
  if (out->err != CQL_OK) {
    out->len = start;
    return false;
  }
  return true;
}

static bool copy_buf(cql_buf *dst, const cql_buf *src) {
  if (src->len)
    cql_buf_put_raw(dst, src->data, src->len);
  return dst->err == CQL_OK;
}

static cql_status copy_into(cql_statement *c, const cql_statement *st) {
  if (st->n_values)
    memcpy(c->values, st->values, st->n_values * sizeof(*c->values));
  c->n_named = st->n_named;
  c->has_consistency = st->has_consistency;
  c->consistency = st->consistency;
  c->has_serial_consistency = st->has_serial_consistency;
  c->serial_consistency = st->serial_consistency;
  c->timeout_ms = st->timeout_ms;
  c->idempotent = st->idempotent;
  c->page_size = st->page_size;
  c->has_paging_state = st->has_paging_state;
  c->has_timestamp = st->has_timestamp;
  c->timestamp = st->timestamp;
  c->tracing = st->tracing;
  if (!copy_buf(&c->data, &st->data) || !copy_buf(&c->names, &st->names) ||
      !copy_buf(&c->paging_state, &st->paging_state))
    return CQL_E_NOMEM;
  if (st->keyspace && !(c->keyspace = cql_api_strdup(&c->mem, st->keyspace)))
    return CQL_E_NOMEM;
  return CQL_OK;
}

cql_status cql_statement_copy(const cql_statement *st, cql_statement **out) {
  if (!st || !out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  cql_statement *c = NULL;
  cql_status s = st->prepared ? cql_prepared_bind(st->prepared, &c)
                              : cql_statement_new(&c, st->query, st->n_values, &st->mem);
  if (s == CQL_OK && (s = copy_into(c, st)) != CQL_OK) {
    cql_statement_free(c);
    c = NULL;
  }
  *out = c;
  return s;
}
