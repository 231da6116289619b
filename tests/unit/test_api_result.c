/* cql_result from real RESULT and ERROR bodies (tests/vectors/responses.tsv):
 * every getter on every native type, nulls, type mismatches, collections,
 * paging, warnings, tracing, schema changes, errors, copies, refcounts. */
#include <math.h>
#include <string.h>

#include "api_fixture.h"
#include "cell_out.h"
#include "conn_impl.h"
#include "mem.h"
#include "transcript.h"
#include "type.h"

enum {
  C_ASCII,
  C_BIGINT,
  C_BLOB,
  C_BOOLEAN,
  C_DECIMAL,
  C_DOUBLE,
  C_FLOAT,
  C_INT,
  C_TIMESTAMP,
  C_UUID,
  C_VARCHAR,
  C_VARINT,
  C_TIMEUUID,
  C_INET,
  C_DATE,
  C_TIME,
  C_SMALLINT,
  C_TINYINT,
  C_DURATION,
  N_COLS
};

/* One getter per index; returns its status. */
enum {
  G_BOOL,
  G_TINY,
  G_SMALL,
  G_INT,
  G_BIG,
  G_FLOAT,
  G_DOUBLE,
  G_TEXT,
  G_BLOB,
  G_UUID,
  G_INET,
  G_DATE,
  G_DURATION,
  G_DECIMAL,
  G_VARINT,
  G_ELEMENTS,
  N_GETTERS
};

static cql_status get(const cql_result *r, size_t row, size_t col, int g) {
  tu_cell_out o;
  switch (g) {
  case G_BOOL:
    return cql_result_get_boolean(r, row, col, &o.b);
  case G_TINY:
    return cql_result_get_tinyint(r, row, col, &o.i8);
  case G_SMALL:
    return cql_result_get_smallint(r, row, col, &o.i16);
  case G_INT:
    return cql_result_get_int(r, row, col, &o.i32);
  case G_BIG:
    return cql_result_get_bigint(r, row, col, &o.i64);
  case G_FLOAT:
    return cql_result_get_float(r, row, col, &o.f);
  case G_DOUBLE:
    return cql_result_get_double(r, row, col, &o.d);
  case G_TEXT:
    return cql_result_get_text(r, row, col, &o.s);
  case G_BLOB:
    return cql_result_get_blob(r, row, col, &o.s);
  case G_UUID:
    return cql_result_get_uuid(r, row, col, &o.u);
  case G_INET:
    return cql_result_get_inet(r, row, col, &o.in);
  case G_DATE:
    return cql_result_get_date(r, row, col, &o.dt);
  case G_DURATION:
    return cql_result_get_duration(r, row, col, &o.du);
  case G_DECIMAL:
    return cql_result_get_decimal(r, row, col, &o.dec);
  case G_VARINT:
    return cql_result_get_varint(r, row, col, &o.vi);
  default:
    return cql_result_get_elements(r, row, col, &o.el);
  }
}

/* The getter that reads each native column of result_rows_all_natives_v5. */
static int getter_of(int col) {
  static const int map[N_COLS] = {
      [C_ASCII] = G_TEXT,       [C_BIGINT] = G_BIG,      [C_BLOB] = G_BLOB,
      [C_BOOLEAN] = G_BOOL,     [C_DECIMAL] = G_DECIMAL, [C_DOUBLE] = G_DOUBLE,
      [C_FLOAT] = G_FLOAT,      [C_INT] = G_INT,         [C_TIMESTAMP] = G_BIG,
      [C_UUID] = G_UUID,        [C_VARCHAR] = G_TEXT,    [C_VARINT] = G_VARINT,
      [C_TIMEUUID] = G_UUID,    [C_INET] = G_INET,       [C_DATE] = G_DATE,
      [C_TIME] = G_BIG,         [C_SMALLINT] = G_SMALL,  [C_TINYINT] = G_TINY,
      [C_DURATION] = G_DURATION};
  return map[col];
}

