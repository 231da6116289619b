/* Requests against tests/vectors/requests.tsv (gen_requests.py: the DataStax
 * Python driver, plus spec_* cases built by hand from the specs).
 *
 * Every case below is built as a cql_request and encoded; the bytes must
 * equal the vector. Then the vector is decoded with cql_request_decode and
 * encoded again, which must give the same bytes, so the decoders are held
 * to the same oracle. The case list here and the vector file must name the
 * same (case, version) pairs. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envelope.h"
#include "request.h"
#include "segment.h"
#include "testutil.h"

/* ---- the literals gen_requests.py uses ---------------------------------- */

#define S(lit) ((cql_slice){(const uint8_t *)(lit), sizeof(lit) - 1})
#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define SETV(lit)                                                                                  \
  {                                                                                                \
    .state = CQL_VALUE_SET, .bytes = {(const uint8_t *)(lit), sizeof(lit) - 1 }                    \
  }
#define NULLV                                                                                      \
  { .state = CQL_VALUE_NULL }
#define UNSETV                                                                                     \
  { .state = CQL_VALUE_UNSET }
#define INT42 "\0\0\0\x2a"

#define Q_LOCAL "SELECT * FROM system.local"
#define Q_UTF8 "SELECT * FROM ks.t WHERE name = 'h\xc3\xa9llo \xe2\x9c\x93'"
#define Q_INSERT "INSERT INTO ks.t (k, v, w, x) VALUES (?, ?, ?, ?)"
#define Q_NAMED "INSERT INTO ks.t (k, v, w) VALUES (:k, :v, :w)"
#define Q_LONG                                                                                     \
  "SELECT a, b, c, d, e, f FROM ks.wide WHERE k IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " \
  "?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define Q_COUNTER "UPDATE ks.c SET n = n + 1 WHERE k = ?"
#define PAGING                                                                                     \
  "\x00\x04"                                                                                       \
  "abcd"                                                                                           \
  "\x7f\xff\xff\xff\x00"
#define TOKEN                                                                                      \
  "\x00"                                                                                           \
  "cassandra"                                                                                      \
  "\x00"                                                                                           \
  "cassandra"
#define KS "ks1"

static const int64_t TS = 1612345678901234;
static const int32_t NOW = 1700000000;
static const uint8_t QID[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                                0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};
static const uint8_t MID[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
#define QID_S ((cql_slice){QID, sizeof(QID)})
#define MID_S ((cql_slice){MID, sizeof(MID)})

static const cql_value_arg VALUES[] = {SETV(INT42), NULLV, UNSETV, SETV("")};
static const cql_value_arg ONE_INT[] = {SETV(INT42)};
static const cql_value_arg INTS24[] = {
    SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42),
    SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42),
    SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42),
    SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42), SETV(INT42)};
static const cql_value_arg NAMED[] = {{.name = S("k"), .state = CQL_VALUE_SET, .bytes = S(INT42)},
                                      {.name = S("v"), .state = CQL_VALUE_NULL},
                                      {.name = S("w"), .state = CQL_VALUE_UNSET}};
static const cql_value_arg PREP_VALS[] = {SETV(INT42), SETV("\x01")};
static const cql_value_arg NULL_ONLY[] = {NULLV};
static const cql_value_arg MIXED_VALS[] = {UNSETV, NULLV, SETV("")};

static const cql_pair PAYLOAD[] = {{.key = S("k1"), .value = S("value")},
                                   {.key = S("nul"), .value_null = true}};
static const cql_pair PAYLOAD_EMPTY_VALUE[] = {{.key = S("k"), .value = S("")}};

#define SIMPLE(text)                                                                               \
  { .query = S(text) }
#define PREPARED(qid, vals)                                                                        \
  { .is_prepared = true, .id = qid, .values = vals, .n_values = N(vals) }
#define MIXED                                                                                      \
  {.query = S(Q_INSERT), .values = VALUES, .n_values = N(VALUES)}, PREPARED(QID_S, MIXED_VALS),    \
      SIMPLE("DELETE FROM ks.t WHERE k = 3")

static const cql_batch_stmt STMTS_SIMPLE[] = {SIMPLE("INSERT INTO ks.t (k) VALUES (1)"),
                                              SIMPLE("INSERT INTO ks.t (k) VALUES (2)")};
static const cql_batch_stmt STMTS_PREPARED[] = {PREPARED(QID_S, PREP_VALS),
                                                PREPARED(MID_S, NULL_ONLY)};
