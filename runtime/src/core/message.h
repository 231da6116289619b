/* Native protocol messages as C structs, shared by both directions.
 *
 * A client encodes cql_request and decodes cql_response; a server (the test
 * node) decodes cql_request and encodes cql_response. Decoded messages are
 * views: slices point into the envelope body that was decoded, and arrays
 * come from the cql_arena passed to the decoder. Both must outlive the
 * decoded struct. Encoders only read the struct.
 *
 * Envelope layout (v3 and later): version(1) flags(1) stream(2) opcode(1)
 * length(4), then `length` bytes of body. The version byte's top bit is set
 * on responses. In v5 the envelopes travel inside segments (segment.h) once
 * the connection is established; their layout does not change. */
#ifndef CQL_CORE_MESSAGE_H
#define CQL_CORE_MESSAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/error.h"
#include "cqlkit/types.h"
#include "wire.h"

enum {
  CQL_HEADER_SIZE = 9,
  CQL_VERSION_RESPONSE_BIT = 0x80,
  CQL_PROTOCOL_V4 = 4,
  CQL_PROTOCOL_V5 = 5
};

typedef enum cql_opcode {
  CQL_OP_ERROR = 0x00,
  CQL_OP_STARTUP = 0x01,
  CQL_OP_READY = 0x02,
  CQL_OP_AUTHENTICATE = 0x03,
  CQL_OP_OPTIONS = 0x05,
  CQL_OP_SUPPORTED = 0x06,
  CQL_OP_QUERY = 0x07,
  CQL_OP_RESULT = 0x08,
  CQL_OP_PREPARE = 0x09,
  CQL_OP_EXECUTE = 0x0A,
  CQL_OP_REGISTER = 0x0B,
  CQL_OP_EVENT = 0x0C,
  CQL_OP_BATCH = 0x0D,
  CQL_OP_AUTH_CHALLENGE = 0x0E,
  CQL_OP_AUTH_RESPONSE = 0x0F,
  CQL_OP_AUTH_SUCCESS = 0x10
} cql_opcode;

/* Envelope header flags. */
enum {
  CQL_FLAG_COMPRESSION = 0x01, /* v4 only: body is LZ4 (4-byte length + block) */
  CQL_FLAG_TRACING = 0x02,
  CQL_FLAG_CUSTOM_PAYLOAD = 0x04,
  CQL_FLAG_WARNING = 0x08,
  CQL_FLAG_USE_BETA = 0x10
};

typedef struct cql_header {
  uint8_t version; /* including CQL_VERSION_RESPONSE_BIT on responses */
  uint8_t flags;
  int16_t stream;
  uint8_t opcode;
  uint32_t length;
} cql_header;

/* [string map] / [bytes map] entries and [string multimap] entries. */
typedef struct cql_pair {
  cql_slice key;
  cql_slice value;
  bool value_null; /* [bytes map] only: the value was a null [bytes] */
} cql_pair;

typedef struct cql_multi_entry {
  cql_slice key;
  const cql_slice *values;
  uint32_t n_values;
} cql_multi_entry;

/* ---- requests -------------------------------------------------------- */

typedef enum cql_value_state {
  CQL_VALUE_SET = 0,
  CQL_VALUE_NULL = 1, /* length -1 */
  CQL_VALUE_UNSET = 2 /* length -2: leave the column untouched */
} cql_value_state;

/* One bound value; `name` is used only with named values. */
typedef struct cql_value_arg {
  cql_slice name;
  cql_value_state state;
  cql_slice bytes;
} cql_value_arg;

/* The <query_parameters> of QUERY and EXECUTE. Optional parts are present
 * when their has_* flag is set; the encoder derives the wire flags. */
typedef struct cql_query_params {
  uint16_t consistency;
  const cql_value_arg *values;
  uint32_t n_values;
  bool has_values;   /* send the values flag even for zero values */
  bool named_values; /* values carry names */
  bool skip_metadata;
  bool has_page_size;
  int32_t page_size;
  bool has_paging_state;
  cql_slice paging_state;
  bool has_serial_consistency;
  uint16_t serial_consistency;
  bool has_timestamp;
  int64_t timestamp; /* microseconds since the epoch */
  bool has_keyspace; /* v5 */
  cql_slice keyspace;
  bool has_now_in_seconds; /* v5 */
  int32_t now_in_seconds;
} cql_query_params;

typedef struct cql_batch_stmt {
  bool is_prepared; /* kind 1: `id` is set; kind 0: `query` is set */
  cql_slice query;
  cql_slice id;
  const cql_value_arg *values; /* names are not allowed in batches */
  uint32_t n_values;
} cql_batch_stmt;

typedef struct cql_batch_body {
  uint8_t type; /* cql_batch_type */
  const cql_batch_stmt *stmts;
  uint16_t n_stmts;
  uint16_t consistency;
  bool has_serial_consistency;
  uint16_t serial_consistency;
  bool has_timestamp;
  int64_t timestamp;
  bool has_keyspace; /* v5 */
  cql_slice keyspace;
  bool has_now_in_seconds; /* v5 */
  int32_t now_in_seconds;
} cql_batch_body;

typedef struct cql_request {
  uint8_t opcode;
  int16_t stream;
  bool tracing;
  bool use_beta;
  const cql_pair *custom_payload; /* [bytes map]; present when n_custom_payload > 0 */
  uint32_t n_custom_payload;
  bool has_custom_payload; /* set the flag even for an empty map */
  union {
    struct {
      const cql_pair *options; /* [string map] */
      uint32_t n_options;
    } startup;
    struct {
      cql_slice query;
      cql_query_params params;
    } query;
    struct {
      cql_slice query;
      bool has_keyspace; /* v5 */
      cql_slice keyspace;
    } prepare;
    struct {
      cql_slice id;
      cql_slice result_metadata_id; /* v5 only */
      cql_query_params params;
    } execute;
    cql_batch_body batch;
    struct {
      const cql_slice *events;
      uint32_t n_events;
    } reg;
    struct {
      bool token_null;
      cql_slice token;
    } auth_response;
  } u;
} cql_request;