static void test_natives_values(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_all_natives_v5", NULL);
  assert_int_equal(cql_result_status(r), CQL_OK);
  assert_null(cql_result_error(r));
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_ROWS);
  assert_int_equal(cql_result_row_count(r), 2);
  assert_int_equal(cql_result_column_count(r), N_COLS);
  assert_true(cql_slice_eq_cstr(cql_result_column_name(r, C_INT), "c_int"));
  assert_true(cql_slice_eq_cstr(cql_result_column_keyspace(r, C_INT), "tx"));
  assert_true(cql_slice_eq_cstr(cql_result_column_table(r, C_INT), "natives"));
  assert_int_equal(cql_result_column_type(r, C_INT)->id, CQL_TYPE_INT);
  size_t col;
  assert_int_equal(cql_result_column_index(r, "c_duration", &col), CQL_OK);
  assert_int_equal(col, C_DURATION);
  assert_int_equal(cql_result_column_index(r, "nope", &col), CQL_E_NOT_FOUND);

  cql_slice s;
  assert_int_equal(cql_result_get_text(r, 1, C_ASCII, &s), CQL_OK);
  assert_true(cql_slice_eq_cstr(s, "abc"));
  assert_int_equal(cql_result_get_text(r, 1, C_VARCHAR, &s), CQL_OK);
  assert_true(cql_slice_eq_cstr(s, "h\xc3\xa9llo"));
  assert_int_equal(cql_result_get_blob(r, 1, C_BLOB, &s), CQL_OK);
  assert_int_equal(s.len, 3);
  assert_int_equal(s.ptr[2], 0xfe);
  int64_t i64;
  assert_int_equal(cql_result_get_bigint(r, 1, C_BIGINT, &i64), CQL_OK);
  assert_true(i64 == -1099511627776LL);
  assert_int_equal(cql_result_get_bigint(r, 1, C_TIMESTAMP, &i64), CQL_OK);
  assert_true(i64 == 0x177fba0fa18LL);
  assert_int_equal(cql_result_get_bigint(r, 1, C_TIME, &i64), CQL_OK);
  assert_true(i64 == 1000);
  bool b = false;
  assert_int_equal(cql_result_get_boolean(r, 1, C_BOOLEAN, &b), CQL_OK);
  assert_true(b);
  cql_decimal dec;
  assert_int_equal(cql_result_get_decimal(r, 1, C_DECIMAL, &dec), CQL_OK);
  assert_int_equal(dec.scale, 2);
  assert_int_equal(cql_varint_to_i64(dec.unscaled, &i64), CQL_OK);
  assert_true(i64 == 314);
  double d;
  assert_int_equal(cql_result_get_double(r, 1, C_DOUBLE, &d), CQL_OK);
  assert_true(d == 2.5);
  float f;
  assert_int_equal(cql_result_get_float(r, 1, C_FLOAT, &f), CQL_OK);
  assert_true(f == 0.5f);
  int32_t i32;
  assert_int_equal(cql_result_get_int(r, 1, C_INT, &i32), CQL_OK);
  assert_int_equal(i32, -7);
  cql_uuid u;
  assert_int_equal(cql_result_get_uuid(r, 1, C_UUID, &u), CQL_OK);
  assert_int_equal(u.bytes[0], 0x12);
  assert_int_equal(cql_result_get_uuid(r, 1, C_TIMEUUID, &u), CQL_OK);
  assert_int_equal(u.bytes[0], 0xd2);
  cql_varint vi;
  assert_int_equal(cql_result_get_varint(r, 1, C_VARINT, &vi), CQL_OK);
  assert_int_equal(cql_varint_to_i64(vi, &i64), CQL_OK);
  assert_true(i64 == -64);
  cql_inet in;
  assert_int_equal(cql_result_get_inet(r, 1, C_INET, &in), CQL_OK);
  assert_int_equal(in.len, 4);
  assert_int_equal(in.addr[0], 10);
  cql_date dt;
  assert_int_equal(cql_result_get_date(r, 1, C_DATE, &dt), CQL_OK);
  assert_int_equal(dt, 0x80004757u);
  int16_t i16;
  assert_int_equal(cql_result_get_smallint(r, 1, C_SMALLINT, &i16), CQL_OK);
  assert_int_equal(i16, 7);
  int8_t i8;
  assert_int_equal(cql_result_get_tinyint(r, 1, C_TINYINT, &i8), CQL_OK);
  assert_int_equal(i8, 1);
  cql_duration du;
  assert_int_equal(cql_result_get_duration(r, 1, C_DURATION, &du), CQL_OK);
  assert_int_equal(du.months, 1);
  assert_int_equal(du.days, 2);
  assert_true(du.nanoseconds == 3);
  assert_int_equal(cql_result_get_raw(r, 1, C_INT, &s), CQL_OK);
  assert_int_equal(s.len, 4);
  cql_result_release(r);
}

