/* Internals of cql_conn shared by the files of src/conn. Not an API. */
#ifndef CQL_CONN_CONN_IMPL_H
#define CQL_CONN_CONN_IMPL_H

#include <stdatomic.h>

#include "arena.h"
#include "conn.h"
#include "reader.h"
#include "streams.h"

/* ---- replies (reply.c) --------------------------------------------------- */

struct cql_reply {
  cql_response response;
  cql_envelope env; /* header and body */
  cql_arena arena;  /* arrays of the decoded response */
  cql_mem mem;      /* a copy, so that a retained reply outlives the conn */
  /* Atomic: results holding a reply are released on any thread (the
   * blocking client frees them on the caller's) while the connection drops
   * its own reference on the loop thread. */
  atomic_uint refs;
};

/* A reply with one reference holding `env` (taken over; cleared). Reuses
 * *spare when set. NULL when out of memory (env is then freed). */
cql_reply *cql_reply_make(const cql_mem *mem, cql_reply **spare, cql_envelope *env);
/* Decodes the body into r->response. */
cql_status cql_reply_decode(cql_reply *r, const char **what);
/* Drops the connection's reference; an unshared reply becomes the spare
 * (when the slot is free) instead of being freed. */
void cql_reply_recycle(cql_reply *r, cql_reply **spare);
/* Frees the spare reply, if any. */
void cql_reply_free_spare(cql_reply **spare);

/* ---- pending requests (pending.c) ---------------------------------------- */

typedef enum pending_kind {
  PENDING_FREE = 0,
  PENDING_USER,      /* the owner's: cb/ud set */
  PENDING_OPTIONS,   /* handshake: first OPTIONS */
  PENDING_STARTUP,   /* handshake */
  PENDING_AUTH,      /* handshake: an AUTH_RESPONSE */
  PENDING_USE,       /* handshake: USE <keyspace> */
  PENDING_HEARTBEAT, /* an idle-time OPTIONS */
  PENDING_ORPHAN     /* gave up; waits for the late answer */
} pending_kind;

typedef struct cql_pending {
  cql_conn_request_cb cb;
  void *ud;
  uint64_t deadline;
  int32_t heap_idx; /* position in the deadline heap, -1 when not in it */
  uint8_t opcode;   /* of the request, to check the answer's */
  uint8_t kind;     /* pending_kind */
} cql_pending;

typedef struct cql_pending_table {
  cql_pending *items; /* indexed by stream id; `cap` entries */
  uint32_t cap;
  int32_t *heap; /* stream ids, a min-heap on deadline */
  uint32_t heap_len, heap_cap;
  uint32_t n_user; /* PENDING_USER entries */
  const cql_mem *mem;
} cql_pending_table;

void cql_pending_init(cql_pending_table *t, const cql_mem *mem);
void cql_pending_free(cql_pending_table *t);
/* Makes room for stream id `id`; false when out of memory. */
bool cql_pending_reserve(cql_pending_table *t, int32_t id);
/* Records `p` at `id` (room reserved), in the heap when p->deadline is
 * not CQL_CONN_NO_DEADLINE. False when out of memory. */
bool cql_pending_put(cql_pending_table *t, int32_t id, const cql_pending *p);
/* The entry at `id`, or NULL when none is recorded. */
cql_pending *cql_pending_get(cql_pending_table *t, int32_t id);
/* Removes the entry at `id` and returns a copy of it. */
cql_pending cql_pending_take(cql_pending_table *t, int32_t id);
/* The request at `id` gave up: it leaves the heap and waits, callback-less,
 * for its late answer. */
void cql_pending_orphan(cql_pending_table *t, int32_t id);
/* Takes the entry out of the deadline heap (it stays recorded). */
void cql_pending_unschedule(cql_pending_table *t, int32_t id);
/* The stream id with the earliest deadline, or -1. */
int32_t cql_pending_first(const cql_pending_table *t);

/* ---- the connection -------------------------------------------------------- */

typedef enum hs_step { HS_NONE = 0, HS_OPTIONS, HS_STARTUP, HS_AUTH, HS_USE, HS_DONE } hs_step;

