/* Paging through the runtime: streams of 100,000 rows with bounded memory,
 * pause/resume, cancel, max_pages, the explicit paging state, and closing
 * the session in the middle of a stream.
 *
 * Data: one partition of ROWS clustering rows (c = 0..ROWS-1, in order) and
 * a second of SMALL_ROWS, so that the memory of a stream can be compared
 * between a small and a large result. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "itest.h"

#define ROWS 100000
#define SMALL_ROWS 10000
#define PAGE 1000
#define BATCH 100
#define LOAD_IN_FLIGHT 16

static const char PAYLOAD[] = "0123456789abcdefghijklmnopqrstuvwxyz";

typedef struct fixture {
  itest t;
  itest_mem mem;
} fixture;

/* ---- loading ---------------------------------------------------------------- */

typedef struct loader {
  itest *t;
  cql_prepared *insert;
  int32_t partition, rows, next;
  int in_flight;
  bool done;
  cql_status failed;
} loader;

static void load_next(loader *l);

static void on_loaded(const cql_result *r, void *ud) {
  loader *l = ud;
  l->in_flight--;
  if (cql_result_status(r) != CQL_OK && l->failed == CQL_OK)
    l->failed = cql_result_status(r);
  load_next(l);
}

/* Keeps LOAD_IN_FLIGHT unlogged batches of BATCH prepared inserts going. */
static void load_next(loader *l) {
  while (l->failed == CQL_OK && l->next < l->rows && l->in_flight < LOAD_IN_FLIGHT) {
    cql_batch *b = NULL;
    cql_statement *st = NULL;
    assert_int_equal(cql_batch_new(&b, CQL_BATCH_UNLOGGED, NULL), CQL_OK);
    assert_int_equal(cql_prepared_bind(l->insert, &st), CQL_OK);
    for (int i = 0; i < BATCH && l->next < l->rows; i++, l->next++) {
      assert_int_equal(cql_bind_int(st, 0, l->partition), CQL_OK);
      assert_int_equal(cql_bind_int(st, 1, l->next), CQL_OK);
      assert_int_equal(cql_bind_text(st, 2, PAYLOAD, (size_t)(l->next % 32) + 4), CQL_OK);
      assert_int_equal(cql_batch_add(b, st), CQL_OK);
    }
    assert_int_equal(cql_session_execute_batch(l->t->session, b, on_loaded, l), CQL_OK);
    l->in_flight++;
    cql_statement_free(st);
    cql_batch_free(b);
  }
  if (l->in_flight == 0)
    l->done = true;
}

static void load(itest *t, cql_prepared *insert, int32_t partition, int32_t rows) {
  loader l = {t, insert, partition, rows, 0, 0, false, CQL_OK};
  load_next(&l);
  itest_run_until(t, &l.done, "the rows to load");
  assert_int_equal(l.failed, CQL_OK);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  itest_mem_init(&f->mem);
  itest_start_mem(&f->t, NULL, NULL, NULL, &f->mem.mem);
  itest_ok(&f->t, "CREATE KEYSPACE paging_ks WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  itest_ok(&f->t, "CREATE TABLE paging_ks.rows (p int, c int, v text, PRIMARY KEY (p, c))");
  cql_prepared *ins = itest_prepare(&f->t, "INSERT INTO paging_ks.rows (p, c, v) VALUES (?, ?, ?)");
  uint64_t t0 = uv_hrtime();
  load(&f->t, ins, 1, ROWS);
  load(&f->t, ins, 2, SMALL_ROWS);
  print_message("loaded %d rows in %.2f s\n", ROWS + SMALL_ROWS, (double)(uv_hrtime() - t0) / 1e9);
  cql_prepared_release(ins);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  itest_stop(&f->t);
  assert_int_equal(itest_mem_live(&f->mem), 0); /* the session freed everything */
  free(f);
  return 0;
}

/* A statement selecting partition `p` in pages of PAGE rows. */
static cql_statement *select_partition(int32_t p) {
  char q[128];
  snprintf(q, sizeof(q), "SELECT c, v FROM paging_ks.rows WHERE p = %d", (int)p);
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, q, 0, NULL), CQL_OK);
  assert_int_equal(cql_statement_set_page_size(st, PAGE), CQL_OK);
  return st;
}

