/* cql_batch: statements with their values copied in, and the BATCH request. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"

cql_status cql_batch_new(cql_batch **out, cql_batch_type type, const cql_mem *mem) {
  if (!out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  if (type != CQL_BATCH_LOGGED && type != CQL_BATCH_UNLOGGED && type != CQL_BATCH_COUNTER)
    return CQL_E_INVALID_ARG;
  mem = cql_mem_or_default(mem);
  cql_batch *b = cql_malloc(mem, sizeof(*b));
  if (!b)
    return CQL_E_NOMEM;
  memset(b, 0, sizeof(*b));
  b->mem = *mem;
  b->type = type;
  cql_buf_init(&b->data, &b->mem);
  *out = b;
  return CQL_OK;
}

void cql_batch_free(cql_batch *b) {
  if (!b)
    return;
  for (size_t i = 0; i < b->n_entries; i++) {
    cql_free(&b->mem, b->entries[i].query);
    cql_prepared_release(b->entries[i].prepared);
  }
  cql_free(&b->mem, b->entries);
  cql_free(&b->mem, b->values);
  cql_buf_free(&b->data);
  cql_mem mem = b->mem;
  cql_free(&mem, b);
}

/* Grows an array to hold `need` items of `size` bytes. */
static bool grow(const cql_mem *mem, void **arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap * 2 : 8;
  while (n < need)
    n *= 2;
  void *p = cql_realloc(mem, *arr, n * size);
  if (!p)
    return false;
  *arr = p;
  *cap = n;
  return true;
}

static cql_status copy_values(cql_batch *b, const cql_statement *st) {
  size_t start = b->data.len;
  for (size_t i = 0; i < st->n_values; i++) {
    const cql_stmt_value *sv = &st->values[i];
    cql_batch_value *v = &b->values[b->n_values + i];
    v->state = sv->state;
    v->off = (uint32_t)b->data.len;
    v->len = sv->state == CQL_VALUE_SET ? sv->len : 0;
    if (v->len)
      cql_buf_put_raw(&b->data, st->data.data + sv->off, sv->len);
  }
  if (b->data.err != CQL_OK || b->data.len > UINT32_MAX) {
    b->data.len = start;
    b->data.err = CQL_OK;
    return CQL_E_NOMEM;
  }
  return CQL_OK;
}

cql_status cql_batch_add(cql_batch *b, const cql_statement *st) {
  if (!b || !st || st->n_named > 0 || b->n_entries >= UINT16_MAX)
    return CQL_E_INVALID_ARG;
  if (!grow(&b->mem, (void **)&b->entries, &b->cap_entries, b->n_entries + 1,
            sizeof(*b->entries)) ||
      !grow(&b->mem, (void **)&b->values, &b->cap_values, b->n_values + st->n_values,
            sizeof(*b->values)))
    return CQL_E_NOMEM;
  cql_batch_entry e = {.first_value = (uint32_t)b->n_values, .n_values = (uint32_t)st->n_values};
  if (!st->prepared && !(e.query = cql_api_strdup(&b->mem, st->query)))
    return CQL_E_NOMEM;
  cql_status s = copy_values(b, st);
  if (s != CQL_OK) {
    cql_free(&b->mem, e.query);
    return s;
  }
  e.prepared = cql_prepared_retain(st->prepared);
  b->entries[b->n_entries++] = e;
  b->n_values += st->n_values;
  return CQL_OK;
}

cql_status cql_batch_set_consistency(cql_batch *b, cql_consistency level) {
  if (!b || !cql_api_valid_consistency(level))
    return CQL_E_INVALID_ARG;
  b->has_consistency = true;
  b->consistency = level;
  return CQL_OK;
}

cql_status cql_batch_set_serial_consistency(cql_batch *b, cql_consistency level) {
  if (!b || !cql_api_valid_serial(level))
    return CQL_E_INVALID_ARG;
  b->has_serial_consistency = true;
  b->serial_consistency = level;
  return CQL_OK;
}

