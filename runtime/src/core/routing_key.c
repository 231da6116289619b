/* Routing keys: the bytes a partition key's token is computed from. */
#include "murmur3.h"

void cql_routing_key_build(cql_buf *out, const cql_slice *parts, size_t n) {
  if (n == 1) {
    cql_buf_put_raw(out, parts[0].ptr, parts[0].len);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (parts[i].len > UINT16_MAX) {
      if (out->err == CQL_OK)
        out->err = CQL_E_BAD_LENGTH;
      return;
    }
    cql_buf_put_u16(out, (uint16_t)parts[i].len);
    cql_buf_put_raw(out, parts[i].ptr, parts[i].len);
    cql_buf_put_u8(out, 0);
  }
}
