/* The text cursor both type parsers (type_class.c, type_cql.c) walk with. */
#include "type_impl.h"

const cql_type *cql_type_scan_fail(cql_type_scan *c, cql_status st) {
  if (c->err == CQL_OK)
    c->err = st;
  c->p = c->end;
  return NULL;
}

void cql_type_scan_skip_ws(cql_type_scan *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

bool cql_type_scan_peek(cql_type_scan *c, uint8_t ch) {
  cql_type_scan_skip_ws(c);
  return c->err == CQL_OK && c->p < c->end && *c->p == ch;
}

bool cql_type_scan_expect(cql_type_scan *c, uint8_t ch) {
  if (!cql_type_scan_peek(c, ch)) {
    cql_type_scan_fail(c, CQL_E_BAD_TYPE);
    return false;
  }
  c->p++;
  return true;
}