/* Every getter on every column: the accepting one reads (or reports
 * null), every other one refuses with CQL_E_TYPE_MISMATCH. */
static void test_natives_matrix(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_all_natives_v5", NULL);
  int checked = 0;
  for (int col = 0; col < N_COLS; col++) {
    assert_true(cql_result_is_null(r, 0, (size_t)col));
    assert_false(cql_result_is_null(r, 1, (size_t)col));
    for (int g = 0; g < N_GETTERS; g++) {
      bool ok = g == getter_of(col) || (g == G_BLOB && 0);
      cql_status null_st = get(r, 0, (size_t)col, g), val_st = get(r, 1, (size_t)col, g);
      if (ok) {
        assert_int_equal(null_st, CQL_E_NULL_VALUE);
        assert_int_equal(val_st, CQL_OK);
      } else {
        assert_int_equal(null_st, CQL_E_TYPE_MISMATCH);
        assert_int_equal(val_st, CQL_E_TYPE_MISMATCH);
      }
      checked++;
    }
    cql_slice raw;
    assert_int_equal(cql_result_get_raw(r, 0, (size_t)col, &raw), CQL_E_NULL_VALUE);
  }
  assert_int_equal(checked, N_COLS * N_GETTERS);
  for (int g = 0; g < N_GETTERS; g++) {
    assert_int_equal(get(r, 2, 0, g), CQL_E_INVALID_ARG);
    assert_int_equal(get(r, 0, N_COLS, g), CQL_E_INVALID_ARG);
  }
  assert_false(cql_result_is_null(r, 9, 0));
  cql_result_release(r);
}

static void next_int(cql_elements *it, int32_t want) {
  const cql_type *t;
  cql_slice v;
  bool null;
  assert_true(cql_elements_next(it, &t, &v, &null));
  assert_false(null);
  int32_t got;
  assert_int_equal(cql_decode_int(v, &got), CQL_OK);
  assert_int_equal(got, want);
}

static void next_text(cql_elements *it, const char *want) {
  const cql_type *t;
  cql_slice v;
  bool null;
  assert_true(cql_elements_next(it, &t, &v, &null));
  assert_false(null);
  assert_int_equal(t->id, CQL_TYPE_VARCHAR);
  assert_true(cql_slice_eq_cstr(v, want));
}

static void assert_done(cql_elements *it) {
  assert_false(cql_elements_next(it, NULL, NULL, NULL));
  assert_int_equal(cql_elements_status(it), CQL_OK);
}

