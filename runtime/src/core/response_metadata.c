/* Result metadata (Rows, and the result part of Prepared) and the bind
 * metadata of Prepared: flags, counts, the optional global table spec and
 * one column spec per column. */
#include <string.h>

#include "response_impl.h"
#include "type.h"

/* ---- column specs -------------------------------------------------- */

static void read_columns(cql_rd *r, cql_arena *a, int32_t count, bool global,
                         const cql_column_spec **out) {
  *out = NULL;
  cql_slice ks = {NULL, 0}, table = {NULL, 0};
  if (global) {
    /* Read even with no columns: the flag alone puts the spec on the wire. */
    ks = cql_rd_string(r);
    table = cql_rd_string(r);
  }
  /* smallest spec: a [string] name and a [short] type id, plus two
   * [string]s per column without a global spec */
  size_t min_spec = global ? 4 : 8;
  if (count == 0 || !cql_rsp_count_fits(r, (uint64_t)count, min_spec,
                                        "column count larger than the metadata present"))
    return;
  cql_column_spec *cols = cql_rsp_alloc(r, a, (size_t)count, sizeof(*cols));
  for (int32_t i = 0; i < count && cql_rd_ok(r); i++) {
    cols[i].keyspace = global ? ks : cql_rd_string(r);
    cols[i].table = global ? table : cql_rd_string(r);
    cols[i].name = cql_rd_string(r);
    cols[i].type = cql_type_read_option(r, a);
    if (!cols[i].type && cql_rd_ok(r))
      cql_rd_fail(r, CQL_E_NOMEM, "arena exhausted while decoding a column type");
  }
  if (cql_rd_ok(r))
    *out = cols;
}

static bool same_table(const cql_column_spec *a, const cql_column_spec *b) {
  return cql_slice_eq(a->keyspace, b->keyspace) && cql_slice_eq(a->table, b->table);
}

/* With the global flag the table spec is written once, from columns[0]; all
 * columns must then name the same table. A global flag without columns
 * writes an empty spec, as the decoder reads one there. */
static void write_columns(cql_buf *b, int32_t count, bool global, const cql_column_spec *cols) {
  if (count < 0 || (count > 0 && !cols)) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  if (global) {
    cql_slice none = {NULL, 0};
    cql_buf_put_string(b, count > 0 ? cols[0].keyspace : none);
    cql_buf_put_string(b, count > 0 ? cols[0].table : none);
  }
  for (int32_t i = 0; i < count && b->err == CQL_OK; i++) {
    if (!cols[i].type || (global && !same_table(&cols[i], &cols[0]))) {
      cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
      return;
    }
    if (!global) {
      cql_buf_put_string(b, cols[i].keyspace);
      cql_buf_put_string(b, cols[i].table);
    }
    cql_buf_put_string(b, cols[i].name);
    cql_type_write_option(b, cols[i].type);
  }
}

static int32_t read_count(cql_rd *r, const char *what) {
  int32_t n = cql_rd_i32(r);
  if (n < 0)
    cql_rd_fail(r, CQL_E_BAD_LENGTH, what);
  return cql_rd_ok(r) ? n : 0;
}

/* ---- Rows metadata ------------------------------------------------- */

void cql_rsp_read_rows_metadata(cql_rd *r, uint8_t version, cql_arena *a, cql_rows_metadata *out) {
  memset(out, 0, sizeof(*out));
  out->flags = cql_rd_i32(r);
  out->columns_count = read_count(r, "negative column count");
  if (out->flags & CQL_ROWS_FLAG_HAS_MORE_PAGES) {
    bool is_null = false;
    out->paging_state = cql_rd_bytes(r, &is_null);
    out->has_paging_state = true;
    if (is_null)
      cql_rd_fail(r, CQL_E_BAD_MESSAGE, "null paging state with Has_more_pages");
  }
  /* No_metadata ends the metadata, whatever else the flags say (as both
   * Cassandra and the drivers read it). */
  if (out->flags & CQL_ROWS_FLAG_NO_METADATA)
    return;
  if (out->flags & CQL_ROWS_FLAG_METADATA_CHANGED) {
    if (version < CQL_PROTOCOL_V5)
      cql_rd_fail(r, CQL_E_BAD_FLAGS, "Metadata_changed before protocol v5");
    out->new_metadata_id = cql_rd_short_bytes(r);
  }
  read_columns(r, a, out->columns_count, out->flags & CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC,
               &out->columns);
}

