/* The client connection as a sans-IO state machine.
 *
 * A cql_conn speaks the native protocol over one transport connection
 * without doing any I/O itself (the shape of nghttp2's session): the owner,
 * usually the libuv adapter, hands it the bytes it read (cql_conn_recv),
 * takes the bytes it must write (cql_conn_take_output), lets it see the time
 * (a clock callback) and wakes it when its next deadline passes
 * (cql_conn_tick, cql_conn_next_deadline). The connection performs the
 * handshake (OPTIONS, STARTUP, authentication, USE <keyspace>), multiplexes
 * requests by stream id, matches replies, times requests out, sends
 * heartbeats and detects a dead peer.
 *
 * Lifecycle:
 *   cql_conn_new()    state NEW; nothing to send yet.
 *   cql_conn_start()  once the transport (TCP, TLS) is up: queues OPTIONS.
 *   ... on_ready()    the handshake is done; cql_conn_submit() is allowed.
 *   ... on_closed()   the connection is finished (failure, or the owner's
 *                     cql_conn_close()); fires exactly once, after every
 *                     pending request has completed. The adapter then
 *                     closes its socket.
 *   cql_conn_free()   releases the memory (closing first if still open).
 *
 * Callbacks. Every callback runs on the owner's thread, from inside the
 * call that caused it: cql_conn_recv, cql_conn_tick, cql_conn_start,
 * cql_conn_cancel, cql_conn_close, cql_conn_abort, cql_conn_free (never
 * from inside cql_conn_submit). A request's callback fires exactly once.
 * Callbacks may call back into the connection: submit new requests, cancel,
 * close it, even cql_conn_free it (the release is then deferred until the
 * outermost call returns). After on_closed no callback fires any more.
 *
 * Thread safety: none; one thread (the loop's) uses a connection.
 * Memory: everything comes from the configured cql_mem; no global state. */
#ifndef CQL_CONN_CONN_H
#define CQL_CONN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/error.h"
#include "cqlkit/mem.h"
#include "message.h"
#include "wire.h"

#define CQL_CONN_DRIVER_NAME "cqlkit"
#define CQL_CONN_DRIVER_VERSION "0.1.0"

typedef struct cql_conn cql_conn;

/* ---- replies ------------------------------------------------------------ */

/* A received response: the envelope body and the decoded view of it (whose
 * slices and arrays point into that body and into an arena owned by the
 * reply). A reply is reference counted. The connection holds one reference
 * while it runs the callback that receives the reply; a callee that wants
 * to keep the response (a result page, zero-copy) takes its own reference
 * with cql_reply_retain and drops it with cql_reply_release. A retained
 * reply may outlive the connection. */
typedef struct cql_reply cql_reply;

/* The decoded response; valid as long as a reference is held. */
const cql_response *cql_reply_response(const cql_reply *r);
/* The envelope header as received (version, flags, stream, opcode). */
const cql_header *cql_reply_header(const cql_reply *r);
/* The raw (decompressed) envelope body the response points into. */
cql_slice cql_reply_body(const cql_reply *r);
/* Takes a reference; returns `r`. */
cql_reply *cql_reply_retain(cql_reply *r);
/* Drops a reference; the last one frees the reply. NULL is a no-op. */
void cql_reply_release(cql_reply *r);

/* ---- configuration ------------------------------------------------------ */

typedef enum cql_conn_compression {
  CQL_CONN_COMPRESSION_NONE = 0,
  /* LZ4 when the server offers it (v4: envelope bodies; v5: segments);
   * silently none when it does not (see cql_conn_info.lz4). */
  CQL_CONN_COMPRESSION_LZ4 = 1
} cql_conn_compression;

/* A SASL authenticator for servers other than PasswordAuthenticator (for
 * which username/password in the config suffice). Tokens are written into
 * a buffer the connection owns (append to it; leave it empty for an empty
 * token; set *null for a null token). A non-CQL_OK return fails the
 * handshake with CQL_E_AUTH. */
typedef struct cql_conn_authenticator {
  /* AUTHENTICATE arrived, naming the server's authenticator class. */
  cql_status (*initial_response)(void *ud, cql_slice authenticator_class, cql_buf *token,
                                 bool *null);
  /* AUTH_CHALLENGE arrived; write the answer. NULL: challenges fail. */
  cql_status (*evaluate_challenge)(void *ud, cql_slice challenge, bool challenge_null,
                                   cql_buf *response, bool *null);
  /* AUTH_SUCCESS arrived with its final token. May be NULL. */
  cql_status (*on_success)(void *ud, cql_slice token, bool token_null);
  void *ud; /* must outlive the connection */
} cql_conn_authenticator;

