/* Request encoding and decoding beyond the vectors: what each side refuses,
 * all-or-nothing output, allocation failures, and malformed bodies (cut at
 * every byte, lengths that lie, counts no body could hold, unknown flags). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "request.h"
#include "testutil.h"

#define S(lit) ((cql_slice){(const uint8_t *)(lit), sizeof(lit) - 1})

static const cql_value_arg ONE_VALUE[] = {{.state = CQL_VALUE_SET, .bytes = S("\0\0\0\1")}};

static cql_request query_req(void) {
  cql_request r = {.opcode = CQL_OP_QUERY, .stream = 1};
  r.u.query.query = S("SELECT * FROM system.local");
  r.u.query.params.consistency = CQL_CONSISTENCY_ONE;
  return r;
}

/* Encodes into a buffer that already holds "prefix" and checks that a
 * failure leaves it exactly as it was. */
static cql_status encode_keeps_prefix(uint8_t version, const cql_request *r, bool compress) {
  cql_buf out;
  cql_buf_init(&out, NULL);
  cql_buf_put_raw(&out, "prefix", 6);
  cql_status st = cql_request_encode(&out, version, r, compress);
  if (st != CQL_OK) {
    assert_int_equal(out.len, 6);
    assert_int_equal(out.err, CQL_OK);
    assert_memory_equal(out.data, "prefix", 6);
  } else {
    assert_true(out.len > 6 + CQL_HEADER_SIZE - 1);
    assert_memory_equal(out.data, "prefix", 6);
  }
  cql_buf_free(&out);
  return st;
}

/* ---- encoder: refusals --------------------------------------------------- */

static void test_v5_fields_in_v4_are_unsupported(void **state) {
  (void)state;
  cql_request r = query_req();
  r.u.query.params.has_keyspace = true;
  r.u.query.params.keyspace = S("ks");
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_UNSUPPORTED);
  assert_int_equal(encode_keeps_prefix(5, &r, false), CQL_OK);

  r = query_req();
  r.u.query.params.has_now_in_seconds = true;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_UNSUPPORTED);

  r = (cql_request){.opcode = CQL_OP_EXECUTE};
  r.u.execute.id = S("id");
  r.u.execute.result_metadata_id = S("mid");
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_UNSUPPORTED);
  r.u.execute.result_metadata_id = S("");
  r.u.execute.params.has_keyspace = true;
  assert_int_equal(encode_keeps_prefix(4, &r, true), CQL_E_UNSUPPORTED);

  r = (cql_request){.opcode = CQL_OP_PREPARE};
  r.u.prepare.query = S("SELECT 1");
  r.u.prepare.has_keyspace = true;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_UNSUPPORTED);

  r = (cql_request){.opcode = CQL_OP_BATCH};
  r.u.batch.has_keyspace = true;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_UNSUPPORTED);
  r.u.batch.has_keyspace = false;
  r.u.batch.has_now_in_seconds = true;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_UNSUPPORTED);
  assert_int_equal(encode_keeps_prefix(5, &r, false), CQL_OK);
}

static void test_invalid_arguments(void **state) {
  (void)state;
  cql_request r = query_req();
  assert_int_equal(encode_keeps_prefix(3, &r, false), CQL_E_BAD_VERSION);
  assert_int_equal(encode_keeps_prefix(6, &r, false), CQL_E_BAD_VERSION);
  assert_int_equal(encode_keeps_prefix(5, &r, true), CQL_E_INVALID_ARG);

  r.opcode = CQL_OP_RESULT;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);

  cql_value_arg bad = {.state = (cql_value_state)7};
  r = query_req();
  r.u.query.params.values = &bad;
  r.u.query.params.n_values = 1;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);
  r.u.query.params.values = NULL;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);
  r.u.query.params.values = ONE_VALUE;
  r.u.query.params.n_values = 65536;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_BAD_LENGTH);

  r = (cql_request){.opcode = CQL_OP_BATCH};
  r.u.batch.type = 3;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);
  r.u.batch.type = CQL_BATCH_LOGGED;
  r.u.batch.n_stmts = 1;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);

  r = (cql_request){.opcode = CQL_OP_REGISTER};
  r.u.reg.n_events = 2;
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);

  r = (cql_request){.opcode = CQL_OP_OPTIONS, .n_custom_payload = 1};
  assert_int_equal(encode_keeps_prefix(4, &r, false), CQL_E_INVALID_ARG);
}