void cql_rsp_write_rows_metadata(cql_buf *b, uint8_t version, const cql_rows_metadata *m) {
  int32_t flags = m->flags | (m->has_paging_state ? CQL_ROWS_FLAG_HAS_MORE_PAGES : 0);
  if (m->columns_count < 0) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  cql_buf_put_i32(b, flags);
  cql_buf_put_i32(b, m->columns_count);
  if (flags & CQL_ROWS_FLAG_HAS_MORE_PAGES)
    cql_buf_put_bytes(b, m->paging_state);
  if (flags & CQL_ROWS_FLAG_NO_METADATA)
    return;
  if (flags & CQL_ROWS_FLAG_METADATA_CHANGED) {
    if (version < CQL_PROTOCOL_V5) {
      cql_rsp_buf_fail(b, CQL_E_UNSUPPORTED);
      return;
    }
    cql_buf_put_short_bytes(b, m->new_metadata_id);
  }
  write_columns(b, m->columns_count, flags & CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC, m->columns);
}

/* ---- Prepared bind metadata ---------------------------------------- */

static void read_pk_indices(cql_rd *r, cql_arena *a, cql_prepared_metadata *out) {
  out->pk_count = read_count(r, "negative partition key count");
  if (out->pk_count == 0 ||
      !cql_rsp_count_fits(r, (uint64_t)out->pk_count, 2, "partition key count larger than body"))
    return;
  uint16_t *idx = cql_rsp_alloc(r, a, (size_t)out->pk_count, sizeof(*idx));
  for (int32_t i = 0; i < out->pk_count && cql_rd_ok(r); i++) {
    idx[i] = cql_rd_u16(r);
    /* A client indexes its bound values with these. */
    if (idx[i] >= out->columns_count)
      cql_rd_fail(r, CQL_E_BAD_MESSAGE, "partition key index beyond the bind markers");
  }
  out->pk_indices = idx;
}

void cql_rsp_read_prepared_metadata(cql_rd *r, uint8_t version, cql_arena *a,
                                    cql_prepared_metadata *out) {
  memset(out, 0, sizeof(*out));
  out->flags = cql_rd_i32(r);
  out->columns_count = read_count(r, "negative bind marker count");
  if (version >= CQL_PROTOCOL_V4)
    read_pk_indices(r, a, out);
  read_columns(r, a, out->columns_count, out->flags & CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC,
               &out->columns);
}

void cql_rsp_write_prepared_metadata(cql_buf *b, uint8_t version, const cql_prepared_metadata *m) {
  if (m->columns_count < 0 || m->pk_count < 0 || (m->pk_count > 0 && !m->pk_indices)) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  if (version < CQL_PROTOCOL_V4 && m->pk_count > 0) {
    cql_rsp_buf_fail(b, CQL_E_UNSUPPORTED);
    return;
  }
  cql_buf_put_i32(b, m->flags);
  cql_buf_put_i32(b, m->columns_count);
  if (version >= CQL_PROTOCOL_V4) {
    cql_buf_put_i32(b, m->pk_count);
    for (int32_t i = 0; i < m->pk_count; i++) {
      if (m->pk_indices[i] >= m->columns_count) {
        cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
        return;
      }
      cql_buf_put_u16(b, m->pk_indices[i]);
    }
  }
  write_columns(b, m->columns_count, m->flags & CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC, m->columns);
}