/* ---- a stream and what it saw -------------------------------------------------- */

typedef struct stream {
  fixture *f;
  cql_pager *pager;
  int32_t next_c; /* the next clustering value expected */
  uint32_t pages;
  uint32_t done_calls;
  bool done;
  bool on_done_inside_cancel; /* on_done ran during a cql_pager_cancel call */
  bool in_cancel;
  cql_status status;
  cql_status error_status; /* of the error result, when there was one */
  /* behaviour */
  uint32_t pause_at;  /* pause after this many pages (0: never) */
  uint32_t cancel_at; /* cancel inside the page callback of this page */
  uint32_t close_at;  /* close the session inside this page's callback */
  bool closed;
  uint32_t pause_every; /* pause every this many pages, resume 5 ms later */
  uint32_t pauses;
  uint64_t requests_at_pause;
  uint64_t requests_while_paused; /* the most over any one pause */
  size_t live_at_pause;
  size_t growth_while_paused; /* live heap growth, the most over any one pause */
  uv_timer_t resume_timer;
  cql_result *kept; /* the first page, retained by on_page */
  bool keep_first;
} stream;

static void check_page(stream *s, const cql_result *page) {
  assert_int_equal(cql_result_status(page), CQL_OK);
  size_t n = cql_result_row_count(page);
  assert_true(n <= PAGE);
  if (n == 0)
    assert_int_equal(s->pages, 0); /* only an empty result's first page is empty */
  for (size_t r = 0; r < n; r++) {
    int32_t c = -1;
    assert_int_equal(cql_result_get_int(page, r, 0, &c), CQL_OK);
    assert_int_equal(c, s->next_c);
    cql_slice v;
    assert_int_equal(cql_result_get_text(page, r, 1, &v), CQL_OK);
    assert_int_equal(v.len, (size_t)(c % 32) + 4);
    s->next_c++;
  }
}

static void on_session_closed(cql_session *session, void *ud) {
  (void)session;
  ((stream *)ud)->closed = true;
}

static void on_resume(uv_timer_t *timer) {
  stream *s = timer->data;
  if (s->done)
    return; /* the stream ended while paused after its last page */
  uint64_t requests = cql_node_requests(s->f->t.node) - s->requests_at_pause;
  if (requests > s->requests_while_paused)
    s->requests_while_paused = requests;
  size_t live = itest_mem_live(&s->f->mem);
  if (live > s->live_at_pause && live - s->live_at_pause > s->growth_while_paused)
    s->growth_while_paused = live - s->live_at_pause;
  cql_pager_resume(s->pager);
  cql_pager_resume(s->pager); /* twice is harmless */
}

static void on_page(cql_pager *pager, const cql_result *page, void *ud) {
  stream *s = ud;
  assert_ptr_equal(pager, s->pager);
  assert_false(s->done);
  check_page(s, page);
  s->pages++;
  if (s->keep_first && s->pages == 1)
    s->kept = cql_result_retain(page);
  if (s->pause_at && s->pages == s->pause_at)
    cql_pager_pause(pager);
  if (s->pause_every && s->pages % s->pause_every == 0) {
    cql_pager_pause(pager);
    s->pauses++;
    s->requests_at_pause = cql_node_requests(s->f->t.node);
    s->live_at_pause = itest_mem_live(&s->f->mem);
    uv_timer_start(&s->resume_timer, on_resume, 5, 0);
  }
  if (s->cancel_at && s->pages == s->cancel_at) {
    s->in_cancel = true;
    cql_pager_cancel(pager);
    cql_pager_cancel(pager); /* twice is harmless */
    s->in_cancel = false;
  }
  if (s->close_at && s->pages == s->close_at)
    cql_session_close(s->f->t.session, on_session_closed, s);
}

static void on_done(cql_pager *pager, cql_status status, const cql_result *error, void *ud) {
  stream *s = ud;
  assert_ptr_equal(pager, s->pager);
  s->done_calls++;
  s->done = true;
  s->status = status;
  s->error_status = error ? cql_result_status(error) : CQL_OK;
  if (s->in_cancel)
    s->on_done_inside_cancel = true;
}