static const cql_batch_stmt STMTS_MIXED[] = {MIXED};
static const cql_batch_stmt STMTS_MIXED3[] = {MIXED, MIXED, MIXED};
static const cql_batch_stmt STMTS_COUNTER[] = {
    PREPARED(QID_S, ONE_INT), {.query = S(Q_COUNTER), .values = ONE_INT, .n_values = 1}};

static const cql_slice EVENTS[] = {S("TOPOLOGY_CHANGE"), S("STATUS_CHANGE"), S("SCHEMA_CHANGE")};
static const cql_slice EVENT_SCHEMA[] = {S("SCHEMA_CHANGE")};

/* ---- small setters so that each case reads like its Python line ---------- */

static cql_query_params *query(cql_request *r, cql_slice text, uint16_t cl) {
  r->opcode = CQL_OP_QUERY;
  r->u.query.query = text;
  r->u.query.params.consistency = cl;
  return &r->u.query.params;
}

static cql_query_params *execute(cql_request *r, uint8_t v, uint16_t cl) {
  r->opcode = CQL_OP_EXECUTE;
  r->u.execute.id = QID_S;
  if (v >= CQL_PROTOCOL_V5)
    r->u.execute.result_metadata_id = MID_S;
  r->u.execute.params.consistency = cl;
  return &r->u.execute.params;
}

static void values(cql_query_params *p, const cql_value_arg *v, uint32_t n) {
  p->has_values = true;
  p->values = v;
  p->n_values = n;
}

static void named(cql_query_params *p) {
  values(p, NAMED, N(NAMED));
  p->named_values = true;
}

static void page(cql_query_params *p, int32_t size) {
  p->has_page_size = true;
  p->page_size = size;
}

static void paging(cql_query_params *p, cql_slice state) {
  p->has_paging_state = true;
  p->paging_state = state;
}

static void serial(cql_query_params *p, uint16_t cl) {
  p->has_serial_consistency = true;
  p->serial_consistency = cl;
}

static void stamp(cql_query_params *p, int64_t ts) {
  p->has_timestamp = true;
  p->timestamp = ts;
}

static void keyspace(cql_query_params *p, cql_slice ks) {
  p->has_keyspace = true;
  p->keyspace = ks;
}

static void now(cql_query_params *p) {
  p->has_now_in_seconds = true;
  p->now_in_seconds = NOW;
}

static void payload(cql_request *r) {
  r->custom_payload = PAYLOAD;
  r->n_custom_payload = N(PAYLOAD);
}

static void prepare(cql_request *r, cql_slice text) {
  r->opcode = CQL_OP_PREPARE;
  r->u.prepare.query = text;
}

static cql_batch_body *batch(cql_request *r, uint8_t type, const cql_batch_stmt *s, uint16_t n,
                             uint16_t cl) {
  r->opcode = CQL_OP_BATCH;
  r->u.batch.type = type;
  r->u.batch.stmts = s;
  r->u.batch.n_stmts = n;
  r->u.batch.consistency = cl;
  return &r->u.batch;
}

static void batch_serial(cql_batch_body *b, uint16_t cl) {
  b->has_serial_consistency = true;
  b->serial_consistency = cl;
}

static void batch_stamp(cql_batch_body *b) {
  b->has_timestamp = true;
  b->timestamp = TS;
}

static void batch_keyspace(cql_batch_body *b, cql_slice ks) {
  b->has_keyspace = true;
  b->keyspace = ks;
}

static void startup(cql_request *r, const cql_pair *options, uint32_t n) {
  r->opcode = CQL_OP_STARTUP;
  r->stream = 0;
  r->u.startup.options = options;
  r->u.startup.n_options = n;
}

static void reg(cql_request *r, const cql_slice *events, uint32_t n) {
  r->opcode = CQL_OP_REGISTER;
  r->u.reg.events = events;
  r->u.reg.n_events = n;
}

static void auth(cql_request *r, cql_slice token) {
  r->opcode = CQL_OP_AUTH_RESPONSE;
  r->u.auth_response.token = token;
}

enum {
  ONE = CQL_CONSISTENCY_ONE,
  QUORUM = CQL_CONSISTENCY_QUORUM,
  SER = CQL_CONSISTENCY_SERIAL,
  LSER = CQL_CONSISTENCY_LOCAL_SERIAL
};

/* ---- the cases ------------------------------------------------------------ */

#define B(name) static void c_##name(cql_request *r, uint8_t v)

