/* Every CQL type through the runtime and back: create a schema on
 * cqlkit-node, insert with a bound prepared statement, read back with the
 * typed getters, compare; a second row binds null everywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

/* Column order of the table and of the INSERT's markers. */
enum {
  C_ID,
  C_ASCII,
  C_BIGINT,
  C_BLOB,
  C_BOOLEAN,
  C_DATE,
  C_DECIMAL,
  C_DOUBLE,
  C_DURATION,
  C_FLOAT,
  C_INET4,
  C_INET6,
  C_INT,
  C_SMALLINT,
  C_TEXT,
  C_TIME,
  C_TIMESTAMP,
  C_TIMEUUID,
  C_TINYINT,
  C_UUID,
  C_VARCHAR,
  C_VARINT,
  C_LIST,
  C_SET,
  C_MAP,
  C_TUPLE,
  C_UDT,
  C_VECTOR,
  C_NESTED,
  N_COLS
};

static const char *const SCHEMA =
    "CREATE TABLE types_ks.all_types ("
    "id int PRIMARY KEY, a ascii, bi bigint, bl blob, bo boolean, da date, de decimal,"
    "do double, du duration, fl float, i4 inet, i6 inet, i int, si smallint, te text,"
    "ti time, ts timestamp, tu timeuuid, tt tinyint, uu uuid, vc varchar, vi varint,"
    "li list<int>, se set<text>, ma map<text, int>, tp tuple<int, text>,"
    "ud frozen<point>, ve vector<float, 3>, ne list<frozen<map<int, text>>>)";

static const char *const INSERT =
    "INSERT INTO types_ks.all_types (id, a, bi, bl, bo, da, de, do, du, fl, i4, i6, i, si, te,"
    " ti, ts, tu, tt, uu, vc, vi, li, se, ma, tp, ud, ve, ne)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?)";

static const char *const SELECT =
    "SELECT id, a, bi, bl, bo, da, de, do, du, fl, i4, i6, i, si, te, ti, ts, tu, tt, uu, vc, vi,"
    " li, se, ma, tp, ud, ve, ne FROM types_ks.all_types WHERE id = ?";

static const uint8_t BLOB[] = {0x00, 0x01, 0xfe, 0xff, 0x80};
/* -12345678901234567890: needs 9 bytes, two's complement big-endian. */
static const uint8_t VARINT[] = {0xff, 0x54, 0xab, 0x22, 0xd2, 0xd4, 0x47, 0x5c, 0x2e};
static const uint8_t UNSCALED[] = {0x30, 0x39}; /* 12345 -> 123.45 with scale 2 */
static const cql_uuid UUID = {{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44,
                               0x66, 0x55, 0x44, 0x00, 0x00}};
static const cql_uuid TIMEUUID = {{0x13, 0x81, 0x40, 0x00, 0x1d, 0xd2, 0x11, 0xe1, 0x80, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x01}};
static const cql_inet INET4 = {4, {192, 0, 2, 7}};
static const cql_inet INET6 = {16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42}};
static const cql_duration DURATION = {14, 3, 3723000000001LL};
static const char TEXT[] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93";

typedef struct fixture {
  itest t;
  cql_prepared *insert, *select;
  cql_writer *w;
} fixture;

static void protocol_v4(cql_config *cfg, void *ud) {
  (void)ud;
  assert_int_equal(cql_config_set_protocol_versions(cfg, 4, 4), CQL_OK);
}

/* The same values must survive both framings: v5 segments and v4 frames
 * (where duration and vector travel as custom types). */
