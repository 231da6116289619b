/* The session's insides, shared by the files of runtime/src/session.
 *
 * Pieces: hosts (host.c: address, data center, tokens, a pool of links,
 * reconnection with backoff), the control connection (control.c: which
 * version the cluster speaks, who is in it, its events), requests
 * (request.c: query plans, dispatch, retries, completion), the prepared
 * cache (prepare.c), the token ring (ring.c), metrics (metrics.c) and the
 * session's lifecycle (session.c).
 *
 * Everything runs on the session's loop thread. */
#ifndef CQL_SESSION_SESSION_IMPL_H
#define CQL_SESSION_SESSION_IMPL_H

/* uv.h needs POSIX types that -std=c11 hides. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "api_internal.h"
#include "cqlkit/session.h"
#include "mem.h"
#include "metrics.h"
#include "tlsbio.h"
#include "uvlink.h"

typedef struct cql_host cql_host;
typedef struct cql_sconn cql_sconn;
typedef struct cql_sreq cql_sreq;
typedef struct cql_pentry cql_pentry;

/* ---- connections and hosts ------------------------------------------------ */

/* One link of a host's pool (or the control connection). */
struct cql_sconn {
  cql_session *s;
  cql_host *host; /* NULL for the control connection */
  cql_link *link; /* NULL once closed */
  bool ready;
  bool control;
  bool registered; /* control: REGISTER sent on this link */
};

struct cql_host {
  cql_session *s;
  struct sockaddr_storage addr;
  char ip[64];        /* address without port, for TLS and messages */
  char name[80];      /* "ip:port" */
  char tls_name[256]; /* name to verify under TLS: the contact point's, else ip */
  char dc[64];
  char rack[64];
  int64_t *tokens;
  uint32_t n_tokens;
  cql_sconn **conns; /* connections_per_host slots, NULL when empty */
  uint32_t n_slots;
  uint32_t ready; /* ready connections */
  uint32_t rr;
  bool up;         /* at least one ready connection */
  bool ever_tried; /* a pool connection was attempted */
  bool removed;    /* gone from the cluster: no reconnection */
  bool seen;       /* mark for discovery refreshes */
  uv_timer_t reconnect;
  uint32_t attempts; /* failed reconnections in a row */
};

/* ---- requests ---------------------------------------------------------------- */

typedef enum sreq_kind {
  SREQ_EXECUTE = 0, /* QUERY/EXECUTE/BATCH for the user */
  SREQ_PREPARE,     /* PREPARE for the prepared cache */
  SREQ_USE,         /* reserved */
  SREQ_CACHED       /* a prepare answered from the cache (delivery only) */
} sreq_kind;

enum { SREQ_MAX_PLAN = 8 };

struct cql_sreq {
  cql_session *s;
  cql_sreq *next; /* waiting, done and free lists */
  sreq_kind kind;
  uint8_t opcode, flags;
  cql_buf body[2]; /* [0]: v4, [1]: v5; only the session's version once known */
  uint32_t timeout_ms;
  bool idempotent;
  bool has_token;
  int64_t token;
  cql_slice keyspace;     /* of the routing key's table; points into `prepared` */
  cql_prepared *prepared; /* bound statements: a reference, for results and re-prepare */
  cql_pentry *pentry;     /* SREQ_PREPARE */
  cql_result_cb cb;
  cql_prepare_cb pcb;
  void *ud;
  uint64_t start_ns;
  cql_host *plan[SREQ_MAX_PLAN];
  uint32_t n_plan, next_host;
  uint32_t attempts;
  bool reprepared;
  bool unsupported_v4;     /* encoded before the version was known; v4 cannot carry it */
  bool in_flight;          /* submitted to `conn` */
  cql_status submit_error; /* why the last submit failed */
  cql_sconn *conn;
  cql_result *result; /* the outcome, waiting on the done list */
};

/* ---- prepared cache ------------------------------------------------------------ */

typedef struct prepare_waiter {
  struct prepare_waiter *next;
  cql_prepare_cb cb;
  void *ud;
} prepare_waiter;

struct cql_pentry {
  cql_pentry *next; /* hash chain */
  uint64_t hash;
  char *keyspace; /* "" when none */
  char *query;
  cql_prepared *prepared; /* NULL while the PREPARE is in flight */
  prepare_waiter *waiters;
};

/* ---- the session ------------------------------------------------------------------ */

typedef enum session_state {
  SESSION_CONNECTING = 0,
  SESSION_OPEN,
  SESSION_FAILED, /* connect failed; only close is useful */
  SESSION_CLOSING
} session_state;

/* How a keyspace places replicas (from system_schema.keyspaces). */
enum { KS_MAX_DCS = 8 };
typedef enum ks_strategy { KS_OTHER = 0, KS_SIMPLE, KS_NETWORK } ks_strategy;
typedef struct ks_replication {
  char name[64];
  ks_strategy strategy;
  uint32_t rf; /* SIMPLE */
  uint32_t n_dcs;
  struct {
    char dc[64];
    uint32_t rf;
  } dcs[KS_MAX_DCS]; /* NETWORK */
} ks_replication;

typedef struct ring_entry {
  int64_t token;
  cql_host *host;
} ring_entry;

