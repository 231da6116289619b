/* Prepared statements: ids, bind metadata (names Cassandra gives each
 * marker), partition key indices, result metadata and its v5 id, named
 * values, unset values, UNPREPARED and METADATA_CHANGED. */
#include "node_test.h"

#include "hash.h"
#include "type.h"

static void setup(nt *t) {
  nt_open(t);
  nt_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
           "'replication_factor': 1}");
  nt_ok(t, "USE ks");
  nt_ok(t, "CREATE TABLE t (k1 int, k2 text, c int, v text, l list<int>, m map<text, int>, "
           "PRIMARY KEY ((k1, k2), c))");
  nt_ok(t, "CREATE TABLE n (k text PRIMARY KEY, n counter)");
}

/* "name:type,name:type" of the bind markers. */
static void expect_binds(nt *t, const char *q, const char *want, int32_t pk_count,
                         const uint16_t *pk) {
  const cql_result_msg *r = nt_prepare(t, q);
  const cql_prepared_metadata *m = &r->u.prepared.metadata;
  char buf[1024];
  size_t o = 0;
  buf[0] = 0;
  for (int32_t i = 0; i < m->columns_count; i++) {
    const cql_column_spec *c = &m->columns[i];
    assert_true(cql_slice_eq_cstr(c->keyspace, "ks"));
    cql_buf b;
    cql_buf_init(&b, NULL);
    cql_type_format_cql(&b, c->type);
    o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%.*s:%.*s", i ? "," : "", (int)c->name.len,
                          (const char *)c->name.ptr, (int)b.len, (const char *)b.data);
    cql_buf_free(&b);
  }
  if (strcmp(buf, want) != 0)
    fail_msg("<%s>\n got: %s\nwant: %s", q, buf, want);
  assert_int_equal(m->pk_count, pk_count);
  for (int32_t i = 0; i < pk_count; i++)
    assert_int_equal(m->pk_indices[i], pk[i]);
}

static void test_bind_names(void **state) {
  (void)state;
  nt t;
  setup(&t);
  static const uint16_t pk01[] = {0, 1}, pk10[] = {1, 0}, pk34[] = {3, 4};
  expect_binds(&t, "INSERT INTO t (k1, k2, c, v) VALUES (?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?",
               "k1:int,k2:text,c:int,v:text,[ttl]:int,[timestamp]:bigint", 2, pk01);
  expect_binds(&t, "SELECT v FROM t WHERE k2 = ? AND k1 = ? AND c IN ? LIMIT ?",
               "k2:text,k1:int,in(c):list<int>,[limit]:int", 2, pk10);
  expect_binds(&t, "SELECT v FROM t WHERE k1 = :a AND k2 = :b AND c > :lo PER PARTITION LIMIT ?",
               "a:int,b:text,lo:int,[per_partition_limit]:int", 2, pk01);
  expect_binds(&t, "UPDATE t SET m[?] = ?, l = l + ? WHERE k1 = ? AND k2 = ? AND c = ?",
               "key(m):text,value(m):int,l:list<int>,k1:int,k2:text,c:int", 2, pk34);
  expect_binds(&t, "UPDATE t SET v = ? WHERE k1 = 1 AND k2 = 'x' AND c = ? IF v = ?",
               "v:text,c:int,v:text", 0, NULL);
  expect_binds(&t, "SELECT * FROM t WHERE token(k1, k2) > ?", "partition key token:bigint", 0,
               NULL);
  expect_binds(&t, "DELETE l[?] FROM t WHERE k1 = ? AND k2 IN ? AND c = ?",
               "idx(l):int,k1:int,in(k2):list<text>,c:int", 0, NULL);
  expect_binds(&t, "UPDATE n SET n = n + ? WHERE k = ?", "n:counter,k:text", 1,
               (const uint16_t[]){1});
  expect_binds(&t, "SELECT v FROM t WHERE k1 = ? AND k2 = ? AND (c) IN ((?), (?))",
               "k1:int,k2:text,c:int,c:int", 2, pk01);
  nt_close(&t);
}