B(startup_min) {
  (void)v;
  static const cql_pair o[] = {{.key = S("CQL_VERSION"), .value = S("3.0.0")}};
  startup(r, o, N(o));
}
B(startup_compression) {
  (void)v;
  static const cql_pair o[] = {{.key = S("COMPRESSION"), .value = S("lz4")},
                               {.key = S("CQL_VERSION"), .value = S("3.0.0")}};
  startup(r, o, N(o));
}
B(startup_driver) {
  (void)v;
  static const cql_pair o[] = {{.key = S("DRIVER_NAME"), .value = S("DataStax Python Driver")},
                               {.key = S("DRIVER_VERSION"), .value = S("3.25.0")},
                               {.key = S("THROW_ON_OVERLOAD"), .value = S("1")},
                               {.key = S("CQL_VERSION"), .value = S("3.0.0")}};
  startup(r, o, N(o));
}
B(options) {
  (void)v;
  r->opcode = CQL_OP_OPTIONS;
  r->stream = 0;
}
B(options_stream_max) {
  c_options(r, v);
  r->stream = 32767;
}
B(options_beta) {
  c_options(r, v);
  r->stream = 3;
  r->use_beta = true;
}
B(query_simple) {
  (void)v;
  query(r, S(Q_LOCAL), ONE);
}
B(query_utf8) {
  (void)v;
  query(r, S(Q_UTF8), CQL_CONSISTENCY_LOCAL_QUORUM);
  r->stream = 300;
}
B(query_page_size) {
  (void)v;
  page(query(r, S(Q_LOCAL), ONE), 5000);
}
B(query_paging_state) {
  (void)v;
  cql_query_params *p = query(r, S(Q_LOCAL), QUORUM);
  page(p, 100);
  paging(p, S(PAGING));
}
B(query_serial) {
  (void)v;
  serial(query(r, S(Q_INSERT), QUORUM), LSER);
}
B(query_timestamp) {
  (void)v;
  stamp(query(r, S(Q_INSERT), CQL_CONSISTENCY_ANY), TS);
}
B(query_all) {
  (void)v;
  cql_query_params *p = query(r, S(Q_LOCAL), CQL_CONSISTENCY_ALL);
  serial(p, SER);
  page(p, 1);
  paging(p, S(PAGING));
  stamp(p, 0);
}
B(query_values) {
  (void)v;
  values(query(r, S(Q_INSERT), ONE), VALUES, N(VALUES));
}
B(query_values_empty) {
  (void)v;
  query(r, S(Q_LOCAL), ONE)->has_values = true;
}
B(query_keyspace) {
  (void)v;
  keyspace(query(r, S(Q_LOCAL), ONE), S(KS));
}
B(query_keyspace_all) {
  (void)v;
  cql_query_params *p = query(r, S(Q_INSERT), CQL_CONSISTENCY_EACH_QUORUM);
  values(p, VALUES, N(VALUES));
  serial(p, LSER);
  page(p, 20);
  paging(p, S(PAGING));
  stamp(p, TS);
  keyspace(p, S(KS));
}
B(query_tracing) {
  c_query_simple(r, v);
  r->tracing = true;
}
B(query_custom_payload) {
  c_query_simple(r, v);
  payload(r);
}
B(query_tracing_payload) {
  c_query_tracing(r, v);
  page(&r->u.query.params, 10);
  payload(r);
}
B(query_lz4) { c_query_simple(r, v); }
B(query_lz4_all) {
  (void)v;
  cql_query_params *p = query(r, S(Q_LONG), CQL_CONSISTENCY_LOCAL_ONE);
  values(p, INTS24, N(INTS24));
  page(p, 5000);
  stamp(p, TS);
  r->stream = 9;
  r->tracing = true;
  payload(r);
}
B(prepare) {
  (void)v;
  prepare(r, S(Q_INSERT));
}
B(prepare_keyspace) {
  (void)v;
  prepare(r, S(Q_INSERT));
  r->u.prepare.has_keyspace = true;
  r->u.prepare.keyspace = S(KS);
}
B(prepare_tracing) {
  (void)v;
  prepare(r, S(Q_LOCAL));
  r->tracing = true;
}
B(prepare_custom_payload) {
  (void)v;
  prepare(r, S(Q_LOCAL));
  payload(r);
}
B(prepare_lz4) {
  (void)v;
  prepare(r, S(Q_LONG));
}
B(execute_no_values) { execute(r, v, ONE); }
B(execute_values_empty) { execute(r, v, ONE)->has_values = true; }
B(execute_values) { values(execute(r, v, CQL_CONSISTENCY_TWO), VALUES, N(VALUES)); }
B(execute_paging) {
  cql_query_params *p = execute(r, v, CQL_CONSISTENCY_THREE);
  values(p, ONE_INT, 1);
  page(p, 50);
  paging(p, S(PAGING));
}
B(execute_serial_timestamp) {
  cql_query_params *p = execute(r, v, QUORUM);
  values(p, VALUES, N(VALUES));
  serial(p, SER);
  stamp(p, TS);
}
B(execute_all) {
  cql_query_params *p = execute(r, v, CQL_CONSISTENCY_LOCAL_QUORUM);
  values(p, VALUES, N(VALUES));
  serial(p, LSER);
  page(p, 5000);
  paging(p, S(PAGING));
  stamp(p, TS);
}
B(execute_keyspace) {
  cql_query_params *p = execute(r, v, ONE);
  values(p, ONE_INT, 1);
  keyspace(p, S(KS));
}
B(execute_metadata_id_empty) {
  values(execute(r, v, ONE), ONE_INT, 1);
  r->u.execute.result_metadata_id = S("");
}
B(execute_tracing_payload) {
  values(execute(r, v, ONE), VALUES, N(VALUES));
  r->stream = 2;
  r->tracing = true;
  payload(r);
}
B(execute_lz4) {
  cql_query_params *p = execute(r, v, ONE);
  values(p, INTS24, N(INTS24));
  page(p, 5000);
}
B(batch_logged_simple) {
  (void)v;
  batch(r, CQL_BATCH_LOGGED, STMTS_SIMPLE, N(STMTS_SIMPLE), ONE);
}
B(batch_unlogged_prepared) {
  (void)v;
  batch(r, CQL_BATCH_UNLOGGED, STMTS_PREPARED, N(STMTS_PREPARED), QUORUM);
}
B(batch_counter) {
  (void)v;
  batch(r, CQL_BATCH_COUNTER, STMTS_COUNTER, N(STMTS_COUNTER), ONE);
}
B(batch_mixed) {
  (void)v;
  batch(r, CQL_BATCH_LOGGED, STMTS_MIXED, N(STMTS_MIXED), CQL_CONSISTENCY_ALL);
}
B(batch_serial) {
  (void)v;
  batch_serial(batch(r, CQL_BATCH_LOGGED, STMTS_SIMPLE, N(STMTS_SIMPLE), ONE), LSER);
}
B(batch_timestamp) {
  (void)v;
  batch_stamp(batch(r, CQL_BATCH_UNLOGGED, STMTS_SIMPLE, N(STMTS_SIMPLE), ONE));
}
B(batch_serial_timestamp) {
  (void)v;
  cql_batch_body *b = batch(r, CQL_BATCH_LOGGED, STMTS_MIXED, N(STMTS_MIXED), CQL_CONSISTENCY_TWO);
  batch_serial(b, SER);
  batch_stamp(b);
}
B(batch_keyspace) {
  (void)v;
  batch_keyspace(batch(r, CQL_BATCH_LOGGED, STMTS_SIMPLE, N(STMTS_SIMPLE), ONE), S(KS));
}
B(batch_all) {
  (void)v;
  cql_batch_body *b =
      batch(r, CQL_BATCH_UNLOGGED, STMTS_MIXED, N(STMTS_MIXED), CQL_CONSISTENCY_LOCAL_ONE);
  batch_serial(b, LSER);
  batch_stamp(b);
  batch_keyspace(b, S(KS));
}
B(batch_empty) {
  (void)v;
  batch(r, CQL_BATCH_LOGGED, NULL, 0, ONE);
}
B(batch_tracing_payload) {
  (void)v;
  batch(r, CQL_BATCH_LOGGED, STMTS_PREPARED, N(STMTS_PREPARED), ONE);
  r->tracing = true;
  payload(r);
}
B(batch_lz4) {
  (void)v;
  batch_stamp(batch(r, CQL_BATCH_UNLOGGED, STMTS_MIXED3, N(STMTS_MIXED3), ONE));
}
B(register_all) {
  (void)v;
  reg(r, EVENTS, N(EVENTS));
}
B(register_one) {
  (void)v;
  reg(r, EVENT_SCHEMA, 1);
}
B(register_empty) {
  (void)v;
  reg(r, NULL, 0);
}
B(register_lz4) { c_register_all(r, v); }
B(auth_response) {
  (void)v;
  auth(r, S(TOKEN));
}
B(auth_response_empty) {
  (void)v;
  auth(r, S(""));
}
B(auth_response_lz4) { c_auth_response(r, v); }