/* Sentinel for "no time limit" in the *_ms fields and cql_conn_submit. */
#define CQL_CONN_NO_TIMEOUT UINT32_MAX

typedef struct cql_conn_config {
  uint8_t protocol_version;     /* version to speak: 5 (default) or 4 */
  uint8_t min_protocol_version; /* 4 (default), or 5: strict, never go down */
  cql_conn_compression compression;
  /* SASL PLAIN credentials for PasswordAuthenticator (copied), or NULL. */
  const char *username;
  const char *password;
  /* Takes precedence over username/password; the struct is copied. */
  const cql_conn_authenticator *authenticator;
  const char *keyspace;    /* USE it after READY (copied); NULL: none */
  const char *cql_version; /* STARTUP's CQL_VERSION; NULL: the server's */
  /* An OPTIONS is sent after this long without reading or writing;
   * 0: no heartbeats. Default 30000. */
  uint32_t heartbeat_interval_ms;
  /* A heartbeat unanswered (and nothing read) for this long means the peer
   * is dead: the connection fails with CQL_E_TIMEOUT. 0: never. Default
   * 60000. */
  uint32_t idle_timeout_ms;
  /* From cql_conn_start to on_ready; 0: no limit. Default 10000. */
  uint32_t handshake_timeout_ms;
  /* Used when cql_conn_submit passes 0. CQL_CONN_NO_TIMEOUT: none.
   * Default 12000. */
  uint32_t request_timeout_ms;
  /* Stream ids usable at once (1..32768, larger is clamped). Default 2048. */
  uint32_t max_in_flight;
  /* Largest envelope body sent or received. Default 256 MiB. */
  uint32_t max_frame_size;
  const cql_mem *mem; /* NULL: malloc; copied, its ud must outlive the conn */
} cql_conn_config;

/* Fills `cfg` with the defaults above (v5, no compression, no auth). */
void cql_conn_config_init(cql_conn_config *cfg);

/* ---- callbacks ---------------------------------------------------------- */

/* What a request's callback receives. Pointers are valid only during the
 * callback (take a reference on `reply` to keep the response). */
typedef struct cql_conn_result {
  /* CQL_OK: a response other than ERROR arrived (`response` set).
   * CQL_E_SERVER_*: the server answered with ERROR (`response`,
   *   `server_error` set; the status is cql_status_from_server_code).
   * CQL_E_TIMEOUT: no answer in time; the stream id stays reserved until
   *   a late answer arrives, which is then dropped.
   * CQL_E_CANCELLED: cql_conn_cancel, or the owner closed the connection.
   * CQL_E_CONNECTION_CLOSED: the connection failed (transport, dead peer,
   *   protocol violation elsewhere); `message` names the cause.
   * A protocol error status (E_BAD_LENGTH, E_BAD_OPCODE...): this request's
   *   own answer was malformed; the connection fails right after. */
  cql_status status;
  cql_reply *reply;                   /* NULL when no response arrived */
  const cql_response *response;       /* cql_reply_response(reply) or NULL */
  const cql_error_body *server_error; /* &response->u.error for ERROR */
  const char *message;                /* NUL-terminated detail, never NULL */
} cql_conn_result;

typedef void (*cql_conn_request_cb)(cql_conn *c, const cql_conn_result *res, void *ud);

/* Why a connection finished (on_closed). Valid during the callback. */
typedef struct cql_conn_close_info {
  /* CQL_OK: closed by the owner. Otherwise the failure: a transport status
   * given to cql_conn_abort, CQL_E_TIMEOUT (handshake or dead peer), a
   * protocol error status (the server broke the protocol), a server status
   * (the server refused STARTUP, the credentials or the keyspace), CQL_E_AUTH
   * (authentication impossible on our side), CQL_E_PROTOCOL_NEGOTIATION (see
   * version_refused), CQL_E_NOMEM. */
  cql_status status;
  const char *message;                /* NUL-terminated, never NULL */
  const cql_error_body *server_error; /* the ERROR that caused it, or NULL */
  /* The server refused the protocol version of our first message. When
   * retry_version is non-zero the owner should open a new transport
   * connection and try again with that version (the server's highest one,
   * at least min_protocol_version); otherwise no acceptable version exists
   * (strict mode, or a server older than v4) and `message` names the
   * server's highest version. */
  bool version_refused;
  uint8_t retry_version;
  uint8_t server_max_version; /* 0 when the server did not say */
} cql_conn_close_info;

