/* The CQL lexer: every token kind, escapes, comments, positions, and the
 * error tokens for malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lexer.h"

/* Lexes `q` and returns the significant tokens (WS dropped). */
static uint32_t lex(cql_arena *a, const char *q, cql_token *out, uint32_t cap) {
  cql_token_list tl;
  assert_true(cql_lex(cql_slice_from_cstr(q), a, &tl));
  uint32_t n = 0;
  for (uint32_t i = 0; i < tl.n && n < cap; i++)
    if (tl.toks[i].kind != CQL_TOK_WS)
      out[n++] = tl.toks[i];
  return n;
}

static void expect_text(const cql_token *t, uint8_t kind, const char *text) {
  assert_int_equal(t->kind, kind);
  if (!cql_slice_eq_cstr(t->text, text))
    fail_msg("token text <%.*s>, want <%s>", (int)t->text.len, (const char *)t->text.ptr, text);
}

static void test_kinds(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_token t[32];
  uint32_t n = lex(&a,
                   "SeLeCt \"Quo\"\"ted\" 'it''s' $$a'b$$ -12 3.5e2 1. 0xCAFE "
                   "d2177dd0-eaa2-11de-a572-001b779c76e3 1h30m -2d 1e5 ? :name <= >= != ;",
                   t, 32);
  assert_int_equal(n, 20);
  expect_text(&t[0], CQL_TOK_IDENT, "SeLeCt");
  assert_true(cql_tok_is_kw(&t[0], "select"));
  expect_text(&t[1], CQL_TOK_QIDENT, "Quo\"ted");
  expect_text(&t[2], CQL_TOK_STRING, "it's");
  expect_text(&t[3], CQL_TOK_STRING, "a'b");
  expect_text(&t[4], CQL_TOK_INT, "-12");
  expect_text(&t[5], CQL_TOK_FLOAT, "3.5e2");
  expect_text(&t[6], CQL_TOK_FLOAT, "1.");
  expect_text(&t[7], CQL_TOK_HEX, "CAFE");
  expect_text(&t[8], CQL_TOK_UUID, "d2177dd0-eaa2-11de-a572-001b779c76e3");
  expect_text(&t[9], CQL_TOK_DURATION, "1h30m");
  expect_text(&t[10], CQL_TOK_DURATION, "-2d");
  expect_text(&t[11], CQL_TOK_FLOAT, "1e5");
  assert_int_equal(t[12].punct, '?');
  assert_int_equal(t[13].punct, ':');
  expect_text(&t[14], CQL_TOK_IDENT, "name");
  assert_int_equal(t[15].punct, CQL_PUNCT_LTE);
  assert_int_equal(t[16].punct, CQL_PUNCT_GTE);
  assert_int_equal(t[17].punct, CQL_PUNCT_NEQ);
  assert_int_equal(t[18].punct, ';');
  assert_int_equal(t[19].kind, CQL_TOK_EOF);
  cql_arena_free(&a);
}

static void test_comments_and_positions(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_token t[8];
  uint32_t n = lex(&a, "-- one\nSELECT /* two\n lines */ x // three\n, y", t, 8);
  assert_int_equal(n, 5);
  expect_text(&t[0], CQL_TOK_IDENT, "SELECT");
  assert_int_equal(t[0].line, 2);
  assert_int_equal(t[0].col, 0);
  expect_text(&t[1], CQL_TOK_IDENT, "x");
  assert_int_equal(t[1].line, 3);
  assert_int_equal(t[1].col, 10);
  assert_int_equal(t[2].punct, ',');
  assert_int_equal(t[2].line, 4);
  cql_arena_free(&a);
}

static void test_errors(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_token t[8];
  uint32_t n = lex(&a, "SELECT 'open", t, 8);
  assert_int_equal(t[1].kind, CQL_TOK_ERROR);
  expect_text(&t[1], CQL_TOK_ERROR, "line 1:12 mismatched character '<EOF>' expecting '''");
  n = lex(&a, "a @ b", t, 8);
  assert_int_equal(n, 4);
  expect_text(&t[1], CQL_TOK_ERROR, "line 1:2 no viable alternative at character '@'");
  n = lex(&a, "/* never closed", t, 8);
  assert_int_equal(t[0].kind, CQL_TOK_ERROR);
  n = lex(&a, "\"unterminated", t, 8);
  assert_int_equal(t[0].kind, CQL_TOK_ERROR);
  (void)n;
  cql_arena_free(&a);
}

static void test_uuid_not_confused(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_token t[8];
  /* an identifier that starts like a uuid, and a number before a minus */
  uint32_t n = lex(&a, "deadbeef n-2", t, 8);
  assert_int_equal(n, 4);
  expect_text(&t[0], CQL_TOK_IDENT, "deadbeef");
  expect_text(&t[1], CQL_TOK_IDENT, "n");
  expect_text(&t[2], CQL_TOK_INT, "-2");
  cql_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinds),
      cmocka_unit_test(test_comments_and_positions),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_uuid_not_confused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
