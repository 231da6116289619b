/* Responses built by hand: what the decoder refuses (lengths and counts
 * that lie, truncation at every byte, flags a version lacks), what the
 * encoder refuses, and the server-side path of building rows with
 * cql_rows_put_cell and reading them back with the row iterator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "response.h"
#include "type.h"

#define S(lit) ((cql_slice){(const uint8_t *)(lit), sizeof(lit) - 1})

static cql_header header(uint8_t version, uint8_t flags, uint8_t opcode) {
  cql_header h = {(uint8_t)(version | CQL_VERSION_RESPONSE_BIT), flags, 0, opcode, 0};
  return h;
}

/* Decoding works on an exact-size heap copy of `b`, so ASan sees any
 * overread; the copy lives until the next decode. */
typedef struct fixture {
  cql_arena arena;
  cql_buf b;
  void *copy;
} fixture;

static cql_status decode(fixture *fx, const cql_header *h, unsigned options, cql_response *out) {
  free(fx->copy);
  fx->copy = malloc(fx->b.len ? fx->b.len : 1);
  assert_non_null(fx->copy);
  if (fx->b.len)
    memcpy(fx->copy, fx->b.data, fx->b.len);
  cql_slice s = {fx->copy, fx->b.len};
  const char *what = NULL;
  cql_status st = cql_response_decode2(h, s, &fx->arena, options, out, &what);
  if (st != CQL_OK)
    assert_non_null(what);
  return st;
}

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof(*fx));
  cql_arena_init(&fx->arena, NULL);
  cql_buf_init(&fx->b, NULL);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  cql_arena_free(&fx->arena);
  cql_buf_free(&fx->b);
  free(fx->copy);
  free(fx);
  return 0;
}

/* RESULT Rows header: kind, flags, columns_count; one global spec and `n`
 * int columns unless NO_METADATA. */
static void put_rows_head(cql_buf *b, int32_t flags, int32_t cols) {
  cql_buf_put_i32(b, CQL_RESULT_ROWS);
  cql_buf_put_i32(b, flags);
  cql_buf_put_i32(b, cols);
}

/* ---- rows framing ------------------------------------------------------------ */

static void test_rows_counts_that_lie(void **state) {
  fixture *fx = *state;
  cql_header h = header(4, 0, CQL_OP_RESULT);
  cql_response r;
  struct {
    int32_t cols, rows;
    int cells_present;
    cql_status want;
  } cases[] = {
      {INT32_MAX, INT32_MAX, 1, CQL_E_BAD_LENGTH}, /* product near 2^62 */
      {65536, 65536, 1, CQL_E_BAD_LENGTH},         /* product 2^32: would wrap in 32 bits */
      {1, 3, 2, CQL_E_BAD_LENGTH},                 /* one cell short */
      {2, 1, 3, CQL_E_TRAILING_BYTES},             /* one cell too many */
      {1, -1, 0, CQL_E_BAD_LENGTH},                /* negative rows */
      {-1, 0, 0, CQL_E_BAD_LENGTH},                /* negative columns */
      {INT32_MAX, 0, 0, CQL_OK},                   /* many columns, no rows */
      {0, INT32_MAX, 0, CQL_OK},                   /* many empty rows */
      {3, 2, 6, CQL_OK},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    cql_buf_reset(&fx->b);
    put_rows_head(&fx->b, CQL_ROWS_FLAG_NO_METADATA, cases[i].cols);
    cql_buf_put_i32(&fx->b, cases[i].rows);
    for (int c = 0; c < cases[i].cells_present; c++)
      cql_buf_put_bytes(&fx->b, S("x"));
    assert_int_equal(decode(fx, &h, 0, &r), cases[i].want);
  }
}

