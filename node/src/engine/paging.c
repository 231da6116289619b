#include "paging.h"

#include <string.h>

#include "wire.h"

enum { PAGING_MAGIC = 0xC7, PAGING_VERSION = 1, MAX_CK = 64 };

cql_slice cql_paging_encode(cql_arena *a, const cql_page_pos *pos) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_buf_put_u8(&b, PAGING_MAGIC);
  cql_buf_put_u8(&b, PAGING_VERSION);
  cql_buf_put_u8(&b, pos->partition_done ? 1 : 0);
  cql_buf_put_i64(&b, pos->token);
  cql_buf_put_bytes(&b, pos->key);
  cql_buf_put_u16(&b, (uint16_t)pos->n_ck);
  for (uint32_t i = 0; i < pos->n_ck; i++)
    cql_buf_put_bytes(&b, pos->ck[i]);
  cql_buf_put_i64(&b, pos->total);
  cql_buf_put_i64(&b, pos->in_partition);
  cql_slice out = {NULL, 0};
  if (!b.err) {
    uint8_t *p = cql_arena_alloc(a, b.len);
    if (p) {
      memcpy(p, b.data, b.len);
      out = (cql_slice){p, b.len};
    }
  }
  cql_buf_free(&b);
  return out;
}

bool cql_paging_decode(cql_arena *a, cql_slice in, cql_page_pos *pos) {
  memset(pos, 0, sizeof(*pos));
  cql_rd r;
  cql_rd_init(&r, in.ptr, in.len);
  if (cql_rd_u8(&r) != PAGING_MAGIC || cql_rd_u8(&r) != PAGING_VERSION)
    return false;
  uint8_t flags = cql_rd_u8(&r);
  pos->partition_done = flags & 1;
  pos->token = cql_rd_i64(&r);
  bool is_null = false;
  pos->key = cql_rd_bytes(&r, &is_null);
  pos->n_ck = cql_rd_u16(&r);
  if (!cql_rd_ok(&r) || is_null || pos->n_ck > MAX_CK)
    return false;
  pos->ck = cql_arena_calloc(a, pos->n_ck + 1, sizeof(cql_slice));
  if (!pos->ck)
    return false;
  for (uint32_t i = 0; i < pos->n_ck; i++) {
    pos->ck[i] = cql_rd_bytes(&r, &is_null);
    if (is_null)
      return false;
  }
  pos->total = cql_rd_i64(&r);
  pos->in_partition = cql_rd_i64(&r);
  return cql_rd_ok(&r) && cql_rd_left(&r) == 0 && pos->total >= 0 && pos->in_partition >= 0;
}
