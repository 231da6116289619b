/* Bound values and the <query_parameters> shared by QUERY and EXECUTE. */
#include "request.h"

/* ---- values ------------------------------------------------------------ */

cql_status cql_req_validate_values(const cql_value_arg *v, uint32_t n) {
  if (n > UINT16_MAX)
    return CQL_E_BAD_LENGTH;
  if (n > 0 && !v)
    return CQL_E_INVALID_ARG;
  for (uint32_t i = 0; i < n; i++) {
    if (v[i].state != CQL_VALUE_SET && v[i].state != CQL_VALUE_NULL &&
        v[i].state != CQL_VALUE_UNSET)
      return CQL_E_INVALID_ARG;
  }
  return CQL_OK;
}

void cql_req_put_values(cql_buf *b, const cql_value_arg *v, uint32_t n, bool named) {
  for (uint32_t i = 0; i < n; i++) {
    if (named)
      cql_buf_put_string(b, v[i].name);
    if (v[i].state == CQL_VALUE_NULL)
      cql_buf_put_null_bytes(b);
    else if (v[i].state == CQL_VALUE_UNSET)
      cql_buf_put_unset_bytes(b);
    else
      cql_buf_put_bytes(b, v[i].bytes);
  }
}

bool cql_req_rd_count_fits(cql_rd *r, uint32_t count, size_t min_size, const char *what) {
  if (!cql_rd_ok(r))
    return false;
  if ((size_t)count > cql_rd_left(r) / min_size)
    return cql_rd_fail(r, CQL_E_BAD_LENGTH, what);
  return true;
}

void cql_req_rd_values(cql_rd *r, cql_arena *a, bool named, const cql_value_arg **out,
                       uint32_t *n) {
  *out = NULL;
  *n = 0;
  uint16_t count = cql_rd_u16(r);
  /* A [value] is at least its 4-byte length, a name at least 2 more. */
  if (!cql_req_rd_count_fits(r, count, named ? 6 : 4, "value count larger than the body"))
    return;
  if (count == 0)
    return;
  cql_value_arg *v = cql_arena_calloc(a, count, sizeof(*v));
  if (!v) {
    cql_rd_fail(r, CQL_E_NOMEM, "values");
    return;
  }
  for (uint16_t i = 0; i < count && cql_rd_ok(r); i++) {
    if (named)
      v[i].name = cql_rd_string(r);
    int32_t len = cql_rd_value(r, &v[i].bytes, true);
    v[i].state = len == -1 ? CQL_VALUE_NULL : len == -2 ? CQL_VALUE_UNSET : CQL_VALUE_SET;
  }
  *out = v;
  *n = count;
}

/* ---- <query_parameters> ------------------------------------------------ */

static uint32_t query_flags(const cql_query_params *p) {
  uint32_t f = 0;
  if (p->has_values || p->n_values > 0)
    f |= CQL_QP_VALUES;
  if (p->skip_metadata)
    f |= CQL_QP_SKIP_METADATA;
  if (p->has_page_size)
    f |= CQL_QP_PAGE_SIZE;
  if (p->has_paging_state)
    f |= CQL_QP_PAGING_STATE;
  if (p->has_serial_consistency)
    f |= CQL_QP_SERIAL_CONSISTENCY;
  if (p->has_timestamp)
    f |= CQL_QP_TIMESTAMP;
  if (p->named_values)
    f |= CQL_QP_NAMES;
  if (p->has_keyspace)
    f |= CQL_QP_KEYSPACE;
  if (p->has_now_in_seconds)
    f |= CQL_QP_NOW_IN_SECONDS;
  return f;
}

/* v4 writes the flags as one byte, v5 as an [int]. */
static void put_flags(cql_buf *b, uint8_t version, uint32_t flags) {
  if (version >= CQL_PROTOCOL_V5)
    cql_buf_put_u32(b, flags);
  else
    cql_buf_put_u8(b, (uint8_t)flags);
}

void cql_req_put_query_params(cql_buf *b, uint8_t version, const cql_query_params *p) {
  uint32_t flags = query_flags(p);
  cql_buf_put_u16(b, p->consistency);
  put_flags(b, version, flags);
  if (flags & CQL_QP_VALUES) {
    cql_buf_put_u16(b, (uint16_t)p->n_values);
    cql_req_put_values(b, p->values, p->n_values, p->named_values);
  }
  if (p->has_page_size)
    cql_buf_put_i32(b, p->page_size);
  if (p->has_paging_state)
    cql_buf_put_bytes(b, p->paging_state);
  if (p->has_serial_consistency)
    cql_buf_put_u16(b, p->serial_consistency);
  if (p->has_timestamp)
    cql_buf_put_i64(b, p->timestamp);
  if (p->has_keyspace)
    cql_buf_put_string(b, p->keyspace);
  if (p->has_now_in_seconds)
    cql_buf_put_i32(b, p->now_in_seconds);
}

static uint32_t rd_flags(cql_rd *r, uint8_t version, uint32_t known) {
  uint32_t flags = version >= CQL_PROTOCOL_V5 ? cql_rd_u32(r) : cql_rd_u8(r);
  if (cql_rd_ok(r) && (flags & ~known))
    cql_rd_fail(r, CQL_E_BAD_FLAGS, "unknown query flags");
  return flags;
}

/* A paging state is a [bytes] that must be present: null has no meaning. */
static cql_slice rd_paging_state(cql_rd *r) {
  bool is_null = false;
  cql_slice s = cql_rd_bytes(r, &is_null);
  if (cql_rd_ok(r) && is_null)
    cql_rd_fail(r, CQL_E_BAD_LENGTH, "null paging state");
  return s;
}

void cql_req_rd_query_params(cql_rd *r, uint8_t version, cql_arena *a, cql_query_params *p) {
  p->consistency = cql_rd_u16(r);
  uint32_t flags =
      rd_flags(r, version, version >= CQL_PROTOCOL_V5 ? CQL_QP_KNOWN_V5 : CQL_QP_KNOWN_V4);
  p->has_values = flags & CQL_QP_VALUES;
  p->named_values = flags & CQL_QP_NAMES;
  p->skip_metadata = flags & CQL_QP_SKIP_METADATA;
  if (p->has_values)
    cql_req_rd_values(r, a, p->named_values, &p->values, &p->n_values);
  if ((p->has_page_size = flags & CQL_QP_PAGE_SIZE))
    p->page_size = cql_rd_i32(r);
  if ((p->has_paging_state = flags & CQL_QP_PAGING_STATE))
    p->paging_state = rd_paging_state(r);
  if ((p->has_serial_consistency = flags & CQL_QP_SERIAL_CONSISTENCY))
    p->serial_consistency = cql_rd_u16(r);
  if ((p->has_timestamp = flags & CQL_QP_TIMESTAMP))
    p->timestamp = cql_rd_i64(r);
  if ((p->has_keyspace = flags & CQL_QP_KEYSPACE))
    p->keyspace = cql_rd_string(r);
  if ((p->has_now_in_seconds = flags & CQL_QP_NOW_IN_SECONDS))
    p->now_in_seconds = cql_rd_i32(r);
}
