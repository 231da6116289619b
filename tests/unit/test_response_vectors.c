/* Responses against tests/vectors/responses.tsv (gen_responses.py: bodies
 * built from the spec, checked with the DataStax Python driver's decoder).
 *
 * Each envelope is decoded with cql_response_decode, the decoded struct is
 * printed in the generator's k=v form and compared with what the driver
 * decoded, then it is encoded again, which must give the envelope's bytes. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "envelope.h"
#include "response.h"
#include "testutil.h"
#include "type.h"

/* ---- a text builder ------------------------------------------------------ */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[1024];
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  assert_true(n >= 0 && (size_t)n < sizeof(tmp));
  if (t->len + (size_t)n + 1 > t->cap) {
    t->cap = (t->len + (size_t)n + 1) * 2;
    t->s = realloc(t->s, t->cap);
    assert_non_null(t->s);
  }
  memcpy(t->s + t->len, tmp, (size_t)n + 1);
  t->len += (size_t)n;
}

static void put_slice(text *t, cql_slice s) { put(t, "%.*s", (int)s.len, (const char *)s.ptr); }

static void put_hex(text *t, cql_slice s) {
  for (size_t i = 0; i < s.len; i++)
    put(t, "%02x", s.ptr[i]);
}

/* ";key=" (or "key=" first) */
static void key(text *t, const char *k) { put(t, "%s%s=", t->len ? ";" : "", k); }

static void put_str_list(text *t, const cql_slice *items, uint32_t n) {
  put(t, "[");
  for (uint32_t i = 0; i < n; i++) {
    put(t, i ? "|" : "");
    put_slice(t, items[i]);
  }
  put(t, "]");
}

static void put_addr(text *t, const cql_inet *a) {
  char buf[INET6_ADDRSTRLEN];
  assert_non_null(inet_ntop(a->len == 4 ? AF_INET : AF_INET6, a->addr, buf, sizeof(buf)));
  put(t, "%s", buf);
}

/* ---- the generator's spelling of types and columns ---------------------- */

static const char *native_name(cql_type_id id) {
  switch (id) {
  case CQL_TYPE_VARCHAR:
    return "varchar";
  default:
    return cql_type_native_name(id);
  }
}

static void put_type(text *t, const cql_type *ty) {
  switch (ty->id) {
  case CQL_TYPE_LIST:
  case CQL_TYPE_SET:
  case CQL_TYPE_MAP:
  case CQL_TYPE_TUPLE:
    put(t, "%s<",
        ty->id == CQL_TYPE_LIST  ? "list"
        : ty->id == CQL_TYPE_SET ? "set"
        : ty->id == CQL_TYPE_MAP ? "map"
                                 : "tuple");
    for (uint32_t i = 0; i < ty->n_children; i++) {
      put(t, i ? "," : "");
      put_type(t, ty->children[i]);
    }
    put(t, ">");
    break;
  case CQL_TYPE_UDT:
    put(t, "udt<");
    put_slice(t, ty->udt_keyspace);
    put(t, ".");
    put_slice(t, ty->udt_name);
    put(t, "{");
    for (uint32_t i = 0; i < ty->n_children; i++) {
      put(t, i ? "," : "");
      put_slice(t, ty->field_names[i]);
      put(t, ":");
      put_type(t, ty->children[i]);
    }
    put(t, "}>");
    break;
  case CQL_TYPE_CUSTOM:
    put(t, "custom<");
    put_slice(t, ty->custom_class);
    put(t, ">");
    break;
  default:
    assert_non_null(native_name(ty->id));
    put(t, "%s", native_name(ty->id));
    break;
  }
}

static void put_columns(text *t, const char *k, const cql_column_spec *cols, int32_t n) {
  key(t, k);
  put(t, "[");
  for (int32_t i = 0; i < n; i++) {
    put(t, i ? "," : "");
    put_slice(t, cols[i].keyspace);
    put(t, ".");
    put_slice(t, cols[i].table);
    put(t, ".");
    put_slice(t, cols[i].name);
    put(t, ":");
    put_type(t, cols[i].type);
  }
  put(t, "]");
}

/* ---- the generator's k=v form of each message ----------------------------- */

