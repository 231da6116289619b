/* Building results: from a reply (zero copy, with a cell index), from a
 * client-side status, from raw body bytes; and releasing them. */
#include <string.h>

#include "mem.h"
#include "response.h"
#include "result_impl.h"

/* The result handed out when even a result cannot be allocated, so that
 * callers always get one. It is never written after start-up: retain and
 * release skip immortal results, so it is shared state only in name. */
static cql_error_info nomem_info = {
    .status = CQL_E_NOMEM, .server_code = -1, .message = "out of memory while building the result"};
static cql_result nomem_result = {.immortal = true, .status = CQL_E_NOMEM, .error = &nomem_info};

cql_result *cql_api_result_nomem(void) { return &nomem_result; }

cql_result *cql_api_result_alloc(const cql_result_ctx *ctx, size_t n_cells, cql_status status) {
  const cql_mem *mem = cql_mem_or_default(ctx ? ctx->mem : NULL);
  if (n_cells > (SIZE_MAX - sizeof(cql_result)) / sizeof(uint32_t))
    return NULL;
  cql_result *r = cql_malloc(mem, sizeof(*r) + n_cells * sizeof(uint32_t));
  if (!r)
    return NULL;
  memset(r, 0, sizeof(*r));
  atomic_init(&r->refs, 1);
  r->mem = *mem;
  cql_arena_init(&r->arena, &r->mem);
  r->status = status;
  r->kind = CQL_RESULT_VOID;
  r->udts = ctx ? ctx->udts : NULL;
  return r;
}

void cql_api_result_index(cql_result *r, cql_slice rows_content, uint32_t rows, uint32_t cols) {
  const uint8_t *base = rows_content.ptr, *p = base;
  r->rows_base = base;
  r->n_rows = rows;
  size_t n = (size_t)rows * cols;
  for (size_t i = 0; i < n; i++) {
    r->cell_off[i] = (uint32_t)(p - base);
    int32_t len = (int32_t)cql_load_u32(p);
    p += 4 + (len > 0 ? (size_t)len : 0);
  }
}

static bool set_error_strings(cql_result *r, const cql_error_body *e, const char *host) {
  cql_error_info *i = r->error;
  cql_arena *a = &r->arena;
  i->message = cql_api_arena_strdup(a, e->message);
  i->write_type = e->write_type.len ? cql_api_arena_strdup(a, e->write_type) : NULL;
  i->keyspace = e->keyspace.len ? cql_api_arena_strdup(a, e->keyspace) : NULL;
  i->table = e->table.len ? cql_api_arena_strdup(a, e->table) : NULL;
  i->function = e->function.len ? cql_api_arena_strdup(a, e->function) : NULL;
  i->host = host ? cql_api_arena_strdup(a, cql_slice_from_cstr(host)) : NULL;
  return i->message && (!e->write_type.len || i->write_type) && (!e->keyspace.len || i->keyspace) &&
         (!e->table.len || i->table) && (!e->function.len || i->function) && (!host || i->host);
}

static bool fill_server_error(cql_result *r, const cql_error_body *e, const char *host) {
  if (!(r->error = cql_arena_alloc(&r->arena, sizeof(*r->error))))
    return false;
  cql_error_info *i = r->error;
  i->status = r->status;
  i->server_code = e->code;
  i->consistency = (cql_consistency)e->consistency;
  i->received = e->received;
  i->required = e->block_for;
  i->failures = e->n_reasons ? (int32_t)e->n_reasons : e->num_failures;
  i->data_present = e->data_present;
  return set_error_strings(r, e, host);
}

/* Columns of a Rows page: its own metadata, else (NO_METADATA) those of
 * the prepared statement when their count agrees. */
static void pick_columns(cql_result *r, const cql_rows_metadata *md, const cql_result_ctx *ctx) {
  r->n_columns = md->columns_count > 0 ? (uint32_t)md->columns_count : 0;
  if (md->columns) {
    r->columns = md->columns;
    return;
  }
  if (!ctx || !ctx->prepared)
    return;
  cql_result_meta *m = cql_prepared_result_meta(ctx->prepared);
  if (m->n_columns == r->n_columns) {
    r->meta = m;
    r->columns = m->columns;
  } else {
    cql_result_meta_release(m);
  }
}

static size_t cells_of(const cql_response *resp) {
  if (resp->opcode != CQL_OP_RESULT || resp->u.result.kind != CQL_RESULT_ROWS)
    return 0;
  const cql_result_msg *m = &resp->u.result;
  return (size_t)m->u.rows.rows_count * (size_t)m->u.rows.metadata.columns_count;
}