static void test_string_too_long_for_its_prefix(void **state) {
  (void)state;
  size_t n = 70000;
  uint8_t *big = calloc(n, 1);
  assert_non_null(big);
  cql_request r = query_req();
  r.u.query.params.has_keyspace = true;
  r.u.query.params.keyspace = (cql_slice){big, n};
  assert_int_equal(encode_keeps_prefix(5, &r, false), CQL_E_BAD_LENGTH);
  /* the same bytes fit a [long string] */
  r = query_req();
  r.u.query.query = (cql_slice){big, n};
  assert_int_equal(encode_keeps_prefix(5, &r, false), CQL_OK);
  assert_int_equal(encode_keeps_prefix(4, &r, true), CQL_OK);
  free(big);
}

static void test_sticky_error_is_returned(void **state) {
  (void)state;
  cql_buf out;
  cql_buf_init(&out, NULL);
  out.err = CQL_E_NOMEM;
  cql_request r = query_req();
  assert_int_equal(cql_request_encode(&out, 4, &r, false), CQL_E_NOMEM);
  assert_int_equal(out.len, 0);
  cql_buf_free(&out);
}

/* ---- encoder: envelope ---------------------------------------------------- */

static void test_appends_and_sets_header(void **state) {
  (void)state;
  cql_buf out;
  cql_buf_init(&out, NULL);
  cql_request r = query_req();
  r.stream = -2;
  r.tracing = true;
  r.has_custom_payload = true;
  assert_int_equal(cql_request_encode(&out, 5, &r, false), CQL_OK);
  size_t first = out.len;
  assert_int_equal(cql_request_encode(&out, 4, &r, true), CQL_OK);
  cql_header h;
  assert_int_equal(cql_header_decode(out.data, &h), CQL_OK);
  assert_int_equal(h.version, 5);
  assert_int_equal(h.flags, CQL_FLAG_TRACING | CQL_FLAG_CUSTOM_PAYLOAD);
  assert_int_equal(h.stream, -2);
  assert_int_equal(h.length, first - CQL_HEADER_SIZE);
  assert_int_equal(cql_header_decode(out.data + first, &h), CQL_OK);
  assert_int_equal(h.version, 4);
  assert_int_equal(h.flags, CQL_FLAG_COMPRESSION | CQL_FLAG_TRACING | CQL_FLAG_CUSTOM_PAYLOAD);
  assert_int_equal(h.length, out.len - first - CQL_HEADER_SIZE);
  cql_buf_free(&out);
}

static void test_startup_and_options_never_compressed(void **state) {
  (void)state;
  static const cql_pair opt = {.key = S("CQL_VERSION"), .value = S("3.0.0")};
  cql_request reqs[2] = {{.opcode = CQL_OP_STARTUP}, {.opcode = CQL_OP_OPTIONS}};
  reqs[0].u.startup.options = &opt;
  reqs[0].u.startup.n_options = 1;
  for (int i = 0; i < 2; i++) {
    cql_buf out;
    cql_buf_init(&out, NULL);
    assert_int_equal(cql_request_encode(&out, 4, &reqs[i], true), CQL_OK);
    assert_int_equal(out.data[1], 0);
    cql_buf_free(&out);
  }
}

/* An allocator that fails from the n-th call on. */
typedef struct failing {
  int left;
} failing;

