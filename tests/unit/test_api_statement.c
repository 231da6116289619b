/* Statements, prepared statements and batches: binding every type (with
 * the marker type check of bound statements), null and unset, names,
 * options, and the requests they turn into (encoded, decoded back). */
#include <stdio.h>
#include <string.h>

#include "api_fixture.h"
#include "request.h"
#include "transcript.h"
#include "type.h"

/* Marker types of the "all types" prepared statement, one per binder. */
static const cql_type_id PARAM_IDS[] = {
    CQL_TYPE_BOOLEAN, CQL_TYPE_TINYINT, CQL_TYPE_SMALLINT, CQL_TYPE_INT,       CQL_TYPE_BIGINT,
    CQL_TYPE_FLOAT,   CQL_TYPE_DOUBLE,  CQL_TYPE_VARCHAR,  CQL_TYPE_BLOB,      CQL_TYPE_UUID,
    CQL_TYPE_INET,    CQL_TYPE_DATE,    CQL_TYPE_TIME,     CQL_TYPE_TIMESTAMP, CQL_TYPE_DURATION,
    CQL_TYPE_DECIMAL, CQL_TYPE_VARINT,  CQL_TYPE_ASCII,    CQL_TYPE_TIMEUUID,  CQL_TYPE_COUNTER};
enum { N_PARAMS = sizeof(PARAM_IDS) / sizeof(PARAM_IDS[0]) };

static cql_prepared *prepared_all(void) {
  cql_column_spec params[N_PARAMS];
  char names[N_PARAMS][8];
  for (int i = 0; i < N_PARAMS; i++) {
    snprintf(names[i], sizeof(names[i]), "p%d", i);
    params[i] = (cql_column_spec){.name = cql_slice_from_cstr(names[i]),
                                  .type = cql_type_native(PARAM_IDS[i])};
  }
  uint16_t pk[2] = {3, 7};
  cql_result_msg msg = {.kind = CQL_RESULT_PREPARED};
  msg.u.prepared.id = cql_slice_from_cstr("0123456789abcdef");
  msg.u.prepared.result_metadata_id = cql_slice_from_cstr("md-id");
  msg.u.prepared.metadata.columns = params;
  msg.u.prepared.metadata.columns_count = N_PARAMS;
  msg.u.prepared.metadata.pk_indices = pk;
  msg.u.prepared.metadata.pk_count = 2;
  cql_prepared *p = NULL;
  assert_int_equal(cql_prepared_from_msg(&msg, "INSERT ...", "ks", NULL, &p), CQL_OK);
  return p;
}

/* Binds a sample of binder `b` at position i. */
static cql_status bind_sample(cql_statement *st, size_t i, int b) {
  static const uint8_t vbytes[] = {0x01, 0x00};
  cql_uuid u1 = {{0}};
  u1.bytes[6] = 0x10; /* version 1 */
  cql_inet in = {.len = 4, .addr = {127, 0, 0, 1}};
  cql_duration du = {1, 2, 3};
  cql_decimal dec = {2, {{vbytes, 2}}};
  switch (PARAM_IDS[b]) {
  case CQL_TYPE_BOOLEAN:
    return cql_bind_boolean(st, i, true);
  case CQL_TYPE_TINYINT:
    return cql_bind_tinyint(st, i, -3);
  case CQL_TYPE_SMALLINT:
    return cql_bind_smallint(st, i, 300);
  case CQL_TYPE_INT:
    return cql_bind_int(st, i, 70000);
  case CQL_TYPE_BIGINT:
    return cql_bind_bigint(st, i, 5);
  case CQL_TYPE_FLOAT:
    return cql_bind_float(st, i, 1.5f);
  case CQL_TYPE_DOUBLE:
    return cql_bind_double(st, i, 2.25);
  case CQL_TYPE_VARCHAR:
    return cql_bind_text_cstr(st, i, "h\xc3\xa9");
  case CQL_TYPE_BLOB:
    return cql_bind_blob(st, i, vbytes, 2);
  case CQL_TYPE_UUID:
    return cql_bind_uuid(st, i, &u1);
  case CQL_TYPE_INET:
    return cql_bind_inet(st, i, &in);
  case CQL_TYPE_DATE:
    return cql_bind_date(st, i, CQL_DATE_EPOCH);
  case CQL_TYPE_TIME:
    return cql_bind_time(st, i, 1000);
  case CQL_TYPE_TIMESTAMP:
    return cql_bind_timestamp(st, i, 1700000000000);
  case CQL_TYPE_DURATION:
    return cql_bind_duration(st, i, &du);
  case CQL_TYPE_DECIMAL:
    return cql_bind_decimal(st, i, &dec);
  case CQL_TYPE_VARINT:
    return cql_bind_varint(st, i, (cql_varint){{vbytes, 2}});
  default:
    return CQL_E_INVALID_ARG; /* ascii, timeuuid, counter: no binder of their own */
  }
}