static void test_rows_bad_cells(void **state) {
  fixture *fx = *state;
  cql_header h = header(5, 0, CQL_OP_RESULT);
  cql_response r;
  static const int32_t bad_lengths[] = {-2, -3, INT32_MIN, 5};
  for (size_t i = 0; i < sizeof(bad_lengths) / sizeof(bad_lengths[0]); i++) {
    cql_buf_reset(&fx->b);
    put_rows_head(&fx->b, CQL_ROWS_FLAG_NO_METADATA, 2);
    cql_buf_put_i32(&fx->b, 1);
    cql_buf_put_null_bytes(&fx->b);
    cql_buf_put_i32(&fx->b, bad_lengths[i]);
    cql_buf_put_raw(&fx->b, "abc", 3);
    assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_LENGTH);
  }
}

/* A server builds rows with cql_rows_put_cell; a client walks them. */
static void test_rows_build_and_walk(void **state) {
  fixture *fx = *state;
  cql_buf content;
  cql_buf_init(&content, NULL);
  const cql_cell in[6] = {
      {3, S("abc")}, {-1, {NULL, 0}}, {0, S("")}, {1, S("z")}, {2, S("\x00\x01")}, {-1, {NULL, 0}},
  };
  for (int i = 0; i < 6; i++)
    cql_rows_put_cell(&content, &in[i]);
  cql_cell lying = {4, S("abc")};
  cql_buf scratch;
  cql_buf_init(&scratch, NULL);
  cql_rows_put_cell(&scratch, &lying);
  assert_int_equal(scratch.err, CQL_E_INVALID_ARG);
  cql_buf_free(&scratch);

  cql_column_spec cols[3] = {
      {S("ks"), S("t"), S("a"), cql_type_native(CQL_TYPE_VARCHAR)},
      {S("ks"), S("t"), S("b"), cql_type_native(CQL_TYPE_BLOB)},
      {S("ks"), S("t"), S("c"), cql_type_native(CQL_TYPE_INT)},
  };
  cql_response resp = {.opcode = CQL_OP_RESULT, .stream = 7};
  resp.u.result.kind = CQL_RESULT_ROWS;
  resp.u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
  resp.u.result.u.rows.metadata.columns_count = 3;
  resp.u.result.u.rows.metadata.columns = cols;
  resp.u.result.u.rows.metadata.has_paging_state = true;
  resp.u.result.u.rows.metadata.paging_state = S("\x01\x02");
  resp.u.result.u.rows.rows_count = 2;
  resp.u.result.u.rows.rows_content = (cql_slice){content.data, content.len};
  assert_int_equal(cql_response_encode(&fx->b, 4, &resp, false), CQL_OK);

  cql_header h;
  assert_int_equal(cql_header_decode(fx->b.data, &h), CQL_OK);
  assert_int_equal(h.stream, 7);
  memmove(fx->b.data, fx->b.data + CQL_HEADER_SIZE, fx->b.len - CQL_HEADER_SIZE);
  fx->b.len -= CQL_HEADER_SIZE;
  cql_response r;
  assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);
  const cql_rows_metadata *m = &r.u.result.u.rows.metadata;
  /* the encoder added Has_more_pages for the paging state */
  assert_int_equal(m->flags, CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC | CQL_ROWS_FLAG_HAS_MORE_PAGES);
  assert_true(cql_slice_eq(m->paging_state, S("\x01\x02")));
  assert_true(cql_slice_eq_cstr(m->columns[2].table, "t"));
  cql_row_iter it;
  cql_row_iter_init(&it, &r.u.result);
  cql_cell out[3];
  for (int row = 0; row < 2; row++) {
    assert_true(cql_row_iter_next(&it, out));
    for (int i = 0; i < 3; i++) {
      assert_int_equal(out[i].len, in[row * 3 + i].len);
      if (out[i].len >= 0)
        assert_true(cql_slice_eq(out[i].bytes, in[row * 3 + i].bytes));
    }
  }
  assert_false(cql_row_iter_next(&it, out));
  assert_false(cql_row_iter_next(&it, out));

  /* rows_content that does not frame rows_count * columns cells */
  resp.u.result.u.rows.rows_count = 3;
  size_t before = fx->b.len;
  assert_int_equal(cql_response_encode(&fx->b, 4, &resp, false), CQL_E_INVALID_ARG);
  assert_int_equal(fx->b.len, before);
  assert_int_equal(fx->b.err, CQL_OK);
  cql_buf_free(&content);
}

