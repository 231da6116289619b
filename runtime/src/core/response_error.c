/* ERROR bodies: <code><message> and the extra fields of each code.
 *
 * Three codes changed shape in v5: WRITE_TIMEOUT gained a contention count
 * when the write type is CAS, and READ_FAILURE/WRITE_FAILURE replaced the
 * failure count with a map of replica address to reason code. The version
 * alone decides which form is on the wire. */
#include <string.h>

#include "response_impl.h"

static bool is_cas(cql_slice write_type) { return cql_slice_eq_cstr(write_type, "CAS"); }

/* ---- decode -------------------------------------------------------- */

/* <cl><received><blockfor>, the common start of the timeout and failure
 * bodies. (UNAVAILABLE has <cl><required><alive>: see below.) */
static void read_cl_counts(cql_rd *r, cql_error_body *e) {
  e->consistency = cql_rd_u16(r);
  e->received = cql_rd_i32(r);
  e->block_for = cql_rd_i32(r);
}

static void read_reasons(cql_rd *r, cql_arena *a, cql_error_body *e) {
  int32_t n = cql_rd_i32(r);
  if (!cql_rd_ok(r))
    return;
  if (n < 0) {
    cql_rd_fail(r, CQL_E_BAD_LENGTH, "negative failure reason count");
    return;
  }
  /* each entry: [inetaddr] (5+) and a [short] */
  if (!cql_rsp_count_fits(r, (uint64_t)n, 7, "failure reason count larger than the body"))
    return;
  cql_failure_reason *reasons = cql_rsp_alloc(r, a, (size_t)n, sizeof(*reasons));
  for (int32_t i = 0; i < n && cql_rd_ok(r); i++) {
    cql_rd_inetaddr(r, &reasons[i].endpoint);
    reasons[i].code = cql_rd_u16(r);
  }
  if (!cql_rd_ok(r))
    return;
  e->reasons = reasons;
  e->n_reasons = (uint32_t)n;
  e->num_failures = n; /* so callers can read the count in either version */
}

static void read_failures(cql_rd *r, uint8_t version, cql_arena *a, cql_error_body *e) {
  if (version >= CQL_PROTOCOL_V5)
    read_reasons(r, a, e);
  else
    e->num_failures = cql_rd_i32(r);
}

static void read_write_timeout(cql_rd *r, uint8_t version, cql_error_body *e) {
  read_cl_counts(r, e);
  e->write_type = cql_rd_string(r);
  if (version >= CQL_PROTOCOL_V5 && is_cas(e->write_type)) {
    e->has_contentions = true;
    e->contentions = cql_rd_u16(r);
  }
}

void cql_rsp_read_error(cql_rd *r, uint8_t version, cql_arena *a, cql_error_body *e) {
  memset(e, 0, sizeof(*e));
  e->code = cql_rd_i32(r);
  e->message = cql_rd_string(r);
  switch (e->code) {
  case CQL_SERVER_UNAVAILABLE:
    e->consistency = cql_rd_u16(r);
    e->block_for = cql_rd_i32(r);
    e->received = cql_rd_i32(r);
    break;
  case CQL_SERVER_WRITE_TIMEOUT:
    read_write_timeout(r, version, e);
    break;
  case CQL_SERVER_READ_TIMEOUT:
    read_cl_counts(r, e);
    e->data_present = cql_rd_u8(r) != 0;
    break;
  case CQL_SERVER_READ_FAILURE:
    read_cl_counts(r, e);
    read_failures(r, version, a, e);
    e->data_present = cql_rd_u8(r) != 0;
    break;
  case CQL_SERVER_WRITE_FAILURE:
    read_cl_counts(r, e);
    read_failures(r, version, a, e);
    e->write_type = cql_rd_string(r);
    break;
  case CQL_SERVER_CAS_WRITE_UNKNOWN:
    read_cl_counts(r, e);
    break;
  case CQL_SERVER_FUNCTION_FAILURE:
    e->keyspace = cql_rd_string(r);
    e->function = cql_rd_string(r);
    cql_rsp_read_string_list(r, a, &e->arg_types, &e->n_arg_types);
    break;
  case CQL_SERVER_ALREADY_EXISTS:
    e->keyspace = cql_rd_string(r);
    e->table = cql_rd_string(r);
    break;
  case CQL_SERVER_UNPREPARED:
    e->unprepared_id = cql_rd_short_bytes(r);
    break;
  default: /* the code defines no extra fields */
    break;
  }
}

