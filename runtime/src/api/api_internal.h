/* The internal side of the public value objects (config, statements,
 * prepared statements, batches, results, UDT registry): what the session
 * (runtime/src/session) needs to turn them into requests and replies into
 * results. Nothing here does I/O; everything is pure C over cqlkit_core.
 *
 * Names here are stable: add, never rename.
 *
 * Threads: as the public headers say. In short, configs, statements and
 * batches belong to one thread at a time; cql_prepared and cql_result have
 * atomic reference counts and are otherwise immutable, except
 * cql_prepared_update_result_metadata, which only the session's loop thread
 * calls. */
#ifndef CQL_API_INTERNAL_H
#define CQL_API_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "conn.h"
#include "cqlkit/codec.h"
#include "cqlkit/config.h"
#include "cqlkit/result.h"
#include "cqlkit/statement.h"
#include "cqlkit/types.h"
#include "cqlkit/udt.h"
#include "message.h"
#include "wire.h"

/* ======================================================================
 * Configuration
 * ====================================================================== */

/* One contact point: a host (IPv4/IPv6 literal without brackets, or a
 * name) and a port (0: the config's port). */
typedef struct cql_contact_point {
  char *host; /* owned by the config */
  uint16_t port;
} cql_contact_point;

/* The settings; the session reads the fields directly. Strings are owned
 * by the config (NUL-terminated, NULL when not set) and freed with it. */
struct cql_config {
  cql_mem mem;
  cql_contact_point *contacts;
  size_t n_contacts;
  uint16_t port;
  uint8_t min_version, max_version;
  uint32_t connect_timeout_ms;
  uint32_t request_timeout_ms; /* 0: none */
  char *keyspace;
  cql_consistency consistency;
  cql_consistency serial_consistency;
  cql_compression compression;
  int32_t page_size; /* <= 0: no paging */
  uint32_t heartbeat_interval_ms, heartbeat_dead_ms;
  uint32_t connections_per_host;
  char *local_dc;
  uint32_t backoff_base_ms, backoff_max_ms;
  char *username, *password;
  bool has_authenticator;
  cql_authenticator authenticator;
  void *authenticator_ud;
  bool tls;
  char *tls_ca_file, *tls_cert_file, *tls_key_file, *tls_server_name;
  bool tls_verify_peer, tls_verify_hostname;
  cql_log_level log_level;
  cql_log_fn log_fn;
  void *log_ud;
  const cql_udt_registry *udt_registry; /* borrowed */
};

/* A deep copy of `src` (strings duplicated) using `mem` (NULL: src's
 * allocator), for a session that must not depend on the caller's config.
 * The caller frees it with cql_config_free. Errors: CQL_E_NOMEM. */
cql_status cql_config_copy(const cql_config *src, const cql_mem *mem, cql_config **out);

/* Fills the connection settings for `version` (which the session picked
 * between min_version and max_version) from the config. String pointers in
 * `out` point into `cfg` (cql_conn_new copies them). The authenticator is
 * not mapped (its signature differs); the session adapts it. */
void cql_config_conn_config(const cql_config *cfg, uint8_t version, cql_conn_config *out);

/* Logs through the config's callback when `level` <= its max level. */
void cql_config_log(const cql_config *cfg, cql_log_level level, const char *message);

/* ======================================================================
 * Prepared statements
 * ====================================================================== */

/* The result columns of a prepared statement, as one immutable,
 * reference-counted snapshot: METADATA_CHANGED replaces the snapshot
 * rather than editing it, so results built on the old one stay valid. */
typedef struct cql_result_meta {
  atomic_uint refs;
  cql_mem mem;
  cql_arena arena; /* owns everything below */
  cql_slice id;    /* v5 result metadata id; empty in v4 */
  cql_column_spec *columns;
  uint32_t n_columns;
} cql_result_meta;

/* Takes a reference; returns m. */
cql_result_meta *cql_result_meta_retain(cql_result_meta *m);
/* Drops a reference; the last one frees. NULL is a no-op. */
void cql_result_meta_release(cql_result_meta *m);

