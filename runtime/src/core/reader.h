/* The incremental reader: bytes arrive in arbitrary pieces, whole envelopes
 * come out.
 *
 * It starts in plain-envelope mode. A v5 connection switches to segment mode
 * once READY or AUTHENTICATE has been exchanged; the caller does that from
 * its envelope callback (cql_reader_set_framing), and the bytes that follow
 * in the same feed are already read as segments. With v4 compression on,
 * bodies flagged as compressed are decompressed before delivery.
 *
 * Each envelope body is copied once, from the input (or from the
 * decompressed segment payload) into the buffer handed to the callback;
 * only a segment split across feeds is gathered in an internal buffer first,
 * because its CRC32 must be checked before any of it is used.
 *
 * A reader is not thread-safe; one thread feeds it. The callback must not
 * feed or free the reader it is called from. */
#ifndef CQL_CORE_READER_H
#define CQL_CORE_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "message.h"
#include "wire.h"

typedef struct cql_reader_config {
  /* Largest envelope body accepted (after v4 decompression too); a header
   * announcing more fails with E_FRAME_TOO_LARGE before anything is
   * allocated for it. 0: 256 MiB. */
  size_t max_body_size;
  /* Expect requests (a server) rather than responses (a client): checks the
   * direction bit of the version byte (E_BAD_VERSION on a mismatch). */
  bool expect_requests;
  const cql_mem *mem; /* NULL: default allocator; copied */
} cql_reader_config;

enum { CQL_READER_DEFAULT_MAX_BODY = 256 * 1024 * 1024 };

/* A whole envelope. `body` is owned by the receiver of the callback, who
 * releases it with cql_envelope_free(); it may outlive the reader. It is
 * never NULL, even when `len` is 0. `header.length` equals `len`: a v4 body
 * that arrived compressed is delivered decompressed, with
 * CQL_FLAG_COMPRESSION cleared. */
typedef struct cql_envelope {
  cql_header header;
  uint8_t *body;
  size_t len;
  cql_mem mem; /* allocator of `body` (a copy, so the reader may go first) */
} cql_envelope;

/* Called for each complete envelope, in order; `env` is the callback's to
 * keep or free. Returning non-CQL_OK stops the feed, which then returns that
 * status and leaves the reader broken (the rest of the input was not read). */
typedef cql_status (*cql_envelope_cb)(void *ud, cql_envelope *env);

typedef struct cql_reader cql_reader;

/* Creates a reader in plain-envelope mode without v4 compression. `cfg`
 * may be NULL (a client's defaults). E_INVALID_ARG, E_NOMEM. The caller
 * frees it with cql_reader_free(). */
cql_status cql_reader_new(cql_reader **out, const cql_reader_config *cfg);

/* Releases the reader and anything partially received. NULL is a no-op.
 * Envelopes already delivered are not affected. */
void cql_reader_free(cql_reader *r);

/* Switches between plain envelopes and v5 segments (optionally LZ4). The
 * change applies from the next envelope or segment boundary: called from
 * the envelope callback, that is the byte right after the envelope (or
 * after the segment that carried it). A unit already partly received is
 * finished under the framing it began with; switching to plain envelopes
 * while an envelope split over segments is incomplete breaks the reader
 * (E_BAD_STATE on the next feed). */
void cql_reader_set_framing(cql_reader *r, bool segments, bool lz4);
/* v4: decompress bodies that carry the compression flag. Without it such a
 * body is an error (E_BAD_FLAGS). The flag is ignored on v5 envelopes, as
 * the v5 spec says. */
void cql_reader_set_v4_compression(cql_reader *r, bool lz4);

/* Consumes all `n` bytes, calling `cb` for every envelope completed. After
 * an error the reader is broken: every later feed returns the same error
 * (a connection must be closed). `*what` (may be NULL) receives a static
 * description of the failure (NULL on success).
 * Errors: E_BAD_VERSION (version or direction), E_BAD_LENGTH,
 * E_FRAME_TOO_LARGE, E_BAD_CRC, E_DECOMPRESS, E_BAD_FLAGS, E_NOMEM,
 * E_BAD_STATE, E_INVALID_ARG (NULL callback), or the callback's status. */
cql_status cql_reader_feed(cql_reader *r, const uint8_t *p, size_t n, cql_envelope_cb cb, void *ud,
                           const char **what);

/* True when no partial envelope or segment is held: the bytes fed so far
 * ended exactly at a boundary (e.g. a connection may close cleanly). */
bool cql_reader_idle(const cql_reader *r);

/* Releases an envelope's body and clears `body` and `len`; the struct
 * itself is the caller's. Safe to call twice. */
void cql_envelope_free(cql_envelope *env);

#endif
