/* Statements, prepared statements and batches.
 *
 * A cql_statement is a query (simple) or a prepared statement's id (bound)
 * with its values and per-request options. Executing one encodes it at once,
 * so the caller may change or free the statement as soon as the execute call
 * returns, and may execute the same statement many times.
 *
 * Values are bound by position. Each position starts unset: nothing is sent
 * for it and the server leaves that column alone (no tombstone), which
 * differs from binding null. Bound statements check each value against the
 * type the server reported for its marker (CQL_E_TYPE_MISMATCH); simple
 * statements cannot, so the server does.
 *
 * Thread safety: statements and batches are plain objects owned by one
 * thread at a time. cql_prepared is immutable and may be shared (its
 * reference count is atomic). */
#ifndef CQLKIT_STATEMENT_H
#define CQLKIT_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/codec.h"
#include "cqlkit/error.h"
#include "cqlkit/export.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_statement cql_statement;
typedef struct cql_prepared cql_prepared;
typedef struct cql_batch cql_batch;

/* ---- creating -------------------------------------------------------------- */

/* A simple statement of `query` (copied) with `n_values` positions to bind.
 * The caller frees it with cql_statement_free(). `mem` may be NULL.
 * Errors: CQL_E_NOMEM, CQL_E_INVALID_ARG. */
CQL_EXPORT cql_status cql_statement_new(cql_statement **out, const char *query, size_t n_values,
                                        const cql_mem *mem);

/* A bound statement of `prepared`, with one position per bind marker. The
 * statement holds its own reference to `prepared`. Caller frees it. */
CQL_EXPORT cql_status cql_prepared_bind(cql_prepared *prepared, cql_statement **out);

/* NULL is a no-op. */
CQL_EXPORT void cql_statement_free(cql_statement *st);

/* Unsets every value, keeping options and memory, to bind the next row. */
CQL_EXPORT void cql_statement_clear_values(cql_statement *st);

/* ---- binding by position (0-based) ------------------------------------------ */
/* Errors of every bind: CQL_E_INVALID_ARG (position out of range),
 * CQL_E_TYPE_MISMATCH (bound statements: not the marker's type),
 * CQL_E_NOMEM. Data is copied. */

CQL_EXPORT cql_status cql_bind_null(cql_statement *st, size_t i);
CQL_EXPORT cql_status cql_bind_unset(cql_statement *st, size_t i);
CQL_EXPORT cql_status cql_bind_boolean(cql_statement *st, size_t i, bool v);
CQL_EXPORT cql_status cql_bind_tinyint(cql_statement *st, size_t i, int8_t v);
CQL_EXPORT cql_status cql_bind_smallint(cql_statement *st, size_t i, int16_t v);
CQL_EXPORT cql_status cql_bind_int(cql_statement *st, size_t i, int32_t v);
/* bigint and counter */
CQL_EXPORT cql_status cql_bind_bigint(cql_statement *st, size_t i, int64_t v);
CQL_EXPORT cql_status cql_bind_float(cql_statement *st, size_t i, float v);
CQL_EXPORT cql_status cql_bind_double(cql_statement *st, size_t i, double v);
/* text/varchar (UTF-8 is checked) and ascii */
CQL_EXPORT cql_status cql_bind_text(cql_statement *st, size_t i, const char *s, size_t len);
CQL_EXPORT cql_status cql_bind_text_cstr(cql_statement *st, size_t i, const char *s);
CQL_EXPORT cql_status cql_bind_blob(cql_statement *st, size_t i, const void *p, size_t len);
CQL_EXPORT cql_status cql_bind_uuid(cql_statement *st, size_t i, const cql_uuid *v);
CQL_EXPORT cql_status cql_bind_inet(cql_statement *st, size_t i, const cql_inet *v);
CQL_EXPORT cql_status cql_bind_date(cql_statement *st, size_t i, cql_date v);
CQL_EXPORT cql_status cql_bind_time(cql_statement *st, size_t i, cql_time v);
CQL_EXPORT cql_status cql_bind_timestamp(cql_statement *st, size_t i, cql_timestamp v);
CQL_EXPORT cql_status cql_bind_duration(cql_statement *st, size_t i, const cql_duration *v);
CQL_EXPORT cql_status cql_bind_decimal(cql_statement *st, size_t i, const cql_decimal *v);
CQL_EXPORT cql_status cql_bind_varint(cql_statement *st, size_t i, cql_varint v);
/* Collections, tuples, UDTs and vectors built with a cql_writer. */
CQL_EXPORT cql_status cql_bind_writer(cql_statement *st, size_t i, const cql_writer *w);
/* A value already in serialized form (generated code uses this). */
CQL_EXPORT cql_status cql_bind_serialized(cql_statement *st, size_t i, cql_slice value);

