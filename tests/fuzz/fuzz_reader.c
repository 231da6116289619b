/* cql_reader fed arbitrary bytes in arbitrary pieces, in every framing.
 *
 * Input: one option byte, then chunks, each a length byte (n + 1 bytes
 * follow, fewer at the end) and its bytes. Options: bit 0 segments from the
 * start, bit 1 LZ4 segments, bit 2 v4 compression, bit 3 read requests,
 * bit 4 switch to segments after STARTUP/READY/AUTHENTICATE (bit 5: with
 * LZ4) as a connection does. */
#include <stdint.h>
#include <stdlib.h>

#include "reader.h"

typedef struct fuzz_ctx {
  cql_reader *r;
  uint8_t opts;
} fuzz_ctx;

static cql_status on_env(void *ud, cql_envelope *env) {
  fuzz_ctx *c = ud;
  if (!env->body || env->len != env->header.length)
    abort();
  uint8_t op = env->header.opcode;
  if ((c->opts & 0x10) && (op == CQL_OP_STARTUP || op == CQL_OP_READY || op == CQL_OP_AUTHENTICATE))
    cql_reader_set_framing(c->r, true, (c->opts & 0x20) != 0);
  cql_envelope_free(env);
  return CQL_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  fuzz_ctx c = {NULL, data[0]};
  /* A small limit keeps hostile lengths from turning into slow, huge (but
   * legitimate) allocations. */
  cql_reader_config cfg = {1u << 20, (c.opts & 0x08) != 0, NULL};
  if (cql_reader_new(&c.r, &cfg) != CQL_OK)
    return 0;
  cql_reader_set_framing(c.r, (c.opts & 0x01) != 0, (c.opts & 0x02) != 0);
  cql_reader_set_v4_compression(c.r, (c.opts & 0x04) != 0);
  size_t pos = 1;
  cql_status st = CQL_OK;
  while (pos < size && st == CQL_OK) {
    size_t n = (size_t)data[pos++] + 1;
    if (n > size - pos)
      n = size - pos;
    st = cql_reader_feed(c.r, data + pos, n, on_env, &c, NULL);
    pos += n;
  }
  /* errors are final */
  if (st != CQL_OK) {
    const char *what = NULL;
    if (cql_reader_feed(c.r, data, 1, on_env, &c, &what) != st || !what)
      abort();
  }
  cql_reader_free(c.r);
  return 0;
}
