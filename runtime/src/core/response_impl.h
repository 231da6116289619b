/* Pieces shared by the response_*.c files; not for use outside them.
 *
 * Readers record failures in the cql_rd (sticky) and writers in the cql_buf,
 * so each part runs straight through and the caller checks once. `version`
 * is the bare protocol version (3, 4 or 5). */
#ifndef CQL_CORE_RESPONSE_IMPL_H
#define CQL_CORE_RESPONSE_IMPL_H

#include "response.h"

/* Records `err` in `b` unless an earlier error is there. */
void cql_rsp_buf_fail(cql_buf *b, cql_status err);

/* Arena allocation of `count` items of `size` bytes for a reader: NULL and
 * E_NOMEM recorded on failure; NULL without error when count is 0. */
void *cql_rsp_alloc(cql_rd *r, cql_arena *a, size_t count, size_t size);

/* Fails with E_BAD_LENGTH when `count` items of at least `min_size` bytes
 * each cannot fit in what is left, so a claimed count is checked before
 * anything is allocated for it. */
bool cql_rsp_count_fits(cql_rd *r, uint64_t count, size_t min_size, const char *what);

/* [string list] */
void cql_rsp_read_string_list(cql_rd *r, cql_arena *a, const cql_slice **out, uint32_t *n);
void cql_rsp_write_string_list(cql_buf *b, const cql_slice *items, uint32_t n);
/* [bytes map] */
void cql_rsp_read_bytes_map(cql_rd *r, cql_arena *a, const cql_pair **out, uint32_t *n);
void cql_rsp_write_bytes_map(cql_buf *b, const cql_pair *items, uint32_t n);
/* [string multimap] */
void cql_rsp_read_multimap(cql_rd *r, cql_arena *a, const cql_multi_entry **out, uint32_t *n);
void cql_rsp_write_multimap(cql_buf *b, const cql_multi_entry *items, uint32_t n);

/* ERROR body: code, message and the extra fields the code defines. */
void cql_rsp_read_error(cql_rd *r, uint8_t version, cql_arena *a, cql_error_body *out);
void cql_rsp_write_error(cql_buf *b, uint8_t version, const cql_error_body *e);

/* <change_type><target><options>, shared by RESULT and EVENT. */
void cql_rsp_read_schema_change(cql_rd *r, cql_arena *a, cql_schema_change *out);
void cql_rsp_write_schema_change(cql_buf *b, const cql_schema_change *sc);

/* EVENT body. */
void cql_rsp_read_event(cql_rd *r, cql_arena *a, cql_event *out);
void cql_rsp_write_event(cql_buf *b, const cql_event *ev);

/* RESULT body (kind included). */
void cql_rsp_read_result(cql_rd *r, uint8_t version, cql_arena *a, cql_result_msg *out);
void cql_rsp_write_result(cql_buf *b, uint8_t version, const cql_result_msg *res);

/* <metadata> of Rows (and the result part of Prepared). */
void cql_rsp_read_rows_metadata(cql_rd *r, uint8_t version, cql_arena *a, cql_rows_metadata *out);
void cql_rsp_write_rows_metadata(cql_buf *b, uint8_t version, const cql_rows_metadata *m);
/* <metadata> of Prepared: the bind markers. */
void cql_rsp_read_prepared_metadata(cql_rd *r, uint8_t version, cql_arena *a,
                                    cql_prepared_metadata *out);
void cql_rsp_write_prepared_metadata(cql_buf *b, uint8_t version, const cql_prepared_metadata *m);

/* Checks that the reader holds rows * columns well-framed [bytes] cells
 * from its position on and consumes them; *content receives their span. */
void cql_rsp_read_rows_content(cql_rd *r, int32_t rows, int32_t columns, cql_slice *content);
/* Writes `content` after checking it frames exactly rows * columns cells. */
void cql_rsp_write_rows_content(cql_buf *b, int32_t rows, int32_t columns, cql_slice content);

#endif
