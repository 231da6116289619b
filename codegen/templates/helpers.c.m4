m4_dnl Static helpers every generated source carries (plain C, no data).
#if defined(__GNUC__) || defined(__clang__)
#define CG_UNUSED __attribute__((unused))
#else
#define CG_UNUSED
#endif

/* ---- decoding helpers ---------------------------------------------------- */

static CG_UNUSED cql_status cg_decode_blob(cql_slice in, cql_slice *out) {
  *out = in;
  return CQL_OK;
}

/* The next element of a collection or vector, which may not be null. */
static CG_UNUSED bool cg_next(cql_status status, cql_elements *e, cql_slice *value,
                              cql_status *err) {
  const cql_type *type;
  bool is_null;
  if (status != CQL_OK || !cql_elements_next(e, &type, value, &is_null)) {
    return false;
  }
  if (is_null) {
    *err = CQL_E_NULL_VALUE;
    return false;
  }
  return true;
}

/* Moves the bytes `s` views to *cursor (the tail of a copy) and repoints it. */
static CG_UNUSED void cg_relocate(cql_slice *s, uint8_t **cursor) {
  if (s->len == 0) {
    return;
  }
  memcpy(*cursor, s->ptr, s->len);
  s->ptr = *cursor;
  *cursor += s->len;
}

/* Whether a result column of type `t` can be read as `id`. */
static CG_UNUSED bool cg_type_is(const cql_type *t, cql_type_id id) {
  if (t == NULL) {
    return false;
  }
  return t->id == id || (id == CQL_TYPE_BLOB && t->id == CQL_TYPE_CUSTOM);
}

/* Whether the server's UDT has our fields in our order (it may have more
 * at the end, added later). */
static CG_UNUSED bool cg_udt_matches(const cql_type *server, const cql_type *ours) {
  if (server == NULL || server->id != CQL_TYPE_UDT) {
    return false;
  }
  for (uint32_t i = 0; i < server->n_children && i < ours->n_children; i++) {
    if (server->field_names == NULL || !cql_slice_eq(server->field_names[i], ours->field_names[i])) {
      return false;
    }
  }
  return true;
}

/* The cell of column `name` (absent columns read as null). */
static CG_UNUSED cql_status cg_cell(const cql_result *r, size_t row, const char *name,
                                    cql_slice *v) {
  size_t col;
  if (cql_result_column_index(r, name, &col) != CQL_OK) {
    return CQL_E_NULL_VALUE;
  }
  return cql_result_get_raw(r, row, col, v);
}

/* ---- staged values --------------------------------------------------------
 * Parameters are serialized as soon as a call is made, so the caller's
 * params (and the views they hold) need not outlive it; the values are
 * bound once the statement is prepared. */

typedef struct cg_stage {
  size_t n;     /* parameters */
  size_t *off;  /* n offsets into buf, then n lengths, then n states */
  uint8_t *buf; /* the serialized values */
  size_t used, cap;
  cql_writer *w; /* while staging */
} cg_stage;

static CG_UNUSED cql_status cg_stage_init(cg_stage *s, size_t n) {
  memset(s, 0, sizeof *s);
  s->n = n;
  if (n == 0) {
    return CQL_OK;
  }
  s->off = calloc(3 * n, sizeof(size_t));
  if (s->off == NULL) {
    return CQL_E_NOMEM;
  }
  return cql_writer_new(&s->w, NULL);
}

/* The writer is only needed while staging. */
static CG_UNUSED cql_status cg_stage_done(cg_stage *s) {
  if (s->w != NULL) {
    cql_writer_free(s->w);
    s->w = NULL;
  }
  return CQL_OK;
}

static CG_UNUSED void cg_stage_free(cg_stage *s) {
  free(s->off);
  free(s->buf);
  cg_stage_done(s);
  memset(s, 0, sizeof *s);
}

/* Flags of a parameter for cg_stage_want. */
#define CG_REQUIRED 1 /* unset is an error: Cassandra needs a value there */
#define CG_NULLABLE 2 /* null may be bound */

/* Handles the unset and null states of parameter i; true when its value is
 * to be written (to s->w, reset here). Errors go to *rc. */