/* Bound statements: the position of marker `name` (":name", or the column
 * name for "?"). Errors: CQL_E_NOT_FOUND. Simple statements: names the
 * value at position i, which sends all values as named values (then every
 * position must be named). */
CQL_EXPORT cql_status cql_statement_index_of(const cql_statement *st, const char *name, size_t *i);
CQL_EXPORT cql_status cql_statement_set_name(cql_statement *st, size_t i, const char *name);

/* ---- per-request options (defaults come from the config) -------------------- */

CQL_EXPORT cql_status cql_statement_set_consistency(cql_statement *st, cql_consistency level);
CQL_EXPORT cql_status cql_statement_set_serial_consistency(cql_statement *st,
                                                           cql_consistency level);
/* 0: the config's request timeout. */
CQL_EXPORT cql_status cql_statement_set_timeout(cql_statement *st, uint32_t ms);
/* Idempotent statements may be retried on another host after a timeout or
 * a lost connection; others never are, since they might apply twice.
 * Default false. */
CQL_EXPORT cql_status cql_statement_set_idempotent(cql_statement *st, bool idempotent);
/* Rows per page; 0: the config's page size; -1: no paging. */
CQL_EXPORT cql_status cql_statement_set_page_size(cql_statement *st, int32_t rows);
/* Resume from a paging state taken from an earlier result
 * (cql_result_paging_state), for example across web requests. Copied. */
CQL_EXPORT cql_status cql_statement_set_paging_state(cql_statement *st, cql_slice state);
/* Write timestamp in microseconds; by default the session assigns
 * client-side timestamps that never go backwards. */
CQL_EXPORT cql_status cql_statement_set_timestamp(cql_statement *st, int64_t microseconds);
CQL_EXPORT cql_status cql_statement_set_tracing(cql_statement *st, bool tracing);
/* Keyspace of a simple statement's unqualified names (v5 only; with v4 the
 * execute fails with CQL_E_UNSUPPORTED). */
CQL_EXPORT cql_status cql_statement_set_keyspace(cql_statement *st, const char *keyspace);

/* ---- prepared statements ------------------------------------------------------ */

/* Reference counting: every function that hands out a cql_prepared says
 * whether the caller owns a reference; release it when done. */
CQL_EXPORT cql_prepared *cql_prepared_retain(cql_prepared *p);
CQL_EXPORT void cql_prepared_release(cql_prepared *p);

/* The statement text it was prepared from (NUL-terminated, owned by p). */
CQL_EXPORT const char *cql_prepared_query(const cql_prepared *p);
/* Bind markers: count, names and types (owned by p). */
CQL_EXPORT size_t cql_prepared_param_count(const cql_prepared *p);
CQL_EXPORT cql_slice cql_prepared_param_name(const cql_prepared *p, size_t i);
CQL_EXPORT const cql_type *cql_prepared_param_type(const cql_prepared *p, size_t i);
/* Result columns as last reported by the server (they change after ALTER
 * TABLE: the session follows, replacing them on its loop thread; read them
 * there, or from a result of the statement, which keeps its own columns). */
CQL_EXPORT size_t cql_prepared_column_count(const cql_prepared *p);
CQL_EXPORT cql_slice cql_prepared_column_name(const cql_prepared *p, size_t i);
CQL_EXPORT const cql_type *cql_prepared_column_type(const cql_prepared *p, size_t i);

/* ---- batches ------------------------------------------------------------------ */

/* An empty batch; caller frees it with cql_batch_free(). */
CQL_EXPORT cql_status cql_batch_new(cql_batch **out, cql_batch_type type, const cql_mem *mem);
CQL_EXPORT void cql_batch_free(cql_batch *b);
/* Adds `st` (simple or bound) with its current values; they are copied, so
 * `st` may be rebound and added again. Options of `st` are ignored: the
 * batch's own apply. Errors: CQL_E_INVALID_ARG (named values, or more than
 * 65535 statements), CQL_E_NOMEM. */
CQL_EXPORT cql_status cql_batch_add(cql_batch *b, const cql_statement *st);
CQL_EXPORT cql_status cql_batch_set_consistency(cql_batch *b, cql_consistency level);
CQL_EXPORT cql_status cql_batch_set_serial_consistency(cql_batch *b, cql_consistency level);
CQL_EXPORT cql_status cql_batch_set_timeout(cql_batch *b, uint32_t ms);
CQL_EXPORT cql_status cql_batch_set_idempotent(cql_batch *b, bool idempotent);
CQL_EXPORT cql_status cql_batch_set_timestamp(cql_batch *b, int64_t microseconds);
CQL_EXPORT cql_status cql_batch_set_tracing(cql_batch *b, bool tracing);

#ifdef __cplusplus
}
#endif

#endif