/* ---- encode -------------------------------------------------------- */

static void write_cl_counts(cql_buf *b, const cql_error_body *e) {
  cql_buf_put_u16(b, e->consistency);
  cql_buf_put_i32(b, e->received);
  cql_buf_put_i32(b, e->block_for);
}

static void write_failures(cql_buf *b, uint8_t version, const cql_error_body *e) {
  if (version < CQL_PROTOCOL_V5) {
    cql_buf_put_i32(b, e->num_failures);
    return;
  }
  if (e->n_reasons > INT32_MAX || (e->n_reasons > 0 && !e->reasons)) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  cql_buf_put_i32(b, (int32_t)e->n_reasons);
  for (uint32_t i = 0; i < e->n_reasons; i++) {
    cql_buf_put_inetaddr(b, &e->reasons[i].endpoint);
    cql_buf_put_u16(b, e->reasons[i].code);
  }
}

/* The contention count exists only in v5 and only for CAS; the wire needs
 * it there even when the caller did not set has_contentions. */
static void write_write_timeout(cql_buf *b, uint8_t version, const cql_error_body *e) {
  bool wire_has = version >= CQL_PROTOCOL_V5 && is_cas(e->write_type);
  if (e->has_contentions && !wire_has) {
    cql_rsp_buf_fail(b, version < CQL_PROTOCOL_V5 ? CQL_E_UNSUPPORTED : CQL_E_INVALID_ARG);
    return;
  }
  write_cl_counts(b, e);
  cql_buf_put_string(b, e->write_type);
  if (wire_has)
    cql_buf_put_u16(b, e->contentions);
}

void cql_rsp_write_error(cql_buf *b, uint8_t version, const cql_error_body *e) {
  cql_buf_put_i32(b, e->code);
  cql_buf_put_string(b, e->message);
  switch (e->code) {
  case CQL_SERVER_UNAVAILABLE:
    cql_buf_put_u16(b, e->consistency);
    cql_buf_put_i32(b, e->block_for);
    cql_buf_put_i32(b, e->received);
    break;
  case CQL_SERVER_WRITE_TIMEOUT:
    write_write_timeout(b, version, e);
    break;
  case CQL_SERVER_READ_TIMEOUT:
    write_cl_counts(b, e);
    cql_buf_put_u8(b, e->data_present ? 1 : 0);
    break;
  case CQL_SERVER_READ_FAILURE:
    write_cl_counts(b, e);
    write_failures(b, version, e);
    cql_buf_put_u8(b, e->data_present ? 1 : 0);
    break;
  case CQL_SERVER_WRITE_FAILURE:
    write_cl_counts(b, e);
    write_failures(b, version, e);
    cql_buf_put_string(b, e->write_type);
    break;
  case CQL_SERVER_CAS_WRITE_UNKNOWN:
    write_cl_counts(b, e);
    break;
  case CQL_SERVER_FUNCTION_FAILURE:
    cql_buf_put_string(b, e->keyspace);
    cql_buf_put_string(b, e->function);
    cql_rsp_write_string_list(b, e->arg_types, e->n_arg_types);
    break;
  case CQL_SERVER_ALREADY_EXISTS:
    cql_buf_put_string(b, e->keyspace);
    cql_buf_put_string(b, e->table);
    break;
  case CQL_SERVER_UNPREPARED:
    cql_buf_put_short_bytes(b, e->unprepared_id);
    break;
  default:
    break;
  }
}
