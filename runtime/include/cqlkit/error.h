/* cqlkit status codes.
 *
 * Every fallible cqlkit function returns a cql_status. Codes come from one
 * table (CQL_STATUS_MAP) so that names, sources and descriptions can never
 * drift apart. Errors reported by a server keep the server's own error code
 * (see CQL_SERVER_ERROR_MAP) and map one-to-one onto a CQL_E_SERVER_* status.
 *
 * Thread safety: every function in this header is pure and may be called
 * from any thread. */
#ifndef CQLKIT_ERROR_H
#define CQLKIT_ERROR_H

#include <stdint.h>

#include "cqlkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where an error comes from. */
typedef enum cql_error_source {
  CQL_SOURCE_NONE = 0,
  CQL_SOURCE_CLIENT,   /* misuse of the API or local resource failure */
  CQL_SOURCE_PROTOCOL, /* bytes that do not follow the native protocol */
  CQL_SOURCE_NETWORK,  /* connection, timeout and host availability */
  CQL_SOURCE_TLS,      /* OpenSSL handshake and verification */
  CQL_SOURCE_SERVER,   /* an ERROR message sent by the server */
  CQL_SOURCE_CODEGEN   /* generated code meeting data it was not made for */
} cql_error_source;

/* X(NAME, SOURCE, DESCRIPTION) */
#define CQL_STATUS_MAP(X)                                                                          \
  X(OK, NONE, "success")                                                                           \
  /* client */                                                                                     \
  X(E_NOMEM, CLIENT, "out of memory")                                                              \
  X(E_INVALID_ARG, CLIENT, "invalid argument")                                                     \
  X(E_BAD_STATE, CLIENT, "operation not valid in the object's current state")                      \
  X(E_OVERFLOW, CLIENT, "value does not fit the target type")                                      \
  X(E_TYPE_MISMATCH, CLIENT, "value type does not match the column type")                          \
  X(E_NOT_FOUND, CLIENT, "no such column, field or entry")                                         \
  X(E_NULL_VALUE, CLIENT, "value is null")                                                         \
  X(E_CANCELLED, CLIENT, "request cancelled because its session closed")                           \
  X(E_UNSUPPORTED, CLIENT, "feature not supported by the negotiated protocol version")             \
  /* protocol */                                                                                   \
  X(E_TRUNCATED, PROTOCOL, "input ended in the middle of a value")                                 \
  X(E_BAD_LENGTH, PROTOCOL, "a length field is negative or larger than its container")             \
  X(E_TRAILING_BYTES, PROTOCOL, "bytes left over after the end of a message or value")             \
  X(E_FRAME_TOO_LARGE, PROTOCOL, "frame length exceeds the configured maximum")                    \
  X(E_BAD_CRC, PROTOCOL, "segment checksum mismatch")                                              \
  X(E_BAD_VERSION, PROTOCOL, "unsupported or unexpected protocol version")                         \
  X(E_BAD_OPCODE, PROTOCOL, "unknown or unexpected opcode")                                        \
  X(E_BAD_FLAGS, PROTOCOL, "invalid or unsupported flags")                                         \
  X(E_BAD_TYPE, PROTOCOL, "unknown or malformed type")                                             \
  X(E_BAD_VALUE, PROTOCOL, "value is malformed for its type")                                      \
  X(E_TOO_DEEP, PROTOCOL, "types or values nested too deeply")                                     \
  X(E_DECOMPRESS, PROTOCOL, "compressed payload could not be decompressed")                        \
  X(E_COMPRESS, PROTOCOL, "payload could not be compressed")                                       \
  X(E_BAD_MESSAGE, PROTOCOL, "message body is malformed")                                          \
  /* network */                                                                                    \
  X(E_CONNECT, NETWORK, "could not connect to the host")                                           \
  X(E_CONNECTION_CLOSED, NETWORK, "connection closed")                                             \
  X(E_TIMEOUT, NETWORK, "request timed out")                                                       \
  X(E_NO_HOSTS, NETWORK, "no host available to serve the request")                                 \
  X(E_STREAMS_EXHAUSTED, NETWORK, "no free stream id on any connection")                           \
  X(E_PROTOCOL_NEGOTIATION, NETWORK, "server does not support an acceptable protocol version")     \
  X(E_AUTH, NETWORK, "authentication failed")                                                      \
  /* tls */                                                                                        \
  X(E_TLS, TLS, "TLS failure")                                                                     \
  X(E_TLS_VERIFY, TLS, "TLS peer certificate is not trusted")                                      \
  X(E_TLS_HOSTNAME, TLS, "TLS peer certificate does not match the host name")                      \
  /* server (see CQL_SERVER_ERROR_MAP for the wire codes) */                                       \
  X(E_SERVER_ERROR, SERVER, "server error")                                                        \
  X(E_SERVER_PROTOCOL_ERROR, SERVER, "server reported a protocol error")                           \
  X(E_SERVER_BAD_CREDENTIALS, SERVER, "bad credentials")                                           \
  X(E_SERVER_UNAVAILABLE, SERVER, "not enough replicas alive")                                     \
  X(E_SERVER_OVERLOADED, SERVER, "coordinator overloaded")                                         \
  X(E_SERVER_IS_BOOTSTRAPPING, SERVER, "coordinator is bootstrapping")                             \
  X(E_SERVER_TRUNCATE_ERROR, SERVER, "truncate failed")                                            \
  X(E_SERVER_WRITE_TIMEOUT, SERVER, "write timed out on the replicas")                             \
  X(E_SERVER_READ_TIMEOUT, SERVER, "read timed out on the replicas")                               \
  X(E_SERVER_READ_FAILURE, SERVER, "read failed on the replicas")                                  \
  X(E_SERVER_FUNCTION_FAILURE, SERVER, "user-defined function failed")                             \
  X(E_SERVER_WRITE_FAILURE, SERVER, "write failed on the replicas")                                \
  X(E_SERVER_CDC_WRITE_FAILURE, SERVER, "CDC space exhausted")                                     \
  X(E_SERVER_CAS_WRITE_UNKNOWN, SERVER, "outcome of the compare-and-set is unknown")               \
  X(E_SERVER_SYNTAX_ERROR, SERVER, "CQL syntax error")                                             \
  X(E_SERVER_UNAUTHORIZED, SERVER, "not authorized")                                               \
  X(E_SERVER_INVALID, SERVER, "invalid query")                                                     \
  X(E_SERVER_CONFIG_ERROR, SERVER, "configuration error")                                          \
  X(E_SERVER_ALREADY_EXISTS, SERVER, "keyspace or table already exists")                           \
  X(E_SERVER_UNPREPARED, SERVER, "prepared statement unknown to the server")                       \
  /* codegen */                                                                                    \
  X(E_CODEGEN_SCHEMA_MISMATCH, CODEGEN, "result does not match the generated row type")