/* hand-built ones (spec_*) */
B(spec_query_skip_metadata) {
  (void)v;
  query(r, S(Q_LOCAL), ONE)->skip_metadata = true;
}
B(spec_query_named) {
  (void)v;
  named(query(r, S(Q_NAMED), ONE));
}
B(spec_query_now_in_seconds) {
  (void)v;
  now(query(r, S(Q_LOCAL), ONE));
}
B(spec_query_every_flag) {
  cql_query_params *p = query(r, S(Q_NAMED), CQL_CONSISTENCY_LOCAL_QUORUM);
  named(p);
  p->skip_metadata = true;
  page(p, 100);
  paging(p, S(PAGING));
  serial(p, LSER);
  stamp(p, TS);
  if (v >= CQL_PROTOCOL_V5) {
    keyspace(p, S(KS));
    now(p);
  }
}
B(spec_execute_skip_metadata) {
  cql_query_params *p = execute(r, v, ONE);
  values(p, ONE_INT, 1);
  p->skip_metadata = true;
  page(p, 5000);
}
B(spec_execute_named) { named(execute(r, v, ONE)); }
B(spec_execute_now_in_seconds) {
  cql_query_params *p = execute(r, v, ONE);
  values(p, ONE_INT, 1);
  now(p);
}
B(spec_execute_every_flag) {
  cql_query_params *p = execute(r, v, QUORUM);
  named(p);
  p->skip_metadata = true;
  page(p, 7);
  paging(p, S(""));
  serial(p, SER);
  stamp(p, v >= CQL_PROTOCOL_V5 ? INT64_MAX : 0);
  if (v >= CQL_PROTOCOL_V5) {
    keyspace(p, S(KS));
    now(p);
  }
  r->stream = 5;
  r->tracing = true;
  r->custom_payload = PAYLOAD_EMPTY_VALUE;
  r->n_custom_payload = 1;
}
B(spec_batch_now_in_seconds) {
  (void)v;
  cql_batch_body *b = batch(r, CQL_BATCH_LOGGED, STMTS_SIMPLE, N(STMTS_SIMPLE), ONE);
  b->has_now_in_seconds = true;
  b->now_in_seconds = NOW;
}
B(spec_batch_every_flag) {
  (void)v;
  cql_batch_body *b = batch(r, CQL_BATCH_COUNTER, STMTS_COUNTER, N(STMTS_COUNTER), QUORUM);
  batch_serial(b, LSER);
  batch_stamp(b);
  batch_keyspace(b, S(KS));
  b->has_now_in_seconds = true;
  b->now_in_seconds = NOW;
}
B(spec_batch_keyspace_empty) {
  (void)v;
  batch_keyspace(batch(r, CQL_BATCH_LOGGED, STMTS_SIMPLE, N(STMTS_SIMPLE), ONE), S(""));
}
B(spec_prepare_keyspace_empty) {
  (void)v;
  prepare(r, S(Q_LOCAL));
  r->u.prepare.has_keyspace = true;
}
B(spec_auth_response_null) {
  (void)v;
  r->opcode = CQL_OP_AUTH_RESPONSE;
  r->u.auth_response.token_null = true;
}
B(spec_custom_payload_empty) {
  c_query_simple(r, v);
  r->has_custom_payload = true;
}

