/* EVENT bodies, and the schema change description that a SCHEMA_CHANGE
 * event shares with a Schema_change RESULT. */
#include <string.h>

#include "response_impl.h"

/* How many [string]s name the changed object after <target>. */
typedef enum sc_shape {
  SC_UNKNOWN,
  SC_KEYSPACE, /* keyspace */
  SC_NAMED,    /* keyspace, name */
  SC_WITH_ARGS /* keyspace, name, [string list] of argument types */
} sc_shape;

static sc_shape shape_of(cql_slice target) {
  if (cql_slice_eq_cstr(target, "KEYSPACE"))
    return SC_KEYSPACE;
  if (cql_slice_eq_cstr(target, "TABLE") || cql_slice_eq_cstr(target, "TYPE"))
    return SC_NAMED;
  if (cql_slice_eq_cstr(target, "FUNCTION") || cql_slice_eq_cstr(target, "AGGREGATE"))
    return SC_WITH_ARGS;
  return SC_UNKNOWN;
}

void cql_rsp_read_schema_change(cql_rd *r, cql_arena *a, cql_schema_change *out) {
  memset(out, 0, sizeof(*out));
  out->change_type = cql_rd_string(r);
  out->target = cql_rd_string(r);
  if (!cql_rd_ok(r))
    return;
  sc_shape shape = shape_of(out->target);
  if (shape == SC_UNKNOWN) {
    /* The options that follow depend on the target, so an unknown one
     * leaves the rest of the body unreadable. */
    cql_rd_fail(r, CQL_E_BAD_MESSAGE, "unknown schema change target");
    return;
  }
  out->keyspace = cql_rd_string(r);
  if (shape >= SC_NAMED)
    out->name = cql_rd_string(r);
  if (shape == SC_WITH_ARGS)
    cql_rsp_read_string_list(r, a, &out->arg_types, &out->n_arg_types);
}

void cql_rsp_write_schema_change(cql_buf *b, const cql_schema_change *sc) {
  sc_shape shape = shape_of(sc->target);
  if (shape == SC_UNKNOWN || (shape != SC_WITH_ARGS && sc->n_arg_types > 0) ||
      (shape == SC_KEYSPACE && sc->name.len > 0)) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  cql_buf_put_string(b, sc->change_type);
  cql_buf_put_string(b, sc->target);
  cql_buf_put_string(b, sc->keyspace);
  if (shape >= SC_NAMED)
    cql_buf_put_string(b, sc->name);
  if (shape == SC_WITH_ARGS)
    cql_rsp_write_string_list(b, sc->arg_types, sc->n_arg_types);
}

/* ---- EVENT --------------------------------------------------------- */

static const struct {
  const char *name;
  cql_event_kind kind;
} EVENT_TYPES[] = {
    {"TOPOLOGY_CHANGE", CQL_EVENT_TOPOLOGY_CHANGE},
    {"STATUS_CHANGE", CQL_EVENT_STATUS_CHANGE},
    {"SCHEMA_CHANGE", CQL_EVENT_SCHEMA_CHANGE},
};

enum { N_EVENT_TYPES = sizeof(EVENT_TYPES) / sizeof(EVENT_TYPES[0]) };

static const char *event_name(int kind) {
  for (int i = 0; i < N_EVENT_TYPES; i++)
    if ((int)EVENT_TYPES[i].kind == kind)
      return EVENT_TYPES[i].name;
  return NULL;
}

void cql_rsp_read_event(cql_rd *r, cql_arena *a, cql_event *out) {
  memset(out, 0, sizeof(*out));
  cql_slice type = cql_rd_string(r);
  if (!cql_rd_ok(r))
    return;
  for (int i = 0; i < N_EVENT_TYPES; i++)
    if (cql_slice_eq_cstr(type, EVENT_TYPES[i].name))
      out->kind = EVENT_TYPES[i].kind;
  switch (out->kind) {
  case CQL_EVENT_TOPOLOGY_CHANGE:
  case CQL_EVENT_STATUS_CHANGE:
    out->change = cql_rd_string(r);
    cql_rd_inet(r, &out->address, &out->port);
    break;
  case CQL_EVENT_SCHEMA_CHANGE:
    cql_rsp_read_schema_change(r, a, &out->schema_change);
    break;
  default:
    cql_rd_fail(r, CQL_E_BAD_MESSAGE, "unknown event type");
    break;
  }
}

void cql_rsp_write_event(cql_buf *b, const cql_event *ev) {
  const char *name = event_name(ev->kind);
  if (!name) {
    cql_rsp_buf_fail(b, CQL_E_INVALID_ARG);
    return;
  }
  cql_buf_put_string(b, cql_slice_from_cstr(name));
  if (ev->kind == CQL_EVENT_SCHEMA_CHANGE) {
    cql_rsp_write_schema_change(b, &ev->schema_change);
    return;
  }
  cql_buf_put_string(b, ev->change);
  cql_buf_put_inet(b, &ev->address, ev->port);
}
