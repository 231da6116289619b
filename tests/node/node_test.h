/* Helpers for the engine tests: an engine on a clock the test controls,
 * running CQL text and looking at the responses. Header-only so each test
 * file stays one translation unit. */
#ifndef CQLKIT_NODE_TEST_H
#define CQLKIT_NODE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "response.h"
#include "value.h"
#include "wire.h"

typedef struct nt {
  cql_engine *e;
  cql_engine_session s;
  cql_arena arena;
  int64_t now_us;
  cql_response r;
  cql_schema_change last_change;
  char last_change_text[256];
  int changes;
} nt;

static int64_t nt_clock(void *ud) { return ((nt *)ud)->now_us; }

static void nt_hook(void *ud, const cql_schema_change *c) {
  nt *t = ud;
  t->changes++;
  snprintf(t->last_change_text, sizeof(t->last_change_text), "%.*s %.*s %.*s %.*s",
           (int)c->change_type.len, (const char *)c->change_type.ptr, (int)c->target.len,
           (const char *)c->target.ptr, (int)c->keyspace.len, (const char *)c->keyspace.ptr,
           (int)c->name.len, (const char *)c->name.ptr);
}

static inline void nt_open(nt *t) {
  memset(t, 0, sizeof(*t));
  t->now_us = INT64_C(1700000000000000);
  cql_engine_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.clock = nt_clock;
  cfg.clock_ud = t;
  cfg.on_schema_change = nt_hook;
  cfg.schema_ud = t;
  assert_int_equal(cql_engine_new(&cfg, &t->e), CQL_OK);
  cql_engine_session_init(&t->s, 5);
  cql_arena_init(&t->arena, NULL);
}

static inline void nt_close(nt *t) {
  cql_arena_free(&t->arena);
  cql_engine_free(t->e);
}

/* Runs `q` with optional query params; the response is in t->r. */
static inline const cql_response *nt_run(nt *t, const char *q, const cql_query_params *p) {
  cql_query_params dflt;
  memset(&dflt, 0, sizeof(dflt));
  dflt.consistency = CQL_CONSISTENCY_ONE;
  assert_int_equal(
      cql_engine_query(t->e, &t->s, cql_slice_from_cstr(q), p ? p : &dflt, &t->arena, &t->r),
      CQL_OK);
  return &t->r;
}

static inline void nt_fail_response(const cql_response *r, const char *q) {
  if (r->opcode == CQL_OP_ERROR)
    fail_msg("<%s> failed: 0x%04x %.*s", q, r->u.error.code, (int)r->u.error.message.len,
             (const char *)r->u.error.message.ptr);
}

/* Runs and asserts success. */
static inline const cql_response *nt_ok(nt *t, const char *q) {
  const cql_response *r = nt_run(t, q, NULL);
  nt_fail_response(r, q);
  assert_int_equal(r->opcode, CQL_OP_RESULT);
  return r;
}

/* Runs and asserts an error with this code and message (NULL: any). */
static inline void nt_err(nt *t, const char *q, int32_t code, const char *msg) {
  const cql_response *r = nt_run(t, q, NULL);
  if (r->opcode != CQL_OP_ERROR)
    fail_msg("<%s> succeeded, expected error 0x%04x", q, code);
  if (r->u.error.code != code)
    fail_msg("<%s> error 0x%04x (%.*s), expected 0x%04x", q, r->u.error.code,
             (int)r->u.error.message.len, (const char *)r->u.error.message.ptr, code);
  if (msg && !cql_slice_eq_cstr(r->u.error.message, msg))
    fail_msg("<%s>\n got: %.*s\nwant: %s", q, (int)r->u.error.message.len,
             (const char *)r->u.error.message.ptr, msg);
}

/* The rows of a Rows result formatted as text: cells with
 * cql_value_format, separated by '|', rows by '\n'. */
static inline const char *nt_rows_text(const cql_response *r, char *buf, size_t cap) {
  assert_int_equal(r->opcode, CQL_OP_RESULT);
  assert_int_equal(r->u.result.kind, CQL_RESULT_ROWS);
  const cql_rows_metadata *md = &r->u.result.u.rows.metadata;
  cql_row_iter it;
  cql_row_iter_init(&it, &r->u.result);
  cql_cell cells[64];
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_arena a;
  cql_arena_init(&a, NULL);
  int row = 0;
  while (cql_row_iter_next(&it, cells)) {
    if (row++)
      cql_buf_put_u8(&b, '\n');
    for (int32_t i = 0; i < md->columns_count && i < 64; i++) {
      if (i)
        cql_buf_put_u8(&b, '|');
      if (cells[i].len < 0) {
        cql_buf_put_raw(&b, "null", 4);
        continue;
      }
      cql_value v;
      if (md->columns && cql_value_decode(md->columns[i].type, cells[i].bytes, &a, &v) == CQL_OK)
        cql_value_format(&b, &v);
      else
        cql_buf_put_raw(&b, "?", 1);
    }
  }
  cql_arena_free(&a);
  size_t n = b.len < cap - 1 ? b.len : cap - 1;
  if (n)
    memcpy(buf, b.data, n);
  buf[n] = 0;
  cql_buf_free(&b);
  return buf;
}