static void test_row_iter_other_kinds(void **state) {
  (void)state;
  cql_result_msg res = {.kind = CQL_RESULT_VOID};
  cql_row_iter it;
  cql_row_iter_init(&it, &res);
  cql_cell c;
  assert_false(cql_row_iter_next(&it, &c));
}

/* ---- truncation at every byte -------------------------------------------- */

static void build_prepared(cql_buf *b) {
  cql_buf_put_i32(b, CQL_RESULT_PREPARED);
  cql_buf_put_short_bytes(b, S("0123456789abcdef"));
  cql_buf_put_short_bytes(b, S("fedcba9876543210")); /* v5 result metadata id */
  cql_buf_put_i32(b, CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC);
  cql_buf_put_i32(b, 2);
  cql_buf_put_i32(b, 1);
  cql_buf_put_u16(b, 1);
  cql_buf_put_string(b, S("ks"));
  cql_buf_put_string(b, S("t"));
  cql_buf_put_string(b, S("c"));
  cql_buf_put_u16(b, CQL_TYPE_MAP);
  cql_buf_put_u16(b, CQL_TYPE_VARCHAR);
  cql_buf_put_u16(b, CQL_TYPE_LIST);
  cql_buf_put_u16(b, CQL_TYPE_INT);
  cql_buf_put_string(b, S("k"));
  cql_buf_put_u16(b, CQL_TYPE_UUID);
  cql_buf_put_i32(b, 0); /* result metadata: per-column specs */
  cql_buf_put_i32(b, 1);
  cql_buf_put_string(b, S("ks"));
  cql_buf_put_string(b, S("t"));
  cql_buf_put_string(b, S("v"));
  cql_buf_put_u16(b, CQL_TYPE_TUPLE);
  cql_buf_put_u16(b, 2);
  cql_buf_put_u16(b, CQL_TYPE_INT);
  cql_buf_put_u16(b, CQL_TYPE_VARCHAR);
}

static void build_error(cql_buf *b) {
  static const cql_inet a = {4, {127, 0, 0, 1}};
  cql_buf_put_i32(b, CQL_SERVER_WRITE_FAILURE);
  cql_buf_put_string(b, S("failed"));
  cql_buf_put_u16(b, CQL_CONSISTENCY_QUORUM);
  cql_buf_put_i32(b, 1);
  cql_buf_put_i32(b, 2);
  cql_buf_put_i32(b, 1);
  cql_buf_put_inetaddr(b, &a);
  cql_buf_put_u16(b, 3);
  cql_buf_put_string(b, S("SIMPLE"));
}

static void build_event(cql_buf *b) {
  cql_buf_put_string(b, S("SCHEMA_CHANGE"));
  cql_buf_put_string(b, S("CREATED"));
  cql_buf_put_string(b, S("FUNCTION"));
  cql_buf_put_string(b, S("ks"));
  cql_buf_put_string(b, S("f"));
  cql_buf_put_u16(b, 2);
  cql_buf_put_string(b, S("int"));
  cql_buf_put_string(b, S("text"));
}

static void build_prefixed_rows(cql_buf *b) {
  static const cql_uuid u = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
  cql_buf_put_uuid(b, &u);
  cql_buf_put_u16(b, 1);
  cql_buf_put_string(b, S("warn"));
  cql_buf_put_u16(b, 1);
  cql_buf_put_string(b, S("k"));
  cql_buf_put_null_bytes(b);
  put_rows_head(b, CQL_ROWS_FLAG_METADATA_CHANGED | CQL_ROWS_FLAG_HAS_MORE_PAGES, 1);
  cql_buf_put_bytes(b, S("paging"));
  cql_buf_put_short_bytes(b, S("id"));
  cql_buf_put_string(b, S("ks"));
  cql_buf_put_string(b, S("t"));
  cql_buf_put_string(b, S("a"));
  cql_buf_put_u16(b, CQL_TYPE_INT);
  cql_buf_put_i32(b, 2);
  cql_buf_put_bytes(b, S("\0\0\0\1"));
  cql_buf_put_null_bytes(b);
}

