/* Streaming a large result page by page with bounded memory.
 *
 * A pager executes a statement and delivers its result one page at a time,
 * fetching the next page while the caller processes the current one. At
 * most `max_buffered_pages` received pages wait for the caller, so memory
 * stays bounded however many rows the query returns; the caller may pause
 * delivery (pages stop being fetched once the buffer is full) and resume.
 *
 * For resuming later from another process or request, use the explicit
 * paging state instead (cql_result_paging_state and
 * cql_statement_set_paging_state).
 *
 * All callbacks run on the session's loop; see session.h. */
#ifndef CQLKIT_PAGER_H
#define CQLKIT_PAGER_H

#include <stdint.h>

#include "cqlkit/export.h"
#include "cqlkit/result.h"
#include "cqlkit/session.h"
#include "cqlkit/statement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_pager cql_pager;

/* One page; `page` is valid until the callback returns (retain to keep).
 * The callback may pause, resume or cancel the pager. */
typedef void (*cql_page_cb)(cql_pager *pager, const cql_result *page, void *ud);

/* The end: CQL_OK after the last page, CQL_E_CANCELLED after a cancel, or
 * the error that stopped it (with its result, else NULL). Runs exactly once;
 * the pager is freed when it returns. */
typedef void (*cql_pager_done_cb)(cql_pager *pager, cql_status status, const cql_result *error,
                                  void *ud);

typedef struct cql_pager_options {
  uint32_t max_buffered_pages; /* pages received but not yet delivered; default 2 */
  uint32_t max_pages;          /* stop (with CQL_OK) after this many; 0: no limit */
  cql_page_cb on_page;
  cql_pager_done_cb on_done;
  void *ud;
} cql_pager_options;

/* Starts streaming `st` (copied; its page size and paging state apply).
 * *out may be NULL when the caller will not pause or cancel.
 * Errors: as cql_session_execute. */
CQL_EXPORT cql_status cql_session_page(cql_session *session, const cql_statement *st,
                                       const cql_pager_options *opts, cql_pager **out);

/* Stops delivering pages until resumed (the page in a running callback is
 * still delivered in full). */
CQL_EXPORT void cql_pager_pause(cql_pager *pager);
CQL_EXPORT void cql_pager_resume(cql_pager *pager);

/* Stops the stream: no more pages; on_done runs with CQL_E_CANCELLED on a
 * later loop iteration (never inside this call). */
CQL_EXPORT void cql_pager_cancel(cql_pager *pager);

#ifdef __cplusplus
}
#endif

#endif