static void test_ids_and_result_metadata(void **state) {
  (void)state;
  nt t;
  setup(&t);
  const char *q = "SELECT v FROM t WHERE k1 = ? AND k2 = ?";
  const cql_result_msg *r = nt_prepare(&t, q);
  /* the id is MD5(keyspace + query), as Cassandra computes it */
  uint8_t want[16];
  cql_md5 m;
  cql_md5_init(&m);
  cql_md5_update(&m, "ks", 2);
  cql_md5_update(&m, q, strlen(q));
  cql_md5_final(&m, want);
  assert_memory_equal(r->u.prepared.id.ptr, want, 16);
  /* v5 result metadata id: MD5 over name, NUL, type class, NUL, NUL */
  static const char rm[] = "v\0org.apache.cassandra.db.marshal.UTF8Type\0";
  cql_md5_init(&m);
  cql_md5_update(&m, rm, sizeof(rm));
  cql_md5_final(&m, want);
  assert_int_equal(r->u.prepared.result_metadata_id.len, 16);
  assert_memory_equal(r->u.prepared.result_metadata_id.ptr, want, 16);
  assert_int_equal(r->u.prepared.result_metadata.columns_count, 1);
  /* an INSERT: no result columns; the id of an empty column list */
  r = nt_prepare(&t, "INSERT INTO t (k1, k2, c) VALUES (1, 'a', 1)");
  assert_true(r->u.prepared.result_metadata.flags & CQL_ROWS_FLAG_NO_METADATA);
  static const uint8_t empty_md5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                        0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
  assert_memory_equal(r->u.prepared.result_metadata_id.ptr, empty_md5, 16);
  /* preparing twice gives the same id */
  cql_slice id1 = nt_id(&t, nt_prepare(&t, q));
  cql_slice id2 = nt_id(&t, nt_prepare(&t, q));
  assert_true(cql_slice_eq(id1, id2));
  nt_close(&t);
}

static void test_execute_values(void **state) {
  (void)state;
  nt t;
  setup(&t);
  cql_slice ins =
      nt_id(&t, nt_prepare(&t, "INSERT INTO t (k1, k2, c, v, m) VALUES (?, ?, ?, ?, ?)"));
  /* a map bound unsorted comes back sorted */
  cql_value_arg v[5] = {nt_int(&t, 1), nt_text(&t, "a"), nt_int(&t, 1), nt_text(&t, "one"),
                        nt_hexval(&t, "00000002"
                                      "00000001"
                                      "7a"
                                      "00000004"
                                      "00000001"
                                      "00000001"
                                      "61"
                                      "00000004"
                                      "00000002")};
  nt_exec(&t, ins, v, 5, NULL);
  nt_fail_response(&t.r, "insert");
  nt_rows(&t, "SELECT v, m FROM t WHERE k1 = 1 AND k2 = 'a'", "'one'|{'a': 2, 'z': 1}");
  /* unset leaves the column alone; null deletes it */
  cql_value_arg v2[5] = {nt_int(&t, 1), nt_text(&t, "a"), nt_int(&t, 1), nt_unset(), nt_null()};
  nt_exec(&t, ins, v2, 5, NULL);
  nt_fail_response(&t.r, "insert unset");
  nt_rows(&t, "SELECT v, m FROM t WHERE k1 = 1 AND k2 = 'a'", "'one'|null");
  /* named values, in any order */
  cql_slice sel =
      nt_id(&t, nt_prepare(&t, "SELECT v FROM t WHERE k1 = :x AND k2 = :y AND c IN :cs"));
  cql_value_arg nv[3] = {nt_named(nt_hexval(&t, "000000010000000400000001"), "cs"),
                         nt_named(nt_text(&t, "a"), "y"), nt_named(nt_int(&t, 1), "x")};
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  p.named_values = true;
  const cql_response *r = nt_exec(&t, sel, nv, 3, &p);
  static char buf[256];
  assert_string_equal(nt_rows_text(r, buf, sizeof(buf)), "'one'");
  /* wrong counts and bad values */
  r = nt_exec(&t, sel, nv, 2, NULL);
  assert_int_equal(r->opcode, CQL_OP_ERROR);
  assert_true(
      cql_slice_eq_cstr(r->u.error.message, "Invalid amount of bind variables: expected 3, got 2"));
  cql_value_arg bad[5] = {nt_hexval(&t, "0001"), nt_text(&t, "a"), nt_int(&t, 1), nt_null(),
                          nt_null()};
  r = nt_exec(&t, ins, bad, 5, NULL);
  assert_int_equal(r->opcode, CQL_OP_ERROR);
  assert_int_equal(r->u.error.code, 0x2200);
  nt_close(&t);
}

/* Dropping a keyspace forgets the statements prepared on its tables
 * (before the tables go: found by fuzz.node_cql as a use after free). */