static cql_pager_options options(stream *s, uint32_t buffered, uint32_t max_pages) {
  cql_pager_options o = {buffered, max_pages, on_page, on_done, s};
  return o;
}

static void start_stream(stream *s, int32_t partition, const cql_pager_options *o) {
  cql_statement *st = select_partition(partition);
  assert_int_equal(cql_session_page(s->f->t.session, st, o, &s->pager), CQL_OK);
  cql_statement_free(st); /* the pager keeps its own copy */
  assert_non_null(s->pager);
}

/* Streams a whole partition with default options and returns the growth
 * of live heap bytes over the stream's start (the peak). */
static size_t stream_all(fixture *f, int32_t partition, int32_t rows) {
  stream s = {.f = f};
  size_t live0 = itest_mem_live(&f->mem);
  itest_mem_reset_peak(&f->mem);
  cql_pager_options o = options(&s, 0, 0);
  start_stream(&s, partition, &o);
  itest_run_until(&f->t, &s.done, "the stream to end");
  assert_int_equal(s.status, CQL_OK);
  assert_int_equal(s.done_calls, 1);
  assert_int_equal(s.next_c, rows);
  assert_int_equal(s.pages, (rows + PAGE - 1) / PAGE);
  /* Let the pager's last handle close, then check it left nothing behind
   * (the session may keep a few request records for reuse). */
  uv_run(f->t.loop, UV_RUN_NOWAIT);
  assert_true(itest_mem_live(&f->mem) <= live0 + 16384);
  return itest_mem_peak(&f->mem) - live0;
}

static void test_stream_constant_memory(void **state) {
  fixture *f = *state;
  size_t small = stream_all(f, 2, SMALL_ROWS);
  uint64_t t0 = uv_hrtime();
  size_t large = stream_all(f, 1, ROWS);
  double secs = (double)(uv_hrtime() - t0) / 1e9;
  print_message("stream of %d rows: %.2f s; peak live heap over baseline %zu bytes "
                "(%d rows: %zu bytes)\n",
                ROWS, secs, large, SMALL_ROWS, small);
  /* Ten times the rows may not need more memory: a page is ~30 KB, two are
   * buffered, one is in the reader; everything else is released. */
  assert_true(large <= small + small / 2 + 16384);
  assert_true(large < 1024 * 1024);
}

/* 100,000 rows with a pause every 10 pages: while paused, at most
 * max_buffered_pages more pages are fetched and memory grows by no more
 * than those pages. */