static CG_UNUSED bool cg_stage_want(cg_stage *s, size_t i, cqlgen_state state, int flags,
                                    cql_status *rc) {
  switch (state) {
  case CQLGEN_UNSET:
    *rc = (flags & CG_REQUIRED) ? CQL_E_INVALID_ARG : CQL_OK;
    return false;
  case CQLGEN_NULL:
    if (flags & CG_NULLABLE) {
      s->off[2 * s->n + i] = CQLGEN_NULL;
    } else {
      *rc = CQL_E_INVALID_ARG;
    }
    return false;
  case CQLGEN_VALUE:
    cql_writer_reset(s->w);
    return true;
  default:
    *rc = CQL_E_INVALID_ARG;
    return false;
  }
}

/* A cell that could not be read: null is fine where `null_flag` is given. */
static CG_UNUSED cql_status cg_null(cql_status rc, bool *null_flag) {
  if (rc == CQL_E_NULL_VALUE && null_flag != NULL) {
    *null_flag = true;
    return CQL_OK;
  }
  return rc;
}

/* Takes the value in the writer as parameter i. */
static CG_UNUSED cql_status cg_stage_put(cg_stage *s, size_t i) {
  cql_slice v;
  cql_status rc = cql_writer_status(s->w);
  if (rc == CQL_OK) {
    rc = cql_writer_value(s->w, &v);
  }
  if (rc != CQL_OK) {
    return rc;
  }
  if (v.len > s->cap - s->used) {
    size_t cap = s->cap ? s->cap : 64;
    uint8_t *buf;
    while (cap - s->used < v.len) {
      cap *= 2;
    }
    buf = realloc(s->buf, cap);
    if (buf == NULL) {
      return CQL_E_NOMEM;
    }
    s->buf = buf;
    s->cap = cap;
  }
  if (v.len > 0) {
    memcpy(s->buf + s->used, v.ptr, v.len);
  }
  s->off[i] = s->used;
  s->off[s->n + i] = v.len;
  s->off[2 * s->n + i] = CQLGEN_VALUE;
  s->used += v.len;
  return CQL_OK;
}

/* A copy of `src` without its writer, for values that outlive a call. */
static CG_UNUSED cql_status cg_stage_copy(cg_stage *dst, const cg_stage *src) {
  memset(dst, 0, sizeof *dst);
  dst->n = src->n;
  if (src->n > 0) {
    dst->off = malloc(3 * src->n * sizeof(size_t));
    if (dst->off == NULL) {
      return CQL_E_NOMEM;
    }
    memcpy(dst->off, src->off, 3 * src->n * sizeof(size_t));
  }
  if (src->used > 0) {
    dst->buf = malloc(src->used);
    if (dst->buf == NULL) {
      return CQL_E_NOMEM;
    }
    memcpy(dst->buf, src->buf, src->used);
    dst->used = dst->cap = src->used;
  }
  return CQL_OK;
}

/* Binds the staged values: bind position i takes parameter pos[i]. */
static CG_UNUSED cql_status cg_stage_apply(const cg_stage *s, const uint16_t *pos, size_t n_pos,
                                           cql_statement *st) {
  cql_status rc = CQL_OK;
  for (size_t i = 0; i < n_pos && rc == CQL_OK; i++) {
    size_t k = pos[i];
    size_t state = s->off[2 * s->n + k];
    if (state == CQLGEN_NULL) {
      rc = cql_bind_null(st, i);
    } else if (state == CQLGEN_VALUE) {
      cql_slice v = {s->buf != NULL ? s->buf + s->off[k] : NULL, s->off[s->n + k]};
      rc = cql_bind_serialized(st, i, v);
    }
  }
  return rc;
}

/* ---- batches ---------------------------------------------------------------- */

typedef struct cg_batch {
  cql_batch_type type;
  cg_stage *items;
  size_t n, cap;
} cg_batch;

static CG_UNUSED void cg_batch_clear(cg_batch *b) {
  for (size_t i = 0; i < b->n; i++) {
    cg_stage_free(&b->items[i]);
  }
  free(b->items);
  b->items = NULL;
  b->n = b->cap = 0;
}

/* A free slot at the end (not yet counted). */
static CG_UNUSED cg_stage *cg_batch_slot(cg_batch *b) {
  if (b->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 8;
    cg_stage *items = realloc(b->items, cap * sizeof *items);
    if (items == NULL) {
      return NULL;
    }
    b->items = items;
    b->cap = cap;
  }
  return &b->items[b->n];
}

