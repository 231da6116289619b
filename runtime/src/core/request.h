/* Requests: encoding (client side) and decoding (server side).
 *
 * Which flags reach the wire is derived from the struct: a field's has_*
 * boolean (or a non-empty array) turns its flag on, and a decoded request
 * carries exactly the flags that were on the wire, so decoding and then
 * encoding again reproduces the original bytes. */
#ifndef CQL_CORE_REQUEST_H
#define CQL_CORE_REQUEST_H

#include <stdbool.h>

#include "arena.h"
#include "message.h"
#include "wire.h"

/* <flags> of <query_parameters> (QUERY and EXECUTE): a [byte] in v4, an
 * [int] in v5. BATCH uses the same masks for the options it allows. */
enum {
  CQL_QP_VALUES = 0x0001,
  CQL_QP_SKIP_METADATA = 0x0002,
  CQL_QP_PAGE_SIZE = 0x0004,
  CQL_QP_PAGING_STATE = 0x0008,
  CQL_QP_SERIAL_CONSISTENCY = 0x0010,
  CQL_QP_TIMESTAMP = 0x0020,
  CQL_QP_NAMES = 0x0040,
  CQL_QP_KEYSPACE = 0x0080,       /* v5 */
  CQL_QP_NOW_IN_SECONDS = 0x0100, /* v5 */
  CQL_QP_KNOWN_V4 = 0x007F,
  CQL_QP_KNOWN_V5 = 0x01FF,
  /* BATCH: the four low bits never apply, and names for values cannot work
   * (CASSANDRA-10246), so neither is accepted. */
  CQL_BATCH_KNOWN_V4 = 0x0030,
  CQL_BATCH_KNOWN_V5 = 0x01B0
};

/* <flags> of a v5 PREPARE (an [int]; v4 has no flags). */
enum { CQL_PREPARE_KEYSPACE = 0x01 };

/* Appends one whole envelope (header and body) for `req` to `out`.
 * `version` is 4 or 5. `compress_v4` compresses the body with LZ4 and sets
 * the compression flag: v4 only (v5 compresses segments instead, so asking
 * for it there is E_INVALID_ARG); ignored for STARTUP and OPTIONS, which
 * precede the negotiation of compression.
 * The custom payload prefix is written for any opcode when
 * has_custom_payload is set or n_custom_payload > 0 (the spec names QUERY,
 * PREPARE, EXECUTE and BATCH; Cassandra and the Python driver accept it on
 * all). Tracing adds only the header flag: a request body has no tracing id.
 * Fails with E_BAD_VERSION for a version other than 4 or 5, E_UNSUPPORTED
 * for v5-only fields in a v4 request (keyspace, now_in_seconds, a PREPARE
 * keyspace, a non-empty result_metadata_id), E_INVALID_ARG for an opcode
 * that is not a request or inconsistent fields (NULL arrays with a count,
 * an unknown value state or batch type), E_BAD_LENGTH for a field or count
 * too long for its length prefix, E_COMPRESS, E_NOMEM. On failure `out` is
 * left as it was (contents and length); when `out` already carries a
 * sticky error it is returned and nothing is written. */
cql_status cql_request_encode(cql_buf *out, uint8_t version, const cql_request *req,
                              bool compress_v4);

/* Decodes the body of a request envelope (already decompressed): the
 * custom payload the header announces, then the message. Slices in `out`
 * point into `body`; arrays come from `arena`. Both must outlive `out`.
 * `h->length` is not consulted: `body` is the (decompressed) body.
 * Fails with E_BAD_VERSION when h->version is not 4 or 5 (or has the
 * response bit), E_BAD_OPCODE for a non-request opcode, E_BAD_FLAGS for
 * header flags a request cannot carry (warning, unknown bits, compression
 * in v5) and for unknown bits in a message's own flags, E_TRUNCATED,
 * E_BAD_LENGTH (lengths that lie, counts larger than the remaining bytes
 * could hold: checked before allocating, a null where a value is required),
 * E_BAD_MESSAGE (unknown batch type or statement kind), E_TRAILING_BYTES,
 * E_NOMEM (arena exhausted). `*what` (may be NULL) receives a static text
 * naming the problem, or NULL on success. On failure `out` is unspecified. */
cql_status cql_request_decode(const cql_header *h, cql_slice body, cql_arena *arena,
                              cql_request *out, const char **what);

/* ---- building blocks shared by the request_*.c files ------------------ */

/* Checks everything the encoder can refuse before any byte is written. */
cql_status cql_req_validate(uint8_t version, const cql_request *req);
cql_status cql_req_validate_values(const cql_value_arg *v, uint32_t n);

/* Appends the body (custom payload prefix and message) of a request that
 * passed cql_req_validate; errors land in b->err. */
void cql_req_put_body(cql_buf *b, uint8_t version, const cql_request *req);

/* Appends `n` [value]s (each preceded by a [string] name when `named`),
 * without the count. */
void cql_req_put_values(cql_buf *b, const cql_value_arg *v, uint32_t n, bool named);
/* Appends <consistency><flags>... of QUERY and EXECUTE. */
void cql_req_put_query_params(cql_buf *b, uint8_t version, const cql_query_params *p);
/* Appends a whole BATCH message. */
void cql_req_put_batch(cql_buf *b, uint8_t version, const cql_batch_body *batch);

/* Readers: failures land in the cql_rd's sticky error (E_NOMEM when the
 * arena is exhausted). Counts are checked against the bytes left before
 * anything is allocated. */
void cql_req_rd_values(cql_rd *r, cql_arena *a, bool named, const cql_value_arg **out, uint32_t *n);
void cql_req_rd_query_params(cql_rd *r, uint8_t version, cql_arena *a, cql_query_params *p);
void cql_req_rd_batch(cql_rd *r, uint8_t version, cql_arena *a, cql_batch_body *batch);

/* Fails `r` with E_BAD_LENGTH unless `count` items of at least `min_size`
 * bytes each could fit in what is left. */
bool cql_req_rd_count_fits(cql_rd *r, uint32_t count, size_t min_size, const char *what);

#endif