static void test_truncated_everywhere(void **state) {
  fixture *fx = *state;
  struct {
    void (*build)(cql_buf *);
    uint8_t flags, opcode;
  } cases[] = {
      {build_prepared, 0, CQL_OP_RESULT},
      {build_error, 0, CQL_OP_ERROR},
      {build_event, 0, CQL_OP_EVENT},
      {build_prefixed_rows, CQL_FLAG_TRACING | CQL_FLAG_WARNING | CQL_FLAG_CUSTOM_PAYLOAD,
       CQL_OP_RESULT},
  };
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    cql_buf_reset(&fx->b);
    cases[c].build(&fx->b);
    cql_header h = header(5, cases[c].flags, cases[c].opcode);
    size_t full = fx->b.len;
    cql_response r;
    assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);
    cql_buf again;
    cql_buf_init(&again, NULL);
    assert_int_equal(cql_response_encode_body(&again, 5, &r), CQL_OK);
    assert_int_equal(again.len, full);
    assert_memory_equal(again.data, fx->b.data, full);
    cql_buf_free(&again);
    for (size_t n = 0; n < full; n++) {
      fx->b.len = n;
      assert_int_not_equal(decode(fx, &h, 0, &r), CQL_OK);
      cql_arena_reset(&fx->arena);
    }
  }
}

/* ---- what the decoder refuses --------------------------------------------- */

static void test_decode_refusals(void **state) {
  fixture *fx = *state;
  cql_response r;
  cql_header h;

  cql_buf_reset(&fx->b);
  h = header(4, 0, CQL_OP_READY);
  h.version = 4; /* a request header */
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_VERSION);
  h = header(6, 0, CQL_OP_READY);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_VERSION);
  h = header(4, 0, CQL_OP_QUERY);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_OPCODE);
  h = header(3, CQL_FLAG_WARNING, CQL_OP_READY);
  cql_buf_put_u16(&fx->b, 0);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_FLAGS);

  /* unknown kinds, event types and schema targets */
  cql_buf_reset(&fx->b);
  cql_buf_put_i32(&fx->b, 6);
  h = header(4, 0, CQL_OP_RESULT);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_MESSAGE);
  cql_buf_reset(&fx->b);
  cql_buf_put_string(&fx->b, S("NODE_MOVED"));
  h = header(4, 0, CQL_OP_EVENT);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_MESSAGE);
  cql_buf_reset(&fx->b);
  cql_buf_put_i32(&fx->b, CQL_RESULT_SCHEMA_CHANGE);
  cql_buf_put_string(&fx->b, S("CREATED"));
  cql_buf_put_string(&fx->b, S("INDEX"));
  cql_buf_put_string(&fx->b, S("ks"));
  h = header(5, 0, CQL_OP_RESULT);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_MESSAGE);

  /* Metadata_changed is v5 only */
  cql_buf_reset(&fx->b);
  put_rows_head(&fx->b, CQL_ROWS_FLAG_METADATA_CHANGED, 0);
  cql_buf_put_short_bytes(&fx->b, S("id"));
  cql_buf_put_i32(&fx->b, 0);
  h = header(4, 0, CQL_OP_RESULT);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_FLAGS);
  h = header(5, 0, CQL_OP_RESULT);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);

  /* a null paging state */
  cql_buf_reset(&fx->b);
  put_rows_head(&fx->b, CQL_ROWS_FLAG_HAS_MORE_PAGES | CQL_ROWS_FLAG_NO_METADATA, 0);
  cql_buf_put_null_bytes(&fx->b);
  cql_buf_put_i32(&fx->b, 0);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_MESSAGE);

  /* a partition key index beyond the bind markers */
  cql_buf_reset(&fx->b);
  cql_buf_put_i32(&fx->b, CQL_RESULT_PREPARED);
  cql_buf_put_short_bytes(&fx->b, S("id"));
  cql_buf_put_i32(&fx->b, 0);
  cql_buf_put_i32(&fx->b, 1);
  cql_buf_put_i32(&fx->b, 1);
  cql_buf_put_u16(&fx->b, 1);
  cql_buf_put_string(&fx->b, S("ks"));
  cql_buf_put_string(&fx->b, S("t"));
  cql_buf_put_string(&fx->b, S("k"));
  cql_buf_put_u16(&fx->b, CQL_TYPE_INT);
  cql_buf_put_i32(&fx->b, CQL_ROWS_FLAG_NO_METADATA);
  cql_buf_put_i32(&fx->b, 0);
  h = header(4, 0, CQL_OP_RESULT);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_MESSAGE);
  fx->b.data[4 + 2 + 2 + 4 + 4 + 4 + 1] = 0; /* index 0 */
  assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);
  assert_int_equal(r.u.result.u.prepared.metadata.pk_indices[0], 0);
}