static void test_complex_elements(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_complex_types", NULL);
  cql_elements it;
  assert_int_equal(cql_result_get_elements(r, 0, 0, &it), CQL_OK); /* list<int> */
  assert_int_equal(cql_elements_count(&it), 2);
  next_int(&it, 1);
  next_int(&it, 2);
  assert_done(&it);
  assert_int_equal(cql_result_get_elements(r, 0, 1, &it), CQL_OK); /* set<text> */
  next_text(&it, "a");
  assert_done(&it);
  assert_int_equal(cql_result_get_elements(r, 0, 2, &it), CQL_OK); /* map<text,int> */
  assert_int_equal(cql_elements_count(&it), 2);
  next_text(&it, "k");
  next_int(&it, 1);
  assert_done(&it);
  assert_int_equal(cql_result_get_elements(r, 0, 3, &it), CQL_OK); /* tuple<int,text> */
  next_int(&it, 1);
  next_text(&it, "one");
  assert_done(&it);
  assert_int_equal(cql_result_get_elements(r, 0, 4, &it), CQL_OK); /* udt */
  assert_int_equal(cql_elements_count(&it), 3);
  next_text(&it, "s");
  next_int(&it, 1);
  const cql_type *t;
  bool null = false;
  assert_true(cql_elements_next(&it, &t, NULL, &null));
  assert_true(null);
  assert_int_equal(t->id, CQL_TYPE_SET);
  assert_done(&it);
  assert_int_equal(cql_result_get_elements(r, 0, 5, &it), CQL_OK); /* empty map */
  assert_int_equal(cql_elements_count(&it), 0);
  assert_done(&it);
  cql_slice blob;
  assert_int_equal(cql_result_get_blob(r, 0, 6, &blob), CQL_OK); /* custom */
  assert_int_equal(blob.len, 2);
  assert_int_equal(cql_result_get_elements(r, 0, 6, &it), CQL_E_TYPE_MISMATCH);
  int32_t i;
  assert_int_equal(cql_result_get_int(r, 0, 0, &i), CQL_E_TYPE_MISMATCH);
  cql_result_release(r);
}

static void test_paging(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_paged_v4", NULL);
  assert_true(cql_result_has_more_pages(r));
  cql_slice ps = cql_result_paging_state(r);
  assert_int_equal(ps.len, 11);
  assert_int_equal(ps.ptr[2], 0xc0);
  cql_result_release(r);
  r = fx_result("result_rows_all_natives_v5", NULL);
  assert_false(cql_result_has_more_pages(r));
  assert_int_equal(cql_result_paging_state(r).len, 0);
  cql_result_release(r);
}

/* A prepared statement whose result columns are (k int, c text). */
static cql_prepared *prepared_k_c(void) {
  cql_column_spec cols[2] = {
      {.name = cql_slice_from_cstr("k"), .type = cql_type_native(CQL_TYPE_INT)},
      {.name = cql_slice_from_cstr("c"), .type = cql_type_native(CQL_TYPE_VARCHAR)}};
  cql_result_msg msg = {.kind = CQL_RESULT_PREPARED};
  msg.u.prepared.id = cql_slice_from_cstr("ID");
  msg.u.prepared.result_metadata_id = cql_slice_from_cstr("MD1");
  msg.u.prepared.result_metadata.columns = cols;
  msg.u.prepared.result_metadata.columns_count = 2;
  cql_prepared *p = NULL;
  assert_int_equal(cql_prepared_from_msg(&msg, "SELECT k, c FROM t", "ks", NULL, &p), CQL_OK);
  return p;
}

static void test_no_metadata_uses_prepared(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_no_metadata_paged_v5", NULL);
  int32_t k;
  assert_int_equal(cql_result_column_count(r), 2);
  assert_int_equal(cql_result_get_int(r, 0, 0, &k), CQL_E_TYPE_MISMATCH); /* types unknown */
  cql_slice raw;
  assert_int_equal(cql_result_get_raw(r, 0, 0, &raw), CQL_OK);
  cql_result_release(r);

  cql_prepared *p = prepared_k_c();
  cql_result_ctx ctx = {.prepared = p};
  r = fx_result("result_rows_no_metadata_paged_v5", &ctx);
  cql_prepared_release(p); /* the result keeps the metadata alive */
  assert_int_equal(cql_result_get_int(r, 1, 0, &k), CQL_OK);
  assert_int_equal(k, 2);
  cql_slice c;
  assert_int_equal(cql_result_get_text(r, 1, 1, &c), CQL_OK);
  assert_true(cql_slice_eq_cstr(c, "c006"));
  assert_true(cql_slice_eq_cstr(cql_result_column_name(r, 1), "c"));
  cql_result_release(r);
}