static void put_schema_change(text *t, const cql_schema_change *sc) {
  key(t, "change");
  put_slice(t, sc->change_type);
  key(t, "target");
  put_slice(t, sc->target);
  key(t, "keyspace");
  put_slice(t, sc->keyspace);
  bool with_args =
      cql_slice_eq_cstr(sc->target, "FUNCTION") || cql_slice_eq_cstr(sc->target, "AGGREGATE");
  if (!cql_slice_eq_cstr(sc->target, "KEYSPACE")) {
    key(t, "name");
    put_slice(t, sc->name);
  }
  if (with_args) {
    key(t, "args");
    put_str_list(t, sc->arg_types, sc->n_arg_types);
  }
}

static void put_cl_counts(text *t, const cql_error_body *e, const char *prefix) {
  put(t, ";%scl=%u;%sreceived=%d;%sblockfor=%d", prefix, e->consistency, prefix, e->received,
      prefix, e->block_for);
}

static void put_failures(text *t, const cql_error_body *e, uint8_t version) {
  put(t, ";failures=%d", e->num_failures);
  if (version < 5)
    return;
  key(t, "reasons");
  put(t, "{");
  for (uint32_t i = 0; i < e->n_reasons; i++) {
    put(t, i ? "," : "");
    put_addr(t, &e->reasons[i].endpoint);
    put(t, ":%u", e->reasons[i].code);
  }
  put(t, "}");
}

static void put_error(text *t, const cql_error_body *e, uint8_t version) {
  put(t, ";code=0x%04x", (unsigned)e->code);
  key(t, "message");
  put_slice(t, e->message);
  switch (e->code) {
  case CQL_SERVER_UNAVAILABLE:
    put(t, ";cl=%u;required=%d;alive=%d", e->consistency, e->block_for, e->received);
    break;
  case CQL_SERVER_WRITE_TIMEOUT:
    put_cl_counts(t, e, "");
    key(t, "write_type");
    put_slice(t, e->write_type);
    if (e->has_contentions)
      put(t, ";spec.contentions=%u", e->contentions);
    break;
  case CQL_SERVER_READ_TIMEOUT:
    put_cl_counts(t, e, "");
    put(t, ";data_present=%d", e->data_present);
    break;
  case CQL_SERVER_READ_FAILURE:
    put_cl_counts(t, e, "");
    put_failures(t, e, version);
    put(t, ";data_present=%d", e->data_present);
    break;
  case CQL_SERVER_WRITE_FAILURE:
    put_cl_counts(t, e, "");
    put_failures(t, e, version);
    key(t, "write_type");
    put_slice(t, e->write_type);
    break;
  case CQL_SERVER_CAS_WRITE_UNKNOWN: /* the driver does not read these */
    put_cl_counts(t, e, "spec.");
    break;
  case CQL_SERVER_FUNCTION_FAILURE:
    key(t, "keyspace");
    put_slice(t, e->keyspace);
    key(t, "function");
    put_slice(t, e->function);
    key(t, "arg_types");
    put_str_list(t, e->arg_types, e->n_arg_types);
    break;
  case CQL_SERVER_ALREADY_EXISTS:
    key(t, "keyspace");
    put_slice(t, e->keyspace);
    key(t, "table");
    put_slice(t, e->table);
    break;
  case CQL_SERVER_UNPREPARED:
    key(t, "id");
    put_hex(t, e->unprepared_id);
    break;
  default:
    break;
  }
}

static void put_rows(text *t, const cql_result_msg *res) {
  const cql_rows_metadata *m = &res->u.rows.metadata;
  if (m->has_paging_state) {
    key(t, "paging_state");
    put_hex(t, m->paging_state);
  }
  if (m->flags & CQL_ROWS_FLAG_METADATA_CHANGED && !(m->flags & CQL_ROWS_FLAG_NO_METADATA)) {
    key(t, "new_metadata_id");
    put_hex(t, m->new_metadata_id);
  }
  if (!(m->flags & CQL_ROWS_FLAG_NO_METADATA))
    put_columns(t, "columns", m->columns, m->columns_count);
  key(t, "rows");
  put(t, "[");
  cql_row_iter it;
  cql_row_iter_init(&it, res);
  cql_cell *cells = calloc((size_t)m->columns_count + 1, sizeof(*cells));
  assert_non_null(cells);
  for (int row = 0; cql_row_iter_next(&it, cells); row++) {
    put(t, row ? ",[" : "[");
    for (int32_t i = 0; i < m->columns_count; i++) {
      put(t, i ? "|" : "");
      if (cells[i].len < 0)
        put(t, "null");
      else
        put_hex(t, cells[i].bytes);
    }
    put(t, "]");
  }
  free(cells);
  put(t, "]");
}