static void test_counts_checked_before_allocating(void **state) {
  fixture *fx = *state;
  cql_response r;
  cql_header h = header(5, CQL_FLAG_WARNING, CQL_OP_READY);
  cql_buf_reset(&fx->b);
  cql_buf_put_u16(&fx->b, 0xFFFF); /* 65535 warnings, none present */
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_LENGTH);

  /* a READ_FAILURE reason map claiming 2^31-1 entries */
  h = header(5, 0, CQL_OP_ERROR);
  cql_buf_reset(&fx->b);
  cql_buf_put_i32(&fx->b, CQL_SERVER_READ_FAILURE);
  cql_buf_put_string(&fx->b, S("m"));
  cql_buf_put_u16(&fx->b, 1);
  cql_buf_put_i32(&fx->b, 0);
  cql_buf_put_i32(&fx->b, 1);
  cql_buf_put_i32(&fx->b, INT32_MAX);
  cql_buf_put_u8(&fx->b, 0);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_LENGTH);
  fx->b.data[fx->b.len - 5] = 0x80; /* negative */
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_LENGTH);
  /* in v4 the same field is a plain count */
  h = header(4, 0, CQL_OP_ERROR);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);
  assert_true(r.u.error.num_failures < 0);

  /* metadata claiming more columns than bytes */
  h = header(4, 0, CQL_OP_RESULT);
  cql_buf_reset(&fx->b);
  put_rows_head(&fx->b, 0, INT32_MAX);
  cql_buf_put_string(&fx->b, S("ks"));
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_BAD_LENGTH);
}

static void test_arena_limit(void **state) {
  fixture *fx = *state;
  cql_buf_reset(&fx->b);
  build_prepared(&fx->b);
  cql_header h = header(5, 0, CQL_OP_RESULT);
  cql_response r;
  cql_arena_free(&fx->arena);
  fx->arena.limit = 64;
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_NOMEM);
  fx->arena.limit = 0;
}

static void test_deep_type(void **state) {
  fixture *fx = *state;
  cql_buf_reset(&fx->b);
  put_rows_head(&fx->b, CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC, 1);
  cql_buf_put_string(&fx->b, S("ks"));
  cql_buf_put_string(&fx->b, S("t"));
  cql_buf_put_string(&fx->b, S("c"));
  for (int i = 0; i < 200; i++)
    cql_buf_put_u16(&fx->b, CQL_TYPE_LIST);
  cql_buf_put_u16(&fx->b, CQL_TYPE_INT);
  cql_buf_put_i32(&fx->b, 0);
  cql_header h = header(4, 0, CQL_OP_RESULT);
  cql_response r;
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_TOO_DEEP);
}

static void test_trailing_bytes(void **state) {
  fixture *fx = *state;
  cql_buf_reset(&fx->b);
  cql_buf_put_i32(&fx->b, CQL_RESULT_VOID);
  cql_buf_put_u8(&fx->b, 0xAA);
  cql_header h = header(5, 0, CQL_OP_RESULT);
  cql_response r;
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_TRAILING_BYTES);
  assert_int_equal(decode(fx, &h, CQL_RESPONSE_ALLOW_TRAILING, &r), CQL_OK);
  assert_int_equal(r.u.result.kind, CQL_RESULT_VOID);
}