/* Binders with their own marker type: the first 17 params. */
enum { N_BINDERS = 17 };

static bool binder_accepts(int b, cql_type_id marker) {
  cql_type_id want = PARAM_IDS[b];
  if (want == marker)
    return true;
  if (want == CQL_TYPE_BIGINT)
    return marker == CQL_TYPE_COUNTER || marker == CQL_TYPE_TIMESTAMP || marker == CQL_TYPE_TIME;
  if (want == CQL_TYPE_VARCHAR)
    return marker == CQL_TYPE_ASCII;
  if (want == CQL_TYPE_UUID)
    return marker == CQL_TYPE_TIMEUUID;
  return false;
}

static void test_bind_matrix(void **state) {
  (void)state;
  cql_prepared *p = prepared_all();
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  int n_ok = 0, n_mismatch = 0;
  for (int b = 0; b < N_BINDERS; b++) {
    for (int m = 0; m < N_PARAMS; m++) {
      cql_status s = bind_sample(st, (size_t)m, b);
      if (binder_accepts(b, PARAM_IDS[m])) {
        /* the ascii marker refuses the non-ASCII sample text */
        assert_int_equal(s, PARAM_IDS[m] == CQL_TYPE_ASCII ? CQL_E_INVALID_ARG : CQL_OK);
        n_ok++;
      } else {
        assert_int_equal(s, CQL_E_TYPE_MISMATCH);
        n_mismatch++;
      }
    }
    assert_int_equal(bind_sample(st, N_PARAMS, b), CQL_E_INVALID_ARG);
  }
  assert_true(n_ok > N_BINDERS && n_mismatch > 200);
  /* a simple statement checks nothing but ranges and UTF-8 */
  cql_statement *simple = NULL;
  assert_int_equal(cql_statement_new(&simple, "INSERT", N_BINDERS, NULL), CQL_OK);
  for (int b = 0; b < N_BINDERS; b++)
    assert_int_equal(bind_sample(simple, (size_t)b, b), CQL_OK);
  assert_int_equal(cql_bind_text(simple, 0, "\xff", 1), CQL_E_INVALID_ARG);
  assert_int_equal(cql_bind_time(simple, 0, -1), CQL_E_OVERFLOW);
  cql_inet bad = {.len = 5};
  assert_int_equal(cql_bind_inet(simple, 0, &bad), CQL_E_INVALID_ARG);
  cql_duration mixed = {1, -1, 0};
  assert_int_equal(cql_bind_duration(simple, 0, &mixed), CQL_E_INVALID_ARG);
  cql_statement_free(simple);
  cql_statement_free(st);
  cql_prepared_release(p);
}