static void put_prepared(text *t, const cql_result_msg *res, uint8_t version) {
  key(t, "id");
  put_hex(t, res->u.prepared.id);
  if (version >= 5) {
    key(t, "result_metadata_id");
    put_hex(t, res->u.prepared.result_metadata_id);
  }
  const cql_prepared_metadata *pm = &res->u.prepared.metadata;
  if (version >= 4) {
    key(t, "pk");
    put(t, "[");
    for (int32_t i = 0; i < pm->pk_count; i++)
      put(t, "%s%u", i ? "|" : "", pm->pk_indices[i]);
    put(t, "]");
  }
  put_columns(t, "bind", pm->columns, pm->columns_count);
  const cql_rows_metadata *rm = &res->u.prepared.result_metadata;
  if (!(rm->flags & CQL_ROWS_FLAG_NO_METADATA))
    put_columns(t, "columns", rm->columns, rm->columns_count);
}

static void put_result(text *t, const cql_result_msg *res, uint8_t version) {
  static const char *const kinds[] = {"?",           "Void",     "Rows",
                                      "SetKeyspace", "Prepared", "SchemaChange"};
  assert_true(res->kind >= 1 && res->kind <= 5);
  put(t, ";kind=%s", kinds[res->kind]);
  switch (res->kind) {
  case CQL_RESULT_ROWS:
    put_rows(t, res);
    break;
  case CQL_RESULT_SET_KEYSPACE:
    key(t, "keyspace");
    put_slice(t, res->u.set_keyspace);
    break;
  case CQL_RESULT_PREPARED:
    put_prepared(t, res, version);
    break;
  case CQL_RESULT_SCHEMA_CHANGE:
    put_schema_change(t, &res->u.schema_change);
    break;
  default:
    break;
  }
}

