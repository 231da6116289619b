/* Page streams (pager.h), built only on the public session API: each page
 * is one cql_session_execute of a private copy of the statement carrying
 * the previous page's paging state.
 *
 * The stream keeps a small ring of received pages. Pages are requested one
 * at a time, and only while fewer than max_buffered_pages received pages
 * wait in the ring; the request for the next page leaves before the
 * current one is handed to the caller, so it travels while the caller
 * works. Memory thus never holds more than max_buffered_pages waiting
 * pages plus the one in the caller's hands.
 * Pages are the session's results themselves (retained, never copied) and
 * are released right after their callback unless the caller retains them.
 *
 * Ending: on_done runs once, from `pump` (a session callback or the
 * pager's timer), or from inside cql_session_close, which ends every
 * stream the way it cancels every request; never from a pager call. An
 * error ends the stream at once, dropping pages not yet delivered, even
 * while paused. The pager outlives
 * on_done while a request is still in flight or its timer is closing (a
 * "zombie"), and is freed when both are over. */
/* uv.h needs POSIX types that -std=c11 hides. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <uv.h>

#include "api_internal.h"
#include "cqlkit/pager.h"
#include "mem.h"
#include "pager_session.h"

#define DEFAULT_BUFFERED_PAGES 2u

struct cql_pager {
  cql_session *session; /* NULL once the session went away */
  cql_statement *st;    /* our copy; paging state advanced page by page */
  cql_pager_options opts;
  cql_mem mem;
  uv_timer_t timer;                /* defers work out of the user's calls */
  cql_pager_session_link link;     /* told when the session closes */
  cql_result **ring;               /* opts.max_buffered_pages slots */
  uint32_t head, count;            /* waiting pages: ring[head..head+count) */
  uint32_t delivered;              /* pages handed to on_page */
  bool in_flight;                  /* a page request awaits its callback */
  bool exhausted;                  /* the server said there are no more pages */
  bool paused, cancelled, pumping; /* user requests and re-entrance guard */
  bool cancel_due;                 /* the timer ran after the cancel */
  bool done;                       /* on_done has run (or is running) */
  bool timer_closed;               /* the timer's close callback ran */
  cql_status end_status;           /* how the stream ends once drained */
  cql_result *end_error;           /* retained error result, or NULL */
};

static void pump(cql_pager *p);

/* ---- memory and teardown ---------------------------------------------------- */

static void drop_buffered(cql_pager *p) {
  while (p->count > 0) {
    cql_result_release(p->ring[p->head]);
    p->head = (p->head + 1) % p->opts.max_buffered_pages;
    p->count--;
  }
}

/* Frees the pager once nothing can call back into it any more. */
static void maybe_free(cql_pager *p) {
  if (!p->done || p->in_flight || !p->timer_closed)
    return;
  drop_buffered(p);
  if (p->end_error)
    cql_result_release(p->end_error);
  cql_statement_free(p->st);
  cql_mem mem = p->mem;
  cql_free(&mem, p->ring);
  cql_free(&mem, p);
}

static void on_timer_closed(uv_handle_t *h) {
  cql_pager *p = h->data;
  p->timer_closed = true;
  maybe_free(p);
}

/* Runs on_done once, then lets go of everything the stream still holds. */
static void finish(cql_pager *p, cql_status status, const cql_result *error) {
  if (p->done)
    return;
  p->done = true;
  drop_buffered(p);
  if (p->session)
    cql_pager_session_link_remove(p->session, &p->link);
  if (p->opts.on_done)
    p->opts.on_done(p, status, error, p->opts.ud);
  uv_close((uv_handle_t *)&p->timer, on_timer_closed);
}

/* ---- fetching ------------------------------------------------------------- */

static void on_page_result(const cql_result *result, void *ud) {
  cql_pager *p = ud;
  p->in_flight = false;
  if (p->done) {
    maybe_free(p); /* a late page of a finished stream: dropped */
    return;
  }
  cql_status st = cql_result_status(result);
  if (st != CQL_OK) {
    p->exhausted = true;
    p->end_status = st;
    p->end_error = cql_result_retain(result);
    drop_buffered(p); /* an error ends the stream now, buffered or not */
  } else {
    /* Servers may end a stream with an empty page; only a first page (an
     * empty result, which still tells its columns) is worth delivering. */
    if (cql_result_row_count(result) > 0 || p->delivered + p->count == 0) {
      uint32_t slot = (p->head + p->count) % p->opts.max_buffered_pages;
      p->ring[slot] = cql_result_retain(result);
      p->count++;
    }
    cql_slice state = cql_result_paging_state(result);
    if (!cql_result_has_more_pages(result) || state.len == 0) {
      p->exhausted = true;
    } else if (cql_statement_set_paging_state(p->st, state) != CQL_OK) {
      p->exhausted = true;
      p->end_status = CQL_E_NOMEM;
    }
  }
  pump(p);
}

/* Pages requested or received but not yet delivered, plus delivered ones:
 * what counts against max_pages. */
static uint32_t pages_accounted(const cql_pager *p) {
  return p->delivered + p->count + (p->in_flight ? 1u : 0u);
}