static void test_bound_specials(void **state) {
  (void)state;
  cql_prepared *p = prepared_all();
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  cql_prepared_release(p); /* the statement holds its own reference */
  assert_int_equal(cql_bind_text_cstr(st, 17, "plain"), CQL_OK); /* ascii */
  cql_uuid v4 = {{0}};
  v4.bytes[6] = 0x40;
  assert_int_equal(cql_bind_uuid(st, 18, &v4), CQL_E_INVALID_ARG); /* timeuuid wants v1 */
  assert_int_equal(cql_bind_uuid(st, 9, &v4), CQL_OK);
  assert_int_equal(cql_bind_bigint(st, 12, -1), CQL_E_OVERFLOW); /* time out of range */
  assert_int_equal(cql_bind_bigint(st, 19, 5), CQL_OK);          /* counter */
  uint8_t four[4] = {0, 0, 0, 7}, three[3] = {0};
  assert_int_equal(cql_bind_serialized(st, 3, (cql_slice){four, 4}), CQL_OK);
  assert_int_equal(cql_bind_serialized(st, 3, (cql_slice){three, 3}), CQL_E_TYPE_MISMATCH);
  assert_int_equal(cql_bind_null(st, 0), CQL_OK);
  assert_int_equal(cql_bind_unset(st, 0), CQL_OK);
  assert_int_equal(cql_bind_null(st, N_PARAMS), CQL_E_INVALID_ARG);
  size_t i;
  assert_int_equal(cql_statement_index_of(st, "p7", &i), CQL_OK);
  assert_int_equal(i, 7);
  assert_int_equal(cql_statement_index_of(st, "zz", &i), CQL_E_NOT_FOUND);
  assert_int_equal(cql_statement_set_name(st, 0, "x"), CQL_E_INVALID_ARG);
  assert_int_equal(cql_prepared_param_count(cql_prepared_retain(st->prepared)), N_PARAMS);
  cql_prepared_release(st->prepared);
  assert_true(cql_slice_eq_cstr(cql_prepared_param_name(st->prepared, 2), "p2"));
  assert_int_equal(cql_prepared_param_type(st->prepared, 2)->id, CQL_TYPE_SMALLINT);
  assert_null(cql_prepared_param_type(st->prepared, N_PARAMS));
  assert_string_equal(cql_prepared_query(st->prepared), "INSERT ...");
  cql_statement_free(st);
}

/* Encodes `req`, decodes it back (server side) into `back`. */
static void roundtrip(const cql_request *req, uint8_t version, cql_arena *a, cql_request *back,
                      cql_buf *b) {
  cql_buf_init(b, NULL);
  assert_int_equal(cql_request_encode(b, version, req, false), CQL_OK);
  cql_header h;
  assert_int_equal(cql_header_decode(b->data, &h), CQL_OK);
  cql_slice body = {b->data + CQL_HEADER_SIZE, b->len - CQL_HEADER_SIZE};
  assert_int_equal(cql_request_decode(&h, body, a, back, NULL), CQL_OK);
}

