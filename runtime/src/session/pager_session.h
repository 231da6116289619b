/* What the pager needs from a session beyond the public API: its loop (to
 * defer work to a later iteration), its allocator, and word when the
 * session closes (a paused stream has no request in flight that the close
 * could cancel, so it must be told). Implemented in pager_session.c over
 * the session's internals. */
#ifndef CQLKIT_PAGER_SESSION_H
#define CQLKIT_PAGER_SESSION_H

#include "cqlkit/mem.h"
#include "cqlkit/pager.h"
#include "cqlkit/session.h"

/* A pager's entry in its session's list of streams. */
typedef struct cql_pager_session_link {
  struct cql_pager_session_link *prev, *next;
  cql_pager *pager;
  /* Called on the loop once the session starts closing; the link is
   * already removed. */
  void (*on_closing)(struct cql_pager_session_link *link);
} cql_pager_session_link;

/* The loop the session runs on. */
struct uv_loop_s *cql_pager_session_loop(cql_session *s);

/* The session's allocator (the config's, or the C library's): always
 * usable with cql_malloc / cql_free. */
void cql_pager_session_mem(cql_session *s, cql_mem *out);

/* Adds / removes a stream; removing twice is harmless. */
void cql_pager_session_link_add(cql_session *s, cql_pager_session_link *link);
void cql_pager_session_link_remove(cql_session *s, cql_pager_session_link *link);

/* Called by the session when it starts closing: tells every stream. */
void cql_pager_session_closing(cql_pager_session_link **head);

#endif
