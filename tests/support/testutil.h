/* Helpers shared by the C tests: hex, files and the vector files. */
#ifndef CQLKIT_TESTUTIL_H
#define CQLKIT_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Decodes hex (whitespace ignored) into a malloc'ed buffer; aborts on bad
 * input, since a broken vector file is a test bug. Caller frees. */
uint8_t *tu_hex_decode(const char *hex, size_t *len);

/* Lower-case hex of `n` bytes, malloc'ed; caller frees. */
char *tu_hex_encode(const uint8_t *p, size_t n);

/* Reads a whole file; NULL when it cannot be read. Caller frees. */
char *tu_read_file(const char *path, size_t *len);

/* Path under the source tree (CQLKIT_SOURCE_DIR) or the shared reference
 * directory; returns a static buffer overwritten by the next call. */
const char *tu_source_path(const char *rel);
const char *tu_reference_path(const char *rel);

/* A vector file: lines of tab-separated fields; '#' lines and blank lines
 * are skipped. */
typedef struct tu_vector_line {
  char **fields;
  size_t n_fields;
  size_t line_no;
} tu_vector_line;

typedef struct tu_vector_file {
  tu_vector_line *lines;
  size_t n_lines;
  char *text;
} tu_vector_file;

/* Loads `rel` under tests/vectors/; aborts if missing (a test bug). */
void tu_vectors_load(tu_vector_file *vf, const char *rel);
void tu_vectors_free(tu_vector_file *vf);

/* Finds the first line whose first two fields are `kind` and `name`. */
const tu_vector_line *tu_vectors_find(const tu_vector_file *vf, const char *kind, const char *name);

#endif
