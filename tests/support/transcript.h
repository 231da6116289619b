/* Test helpers for framing: the byte recipes of tests/vectors/segments.tsv,
 * a counting (and failing) allocator, and the recorded Cassandra transcripts
 * under ../shared/reference, turned back into per-connection byte streams
 * and framed into envelopes the way the two peers framed them. */
#ifndef CQLKIT_TRANSCRIPT_H
#define CQLKIT_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"

/* ---- byte recipes ------------------------------------------------------ */

/* Expands a recipe from segments.tsv ('+'-joined parts: "hex:<hex>",
 * "repeat:<hex byte>:<count>", "pattern:<seed>:<start>:<count>"; see
 * tests/vectors/gen_segments.py) into a malloc'ed buffer the caller frees.
 * Aborts on a malformed recipe (a broken vector file is a test bug). The
 * buffer is never NULL, even for zero bytes. */
uint8_t *tu_recipe_expand(const char *recipe, size_t *len);

/* Byte `i` of the pattern stream for `seed` (the generator's definition). */
uint8_t tu_pattern_byte(uint32_t seed, uint32_t i);

/* ---- a counting allocator ---------------------------------------------- */

/* A cql_mem that counts what goes through it and can fail on demand. */
typedef struct tu_counting_mem {
  cql_mem mem;     /* pass &m.mem to the code under test */
  size_t allocs;   /* successful malloc and realloc(NULL, ..) calls */
  size_t reallocs; /* successful realloc of a live block */
  size_t frees;    /* free of a live block */
  size_t live;     /* blocks not yet freed */
  size_t largest;  /* largest size ever requested */
  size_t fail_at;  /* 0: never fail; n: the n-th request from now fails */
  size_t requests; /* malloc and realloc calls so far, failed ones too */
} tu_counting_mem;

/* Zeroes the counters and wires `mem` to them; `m` must outlive every
 * block allocated through it. */
void tu_counting_mem_init(tu_counting_mem *m);

/* ---- transcripts ------------------------------------------------------- */

/* The bytes one side sent, and where each recorded TCP read ended. */
typedef struct tu_stream {
  uint8_t *data;
  size_t len;
  size_t *chunk_ends; /* chunk_ends[i]: offset just past read i */
  size_t n_chunks;
} tu_stream;

typedef struct tu_conn {
  int conn;
  tu_stream c2s, s2c;
} tu_conn;

typedef struct tu_transcript {
  tu_conn *conns; /* in order of first appearance */
  size_t n_conns;
} tu_transcript;

/* Reads a transcript (.jsonl: one {"conn", "dir", "t", "hex"} object per
 * line) and concatenates each connection's bytes per direction. False when
 * the file cannot be read; aborts on a malformed line. Free with
 * tu_transcript_free(). */
bool tu_transcript_load(tu_transcript *t, const char *path);
/* Releases every stream; `t` may be loaded again. */
void tu_transcript_free(tu_transcript *t);

/* A growable list of delivered envelopes (their bodies owned by the list). */
typedef struct tu_envelopes {
  cql_envelope *items;
  size_t n, cap;
} tu_envelopes;

/* An empty list (no allocation yet). */
void tu_envelopes_init(tu_envelopes *l);
/* Frees every body (cql_envelope_free) and the list. */
void tu_envelopes_free(tu_envelopes *l);
/* An envelope callback (cql_envelope_cb) appending to the tu_envelopes `ud`. */
cql_status tu_envelopes_append(void *ud, cql_envelope *env);
/* True when both lists hold the same headers and bodies in the same order. */
bool tu_envelopes_equal(const tu_envelopes *a, const tu_envelopes *b);

/* How the client's STARTUP set up a connection. */
typedef struct tu_startup {
  bool seen;
  uint8_t version; /* low 7 bits of STARTUP's version byte */
  bool lz4;        /* COMPRESSION=lz4 was asked for */
} tu_startup;

/* Finds the STARTUP in a connection's c2s bytes (framing plain envelopes
 * until it). */
tu_startup tu_conn_startup(const tu_conn *c);

/* Feed sizes for tu_conn_frame. */
enum { TU_FEED_RECORDED = 0 /* as the TCP reads were recorded */ };
#define TU_FEED_WHOLE SIZE_MAX

/* Frames one direction of a connection with a cql_reader the way its
 * receiver would: plain envelopes, then, on v5, segments (LZ4 when STARTUP
 * asked for it) after STARTUP (c2s) or after READY/AUTHENTICATE (s2c); on
 * v4 with LZ4, compressed bodies are decompressed. `feed` is the size of
 * the pieces fed (TU_FEED_RECORDED, TU_FEED_WHOLE or a byte count).
 * Appends the envelopes to `out`; returns the reader's status with its
 * description in *what (may be NULL), and E_TRUNCATED when the bytes end
 * inside an envelope or segment. */
cql_status tu_conn_frame(const tu_conn *c, bool s2c, size_t feed, tu_envelopes *out,
                         const char **what);

#endif