struct cql_prepared {
  atomic_uint refs;
  cql_mem mem;
  cql_arena arena; /* owns query, keyspace, id, params, pk indices */
  char *query;
  char *keyspace; /* NULL when none was given */
  cql_slice id;
  cql_column_spec *params;
  uint32_t n_params;
  uint16_t *pk_indices; /* partition key components, in key order */
  uint32_t n_pk;
  _Atomic(cql_result_meta *) result_meta; /* never NULL */
};

/* Builds a prepared statement from a PREPARED result message, copying
 * everything it needs (id, v5 result metadata id, bind metadata with the
 * partition key indices, result columns, `query`, `keyspace` (may be
 * NULL)), so the reply may be released afterwards. `mem` may be NULL. The
 * caller owns one reference. Errors: CQL_E_INVALID_ARG (msg is not
 * PREPARED), CQL_E_NOMEM. */
cql_status cql_prepared_from_msg(const cql_result_msg *msg, const char *query, const char *keyspace,
                                 const cql_mem *mem, cql_prepared **out);

/* As cql_prepared_from_msg for a reply holding a RESULT of kind PREPARED
 * (anything else is CQL_E_BAD_MESSAGE). The reply is not retained. */
cql_status cql_prepared_from_reply(const cql_reply *reply, const char *query, const char *keyspace,
                                   const cql_mem *mem, cql_prepared **out);

/* The statement id (owned by p). */
cql_slice cql_prepared_id(const cql_prepared *p);

/* The current result metadata snapshot, with a reference the caller drops
 * with cql_result_meta_release. Never NULL. */
cql_result_meta *cql_prepared_result_meta(const cql_prepared *p);

/* Replaces the result metadata after a Rows result with METADATA_CHANGED
 * (copies md->columns and md->new_metadata_id). Loop thread only.
 * Errors: CQL_E_INVALID_ARG (md without columns), CQL_E_NOMEM (p unchanged). */
cql_status cql_prepared_update_result_metadata(cql_prepared *p, const cql_rows_metadata *md);

/* ======================================================================
 * Statements
 * ====================================================================== */

/* One position of a statement. The bytes live in the statement's `data`
 * buffer at [off, off + len); `name_off`/`name_len` in `names` when named. */
typedef struct cql_stmt_value {
  cql_value_state state; /* starts UNSET */
  uint32_t off, len;
  uint32_t cap; /* bytes reserved at off, for rebinding in place */
  uint32_t name_off, name_len;
  bool named;
} cql_stmt_value;

struct cql_statement {
  cql_mem mem;
  char *query;            /* simple statements; owned */
  cql_prepared *prepared; /* bound statements; one reference held */
  cql_stmt_value *values; /* n_values positions */
  size_t n_values;
  cql_buf data;  /* serialized values */
  cql_buf names; /* value names (simple statements) */
  size_t n_named;
  bool has_consistency;
  cql_consistency consistency;
  bool has_serial_consistency;
  cql_consistency serial_consistency;
  uint32_t timeout_ms; /* 0: the config's */
  bool idempotent;
  int32_t page_size; /* 0: the config's; -1: no paging */
  bool has_paging_state;
  cql_buf paging_state;
  bool has_timestamp;
  int64_t timestamp;
  bool tracing;
  char *keyspace; /* owned; NULL: none */
};

/* Stores `len` serialized bytes (copied) for position i with `state`,
 * reusing the position's bytes when they fit. No type check. Errors:
 * CQL_E_INVALID_ARG (i out of range), CQL_E_BAD_LENGTH, CQL_E_NOMEM. */
cql_status cql_api_stmt_store(cql_statement *st, size_t i, cql_value_state state, const void *p,
                              size_t len);

/* Sentinel for `default_timestamp`: send no timestamp (the server's). */
#define CQL_NO_TIMESTAMP INT64_MIN

