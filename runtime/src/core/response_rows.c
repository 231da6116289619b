/* The rows of a Rows result: checking their framing once at decode time,
 * walking them afterwards, and building them on the server side.
 *
 * rows_content is rows_count * columns_count [bytes] cells back to back.
 * Both counts come from the peer, so the product is checked against the
 * bytes present (each cell takes at least its 4-byte length) before any
 * cell is read; the walk then proves every length, and the iterator relies
 * on that proof. */
#include "response_impl.h"

/* A reader over `s`; never over a null pointer, which pointer arithmetic
 * (even + 0) does not allow. */
static void rd_over(cql_rd *r, cql_slice s) {
  static const uint8_t empty[1] = {0};
  cql_rd_init(r, s.ptr ? s.ptr : empty, s.ptr ? s.len : 0);
}

/* Walks `cells` cells from the reader's position; false on a bad frame. */
static bool skip_cells(cql_rd *r, uint64_t cells) {
  for (uint64_t i = 0; i < cells && cql_rd_ok(r); i++) {
    cql_slice v;
    cql_rd_value(r, &v, false);
  }
  return cql_rd_ok(r);
}

static bool cell_count(cql_rd *r, int32_t rows, int32_t columns, uint64_t *cells) {
  if (rows < 0)
    return cql_rd_fail(r, CQL_E_BAD_LENGTH, "negative rows count");
  /* both are below 2^31, so the product cannot overflow 64 bits */
  *cells = (uint64_t)rows * (uint64_t)columns;
  return cql_rsp_count_fits(r, *cells, 4, "rows_count * columns_count exceeds the bytes present");
}

void cql_rsp_read_rows_content(cql_rd *r, int32_t rows, int32_t columns, cql_slice *content) {
  content->ptr = NULL;
  content->len = 0;
  uint64_t cells = 0;
  if (!cql_rd_ok(r) || !cell_count(r, rows, columns, &cells))
    return;
  const uint8_t *start = r->pos;
  if (!skip_cells(r, cells))
    return;
  content->ptr = start;
  content->len = (size_t)(r->pos - start);
}

void cql_rsp_write_rows_content(cql_buf *b, int32_t rows, int32_t columns, cql_slice content) {
  cql_rd r;
  rd_over(&r, content);
  uint64_t cells = 0;
  if (rows < 0 || columns < 0 || (content.len > 0 && !content.ptr) ||
      !cell_count(&r, rows, columns, &cells) || !skip_cells(&r, cells) ||
      !cql_rd_expect_end(&r, "rows_content")) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  cql_buf_put_i32(b, rows);
  cql_buf_put_raw(b, content.ptr, content.len);
}

/* ---- iteration ----------------------------------------------------- */

void cql_row_iter_init(cql_row_iter *it, const cql_result_msg *rows_result) {
  cql_slice none = {NULL, 0};
  if (rows_result->kind != CQL_RESULT_ROWS) {
    rd_over(&it->rd, none);
    it->rows_left = 0;
    it->columns = 0;
    return;
  }
  rd_over(&it->rd, rows_result->u.rows.rows_content);
  it->rows_left = rows_result->u.rows.rows_count;
  it->columns = rows_result->u.rows.metadata.columns_count;
}

bool cql_row_iter_next(cql_row_iter *it, cql_cell *cells) {
  if (it->rows_left <= 0 || !cql_rd_ok(&it->rd))
    return false;
  for (int32_t i = 0; i < it->columns; i++)
    cells[i].len = cql_rd_value(&it->rd, &cells[i].bytes, false);
  /* Cannot fail on a decoded result; a hand-built one may lie. */
  if (!cql_rd_ok(&it->rd)) {
    it->rows_left = 0;
    return false;
  }
  it->rows_left--;
  return true;
}

void cql_rows_put_cell(cql_buf *rows_content, const cql_cell *cell) {
  if (cell->len < 0) {
    cql_buf_put_null_bytes(rows_content);
    return;
  }
  if ((size_t)cell->len != cell->bytes.len) {
    cql_rsp_buf_fail(rows_content, CQL_E_INVALID_ARG);
    return;
  }
  cql_buf_put_bytes(rows_content, cell->bytes);
}
