/* Fuzzes the result API: a RESULT or ERROR body from the input becomes a
 * cql_result (as cql_result_from_body builds it), then every getter runs
 * on every cell, collections are walked to the bottom, rows are copied and
 * the copy read again. Nothing may crash, leak or read out of bounds.
 *
 * Input: byte 0 picks the header (bit 0: v5 else v4; bit 1: ERROR else
 * RESULT; bits 2-4: the tracing, custom payload and warning flags); the
 * rest is the body. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../support/cell_out.h"
#include "api_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const cql_type *t, cql_slice v, int depth) {
  cql_elements it;
  if (depth > 40 || cql_elements_init(&it, t, v) != CQL_OK)
    return;
  const cql_type *et;
  cql_slice ev;
  bool null;
  while (cql_elements_next(&it, &et, &ev, &null))
    if (!null)
      walk(et, ev, depth + 1);
  (void)cql_elements_status(&it);
}

static void read_cell(const cql_result *r, size_t row, size_t col) {
  tu_cell_out o;
  (void)cql_result_is_null(r, row, col);
  (void)cql_result_get_boolean(r, row, col, &o.b);
  (void)cql_result_get_tinyint(r, row, col, &o.i8);
  (void)cql_result_get_smallint(r, row, col, &o.i16);
  (void)cql_result_get_int(r, row, col, &o.i32);
  (void)cql_result_get_bigint(r, row, col, &o.i64);
  (void)cql_result_get_float(r, row, col, &o.f);
  (void)cql_result_get_double(r, row, col, &o.d);
  (void)cql_result_get_text(r, row, col, &o.s);
  (void)cql_result_get_blob(r, row, col, &o.s);
  (void)cql_result_get_uuid(r, row, col, &o.u);
  (void)cql_result_get_inet(r, row, col, &o.in);
  (void)cql_result_get_date(r, row, col, &o.dt);
  (void)cql_result_get_duration(r, row, col, &o.du);
  if (cql_result_get_decimal(r, row, col, &o.dec) == CQL_OK)
    (void)cql_varint_to_i64(o.dec.unscaled, &o.i64);
  if (cql_result_get_varint(r, row, col, &o.vi) == CQL_OK)
    (void)cql_varint_to_i64(o.vi, &o.i64);
  (void)cql_result_get_elements(r, row, col, &o.el);
  const cql_type *t = cql_result_column_type(r, col);
  if (t && cql_result_get_raw(r, row, col, &o.s) == CQL_OK)
    walk(t, o.s, 0);
}

static void read_all(const cql_result *r) {
  size_t rows = cql_result_row_count(r), cols = cql_result_column_count(r);
  /* a page of zero-column rows may claim 2^31 of them: walk cells only */
  for (size_t row = 0; cols && row < rows; row++)
    for (size_t col = 0; col < cols; col++)
      read_cell(r, row, col);
  /* metadata of a page without rows may still claim 2^31 columns */
  for (size_t col = 0; col <= cols && col < 64; col++) {
    (void)cql_result_column_name(r, col);
    (void)cql_result_column_keyspace(r, col);
    (void)cql_result_column_table(r, col);
  }
  bool applied;
  (void)cql_result_applied(r, &applied);
  (void)cql_result_has_more_pages(r);
  for (size_t i = 0; i < cql_result_warning_count(r); i++)
    (void)cql_result_warning(r, i);
  cql_uuid id;
  (void)cql_result_tracing_id(r, &id);
  (void)cql_result_keyspace(r);
  cql_slice a, b, c, d;
  (void)cql_result_schema_change(r, &a, &b, &c, &d);
  const cql_error_info *e = cql_result_error(r);
  if (e && e->message)
    (void)strlen(e->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  cql_header h = {.version = (uint8_t)(CQL_VERSION_RESPONSE_BIT | (data[0] & 1 ? 5 : 4)),
                  .flags = (uint8_t)((data[0] >> 1) & 0x0e),
                  .opcode = data[0] & 2 ? CQL_OP_ERROR : CQL_OP_RESULT,
                  .length = (uint32_t)(size - 1)};
  cql_result *r = NULL;
  if (cql_result_from_body(&h, (cql_slice){data + 1, size - 1}, NULL, &r) != CQL_OK)
    return 0;
  read_all(r);
  size_t rows = cql_result_row_count(r);
  cql_result *copy = NULL;
  if (rows && cql_result_copy_rows(r, rows / 2, rows - rows / 2, &copy) == CQL_OK) {
    cql_result_release(r);
    read_all(copy);
    cql_result_release(copy);
    return 0;
  }
  cql_result_release(r);
  return 0;
}