static void *f_malloc(size_t n, void *ud) {
  failing *f = ud;
  return f->left-- > 0 ? malloc(n) : NULL;
}
static void *f_realloc(void *p, size_t n, void *ud) {
  failing *f = ud;
  return f->left-- > 0 ? realloc(p, n) : NULL;
}
static void f_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static void test_out_of_memory_leaves_out_unchanged(void **state) {
  (void)state;
  static char query[3000];
  memset(query, 'x', sizeof(query));
  cql_request r = query_req();
  r.u.query.query = (cql_slice){(const uint8_t *)query, sizeof(query)};
  for (int compress = 0; compress < 2; compress++) {
    bool ok = false;
    for (int budget = 0; budget < 10 && !ok; budget++) {
      failing f = {.left = 1};
      cql_mem mem = {f_malloc, f_realloc, f_free, &f};
      cql_buf out;
      cql_buf_init(&out, &mem);
      cql_buf_put_raw(&out, "prefix", 6);
      f.left = budget;
      cql_status st = cql_request_encode(&out, 4, &r, compress);
      ok = st == CQL_OK;
      if (!ok) {
        assert_int_equal(st, CQL_E_NOMEM);
        assert_int_equal(out.len, 6);
        assert_int_equal(out.err, CQL_OK);
        assert_memory_equal(out.data, "prefix", 6);
      }
      cql_buf_free(&out);
    }
    assert_true(ok);
  }
}

/* ---- decoder -------------------------------------------------------------- */

static cql_status decode(uint8_t version, uint8_t flags, uint8_t opcode, const void *body,
                         size_t len, cql_arena *arena, const char **what) {
  cql_header h = {.version = version, .flags = flags, .opcode = opcode, .length = (uint32_t)len};
  cql_request r;
  return cql_request_decode(&h, (cql_slice){body, len}, arena, &r, what);
}

static cql_status decode1(uint8_t version, uint8_t opcode, const void *body, size_t len) {
  cql_arena a;
  cql_arena_init(&a, NULL);
  const char *what = NULL;
  cql_status st = decode(version, 0, opcode, body, len, &a, &what);
  assert_true(st == CQL_OK ? what == NULL : what != NULL);
  cql_arena_free(&a);
  return st;
}

#define DECODE(v, op, lit) decode1(v, op, lit, sizeof(lit) - 1)

static void test_bad_headers(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  const char *what = NULL;
  assert_int_equal(decode(3, 0, CQL_OP_OPTIONS, NULL, 0, &a, &what), CQL_E_BAD_VERSION);
  assert_non_null(what);
  assert_int_equal(decode(0x84, 0, CQL_OP_OPTIONS, NULL, 0, &a, NULL), CQL_E_BAD_VERSION);
  assert_int_equal(decode(4, 0, CQL_OP_RESULT, NULL, 0, &a, NULL), CQL_E_BAD_OPCODE);
  assert_int_equal(decode(4, 0, 0x04, NULL, 0, &a, NULL), CQL_E_BAD_OPCODE);
  assert_int_equal(decode(4, CQL_FLAG_WARNING, CQL_OP_OPTIONS, NULL, 0, &a, NULL), CQL_E_BAD_FLAGS);
  assert_int_equal(decode(4, 0x20, CQL_OP_OPTIONS, NULL, 0, &a, NULL), CQL_E_BAD_FLAGS);
  assert_int_equal(decode(5, CQL_FLAG_COMPRESSION, CQL_OP_OPTIONS, NULL, 0, &a, NULL),
                   CQL_E_BAD_FLAGS);
  assert_int_equal(decode(4, CQL_FLAG_COMPRESSION, CQL_OP_OPTIONS, NULL, 0, &a, &what), CQL_OK);
  assert_null(what);
  assert_int_equal(decode(5, 0x12, CQL_OP_OPTIONS, NULL, 0, &a, NULL), CQL_OK);
  assert_int_equal(decode(4, 0, CQL_OP_OPTIONS, "x", 1, &a, NULL), CQL_E_TRAILING_BYTES);
  cql_arena_free(&a);
}

#define Q "\0\0\0\1q" /* [long string] "q" */