static void test_unprepared_after_drop_keyspace(void **state) {
  (void)state;
  nt t;
  setup(&t);
  cql_slice id = nt_id(&t, nt_prepare(&t, "SELECT * FROM t WHERE k1 = 1 AND k2 = 'a'"));
  cql_slice other = nt_id(&t, nt_prepare(&t, "SELECT release_version FROM system.local"));
  nt_ok(&t, "DROP KEYSPACE ks");
  nt_exec(&t, id, NULL, 0, NULL);
  assert_int_equal(t.r.opcode, CQL_OP_ERROR);
  assert_int_equal(t.r.u.error.code, CQL_SERVER_UNPREPARED);
  nt_exec(&t, other, NULL, 0, NULL);
  assert_int_equal(t.r.opcode, CQL_OP_RESULT);
  nt_close(&t);
}

static void test_unprepared_after_alter(void **state) {
  (void)state;
  nt t;
  setup(&t);
  const cql_result_msg *r = nt_prepare(&t, "SELECT * FROM t WHERE k1 = 1 AND k2 = 'a'");
  cql_slice id = nt_id(&t, r);
  cql_slice rmid = nt_copy(&t, r->u.prepared.result_metadata_id.ptr, 16);
  nt_exec(&t, id, NULL, 0, NULL);
  assert_int_equal(t.r.opcode, CQL_OP_RESULT);
  /* v5: a client holding an outdated metadata id gets the new one */
  uint8_t stale[16] = {0};
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  p.skip_metadata = true;
  assert_int_equal(cql_engine_execute(t.e, &t.s, id, (cql_slice){stale, 16}, &p, &t.arena, &t.r),
                   CQL_OK);
  const cql_rows_metadata *md = &t.r.u.result.u.rows.metadata;
  assert_true(md->flags & CQL_ROWS_FLAG_METADATA_CHANGED);
  assert_true(cql_slice_eq(md->new_metadata_id, rmid));
  assert_non_null(md->columns);
  /* ... and one with the current id gets no metadata when it asks so */
  assert_int_equal(cql_engine_execute(t.e, &t.s, id, rmid, &p, &t.arena, &t.r), CQL_OK);
  assert_true(t.r.u.result.u.rows.metadata.flags & CQL_ROWS_FLAG_NO_METADATA);
  /* ALTER drops the statement, as Cassandra 4.0 does; re-preparing gives
   * a new result metadata id */
  nt_ok(&t, "ALTER TABLE t ADD extra int");
  nt_exec(&t, id, NULL, 0, NULL);
  assert_int_equal(t.r.opcode, CQL_OP_ERROR);
  assert_int_equal(t.r.u.error.code, 0x2500);
  assert_true(cql_slice_eq(t.r.u.error.unprepared_id, id));
  r = nt_prepare(&t, "SELECT * FROM t WHERE k1 = 1 AND k2 = 'a'");
  assert_true(cql_slice_eq(r->u.prepared.id, id));
  assert_false(cql_slice_eq(r->u.prepared.result_metadata_id, rmid));
  assert_int_equal(r->u.prepared.result_metadata.columns_count, 7);
  nt_close(&t);
}

static void test_prepare_errors(void **state) {
  (void)state;
  nt t;
  setup(&t);
  nt_ok(&t, "USE system");
  assert_int_equal(cql_engine_prepare(t.e, &t.s, cql_slice_from_cstr("SELECT * FROM ks.missing"),
                                      NULL, &t.arena, &t.r),
                   CQL_OK);
  assert_int_equal(t.r.opcode, CQL_OP_ERROR);
  assert_true(cql_slice_eq_cstr(t.r.u.error.message, "table missing does not exist"));
  /* the v5 per-request keyspace */
  cql_slice ks = cql_slice_from_cstr("ks");
  assert_int_equal(
      cql_engine_prepare(t.e, &t.s, cql_slice_from_cstr("SELECT v FROM t"), &ks, &t.arena, &t.r),
      CQL_OK);
  assert_int_equal(t.r.opcode, CQL_OP_RESULT);
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bind_names),     cmocka_unit_test(test_ids_and_result_metadata),
      cmocka_unit_test(test_execute_values), cmocka_unit_test(test_unprepared_after_alter),
      cmocka_unit_test(test_prepare_errors), cmocka_unit_test(test_unprepared_after_drop_keyspace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