typedef struct cql_conn_callbacks {
  /* Required: a monotonic clock in milliseconds (uv_now in the adapter, a
   * variable in tests). Read on submits, reads, writes and ticks. */
  uint64_t (*now_ms)(void *ud);
  /* The handshake (and USE keyspace) is done. May be NULL. */
  void (*on_ready)(cql_conn *c, void *ud);
  /* An EVENT (stream -1) arrived; retain `event` to keep it. May be NULL
   * (events are then dropped). */
  void (*on_event)(cql_conn *c, cql_reply *event, void *ud);
  /* Output became available and the adapter has not taken it yet; fires
   * once per such transition, just before the connection call that
   * produced the output returns. May be NULL (then check
   * cql_conn_want_write after each call). */
  void (*on_want_write)(cql_conn *c, void *ud);
  /* The connection is finished; see cql_conn_close_info. May be NULL. */
  void (*on_closed)(cql_conn *c, const cql_conn_close_info *info, void *ud);
  void *ud;
} cql_conn_callbacks;

/* ---- lifecycle ---------------------------------------------------------- */

typedef enum cql_conn_state {
  CQL_CONN_NEW = 0,   /* before cql_conn_start */
  CQL_CONN_HANDSHAKE, /* OPTIONS..READY, authentication, USE keyspace */
  CQL_CONN_READY,     /* requests accepted */
  CQL_CONN_CLOSED     /* on_closed has fired (or is firing) */
} cql_conn_state;

/* Creates a connection in state NEW. `cfg` may be NULL for the defaults;
 * it and its strings are copied. `cb->now_ms` is required.
 * E_INVALID_ARG (bad versions: protocol_version not 4 or 5, min above it;
 * missing clock; a password without a username), E_NOMEM. The owner frees
 * the connection with cql_conn_free. */
cql_status cql_conn_new(cql_conn **out, const cql_conn_config *cfg, const cql_conn_callbacks *cb);

/* Closes the connection if it is still open (as cql_conn_close, callbacks
 * included), then releases it. Buffers swapped out by cql_conn_take_output
 * remain the caller's. Called from inside one of the connection's own
 * callbacks, the release waits until the outermost call returns. NULL is a
 * no-op. */
void cql_conn_free(cql_conn *c);

/* Starts the handshake: queues OPTIONS and arms the handshake timeout.
 * E_BAD_STATE unless NEW (E_CONNECTION_CLOSED once closed); E_NOMEM, in
 * which case the connection has failed (on_closed has fired). */
cql_status cql_conn_start(cql_conn *c);

/* Closes the connection from the owner's side: every pending request
 * completes with CQL_E_CANCELLED, then on_closed fires with CQL_OK. No-op
 * when already closed. Output not yet taken is dropped. */
void cql_conn_close(cql_conn *c);

/* The transport failed: the peer closed the socket (pass
 * CQL_E_CONNECTION_CLOSED), a read or write error, a TLS failure (E_TLS,
 * E_TLS_VERIFY). Pending requests complete with CQL_E_CONNECTION_CLOSED and
 * on_closed fires with `status` and `message` (copied; may be NULL). No-op
 * when already closed. */
void cql_conn_abort(cql_conn *c, cql_status status, const char *message);

cql_conn_state cql_conn_get_state(const cql_conn *c);

/* ---- I/O ---------------------------------------------------------------- */

/* Feeds bytes read from the transport. Replies are matched and their
 * callbacks run before this returns. Any protocol violation (malformed
 * envelope or segment, bad CRC, a reply on a stream with no request, an
 * unexpected opcode or version, a body that does not decode) fails the
 * connection. Returns CQL_OK while the connection stays open; otherwise the
 * status it closed with (CQL_E_CONNECTION_CLOSED after an owner close or
 * when it was already closed). */
cql_status cql_conn_recv(cql_conn *c, const uint8_t *data, size_t len);

/* True when output is waiting for cql_conn_take_output. */
bool cql_conn_want_write(const cql_conn *c);
/* Bytes waiting (before v5 framing). */
size_t cql_conn_output_size(const cql_conn *c);

/* Moves all waiting output into `out`. When `out` is empty and no framing
 * is needed (v4, or the v5 handshake) the buffers are swapped, no copy: the
 * connection keeps `out`'s old storage (and its allocator, which must then
 * outlive the connection) for later output. Otherwise the bytes are
 * appended, framed into v5 segments (many envelopes per segment, LZ4 when
 * negotiated) once framing is on. The caller writes out->data[0..len) and
 * may then reset and pass the same buffer again. On failure (E_NOMEM,
 * E_COMPRESS) the connection fails and the output is lost; a closed
 * connection yields nothing and CQL_OK. */
cql_status cql_conn_take_output(cql_conn *c, cql_buf *out);

/* ---- time --------------------------------------------------------------- */