/* Fills `out` with the QUERY (simple) or EXECUTE (bound) request for `st`
 * under protocol `version` (4 or 5). Options the statement leaves unset
 * come from `defaults` (consistency, serial consistency, page size; may be
 * NULL: LOCAL_ONE, SERIAL, 5000). `default_timestamp` (microseconds, or
 * CQL_NO_TIMESTAMP) applies when the statement sets none. Bound
 * statements send the prepared's result metadata id (v5) and ask the
 * server to skip result metadata when it is known (v5 only: v4 has no way
 * to learn that it changed). Slices in `out` point into `st` and arrays
 * come from `arena`: both must outlive the submit that encodes `out`.
 * Errors: CQL_E_UNSUPPORTED (keyspace with v4), CQL_E_INVALID_ARG (named
 * values with some positions unnamed), CQL_E_BAD_VERSION, CQL_E_NOMEM. */
cql_status cql_statement_to_request(const cql_statement *st, uint8_t version,
                                    const cql_config *defaults, int64_t default_timestamp,
                                    cql_arena *arena, cql_request *out);

/* The request timeout to apply: the statement's, else the config's
 * (0 meaning none is returned as CQL_CONN_NO_TIMEOUT). */
uint32_t cql_statement_effective_timeout(const cql_statement *st, const cql_config *cfg);

/* The routing key of a bound statement (Cassandra's partition key bytes:
 * the single component as is, or each component as u16 length, bytes,
 * 0x00) appended to `out`, for token-aware routing. Returns false (and
 * appends nothing) for simple statements, statements without partition
 * key metadata, or a key component that is null or unset. */
bool cql_statement_routing_key(const cql_statement *st, cql_buf *out);

/* A deep copy (values, names, options; the prepared is shared with a new
 * reference), for the pager, which keeps executing the statement. The
 * caller frees it with cql_statement_free. Errors: CQL_E_NOMEM. */
cql_status cql_statement_copy(const cql_statement *st, cql_statement **out);

/* ======================================================================
 * Batches
 * ====================================================================== */

typedef struct cql_batch_entry {
  char *query;            /* simple; owned */
  cql_prepared *prepared; /* bound; one reference held */
  uint32_t first_value;   /* index into the batch's values */
  uint32_t n_values;
} cql_batch_entry;

/* Batch values point into `data` like statement values. */
typedef struct cql_batch_value {
  cql_value_state state;
  uint32_t off, len;
} cql_batch_value;

struct cql_batch {
  cql_mem mem;
  cql_batch_type type;
  cql_batch_entry *entries;
  size_t n_entries, cap_entries;
  cql_batch_value *values;
  size_t n_values, cap_values;
  cql_buf data;
  bool has_consistency;
  cql_consistency consistency;
  bool has_serial_consistency;
  cql_consistency serial_consistency;
  uint32_t timeout_ms;
  bool idempotent;
  bool has_timestamp;
  int64_t timestamp;
  bool tracing;
};

/* As cql_statement_to_request, for a BATCH. Errors: CQL_E_INVALID_ARG
 * (empty batch), CQL_E_BAD_VERSION, CQL_E_NOMEM. */
cql_status cql_batch_to_request(const cql_batch *b, uint8_t version, const cql_config *defaults,
                                int64_t default_timestamp, cql_arena *arena, cql_request *out);

/* As cql_statement_effective_timeout. */
uint32_t cql_batch_effective_timeout(const cql_batch *b, const cql_config *cfg);

/* ======================================================================
 * Results
 * ====================================================================== */

/* What a result is built with. Every field may be zero/NULL. */
typedef struct cql_result_ctx {
  const cql_mem *mem; /* NULL: malloc */
  /* The prepared statement that was executed: its result metadata supplies
   * the columns of a Rows result sent with NO_METADATA (a snapshot is
   * retained by the result). */
  const cql_prepared *prepared;
  /* Decoders for cql_result_get_udt; borrowed: must outlive the result. */
  const cql_udt_registry *udts;
  const char *host; /* "address:port" for cql_error_info.host; copied */
} cql_result_ctx;