#undef B

typedef struct req_case {
  const char *name;
  unsigned versions; /* bit (1 << version) */
  bool compress;
  void (*build)(cql_request *r, uint8_t version);
} req_case;

enum { V4 = 1u << 4, V5 = 1u << 5, V45 = V4 | V5 };
#define C(name, versions)                                                                          \
  { #name, versions, false, c_##name }
#define Z(name)                                                                                    \
  { #name, V4, true, c_##name } /* compressed, v4 only */

static const req_case CASES[] = {
    C(startup_min, V45),
    C(startup_compression, V45),
    C(startup_driver, V45),
    C(options, V45),
    C(options_stream_max, V45),
    C(options_beta, V5),
    C(query_simple, V45),
    C(query_utf8, V45),
    C(query_page_size, V45),
    C(query_paging_state, V45),
    C(query_serial, V45),
    C(query_timestamp, V45),
    C(query_all, V45),
    C(query_values, V45),
    C(query_values_empty, V45),
    C(query_keyspace, V5),
    C(query_keyspace_all, V5),
    C(query_tracing, V45),
    C(query_custom_payload, V45),
    C(query_tracing_payload, V45),
    Z(query_lz4),
    Z(query_lz4_all),
    C(prepare, V45),
    C(prepare_keyspace, V5),
    C(prepare_tracing, V45),
    C(prepare_custom_payload, V45),
    Z(prepare_lz4),
    C(execute_no_values, V45),
    C(execute_values_empty, V45),
    C(execute_values, V45),
    C(execute_paging, V45),
    C(execute_serial_timestamp, V45),
    C(execute_all, V45),
    C(execute_keyspace, V5),
    C(execute_metadata_id_empty, V5),
    C(execute_tracing_payload, V45),
    Z(execute_lz4),
    C(batch_logged_simple, V45),
    C(batch_unlogged_prepared, V45),
    C(batch_counter, V45),
    C(batch_mixed, V45),
    C(batch_serial, V45),
    C(batch_timestamp, V45),
    C(batch_serial_timestamp, V45),
    C(batch_keyspace, V5),
    C(batch_all, V5),
    C(batch_empty, V45),
    C(batch_tracing_payload, V45),
    Z(batch_lz4),
    C(register_all, V45),
    C(register_one, V45),
    C(register_empty, V4),
    Z(register_lz4),
    C(auth_response, V45),
    C(auth_response_empty, V45),
    Z(auth_response_lz4),
    C(spec_query_skip_metadata, V45),
    C(spec_query_named, V45),
    C(spec_query_now_in_seconds, V5),
    C(spec_query_every_flag, V45),
    C(spec_execute_skip_metadata, V45),
    C(spec_execute_named, V45),
    C(spec_execute_now_in_seconds, V5),
    C(spec_execute_every_flag, V45),
    C(spec_batch_now_in_seconds, V5),
    C(spec_batch_every_flag, V5),
    C(spec_batch_keyspace_empty, V5),
    C(spec_prepare_keyspace_empty, V5),
    C(spec_auth_response_null, V45),
    C(spec_custom_payload_empty, V45),
};

/* ---- the checks ------------------------------------------------------------ */

static tu_vector_file g_vectors;

static const req_case *find_case(const char *name) {
  for (size_t i = 0; i < N(CASES); i++) {
    if (strcmp(CASES[i].name, name) == 0)
      return &CASES[i];
  }
  return NULL;
}

static uint8_t line_version(const tu_vector_line *l) { return (uint8_t)atoi(l->fields[2]); }

static void build(const req_case *c, uint8_t version, cql_request *r) {
  memset(r, 0, sizeof(*r));
  r->stream = 1;
  c->build(r, version);
}

/* Compares and, on a mismatch, prints both sides before failing. */
static void assert_same(const char *what, const tu_vector_line *l, const uint8_t *want,
                        size_t want_len, const cql_buf *got) {
  if (got->len == want_len && memcmp(got->data, want, want_len) == 0)
    return;
  char *w = tu_hex_encode(want, want_len);
  char *g = tu_hex_encode(got->data, got->len);
  print_error("%s %s v%s (line %zu)\n want %s\n got  %s\n", what, l->fields[1], l->fields[2],
              l->line_no, w, g);
  free(w);
  free(g);
  fail();
}

static void test_every_line_has_a_case(void **state) {
  (void)state;
  assert_true(g_vectors.n_lines >= 80);
  for (size_t i = 0; i < g_vectors.n_lines; i++) {
    const tu_vector_line *l = &g_vectors.lines[i];
    assert_int_equal(l->n_fields, 4);
    assert_string_equal(l->fields[0], "request");
    const req_case *c = find_case(l->fields[1]);
    if (!c || !(c->versions & (1u << line_version(l)))) {
      print_error("vector %s v%s has no C case\n", l->fields[1], l->fields[2]);
      fail();
    }
  }
}

static void test_every_case_has_a_line(void **state) {
  (void)state;
  for (size_t i = 0; i < N(CASES); i++) {
    for (unsigned v = 4; v <= 5; v++) {
      if (!(CASES[i].versions & (1u << v)))
        continue;
      bool found = false;
      for (size_t j = 0; j < g_vectors.n_lines && !found; j++) {
        const tu_vector_line *l = &g_vectors.lines[j];
        found = strcmp(l->fields[1], CASES[i].name) == 0 && line_version(l) == v;
      }
      if (!found) {
        print_error("C case %s v%u has no vector\n", CASES[i].name, v);
        fail();
      }
    }
  }
}

static void test_encode_matches_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < g_vectors.n_lines; i++) {
    const tu_vector_line *l = &g_vectors.lines[i];
    const req_case *c = find_case(l->fields[1]);
    assert_non_null(c);
    size_t want_len;
    uint8_t *want = tu_hex_decode(l->fields[3], &want_len);
    cql_request r;
    build(c, line_version(l), &r);
    cql_buf out;
    cql_buf_init(&out, NULL);
    assert_int_equal(cql_request_encode(&out, line_version(l), &r, c->compress), CQL_OK);
    assert_same("encode", l, want, want_len, &out);
    cql_buf_free(&out);
    free(want);
  }
}