static int setup_version(void **state, itest_config_fn configure, int want_version) {
  fixture *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  itest_start(&f->t, NULL, configure, NULL);
  cql_session_metrics m;
  cql_session_get_metrics(f->t.session, &m);
  assert_int_equal(m.protocol_version, want_version);
  itest_ok(&f->t, "CREATE KEYSPACE types_ks WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  itest_ok(&f->t, "CREATE TYPE types_ks.point (x int, y double, label text)");
  itest_ok(&f->t, SCHEMA);
  f->insert = itest_prepare(&f->t, INSERT);
  f->select = itest_prepare(&f->t, SELECT);
  assert_int_equal(cql_writer_new(&f->w, NULL), CQL_OK);
  *state = f;
  return 0;
}

static int setup(void **state) { return setup_version(state, NULL, 5); }
static int setup_v4(void **state) { return setup_version(state, protocol_v4, 4); }

static int teardown(void **state) {
  fixture *f = *state;
  cql_writer_free(f->w);
  cql_prepared_release(f->insert);
  cql_prepared_release(f->select);
  itest_stop(&f->t);
  free(f);
  return 0;
}

/* Binds the writer's value at position i, then resets the writer. */
static void bind_written(fixture *f, cql_statement *st, size_t i) {
  assert_int_equal(cql_writer_status(f->w), CQL_OK);
  assert_int_equal(cql_bind_writer(st, i, f->w), CQL_OK);
  cql_writer_reset(f->w);
}

static void bind_collections(fixture *f, cql_statement *st) {
  cql_writer *w = f->w;
  cql_write_list_begin(w, 3); /* list<int> [1, -2, 3] */
  cql_write_int(w, 1);
  cql_write_int(w, -2);
  cql_write_int(w, 3);
  cql_write_end(w);
  bind_written(f, st, C_LIST);
  cql_write_list_begin(w, 2); /* set<text> {'a', 'b'} */
  cql_write_bytes(w, "a", 1);
  cql_write_bytes(w, "b", 1);
  cql_write_end(w);
  bind_written(f, st, C_SET);
  cql_write_map_begin(w, 2); /* map<text, int> {'k1': 10, 'k2': 20} */
  cql_write_bytes(w, "k1", 2);
  cql_write_int(w, 10);
  cql_write_bytes(w, "k2", 2);
  cql_write_int(w, 20);
  cql_write_end(w);
  bind_written(f, st, C_MAP);
  cql_write_tuple_begin(w); /* tuple<int, text> (7, null) */
  cql_write_int(w, 7);
  cql_write_null(w);
  cql_write_end(w);
  bind_written(f, st, C_TUPLE);
  cql_write_tuple_begin(w); /* point {x: 3, y: 4.5, label: 'p'} */
  cql_write_int(w, 3);
  cql_write_double(w, 4.5);
  cql_write_bytes(w, "p", 1);
  cql_write_end(w);
  bind_written(f, st, C_UDT);
  const cql_type *ve = cql_prepared_param_type(f->insert, C_VECTOR);
  assert_int_equal(ve->id, CQL_TYPE_VECTOR);
  cql_write_vector_begin(w, ve->children[0]); /* vector<float, 3> [1.5, -2, 0.25] */
  cql_write_float(w, 1.5f);
  cql_write_float(w, -2.0f);
  cql_write_float(w, 0.25f);
  cql_write_end(w);
  bind_written(f, st, C_VECTOR);
  cql_write_list_begin(w, 1); /* [{1: 'one', 2: 'two'}] */
  cql_write_map_begin(w, 2);
  cql_write_int(w, 1);
  cql_write_bytes(w, "one", 3);
  cql_write_int(w, 2);
  cql_write_bytes(w, "two", 3);
  cql_write_end(w);
  cql_write_end(w);
  bind_written(f, st, C_NESTED);
}

static void bind_scalars(cql_statement *st) {
  assert_int_equal(cql_bind_text_cstr(st, C_ASCII, "plain ascii"), CQL_OK);
  assert_int_equal(cql_bind_bigint(st, C_BIGINT, INT64_MIN + 1), CQL_OK);
  assert_int_equal(cql_bind_blob(st, C_BLOB, BLOB, sizeof(BLOB)), CQL_OK);
  assert_int_equal(cql_bind_boolean(st, C_BOOLEAN, true), CQL_OK);
  assert_int_equal(cql_bind_date(st, C_DATE, CQL_DATE_EPOCH + 19000), CQL_OK);
  cql_decimal dec = {2, {{UNSCALED, sizeof(UNSCALED)}}};
  assert_int_equal(cql_bind_decimal(st, C_DECIMAL, &dec), CQL_OK);
  assert_int_equal(cql_bind_double(st, C_DOUBLE, -1.0e300), CQL_OK);
  assert_int_equal(cql_bind_duration(st, C_DURATION, &DURATION), CQL_OK);
  assert_int_equal(cql_bind_float(st, C_FLOAT, 3.25f), CQL_OK);
  assert_int_equal(cql_bind_inet(st, C_INET4, &INET4), CQL_OK);
  assert_int_equal(cql_bind_inet(st, C_INET6, &INET6), CQL_OK);
  assert_int_equal(cql_bind_int(st, C_INT, INT32_MIN), CQL_OK);
  assert_int_equal(cql_bind_smallint(st, C_SMALLINT, -32768), CQL_OK);
  assert_int_equal(cql_bind_text(st, C_TEXT, TEXT, strlen(TEXT)), CQL_OK);
  assert_int_equal(cql_bind_time(st, C_TIME, 86399999999999LL), CQL_OK);
  assert_int_equal(cql_bind_timestamp(st, C_TIMESTAMP, 1700000000123LL), CQL_OK);
  assert_int_equal(cql_bind_uuid(st, C_TIMEUUID, &TIMEUUID), CQL_OK);
  assert_int_equal(cql_bind_tinyint(st, C_TINYINT, -128), CQL_OK);
  assert_int_equal(cql_bind_uuid(st, C_UUID, &UUID), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, C_VARCHAR, ""), CQL_OK); /* empty, not null */
  cql_varint vi = {{VARINT, sizeof(VARINT)}};
  assert_int_equal(cql_bind_varint(st, C_VARINT, vi), CQL_OK);
}

