m4_dnl Header shapes per query. Data call:
m4_dnl   CG_QUERY(qname, one|many|exec|lwt|batch, "cql", nparams, params,
m4_dnl            columns, positions, comment, batch type)
m4_dnl   params: CG_P(index, field, kind, cname, nullable, required, comment)
m4_dnl   columns: CG_C(index, field, kind, cname, nullable, "name", comment)
m4_define(@{CG_H_P}@, @{  CG_T($3, $4) $2; /* $7@{}@m4_ifelse($6, 1, @{, required}@)@{}@m4_ifelse($5, 0, @{, not null}@) */
  cqlgen_state $2_state;
}@)m4_dnl
m4_define(@{CG_H_C}@, @{  CG_T($3, $4) $2; /* $7 */
m4_ifelse($5, 1, @{  bool $2_null;
}@)}@)m4_dnl
m4_define(@{CG_H_QUERY}@, @{
/* ==== $8 ==== */

/* The statement as prepared. */
extern const char $1_cql[];
m4_ifelse($4, 0, @{}@, @{
/* Parameters: zero-initialise, then set with CQLGEN_SET(p, field, value)
 * (or CQLGEN_SET_NULL). Views must stay valid only during the call that
 * takes the struct: values are serialized at once. */
typedef struct $1_params {
m4_define(@{CG_P}@, m4_defn(@{CG_H_P}@))$5} $1_params;
}@)m4_dnl

/* Binds the parameters to `st`, a bound statement of $1_cql (for callers
 * that prepare and execute themselves). Errors: CQL_E_INVALID_ARG (a
 * required parameter unset, or null where null is not allowed), the
 * errors of cql_bind_serialized, CQL_E_NOMEM. */
cql_status $1_bind(cql_statement *st@{}@CG_QPARAMS($4, $1));
m4_ifelse($6, @{}@, @{}@, @{
/* One row of the result; fields follow the result columns. */
typedef struct $1_row {
m4_define(@{CG_C}@, m4_defn(@{CG_H_C}@))$6} $1_row;

/* Checks a result's columns against $1_row (count and types):
 * CQL_E_CODEGEN_SCHEMA_MISMATCH when the table changed under the code.
 * The wrappers below check every page. */
cql_status $1_check(const cql_result *r);

/* Decodes row `row` of `r` (checked with $1_check) into *out; views in
 * *out point into r. Errors: CQL_E_INVALID_ARG, CQL_E_NULL_VALUE (null in
 * a column that cannot be null), CQL_E_BAD_VALUE. */
cql_status $1_decode(const cql_result *r, size_t row, $1_row *out);

/* A deep copy of *row in one allocation (free it with free()), or NULL when
 * out of memory. Collection values bound from items are copied shallowly. */
$1_row *$1_row_copy(const $1_row *row);
}@)m4_dnl
CG_H_KIND_$2($@)}@)m4_dnl
m4_dnl
m4_define(@{CG_H_KIND_one}@, @{
/* The outcome: status CQL_OK with row NULL when there is no row. `row` and
 * `result` are valid until the callback returns. */
typedef void (*$1_cb)(cql_status status, const $1_row *row, const cql_result *result, void *ud);

/* Prepares (once per session, shared), binds, executes and decodes; `cb`
 * runs on the session's loop. Errors (then cb will not run): those of
 * $1_bind, cql_session_prepare and cql_session_execute. */
cql_status $1(cql_session *session@{}@CG_QPARAMS($4, $1), $1_cb cb, void *ud);

/* Blocking: *found tells whether *row was filled. *result (set unless the
 * call failed before sending) owns what the row views; release it with
 * cql_result_release. */
cql_status $1_sync(cql_client *client@{}@CG_QPARAMS($4, $1), $1_row *row, bool *found,
                   cql_result **result);
}@)m4_dnl
m4_define(@{CG_H_KIND_lwt}@, @{
/* The outcome of the conditional statement: `row->applied` and, when not
 * applied, the columns Cassandra returns (missing ones are null). `row` is
 * NULL unless status is CQL_OK. Valid until the callback returns. */
typedef void (*$1_cb)(cql_status status, const $1_row *row, const cql_result *result, void *ud);

/* Prepares (once per session), binds and executes; `cb` runs on the loop. */
cql_status $1(cql_session *session@{}@CG_QPARAMS($4, $1), $1_cb cb, void *ud);

/* Blocking; *result owns the views of *row (release it). */
cql_status $1_sync(cql_client *client@{}@CG_QPARAMS($4, $1), $1_row *row, cql_result **result);
}@)m4_dnl
m4_define(@{CG_H_KIND_many}@, @{
/* One page of decoded rows, valid until the callback returns. Pause,
 * resume or cancel the stream through `pager`. */
typedef void (*$1_page_cb)(cql_pager *pager, const $1_row *rows, size_t n_rows,
                           const cql_result *page, void *ud);
/* The end of the stream: CQL_OK after the last page, else the error
 * (`error` is its result, when there is one). */
typedef void (*$1_done_cb)(cql_status status, const cql_result *error, void *ud);

/* Streams the rows page by page (cql_session_page: bounded buffering,
 * backpressure through the pager). `page_size` 0: the config's. */
cql_status $1(cql_session *session@{}@CG_QPARAMS($4, $1), int32_t page_size,
              $1_page_cb on_page, $1_done_cb on_done, void *ud);

/* Blocking: fetches one page starting at `paging_state` (empty: the first)
 * into *page (release it); decode rows with $1_decode and continue with
 * cql_result_paging_state while cql_result_has_more_pages. */
cql_status $1_page_sync(cql_client *client@{}@CG_QPARAMS($4, $1), int32_t page_size,
                        cql_slice paging_state, cql_result **page);
}@)m4_dnl
m4_define(@{CG_H_KIND_exec}@, @{
typedef void (*$1_cb)(cql_status status, const cql_result *result, void *ud);

/* Prepares (once per session), binds and executes; `cb` runs on the loop. */
cql_status $1(cql_session *session@{}@CG_QPARAMS($4, $1), $1_cb cb, void *ud);

/* Blocking; *result (may be NULL: not wanted) is released by the caller. */
cql_status $1_sync(cql_client *client@{}@CG_QPARAMS($4, $1), cql_result **result);
}@)m4_dnl
m4_define(@{CG_H_KIND_batch}@, @{
/* A typed batch of $1 statements: add rows, then execute once. */
typedef struct $1_batch $1_batch;
typedef void (*$1_cb)(cql_status status, const cql_result *result, void *ud);

/* An empty batch of `type` (m4_ifelse($9, CQL_BATCH_COUNTER, @{COUNTER: the statement updates counters}@, @{LOGGED or UNLOGGED}@)); free it with
 * $1_batch_free. Errors: CQL_E_NOMEM. */
cql_status $1_batch_new(cql_batch_type type, $1_batch **out);
void $1_batch_free($1_batch *b);
/* Adds one statement; its values are serialized at once. Errors: as
 * $1_bind. */
cql_status $1_batch_add($1_batch *b@{}@CG_QPARAMS($4, $1));
size_t $1_batch_count(const $1_batch *b);
/* Prepares (once per session) and executes the batch. `b` is not touched
 * afterwards: free or reuse it as soon as this returns. */
cql_status $1_batch_execute(cql_session *session, const $1_batch *b, $1_cb cb, void *ud);
/* Blocking; *result (may be NULL) is released by the caller. */
cql_status $1_batch_execute_sync(cql_client *client, const $1_batch *b, cql_result **result);
}@)m4_dnl