static void test_pause_resume(void **state) {
  fixture *f = *state;
  stream s = {.f = f, .pause_every = 10};
  uv_timer_init(f->t.loop, &s.resume_timer);
  s.resume_timer.data = &s;
  cql_pager_options o = options(&s, 2, 0);
  start_stream(&s, 1, &o);
  itest_run_until(&f->t, &s.done, "the paused stream to end");
  assert_int_equal(s.status, CQL_OK);
  assert_int_equal(s.next_c, ROWS);
  assert_int_equal(s.done_calls, 1);
  print_message("%u pauses: at most %llu pages fetched and %zu heap bytes added while paused\n",
                s.pauses, (unsigned long long)s.requests_while_paused, s.growth_while_paused);
  assert_int_equal(s.pauses, ROWS / PAGE / 10);
  assert_true(s.requests_while_paused <= 2);
  assert_true(s.growth_while_paused < 3 * 64 * 1024); /* two pages of ~32 KB, with slack */
  uv_close((uv_handle_t *)&s.resume_timer, NULL);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

static void test_cancel_in_callback(void **state) {
  fixture *f = *state;
  stream s = {.f = f, .cancel_at = 5};
  cql_pager_options o = options(&s, 3, 0);
  start_stream(&s, 1, &o);
  itest_run_until(&f->t, &s.done, "the cancelled stream to end");
  assert_int_equal(s.status, CQL_E_CANCELLED);
  assert_false(s.on_done_inside_cancel);
  assert_int_equal(s.pages, 5); /* nothing after the cancel */
  assert_int_equal(s.done_calls, 1);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

static void on_cancel_timer(uv_timer_t *timer) {
  stream *s = timer->data;
  s->in_cancel = true;
  cql_pager_cancel(s->pager);
  s->in_cancel = false;
}

/* A paused stream, cancelled from outside any pager callback. */
static void test_cancel_paused(void **state) {
  fixture *f = *state;
  stream s = {.f = f, .pause_at = 2};
  uv_timer_init(f->t.loop, &s.resume_timer);
  s.resume_timer.data = &s;
  cql_pager_options o = options(&s, 2, 0);
  start_stream(&s, 1, &o);
  while (!s.done && s.pages < 2)
    uv_run(f->t.loop, UV_RUN_ONCE);
  uv_timer_start(&s.resume_timer, on_cancel_timer, 50, 0);
  itest_run_until(&f->t, &s.done, "the cancelled stream to end");
  assert_int_equal(s.status, CQL_E_CANCELLED);
  assert_false(s.on_done_inside_cancel);
  assert_int_equal(s.pages, 2);
  uv_close((uv_handle_t *)&s.resume_timer, NULL);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

static void test_max_pages(void **state) {
  fixture *f = *state;
  stream s = {.f = f, .keep_first = true};
  cql_pager_options o = options(&s, 2, 3);
  uint64_t before = cql_node_requests(f->t.node);
  start_stream(&s, 1, &o);
  itest_run_until(&f->t, &s.done, "the limited stream to end");
  assert_int_equal(s.status, CQL_OK);
  assert_int_equal(s.pages, 3);
  assert_int_equal(s.next_c, 3 * PAGE);
  /* No page beyond the limit was asked for. */
  assert_int_equal(cql_node_requests(f->t.node) - before, 3);
  /* A page retained in its callback outlives the stream, unchanged. */
  assert_non_null(s.kept);
  int32_t c = -1;
  assert_int_equal(cql_result_row_count(s.kept), PAGE);
  assert_int_equal(cql_result_get_int(s.kept, PAGE - 1, 0, &c), CQL_OK);
  assert_int_equal(c, PAGE - 1);
  cql_result_release(s.kept);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

/* A bound statement streams the same way (its copy keeps the prepared
 * statement, whose metadata decodes pages sent without it). */
static void test_stream_prepared(void **state) {
  fixture *f = *state;
  cql_prepared *sel = itest_prepare(&f->t, "SELECT c, v FROM paging_ks.rows WHERE p = ?");
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(sel, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 2), CQL_OK);
  assert_int_equal(cql_statement_set_page_size(st, PAGE), CQL_OK);
  stream s = {.f = f};
  cql_pager_options o = options(&s, 1, 0); /* no prefetch: one page at a time */
  assert_int_equal(cql_session_page(f->t.session, st, &o, &s.pager), CQL_OK);
  cql_statement_free(st);
  cql_prepared_release(sel);
  itest_run_until(&f->t, &s.done, "the prepared stream to end");
  assert_int_equal(s.status, CQL_OK);
  assert_int_equal(s.next_c, SMALL_ROWS);
  assert_int_equal(s.pages, SMALL_ROWS / PAGE);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

/* An empty result is one empty page (it still carries the columns). */
static void test_stream_empty(void **state) {
  fixture *f = *state;
  stream s = {.f = f};
  cql_pager_options o = options(&s, 0, 0);
  start_stream(&s, 3, &o);
  itest_run_until(&f->t, &s.done, "the empty stream to end");
  assert_int_equal(s.status, CQL_OK);
  assert_int_equal(s.pages, 1);
  assert_int_equal(s.next_c, 0);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

/* A stream whose statement fails reports the server's error once. */
static void test_stream_error(void **state) {
  fixture *f = *state;
  stream s = {.f = f};
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, "SELECT * FROM paging_ks.missing", 0, NULL), CQL_OK);
  cql_pager_options o = options(&s, 0, 0);
  assert_int_equal(cql_session_page(f->t.session, st, &o, &s.pager), CQL_OK);
  cql_statement_free(st);
  itest_run_until(&f->t, &s.done, "the failing stream to end");
  assert_int_equal(s.pages, 0);
  assert_int_equal(s.done_calls, 1);
  assert_int_equal(s.status, CQL_E_SERVER_INVALID);
  assert_int_equal(s.error_status, CQL_E_SERVER_INVALID);
  /* Mistakes found on the spot are returned, with no callback. */
  o.on_done = NULL;
  assert_int_equal(cql_session_page(f->t.session, st, &o, NULL), CQL_E_INVALID_ARG);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

/* The explicit paging state: resume a query from a saved state, as a web
 * application would across requests. */
static void test_paging_state_resume(void **state) {
  fixture *f = *state;
  cql_statement *st = select_partition(1);
  cql_result *first = itest_execute(&f->t, st);
  itest_assert_ok(first, "first page");
  assert_int_equal(cql_result_row_count(first), PAGE);
  assert_true(cql_result_has_more_pages(first));
  cql_slice ps = cql_result_paging_state(first);
  assert_true(ps.len > 0);
  /* Keep the state as an application would (bytes), drop the result. */
  uint8_t saved[256];
  assert_true(ps.len <= sizeof(saved));
  size_t saved_len = ps.len;
  memcpy(saved, ps.ptr, ps.len);
  cql_result_release(first);
  cql_statement_free(st);

  cql_statement *again = select_partition(1);
  assert_int_equal(cql_statement_set_paging_state(again, (cql_slice){saved, saved_len}), CQL_OK);
  cql_result *second = itest_execute(&f->t, again);
  itest_assert_ok(second, "resumed page");
  int32_t c = -1;
  assert_int_equal(cql_result_get_int(second, 0, 0, &c), CQL_OK);
  assert_int_equal(c, PAGE);
  assert_int_equal(cql_result_row_count(second), PAGE);
  cql_result_release(second);
  cql_statement_free(again);

  /* The last page says there is no more. */
  cql_statement *small = select_partition(2);
  assert_int_equal(cql_statement_set_page_size(small, SMALL_ROWS + 1), CQL_OK);
  cql_result *all = itest_execute(&f->t, small);
  itest_assert_ok(all, "single page");
  assert_int_equal(cql_result_row_count(all), SMALL_ROWS);
  assert_false(cql_result_has_more_pages(all));
  assert_int_equal(cql_result_paging_state(all).len, 0);
  cql_result_release(all);
  cql_statement_free(small);
}

/* Last in the group: closes the fixture's session in the middle of a
 * stream (a second stream is paused at the time). Both end once with
 * CQL_E_CANCELLED, before the session's close callback. */
static void test_close_mid_stream(void **state) {
  fixture *f = *state;
  stream paused = {.f = f, .pause_at = 1};
  uv_timer_init(f->t.loop, &paused.resume_timer);
  cql_pager_options po = options(&paused, 2, 0);
  start_stream(&paused, 1, &po);
  while (paused.pages < 1)
    uv_run(f->t.loop, UV_RUN_ONCE);

  stream s = {.f = f, .close_at = 4};
  cql_pager_options o = options(&s, 2, 0);
  start_stream(&s, 1, &o);
  itest_run_until(&f->t, &s.closed, "the session to close");
  f->t.session = NULL; /* closed: itest_stop must not close it again */
  assert_true(s.done);
  assert_int_equal(s.done_calls, 1);
  assert_int_equal(s.status, CQL_E_CANCELLED);
  assert_int_equal(s.pages, 4);
  assert_true(paused.done);
  assert_int_equal(paused.done_calls, 1);
  assert_int_equal(paused.status, CQL_E_CANCELLED);
  uv_close((uv_handle_t *)&paused.resume_timer, NULL);
  uv_run(f->t.loop, UV_RUN_NOWAIT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_constant_memory),
      cmocka_unit_test(test_pause_resume),
      cmocka_unit_test(test_cancel_in_callback),
      cmocka_unit_test(test_cancel_paused),
      cmocka_unit_test(test_max_pages),
      cmocka_unit_test(test_stream_prepared),
      cmocka_unit_test(test_stream_empty),
      cmocka_unit_test(test_stream_error),
      cmocka_unit_test(test_paging_state_resume),
      cmocka_unit_test(test_close_mid_stream),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