static void insert_row(fixture *f, int32_t id, bool nulls) {
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(f->insert, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, C_ID, id), CQL_OK);
  if (nulls) {
    for (size_t i = 1; i < N_COLS; i++)
      assert_int_equal(cql_bind_null(st, i), CQL_OK);
  } else {
    bind_scalars(st);
    bind_collections(f, st);
  }
  cql_result *r = itest_execute(&f->t, st);
  itest_assert_ok(r, "INSERT");
  cql_result_release(r);
  cql_statement_free(st);
}

static cql_result *select_row(fixture *f, int32_t id) {
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(f->select, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, id), CQL_OK);
  cql_result *r = itest_execute(&f->t, st);
  cql_statement_free(st);
  itest_assert_ok(r, "SELECT");
  assert_int_equal(cql_result_get_kind(r), CQL_RESULT_ROWS);
  assert_int_equal(cql_result_row_count(r), 1);
  assert_int_equal(cql_result_column_count(r), N_COLS);
  return r;
}

static void assert_slice(cql_slice s, const void *p, size_t n) {
  assert_int_equal(s.len, n);
  if (n)
    assert_memory_equal(s.ptr, p, n);
}

static void check_scalars(const cql_result *r) {
  cql_slice s;
  int64_t i64;
  assert_int_equal(cql_result_get_text(r, 0, C_ASCII, &s), CQL_OK);
  assert_slice(s, "plain ascii", 11);
  assert_int_equal(cql_result_get_bigint(r, 0, C_BIGINT, &i64), CQL_OK);
  assert_true(i64 == INT64_MIN + 1);
  assert_int_equal(cql_result_get_blob(r, 0, C_BLOB, &s), CQL_OK);
  assert_slice(s, BLOB, sizeof(BLOB));
  bool b = false;
  assert_int_equal(cql_result_get_boolean(r, 0, C_BOOLEAN, &b), CQL_OK);
  assert_true(b);
  cql_date d = 0;
  assert_int_equal(cql_result_get_date(r, 0, C_DATE, &d), CQL_OK);
  assert_int_equal(d, CQL_DATE_EPOCH + 19000);
  cql_decimal dec;
  assert_int_equal(cql_result_get_decimal(r, 0, C_DECIMAL, &dec), CQL_OK);
  assert_int_equal(dec.scale, 2);
  assert_slice(dec.unscaled.bytes, UNSCALED, sizeof(UNSCALED));
  double dbl = 0;
  assert_int_equal(cql_result_get_double(r, 0, C_DOUBLE, &dbl), CQL_OK);
  assert_true(dbl == -1.0e300);
  cql_duration du;
  assert_int_equal(cql_result_get_duration(r, 0, C_DURATION, &du), CQL_OK);
  assert_int_equal(du.months, DURATION.months);
  assert_int_equal(du.days, DURATION.days);
  assert_true(du.nanoseconds == DURATION.nanoseconds);
  float fl = 0;
  assert_int_equal(cql_result_get_float(r, 0, C_FLOAT, &fl), CQL_OK);
  assert_true(fl == 3.25f);
  cql_inet in;
  assert_int_equal(cql_result_get_inet(r, 0, C_INET4, &in), CQL_OK);
  assert_int_equal(in.len, 4);
  assert_memory_equal(in.addr, INET4.addr, 4);
  assert_int_equal(cql_result_get_inet(r, 0, C_INET6, &in), CQL_OK);
  assert_int_equal(in.len, 16);
  assert_memory_equal(in.addr, INET6.addr, 16);
}

