/* Fuzzes cql_request_decode, the entry point the test node feeds with every
 * request it receives, and the encoder behind it.
 *
 * Input: byte 0 picks the version (bit 0: v4 or v5) and whether to also
 * try v4 compression (bit 1); byte 1 picks the opcode (any value, so that
 * non-request opcodes are exercised too, but the eight request opcodes are
 * mapped from the low three bits when bit 7 is clear); byte 2 is the raw
 * header flags; the rest is the body.
 *
 * Whatever decodes must encode again to exactly the same body (the codec
 * keeps every flag it read), and decoding that must give the same bytes
 * once more. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "request.h"

static const uint8_t OPCODES[8] = {CQL_OP_STARTUP,  CQL_OP_OPTIONS,      CQL_OP_QUERY,
                                   CQL_OP_PREPARE,  CQL_OP_EXECUTE,      CQL_OP_BATCH,
                                   CQL_OP_REGISTER, CQL_OP_AUTH_RESPONSE};

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      abort();                                                                                     \
  } while (0)

/* Encodes `r` and returns its body through *body (a view into `out`). */
static void encode(cql_buf *out, uint8_t version, const cql_request *r, cql_header *h,
                   cql_slice *body) {
  cql_buf_reset(out);
  CHECK(cql_request_encode(out, version, r, false) == CQL_OK);
  CHECK(out->len >= CQL_HEADER_SIZE);
  CHECK(cql_header_decode(out->data, h) == CQL_OK);
  CHECK(h->length == out->len - CQL_HEADER_SIZE);
  *body = (cql_slice){out->data + CQL_HEADER_SIZE, h->length};
}

/* v4 compression must give back the same body after decompression. */
static void check_compressed(uint8_t version, const cql_request *r, cql_slice body) {
  cql_buf z, plain;
  cql_buf_init(&z, NULL);
  cql_buf_init(&plain, NULL);
  CHECK(cql_request_encode(&z, version, r, true) == CQL_OK);
  cql_header h;
  CHECK(cql_header_decode(z.data, &h) == CQL_OK);
  cql_slice zbody = {z.data + CQL_HEADER_SIZE, z.len - CQL_HEADER_SIZE};
  if (h.flags & CQL_FLAG_COMPRESSION) {
    CHECK(cql_body_decompress_v4(&plain, zbody, 1u << 24) == CQL_OK);
    zbody = (cql_slice){plain.data, plain.len};
  }
  CHECK(cql_slice_eq(zbody, body));
  cql_buf_free(&z);
  cql_buf_free(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3)
    return 0;
  uint8_t version = (data[0] & 1) ? CQL_PROTOCOL_V5 : CQL_PROTOCOL_V4;
  uint8_t opcode = (data[1] & 0x80) ? (uint8_t)(data[1] & 0x7F) : OPCODES[data[1] & 7];
  cql_header h = {.version = version, .flags = data[2], .stream = 7, .opcode = opcode};
  cql_slice body = {data + 3, size - 3};
  h.length = (uint32_t)body.len;

  cql_arena arena;
  cql_arena_init(&arena, NULL);
  arena.limit = 1u << 24;
  cql_request r1, r2;
  const char *what = NULL;
  if (cql_request_decode(&h, body, &arena, &r1, &what) != CQL_OK) {
    CHECK(what != NULL);
    cql_arena_free(&arena);
    return 0;
  }
  CHECK(what == NULL);

  cql_buf out1, out2;
  cql_buf_init(&out1, NULL);
  cql_buf_init(&out2, NULL);
  cql_header h1, h2;
  cql_slice body1, body2;
  encode(&out1, version, &r1, &h1, &body1);
  CHECK(cql_slice_eq(body1, body));
  CHECK(h1.opcode == opcode && h1.stream == 7);
  CHECK(h1.flags == (h.flags & (uint8_t)~CQL_FLAG_COMPRESSION));

  CHECK(cql_request_decode(&h1, body1, &arena, &r2, &what) == CQL_OK);
  encode(&out2, version, &r2, &h2, &body2);
  CHECK(out1.len == out2.len && memcmp(out1.data, out2.data, out1.len) == 0);

  if ((data[0] & 2) && version == CQL_PROTOCOL_V4)
    check_compressed(version, &r1, body);

  cql_buf_free(&out1);
  cql_buf_free(&out2);
  cql_arena_free(&arena);
  return 0;
}