static CG_UNUSED cql_status cg_batch_copy(cg_batch *dst, const cg_batch *src) {
  memset(dst, 0, sizeof *dst);
  dst->type = src->type;
  for (size_t i = 0; i < src->n; i++) {
    cg_stage *slot = cg_batch_slot(dst);
    cql_status rc = slot != NULL ? cg_stage_copy(slot, &src->items[i]) : CQL_E_NOMEM;
    if (rc != CQL_OK) {
      if (slot != NULL) {
        cg_stage_free(slot);
      }
      cg_batch_clear(dst);
      return rc;
    }
    dst->n++;
  }
  return CQL_OK;
}

/* The cql_batch of every staged statement, bound to `prepared`. */
static CG_UNUSED cql_status cg_batch_build(const cg_batch *b, cql_prepared *prepared,
                                           const uint16_t *pos, size_t n_pos, cql_batch **out) {
  cql_batch *batch = NULL;
  cql_status rc = cql_batch_new(&batch, b->type, NULL);
  for (size_t i = 0; rc == CQL_OK && i < b->n; i++) {
    cql_statement *st;
    rc = cql_prepared_bind(prepared, &st);
    if (rc == CQL_OK) {
      rc = cg_stage_apply(&b->items[i], pos, n_pos, st);
      if (rc == CQL_OK) {
        rc = cql_batch_add(batch, st);
      }
      cql_statement_free(st);
    }
  }
  if (rc != CQL_OK) {
    if (batch != NULL) {
      cql_batch_free(batch);
    }
    return rc;
  }
  *out = batch;
  return CQL_OK;
}

/* ---- asynchronous calls --------------------------------------------------
 * A call prepares its statement (or takes it from the session's cache),
 * binds the staged values and executes, pages or runs a batch; `done`
 * decodes and calls the user's callback. */

typedef struct cg_call cg_call;
struct cg_call {
  cql_session *session;
  cg_stage stage;
  const uint16_t *pos;
  size_t n_pos;
  int32_t page_size;
  cql_page_cb on_page; /* paged queries */
  cg_batch batch;      /* batches */
  bool is_batch;
  void (*done)(cg_call *c, cql_status status, const cql_result *result);
};

static CG_UNUSED cg_call *cg_call_new(size_t size, cql_session *session) {
  cg_call *c = calloc(1, size);
  if (c != NULL) {
    c->session = session;
  }
  return c;
}

static CG_UNUSED void cg_call_free(cg_call *c) {
  cg_stage_free(&c->stage);
  cg_batch_clear(&c->batch);
  free(c);
}

static CG_UNUSED void cg_on_result(const cql_result *result, void *ud) {
  cg_call *c = ud;
  c->done(c, cql_result_status(result), result);
  cg_call_free(c);
}

static CG_UNUSED void cg_on_pager_done(cql_pager *pager, cql_status status,
                                       const cql_result *error, void *ud) {
  cg_call *c = ud;
  (void)pager;
  c->done(c, status, error);
  cg_call_free(c);
}

static CG_UNUSED cql_status cg_call_run(cg_call *c, cql_prepared *prepared) {
  cql_statement *st;
  cql_status rc;
  if (c->is_batch) {
    cql_batch *batch;
    rc = cg_batch_build(&c->batch, prepared, c->pos, c->n_pos, &batch);
    if (rc == CQL_OK) {
      rc = cql_session_execute_batch(c->session, batch, cg_on_result, c);
      cql_batch_free(batch);
    }
    return rc;
  }
  rc = cql_prepared_bind(prepared, &st);
  if (rc != CQL_OK) {
    return rc;
  }
  rc = cg_stage_apply(&c->stage, c->pos, c->n_pos, st);
  if (rc == CQL_OK && c->page_size != 0) {
    rc = cql_statement_set_page_size(st, c->page_size);
  }
  if (rc == CQL_OK && c->on_page != NULL) {
    cql_pager_options opts = {0};
    opts.on_page = c->on_page;
    opts.on_done = cg_on_pager_done;
    opts.ud = c;
    rc = cql_session_page(c->session, st, &opts, NULL);
  } else if (rc == CQL_OK) {
    rc = cql_session_execute(c->session, st, cg_on_result, c);
  }
  cql_statement_free(st);
  return rc;
}

