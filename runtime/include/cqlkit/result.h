/* Results: the outcome of one request, and for SELECTs one page of rows.
 *
 * A result is handed to a callback and is valid until that callback
 * returns. Rows are not copied out of the received bytes: every getter
 * reads them in place, and text and blob getters return views into them.
 * To keep a result (or its views) longer, take a reference with
 * cql_result_retain() and drop it with cql_result_release(); to keep only a
 * few rows of a large page, copy them with cql_result_copy_rows().
 *
 * Rows and columns are addressed by 0-based index; any cell is reached in
 * constant time.
 *
 * Thread safety: a result is immutable; its reference count is atomic, so
 * a retained result may be read and released from any thread. */
#ifndef CQLKIT_RESULT_H
#define CQLKIT_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/codec.h"
#include "cqlkit/error.h"
#include "cqlkit/export.h"
#include "cqlkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_result cql_result;

/* CQL_OK, or why the request failed. */
CQL_EXPORT cql_status cql_result_status(const cql_result *r);

/* Details of a failure; every string is NUL-terminated and owned by the
 * result (NULL when the error does not carry it). */
typedef struct cql_error_info {
  cql_status status;
  int32_t server_code;         /* the ERROR's wire code, or -1 for client-side failures */
  const char *message;         /* the server's message, or a client-side explanation */
  const char *host;            /* "address:port" of the host that answered, if any */
  cql_consistency consistency; /* UNAVAILABLE, *_TIMEOUT, *_FAILURE */
  int32_t received;            /* replicas that answered (alive, for UNAVAILABLE) */
  int32_t required;            /* replicas required */
  int32_t failures;            /* READ_FAILURE, WRITE_FAILURE */
  bool data_present;           /* READ_TIMEOUT, READ_FAILURE */
  const char *write_type;      /* WRITE_TIMEOUT, WRITE_FAILURE: SIMPLE, BATCH, CAS... */
  const char *keyspace;        /* ALREADY_EXISTS, FUNCTION_FAILURE */
  const char *table;           /* ALREADY_EXISTS */
  const char *function;        /* FUNCTION_FAILURE */
} cql_error_info;

/* NULL when the request succeeded. Owned by the result. */
CQL_EXPORT const cql_error_info *cql_result_error(const cql_result *r);

/* VOID, ROWS, SET_KEYSPACE, PREPARED or SCHEMA_CHANGE. */
CQL_EXPORT cql_result_kind cql_result_get_kind(const cql_result *r);

/* ---- shape ------------------------------------------------------------------ */

CQL_EXPORT size_t cql_result_row_count(const cql_result *r);
CQL_EXPORT size_t cql_result_column_count(const cql_result *r);
/* Views owned by the result. */
CQL_EXPORT cql_slice cql_result_column_name(const cql_result *r, size_t col);
CQL_EXPORT const cql_type *cql_result_column_type(const cql_result *r, size_t col);
CQL_EXPORT cql_slice cql_result_column_keyspace(const cql_result *r, size_t col);
CQL_EXPORT cql_slice cql_result_column_table(const cql_result *r, size_t col);
/* Errors: CQL_E_NOT_FOUND. */
CQL_EXPORT cql_status cql_result_column_index(const cql_result *r, const char *name, size_t *col);

/* ---- cells -------------------------------------------------------------------- */
/* Errors of every getter: CQL_E_INVALID_ARG (row or column out of range,
 * out NULL), CQL_E_TYPE_MISMATCH (the column's type is not one the getter
 * reads, or is unknown: a page sent without metadata for a statement the
 * session did not prepare; checked before nullness), CQL_E_NULL_VALUE (the
 * cell is null; *out untouched), CQL_E_BAD_VALUE (malformed bytes, an
 * empty value of a fixed-size type included). */

CQL_EXPORT bool cql_result_is_null(const cql_result *r, size_t row, size_t col);
/* The cell's serialized bytes (any type), for cql_decode_* and cql_elements. */
CQL_EXPORT cql_status cql_result_get_raw(const cql_result *r, size_t row, size_t col,
                                         cql_slice *out);
CQL_EXPORT cql_status cql_result_get_boolean(const cql_result *r, size_t row, size_t col,
                                             bool *out);
CQL_EXPORT cql_status cql_result_get_tinyint(const cql_result *r, size_t row, size_t col,
                                             int8_t *out);