/* A global table spec with no columns is read (the flag puts it on the
 * wire) though there is nowhere to keep it; it re-encodes as empty. */
static void test_global_spec_without_columns(void **state) {
  fixture *fx = *state;
  cql_buf_reset(&fx->b);
  put_rows_head(&fx->b, CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC, 0);
  cql_buf_put_string(&fx->b, S("ks"));
  cql_buf_put_string(&fx->b, S("t"));
  cql_buf_put_i32(&fx->b, 0);
  cql_header h = header(4, 0, CQL_OP_RESULT);
  cql_response r;
  assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);
  cql_buf out;
  cql_buf_init(&out, NULL);
  assert_int_equal(cql_response_encode_body(&out, 4, &r), CQL_OK);
  assert_int_equal(out.len, fx->b.len - 3);
  cql_buf_free(&out);
}

/* ---- what the encoder refuses ------------------------------------------------ */

static void expect_encode(const cql_response *resp, uint8_t version, cql_status want) {
  cql_buf out;
  cql_buf_init(&out, NULL);
  cql_buf_put_raw(&out, "keep", 4);
  assert_int_equal(cql_response_encode(&out, version, resp, false), want);
  if (want != CQL_OK) {
    assert_int_equal(out.len, 4);
    assert_int_equal(out.err, CQL_OK);
    assert_memory_equal(out.data, "keep", 4);
  }
  cql_buf_free(&out);
}

static void test_encode_refusals(void **state) {
  (void)state;
  cql_response r = {.opcode = CQL_OP_QUERY};
  expect_encode(&r, 4, CQL_E_INVALID_ARG);
  r.opcode = CQL_OP_READY;
  expect_encode(&r, 2, CQL_E_BAD_VERSION);
  expect_encode(&r, 6, CQL_E_BAD_VERSION);
  r.has_warnings = true;
  expect_encode(&r, 3, CQL_E_UNSUPPORTED);
  expect_encode(&r, 4, CQL_OK);
  r.has_warnings = false;
  r.n_custom_payload = 1; /* and no array */
  expect_encode(&r, 4, CQL_E_INVALID_ARG);

  cql_response e = {.opcode = CQL_OP_ERROR};
  e.u.error.code = CQL_SERVER_WRITE_TIMEOUT;
  e.u.error.write_type = S("CAS");
  e.u.error.has_contentions = true;
  expect_encode(&e, 4, CQL_E_UNSUPPORTED);
  expect_encode(&e, 5, CQL_OK);
  e.u.error.write_type = S("SIMPLE");
  expect_encode(&e, 5, CQL_E_INVALID_ARG);

  cql_response p = {.opcode = CQL_OP_RESULT};
  p.u.result.kind = CQL_RESULT_PREPARED;
  p.u.result.u.prepared.id = S("id");
  p.u.result.u.prepared.result_metadata_id = S("md");
  expect_encode(&p, 4, CQL_E_UNSUPPORTED);
  expect_encode(&p, 5, CQL_OK);
  static const uint16_t pk[] = {1};
  p.u.result.u.prepared.metadata.pk_count = 1;
  p.u.result.u.prepared.metadata.pk_indices = pk;
  expect_encode(&p, 5, CQL_E_INVALID_ARG); /* no bind marker 1 */

  cql_column_spec cols[2] = {
      {S("ks"), S("t1"), S("a"), cql_type_native(CQL_TYPE_INT)},
      {S("ks"), S("t2"), S("b"), NULL},
  };
  cql_response rows = {.opcode = CQL_OP_RESULT};
  rows.u.result.kind = CQL_RESULT_ROWS;
  rows.u.result.u.rows.metadata.columns_count = 2;
  rows.u.result.u.rows.metadata.columns = cols;
  expect_encode(&rows, 4, CQL_E_INVALID_ARG); /* a column without a type */
  cols[1].type = cql_type_native(CQL_TYPE_INT);
  expect_encode(&rows, 4, CQL_OK);
  rows.u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
  expect_encode(&rows, 4, CQL_E_INVALID_ARG); /* two tables under one spec */
  rows.u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_METADATA_CHANGED;
  expect_encode(&rows, 4, CQL_E_UNSUPPORTED);
  expect_encode(&rows, 5, CQL_OK);

  cql_response ev = {.opcode = CQL_OP_EVENT};
  ev.u.event.kind = 9;
  expect_encode(&ev, 4, CQL_E_INVALID_ARG);
  ev.u.event.kind = CQL_EVENT_STATUS_CHANGE;
  ev.u.event.change = S("UP");
  expect_encode(&ev, 4, CQL_E_BAD_LENGTH); /* an address of length 0 */
  ev.u.event.address.len = 4;
  expect_encode(&ev, 4, CQL_OK);
}