/* ---- responses ------------------------------------------------------- */

/* A column of result or bind metadata. */
typedef struct cql_column_spec {
  cql_slice keyspace;
  cql_slice table;
  cql_slice name;
  const cql_type *type;
} cql_column_spec;

enum {
  CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC = 0x0001,
  CQL_ROWS_FLAG_HAS_MORE_PAGES = 0x0002,
  CQL_ROWS_FLAG_NO_METADATA = 0x0004,
  CQL_ROWS_FLAG_METADATA_CHANGED = 0x0008 /* v5 */
};

/* <metadata> of a Rows result and the result part of a Prepared result.
 * The encoder writes the global table spec when `flags` has it, taking
 * keyspace and table from columns[0]. */
typedef struct cql_rows_metadata {
  int32_t flags;
  int32_t columns_count;
  bool has_paging_state;
  cql_slice paging_state;
  cql_slice new_metadata_id;      /* with METADATA_CHANGED */
  const cql_column_spec *columns; /* NULL with NO_METADATA */
} cql_rows_metadata;

/* <metadata> of a Prepared result describing the bind markers. */
typedef struct cql_prepared_metadata {
  int32_t flags; /* only GLOBAL_TABLES_SPEC is defined */
  int32_t columns_count;
  int32_t pk_count;
  const uint16_t *pk_indices;
  const cql_column_spec *columns;
} cql_prepared_metadata;

/* Schema change, as carried by a RESULT and by an EVENT. */
typedef struct cql_schema_change {
  cql_slice change_type; /* CREATED, UPDATED, DROPPED */
  cql_slice target;      /* KEYSPACE, TABLE, TYPE, FUNCTION, AGGREGATE */
  cql_slice keyspace;
  cql_slice name;             /* table, type, function or aggregate name */
  const cql_slice *arg_types; /* FUNCTION and AGGREGATE */
  uint32_t n_arg_types;
} cql_schema_change;

typedef struct cql_result_msg {
  int32_t kind; /* cql_result_kind */
  union {
    struct {
      cql_rows_metadata metadata;
      int32_t rows_count;
      /* The rows, each columns_count [bytes] values back to back. The
       * decoder checks the framing of every value; row_iter walks it. */
      cql_slice rows_content;
    } rows;
    cql_slice set_keyspace;
    struct {
      cql_slice id;
      cql_slice result_metadata_id; /* v5 */
      cql_prepared_metadata metadata;
      cql_rows_metadata result_metadata;
    } prepared;
    cql_schema_change schema_change;
  } u;
} cql_result_msg;

/* An endpoint's failure reason in READ_FAILURE/WRITE_FAILURE (v5). */
typedef struct cql_failure_reason {
  cql_inet endpoint;
  uint16_t code;
} cql_failure_reason;

typedef struct cql_error_body {
  int32_t code; /* wire code, CQL_SERVER_* */
  cql_slice message;
  /* Extra fields; which are meaningful depends on `code`. */
  uint16_t consistency;
  int32_t received;                  /* UNAVAILABLE: alive */
  int32_t block_for;                 /* UNAVAILABLE: required */
  int32_t num_failures;              /* READ/WRITE_FAILURE, v4 form */
  const cql_failure_reason *reasons; /* READ/WRITE_FAILURE, v5 form */
  uint32_t n_reasons;
  bool data_present;    /* READ_TIMEOUT, READ_FAILURE */
  cql_slice write_type; /* WRITE_TIMEOUT, WRITE_FAILURE */
  bool has_contentions; /* WRITE_TIMEOUT with write_type CAS, v5 */
  uint16_t contentions;
  cql_slice keyspace;         /* FUNCTION_FAILURE, ALREADY_EXISTS */
  cql_slice function;         /* FUNCTION_FAILURE */
  const cql_slice *arg_types; /* FUNCTION_FAILURE */
  uint32_t n_arg_types;
  cql_slice table;         /* ALREADY_EXISTS: empty for a keyspace */
  cql_slice unprepared_id; /* UNPREPARED */
} cql_error_body;

typedef enum cql_event_kind {
  CQL_EVENT_TOPOLOGY_CHANGE = 1,
  CQL_EVENT_STATUS_CHANGE = 2,
  CQL_EVENT_SCHEMA_CHANGE = 3
} cql_event_kind;

typedef struct cql_event {
  int kind;         /* cql_event_kind */
  cql_slice change; /* TOPOLOGY: NEW_NODE, REMOVED_NODE; STATUS: UP, DOWN */
  cql_inet address;
  int32_t port;
  cql_schema_change schema_change;
} cql_event;

typedef struct cql_response {
  uint8_t opcode;
  int16_t stream;
  bool has_tracing_id;
  cql_uuid tracing_id;
  const cql_slice *warnings;
  uint32_t n_warnings;
  bool has_warnings; /* set the flag even for an empty list */
  const cql_pair *custom_payload;
  uint32_t n_custom_payload;
  bool has_custom_payload;
  union {
    cql_error_body error;
    struct {
      cql_slice authenticator;
    } authenticate;
    struct {
      bool token_null;
      cql_slice token;
    } auth; /* AUTH_CHALLENGE and AUTH_SUCCESS */
    struct {
      const cql_multi_entry *entries;
      uint32_t n_entries;
    } supported;
    cql_result_msg result;
    cql_event event;
  } u;
} cql_response;

#endif