CQL_EXPORT cql_status cql_result_get_smallint(const cql_result *r, size_t row, size_t col,
                                              int16_t *out);
CQL_EXPORT cql_status cql_result_get_int(const cql_result *r, size_t row, size_t col, int32_t *out);
/* bigint, counter, timestamp (ms) and time (ns) */
CQL_EXPORT cql_status cql_result_get_bigint(const cql_result *r, size_t row, size_t col,
                                            int64_t *out);
CQL_EXPORT cql_status cql_result_get_float(const cql_result *r, size_t row, size_t col, float *out);
CQL_EXPORT cql_status cql_result_get_double(const cql_result *r, size_t row, size_t col,
                                            double *out);
/* text, varchar, ascii: a view of UTF-8 bytes, not NUL-terminated */
CQL_EXPORT cql_status cql_result_get_text(const cql_result *r, size_t row, size_t col,
                                          cql_slice *out);
/* blob and custom types */
CQL_EXPORT cql_status cql_result_get_blob(const cql_result *r, size_t row, size_t col,
                                          cql_slice *out);
/* uuid and timeuuid */
CQL_EXPORT cql_status cql_result_get_uuid(const cql_result *r, size_t row, size_t col,
                                          cql_uuid *out);
CQL_EXPORT cql_status cql_result_get_inet(const cql_result *r, size_t row, size_t col,
                                          cql_inet *out);
CQL_EXPORT cql_status cql_result_get_date(const cql_result *r, size_t row, size_t col,
                                          cql_date *out);
CQL_EXPORT cql_status cql_result_get_duration(const cql_result *r, size_t row, size_t col,
                                              cql_duration *out);
CQL_EXPORT cql_status cql_result_get_decimal(const cql_result *r, size_t row, size_t col,
                                             cql_decimal *out);
CQL_EXPORT cql_status cql_result_get_varint(const cql_result *r, size_t row, size_t col,
                                            cql_varint *out);
/* Collections, tuples, UDTs, vectors: iterate the elements. */
CQL_EXPORT cql_status cql_result_get_elements(const cql_result *r, size_t row, size_t col,
                                              cql_elements *out);

/* ---- conditional statements, paging, diagnostics ----------------------------- */

/* The [applied] column of a conditional (IF) statement's result.
 * Errors: CQL_E_NOT_FOUND when the result has no such column. */
CQL_EXPORT cql_status cql_result_applied(const cql_result *r, bool *applied);

/* Whether the server has more pages after this one, and the opaque state
 * to ask for the next (a view owned by the result; empty on the last page). */
CQL_EXPORT bool cql_result_has_more_pages(const cql_result *r);
CQL_EXPORT cql_slice cql_result_paging_state(const cql_result *r);

/* Server warnings (e.g. a batch too large), as views owned by the result. */
CQL_EXPORT size_t cql_result_warning_count(const cql_result *r);
CQL_EXPORT cql_slice cql_result_warning(const cql_result *r, size_t i);

/* The tracing session id when the statement asked for tracing. */
CQL_EXPORT bool cql_result_tracing_id(const cql_result *r, cql_uuid *out);

/* SET_KEYSPACE: the keyspace; SCHEMA_CHANGE: change ("CREATED"...),
 * target ("TABLE"...), keyspace and name. Views owned by the result. */
CQL_EXPORT cql_slice cql_result_keyspace(const cql_result *r);
CQL_EXPORT cql_status cql_result_schema_change(const cql_result *r, cql_slice *change,
                                               cql_slice *target, cql_slice *keyspace,
                                               cql_slice *name);

/* ---- lifetime --------------------------------------------------------------- */

/* Takes a reference (returns r); the result stays valid until released. */
CQL_EXPORT cql_result *cql_result_retain(const cql_result *r);
/* Drops a reference taken with retain or returned by copy_rows. */
CQL_EXPORT void cql_result_release(cql_result *r);

/* A new result holding copies of rows [first, first + count) and the
 * column metadata, independent of `r`; the caller releases it.
 * Errors: CQL_E_INVALID_ARG, CQL_E_NOMEM. */
CQL_EXPORT cql_status cql_result_copy_rows(const cql_result *r, size_t first, size_t count,
                                           cql_result **out);

#ifdef __cplusplus
}
#endif

#endif