/* Everything but allocation: status, kind, error, columns, index. */
static bool fill_from_response(cql_result *r, const cql_response *resp, const cql_result_ctx *ctx) {
  r->resp = resp;
  if (resp->opcode == CQL_OP_ERROR) {
    r->status = cql_status_from_server_code(resp->u.error.code);
    return fill_server_error(r, &resp->u.error, ctx ? ctx->host : NULL);
  }
  if (resp->opcode != CQL_OP_RESULT) {
    r->status = CQL_E_BAD_OPCODE;
    cql_error_body e = {.code = -1, .message = cql_slice_from_cstr("unexpected response opcode")};
    return fill_server_error(r, &e, ctx ? ctx->host : NULL);
  }
  r->kind = (cql_result_kind)resp->u.result.kind;
  if (r->kind == CQL_RESULT_ROWS) {
    const cql_rows_metadata *md = &resp->u.result.u.rows.metadata;
    pick_columns(r, md, ctx);
    cql_api_result_index(r, resp->u.result.u.rows.rows_content,
                         (uint32_t)resp->u.result.u.rows.rows_count, r->n_columns);
  }
  return true;
}

void cql_result_release(cql_result *r) {
  if (!r || r->immortal || atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1)
    return;
  cql_reply_release(r->reply);
  cql_result_meta_release(r->meta);
  cql_arena_free(&r->arena);
  cql_free(&r->mem, r->owned_body);
  cql_mem mem = r->mem;
  cql_free(&mem, r);
}

cql_result *cql_result_retain(const cql_result *r) {
  cql_result *m = (cql_result *)(uintptr_t)r; /* the count is not part of the value */
  if (m && !m->immortal)
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
  return m;
}

cql_result *cql_result_from_reply(cql_reply *reply, const cql_result_ctx *ctx) {
  if (!reply)
    return cql_result_from_status(CQL_E_INVALID_ARG, "no reply", ctx);
  const cql_response *resp = cql_reply_response(reply);
  cql_result *r = cql_api_result_alloc(ctx, cells_of(resp), CQL_OK);
  if (!r)
    return cql_api_result_nomem();
  r->reply = cql_reply_retain(reply);
  if (!fill_from_response(r, resp, ctx)) {
    cql_result_release(r);
    return cql_api_result_nomem();
  }
  return r;
}

cql_result *cql_result_from_status(cql_status status, const char *message,
                                   const cql_result_ctx *ctx) {
  if (status == CQL_E_NOMEM)
    return cql_api_result_nomem();
  cql_result *r = cql_api_result_alloc(ctx, 0, status);
  if (!r)
    return cql_api_result_nomem();
  cql_error_body e = {
      .code = -1, .message = cql_slice_from_cstr(message ? message : cql_status_describe(status))};
  if (status != CQL_OK && !fill_server_error(r, &e, ctx ? ctx->host : NULL)) {
    cql_result_release(r);
    return cql_api_result_nomem();
  }
  return r;
}

cql_result *cql_result_from_conn_result(const cql_conn_result *res, const cql_result_ctx *ctx) {
  if (res->reply && (res->status == CQL_OK || res->server_error))
    return cql_result_from_reply(res->reply, ctx);
  return cql_result_from_status(res->status, res->message, ctx);
}

cql_status cql_result_from_body(const cql_header *h, cql_slice body, const cql_result_ctx *ctx,
                                cql_result **out) {
  if (!out || !h || (body.len && !body.ptr))
    return CQL_E_INVALID_ARG;
  *out = NULL;
  /* The cell index is sized after decoding, so decode into a scratch
   * result first, then move into one with room for the index. */
  cql_result *tmp = cql_api_result_alloc(ctx, 0, CQL_OK);
  if (!tmp || !(tmp->owned_body = cql_malloc(&tmp->mem, body.len ? body.len : 1))) {
    cql_result_release(tmp);
    return CQL_E_NOMEM;
  }
  if (body.len)
    memcpy(tmp->owned_body, body.ptr, body.len);
  cql_slice copy = {tmp->owned_body, body.len};
  const char *what = NULL;
  cql_status s =
      cql_response_decode2(h, copy, &tmp->arena, CQL_RESPONSE_ALLOW_TRAILING, &tmp->own, &what);
  cql_result *r = s == CQL_OK ? cql_api_result_alloc(ctx, cells_of(&tmp->own), CQL_OK) : NULL;
  if (s == CQL_OK && !r)
    s = CQL_E_NOMEM;
  if (s != CQL_OK) {
    cql_result_release(tmp);
    return s;
  }
  /* Move the body, arena and decoded response over; the arena's blocks
   * point to their allocator through r->mem, identical to tmp->mem. */
  r->owned_body = tmp->owned_body;
  r->arena = tmp->arena;
  r->arena.mem = &r->mem;
  r->own = tmp->own;
  cql_free(&tmp->mem, tmp);
  if (!fill_from_response(r, &r->own, ctx)) {
    cql_result_release(r);
    return CQL_E_NOMEM;
  }
  *out = r;
  return CQL_OK;
}

const cql_response *cql_result_response(const cql_result *r) { return r ? r->resp : NULL; }

const cql_rows_metadata *cql_result_rows_metadata(const cql_result *r) {
  if (!r || !r->resp || r->resp->opcode != CQL_OP_RESULT ||
      r->resp->u.result.kind != CQL_RESULT_ROWS)
    return NULL;
  return &r->resp->u.result.u.rows.metadata;
}