static void check_scalars_2(const cql_result *r) {
  cql_slice s;
  int64_t i64;
  int32_t i32 = 0;
  assert_int_equal(cql_result_get_int(r, 0, C_INT, &i32), CQL_OK);
  assert_int_equal(i32, INT32_MIN);
  int16_t i16 = 0;
  assert_int_equal(cql_result_get_smallint(r, 0, C_SMALLINT, &i16), CQL_OK);
  assert_int_equal(i16, -32768);
  assert_int_equal(cql_result_get_text(r, 0, C_TEXT, &s), CQL_OK);
  assert_slice(s, TEXT, strlen(TEXT));
  assert_int_equal(cql_result_get_bigint(r, 0, C_TIME, &i64), CQL_OK);
  assert_true(i64 == 86399999999999LL);
  assert_int_equal(cql_result_get_bigint(r, 0, C_TIMESTAMP, &i64), CQL_OK);
  assert_true(i64 == 1700000000123LL);
  cql_uuid u;
  assert_int_equal(cql_result_get_uuid(r, 0, C_TIMEUUID, &u), CQL_OK);
  assert_memory_equal(u.bytes, TIMEUUID.bytes, 16);
  int8_t i8 = 0;
  assert_int_equal(cql_result_get_tinyint(r, 0, C_TINYINT, &i8), CQL_OK);
  assert_int_equal(i8, -128);
  assert_int_equal(cql_result_get_uuid(r, 0, C_UUID, &u), CQL_OK);
  assert_memory_equal(u.bytes, UUID.bytes, 16);
  assert_false(cql_result_is_null(r, 0, C_VARCHAR));
  assert_int_equal(cql_result_get_text(r, 0, C_VARCHAR, &s), CQL_OK);
  assert_int_equal(s.len, 0);
  cql_varint vi;
  assert_int_equal(cql_result_get_varint(r, 0, C_VARINT, &vi), CQL_OK);
  assert_slice(vi.bytes, VARINT, sizeof(VARINT));
  assert_int_equal(cql_varint_to_i64(vi, &i64), CQL_E_OVERFLOW);
}

/* Next element of `it`, which must exist and not be null. */
static cql_slice next_elem(cql_elements *it) {
  const cql_type *t;
  cql_slice v;
  bool is_null = true;
  assert_true(cql_elements_next(it, &t, &v, &is_null));
  assert_false(is_null);
  return v;
}

static int32_t next_int(cql_elements *it) {
  int32_t v = 0;
  assert_int_equal(cql_decode_int(next_elem(it), &v), CQL_OK);
  return v;
}

static void expect_text(cql_elements *it, const char *s) {
  assert_slice(next_elem(it), s, strlen(s));
}

static void expect_end(cql_elements *it) {
  const cql_type *t;
  cql_slice v;
  bool is_null;
  assert_false(cql_elements_next(it, &t, &v, &is_null));
  assert_int_equal(cql_elements_status(it), CQL_OK);
}

