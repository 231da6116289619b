/* Internals shared by the srv_*.c files (not for the transport). */
#ifndef CQL_NODE_SRV_IMPL_H
#define CQL_NODE_SRV_IMPL_H

#include <stdatomic.h>

#include "arena.h"
#include "reader.h"
#include "response.h"
#include "srv.h"

/* A prepared id the server has seen answered, for forget_prepared. */
typedef struct srv_prepared_id {
  uint8_t len;
  uint8_t bytes[32];
  bool forgotten;
} srv_prepared_id;

struct cql_srv {
  cql_engine *engine;
  uint8_t min_version, max_version;
  char *auth_user, *auth_password;
  size_t max_frame_bytes;
  void (*on_output)(void *ud, cql_sconn *c);
  void (*log)(void *ud, const char *line);
  void *ud;
  cql_sconn *conns; /* every live connection, for events */
  _Atomic uint64_t requests;
  /* faults */
  uint32_t fail_count;
  int32_t fail_code;
  char *fail_message;
  srv_prepared_id *prepared;
  size_t n_prepared, cap_prepared;
  size_t n_forgotten;
};

typedef enum sconn_state {
  SC_NEW,    /* no envelope header seen yet: the version is not known */
  SC_UNINIT, /* expecting STARTUP or OPTIONS */
  SC_AUTH,   /* AUTHENTICATE sent, expecting AUTH_RESPONSE */
  SC_READY
} sconn_state;

enum {
  SC_EV_TOPOLOGY = 1,
  SC_EV_STATUS = 2,
  SC_EV_SCHEMA = 4,
  /* Bytes of the first header needed to decide on the version: version,
   * flags and a two-byte stream id. */
  SC_PEEK = 4
};

struct cql_sconn {
  cql_srv *srv;
  cql_sconn *prev, *next;
  uint32_t node_index;
  void *user;
  sconn_state state;
  uint8_t version;
  uint8_t peek[SC_PEEK];
  size_t peek_len;
  /* Plain-envelope mode: where the current envelope ends, so one that is
   * too large can be answered on its own stream and skipped (srv_conn.c). */
  uint8_t hdr[CQL_HEADER_SIZE];
  size_t hdr_len;
  uint64_t body_left;
  bool discarding;
  bool compress_v4; /* v4 bodies are LZ4 from STARTUP's answer on */
  bool framed;      /* v5: output goes into segments */
  bool lz4_segments;
  bool closing;
  unsigned events; /* SC_EV_* */
  cql_reader *reader;
  cql_arena arena;
  cql_engine_session session;
  cql_buf out; /* bytes ready for the wire */
  cql_buf env; /* v5: envelopes waiting to be packed into segments */
};

/* Encodes `r` for connection `c` (framing and compression as negotiated).
 * When the response cannot be encoded a SERVER_ERROR takes its place; when
 * even that fails the connection is marked closing. */
void cql_sconn_emit(cql_sconn *c, const cql_response *r);

/* Emits an ERROR with only a code and a message. */
void cql_sconn_emit_error(cql_sconn *c, int16_t stream, int32_t code, const char *message);

/* Emits a PROTOCOL_ERROR built from a printf format. */
void cql_sconn_protocol_error(cql_sconn *c, int16_t stream, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Packs pending v5 envelopes into segments on `out`. */
void cql_sconn_frame_pending(cql_sconn *c);

/* Handles one decoded request (any opcode). */
void cql_sconn_dispatch(cql_sconn *c, const cql_request *req);

/* The handshake opcodes (srv_handshake.c). */
void cql_sconn_on_options(cql_sconn *c, const cql_request *req);
void cql_sconn_on_startup(cql_sconn *c, const cql_request *req);
void cql_sconn_on_auth_response(cql_sconn *c, const cql_request *req);
void cql_sconn_on_register(cql_sconn *c, const cql_request *req);

/* QUERY, PREPARE, EXECUTE and BATCH, with faults applied (srv_cql.c). */
void cql_sconn_on_cql(cql_sconn *c, const cql_request *req);

/* The refusal of an unsupported protocol version (srv_version.c): writes
 * the PROTOCOL_ERROR in a version the client can read, from the first
 * bytes of the connection (`peek`, SC_PEEK bytes). */
void cql_sconn_refuse_version(cql_sconn *c, const uint8_t *peek);

/* Formats "4/v4, 5/v5" for the versions the server supports. */
void cql_srv_versions_text(const cql_srv *s, char *buf, size_t cap);

/* Cassandra's name of an opcode ("QUERY"), for error messages. */
const char *cql_srv_opcode_name(uint8_t opcode);

/* Remembers a prepared id answered to a client (clears its forgotten
 * mark); true when `id` was forgotten by forget_prepared. */
void cql_srv_note_prepared(cql_srv *s, cql_slice id);
bool cql_srv_is_forgotten(const cql_srv *s, cql_slice id);

/* Logs a formatted line when a log callback is set. */
void cql_srv_logf(const cql_srv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
