/* Lookups over the status tables in cqlkit/error.h. */
#include "cqlkit/error.h"

#include <stddef.h>

typedef struct status_info {
  const char *name;
  const char *description;
  cql_error_source source;
} status_info;

static const status_info status_table[] = {
#define CQL_STATUS_INFO_(name, source, desc) {"CQL_" #name, desc, CQL_SOURCE_##source},
    CQL_STATUS_MAP(CQL_STATUS_INFO_)
#undef CQL_STATUS_INFO_
};

static const status_info *lookup(cql_status status) {
  if ((unsigned)status >= (unsigned)CQL_STATUS_COUNT_)
    return NULL;
  return &status_table[status];
}

const char *cql_status_name(cql_status status) {
  const status_info *info = lookup(status);
  return info ? info->name : "CQL_E_UNKNOWN";
}

const char *cql_status_describe(cql_status status) {
  const status_info *info = lookup(status);
  return info ? info->description : "unknown status";
}

cql_error_source cql_status_source(cql_status status) {
  const status_info *info = lookup(status);
  return info ? info->source : CQL_SOURCE_NONE;
}

cql_status cql_status_from_server_code(int32_t wire_code) {
  switch (wire_code) {
#define CQL_SERVER_TO_STATUS_(name, status, code)                                                  \
  case code:                                                                                       \
    return CQL_E_SERVER_##status;
    CQL_SERVER_ERROR_MAP(CQL_SERVER_TO_STATUS_)
#undef CQL_SERVER_TO_STATUS_
  default:
    return CQL_E_SERVER_ERROR;
  }
}

int32_t cql_status_server_code(cql_status status) {
  switch (status) {
#define CQL_STATUS_TO_SERVER_(name, status, code)                                                  \
  case CQL_E_SERVER_##status:                                                                      \
    return code;
    CQL_SERVER_ERROR_MAP(CQL_STATUS_TO_SERVER_)
#undef CQL_STATUS_TO_SERVER_
  default:
    return -1;
  }
}

const char *cql_server_error_name(int32_t wire_code) {
  switch (wire_code) {
#define CQL_SERVER_NAME_(name, status, code)                                                       \
  case code:                                                                                       \
    return #name;
    CQL_SERVER_ERROR_MAP(CQL_SERVER_NAME_)
#undef CQL_SERVER_NAME_
  default:
    return NULL;
  }
}