typedef enum cql_status {
#define CQL_STATUS_ENUM_(name, source, desc) CQL_##name,
  CQL_STATUS_MAP(CQL_STATUS_ENUM_)
#undef CQL_STATUS_ENUM_
      CQL_STATUS_COUNT_
} cql_status;

/* X(NAME, STATUS, WIRE_CODE): the error codes of the native protocol's ERROR
 * message and the CQL_E_SERVER_<STATUS> each maps to. */
#define CQL_SERVER_ERROR_MAP(X)                                                                    \
  X(SERVER_ERROR, ERROR, 0x0000)                                                                   \
  X(PROTOCOL_ERROR, PROTOCOL_ERROR, 0x000A)                                                        \
  X(BAD_CREDENTIALS, BAD_CREDENTIALS, 0x0100)                                                      \
  X(UNAVAILABLE, UNAVAILABLE, 0x1000)                                                              \
  X(OVERLOADED, OVERLOADED, 0x1001)                                                                \
  X(IS_BOOTSTRAPPING, IS_BOOTSTRAPPING, 0x1002)                                                    \
  X(TRUNCATE_ERROR, TRUNCATE_ERROR, 0x1003)                                                        \
  X(WRITE_TIMEOUT, WRITE_TIMEOUT, 0x1100)                                                          \
  X(READ_TIMEOUT, READ_TIMEOUT, 0x1200)                                                            \
  X(READ_FAILURE, READ_FAILURE, 0x1300)                                                            \
  X(FUNCTION_FAILURE, FUNCTION_FAILURE, 0x1400)                                                    \
  X(WRITE_FAILURE, WRITE_FAILURE, 0x1500)                                                          \
  X(CDC_WRITE_FAILURE, CDC_WRITE_FAILURE, 0x1600)                                                  \
  X(CAS_WRITE_UNKNOWN, CAS_WRITE_UNKNOWN, 0x1700)                                                  \
  X(SYNTAX_ERROR, SYNTAX_ERROR, 0x2000)                                                            \
  X(UNAUTHORIZED, UNAUTHORIZED, 0x2100)                                                            \
  X(INVALID, INVALID, 0x2200)                                                                      \
  X(CONFIG_ERROR, CONFIG_ERROR, 0x2300)                                                            \
  X(ALREADY_EXISTS, ALREADY_EXISTS, 0x2400)                                                        \
  X(UNPREPARED, UNPREPARED, 0x2500)

typedef enum cql_server_error {
#define CQL_SERVER_ERROR_ENUM_(name, status, code) CQL_SERVER_##name = code,
  CQL_SERVER_ERROR_MAP(CQL_SERVER_ERROR_ENUM_)
#undef CQL_SERVER_ERROR_ENUM_
} cql_server_error;

/* "CQL_E_TIMEOUT" for CQL_E_TIMEOUT; "CQL_E_UNKNOWN" for a value outside
 * the table. The string is static. */
CQL_EXPORT const char *cql_status_name(cql_status status);

/* A one-line English description; static, never NULL. */
CQL_EXPORT const char *cql_status_describe(cql_status status);

/* Which part of the system a status comes from. */
CQL_EXPORT cql_error_source cql_status_source(cql_status status);

/* Maps a wire error code from an ERROR message to its status. Unknown codes
 * map to CQL_E_SERVER_ERROR, so a newer server never yields CQL_OK. */
CQL_EXPORT cql_status cql_status_from_server_code(int32_t wire_code);

/* The wire code of a CQL_E_SERVER_* status, or -1 for other statuses. */
CQL_EXPORT int32_t cql_status_server_code(cql_status status);

/* "UNAVAILABLE" for 0x1000, NULL for codes the protocol does not define. */
CQL_EXPORT const char *cql_server_error_name(int32_t wire_code);

#ifdef __cplusplus
}
#endif

#endif
