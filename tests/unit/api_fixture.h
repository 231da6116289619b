/* Shared by the test_api_*.c files: results and prepared statements built
 * from the envelopes of tests/vectors/responses.tsv. */
#ifndef CQLKIT_TEST_API_FIXTURE_H
#define CQLKIT_TEST_API_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "api_internal.h"
#include "envelope.h"
#include "response.h"
#include "testutil.h"

/* The envelope bytes of response vector `name` (malloc'ed; caller frees). */
static inline uint8_t *fx_envelope(const char *name, size_t *len) {
  tu_vector_file vf;
  tu_vectors_load(&vf, "responses.tsv");
  const tu_vector_line *l = tu_vectors_find(&vf, "response", name);
  assert_non_null(l);
  uint8_t *env = tu_hex_decode(l->fields[l->n_fields - 1], len);
  tu_vectors_free(&vf);
  return env;
}

/* A result decoded from envelope bytes, with `ctx` (may be NULL). */
static inline cql_result *fx_result_bytes(const uint8_t *env, size_t len,
                                          const cql_result_ctx *ctx) {
  cql_header h;
  assert_true(len >= CQL_HEADER_SIZE);
  assert_int_equal(cql_header_decode(env, &h), CQL_OK);
  cql_result *r = NULL;
  cql_slice body = {env + CQL_HEADER_SIZE, len - CQL_HEADER_SIZE};
  assert_int_equal(cql_result_from_body(&h, body, ctx, &r), CQL_OK);
  assert_non_null(r);
  return r;
}

/* The result of response vector `name`. */
static inline cql_result *fx_result(const char *name, const cql_result_ctx *ctx) {
  size_t len;
  uint8_t *env = fx_envelope(name, &len);
  cql_result *r = fx_result_bytes(env, len, ctx);
  free(env);
  return r;
}

/* A prepared statement from a PREPARED response vector. */
static inline cql_prepared *fx_prepared(const char *name, const char *query) {
  cql_result *r = fx_result(name, NULL);
  const cql_response *resp = cql_result_response(r);
  assert_non_null(resp);
  cql_prepared *p = NULL;
  assert_int_equal(cql_prepared_from_msg(&resp->u.result, query, NULL, NULL, &p), CQL_OK);
  cql_result_release(r);
  return p;
}

#endif