static void test_simple_request(void **state) {
  (void)state;
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, "SELECT * FROM t WHERE a=? AND b=?", 3, NULL), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 42), CQL_OK);
  assert_int_equal(cql_bind_null(st, 1), CQL_OK);
  /* position 2 stays unset */
  assert_int_equal(cql_statement_set_consistency(st, CQL_CONSISTENCY_QUORUM), CQL_OK);
  assert_int_equal(cql_statement_set_consistency(st, (cql_consistency)99), CQL_E_INVALID_ARG);
  assert_int_equal(cql_statement_set_serial_consistency(st, CQL_CONSISTENCY_ONE),
                   CQL_E_INVALID_ARG);
  assert_int_equal(cql_statement_set_serial_consistency(st, CQL_CONSISTENCY_LOCAL_SERIAL), CQL_OK);
  assert_int_equal(cql_statement_set_page_size(st, 100), CQL_OK);
  uint8_t ps[3] = {1, 2, 3};
  assert_int_equal(cql_statement_set_paging_state(st, (cql_slice){ps, 3}), CQL_OK);
  assert_int_equal(cql_statement_set_timestamp(st, 1234), CQL_OK);
  assert_int_equal(cql_statement_set_tracing(st, true), CQL_OK);
  assert_int_equal(cql_statement_set_keyspace(st, "ks"), CQL_OK);
  assert_int_equal(cql_statement_set_idempotent(st, true), CQL_OK);
  assert_int_equal(cql_statement_set_timeout(st, 77), CQL_OK);
  assert_int_equal(cql_statement_effective_timeout(st, NULL), 77);

  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_request req;
  assert_int_equal(cql_statement_to_request(st, 4, NULL, CQL_NO_TIMESTAMP, &a, &req),
                   CQL_E_UNSUPPORTED); /* keyspace needs v5 */
  assert_int_equal(cql_statement_to_request(st, 5, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  cql_request back;
  cql_buf b;
  roundtrip(&req, 5, &a, &back, &b);
  assert_int_equal(back.opcode, CQL_OP_QUERY);
  assert_true(back.tracing);
  assert_true(cql_slice_eq_cstr(back.u.query.query, "SELECT * FROM t WHERE a=? AND b=?"));
  const cql_query_params *p = &back.u.query.params;
  assert_int_equal(p->consistency, CQL_CONSISTENCY_QUORUM);
  assert_int_equal(p->n_values, 3);
  assert_int_equal(p->values[0].state, CQL_VALUE_SET);
  assert_int_equal(p->values[0].bytes.len, 4);
  assert_int_equal(p->values[1].state, CQL_VALUE_NULL);
  assert_int_equal(p->values[2].state, CQL_VALUE_UNSET);
  assert_true(p->has_page_size && p->page_size == 100);
  assert_true(p->has_paging_state && p->paging_state.len == 3);
  assert_true(p->has_serial_consistency && p->serial_consistency == CQL_CONSISTENCY_LOCAL_SERIAL);
  assert_true(p->has_timestamp && p->timestamp == 1234);
  assert_true(p->has_keyspace && cql_slice_eq_cstr(p->keyspace, "ks"));
  assert_false(p->named_values);
  cql_buf_free(&b);

  /* defaults from the config; -1 turns paging off; a default timestamp */
  cql_config *cfg = NULL;
  assert_int_equal(cql_config_new(&cfg, NULL), CQL_OK);
  assert_int_equal(cql_config_set_consistency(cfg, CQL_CONSISTENCY_TWO), CQL_OK);
  cql_statement *plain = NULL;
  assert_int_equal(cql_statement_new(&plain, "SELECT 1", 0, NULL), CQL_OK);
  assert_int_equal(cql_statement_to_request(plain, 4, cfg, 99, &a, &req), CQL_OK);
  assert_int_equal(req.u.query.params.consistency, CQL_CONSISTENCY_TWO);
  assert_true(req.u.query.params.has_page_size && req.u.query.params.page_size == 5000);
  assert_false(req.u.query.params.has_serial_consistency);
  assert_false(req.u.query.params.has_values);
  assert_true(req.u.query.params.has_timestamp && req.u.query.params.timestamp == 99);
  assert_int_equal(cql_statement_set_page_size(plain, -1), CQL_OK);
  assert_int_equal(cql_statement_to_request(plain, 4, cfg, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  assert_false(req.u.query.params.has_page_size);
  assert_false(req.u.query.params.has_timestamp);
  assert_int_equal(cql_statement_effective_timeout(plain, cfg), 12000);
  assert_int_equal(cql_statement_to_request(plain, 3, cfg, 0, &a, &req), CQL_E_BAD_VERSION);
  cql_statement_free(plain);
  cql_config_free(cfg);
  cql_arena_free(&a);
  cql_statement_free(st);
}

static void test_named_values(void **state) {
  (void)state;
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, "SELECT * FROM t WHERE a=:a AND b=:b", 2, NULL), CQL_OK);
  assert_int_equal(cql_statement_set_name(st, 0, "a"), CQL_OK);
  assert_int_equal(cql_bind_int(st, 0, 1), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 1, "x"), CQL_OK);
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_request req;
  assert_int_equal(cql_statement_to_request(st, 4, NULL, CQL_NO_TIMESTAMP, &a, &req),
                   CQL_E_INVALID_ARG); /* b has no name */
  assert_int_equal(cql_statement_set_name(st, 1, "b"), CQL_OK);
  assert_int_equal(cql_statement_set_name(st, 1, "bb"), CQL_OK); /* renamed */
  size_t i;
  assert_int_equal(cql_statement_index_of(st, "bb", &i), CQL_OK);
  assert_int_equal(i, 1);
  assert_int_equal(cql_statement_to_request(st, 4, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  cql_request back;
  cql_buf b;
  roundtrip(&req, 4, &a, &back, &b);
  assert_true(back.u.query.params.named_values);
  assert_true(cql_slice_eq_cstr(back.u.query.params.values[1].name, "bb"));
  cql_buf_free(&b);
  cql_batch *batch = NULL;
  assert_int_equal(cql_batch_new(&batch, CQL_BATCH_LOGGED, NULL), CQL_OK);
  assert_int_equal(cql_batch_add(batch, st), CQL_E_INVALID_ARG); /* no names in batches */
  cql_batch_free(batch);
  cql_arena_free(&a);
  cql_statement_free(st);
}

static void test_execute_request(void **state) {
  (void)state;
  cql_prepared *p = prepared_all();
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  assert_int_equal(cql_bind_int(st, 3, 7), CQL_OK);
  cql_buf key;
  cql_buf_init(&key, NULL);
  assert_false(cql_statement_routing_key(st, &key)); /* position 7 unset */
  assert_int_equal(cql_bind_double(st, 6, 1.0), CQL_OK);
  assert_int_equal(cql_bind_timestamp(st, 13, 5), CQL_OK);
  assert_false(cql_statement_routing_key(st, &key)); /* pk is (3, 7); 7 is double? no: text */
  assert_int_equal(cql_bind_text_cstr(st, 7, "ab"), CQL_OK);
  assert_true(cql_statement_routing_key(st, &key));
  /* composite: len 4, int, 0, len 2, "ab", 0 */
  const uint8_t want[] = {0, 4, 0, 0, 0, 7, 0, 0, 2, 'a', 'b', 0};
  assert_int_equal(key.len, sizeof(want));
  assert_memory_equal(key.data, want, sizeof(want));
  cql_buf_free(&key);

  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_request req, back;
  cql_buf b;
  assert_int_equal(cql_statement_to_request(st, 5, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  roundtrip(&req, 5, &a, &back, &b);
  assert_int_equal(back.opcode, CQL_OP_EXECUTE);
  assert_true(cql_slice_eq_cstr(back.u.execute.id, "0123456789abcdef"));
  assert_true(cql_slice_eq_cstr(back.u.execute.result_metadata_id, "md-id"));
  assert_false(back.u.execute.params.skip_metadata); /* no result columns known */
  assert_int_equal(back.u.execute.params.n_values, N_PARAMS);
  assert_int_equal(back.u.execute.params.values[3].state, CQL_VALUE_SET);
  assert_int_equal(back.u.execute.params.values[0].state, CQL_VALUE_UNSET);
  cql_buf_free(&b);
  assert_int_equal(cql_statement_to_request(st, 4, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  assert_int_equal(req.u.execute.result_metadata_id.len, 0);

  /* a copy is independent of the original */
  cql_statement *copy = NULL;
  assert_int_equal(cql_statement_copy(st, &copy), CQL_OK);
  cql_statement_clear_values(st);
  assert_int_equal(st->values[3].state, CQL_VALUE_UNSET);
  assert_int_equal(copy->values[3].state, CQL_VALUE_SET);
  cql_buf_init(&key, NULL);
  assert_true(cql_statement_routing_key(copy, &key));
  cql_buf_free(&key);
  cql_statement_free(copy);
  cql_arena_free(&a);
  cql_statement_free(st);
  cql_prepared_release(p);
}

/* Binding row after row into one statement reuses its memory. */
static void test_rebind_reuses(void **state) {
  (void)state;
  cql_statement *st = NULL;
  assert_int_equal(cql_statement_new(&st, "INSERT", 2, NULL), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(st, 0, "a longer value"), CQL_OK);
  size_t len = st->data.len;
  for (int i = 0; i < 100; i++) {
    assert_int_equal(cql_bind_text_cstr(st, 0, "short"), CQL_OK);
    assert_int_equal(cql_bind_bigint(st, 1, i), CQL_OK);
  }
  assert_int_equal(st->data.len, len + 8);
  assert_int_equal(st->values[0].len, 5);
  cql_statement_free(st);
}

static void test_batch(void **state) {
  (void)state;
  cql_prepared *p = fx_prepared("result_prepared_v5", "UPDATE cnt SET n = n + 1 WHERE k = ?");
  cql_batch *b = NULL;
  assert_int_equal(cql_batch_new(&b, (cql_batch_type)7, NULL), CQL_E_INVALID_ARG);
  assert_int_equal(cql_batch_new(&b, CQL_BATCH_UNLOGGED, NULL), CQL_OK);
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_request req, back;
  assert_int_equal(cql_batch_to_request(b, 5, NULL, 0, &a, &req), CQL_E_INVALID_ARG); /* empty */
  cql_statement *bound = NULL, *simple = NULL;
  assert_int_equal(cql_prepared_bind(p, &bound), CQL_OK);
  assert_int_equal(cql_bind_int(bound, 0, 1), CQL_E_TYPE_MISMATCH); /* k is text */
  assert_int_equal(cql_bind_text_cstr(bound, 0, "k1"), CQL_OK);
  assert_int_equal(cql_batch_add(b, bound), CQL_OK);
  assert_int_equal(cql_bind_text_cstr(bound, 0, "k2"), CQL_OK); /* rebound, added again */
  assert_int_equal(cql_batch_add(b, bound), CQL_OK);
  assert_int_equal(cql_statement_new(&simple, "INSERT INTO t (a) VALUES (?)", 1, NULL), CQL_OK);
  assert_int_equal(cql_bind_null(simple, 0), CQL_OK);
  assert_int_equal(cql_batch_add(b, simple), CQL_OK);
  cql_statement_free(bound);
  cql_statement_free(simple);
  cql_prepared_release(p); /* the batch keeps its references */
  assert_int_equal(cql_batch_set_consistency(b, CQL_CONSISTENCY_ALL), CQL_OK);
  assert_int_equal(cql_batch_set_serial_consistency(b, CQL_CONSISTENCY_LOCAL_SERIAL), CQL_OK);
  assert_int_equal(cql_batch_set_timestamp(b, 42), CQL_OK);
  assert_int_equal(cql_batch_set_tracing(b, true), CQL_OK);
  assert_int_equal(cql_batch_set_idempotent(b, true), CQL_OK);
  assert_int_equal(cql_batch_set_timeout(b, 0), CQL_OK);
  assert_int_equal(cql_batch_effective_timeout(b, NULL), 12000);
  assert_int_equal(cql_batch_to_request(b, 5, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  cql_buf buf;
  roundtrip(&req, 5, &a, &back, &buf);
  const cql_batch_body *bb = &back.u.batch;
  assert_int_equal(back.opcode, CQL_OP_BATCH);
  assert_int_equal(bb->type, CQL_BATCH_UNLOGGED);
  assert_int_equal(bb->n_stmts, 3);
  assert_true(bb->stmts[0].is_prepared);
  assert_int_equal(bb->stmts[0].id.len, 16);
  assert_true(cql_slice_eq_cstr(bb->stmts[0].values[0].bytes, "k1"));
  assert_true(cql_slice_eq_cstr(bb->stmts[1].values[0].bytes, "k2"));
  assert_false(bb->stmts[2].is_prepared);
  assert_int_equal(bb->stmts[2].values[0].state, CQL_VALUE_NULL);
  assert_int_equal(bb->consistency, CQL_CONSISTENCY_ALL);
  assert_true(bb->has_serial_consistency && bb->serial_consistency == CQL_CONSISTENCY_LOCAL_SERIAL);
  assert_true(bb->has_timestamp && bb->timestamp == 42);
  cql_buf_free(&buf);
  cql_arena_free(&a);
  cql_batch_free(b);
}

static void test_prepared_from_vectors(void **state) {
  (void)state;
  cql_prepared *p = fx_prepared("result_prepared_v4", "UPDATE kitchen SET t=? WHERE c=? AND k=?");
  assert_int_equal(cql_prepared_param_count(p), 3);
  assert_int_equal(p->n_pk, 2);
  assert_int_equal(p->pk_indices[0], 1);
  assert_int_equal(p->pk_indices[1], 0);
  assert_int_equal(cql_prepared_column_count(p), 0);
  assert_int_equal(cql_prepared_id(p).len, 16);
  cql_prepared_release(p);
  p = fx_prepared("result_prepared_select_v4", "SELECT t FROM kitchen WHERE k=? AND cs=?");
  assert_int_equal(cql_prepared_column_count(p), 1);
  assert_true(cql_slice_eq_cstr(cql_prepared_column_name(p, 0), "t"));
  assert_int_equal(cql_prepared_column_type(p, 0)->id, CQL_TYPE_VARCHAR);
  assert_null(cql_prepared_column_type(p, 1));
  assert_int_equal(cql_prepared_param_type(p, 1)->id, CQL_TYPE_LIST);
  /* a list marker takes a writer's list of text, not of ints */
  cql_statement *st = NULL;
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  cql_writer *w = NULL;
  assert_int_equal(cql_writer_new(&w, NULL), CQL_OK);
  cql_write_list_begin(w, 1);
  cql_write_bytes(w, "x", 1);
  cql_write_end(w);
  assert_int_equal(cql_bind_writer(st, 1, w), CQL_OK);
  cql_writer_reset(w);
  cql_write_list_begin(w, 1);
  cql_write_bytes(w, "\xff", 1);
  cql_write_end(w);
  assert_int_equal(cql_bind_writer(st, 1, w), CQL_E_TYPE_MISMATCH); /* not UTF-8 */
  cql_writer_reset(w);
  cql_write_int(w, 3);
  assert_int_equal(cql_bind_writer(st, 1, w), CQL_E_TYPE_MISMATCH);
  cql_writer_free(w);
  cql_statement_free(st);
  cql_prepared_release(p);
  /* v5: skip_metadata once the result columns are known */
  p = fx_prepared("result_prepared_v5", "UPDATE");
  assert_int_equal(cql_prepared_bind(p, &st), CQL_OK);
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_request req;
  assert_int_equal(cql_statement_to_request(st, 5, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  assert_true(req.u.execute.params.skip_metadata);
  assert_int_equal(req.u.execute.result_metadata_id.len, 16);
  assert_int_equal(cql_statement_to_request(st, 4, NULL, CQL_NO_TIMESTAMP, &a, &req), CQL_OK);
  assert_false(req.u.execute.params.skip_metadata);
  cql_arena_free(&a);
  cql_statement_free(st);
  cql_prepared_release(p);
  cql_result *r = fx_result("result_void", NULL);
  assert_int_equal(cql_prepared_from_msg(&cql_result_response(r)->u.result, "", NULL, NULL, &p),
                   CQL_E_INVALID_ARG);
  assert_null(p);
  cql_result_release(r);
}

/* Statements and batches under failing allocations: errors, no leaks. */
static void test_allocation_failures(void **state) {
  (void)state;
  for (size_t fail = 1; fail < 30; fail++) {
    tu_counting_mem m;
    tu_counting_mem_init(&m);
    m.fail_at = fail;
    cql_statement *st = NULL, *copy = NULL;
    cql_batch *b = NULL;
    if (cql_statement_new(&st, "INSERT", 3, &m.mem) == CQL_OK) {
      (void)cql_bind_text_cstr(st, 0, "some text");
      (void)cql_bind_int(st, 1, 5);
      cql_duration du = {1, 1, 1};
      (void)cql_bind_duration(st, 2, &du);
      (void)cql_statement_set_keyspace(st, "ks");
      uint8_t ps[2] = {1, 2};
      (void)cql_statement_set_paging_state(st, (cql_slice){ps, 2});
      if (cql_statement_copy(st, &copy) == CQL_OK)
        cql_statement_free(copy);
      if (cql_batch_new(&b, CQL_BATCH_LOGGED, &m.mem) == CQL_OK) {
        (void)cql_batch_add(b, st);
        (void)cql_batch_add(b, st);
        cql_arena a;
        cql_arena_init(&a, &m.mem);
        cql_request req;
        (void)cql_batch_to_request(b, 4, NULL, 1, &a, &req);
        cql_arena_free(&a);
        cql_batch_free(b);
      }
      cql_statement_free(st);
    }
    assert_int_equal(m.live, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bind_matrix),
      cmocka_unit_test(test_bound_specials),
      cmocka_unit_test(test_simple_request),
      cmocka_unit_test(test_named_values),
      cmocka_unit_test(test_execute_request),
      cmocka_unit_test(test_rebind_reuses),
      cmocka_unit_test(test_batch),
      cmocka_unit_test(test_prepared_from_vectors),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
