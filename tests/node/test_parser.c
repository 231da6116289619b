/* The CQL parser: statements that parse into the expected tree, and
 * statements that fail with Cassandra's exact syntax error message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "parser.h"

static cql_stmt *parse_ok(cql_arena *a, const char *q, cql_parsed *out) {
  const char *msg = NULL;
  cql_status st = cql_parse(cql_slice_from_cstr(q), a, out, &msg);
  if (st != CQL_OK)
    fail_msg("parse of <%s> failed: %s", q, msg ? msg : "?");
  return out->stmt;
}

static void expect_error(const char *q, const char *want) {
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_parsed out;
  const char *msg = NULL;
  cql_status st = cql_parse(cql_slice_from_cstr(q), &a, &out, &msg);
  assert_int_equal(st, CQL_E_SERVER_SYNTAX_ERROR);
  if (strcmp(msg, want) != 0)
    fail_msg("<%s>\n got: %s\nwant: %s", q, msg, want);
  cql_arena_free(&a);
}

static void test_transcript_syntax_error(void **state) {
  (void)state;
  expect_error("SELEC broken", "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)");
}

static void test_error_forms(void **state) {
  (void)state;
  expect_error("SELECT * FROM", "line 0:-1 no viable alternative at input '<EOF>'");
  expect_error("SELECT * FRM t",
               "line 1:9 mismatched input 'FRM' expecting K_FROM (SELECT * [FRM]...)");
  expect_error("INSERT INTO t (a) VALUES (1", "line 0:-1 mismatched input '<EOF>' expecting ')'");
  expect_error("SELECT * FROM t WHERE k = 'abc",
               "line 1:30 mismatched character '<EOF>' expecting '''");
  expect_error("SELECT * FROM t x",
               "line 1:16 extraneous input 'x' expecting EOF (SELECT * FROM t [x])");
}

static void test_select_tree(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_parsed pr;
  cql_stmt *s =
      parse_ok(&a,
               "select K, \"Quoted\", ttl(t) AS x, COUNT(*) from Ks.Tab where k = ? and "
               "(c1, c2) > (1, 'a') and c IN :cs ORDER BY c DESC LIMIT 10 ALLOW FILTERING;",
               &pr);
  assert_int_equal(s->kind, CQL_STMT_SELECT);
  cql_ast_select *sel = &s->u.select;
  assert_true(cql_slice_eq_cstr(sel->table.keyspace, "ks"));
  assert_true(cql_slice_eq_cstr(sel->table.name, "tab"));
  assert_int_equal(sel->n_sels, 4);
  assert_true(cql_slice_eq_cstr(sel->sels[0].column, "k"));
  assert_true(cql_slice_eq_cstr(sel->sels[1].column, "Quoted"));
  assert_int_equal(sel->sels[2].kind, CQL_SEL_TTL);
  assert_true(cql_slice_eq_cstr(sel->sels[2].alias, "x"));
  assert_true(cql_slice_eq_cstr(sel->sels[2].written, "ttl(t)"));
  assert_int_equal(sel->sels[3].kind, CQL_SEL_COUNT_STAR);
  assert_int_equal(sel->n_where, 3);
  assert_int_equal(sel->where[1].kind, CQL_REL_MULTI);
  assert_int_equal(sel->where[1].op, CQL_OP_GT);
  assert_int_equal(sel->where[2].op, CQL_OP_IN);
  assert_int_equal(pr.n_markers, 2);
  assert_true(pr.markers[1].named);
  assert_true(cql_slice_eq_cstr(pr.markers[1].name, "cs"));
  assert_int_equal(sel->n_order, 1);
  assert_true(sel->order[0].desc);
  assert_true(sel->allow_filtering);
  cql_arena_free(&a);
}

static void test_literals(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_parsed pr;
  cql_stmt *s =
      parse_ok(&a,
               "INSERT INTO t (a,b,c,d,e,f,g,h,i,j,k,l,m) VALUES ('it''s', -12, 1.5e3, "
               "0xCAFE, d2177dd0-eaa2-11de-a572-001b779c76e3, 1h30m, -NaN, [1,2], {'a':1},"
               " {street: 's', \"Zip\": 1}, (1, 'x'), {}, $$raw'$$) USING TTL 5 AND "
               "TIMESTAMP 7 -- trailing comment",
               &pr);
  cql_ast_insert *in = &s->u.insert;
  assert_int_equal(in->n_values, 13);
  assert_int_equal(in->values[0]->kind, CQL_TERM_STRING);
  assert_true(cql_slice_eq_cstr(in->values[0]->text, "it's"));
  assert_int_equal(in->values[1]->kind, CQL_TERM_INT);
  assert_true(cql_slice_eq_cstr(in->values[1]->text, "-12"));
  assert_int_equal(in->values[2]->kind, CQL_TERM_FLOAT);
  assert_int_equal(in->values[3]->kind, CQL_TERM_HEX);
  assert_true(cql_slice_eq_cstr(in->values[3]->text, "CAFE"));
  assert_int_equal(in->values[4]->kind, CQL_TERM_UUID);
  assert_int_equal(in->values[5]->kind, CQL_TERM_DURATION);
  assert_int_equal(in->values[6]->kind, CQL_TERM_FLOAT);
  assert_true(cql_slice_eq_cstr(in->values[6]->text, "-NaN"));
  assert_int_equal(in->values[7]->kind, CQL_TERM_LIST);
  assert_int_equal(in->values[8]->kind, CQL_TERM_MAP);
  assert_int_equal(in->values[9]->kind, CQL_TERM_UDT);
  assert_true(cql_slice_eq_cstr(in->values[9]->fields[1], "Zip"));
  assert_int_equal(in->values[10]->kind, CQL_TERM_TUPLE);
  assert_int_equal(in->values[11]->kind, CQL_TERM_MAP);
  assert_int_equal(in->values[11]->n_items, 0);
  assert_true(cql_slice_eq_cstr(in->values[12]->text, "raw'"));
  assert_non_null(in->using_.ttl);
  assert_non_null(in->using_.timestamp);
  cql_arena_free(&a);
}

static void test_ddl(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_parsed pr;
  cql_stmt *s = parse_ok(&a,
                         "CREATE TABLE IF NOT EXISTS kitchen (k int, c text, m map<text, "
                         "frozen<list<int>>>, v vector<float, 3>, s text STATIC, PRIMARY KEY "
                         "((k, c2), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'x'",
                         &pr);
  cql_ast_create_table *t = &s->u.create_table;
  assert_true(t->if_not_exists);
  assert_int_equal(t->n_cols, 5);
  assert_int_equal(t->n_pk, 2);
  assert_int_equal(t->n_ck, 1);
  assert_true(t->cols[4].is_static);
  const cql_type *m = t->cols[2].type;
  assert_int_equal(m->id, CQL_TYPE_MAP);
  assert_true(m->children[1]->frozen);
  const cql_type *v = t->cols[3].type;
  assert_int_equal(v->id, CQL_TYPE_VECTOR);
  assert_int_equal(v->dimension, 3);
  assert_int_equal(t->n_clustering_order, 1);
  assert_int_equal(t->n_options, 1);
  s = parse_ok(&a,
               "CREATE KEYSPACE tx WITH replication = "
               "{'class':'SimpleStrategy','replication_factor':1} AND durable_writes = false",
               &pr);
  assert_int_equal(s->kind, CQL_STMT_CREATE_KEYSPACE);
  assert_int_equal(s->u.keyspace.n_options, 2);
  s = parse_ok(&a,
               "BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (1); UPDATE t SET n = n + 1, "
               "l = [1] + l, m['k'] = 2 WHERE k = 1 IF EXISTS; DELETE m['x'] FROM t WHERE k "
               "= 2 APPLY BATCH",
               &pr);
  assert_int_equal(s->u.batch.n_stmts, 3);
  cql_ast_update *up = &s->u.batch.stmts[1]->u.update;
  assert_int_equal(up->sets[0].kind, CQL_ASSIGN_ADD);
  assert_int_equal(up->sets[1].kind, CQL_ASSIGN_PREPEND);
  assert_int_equal(up->sets[2].kind, CQL_ASSIGN_ELEM);
  assert_true(up->if_exists);
  cql_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_transcript_syntax_error),
      cmocka_unit_test(test_error_forms),
      cmocka_unit_test(test_select_tree),
      cmocka_unit_test(test_literals),
      cmocka_unit_test(test_ddl),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