static CG_UNUSED void cg_on_prepared(cql_prepared *prepared, const cql_result *result, void *ud) {
  cg_call *c = ud;
  cql_status rc;
  if (prepared == NULL) {
    c->done(c, result != NULL ? cql_result_status(result) : CQL_E_BAD_STATE, result);
    cg_call_free(c);
    return;
  }
  rc = cg_call_run(c, prepared);
  cql_prepared_release(prepared);
  if (rc != CQL_OK) {
    c->done(c, rc, NULL);
    cg_call_free(c);
  }
}

/* Starts a call; on error it is freed and its callback will not run. A
 * statement the session already holds prepared is bound and sent at once:
 * going through cql_session_prepare would cost a loop iteration for the
 * deferred cache answer. */
static CG_UNUSED cql_status cg_call_start(cg_call *c, const char *cql) {
  cql_prepared *prepared = cql_session_prepared_cached(c->session, cql);
  cql_status rc;
  if (prepared != NULL) {
    rc = cg_call_run(c, prepared);
    cql_prepared_release(prepared);
  } else {
    rc = cql_session_prepare(c->session, cql, cg_on_prepared, c);
  }
  if (rc != CQL_OK) {
    cg_call_free(c);
  }
  return rc;
}

/* ---- blocking calls ----------------------------------------------------------- */

/* Waits for `f` (freed here); *out takes a reference to its result. */
static CG_UNUSED cql_status cg_sync_wait(cql_future *f, cql_result **out) {
  const cql_result *r;
  if (f == NULL) {
    return CQL_E_NOMEM;
  }
  r = cql_future_result(f);
  *out = r != NULL ? cql_result_retain(r) : NULL;
  cql_future_free(f);
  return r != NULL ? cql_result_status(r) : CQL_E_BAD_STATE;
}

/* Prepares `cql` (cached by the session) and returns a reference to it,
 * or the failed prepare's result in *out. */
static CG_UNUSED cql_status cg_sync_prepare(cql_client *client, const char *cql,
                                            cql_prepared **prepared, cql_result **out) {
  cql_future *f = cql_client_prepare(client, cql);
  cql_prepared *p;
  cql_status rc = CQL_OK;
  if (f == NULL) {
    return CQL_E_NOMEM;
  }
  p = cql_future_prepared(f);
  if (p != NULL) {
    *prepared = cql_prepared_retain(p);
    cql_future_free(f);
    return CQL_OK;
  }
  rc = cg_sync_wait(f, out);
  return rc != CQL_OK ? rc : CQL_E_BAD_STATE;
}

static CG_UNUSED cql_status cg_sync_run(cql_client *client, const char *cql, const cg_stage *s,
                                        const uint16_t *pos, size_t n_pos, int32_t page_size,
                                        cql_slice paging_state, cql_result **out) {
  cql_prepared *prepared;
  cql_statement *st = NULL;
  cql_status rc = cg_sync_prepare(client, cql, &prepared, out);
  if (rc != CQL_OK) {
    return rc;
  }
  rc = cql_prepared_bind(prepared, &st);
  cql_prepared_release(prepared);
  if (rc == CQL_OK) {
    rc = cg_stage_apply(s, pos, n_pos, st);
  }
  if (rc == CQL_OK && page_size != 0) {
    rc = cql_statement_set_page_size(st, page_size);
  }
  if (rc == CQL_OK && paging_state.len > 0) {
    rc = cql_statement_set_paging_state(st, paging_state);
  }
  if (rc == CQL_OK) {
    rc = cg_sync_wait(cql_client_execute(client, st), out);
  }
  cql_statement_free(st);
  return rc;
}

static CG_UNUSED cql_status cg_sync_batch(cql_client *client, const char *cql, const cg_batch *b,
                                          const uint16_t *pos, size_t n_pos, cql_result **out) {
  cql_prepared *prepared;
  cql_batch *batch;
  cql_status rc = cg_sync_prepare(client, cql, &prepared, out);
  if (rc != CQL_OK) {
    return rc;
  }
  rc = cg_batch_build(b, prepared, pos, n_pos, &batch);
  cql_prepared_release(prepared);
  if (rc == CQL_OK) {
    rc = cg_sync_wait(cql_client_execute_batch(client, batch), out);
    cql_batch_free(batch);
  }
  return rc;
}

/* Hands *tmp to the caller through `out`, or releases it when out is NULL. */
static CG_UNUSED void cg_give(cql_result *tmp, cql_result **out) {
  if (out != NULL) {
    *out = tmp;
  } else if (tmp != NULL) {
    cql_result_release(tmp);
  }
}