static void maybe_fetch(cql_pager *p) {
  if (p->in_flight || p->exhausted || p->cancelled || !p->session)
    return;
  if (p->count + 1 > p->opts.max_buffered_pages)
    return;
  if (p->opts.max_pages && pages_accounted(p) >= p->opts.max_pages)
    return;
  cql_status st = cql_session_execute(p->session, p->st, on_page_result, p);
  if (st == CQL_OK) {
    p->in_flight = true;
    return;
  }
  p->exhausted = true;
  p->end_status = st;
  drop_buffered(p);
}

/* ---- delivering ------------------------------------------------------------- */

static bool limit_reached(const cql_pager *p) {
  return p->opts.max_pages && p->delivered >= p->opts.max_pages;
}

static void deliver_one(cql_pager *p) {
  cql_result *page = p->ring[p->head];
  p->head = (p->head + 1) % p->opts.max_buffered_pages;
  p->count--;
  p->delivered++;
  /* Ask for the next page before the caller starts on this one. */
  maybe_fetch(p);
  if (p->opts.on_page)
    p->opts.on_page(p, page, p->opts.ud);
  cql_result_release(page);
}

/* Delivers what may be delivered, fetches what may be fetched and ends
 * the stream when there is nothing left. Never re-entered: callbacks that
 * arrive during a delivery just leave their page in the ring. */
static void pump(cql_pager *p) {
  if (p->pumping || p->done)
    return;
  p->pumping = true;
  while (!p->cancelled && !p->paused && p->count > 0 && !limit_reached(p))
    deliver_one(p);
  p->pumping = false;
  if (p->cancelled) {
    /* on_done waits for the timer: never in the iteration of the cancel. */
    if (p->cancel_due)
      finish(p, CQL_E_CANCELLED, NULL);
  } else if (limit_reached(p))
    finish(p, CQL_OK, NULL);
  else if (p->end_status != CQL_OK && p->count == 0)
    finish(p, p->end_status, p->end_error);
  else if (p->exhausted && p->count == 0 && !p->in_flight)
    finish(p, CQL_OK, NULL);
  else
    maybe_fetch(p);
  maybe_free(p);
}

static void on_timer(uv_timer_t *t) {
  cql_pager *p = t->data;
  if (p->cancelled)
    p->cancel_due = true;
  pump(p);
}

/* Runs pump on a later loop iteration. */
static void schedule(cql_pager *p) {
  if (!p->done)
    uv_timer_start(&p->timer, on_timer, 0, 0);
}

/* The session is closing and completes its requests with CQL_E_CANCELLED
 * from inside cql_session_close; the stream ends the same way, whatever it
 * had buffered (a paused stream has no request the close could cancel). */
static void on_session_closing(cql_pager_session_link *link) {
  cql_pager *p = link->pager;
  p->session = NULL;
  p->cancelled = true;
  finish(p, CQL_E_CANCELLED, NULL);
  maybe_free(p);
}

/* ---- public ----------------------------------------------------------------- */

static cql_status pager_new(cql_session *session, const cql_statement *st,
                            const cql_pager_options *opts, cql_pager **out) {
  cql_mem mem;
  cql_pager_session_mem(session, &mem);
  cql_pager *p = cql_malloc(&mem, sizeof(*p));
  if (!p)
    return CQL_E_NOMEM;
  *p = (cql_pager){.session = session, .opts = *opts, .mem = mem};
  if (p->opts.max_buffered_pages == 0)
    p->opts.max_buffered_pages = DEFAULT_BUFFERED_PAGES;
  p->ring = cql_malloc(&mem, sizeof(*p->ring) * p->opts.max_buffered_pages);
  if (!p->ring || cql_statement_copy(st, &p->st) != CQL_OK) {
    cql_free(&mem, p->ring);
    cql_free(&mem, p);
    return CQL_E_NOMEM;
  }
  *out = p;
  return CQL_OK;
}

static void pager_discard(cql_pager *p) {
  cql_mem mem = p->mem;
  cql_statement_free(p->st);
  cql_free(&mem, p->ring);
  cql_free(&mem, p);
}

cql_status cql_session_page(cql_session *session, const cql_statement *st,
                            const cql_pager_options *opts, cql_pager **out) {
  if (out)
    *out = NULL;
  if (!session || !st || !opts || !opts->on_done)
    return CQL_E_INVALID_ARG;
  cql_pager *p = NULL;
  cql_status status = pager_new(session, st, opts, &p);
  if (status != CQL_OK)
    return status;
  /* The first request goes out now so that mistakes are reported here. */
  status = cql_session_execute(session, p->st, on_page_result, p);
  if (status != CQL_OK) {
    pager_discard(p);
    return status;
  }
  p->in_flight = true;
  uv_timer_init(cql_pager_session_loop(session), &p->timer);
  p->timer.data = p;
  p->link.pager = p;
  p->link.on_closing = on_session_closing;
  cql_pager_session_link_add(session, &p->link);
  if (out)
    *out = p;
  return CQL_OK;
}

void cql_pager_pause(cql_pager *pager) {
  if (pager && !pager->done)
    pager->paused = true;
}

void cql_pager_resume(cql_pager *pager) {
  if (!pager || pager->done || !pager->paused)
    return;
  pager->paused = false;
  schedule(pager);
}

void cql_pager_cancel(cql_pager *pager) {
  if (!pager || pager->done || pager->cancelled)
    return;
  pager->cancelled = true;
  schedule(pager);
}
