/* Paging: page sizes of 1, exact multiples and remainders, across
 * partitions, with LIMIT and PER PARTITION LIMIT, DESC and reversed
 * order, and stability when rows change between pages. */
#include "node_test.h"

static void setup(nt *t) {
  nt_open(t);
  nt_ok(t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
           "'replication_factor': 1}");
  nt_ok(t, "USE ks");
  nt_ok(t, "CREATE TABLE p (k int, c int, v text, PRIMARY KEY (k, c))");
}

/* Pages through `q` with `size` rows per page; returns the rows joined by
 * ';' and counts pages. Asserts that a state comes back exactly when more
 * rows remain. */
static int page_all(nt *t, const char *q, int32_t size, char *out, size_t cap, int *pages) {
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  p.consistency = CQL_CONSISTENCY_ONE;
  p.has_page_size = true;
  p.page_size = size;
  uint8_t state[512];
  size_t state_len = 0;
  int rows = 0;
  size_t o = 0;
  out[0] = 0;
  *pages = 0;
  for (int guard = 0; guard < 100000; guard++) {
    p.has_paging_state = state_len > 0;
    p.paging_state = (cql_slice){state, state_len};
    const cql_response *r = nt_run(t, q, &p);
    nt_fail_response(r, q);
    (*pages)++;
    static char buf[65536];
    nt_rows_text(r, buf, sizeof(buf));
    int n = r->u.result.u.rows.rows_count;
    assert_true(n <= size);
    rows += n;
    if (buf[0] && o < cap - 2)
      o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? ";" : "", buf);
    for (char *c = out; *c; c++)
      if (*c == '\n')
        *c = ';';
    const cql_rows_metadata *md = &r->u.result.u.rows.metadata;
    if (!(md->flags & CQL_ROWS_FLAG_HAS_MORE_PAGES))
      return rows;
    assert_true(md->has_paging_state && md->paging_state.len < sizeof(state));
    assert_true(n > 0); /* a page with a state always carries rows */
    memcpy(state, md->paging_state.ptr, md->paging_state.len);
    state_len = md->paging_state.len;
    cql_arena_reset(&t->arena);
  }
  fail_msg("paging did not end");
  return -1;
}

static void fill(nt *t, int k, int n) {
  for (int c = 0; c < n; c++) {
    char q[128];
    snprintf(q, sizeof(q), "INSERT INTO p (k, c, v) VALUES (%d, %d, 'v')", k, c);
    nt_ok(t, q);
  }
}

static void test_single_partition_sizes(void **state) {
  (void)state;
  nt t;
  setup(&t);
  fill(&t, 1, 10);
  char out[4096];
  int pages;
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1", 1, out, sizeof(out), &pages), 10);
  assert_int_equal(pages, 10);
  assert_string_equal(out, "0;1;2;3;4;5;6;7;8;9");
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1", 5, out, sizeof(out), &pages), 10);
  assert_int_equal(pages, 2); /* an exact multiple: no empty last page */
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1", 3, out, sizeof(out), &pages), 10);
  assert_int_equal(pages, 4);
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1", 10, out, sizeof(out), &pages), 10);
  assert_int_equal(pages, 1);
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1", 100, out, sizeof(out), &pages), 10);
  assert_int_equal(
      page_all(&t, "SELECT c FROM p WHERE k = 1 ORDER BY c DESC", 4, out, sizeof(out), &pages), 10);
  assert_string_equal(out, "9;8;7;6;5;4;3;2;1;0");
  assert_int_equal(
      page_all(&t, "SELECT c FROM p WHERE k = 1 AND c >= 3 AND c < 8", 2, out, sizeof(out), &pages),
      5);
  assert_string_equal(out, "3;4;5;6;7");
  assert_int_equal(pages, 3);
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1 LIMIT 7", 3, out, sizeof(out), &pages),
                   7);
  assert_int_equal(pages, 3);
  assert_int_equal(page_all(&t, "SELECT c FROM p WHERE k = 1 LIMIT 6", 3, out, sizeof(out), &pages),
                   6);
  assert_int_equal(pages, 2);
  nt_close(&t);
}