/* Splits an envelope, decompressing a v4 body when its flag says so. */
static cql_slice envelope_body(const uint8_t *env, size_t len, cql_header *h, cql_buf *tmp) {
  assert_true(len >= CQL_HEADER_SIZE);
  assert_int_equal(cql_header_decode(env, h), CQL_OK);
  assert_int_equal(h->length, len - CQL_HEADER_SIZE);
  cql_slice body = {env + CQL_HEADER_SIZE, len - CQL_HEADER_SIZE};
  if (!(h->flags & CQL_FLAG_COMPRESSION))
    return body;
  assert_int_equal(cql_body_decompress_v4(tmp, body, 1u << 20), CQL_OK);
  return (cql_slice){tmp->data, tmp->len};
}

static void test_decode_then_encode_matches_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < g_vectors.n_lines; i++) {
    const tu_vector_line *l = &g_vectors.lines[i];
    size_t len;
    uint8_t *env = tu_hex_decode(l->fields[3], &len);
    cql_buf tmp, out;
    cql_buf_init(&tmp, NULL);
    cql_buf_init(&out, NULL);
    cql_header h;
    cql_slice body = envelope_body(env, len, &h, &tmp);
    cql_arena arena;
    cql_arena_init(&arena, NULL);
    cql_request r;
    const char *what = NULL;
    cql_status st = cql_request_decode(&h, body, &arena, &r, &what);
    if (st != CQL_OK) {
      print_error("decode %s v%s: %s (%s)\n", l->fields[1], l->fields[2], cql_status_name(st),
                  what ? what : "?");
      fail();
    }
    bool compress = h.flags & CQL_FLAG_COMPRESSION;
    assert_int_equal(cql_request_encode(&out, h.version, &r, compress), CQL_OK);
    assert_same("decode+encode", l, env, len, &out);
    cql_arena_free(&arena);
    cql_buf_free(&out);
    cql_buf_free(&tmp);
    free(env);
  }
}

