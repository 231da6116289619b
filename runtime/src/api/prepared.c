/* cql_prepared: built from a PREPARED result, reference counted, with its
 * result columns in a replaceable snapshot (METADATA_CHANGED). */
#include <string.h>

#include "api_internal.h"
#include "mem.h"

cql_result_meta *cql_result_meta_retain(cql_result_meta *m) {
  atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
  return m;
}

void cql_result_meta_release(cql_result_meta *m) {
  if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1)
    return;
  cql_arena_free(&m->arena);
  cql_mem mem = m->mem;
  cql_free(&mem, m);
}

static cql_result_meta *meta_new(const cql_mem *mem, cql_slice id, const cql_column_spec *cols,
                                 uint32_t n) {
  cql_result_meta *m = cql_malloc(mem, sizeof(*m));
  if (!m)
    return NULL;
  memset(m, 0, sizeof(*m));
  atomic_init(&m->refs, 1);
  m->mem = *mem;
  cql_arena_init(&m->arena, &m->mem);
  uint8_t *idp = cql_arena_alloc(&m->arena, id.len ? id.len : 1);
  m->columns = cql_api_columns_copy(cols, n, &m->arena);
  if (!idp || !m->columns) {
    cql_result_meta_release(m);
    return NULL;
  }
  if (id.len)
    memcpy(idp, id.ptr, id.len);
  m->id = (cql_slice){idp, id.len};
  m->n_columns = n;
  return m;
}

/* Copies the bind side (id, params, pk indices, texts) into p's arena. */
static bool copy_bind_side(cql_prepared *p, const cql_result_msg *msg, const char *query,
                           const char *keyspace) {
  const cql_prepared_metadata *md = &msg->u.prepared.metadata;
  uint32_t n = md->columns_count > 0 ? (uint32_t)md->columns_count : 0;
  uint32_t n_pk = md->pk_count > 0 ? (uint32_t)md->pk_count : 0;
  cql_arena *a = &p->arena;
  p->query = cql_api_arena_strdup(a, cql_slice_from_cstr(query ? query : ""));
  p->keyspace = keyspace ? cql_api_arena_strdup(a, cql_slice_from_cstr(keyspace)) : NULL;
  char *id = cql_api_arena_strdup(a, msg->u.prepared.id);
  p->params = cql_api_columns_copy(md->columns, n, a);
  p->pk_indices = cql_arena_calloc(a, n_pk ? n_pk : 1, sizeof(uint16_t));
  if (!p->query || (keyspace && !p->keyspace) || !id || !p->params || !p->pk_indices)
    return false;
  p->id = (cql_slice){(const uint8_t *)id, msg->u.prepared.id.len};
  p->n_params = n;
  p->n_pk = n_pk;
  if (n_pk)
    memcpy(p->pk_indices, md->pk_indices, n_pk * sizeof(uint16_t));
  return true;
}

static cql_prepared *prepared_alloc(const cql_mem *mem) {
  cql_prepared *p = cql_malloc(mem, sizeof(*p));
  if (!p)
    return NULL;
  memset(p, 0, sizeof(*p));
  atomic_init(&p->refs, 1);
  atomic_init(&p->result_meta, NULL);
  p->mem = *mem;
  cql_arena_init(&p->arena, &p->mem);
  return p;
}

cql_status cql_prepared_from_msg(const cql_result_msg *msg, const char *query, const char *keyspace,
                                 const cql_mem *mem, cql_prepared **out) {
  if (!out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  if (!msg || msg->kind != CQL_RESULT_PREPARED)
    return CQL_E_INVALID_ARG;
  mem = cql_mem_or_default(mem);
  cql_prepared *p = prepared_alloc(mem);
  if (!p)
    return CQL_E_NOMEM;
  const cql_rows_metadata *rm = &msg->u.prepared.result_metadata;
  uint32_t n_cols = rm->columns && rm->columns_count > 0 ? (uint32_t)rm->columns_count : 0;
  cql_result_meta *m = NULL;
  if (copy_bind_side(p, msg, query, keyspace))
    m = meta_new(mem, msg->u.prepared.result_metadata_id, rm->columns, n_cols);
  if (!m) {
    cql_prepared_release(p);
    return CQL_E_NOMEM;
  }
  atomic_store(&p->result_meta, m);
  *out = p;
  return CQL_OK;
}

cql_status cql_prepared_from_reply(const cql_reply *reply, const char *query, const char *keyspace,
                                   const cql_mem *mem, cql_prepared **out) {
  if (out)
    *out = NULL;
  if (!reply)
    return CQL_E_INVALID_ARG;
  const cql_response *r = cql_reply_response(reply);
  if (r->opcode != CQL_OP_RESULT || r->u.result.kind != CQL_RESULT_PREPARED)
    return CQL_E_BAD_MESSAGE;
  return cql_prepared_from_msg(&r->u.result, query, keyspace, mem, out);
}

cql_prepared *cql_prepared_retain(cql_prepared *p) {
  if (p)
    atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
  return p;
}

void cql_prepared_release(cql_prepared *p) {
  if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
    return;
  cql_result_meta_release(atomic_load(&p->result_meta));
  cql_arena_free(&p->arena);
  cql_mem mem = p->mem;
  cql_free(&mem, p);
}

cql_slice cql_prepared_id(const cql_prepared *p) { return p->id; }

cql_result_meta *cql_prepared_result_meta(const cql_prepared *p) {
  return cql_result_meta_retain(atomic_load(&p->result_meta));
}

cql_status cql_prepared_update_result_metadata(cql_prepared *p, const cql_rows_metadata *md) {
  if (!p || !md || (!md->columns && md->columns_count > 0) || md->columns_count < 0)
    return CQL_E_INVALID_ARG;
  cql_result_meta *m =
      meta_new(&p->mem, md->new_metadata_id, md->columns, (uint32_t)md->columns_count);
  if (!m)
    return CQL_E_NOMEM;
  cql_result_meta_release(atomic_exchange(&p->result_meta, m));
  return CQL_OK;
}
