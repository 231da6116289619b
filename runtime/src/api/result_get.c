/* Typed cell getters: each checks the column type, then decodes in place. */
#include "result_impl.h"
#include "type.h"

cql_status cql_api_result_cell(const cql_result *r, size_t row, size_t col, const cql_type **type,
                               cql_slice *out) {
  if (!r || row >= r->n_rows || col >= r->n_columns)
    return CQL_E_INVALID_ARG;
  const uint8_t *p = r->rows_base + r->cell_off[row * r->n_columns + col];
  int32_t len = (int32_t)cql_load_u32(p);
  if (type)
    *type = r->columns ? r->columns[col].type : NULL;
  if (len < 0)
    return CQL_E_NULL_VALUE;
  *out = (cql_slice){p + 4, (size_t)len};
  return CQL_OK;
}

bool cql_result_is_null(const cql_result *r, size_t row, size_t col) {
  cql_slice v;
  return cql_api_result_cell(r, row, col, NULL, &v) == CQL_E_NULL_VALUE;
}

cql_status cql_result_get_raw(const cql_result *r, size_t row, size_t col, cql_slice *out) {
  if (!out)
    return CQL_E_INVALID_ARG;
  return cql_api_result_cell(r, row, col, NULL, out);
}

/* The cell's bytes, provided its column type is one `want` reads. */
static cql_status typed(const cql_result *r, size_t row, size_t col, cql_type_id want,
                        cql_slice *v) {
  const cql_type *t = NULL;
  cql_status s = cql_api_result_cell(r, row, col, &t, v);
  if (s == CQL_E_INVALID_ARG)
    return s;
  if (!cql_api_type_accepts(t, want))
    return CQL_E_TYPE_MISMATCH;
  return s;
}

#define GETTER(name, want, ctype, decode)                                                          \
  cql_status cql_result_get_##name(const cql_result *r, size_t row, size_t col, ctype *out) {      \
    cql_slice v;                                                                                   \
    if (!out)                                                                                      \
      return CQL_E_INVALID_ARG;                                                                    \
    cql_status s = typed(r, row, col, want, &v);                                                   \
    return s != CQL_OK ? s : decode(v, out);                                                       \
  }

GETTER(boolean, CQL_TYPE_BOOLEAN, bool, cql_decode_boolean)
GETTER(tinyint, CQL_TYPE_TINYINT, int8_t, cql_decode_tinyint)
GETTER(smallint, CQL_TYPE_SMALLINT, int16_t, cql_decode_smallint)
GETTER(int, CQL_TYPE_INT, int32_t, cql_decode_int)
GETTER(bigint, CQL_TYPE_BIGINT, int64_t, cql_decode_bigint)
GETTER(float, CQL_TYPE_FLOAT, float, cql_decode_float)
GETTER(double, CQL_TYPE_DOUBLE, double, cql_decode_double)
GETTER(text, CQL_TYPE_VARCHAR, cql_slice, cql_decode_text)
GETTER(uuid, CQL_TYPE_UUID, cql_uuid, cql_decode_uuid)
GETTER(inet, CQL_TYPE_INET, cql_inet, cql_decode_inet)
GETTER(date, CQL_TYPE_DATE, cql_date, cql_decode_date)
GETTER(duration, CQL_TYPE_DURATION, cql_duration, cql_decode_duration)
GETTER(decimal, CQL_TYPE_DECIMAL, cql_decimal, cql_decode_decimal)
GETTER(varint, CQL_TYPE_VARINT, cql_varint, cql_decode_varint)

static cql_status blob_view(cql_slice in, cql_slice *out) {
  *out = in;
  return CQL_OK;
}

GETTER(blob, CQL_TYPE_BLOB, cql_slice, blob_view)

cql_status cql_result_get_elements(const cql_result *r, size_t row, size_t col, cql_elements *out) {
  cql_slice v;
  if (!out)
    return CQL_E_INVALID_ARG;
  cql_status s = typed(r, row, col, CQL_TYPE_LIST, &v);
  return s != CQL_OK ? s : cql_elements_init(out, r->columns[col].type, v);
}

cql_status cql_result_get_udt(const cql_result *r, size_t row, size_t col, void *out,
                              size_t out_size) {
  cql_slice v;
  const cql_type *t = NULL;
  if (!out)
    return CQL_E_INVALID_ARG;
  cql_status s = cql_api_result_cell(r, row, col, &t, &v);
  if (s == CQL_E_INVALID_ARG)
    return s;
  if (!t || cql_type_resolve(t)->id != CQL_TYPE_UDT)
    return CQL_E_TYPE_MISMATCH;
  if (s != CQL_OK)
    return s;
  if (!r->udts)
    return CQL_E_NOT_FOUND;
  return cql_udt_registry_decode(r->udts, t, v, out, out_size);
}