static void put_event(text *t, const cql_event *ev) {
  static const char *const kinds[] = {"?", "TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
  put(t, ";event=%s", kinds[ev->kind]);
  if (ev->kind == CQL_EVENT_SCHEMA_CHANGE) {
    put_schema_change(t, &ev->schema_change);
    return;
  }
  key(t, "change");
  put_slice(t, ev->change);
  key(t, "address");
  put(t, ev->address.len == 16 ? "[" : "");
  put_addr(t, &ev->address);
  put(t, "%s:%d", ev->address.len == 16 ? "]" : "", ev->port);
}

static const char *op_name(uint8_t op) {
  switch (op) {
  case CQL_OP_ERROR:
    return "ERROR";
  case CQL_OP_READY:
    return "READY";
  case CQL_OP_AUTHENTICATE:
    return "AUTHENTICATE";
  case CQL_OP_SUPPORTED:
    return "SUPPORTED";
  case CQL_OP_RESULT:
    return "RESULT";
  case CQL_OP_EVENT:
    return "EVENT";
  case CQL_OP_AUTH_CHALLENGE:
    return "AUTH_CHALLENGE";
  case CQL_OP_AUTH_SUCCESS:
    return "AUTH_SUCCESS";
  default:
    return "?";
  }
}

static void put_prefixes(text *t, const cql_response *r) {
  if (r->has_tracing_id) {
    const uint8_t *u = r->tracing_id.bytes;
    put(t, ";trace=");
    for (int i = 0; i < 16; i++)
      put(t, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", u[i]);
  }
  if (r->has_warnings) {
    key(t, "warnings");
    put_str_list(t, r->warnings, r->n_warnings);
  }
  if (r->has_custom_payload) {
    key(t, "payload");
    put(t, "{");
    for (uint32_t i = 0; i < r->n_custom_payload; i++) {
      put(t, i ? "," : "");
      put_slice(t, r->custom_payload[i].key);
      put(t, ":");
      if (r->custom_payload[i].value_null)
        put(t, "null");
      else
        put_hex(t, r->custom_payload[i].value);
    }
    put(t, "}");
  }
}

static void put_supported(text *t, const cql_response *r) {
  key(t, "options");
  put(t, "{");
  for (uint32_t i = 0; i < r->u.supported.n_entries; i++) {
    const cql_multi_entry *e = &r->u.supported.entries[i];
    put(t, i ? "," : "");
    put_slice(t, e->key);
    put(t, ":");
    put_str_list(t, e->values, e->n_values);
  }
  put(t, "}");
}

static void format_response(text *t, const cql_response *r, uint8_t version) {
  put(t, "op=%s;stream=%d", op_name(r->opcode), r->stream);
  put_prefixes(t, r);
  switch (r->opcode) {
  case CQL_OP_ERROR:
    put_error(t, &r->u.error, version);
    break;
  case CQL_OP_AUTHENTICATE:
    key(t, "authenticator");
    put_slice(t, r->u.authenticate.authenticator);
    break;
  case CQL_OP_SUPPORTED:
    put_supported(t, r);
    break;
  case CQL_OP_RESULT:
    put_result(t, &r->u.result, version);
    break;
  case CQL_OP_EVENT:
    put_event(t, &r->u.event);
    break;
  case CQL_OP_AUTH_CHALLENGE:
  case CQL_OP_AUTH_SUCCESS:
    key(t, "token");
    if (r->u.auth.token_null)
      put(t, "null");
    else
      put_hex(t, r->u.auth.token);
    break;
  default:
    break;
  }
}

/* ---- the test -------------------------------------------------------------- */

static int check_case(const tu_vector_line *line) {
  uint8_t version = (uint8_t)atoi(line->fields[2]);
  const char *want = line->fields[3];
  size_t n = 0;
  uint8_t *env = tu_hex_decode(line->fields[4], &n);
  assert_true(n >= CQL_HEADER_SIZE);
  cql_header h;
  assert_int_equal(cql_header_decode(env, &h), CQL_OK);
  assert_int_equal(h.length, n - CQL_HEADER_SIZE);
  assert_int_equal(h.version & 0x7f, version);

  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_response resp;
  const char *what = NULL;
  cql_slice body = {env + CQL_HEADER_SIZE, n - CQL_HEADER_SIZE};
  cql_status st = cql_response_decode(&h, body, &arena, &resp, &what);
  int failures = 0;
  if (st != CQL_OK) {
    print_error("%s: decode failed: %s (%s)\n", line->fields[1], cql_status_name(st),
                what ? what : "");
    failures++;
  } else {
    text t = {0};
    format_response(&t, &resp, version);
    if (strcmp(t.s, want) != 0) {
      print_error("%s:\n  want %s\n  got  %s\n", line->fields[1], want, t.s);
      failures++;
    }
    free(t.s);
    cql_buf out;
    cql_buf_init(&out, NULL);
    st = cql_response_encode(&out, version, &resp, false);
    if (st != CQL_OK || out.len != n || memcmp(out.data, env, n) != 0) {
      char *got = tu_hex_encode(out.data, out.len);
      print_error("%s: re-encode (%s)\n  want %s\n  got  %s\n", line->fields[1],
                  cql_status_name(st), line->fields[4], got);
      free(got);
      failures++;
    }
    cql_buf_free(&out);
  }
  cql_arena_free(&arena);
  free(env);
  return failures;
}

static void test_response_vectors(void **state) {
  (void)state;
  tu_vector_file vf;
  tu_vectors_load(&vf, "responses.tsv");
  int failures = 0;
  size_t count = 0, per_version[6] = {0};
  for (size_t i = 0; i < vf.n_lines; i++) {
    const tu_vector_line *line = &vf.lines[i];
    if (strcmp(line->fields[0], "response") != 0)
      continue;
    assert_int_equal(line->n_fields, 5);
    failures += check_case(line);
    count++;
    per_version[atoi(line->fields[2]) % 6]++;
  }
  print_message("response vectors: %zu (v3 %zu, v4 %zu, v5 %zu), %d failing\n", count,
                per_version[3], per_version[4], per_version[5], failures);
  assert_true(count >= 40);
  assert_int_equal(failures, 0);
  tu_vectors_free(&vf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_response_vectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