static void test_across_partitions(void **state) {
  (void)state;
  nt t;
  setup(&t);
  for (int k = 0; k < 7; k++)
    fill(&t, k, k); /* partition 0 is empty, 6 has six rows */
  static char all[8192], paged[8192];
  int pages;
  assert_int_equal(page_all(&t, "SELECT k, c FROM p", 1000, all, sizeof(all), &pages), 21);
  for (int size = 1; size <= 22; size++) {
    assert_int_equal(page_all(&t, "SELECT k, c FROM p", size, paged, sizeof(paged), &pages), 21);
    assert_string_equal(paged, all);
    assert_int_equal(pages, (21 + size - 1) / size);
  }
  assert_int_equal(
      page_all(&t, "SELECT k, c FROM p PER PARTITION LIMIT 2", 3, paged, sizeof(paged), &pages),
      11);
  assert_int_equal(
      page_all(&t, "SELECT k, c FROM p WHERE k IN (5, 2, 6)", 4, paged, sizeof(paged), &pages), 13);
  assert_string_equal(paged, "2|0;2|1;5|0;5|1;5|2;5|3;5|4;6|0;6|1;6|2;6|3;6|4;6|5");
  assert_int_equal(page_all(&t, "SELECT DISTINCT k FROM p", 2, paged, sizeof(paged), &pages), 6);
  nt_close(&t);
}

static void test_stable_under_writes(void **state) {
  (void)state;
  nt t;
  setup(&t);
  fill(&t, 1, 6);
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  p.has_page_size = true;
  p.page_size = 3;
  const cql_response *r = nt_run(&t, "SELECT c FROM p WHERE k = 1", &p);
  cql_slice st = nt_copy(&t, r->u.result.u.rows.metadata.paging_state.ptr,
                         r->u.result.u.rows.metadata.paging_state.len);
  /* rows before the position come and go; the next page is unaffected */
  nt_ok(&t, "DELETE FROM p WHERE k = 1 AND c = 0");
  nt_ok(&t, "INSERT INTO p (k, c, v) VALUES (1, -1, 'new')");
  nt_ok(&t, "DELETE FROM p WHERE k = 1 AND c = 2");
  nt_ok(&t, "INSERT INTO p (k, c, v) VALUES (1, 10, 'new')");
  p.has_paging_state = true;
  p.paging_state = st;
  r = nt_run(&t, "SELECT c FROM p WHERE k = 1", &p);
  static char buf[1024];
  assert_string_equal(nt_rows_text(r, buf, sizeof(buf)), "3\n4\n5");
  assert_true(r->u.result.u.rows.metadata.flags & CQL_ROWS_FLAG_HAS_MORE_PAGES);
  nt_close(&t);
}

static void test_ten_thousand_rows(void **state) {
  (void)state;
  nt t;
  setup(&t);
  const cql_result_msg *pr = nt_prepare(&t, "INSERT INTO p (k, c, v) VALUES (?, ?, ?)");
  uint8_t idbuf[16];
  memcpy(idbuf, pr->u.prepared.id.ptr, 16);
  cql_slice id = {idbuf, 16};
  for (int i = 0; i < 10000; i++) {
    cql_value_arg v[3] = {nt_int(&t, i % 37), nt_int(&t, i), nt_text(&t, "x")};
    nt_exec(&t, id, v, 3, NULL);
    assert_int_equal(t.r.opcode, CQL_OP_RESULT);
    if (i % 1000 == 999)
      cql_arena_reset(&t.arena);
  }
  static char out[1 << 17];
  int pages;
  assert_int_equal(page_all(&t, "SELECT k FROM p", 100, out, 16, &pages), 10000);
  assert_int_equal(pages, 100);
  nt_rows(&t, "SELECT COUNT(*) FROM p", "10000");
  nt_close(&t);
}

static void test_bad_paging_state(void **state) {
  (void)state;
  nt t;
  setup(&t);
  cql_query_params p;
  memset(&p, 0, sizeof(p));
  p.consistency = CQL_CONSISTENCY_ONE;
  p.has_page_size = true;
  p.page_size = 3;
  p.has_paging_state = true;
  p.paging_state = cql_slice_from_cstr("garbage");
  const cql_response *r = nt_run(&t, "SELECT c FROM p WHERE k = 1", &p);
  assert_int_equal(r->opcode, CQL_OP_ERROR);
  assert_int_equal(r->u.error.code, 0x000A);
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_partition_sizes), cmocka_unit_test(test_across_partitions),
      cmocka_unit_test(test_stable_under_writes),    cmocka_unit_test(test_ten_thousand_rows),
      cmocka_unit_test(test_bad_paging_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