struct cql_session {
  uv_loop_t *loop;
  cql_config *cfg; /* our own copy */
  cql_mem mem;
  session_state state;
  cql_connect_cb connect_cb;
  void *connect_ud;
  bool connect_reported;
  cql_close_cb close_cb;
  void *close_ud;
  uint8_t version;     /* negotiated; 0 until the control connection is ready */
  uint8_t try_version; /* what the control connection tries next */
  cql_tls_ctx *tls;
  char *keyspace; /* current keyspace (config or set_keyspace); NULL: none */
  char local_dc[64];

  /* control connection and discovery */
  cql_sconn *control;
  struct sockaddr_storage control_addr; /* where the control connection goes */
  char control_name[256];               /* its TLS name: the contact point as given */
  uv_getaddrinfo_t dns;                 /* resolving a contact point given by name */
  size_t contact_next;                  /* next contact point to try */
  cql_status last_error;                /* of the last failed control attempt */
  char last_message[256];
  bool discovered;
  bool refresh_pending;
  uv_timer_t control_timer; /* retries the control connection */
  uint32_t control_attempts;

  cql_host **hosts;
  uint32_t n_hosts, cap_hosts;
  ring_entry *ring;
  uint32_t n_ring;
  ks_replication *keyspaces;
  uint32_t n_keyspaces;
  bool keyspaces_pending; /* a refresh of system_schema.keyspaces is in flight */
  uint32_t rr;

  /* requests */
  cql_sreq *waiting_head, *waiting_tail; /* before any connection is ready */
  cql_sreq *done_head, *done_tail;       /* completed, delivered from `idle` */
  cql_sreq *free_list;
  uint32_t n_free;
  uv_idle_t idle;
  bool idle_active;
  uint32_t in_flight;
  int64_t last_timestamp;
  cql_arena scratch; /* request encoding */
  cql_buf routing_key;

  /* prepared cache */
  cql_pentry **pcache;
  uint32_t pcache_cap, pcache_n;

  /* lifecycle */
  uint32_t open_handles; /* uv handles of ours not closed yet */
  uint32_t open_links;   /* links whose on_closed has not fired */

  /* page streams (pager.c), told when the session closes */
  struct cql_pager_session_link *pagers;

  cql_session_metrics m;
  cql_latency_hist hist;
  uint64_t closed_bytes_sent, closed_bytes_received;
};

/* session.c */
void cql_session_log(cql_session *s, cql_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void cql_session_report_connect(cql_session *s, cql_status st, const char *message);
void cql_session_maybe_finish(cql_session *s);
void cql_session_handle_closed(uv_handle_t *h);

/* host.c */
cql_host *cql_host_add(cql_session *s, const struct sockaddr *addr);
cql_host *cql_host_find(cql_session *s, const struct sockaddr *addr);
void cql_host_connect_pool(cql_host *h);
void cql_host_close(cql_host *h);
void cql_host_free(cql_host *h);
/* Opens a link for `sc` to `addr` speaking `version` (min `min_version`). */
cql_status cql_session_open_link(cql_session *s, cql_sconn *sc, const struct sockaddr *addr,
                                 const char *tls_host, uint8_t version, uint8_t min_version);
/* A ready connection of `h` with a free stream, or NULL. */
cql_sconn *cql_host_pick_conn(cql_host *h);
uint32_t cql_session_connections(const cql_session *s);
/* A connection finished its authentication exchange (or gave up). */
void cql_session_auth_done(cql_session *s);
void cql_sockaddr_format(const struct sockaddr *a, char *ip, size_t iplen, char *name,
                         size_t namelen);

/* control.c */
void cql_control_start(cql_session *s);
void cql_control_close(cql_session *s);

/* ring.c */
cql_status cql_ring_rebuild(cql_session *s);
cql_host *cql_ring_owner(const cql_session *s, int64_t token);
/* The replicas of `token` in keyspace `ks` (ring order from the owner; just
 * the owner when the keyspace or its strategy is unknown), at most `max`.
 * Returns how many were written. */
uint32_t cql_ring_replicas(const cql_session *s, cql_slice ks, int64_t token, cql_host **out,
                           uint32_t max);

/* request.c */
cql_sreq *cql_sreq_new(cql_session *s, sreq_kind kind);
void cql_sreq_free(cql_sreq *r);
/* Starts a request: dispatches it or queues it until a connection is up. */
void cql_sreq_start(cql_sreq *r);
/* Completes with a client-side status (delivery deferred to the loop). */
void cql_sreq_fail(cql_sreq *r, cql_status st, const char *message);
/* A connection became ready: dispatch the waiting requests. */
void cql_session_drain_waiting(cql_session *s);
/* Fails every waiting request (connect failure, close). */
void cql_session_fail_waiting(cql_session *s, cql_status st, const char *message);
void cql_session_defer(cql_sreq *r);
void cql_session_flush_done(cql_session *s);
int64_t cql_session_next_timestamp(cql_session *s);
void cql_session_free_requests(cql_session *s);

/* Encodes `req` for `version` into r->body[version - 4] and sets opcode and
 * flags. */
cql_status cql_sreq_encode(cql_sreq *r, uint8_t version, const cql_request *req);
/* The versions a request must be encoded for: the session's, or every
 * acceptable one while it is still unknown. */
void cql_session_versions(const cql_session *s, uint8_t *lo, uint8_t *hi);
bool cql_session_accepts(const cql_session *s, cql_status *st);

/* prepare.c */
void cql_pcache_prepared(cql_sreq *r, cql_prepared *p, const cql_result *error);
/* Delivers a cached prepare (SREQ_CACHED) from the done list. */
void cql_pcache_deliver_cached(cql_sreq *r);
void cql_pcache_free(cql_session *s);

#endif