#define CQL_CONN_NO_DEADLINE UINT64_MAX

/* Runs what is due at the clock's current time: request timeouts (callback
 * with CQL_E_TIMEOUT, stream orphaned), the handshake timeout, heartbeats,
 * dead-peer detection. Same return as cql_conn_recv. */
cql_status cql_conn_tick(cql_conn *c);

/* The earliest time (clock milliseconds) at which cql_conn_tick has
 * something to do, or CQL_CONN_NO_DEADLINE. Changes after every call into
 * the connection; the adapter re-arms one timer from it. */
uint64_t cql_conn_next_deadline(const cql_conn *c);

/* ---- requests ----------------------------------------------------------- */

/* Sends `req` (QUERY, PREPARE, EXECUTE, BATCH, REGISTER or OPTIONS; its
 * `stream` is ignored) once the connection is READY. `timeout_ms`: 0 for
 * the config's default, CQL_CONN_NO_TIMEOUT for none. The request is
 * encoded now (req and what it points to need not outlive the call) into
 * the output buffer, behind earlier requests, so many requests leave in one
 * write. `cb` fires exactly once, later, never inside this call. On
 * success *stream_out (may be NULL) receives the stream id, for
 * cql_conn_cancel.
 * Errors (the callback will not fire): E_INVALID_ARG (NULL cb, an opcode a
 * client may not send here), E_BAD_STATE (not READY yet),
 * E_CONNECTION_CLOSED, E_STREAMS_EXHAUSTED (every stream id is in use or
 * orphaned), E_FRAME_TOO_LARGE (body over max_frame_size), the encoder's
 * errors (E_UNSUPPORTED, E_BAD_LENGTH, E_COMPRESS...), E_NOMEM. */
cql_status cql_conn_submit(cql_conn *c, const cql_request *req, uint32_t timeout_ms,
                           cql_conn_request_cb cb, void *ud, int16_t *stream_out);

/* As cql_conn_submit, for a body encoded by the caller (without the
 * header; uncompressed). `flags` are the envelope flags the body implies
 * (tracing, custom payload, beta); compression is the connection's
 * business (E_INVALID_ARG if given). */
cql_status cql_conn_submit_encoded(cql_conn *c, uint8_t opcode, uint8_t flags, cql_slice body,
                                   uint32_t timeout_ms, cql_conn_request_cb cb, void *ud,
                                   int16_t *stream_out);

/* Gives up on a pending request: its callback fires now with
 * CQL_E_CANCELLED and its stream id stays reserved until the server's
 * answer arrives. Only valid until that callback has fired (afterwards the
 * id may belong to a newer request). E_NOT_FOUND when no request of the
 * owner is pending on `stream`. */
cql_status cql_conn_cancel(cql_conn *c, int16_t stream);

/* ---- introspection ------------------------------------------------------ */

/* What the handshake learnt. Filled progressively; final after on_ready. */
typedef struct cql_conn_info {
  uint8_t protocol_version;
  bool lz4;                 /* compression in use */
  bool framing;             /* v5 segments in use */
  char cql_version[32];     /* the server's first CQL_VERSION, "" if none */
  bool server_lz4;          /* SUPPORTED listed lz4 */
  uint32_t server_versions; /* bit n: PROTOCOL_VERSIONS listed n/vn */
  uint32_t server_beta;     /* bit n: listed n/vn-beta */
  bool authenticated;       /* AUTHENTICATE .. AUTH_SUCCESS happened */
  char authenticator[96];   /* server's authenticator class (truncated) */
} cql_conn_info;

const cql_conn_info *cql_conn_get_info(const cql_conn *c);

/* Requests awaiting a reply (the owner's and the connection's own). */
uint32_t cql_conn_in_flight(const cql_conn *c);
/* Stream ids held by requests that gave up (timed out or cancelled) and
 * still wait for the server's late answer. A pool may retire a connection
 * with many of them. */
uint32_t cql_conn_orphaned(const cql_conn *c);

/* ---- helpers, exposed for tests ------------------------------------------ */

/* Reads the highest protocol version acceptable to us (< `tried`, beta
 * versions excluded) out of a server's "unsupported protocol version"
 * message. Understands Cassandra 4's "supported versions are (3/v3, 4/v4,
 * 5/v5-beta)", Cassandra 3's "... the greatest is 4", and the beta flag
 * message; 0 when the text names none. */
uint8_t cql_conn_parse_supported_version(cql_slice message, uint8_t tried);

/* True when an ERROR answering our first message says the server refused
 * the protocol version (a PROTOCOL_ERROR about the version or USE_BETA). */
bool cql_conn_is_version_refusal(const cql_error_body *e);

#endif