cql_status cql_batch_set_timeout(cql_batch *b, uint32_t ms) {
  if (!b)
    return CQL_E_INVALID_ARG;
  b->timeout_ms = ms;
  return CQL_OK;
}

cql_status cql_batch_set_idempotent(cql_batch *b, bool idempotent) {
  if (!b)
    return CQL_E_INVALID_ARG;
  b->idempotent = idempotent;
  return CQL_OK;
}

cql_status cql_batch_set_timestamp(cql_batch *b, int64_t microseconds) {
  if (!b || microseconds == INT64_MIN)
    return CQL_E_INVALID_ARG;
  b->has_timestamp = true;
  b->timestamp = microseconds;
  return CQL_OK;
}

cql_status cql_batch_set_tracing(cql_batch *b, bool tracing) {
  if (!b)
    return CQL_E_INVALID_ARG;
  b->tracing = tracing;
  return CQL_OK;
}

uint32_t cql_batch_effective_timeout(const cql_batch *b, const cql_config *cfg) {
  uint32_t ms = b && b->timeout_ms ? b->timeout_ms : cfg ? cfg->request_timeout_ms : 12000;
  return ms ? ms : CQL_CONN_NO_TIMEOUT;
}

static bool fill_stmts(const cql_batch *b, cql_arena *arena, cql_batch_stmt *out) {
  cql_value_arg *args = cql_arena_calloc(arena, b->n_values ? b->n_values : 1, sizeof(*args));
  if (!args)
    return false;
  for (size_t i = 0; i < b->n_values; i++) {
    args[i].state = b->values[i].state;
    args[i].bytes = (cql_slice){b->data.data + b->values[i].off, b->values[i].len};
  }
  for (size_t i = 0; i < b->n_entries; i++) {
    const cql_batch_entry *e = &b->entries[i];
    out[i].is_prepared = e->prepared != NULL;
    if (e->prepared)
      out[i].id = e->prepared->id;
    else
      out[i].query = cql_slice_from_cstr(e->query);
    out[i].values = args + e->first_value;
    out[i].n_values = e->n_values;
  }
  return true;
}

cql_status cql_batch_to_request(const cql_batch *b, uint8_t version, const cql_config *defaults,
                                int64_t default_timestamp, cql_arena *arena, cql_request *out) {
  if (!b || !arena || !out || b->n_entries == 0)
    return CQL_E_INVALID_ARG;
  if (version != CQL_PROTOCOL_V4 && version != CQL_PROTOCOL_V5)
    return CQL_E_BAD_VERSION;
  memset(out, 0, sizeof(*out));
  cql_batch_stmt *stmts = cql_arena_calloc(arena, b->n_entries, sizeof(*stmts));
  if (!stmts || !fill_stmts(b, arena, stmts))
    return CQL_E_NOMEM;
  cql_batch_body *body = &out->u.batch;
  out->opcode = CQL_OP_BATCH;
  out->tracing = b->tracing;
  body->type = (uint8_t)b->type;
  body->stmts = stmts;
  body->n_stmts = (uint16_t)b->n_entries;
  body->consistency = (uint16_t)(b->has_consistency ? b->consistency
                                 : defaults         ? defaults->consistency
                                                    : CQL_CONSISTENCY_LOCAL_ONE);
  cql_consistency serial = b->has_serial_consistency ? b->serial_consistency
                           : defaults                ? defaults->serial_consistency
                                                     : CQL_CONSISTENCY_SERIAL;
  body->has_serial_consistency = b->has_serial_consistency || serial != CQL_CONSISTENCY_SERIAL;
  body->serial_consistency = (uint16_t)serial;
  int64_t ts = b->has_timestamp ? b->timestamp : default_timestamp;
  body->has_timestamp = ts != CQL_NO_TIMESTAMP;
  body->timestamp = ts;
  return CQL_OK;
}