static void check_collections(const cql_result *r) {
  cql_elements it;
  assert_int_equal(cql_result_get_elements(r, 0, C_LIST, &it), CQL_OK);
  assert_int_equal(cql_elements_count(&it), 3);
  assert_int_equal(next_int(&it), 1);
  assert_int_equal(next_int(&it), -2);
  assert_int_equal(next_int(&it), 3);
  expect_end(&it);
  assert_int_equal(cql_result_get_elements(r, 0, C_SET, &it), CQL_OK);
  expect_text(&it, "a");
  expect_text(&it, "b");
  expect_end(&it);
  assert_int_equal(cql_result_get_elements(r, 0, C_MAP, &it), CQL_OK);
  assert_int_equal(cql_elements_count(&it), 4);
  expect_text(&it, "k1");
  assert_int_equal(next_int(&it), 10);
  expect_text(&it, "k2");
  assert_int_equal(next_int(&it), 20);
  expect_end(&it);
}

static void check_structured(const cql_result *r) {
  cql_elements it;
  const cql_type *t;
  cql_slice v;
  bool is_null = false;
  assert_int_equal(cql_result_get_elements(r, 0, C_TUPLE, &it), CQL_OK);
  assert_int_equal(next_int(&it), 7);
  assert_true(cql_elements_next(&it, &t, &v, &is_null));
  assert_true(is_null);
  expect_end(&it);

  const cql_type *ud = cql_result_column_type(r, C_UDT);
  assert_int_equal(ud->id, CQL_TYPE_UDT);
  assert_true(cql_slice_eq_cstr(ud->udt_name, "point"));
  assert_int_equal(ud->n_children, 3);
  assert_true(cql_slice_eq_cstr(ud->field_names[1], "y"));
  assert_int_equal(cql_result_get_elements(r, 0, C_UDT, &it), CQL_OK);
  assert_int_equal(next_int(&it), 3);
  double y = 0;
  assert_int_equal(cql_decode_double(next_elem(&it), &y), CQL_OK);
  assert_true(y == 4.5);
  expect_text(&it, "p");
  expect_end(&it);

  const cql_type *ve = cql_result_column_type(r, C_VECTOR);
  assert_int_equal(ve->id, CQL_TYPE_VECTOR);
  assert_int_equal(ve->dimension, 3);
  assert_int_equal(cql_result_get_elements(r, 0, C_VECTOR, &it), CQL_OK);
  static const float want[] = {1.5f, -2.0f, 0.25f};
  for (size_t i = 0; i < 3; i++) {
    float x = 0;
    assert_int_equal(cql_decode_float(next_elem(&it), &x), CQL_OK);
    assert_true(x == want[i]);
  }
  expect_end(&it);

  assert_int_equal(cql_result_get_elements(r, 0, C_NESTED, &it), CQL_OK);
  assert_int_equal(cql_elements_count(&it), 1);
  assert_true(cql_elements_next(&it, &t, &v, &is_null));
  cql_elements inner;
  assert_int_equal(cql_elements_init(&inner, t, v), CQL_OK);
  assert_int_equal(next_int(&inner), 1);
  expect_text(&inner, "one");
  assert_int_equal(next_int(&inner), 2);
  expect_text(&inner, "two");
  expect_end(&inner);
  expect_end(&it);
}

static void test_values_round_trip(void **state) {
  fixture *f = *state;
  insert_row(f, 1, false);
  cql_result *r = select_row(f, 1);
  int32_t id = 0;
  assert_int_equal(cql_result_get_int(r, 0, C_ID, &id), CQL_OK);
  assert_int_equal(id, 1);
  check_scalars(r);
  check_scalars_2(r);
  check_collections(r);
  check_structured(r);
  /* The column metadata names every column as the schema does. */
  size_t col = 0;
  assert_int_equal(cql_result_column_index(r, "ve", &col), CQL_OK);
  assert_int_equal(col, C_VECTOR);
  assert_true(cql_slice_eq_cstr(cql_result_column_table(r, C_INT), "all_types"));
  /* A copied row outlives the page it came from. */
  cql_result *copy = NULL;
  assert_int_equal(cql_result_copy_rows(r, 0, 1, &copy), CQL_OK);
  cql_result_release(r);
  cql_slice s;
  assert_int_equal(cql_result_get_text(copy, 0, C_TEXT, &s), CQL_OK);
  assert_slice(s, TEXT, strlen(TEXT));
  check_structured(copy);
  cql_result_release(copy);
}

