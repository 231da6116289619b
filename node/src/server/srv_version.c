/* Refusing a protocol version the way Cassandra 4.0 does: a PROTOCOL_ERROR
 * naming the supported versions, in an envelope the client can parse.
 *
 * Cassandra answers v1/v2 clients in their own 8-byte header layout, v3 in
 * v3 (its header is v4's), and anything newer or unknown (v6, the DSE 0x41
 * and 0x42 probes, garbage) in its highest version. We support only v4 and
 * v5, so a v3 client is refused too, answered in v3; the rest follow
 * Cassandra with our highest version. */
#include <stdio.h>
#include <string.h>

#include "srv_impl.h"

/* A v1/v2 response: version, flags, one-byte stream, opcode, length. */
static void refuse_v1_v2(cql_sconn *c, uint8_t version, uint8_t stream, const char *msg) {
  size_t mlen = strlen(msg);
  cql_buf *b = &c->out;
  cql_buf_put_u8(b, (uint8_t)(version | CQL_VERSION_RESPONSE_BIT));
  cql_buf_put_u8(b, 0);
  cql_buf_put_u8(b, stream);
  cql_buf_put_u8(b, CQL_OP_ERROR);
  cql_buf_put_u32(b, (uint32_t)(4 + 2 + mlen));
  cql_buf_put_i32(b, CQL_SERVER_PROTOCOL_ERROR);
  cql_buf_put_string(b, cql_slice_from_cstr(msg));
}

void cql_sconn_refuse_version(cql_sconn *c, const uint8_t *peek) {
  uint8_t asked = peek[0] & 0x7F;
  char versions[64];
  char msg[160];
  cql_srv_versions_text(c->srv, versions, sizeof(versions));
  snprintf(msg, sizeof(msg),
           "Invalid or unsupported protocol version (%u); supported versions are (%s)", asked,
           versions);
  cql_srv_logf(c->srv, "refusing protocol version %u", asked);
  if (asked == 1 || asked == 2) {
    refuse_v1_v2(c, asked, peek[2], msg);
    return;
  }
  c->version = asked == 3 ? 3 : c->srv->max_version;
  c->framed = false;
  c->compress_v4 = false;
  int16_t stream = (int16_t)cql_load_u16(peek + 2);
  cql_sconn_emit_error(c, stream, CQL_SERVER_PROTOCOL_ERROR, msg);
}