/* Prints how many vectors each opcode and version has (for the report). */
static void test_count_per_opcode(void **state) {
  (void)state;
  unsigned counts[2][0x11] = {{0}};
  for (size_t i = 0; i < g_vectors.n_lines; i++) {
    const tu_vector_line *l = &g_vectors.lines[i];
    size_t len;
    uint8_t *env = tu_hex_decode(l->fields[3], &len);
    assert_true(len >= CQL_HEADER_SIZE && env[4] <= 0x10);
    counts[env[0] - 4][env[4]]++;
    free(env);
  }
  static const uint8_t ops[] = {CQL_OP_STARTUP,  CQL_OP_OPTIONS,      CQL_OP_QUERY,
                                CQL_OP_PREPARE,  CQL_OP_EXECUTE,      CQL_OP_BATCH,
                                CQL_OP_REGISTER, CQL_OP_AUTH_RESPONSE};
  for (size_t i = 0; i < sizeof(ops); i++) {
    printf("opcode 0x%02x: v4 %u, v5 %u\n", ops[i], counts[0][ops[i]], counts[1][ops[i]]);
    assert_true(counts[0][ops[i]] > 0 && counts[1][ops[i]] > 0);
  }
}

/* ---- real clients: every request in the Cassandra transcripts ----------- */

typedef struct conn_bytes {
  int conn;
  cql_buf bytes;
} conn_bytes;

/* Collects the client-to-server bytes of each connection of a transcript
 * (one JSON object per line; only "conn" and "hex" are needed). */
static size_t read_c2s(const char *file, conn_bytes *conns, size_t max) {
  char *text = tu_read_file(tu_reference_path(file), NULL);
  assert_non_null(text);
  size_t n = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    int conn;
    char *hex = strstr(line, "\"hex\": \"");
    if (!strstr(line, "\"dir\": \"c2s\"") || sscanf(line, "{\"conn\": %d", &conn) != 1 || !hex)
      continue;
    hex += 8;
    char *end = strchr(hex, '"');
    assert_non_null(end);
    *end = 0;
    size_t i = 0;
    while (i < n && conns[i].conn != conn)
      i++;
    if (i == n) {
      assert_true(n < max);
      conns[n].conn = conn;
      cql_buf_init(&conns[n++].bytes, NULL);
    }
    size_t len;
    uint8_t *raw = tu_hex_decode(hex, &len);
    cql_buf_put_raw(&conns[i].bytes, raw, len);
    free(raw);
  }
  free(text);
  return n;
}

/* Decodes one envelope at the start of `in`, re-encodes it and compares;
 * returns its size. */
