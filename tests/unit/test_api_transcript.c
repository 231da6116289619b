/* Results over every RESULT and ERROR a real Cassandra 4.0.0 sent in the
 * recorded transcripts (../shared/reference/transcripts): each becomes a
 * cql_result, every getter runs on every cell, and the scenario's LWT
 * results answer [applied] both ways. */
#include <stdio.h>
#include <string.h>

#include "api_fixture.h"
#include "cell_out.h"
#include "transcript.h"

typedef struct tally {
  size_t results, rows, cells, applied_true, applied_false, errors, typed_reads;
} tally;

static void read_cell(const cql_result *r, size_t row, size_t col, tally *t) {
  tu_cell_out o;
  cql_status s[] = {
      cql_result_get_boolean(r, row, col, &o.b),    cql_result_get_tinyint(r, row, col, &o.i8),
      cql_result_get_smallint(r, row, col, &o.i16), cql_result_get_int(r, row, col, &o.i32),
      cql_result_get_bigint(r, row, col, &o.i64),   cql_result_get_float(r, row, col, &o.f),
      cql_result_get_double(r, row, col, &o.d),     cql_result_get_text(r, row, col, &o.s),
      cql_result_get_blob(r, row, col, &o.s),       cql_result_get_uuid(r, row, col, &o.u),
      cql_result_get_inet(r, row, col, &o.in),      cql_result_get_date(r, row, col, &o.dt),
      cql_result_get_duration(r, row, col, &o.du),  cql_result_get_decimal(r, row, col, &o.dec),
      cql_result_get_varint(r, row, col, &o.vi),    cql_result_get_elements(r, row, col, &o.el),
  };
  size_t ok = 0;
  for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
    assert_true(s[i] == CQL_OK || s[i] == CQL_E_TYPE_MISMATCH || s[i] == CQL_E_NULL_VALUE);
    ok += s[i] == CQL_OK;
  }
  bool known = cql_result_column_type(r, col) != NULL;
  /* a non-null cell of a known type is read by exactly one getter, or two
   * for blob-readable customs and text (blob reads only blob/custom) */
  if (known && !cql_result_is_null(r, row, col)) {
    assert_true(ok >= 1);
    t->typed_reads++;
  }
}

static void check_result(const cql_envelope *env, tally *t) {
  if (env->header.opcode != CQL_OP_RESULT && env->header.opcode != CQL_OP_ERROR)
    return;
  cql_result *r = NULL;
  assert_int_equal(cql_result_from_body(&env->header, (cql_slice){env->body, env->len}, NULL, &r),
                   CQL_OK);
  t->results++;
  t->errors += cql_result_status(r) != CQL_OK;
  if (cql_result_status(r) != CQL_OK)
    assert_non_null(cql_result_error(r)->message);
  for (size_t row = 0; row < cql_result_row_count(r); row++)
    for (size_t col = 0; col < cql_result_column_count(r); col++) {
      read_cell(r, row, col, t);
      t->cells++;
    }
  t->rows += cql_result_row_count(r);
  bool applied;
  if (cql_result_applied(r, &applied) == CQL_OK)
    *(applied ? &t->applied_true : &t->applied_false) += 1;
  if (cql_result_row_count(r) > 1) { /* copies read the same */
    cql_result *c = NULL;
    assert_int_equal(cql_result_copy_rows(r, 1, cql_result_row_count(r) - 1, &c), CQL_OK);
    cql_slice a, b;
    for (size_t col = 0; col < cql_result_column_count(r); col++) {
      cql_status sa = cql_result_get_raw(r, 1, col, &a), sb = cql_result_get_raw(c, 0, col, &b);
      assert_int_equal(sa, sb);
      if (sa == CQL_OK)
        assert_true(cql_slice_eq(a, b));
    }
    cql_result_release(c);
  }
  cql_result_release(r);
}

static tally check_file(const char *name) {
  char rel[256];
  snprintf(rel, sizeof(rel), "transcripts/%s", name);
  tu_transcript tr;
  assert_true(tu_transcript_load(&tr, tu_reference_path(rel)));
  tally t;
  memset(&t, 0, sizeof(t));
  for (size_t i = 0; i < tr.n_conns; i++) {
    tu_envelopes resps;
    tu_envelopes_init(&resps);
    assert_int_equal(tu_conn_frame(&tr.conns[i], true, TU_FEED_WHOLE, &resps, NULL), CQL_OK);
    for (size_t k = 0; k < resps.n; k++)
      check_result(&resps.items[k], &t);
    tu_envelopes_free(&resps);
  }
  tu_transcript_free(&tr);
  print_message("%-34s %zu results (%zu errors), %zu rows, %zu cells, %zu typed\n", name, t.results,
                t.errors, t.rows, t.cells, t.typed_reads);
  return t;
}

static void test_scenarios(void **state) {
  (void)state;
  const char *files[] = {"cassandra-4.0.0-v5-none.jsonl", "cassandra-4.0.0-v5-lz4.jsonl",
                         "cassandra-4.0.0-v4-none.jsonl"};
  for (size_t i = 0; i < 3; i++) {
    tally t = check_file(files[i]);
    assert_true(t.results > 10 && t.rows > 0 && t.errors > 0);
    assert_true(t.applied_true > 0 && t.applied_false > 0);
  }
}

static void test_other_clients(void **state) {
  (void)state;
  const char *files[] = {"cassandra-4.0.0-v4-gocql.jsonl", "cassandra-4.0.0-v4-nodejs.jsonl",
                         "cassandra-4.0.0-v4-auth.jsonl", "cassandra-4.0.0-v5-auth.jsonl"};
  for (size_t i = 0; i < 4; i++)
    assert_true(check_file(files[i]).results > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scenarios),
      cmocka_unit_test(test_other_clients),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