static void test_metadata_changed(void **state) {
  (void)state;
  cql_prepared *p = prepared_k_c();
  cql_result_ctx ctx = {.prepared = p};
  cql_result *r = fx_result("result_rows_metadata_changed_v5", &ctx);
  const cql_rows_metadata *md = cql_result_rows_metadata(r);
  assert_non_null(md);
  assert_true(md->flags & CQL_ROWS_FLAG_METADATA_CHANGED);
  cql_result_meta *old = cql_prepared_result_meta(p);
  assert_int_equal(cql_prepared_update_result_metadata(p, md), CQL_OK);
  cql_result_release(r); /* the prepared copied what it needs */
  assert_int_equal(cql_prepared_column_count(p), 2);
  assert_true(cql_slice_eq_cstr(cql_prepared_column_name(p, 1), "extra"));
  cql_result_meta *now = cql_prepared_result_meta(p);
  assert_int_equal(now->id.len, 16);
  assert_int_equal(old->id.len, 3); /* the old snapshot is still valid */
  cql_result_meta_release(now);
  cql_result_meta_release(old);
  cql_prepared_release(p);
}

static void test_prefixes(void **state) {
  (void)state;
  cql_result *r = fx_result("result_void_all_prefixes", NULL);
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_VOID);
  assert_int_equal(cql_result_warning_count(r), 1);
  assert_true(
      cql_slice_eq_cstr(cql_result_warning(r, 0), "Batch for [tx.kitchen] is of size 6.1KiB"));
  assert_int_equal(cql_result_warning(r, 1).len, 0);
  cql_uuid id;
  assert_true(cql_result_tracing_id(r, &id));
  assert_int_equal(id.bytes[0], 0x2c);
  assert_int_equal(cql_result_row_count(r), 0);
  cql_result_release(r);
  r = fx_result("result_void", NULL);
  assert_false(cql_result_tracing_id(r, &id));
  assert_int_equal(cql_result_warning_count(r), 0);
  bool applied;
  assert_int_equal(cql_result_applied(r, &applied), CQL_E_NOT_FOUND);
  cql_result_release(r);
}

static void test_keyspace_and_schema(void **state) {
  (void)state;
  cql_result *r = fx_result("result_set_keyspace", NULL);
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_SET_KEYSPACE);
  assert_true(cql_slice_eq_cstr(cql_result_keyspace(r), "tx"));
  cql_slice a, b, c, d;
  assert_int_equal(cql_result_schema_change(r, &a, &b, &c, &d), CQL_E_BAD_STATE);
  cql_result_release(r);
  r = fx_result("result_schema_change_keyspace", NULL);
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_SCHEMA_CHANGE);
  assert_int_equal(cql_result_schema_change(r, &a, &b, &c, &d), CQL_OK);
  assert_true(cql_slice_eq_cstr(a, "DROPPED"));
  assert_true(cql_slice_eq_cstr(b, "KEYSPACE"));
  assert_true(cql_slice_eq_cstr(c, "old"));
  assert_int_equal(cql_result_keyspace(r).len, 0);
  cql_result_release(r);
}

static void test_server_errors(void **state) {
  (void)state;
  cql_result_ctx ctx = {.host = "127.0.0.1:9042"};
  cql_result *r = fx_result("error_write_timeout_simple_v4", &ctx);
  assert_int_equal(cql_result_status(r), CQL_E_SERVER_WRITE_TIMEOUT);
  const cql_error_info *e = cql_result_error(r);
  assert_non_null(e);
  assert_int_equal(e->status, CQL_E_SERVER_WRITE_TIMEOUT);
  assert_int_equal(e->server_code, 0x1100);
  assert_string_equal(e->message, "Operation timed out - received only 0 responses.");
  assert_string_equal(e->write_type, "SIMPLE");
  assert_string_equal(e->host, "127.0.0.1:9042");
  assert_int_equal(e->consistency, CQL_CONSISTENCY_ONE);
  assert_int_equal(e->received, 0);
  assert_int_equal(e->required, 1);
  assert_int_equal(cql_result_row_count(r), 0);
  int32_t i;
  assert_int_equal(cql_result_get_int(r, 0, 0, &i), CQL_E_INVALID_ARG);
  cql_result_release(r);
  r = fx_result("error_already_exists_table", NULL);
  e = cql_result_error(r);
  assert_int_equal(e->status, CQL_E_SERVER_ALREADY_EXISTS);
  assert_string_equal(e->keyspace, "tx");
  assert_string_equal(e->table, "kitchen");
  assert_null(e->host);
  cql_result_release(r);
  r = fx_result("error_function_failure_v5", NULL);
  e = cql_result_error(r);
  assert_string_equal(e->function, "now_ms");
  assert_string_equal(e->keyspace, "ks");
  cql_result_release(r);
}

