/* The pager's window into the session (pager_session.h). */
#include "session_impl.h" /* first: it sets the POSIX feature macros uv.h needs */

#include "pager_session.h"

struct uv_loop_s *cql_pager_session_loop(cql_session *s) {
  return s->loop;
}

void cql_pager_session_mem(cql_session *s, cql_mem *out) { *out = s->mem; }

void cql_pager_session_link_add(cql_session *s, cql_pager_session_link *link) {
  link->prev = NULL;
  link->next = s->pagers;
  if (s->pagers)
    s->pagers->prev = link;
  s->pagers = link;
}

void cql_pager_session_link_remove(cql_session *s, cql_pager_session_link *link) {
  if (link->prev)
    link->prev->next = link->next;
  else if (s->pagers == link)
    s->pagers = link->next;
  else
    return; /* not linked */
  if (link->next)
    link->next->prev = link->prev;
  link->prev = link->next = NULL;
}

void cql_pager_session_closing(cql_pager_session_link **head) {
  /* Unlink each stream before telling it, so that it may do anything,
   * including finishing and freeing itself. */
  while (*head) {
    cql_pager_session_link *link = *head;
    *head = link->next;
    if (*head)
      (*head)->prev = NULL;
    link->prev = link->next = NULL;
    link->on_closing(link);
  }
}