static void test_nulls_round_trip(void **state) {
  fixture *f = *state;
  insert_row(f, 2, true);
  cql_result *r = select_row(f, 2);
  for (size_t c = 1; c < N_COLS; c++) {
    assert_true(cql_result_is_null(r, 0, c));
    cql_slice s;
    assert_int_equal(cql_result_get_raw(r, 0, c, &s), CQL_E_NULL_VALUE);
  }
  int32_t i = 99;
  assert_int_equal(cql_result_get_int(r, 0, C_INT, &i), CQL_E_NULL_VALUE);
  assert_int_equal(i, 99); /* untouched */
  cql_elements it;
  assert_int_equal(cql_result_get_elements(r, 0, C_LIST, &it), CQL_E_NULL_VALUE);
  cql_result_release(r);
}

static void test_type_checks(void **state) {
  fixture *f = *state;
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(f->insert, &st), CQL_OK);
  /* Bound statements know each marker's type. */
  assert_int_equal(cql_bind_text_cstr(st, C_INT, "nope"), CQL_E_TYPE_MISMATCH);
  assert_int_equal(cql_bind_int(st, C_TEXT, 1), CQL_E_TYPE_MISMATCH);
  assert_int_equal(cql_bind_int(st, N_COLS, 1), CQL_E_INVALID_ARG);
  cql_statement_free(st);
  /* Getters check the column's type too. */
  insert_row(f, 3, false);
  cql_result *r = select_row(f, 3);
  int32_t i = 0;
  cql_slice s;
  assert_int_equal(cql_result_get_int(r, 0, C_TEXT, &i), CQL_E_TYPE_MISMATCH);
  assert_int_equal(cql_result_get_text(r, 0, C_INT, &s), CQL_E_TYPE_MISMATCH);
  assert_int_equal(cql_result_get_int(r, 1, C_INT, &i), CQL_E_INVALID_ARG);
  assert_int_equal(cql_result_get_int(r, 0, N_COLS, &i), CQL_E_INVALID_ARG);
  cql_result_release(r);
}

/* Counters live in their own table and only change by increments. */
static void test_counter(void **state) {
  fixture *f = *state;
  itest_ok(&f->t, "CREATE TABLE types_ks.counts (k text PRIMARY KEY, n counter)");
  cql_prepared *up = itest_prepare(&f->t, "UPDATE types_ks.counts SET n = n + ? WHERE k = ?");
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(up, &st), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 1, "c"), CQL_OK);
  static const int64_t deltas[] = {5, -2, 40};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(cql_bind_bigint(st, 0, deltas[i]), CQL_OK);
    cql_result *r = itest_execute(&f->t, st);
    itest_assert_ok(r, "counter update");
    cql_result_release(r);
  }
  cql_statement_free(st);
  cql_prepared_release(up);
  cql_result *r = itest_query(&f->t, "SELECT n FROM types_ks.counts WHERE k = 'c'");
  itest_assert_ok(r, "counter read");
  int64_t n = 0;
  assert_int_equal(cql_result_get_bigint(r, 0, 0, &n), CQL_OK);
  assert_int_equal(n, 43);
  cql_result_release(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_round_trip),
      cmocka_unit_test(test_nulls_round_trip),
      cmocka_unit_test(test_type_checks),
      cmocka_unit_test(test_counter),
  };
  int failed = cmocka_run_group_tests_name("protocol v5", tests, setup, teardown);
  failed += cmocka_run_group_tests_name("protocol v4", tests, setup_v4, teardown);
  return failed;
}