static void test_unknown_flags(void **state) {
  (void)state;
  assert_int_equal(DECODE(5, CQL_OP_QUERY, Q "\0\1\0\0\0\0"), CQL_OK);
  assert_int_equal(DECODE(5, CQL_OP_QUERY, Q "\0\1\0\0\2\0"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(5, CQL_OP_QUERY, Q "\0\1\x80\0\0\0"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(5, CQL_OP_QUERY, Q "\0\1\x40\0\0\0"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0\1\x80"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(5, CQL_OP_PREPARE, Q "\0\0\0\2"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(5, CQL_OP_PREPARE, Q "\0\0\0\1\0\0"), CQL_OK);
  /* BATCH: the low four bits and names for values are refused */
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\0\0\0\0\1\0"), CQL_OK);
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\0\0\0\0\1\1"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\0\0\0\0\1\x40"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\0\0\0\0\1\x80"), CQL_E_BAD_FLAGS);
  assert_int_equal(DECODE(5, CQL_OP_BATCH, "\0\0\0\0\1\0\0\0\0"), CQL_OK);
  assert_int_equal(DECODE(5, CQL_OP_BATCH, "\0\0\0\0\1\0\0\2\0"), CQL_E_BAD_FLAGS);
}

static void test_malformed_messages(void **state) {
  (void)state;
  /* batch type 3, statement kind 2 */
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\3\0\0\0\1\0"), CQL_E_BAD_MESSAGE);
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\0\0\1\2\0\0\0\0\0\0\0\1\0"), CQL_E_BAD_MESSAGE);
  /* a [value] length of -3, and unset where only [bytes] is allowed */
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0\1\1\0\1\xff\xff\xff\xfd"), CQL_E_BAD_LENGTH);
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0\1\1\0\1\xff\xff\xff\xfe"), CQL_OK);
  assert_int_equal(DECODE(4, CQL_OP_AUTH_RESPONSE, "\xff\xff\xff\xfe"), CQL_E_BAD_LENGTH);
  assert_int_equal(DECODE(4, CQL_OP_AUTH_RESPONSE, "\xff\xff\xff\xff"), CQL_OK);
  /* a null paging state */
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0\1\x08\xff\xff\xff\xff"), CQL_E_BAD_LENGTH);
  /* lengths that lie */
  assert_int_equal(DECODE(4, CQL_OP_QUERY, "\0\0\0\x09q\0\1\0"), CQL_E_BAD_LENGTH);
  assert_int_equal(DECODE(4, CQL_OP_QUERY, "\x80\0\0\0"), CQL_E_BAD_LENGTH);
  assert_int_equal(DECODE(4, CQL_OP_EXECUTE, "\0\x10id\0\1\0"), CQL_E_BAD_LENGTH);
  assert_int_equal(DECODE(4, CQL_OP_REGISTER, "\0\1\0\5ab"), CQL_E_BAD_LENGTH);
  /* truncated fixed-size fields */
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0"), CQL_E_TRUNCATED);
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0\1\x20\0\0\0\0"), CQL_E_TRUNCATED);
  assert_int_equal(DECODE(4, CQL_OP_QUERY, Q "\0\1\0\0"), CQL_E_TRAILING_BYTES);
}

/* A count no body could hold fails before the arena is asked for memory. */
static void check_count_refused(uint8_t version, uint8_t flags, uint8_t op, const void *body,
                                size_t len) {
  cql_arena a;
  cql_arena_init(&a, NULL);
  assert_int_equal(decode(version, flags, op, body, len, &a, NULL), CQL_E_BAD_LENGTH);
  assert_int_equal(a.total, 0);
  cql_arena_free(&a);
}

#define REFUSED(v, flags, op, lit) check_count_refused(v, flags, op, lit, sizeof(lit) - 1)

static void test_counts_checked_before_allocating(void **state) {
  (void)state;
  REFUSED(4, 0, CQL_OP_STARTUP, "\xff\xff\0\1a\0\1b");
  REFUSED(4, 0, CQL_OP_REGISTER, "\xff\xff\0\1a");
  REFUSED(4, 0, CQL_OP_QUERY, Q "\0\1\1\xff\xff\0\0\0\0");
  REFUSED(4, 0, CQL_OP_QUERY, Q "\0\1\x41\0\1\0\0\0\0"); /* named: 6 bytes at least */
  REFUSED(4, 0, CQL_OP_BATCH, "\0\xff\xff\0\0\0\0\0\0\0");
  /* a statement's value count, after the statements were allocated */
  assert_int_equal(DECODE(4, CQL_OP_BATCH, "\0\0\1\1\0\0\xff\xff\0\1\0"), CQL_E_BAD_LENGTH);
  REFUSED(4, CQL_FLAG_CUSTOM_PAYLOAD, CQL_OP_OPTIONS, "\xff\xff\0\0\0\0\0\0");
  /* exactly enough bytes is fine */
  assert_int_equal(DECODE(4, CQL_OP_REGISTER, "\0\2\0\0\0\0"), CQL_OK);
}

static void test_arena_exhausted(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  a.limit = 1;
  static const char body[] = Q "\0\1\1\0\1\0\0\0\0";
  const char *what = NULL;
  assert_int_equal(decode(4, 0, CQL_OP_QUERY, body, sizeof(body) - 1, &a, &what), CQL_E_NOMEM);
  assert_non_null(what);
  cql_arena_free(&a);
}

/* Every vector, cut short at every byte and grown by one byte, fails
 * cleanly; whole, it decodes. */
static void test_vectors_cut_and_extended(void **state) {
  (void)state;
  tu_vector_file vf;
  tu_vectors_load(&vf, "requests.tsv");
  cql_arena a;
  cql_arena_init(&a, NULL);
  for (size_t i = 0; i < vf.n_lines; i++) {
    size_t len;
    uint8_t *env = tu_hex_decode(vf.lines[i].fields[3], &len);
    cql_header h;
    assert_int_equal(cql_header_decode(env, &h), CQL_OK);
    if (h.flags & CQL_FLAG_COMPRESSION) {
      free(env);
      continue;
    }
    size_t body_len = len - CQL_HEADER_SIZE;
    uint8_t *body = malloc(body_len + 1);
    memcpy(body, env + CQL_HEADER_SIZE, body_len);
    cql_request r;
    for (size_t cut = 0; cut < body_len; cut++) {
      /* a copy of exactly `cut` bytes, so ASan sees any overread */
      uint8_t *part = malloc(cut ? cut : 1);
      memcpy(part, body, cut);
      cql_status st = cql_request_decode(&h, (cql_slice){part, cut}, &a, &r, NULL);
      assert_true(st == CQL_E_TRUNCATED || st == CQL_E_BAD_LENGTH);
      free(part);
      cql_arena_reset(&a);
    }
    body[body_len] = 0;
    assert_int_equal(cql_request_decode(&h, (cql_slice){body, body_len + 1}, &a, &r, NULL),
                     CQL_E_TRAILING_BYTES);
    assert_int_equal(cql_request_decode(&h, (cql_slice){body, body_len}, &a, &r, NULL), CQL_OK);
    cql_arena_reset(&a);
    free(body);
    free(env);
  }
  cql_arena_free(&a);
  tu_vectors_free(&vf);
}

static void test_decoded_views_point_into_body(void **state) {
  (void)state;
  static const uint8_t body[] = "\0\0\0\2hi\0\1\x41\0\1\0\1n\0\0\0\1v";
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_header h = {.version = 4, .opcode = CQL_OP_QUERY, .stream = 42};
  cql_request r;
  assert_int_equal(cql_request_decode(&h, (cql_slice){body, sizeof(body) - 1}, &a, &r, NULL),
                   CQL_OK);
  assert_int_equal(r.stream, 42);
  assert_ptr_equal(r.u.query.query.ptr, body + 4);
  assert_true(r.u.query.params.named_values);
  assert_int_equal(r.u.query.params.n_values, 1);
  assert_true(cql_slice_eq_cstr(r.u.query.params.values[0].name, "n"));
  assert_true(cql_slice_eq_cstr(r.u.query.params.values[0].bytes, "v"));
  assert_ptr_equal(r.u.query.params.values[0].bytes.ptr, body + sizeof(body) - 2);
  cql_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v5_fields_in_v4_are_unsupported),
      cmocka_unit_test(test_invalid_arguments),
      cmocka_unit_test(test_string_too_long_for_its_prefix),
      cmocka_unit_test(test_sticky_error_is_returned),
      cmocka_unit_test(test_appends_and_sets_header),
      cmocka_unit_test(test_startup_and_options_never_compressed),
      cmocka_unit_test(test_out_of_memory_leaves_out_unchanged),
      cmocka_unit_test(test_bad_headers),
      cmocka_unit_test(test_unknown_flags),
      cmocka_unit_test(test_malformed_messages),
      cmocka_unit_test(test_counts_checked_before_allocating),
      cmocka_unit_test(test_arena_exhausted),
      cmocka_unit_test(test_vectors_cut_and_extended),
      cmocka_unit_test(test_decoded_views_point_into_body),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