static void test_client_errors(void **state) {
  (void)state;
  cql_result *r = cql_result_from_status(CQL_E_TIMEOUT, "no reply after 12000 ms", NULL);
  assert_int_equal(cql_result_status(r), CQL_E_TIMEOUT);
  const cql_error_info *e = cql_result_error(r);
  assert_int_equal(e->server_code, -1);
  assert_string_equal(e->message, "no reply after 12000 ms");
  assert_int_equal(cql_result_row_count(r), 0);
  assert_int_equal(cql_result_column_count(r), 0);
  assert_false(cql_result_has_more_pages(r));
  cql_result_release(r);
  r = cql_result_from_status(CQL_E_CANCELLED, NULL, NULL);
  assert_string_equal(cql_result_error(r)->message, cql_status_describe(CQL_E_CANCELLED));
  cql_result_release(r);
  /* the static out-of-memory result survives any number of releases */
  r = cql_result_from_status(CQL_E_NOMEM, NULL, NULL);
  assert_ptr_equal(cql_result_retain(r), r);
  cql_result_release(r);
  cql_result_release(r);
  assert_int_equal(cql_result_status(r), CQL_E_NOMEM);
  cql_conn_result cr = {.status = CQL_E_CONNECTION_CLOSED, .message = "peer reset"};
  r = cql_result_from_conn_result(&cr, NULL);
  assert_string_equal(cql_result_error(r)->message, "peer reset");
  cql_result_release(r);
}

static void test_copy_rows(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_all_natives_v5", NULL);
  cql_result *c = NULL;
  assert_int_equal(cql_result_copy_rows(r, 1, 2, &c), CQL_E_INVALID_ARG);
  assert_null(c);
  assert_int_equal(cql_result_copy_rows(r, 1, 1, &c), CQL_OK);
  cql_result *all = NULL;
  assert_int_equal(cql_result_copy_rows(r, 0, 2, &all), CQL_OK);
  cql_result *none = NULL;
  assert_int_equal(cql_result_copy_rows(r, 2, 0, &none), CQL_OK);
  cql_result_release(r);
  assert_int_equal(cql_result_row_count(c), 1);
  assert_int_equal(cql_result_column_count(c), N_COLS);
  assert_true(cql_slice_eq_cstr(cql_result_column_name(c, C_VARCHAR), "c_varchar"));
  cql_slice s;
  assert_int_equal(cql_result_get_text(c, 0, C_VARCHAR, &s), CQL_OK);
  assert_true(cql_slice_eq_cstr(s, "h\xc3\xa9llo"));
  cql_duration du;
  assert_int_equal(cql_result_get_duration(c, 0, C_DURATION, &du), CQL_OK);
  assert_int_equal(du.days, 2);
  assert_true(cql_result_is_null(all, 0, C_INT));
  int32_t i;
  assert_int_equal(cql_result_get_int(all, 1, C_INT, &i), CQL_OK);
  assert_int_equal(i, -7);
  assert_int_equal(cql_result_row_count(none), 0);
  cql_result_release(c);
  cql_result_release(all);
  cql_result_release(none);
}

