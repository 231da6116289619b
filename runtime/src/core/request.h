/* Requests: encoding (client side) and decoding (server side). */
#ifndef CQL_CORE_REQUEST_H
#define CQL_CORE_REQUEST_H

#include <stdbool.h>

#include "arena.h"
#include "message.h"
#include "wire.h"

/* Appends one whole envelope (header and body) for `req` to `out`.
 * `version` is 4 or 5. `compress_v4` compresses the body with LZ4 and sets
 * the compression flag (v4 only; never for STARTUP and OPTIONS).
 * Fails with E_UNSUPPORTED for v5-only fields in a v4 request,
 * E_INVALID_ARG for an opcode that is not a request or inconsistent fields,
 * E_BAD_LENGTH for a field too long for its length prefix, E_NOMEM. On
 * failure `out` is left as it was. */
cql_status cql_request_encode(cql_buf *out, uint8_t version, const cql_request *req,
                              bool compress_v4);

/* Decodes the body of a request envelope (already decompressed). Slices in
 * `out` point into `body`; arrays come from `arena`. Fails with
 * E_BAD_OPCODE for a non-request opcode and the wire reader's errors for
 * malformed bodies (`*what`, may be NULL, names the problem). */
cql_status cql_request_decode(const cql_header *h, cql_slice body, cql_arena *arena,
                              cql_request *out, const char **what);

#endif