static size_t check_envelope(const char *file, cql_slice in) {
  cql_header h;
  assert_true(in.len >= CQL_HEADER_SIZE);
  assert_int_equal(cql_header_decode(in.ptr, &h), CQL_OK);
  size_t size = CQL_HEADER_SIZE + h.length;
  assert_true(in.len >= size);
  cql_buf tmp, out;
  cql_buf_init(&tmp, NULL);
  cql_buf_init(&out, NULL);
  cql_slice body = {in.ptr + CQL_HEADER_SIZE, h.length};
  if (h.flags & CQL_FLAG_COMPRESSION) {
    assert_int_equal(cql_body_decompress_v4(&tmp, body, 1u << 24), CQL_OK);
    body = (cql_slice){tmp.data, tmp.len};
  }
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_request r;
  const char *what = NULL;
  cql_status st = cql_request_decode(&h, body, &arena, &r, &what);
  if (st != CQL_OK) {
    print_error("%s: opcode 0x%02x: %s (%s)\n", file, h.opcode, cql_status_name(st), what);
    fail();
  }
  assert_int_equal(cql_request_encode(&out, h.version, &r, h.flags & CQL_FLAG_COMPRESSION), CQL_OK);
  if (out.len != size || memcmp(out.data, in.ptr, size) != 0) {
    char *w = tu_hex_encode(in.ptr, size), *g = tu_hex_encode(out.data, out.len);
    print_error("%s: re-encoded request differs\n want %s\n got  %s\n", file, w, g);
    free(w);
    free(g);
    fail();
  }
  cql_arena_free(&arena);
  cql_buf_free(&out);
  cql_buf_free(&tmp);
  return size;
}

/* v5 connections switch to segments once STARTUP is sent; the payloads are
 * joined, since a large envelope spans several segments. */
static size_t unframe(cql_slice in, bool compressed, cql_buf *envelopes) {
  size_t segments = 0;
  while (in.len > 0) {
    bool self_contained;
    size_t used;
    assert_int_equal(cql_segment_decode(in, compressed, envelopes, &self_contained, &used), CQL_OK);
    in.ptr += used;
    in.len -= used;
    segments++;
  }
  return segments;
}

static size_t check_connection(const char *file, cql_slice in, bool v5, bool compressed) {
  size_t count = 0;
  /* The Node.js driver first tries DSE_V2 (0x42) on a connection of its
   * own; the server refuses it and nothing else is sent there. */
  if (in.len > 0 && in.ptr[0] != CQL_PROTOCOL_V4 && in.ptr[0] != CQL_PROTOCOL_V5)
    return 0;
  while (in.len > 0) {
    uint8_t opcode = in.len >= CQL_HEADER_SIZE ? in.ptr[4] : 0;
    size_t used = check_envelope(file, in);
    in.ptr += used;
    in.len -= used;
    count++;
    if (v5 && opcode == CQL_OP_STARTUP)
      break;
  }
  if (in.len == 0)
    return count;
  cql_buf envelopes;
  cql_buf_init(&envelopes, NULL);
  assert_true(unframe(in, compressed, &envelopes) > 0);
  cql_slice rest = {envelopes.data, envelopes.len};
  while (rest.len > 0) {
    size_t used = check_envelope(file, rest);
    rest.ptr += used;
    rest.len -= used;
    count++;
  }
  cql_buf_free(&envelopes);
  return count;
}

static void test_transcript_requests(void **state) {
  (void)state;
  static const struct {
    const char *file;
    bool v5, compressed;
  } files[] = {
      {"transcripts/cassandra-4.0.0-v4-none.jsonl", false, false},
      {"transcripts/cassandra-4.0.0-v4-auth.jsonl", false, false},
      {"transcripts/cassandra-4.0.0-v4-nodejs.jsonl", false, false},
      {"transcripts/cassandra-4.0.0-v4-gocql.jsonl", false, false},
      {"transcripts/cassandra-4.0.0-v5-none.jsonl", true, false},
      {"transcripts/cassandra-4.0.0-v5-lz4.jsonl", true, true},
      {"transcripts/cassandra-4.0.0-v5-auth.jsonl", true, true},
  };
  for (size_t f = 0; f < N(files); f++) {
    conn_bytes conns[16];
    size_t n = read_c2s(files[f].file, conns, 16);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
      cql_slice in = {conns[i].bytes.data, conns[i].bytes.len};
      total += check_connection(files[f].file, in, files[f].v5, files[f].compressed);
      cql_buf_free(&conns[i].bytes);
    }
    printf("%s: %zu requests\n", files[f].file, total);
    assert_true(total > 0);
  }
}

static int load(void **state) {
  (void)state;
  tu_vectors_load(&g_vectors, "requests.tsv");
  return 0;
}

static int unload(void **state) {
  (void)state;
  tu_vectors_free(&g_vectors);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_line_has_a_case),
      cmocka_unit_test(test_every_case_has_a_line),
      cmocka_unit_test(test_encode_matches_vectors),
      cmocka_unit_test(test_decode_then_encode_matches_vectors),
      cmocka_unit_test(test_count_per_opcode),
      cmocka_unit_test(test_transcript_requests),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
