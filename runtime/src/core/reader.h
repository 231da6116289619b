/* The incremental reader: bytes arrive in arbitrary pieces, whole envelopes
 * come out.
 *
 * It starts in plain-envelope mode. A v5 connection switches to segment mode
 * once READY or AUTHENTICATE has been exchanged; the caller does that from
 * its envelope callback (cql_reader_set_framing), and the bytes that follow
 * in the same feed are already read as segments. With v4 compression on,
 * bodies flagged as compressed are decompressed before delivery. */
#ifndef CQL_CORE_READER_H
#define CQL_CORE_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "message.h"
#include "wire.h"

typedef struct cql_reader_config {
  /* Largest envelope body accepted; a header announcing more fails with
   * E_FRAME_TOO_LARGE before anything is allocated for it. 0: 256 MiB. */
  size_t max_body_size;
  /* Expect requests (a server) rather than responses (a client): checks the
   * direction bit of the version byte. */
  bool expect_requests;
  const cql_mem *mem; /* NULL: default allocator */
} cql_reader_config;

/* A whole envelope. `body` is owned by the receiver of the callback, who
 * releases it with cql_envelope_free(). */
typedef struct cql_envelope {
  cql_header header;
  uint8_t *body;
  size_t len;
  const cql_mem *mem; /* allocator of `body` */
} cql_envelope;

/* Called for each complete envelope, in order. Returning non-CQL_OK stops
 * the feed, which then returns that status. */
typedef cql_status (*cql_envelope_cb)(void *ud, cql_envelope *env);

typedef struct cql_reader cql_reader;

cql_status cql_reader_new(cql_reader **out, const cql_reader_config *cfg);
void cql_reader_free(cql_reader *r);

/* Switches between plain envelopes and v5 segments (optionally LZ4). */
void cql_reader_set_framing(cql_reader *r, bool segments, bool lz4);
/* v4: decompress bodies that carry the compression flag. */
void cql_reader_set_v4_compression(cql_reader *r, bool lz4);

/* Consumes all `n` bytes, calling `cb` for every envelope completed. After
 * an error the reader is broken: every later feed returns the same error
 * (a connection must be closed). `*what` (may be NULL) receives a static
 * description of the failure. */
cql_status cql_reader_feed(cql_reader *r, const uint8_t *p, size_t n, cql_envelope_cb cb, void *ud,
                           const char **what);

/* Releases an envelope's body; the struct itself is the caller's. */
void cql_envelope_free(cql_envelope *env);

#endif