static void test_refcount(void **state) {
  (void)state;
  cql_result *r = fx_result("result_rows_paged_v4", NULL);
  cql_result *again = cql_result_retain(r);
  assert_ptr_equal(again, r);
  cql_result_release(r);
  cql_slice s;
  assert_int_equal(cql_result_get_text(again, 1, 0, &s), CQL_OK); /* still alive */
  assert_true(cql_slice_eq_cstr(s, "c001"));
  cql_result_release(again);
  cql_result_release(NULL);
}

/* A result over a cql_reply built by hand keeps the reply alive. */
static void test_from_reply(void **state) {
  (void)state;
  size_t len;
  uint8_t *envb = fx_envelope("result_rows_paged_v4", &len);
  cql_envelope env;
  memset(&env, 0, sizeof(env));
  env.mem = *cql_mem_or_default(NULL);
  assert_int_equal(cql_header_decode(envb, &env.header), CQL_OK);
  env.body = malloc(len - CQL_HEADER_SIZE);
  memcpy(env.body, envb + CQL_HEADER_SIZE, len - CQL_HEADER_SIZE);
  env.len = len - CQL_HEADER_SIZE;
  free(envb);
  cql_reply *spare = NULL;
  cql_reply *reply = cql_reply_make(cql_mem_or_default(NULL), &spare, &env);
  assert_int_equal(cql_reply_decode(reply, NULL), CQL_OK);
  cql_result *r = cql_result_from_reply(reply, NULL);
  cql_reply_release(reply); /* the result holds its own reference */
  assert_int_equal(cql_result_row_count(r), 2);
  cql_slice s;
  assert_int_equal(cql_result_get_text(r, 0, 0, &s), CQL_OK);
  assert_true(cql_slice_eq_cstr(s, "c000"));
  assert_non_null(cql_result_response(r));
  cql_result_release(r);
}

/* Every allocation of building, copying and failing may fail: the result
 * is then NOMEM (or the static NOMEM result) and nothing leaks. */
static void test_allocation_failures(void **state) {
  (void)state;
  size_t len;
  uint8_t *env = fx_envelope("result_rows_all_natives_v5", &len);
  cql_header h;
  assert_int_equal(cql_header_decode(env, &h), CQL_OK);
  cql_slice body = {env + CQL_HEADER_SIZE, len - CQL_HEADER_SIZE};
  size_t ok = 0;
  for (size_t fail = 1; fail < 30; fail++) {
    tu_counting_mem m;
    tu_counting_mem_init(&m);
    m.fail_at = fail;
    cql_result_ctx ctx = {.mem = &m.mem, .host = "h:1"};
    cql_result *r = NULL;
    cql_status s = cql_result_from_body(&h, body, &ctx, &r);
    assert_true(s == CQL_OK || s == CQL_E_NOMEM);
    if (s == CQL_OK) {
      cql_result *c = NULL;
      s = cql_result_copy_rows(r, 0, 2, &c);
      assert_true(s == CQL_OK || s == CQL_E_NOMEM);
      cql_result_release(c);
      cql_result_release(r);
      ok++;
    }
    r = cql_result_from_status(CQL_E_TIMEOUT, "late", &ctx);
    assert_true(cql_result_status(r) == CQL_E_TIMEOUT || cql_result_status(r) == CQL_E_NOMEM);
    cql_result_release(r);
    assert_int_equal(m.live, 0);
  }
  assert_true(ok > 0);
  free(env);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_natives_values),
      cmocka_unit_test(test_natives_matrix),
      cmocka_unit_test(test_complex_elements),
      cmocka_unit_test(test_paging),
      cmocka_unit_test(test_no_metadata_uses_prepared),
      cmocka_unit_test(test_metadata_changed),
      cmocka_unit_test(test_prefixes),
      cmocka_unit_test(test_keyspace_and_schema),
      cmocka_unit_test(test_server_errors),
      cmocka_unit_test(test_client_errors),
      cmocka_unit_test(test_copy_rows),
      cmocka_unit_test(test_refcount),
      cmocka_unit_test(test_from_reply),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