/* A result for a reply: RESULT (any kind) gives a CQL_OK result, ERROR a
 * failed one with cql_error_info filled from the error body, any other
 * opcode a CQL_E_BAD_OPCODE result. Takes its own reference on `reply`
 * (the caller keeps its own); rows stay views into the reply's body, with
 * an index of cell offsets built once so that any cell is reached in O(1).
 * Never NULL: when memory runs out it returns a static CQL_E_NOMEM result
 * (retain and release work on it too). The caller owns one reference. */
cql_result *cql_result_from_reply(cql_reply *reply, const cql_result_ctx *ctx);

/* A failed result for a client-side error (connection lost, timeout,
 * cancelled, no hosts...). `message` (copied; NULL: the status's
 * description) becomes cql_error_info.message; server_code is -1.
 * Never NULL (see above). The caller owns one reference. */
cql_result *cql_result_from_status(cql_status status, const char *message,
                                   const cql_result_ctx *ctx);

/* The result for what a connection's request callback received: a reply
 * (CQL_OK or a server error) goes through cql_result_from_reply, anything
 * else through cql_result_from_status with res->message. Never NULL. */
cql_result *cql_result_from_conn_result(const cql_conn_result *res, const cql_result_ctx *ctx);

/* Decodes a response body (as received, decompressed) under header `h`
 * into a result that owns a copy of the body; for tests, fuzzing and
 * replays. Decoding tolerates trailing bytes as a client must. Errors:
 * the decoder's (then *out is NULL), CQL_E_NOMEM. */
cql_status cql_result_from_body(const cql_header *h, cql_slice body, const cql_result_ctx *ctx,
                                cql_result **out);

/* The decoded response behind a result, or NULL for client-side results
 * and copies. Valid while the result is. */
const cql_response *cql_result_response(const cql_result *r);

/* The Rows metadata as received (flags, paging state, new_metadata_id with
 * METADATA_CHANGED), or NULL when the result is not a received Rows. The
 * session passes it to cql_prepared_update_result_metadata when
 * flags & CQL_ROWS_FLAG_METADATA_CHANGED. */
const cql_rows_metadata *cql_result_rows_metadata(const cql_result *r);

/* ======================================================================
 * Helpers shared by the api files
 * ====================================================================== */

/* A deep copy of `t` into `arena` (shared static natives are shared).
 * NULL on E_NOMEM or nesting deeper than CQL_TYPE_MAX_DEPTH. */
const cql_type *cql_api_type_copy(const cql_type *t, cql_arena *arena, int depth);

/* Copies `n` column specs (names and types) into `arena`; NULL on failure
 * (n == 0 gives a non-NULL empty array when possible). */
cql_column_spec *cql_api_columns_copy(const cql_column_spec *cols, uint32_t n, cql_arena *arena);

/* A NUL-terminated copy of `s` from `arena` (NULL on failure). */
char *cql_api_arena_strdup(cql_arena *arena, cql_slice s);

/* A NUL-terminated malloc'ed copy through `mem` (NULL on failure or s NULL). */
char *cql_api_strdup(const cql_mem *mem, const char *s);

/* Whether a value written by the scalar binder/getter `want` fits a column
 * of type `t` (custom types naming natives are resolved first). */
bool cql_api_type_accepts(const cql_type *t, cql_type_id want);

/* Checks that `value` is a well-formed serialized value of `t` (decoding it
 * fully; uses `mem` for scratch). CQL_OK or the decoder's error. */
cql_status cql_api_value_check(const cql_type *t, cql_slice value, const cql_mem *mem);

/* Contact point lists of a config (config_contacts.c): parse replaces the
 * list (on failure the old one stays), free empties it, copy duplicates. */
cql_status cql_api_contacts_parse(cql_config *cfg, const char *hosts);
void cql_api_contacts_free(cql_config *cfg);
cql_status cql_api_contacts_copy(cql_config *dst, const cql_config *src);

/* Consistency levels valid as a regular / a serial consistency. */
bool cql_api_valid_consistency(cql_consistency c);
bool cql_api_valid_serial(cql_consistency c);

#endif