/* v5 CAS write timeouts carry a contention count on the wire whether or
 * not the caller set has_contentions. */
static void test_contentions_on_the_wire(void **state) {
  fixture *fx = *state;
  cql_response e = {.opcode = CQL_OP_ERROR};
  e.u.error.code = CQL_SERVER_WRITE_TIMEOUT;
  e.u.error.write_type = S("CAS");
  e.u.error.contentions = 4;
  cql_buf_reset(&fx->b);
  assert_int_equal(cql_response_encode_body(&fx->b, 5, &e), CQL_OK);
  cql_header h = header(5, 0, CQL_OP_ERROR);
  cql_response r;
  assert_int_equal(decode(fx, &h, 0, &r), CQL_OK);
  assert_true(r.u.error.has_contentions);
  assert_int_equal(r.u.error.contentions, 4);
  h = header(4, 0, CQL_OP_ERROR);
  assert_int_equal(decode(fx, &h, 0, &r), CQL_E_TRAILING_BYTES);
}

static void test_compression_flag(void **state) {
  (void)state;
  cql_response r = {.opcode = CQL_OP_RESULT, .stream = 3};
  r.u.result.kind = CQL_RESULT_SET_KEYSPACE;
  r.u.result.u.set_keyspace = S("a_keyspace_name_long_enough_to_compress_aaaaaaaaaaaaaaaa");
  cql_buf out, back;
  cql_buf_init(&out, NULL);
  cql_buf_init(&back, NULL);
  assert_int_equal(cql_response_encode(&out, 4, &r, true), CQL_OK);
  assert_int_equal(out.data[0], 0x84);
  assert_int_equal(out.data[1], CQL_FLAG_COMPRESSION);
  cql_slice z = {out.data + CQL_HEADER_SIZE, out.len - CQL_HEADER_SIZE};
  assert_int_equal(cql_load_u32(out.data + 5), z.len);
  assert_int_equal(cql_body_decompress_v4(&back, z, 1024), CQL_OK);
  cql_buf plain;
  cql_buf_init(&plain, NULL);
  assert_int_equal(cql_response_encode_body(&plain, 4, &r), CQL_OK);
  assert_int_equal(back.len, plain.len);
  assert_memory_equal(back.data, plain.data, plain.len);
  /* v5 compresses segments, not envelopes */
  cql_buf_reset(&out);
  assert_int_equal(cql_response_encode(&out, 5, &r, true), CQL_OK);
  assert_int_equal(out.data[1], 0);
  assert_int_equal(out.len, CQL_HEADER_SIZE + plain.len);
  cql_buf_free(&out);
  cql_buf_free(&back);
  cql_buf_free(&plain);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_rows_counts_that_lie, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rows_bad_cells, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rows_build_and_walk, setup, teardown),
      cmocka_unit_test(test_row_iter_other_kinds),
      cmocka_unit_test_setup_teardown(test_truncated_everywhere, setup, teardown),
      cmocka_unit_test_setup_teardown(test_decode_refusals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_counts_checked_before_allocating, setup, teardown),
      cmocka_unit_test_setup_teardown(test_arena_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deep_type, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trailing_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_global_spec_without_columns, setup, teardown),
      cmocka_unit_test(test_encode_refusals),
      cmocka_unit_test_setup_teardown(test_contentions_on_the_wire, setup, teardown),
      cmocka_unit_test(test_compression_flag),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
