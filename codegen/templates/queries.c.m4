m4_dnl Source shapes per query (see queries.h.m4 for the data calls).
m4_dnl
m4_dnl ---- staging the parameters ----
m4_define(@{CG_C_P}@, @{  if (rc == CQL_OK && cg_stage_want(s, $1, p->$2_state, m4_ifelse($6$5, 11, @{CG_REQUIRED | CG_NULLABLE}@, $6$5, 10, @{CG_REQUIRED}@, $6$5, 01, @{CG_NULLABLE}@, @{0}@), &rc)) {
    CG_WR($3, $4, s->w, p->$2);
    rc = cg_stage_put(s, $1);
  }
}@)m4_dnl
m4_dnl ---- reading columns: by position, or by name for conditional results ----
m4_define(@{CG_GET_POS}@, @{cql_result_get_raw(r, row, $1, &v)}@)m4_dnl
m4_define(@{CG_GET_NAME}@, @{cg_cell(r, row, $2, &v)}@)m4_dnl
m4_define(@{CG_C_C_DEC}@, @{  rc = CG_GET($1, @{$6}@);
  rc = rc == CQL_OK ? CG_DEC($3, $4, v, &out->$2) : cg_null(rc, m4_ifelse($5, 1, @{&out->$2_null}@, @{NULL}@));
  if (rc != CQL_OK) {
    return rc;
  }
}@)m4_dnl
m4_define(@{CG_C_C_COUNT}@, @{ + 1}@)m4_dnl
m4_define(@{CG_C_C_CHECK_POS}@, @{  if (!cg_type_is(cql_result_column_type(r, $1), CG_TID($3, $4))) {
    return CQL_E_CODEGEN_SCHEMA_MISMATCH;
  }
}@)m4_dnl
m4_define(@{CG_C_C_CHECK_NAME}@, @{  if (cql_result_column_index(r, $6, &col) == CQL_OK &&
      !cg_type_is(cql_result_column_type(r, col), CG_TID($3, $4))) {
    return CQL_E_CODEGEN_SCHEMA_MISMATCH;
  }
}@)m4_dnl
m4_define(@{CG_C_C_SZ}@, @{  CG_CSZ($3, $4, row->$2)
}@)m4_dnl
m4_define(@{CG_C_C_REL}@, @{  CG_CREL($3, $4, out->$2, &cursor)
}@)m4_dnl
m4_dnl
m4_define(@{CG_C_QUERY}@, @{
/* ==== $8 ==== */

const char $1_cql[] = $3;
m4_ifelse(@{$7}@, @{}@, @{m4_define(@{CG_POS_PTR}@, @{NULL}@)m4_define(@{CG_POS_N}@, @{0}@)}@, @{
static const uint16_t cg_pos_$1[] = {$7};
m4_define(@{CG_POS_PTR}@, @{cg_pos_$1}@)m4_define(@{CG_POS_N}@, @{sizeof cg_pos_$1 / sizeof cg_pos_$1[0]}@)}@)m4_dnl

static cql_status cg_stage_$1(cg_stage *s@{}@CG_QPARAMS($4, $1)) {
  cql_status rc = cg_stage_init(s, $4);
m4_define(@{CG_P}@, m4_defn(@{CG_C_P}@))$5m4_dnl
  return rc != CQL_OK ? rc : cg_stage_done(s);
}

cql_status $1_bind(cql_statement *st@{}@CG_QPARAMS($4, $1)) {
  cg_stage s;
  cql_status rc = cg_stage_$1(&s@{}@CG_QARG($4));
  if (rc == CQL_OK) {
    rc = cg_stage_apply(&s, CG_POS_PTR, CG_POS_N, st);
  }
  cg_stage_free(&s);
  return rc;
}
m4_ifelse(@{$6}@, @{}@, @{}@, @{m4_ifelse($2, lwt, @{m4_define(@{CG_GET}@, m4_defn(@{CG_GET_NAME}@))}@, @{m4_define(@{CG_GET}@, m4_defn(@{CG_GET_POS}@))}@)
m4_ifelse($2, lwt, @{
cql_status $1_check(const cql_result *r) {
  size_t col;
  if (cql_result_column_index(r, "[applied]", &col) != CQL_OK) {
    return CQL_E_CODEGEN_SCHEMA_MISMATCH;
  }
m4_define(@{CG_C}@, m4_defn(@{CG_C_C_CHECK_NAME}@))$6m4_dnl
  return CQL_OK;
}
}@, @{
cql_status $1_check(const cql_result *r) {
  if (cql_result_column_count(r) != 0 m4_define(@{CG_C}@, m4_defn(@{CG_C_C_COUNT}@))$6) {
    return CQL_E_CODEGEN_SCHEMA_MISMATCH;
  }
m4_define(@{CG_C}@, m4_defn(@{CG_C_C_CHECK_POS}@))$6m4_dnl
  return CQL_OK;
}
}@)
cql_status $1_decode(const cql_result *r, size_t row, $1_row *out) {
  cql_slice v;
  cql_status rc;
  memset(out, 0, sizeof *out);
m4_define(@{CG_C}@, m4_defn(@{CG_C_C_DEC}@))$6m4_dnl
  return CQL_OK;
}

$1_row *$1_row_copy(const $1_row *row) {
  size_t size = 0;
  $1_row *out;
  uint8_t *cursor;
m4_define(@{CG_C}@, m4_defn(@{CG_C_C_SZ}@))$6m4_dnl
  out = malloc(sizeof *out + size);
  if (out == NULL) {
    return NULL;
  }
  *out = *row;
  cursor = (uint8_t *)(out + 1);
m4_define(@{CG_C}@, m4_defn(@{CG_C_C_REL}@))$6m4_dnl
  (void)cursor;
  return out;
}
}@)m4_dnl
CG_C_KIND_$2($@)}@)m4_dnl
m4_dnl
m4_dnl ---- per kind: the asynchronous wrapper and its blocking twin ----
m4_define(@{CG_C_START}@, @{  cg_call_$1 *c = (cg_call_$1 *)cg_call_new(sizeof *c, session);
  cql_status rc;
  if (c == NULL) {
    return CQL_E_NOMEM;
  }
  c->base.done = cg_done_$1;
  c->base.pos = CG_POS_PTR;
  c->base.n_pos = CG_POS_N;
  c->ud = ud;
}@)m4_dnl
m4_define(@{CG_C_STAGE_START}@, @{  rc = cg_stage_$1(&c->base.stage@{}@CG_QARG($2));
  if (rc != CQL_OK) {
    cg_call_free(&c->base);
    return rc;
  }
  return cg_call_start(&c->base, $1_cql);
}@)m4_dnl
m4_define(@{CG_C_SIMPLE}@, @{
typedef struct cg_call_$1 {
  cg_call base;
  $1_cb cb;
  void *ud;
} cg_call_$1;

static void cg_done_$1(cg_call *base, cql_status status, const cql_result *result) {
  cg_call_$1 *c = (cg_call_$1 *)base;
$2}

cql_status $1(cql_session *session@{}@CG_QPARAMS($3, $1), $1_cb cb, void *ud) {
CG_C_START($1)m4_dnl
  c->cb = cb;
CG_C_STAGE_START($1, $3)
}
}@)m4_dnl
m4_define(@{CG_C_KIND_one}@, @{CG_C_SIMPLE($1, @{  $1_row row;
  const $1_row *found = NULL;
  if (status == CQL_OK && result != NULL) {
    status = $1_check(result);
    if (status == CQL_OK && cql_result_row_count(result) > 0) {
      status = $1_decode(result, 0, &row);
      found = status == CQL_OK ? &row : NULL;
    }
  }
  if (c->cb != NULL) {
    c->cb(status, found, result, c->ud);
  }
}@, $4)
cql_status $1_sync(cql_client *client@{}@CG_QPARAMS($4, $1), $1_row *row, bool *found,
                   cql_result **result) {
  cg_stage s;
  cql_slice start = {NULL, 0};
  cql_status rc = cg_stage_$1(&s@{}@CG_QARG($4));
  *found = false;
  *result = NULL;
  if (rc == CQL_OK) {
    rc = cg_sync_run(client, $1_cql, &s, CG_POS_PTR, CG_POS_N, 0, start, result);
  }
  cg_stage_free(&s);
  if (rc == CQL_OK) {
    rc = $1_check(*result);
  }
  if (rc == CQL_OK && cql_result_row_count(*result) > 0) {
    rc = $1_decode(*result, 0, row);
    *found = rc == CQL_OK;
  }
  return rc;
}
}@)m4_dnl
m4_define(@{CG_C_KIND_lwt}@, @{CG_C_SIMPLE($1, @{  $1_row row;
  if (status == CQL_OK && result != NULL) {
    status = cql_result_row_count(result) > 0 ? $1_check(result) : CQL_E_CODEGEN_SCHEMA_MISMATCH;
    if (status == CQL_OK) {
      status = $1_decode(result, 0, &row);
    }
  }
  if (c->cb != NULL) {
    c->cb(status, status == CQL_OK ? &row : NULL, result, c->ud);
  }
}@, $4)
cql_status $1_sync(cql_client *client@{}@CG_QPARAMS($4, $1), $1_row *row, cql_result **result) {
  cg_stage s;
  cql_slice start = {NULL, 0};
  cql_status rc = cg_stage_$1(&s@{}@CG_QARG($4));
  *result = NULL;
  if (rc == CQL_OK) {
    rc = cg_sync_run(client, $1_cql, &s, CG_POS_PTR, CG_POS_N, 0, start, result);
  }
  cg_stage_free(&s);
  if (rc == CQL_OK) {
    rc = cql_result_row_count(*result) > 0 ? $1_check(*result) : CQL_E_CODEGEN_SCHEMA_MISMATCH;
  }
  if (rc == CQL_OK) {
    rc = $1_decode(*result, 0, row);
  }
  return rc;
}
}@)m4_dnl
m4_define(@{CG_C_KIND_exec}@, @{CG_C_SIMPLE($1, @{  if (c->cb != NULL) {
    c->cb(status, result, c->ud);
  }
}@, $4)
cql_status $1_sync(cql_client *client@{}@CG_QPARAMS($4, $1), cql_result **result) {
  cg_stage s;
  cql_slice start = {NULL, 0};
  cql_result *tmp = NULL;
  cql_status rc = cg_stage_$1(&s@{}@CG_QARG($4));
  if (rc == CQL_OK) {
    rc = cg_sync_run(client, $1_cql, &s, CG_POS_PTR, CG_POS_N, 0, start, &tmp);
  }
  cg_stage_free(&s);
  cg_give(tmp, result);
  return rc;
}
}@)m4_dnl
m4_define(@{CG_C_KIND_many}@, @{
typedef struct cg_call_$1 {
  cg_call base;
  $1_page_cb on_page;
  $1_done_cb on_done;
  void *ud;
  $1_row *rows; /* reused from page to page */
  size_t cap;
  cql_status error; /* a page that could not be decoded */
} cg_call_$1;

static void cg_page_$1(cql_pager *pager, const cql_result *page, void *ud) {
  cg_call_$1 *c = ud;
  size_t n = cql_result_row_count(page);
  cql_status rc = $1_check(page);
  if (rc == CQL_OK && n > c->cap) {
    $1_row *rows = realloc(c->rows, n * sizeof *rows);
    if (rows == NULL) {
      rc = CQL_E_NOMEM;
    } else {
      c->rows = rows;
      c->cap = n;
    }
  }
  for (size_t i = 0; rc == CQL_OK && i < n; i++) {
    rc = $1_decode(page, i, &c->rows[i]);
  }
  if (rc != CQL_OK) {
    c->error = rc;
    cql_pager_cancel(pager);
    return;
  }
  c->on_page(pager, c->rows, n, page, c->ud);
}

static void cg_done_$1(cg_call *base, cql_status status, const cql_result *result) {
  cg_call_$1 *c = (cg_call_$1 *)base;
  if (c->error != CQL_OK) {
    status = c->error;
  }
  if (c->on_done != NULL) {
    c->on_done(status, result, c->ud);
  }
  free(c->rows);
}

cql_status $1(cql_session *session@{}@CG_QPARAMS($4, $1), int32_t page_size,
              $1_page_cb on_page, $1_done_cb on_done, void *ud) {
  if (on_page == NULL) {
    return CQL_E_INVALID_ARG;
  }
  {
CG_C_START($1)m4_dnl
    c->on_page = on_page;
    c->on_done = on_done;
    c->base.on_page = cg_page_$1;
    c->base.page_size = page_size;
CG_C_STAGE_START($1, $4)
  }
}

cql_status $1_page_sync(cql_client *client@{}@CG_QPARAMS($4, $1), int32_t page_size,
                        cql_slice paging_state, cql_result **page) {
  cg_stage s;
  cql_status rc = cg_stage_$1(&s@{}@CG_QARG($4));
  *page = NULL;
  if (rc == CQL_OK) {
    rc = cg_sync_run(client, $1_cql, &s, CG_POS_PTR, CG_POS_N, page_size, paging_state, page);
  }
  cg_stage_free(&s);
  return rc == CQL_OK ? $1_check(*page) : rc;
}
}@)m4_dnl
m4_define(@{CG_C_KIND_batch}@, @{
struct $1_batch {
  cg_batch base;
};

cql_status $1_batch_new(cql_batch_type type, $1_batch **out) {
  $1_batch *b = calloc(1, sizeof *b);
  if (b == NULL) {
    return CQL_E_NOMEM;
  }
  b->base.type = type;
  *out = b;
  return CQL_OK;
}

void $1_batch_free($1_batch *b) {
  if (b != NULL) {
    cg_batch_clear(&b->base);
    free(b);
  }
}

cql_status $1_batch_add($1_batch *b@{}@CG_QPARAMS($4, $1)) {
  cg_stage *slot = cg_batch_slot(&b->base);
  cql_status rc;
  if (slot == NULL) {
    return CQL_E_NOMEM;
  }
  rc = cg_stage_$1(slot@{}@CG_QARG($4));
  if (rc != CQL_OK) {
    cg_stage_free(slot);
    return rc;
  }
  b->base.n++;
  return CQL_OK;
}

size_t $1_batch_count(const $1_batch *b) { return b->base.n; }

typedef struct cg_call_$1 {
  cg_call base;
  $1_cb cb;
  void *ud;
} cg_call_$1;

static void cg_done_$1(cg_call *base, cql_status status, const cql_result *result) {
  cg_call_$1 *c = (cg_call_$1 *)base;
  if (c->cb != NULL) {
    c->cb(status, result, c->ud);
  }
}

cql_status $1_batch_execute(cql_session *session, const $1_batch *b, $1_cb cb, void *ud) {
CG_C_START($1)m4_dnl
  c->cb = cb;
  c->base.is_batch = true;
  rc = cg_batch_copy(&c->base.batch, &b->base);
  if (rc != CQL_OK) {
    cg_call_free(&c->base);
    return rc;
  }
  return cg_call_start(&c->base, $1_cql);
}

cql_status $1_batch_execute_sync(cql_client *client, const $1_batch *b, cql_result **result) {
  cql_result *tmp = NULL;
  cql_status rc = cg_sync_batch(client, $1_cql, &b->base, CG_POS_PTR, CG_POS_N, &tmp);
  cg_give(tmp, result);
  return rc;
}
}@)m4_dnl