/* Runs a SELECT and compares its rows as text. */
static inline void nt_rows(nt *t, const char *q, const char *want) {
  const cql_response *r = nt_ok(t, q);
  static char buf[65536];
  nt_rows_text(r, buf, sizeof(buf));
  if (strcmp(buf, want) != 0)
    fail_msg("<%s>\n got: %s\nwant: %s", q, buf, want);
}

/* The column names of a Rows result joined by ','. */
static inline const char *nt_cols(const cql_response *r, char *buf, size_t cap) {
  const cql_rows_metadata *md = &r->u.result.u.rows.metadata;
  size_t n = 0;
  buf[0] = 0;
  for (int32_t i = 0; i < md->columns_count && md->columns; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%.*s", i ? "," : "", (int)md->columns[i].name.len,
                          (const char *)md->columns[i].name.ptr);
  return buf;
}

/* ---- prepared statements ------------------------------------------------ */

/* Prepares `q`; asserts success; returns the result (id and metadata). */
static inline const cql_result_msg *nt_prepare(nt *t, const char *q) {
  assert_int_equal(cql_engine_prepare(t->e, &t->s, cql_slice_from_cstr(q), NULL, &t->arena, &t->r),
                   CQL_OK);
  nt_fail_response(&t->r, q);
  assert_int_equal(t->r.u.result.kind, CQL_RESULT_PREPARED);
  return &t->r.u.result;
}

static inline cql_slice nt_copy(nt *t, const void *p, size_t n) {
  uint8_t *d = cql_arena_alloc(&t->arena, n ? n : 1);
  if (n)
    memcpy(d, p, n);
  return (cql_slice){d, n};
}

static inline cql_value_arg nt_int(nt *t, int32_t v) {
  uint8_t b[4];
  cql_store_u32(b, (uint32_t)v);
  return (cql_value_arg){{NULL, 0}, CQL_VALUE_SET, nt_copy(t, b, 4)};
}

static inline cql_value_arg nt_bigint(nt *t, int64_t v) {
  uint8_t b[8];
  cql_store_u64(b, (uint64_t)v);
  return (cql_value_arg){{NULL, 0}, CQL_VALUE_SET, nt_copy(t, b, 8)};
}

static inline cql_value_arg nt_text(nt *t, const char *s) {
  return (cql_value_arg){{NULL, 0}, CQL_VALUE_SET, nt_copy(t, s, strlen(s))};
}

static inline cql_value_arg nt_hexval(nt *t, const char *hex) {
  size_t n = strlen(hex) / 2;
  uint8_t *b = cql_arena_alloc(&t->arena, n + 1);
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    sscanf(hex + 2 * i, "%2x", &v);
    b[i] = (uint8_t)v;
  }
  return (cql_value_arg){{NULL, 0}, CQL_VALUE_SET, {b, n}};
}

static inline cql_value_arg nt_null(void) {
  return (cql_value_arg){{NULL, 0}, CQL_VALUE_NULL, {NULL, 0}};
}

static inline cql_value_arg nt_unset(void) {
  return (cql_value_arg){{NULL, 0}, CQL_VALUE_UNSET, {NULL, 0}};
}

static inline cql_value_arg nt_named(cql_value_arg v, const char *name) {
  v.name = cql_slice_from_cstr(name);
  return v;
}

/* Executes a prepared id with values and optional params (page size...). */
static inline const cql_response *nt_exec(nt *t, cql_slice id, const cql_value_arg *vals,
                                          uint32_t n, const cql_query_params *base) {
  cql_query_params p;
  if (base)
    p = *base;
  else
    memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  p.values = vals;
  p.n_values = n;
  p.has_values = n > 0;
  cql_slice rmid = {NULL, 0};
  assert_int_equal(cql_engine_execute(t->e, &t->s, id, rmid, &p, &t->arena, &t->r), CQL_OK);
  return &t->r;
}

/* Copies the prepared id out of the response arena's reach. */
static inline cql_slice nt_id(nt *t, const cql_result_msg *prep) {
  return nt_copy(t, prep->u.prepared.id.ptr, prep->u.prepared.id.len);
}

#endif