struct cql_conn {
  cql_mem mem;
  cql_conn_callbacks cb;
  cql_conn_state state;
  hs_step step;

  /* configuration (strings owned) */
  uint8_t version, min_version;
  bool want_lz4;
  char *keyspace, *cql_version;
  cql_buf plain_token; /* "\0user\0password" for SASL PLAIN; wiped on free */
  bool has_plain, has_auth;
  cql_conn_authenticator auth;
  uint32_t heartbeat_ms, idle_ms, handshake_ms, request_ms, max_frame;

  cql_conn_info info;

  /* input */
  cql_reader *reader;
  bool first_reply_seen;
  cql_reply *spare;

  /* output: envelopes waiting; bytes before `plain_len` go out unframed */
  cql_buf out;
  size_t plain_len;
  bool framing_out, compress_v4, notified;

  /* requests */
  cql_streams streams;
  cql_pending_table pending;

  /* time */
  uint64_t handshake_deadline;
  uint64_t last_read, last_write;
  bool hb_outstanding;
  uint64_t hb_sent;

  /* re-entrancy: public calls in progress, and a free waiting for them */
  uint32_t depth;
  bool free_requested;
  bool in_recv; /* the reader is feeding: recv may not re-enter */
  cql_status close_status;
  bool version_refused;
  uint8_t retry_version, server_max_version;

  char msg[256];   /* why the connection failed */
  char rmsg[320];  /* the message of a server error's result */
  char fmsg[320];  /* the message of results failed by a closing connection */
  cql_buf scratch; /* auth tokens, encoded keyspace query */
};

/* conn.c */
uint64_t cql_conn_now(cql_conn *c);
void cql_conn_enter(cql_conn *c);
/* Ends a public call; may release the connection: do not touch it after. */
void cql_conn_leave(cql_conn *c);
/* The return value of recv/tick given the current state. */
cql_status cql_conn_result_status(const cql_conn *c);

/* close.c: failing and closing. */
/* Fails the connection: every pending request completes (status
 * E_CONNECTION_CLOSED, or E_CANCELLED for an owner close with CQL_OK), then
 * on_closed. `server_error` may be NULL. `message` is copied. */
void cql_conn_fail(cql_conn *c, cql_status status, const char *message,
                   const cql_error_body *server_error);
/* As cql_conn_fail, after formatting the message. */
void cql_conn_failf(cql_conn *c, cql_status status, const cql_error_body *server_error,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Version refusal: fills the close info's negotiation fields. */
void cql_conn_fail_version(cql_conn *c, const cql_error_body *e, uint8_t server_header_version);
/* Runs a request callback with a result made of the given parts. */
void cql_conn_complete(cql_conn *c, const cql_pending *p, cql_status status, cql_reply *reply,
                       const char *message);

/* outbuf.c: appending envelopes. */
/* Encodes `req` on a fresh stream id recorded as `p`; *stream gets it. */
cql_status cql_conn_send_request(cql_conn *c, cql_request *req, const cql_pending *p,
                                 int16_t *stream);
cql_status cql_conn_send_encoded(cql_conn *c, uint8_t opcode, uint8_t flags, cql_slice body,
                                 const cql_pending *p, int16_t *stream);
/* From now on, output leaves in v5 segments. */
void cql_conn_start_framing(cql_conn *c);

/* handshake.c */
cql_status cql_conn_hs_begin(cql_conn *c);
/* An answer to one of the handshake's own requests. */
void cql_conn_hs_reply(cql_conn *c, pending_kind kind, cql_reply *r);
/* READY or AUTH_SUCCESS arrived: USE the keyspace, or be ready. */
void cql_conn_hs_logged_in(cql_conn *c);

/* auth.c */
void cql_conn_auth_begin(cql_conn *c, cql_slice authenticator);
void cql_conn_auth_reply(cql_conn *c, cql_reply *r);

/* timers.c */
void cql_conn_heartbeat_reply(cql_conn *c);

#endif
