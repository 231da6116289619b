/* Arbitrary bytes into a server connection: never a crash, never a leak.
 *
 * The first input byte picks the setup (authentication on or off, v4-only)
 * so the fuzzer reaches both handshakes; the rest is fed in pieces whose
 * sizes come from the input too, to exercise every split. Creating an
 * engine costs tens of milliseconds, so each setup's server is made once
 * and kept (its data grows a little, as a real node's would). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  static cql_srv *servers[4];
  cql_srv **slot = &servers[data[0] & 3];
  if (!*slot) {
    cql_srv_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_frame_bytes = 1 << 20;
    cfg.engine.max_store_bytes = 16 << 20;
    if (data[0] & 1) {
      cfg.auth_user = "cassandra";
      cfg.auth_password = "cassandra";
    }
    if (data[0] & 2)
      cfg.max_version = 4;
    if (cql_srv_new(&cfg, slot) != CQL_OK)
      return 0;
  }
  cql_srv *s = *slot;
  cql_sconn *c = NULL, *other = NULL;
  if (cql_sconn_new(s, 0, &c) != CQL_OK || cql_sconn_new(s, 0, &other) != CQL_OK) {
    cql_sconn_free(c);
    return 0;
  }
  size_t step = (size_t)(data[0] >> 2) + 1;
  cql_buf out;
  cql_buf_init(&out, NULL);
  for (size_t i = 1; i < size; i += step) {
    size_t n = size - i < step ? size - i : step;
    cql_status st = cql_sconn_feed(c, data + i, n);
    cql_sconn_take_output(c, &out);
    cql_sconn_take_output(other, &out);
    cql_buf_reset(&out);
    if (st != CQL_OK)
      break;
  }
  cql_buf_free(&out);
  cql_sconn_free(c);
  cql_sconn_free(other);
  return 0;
}
