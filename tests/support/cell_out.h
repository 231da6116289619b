/* Room for the output of any cql_result_get_* getter, for tests and fuzz
 * targets that call every getter on every cell. Header only, so fuzz targets
 * that do not link the test support library can use it too. */
#ifndef CQLKIT_TEST_CELL_OUT_H
#define CQLKIT_TEST_CELL_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "cqlkit/codec.h"
#include "cqlkit/types.h"

typedef union tu_cell_out {
  bool b;
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  float f;
  double d;
  cql_slice s;
  cql_uuid u;
  cql_inet in;
  cql_date dt;
  cql_duration du;
  cql_decimal dec;
  cql_varint vi;
  cql_elements el;
} tu_cell_out;

#endif
