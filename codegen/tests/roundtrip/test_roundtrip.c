/* Round trip through cqlkit-node with the code cqlkit-gen wrote for
 * schemas/app.cql: every CQL type (nested UDTs, collections, tuples,
 * vectors, nulls) is written with generated bind functions and read back
 * with generated decoders; plus unset vs null, counters, LWT results,
 * typed batches and paging. Blocking API (client.h) over a node on its own
 * thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_cql.h"
#include "cqlkit/config.h"
#include "cqlkit_node.h"

/* The tables the queries use, as app.cql declares them (cqlkit-node keeps
 * no schema between runs). */
static const char *const DDL[] = {
    "CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy', "
    "'replication_factor': 1}",
    "CREATE TYPE app.address (street text, city text, zip text, tags set<text>, country text)",
    "CREATE TYPE app.geo_point (lat double, lon double)",
    "CREATE TYPE app.contact (email text, phone text, verified boolean)",
    "CREATE TYPE app.place (name text, location frozen<geo_point>, address frozen<address>)",
    "CREATE TABLE app.users (id uuid PRIMARY KEY, email text, name text, \"displayName\" text, "
    "home frozen<address>, addresses map<text, frozen<address>>, phones list<text>, "
    "roles set<text>, created_at timestamp, active boolean, last_login timestamp)",
    "CREATE TABLE app.page_views (page text, day date, views counter, uniques counter, "
    "PRIMARY KEY (page, day))",
    "CREATE TABLE app.all_types (id int, ck_text text, a_ascii ascii, a_bigint bigint, "
    "a_blob blob, a_boolean boolean, a_date date, a_decimal decimal, a_double double, "
    "a_duration duration, a_float float, a_inet inet, a_int int, a_smallint smallint, "
    "a_text text, a_time time, a_timestamp timestamp, a_timeuuid timeuuid, "
    "a_tinyint tinyint, a_uuid uuid, a_varchar varchar, a_varint varint, a_list list<int>, "
    "a_set set<text>, a_map map<text, bigint>, a_frozen_list frozen<list<text>>, "
    "a_nested_list list<frozen<list<int>>>, "
    "a_nested_map map<int, frozen<map<text, frozen<set<uuid>>>>>, "
    "a_tuple tuple<int, text, frozen<list<double>>>, a_vector vector<float, 3>, "
    "a_udt contact, a_frozen_udt frozen<address>, a_udt_list list<frozen<address>>, "
    "a_place frozen<place>, a_static text static, PRIMARY KEY (id, ck_text))",
};

typedef struct fixture {
  cql_node_thread *node;
  cql_client *client;
} fixture;

static cql_slice S(const char *s) { return cql_slice_from_cstr(s); }

static const cql_uuid UUID1 = {{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44,
                                0x66, 0x55, 0x44, 0x00, 0x00}};
static const cql_uuid UUID2 = {{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x42, 0xd3, 0xa4, 0x56, 0x42,
                                0x66, 0x14, 0x17, 0x40, 0x00}};
static const cql_uuid TIMEUUID = {{0x8d, 0x5e, 0x4f, 0x36, 0x5c, 0x1a, 0x11, 0xee, 0x8c, 0x99, 0x02,
                                   0x42, 0xac, 0x12, 0x00, 0x02}};

static cql_client *connect_to(fixture *f, const char *keyspace) {
  cql_config *cfg = NULL;
  cql_client *client = NULL;
  char *msg = NULL;
  assert_int_equal(cql_config_new(&cfg, NULL), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, cql_node_port(cql_node_thread_node(f->node))), CQL_OK);
  if (keyspace != NULL) {
    assert_int_equal(cql_config_set_keyspace(cfg, keyspace), CQL_OK);
  }
  cql_status rc = cql_client_connect(cfg, &client, &msg);
  if (rc != CQL_OK) {
    fprintf(stderr, "connect: %s: %s\n", cql_status_name(rc), msg ? msg : "");
  }
  free(msg);
  cql_config_free(cfg);
  assert_int_equal(rc, CQL_OK);
  return client;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  cql_node_options o;
  assert_non_null(f);
  cql_node_options_init(&o);
  assert_int_equal(cql_node_thread_start(&o, &f->node), CQL_OK);
  f->client = connect_to(f, NULL);
  for (size_t i = 0; i < sizeof DDL / sizeof DDL[0]; i++) {
    cql_future *fu = cql_client_query(f->client, DDL[i]);
    const cql_result *r = cql_future_result(fu);
    if (cql_result_status(r) != CQL_OK) {
      const cql_error_info *e = cql_result_error(r);
      fprintf(stderr, "DDL %zu: %s\n", i, e && e->message ? e->message : "?");
    }
    assert_int_equal(cql_result_status(r), CQL_OK);
    cql_future_free(fu);
  }
  /* The queries name their tables without a keyspace, as app_queries.cql
   * does after `USE app`: the session's keyspace supplies it. */
  cql_client_close(f->client);
  f->client = connect_to(f, app_keyspace);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  cql_client_close(f->client);
  cql_node_thread_stop(f->node);
  free(f);
  return 0;
}

static void expect_ok(cql_status rc, cql_result *r, const char *what) {
  if (rc != CQL_OK) {
    const cql_error_info *e = r ? cql_result_error(r) : NULL;
    fprintf(stderr, "%s: %s %s\n", what, cql_status_name(rc), e && e->message ? e->message : "");
  }
  assert_int_equal(rc, CQL_OK);
}

/* ---- values of every type ------------------------------------------------ */

static const uint8_t BLOB[] = {0x00, 0xff, 0x10};
static const uint8_t DEC_UNSCALED[] = {0x30, 0x39}; /* 12345 */
static const uint8_t VARINT[] = {0x01, 0x00};       /* 256 */
static const int32_t LIST_INTS[] = {1, 2, 3};
static const int32_t INNER_A[] = {4, 5};
static const int32_t INNER_B[] = {6};
static const double TUPLE_DOUBLES[] = {1.5, 2.5};

static void fill_address(app_address *a, cql_slice *tags, const char *street) {
  memset(a, 0, sizeof *a);
  a->street = S(street);
  a->city = S("Utrecht");
  a->zip_null = true;
  tags[0] = S("home");
  tags[1] = S("work");
  a->tags.count = 2;
  a->tags.items = tags;
  a->country = S("nl");
}

typedef struct all_values {
  app_put_all_types_params p;
  cql_slice set_items[2], frozen_items[2], map_keys[2], tags[4][2];
  int64_t map_values[2];
  app_list_int nested[2];
  cql_uuid uuids[1];
  app_set_uuid inner_set;
  cql_slice inner_key;
  app_map_text_set_uuid inner_map;
  int32_t outer_key;
  app_address udt_list[2];
} all_values;

static void fill_all(all_values *v, int32_t id, const char *ck) {
  app_put_all_types_params *p = &v->p;
  memset(v, 0, sizeof *v);
  CQLGEN_SET(*p, id, id);
  CQLGEN_SET(*p, ck_text, S(ck));
  CQLGEN_SET(*p, a_ascii, S("ascii!"));
  CQLGEN_SET(*p, a_bigint, INT64_C(-9000000000));
  CQLGEN_SET(*p, a_blob, (cql_slice){BLOB, sizeof BLOB});
  CQLGEN_SET(*p, a_boolean, true);
  CQLGEN_SET(*p, a_date, CQL_DATE_EPOCH + 19000);
  CQLGEN_SET(*p, a_decimal, (cql_decimal){2, {{DEC_UNSCALED, sizeof DEC_UNSCALED}}});
  CQLGEN_SET(*p, a_double, 3.25);
  CQLGEN_SET(*p, a_duration, (cql_duration){1, 2, 3000});
  CQLGEN_SET(*p, a_float, 0.5f);
  CQLGEN_SET(*p, a_inet, (cql_inet){4, {127, 0, 0, 1}});
  CQLGEN_SET(*p, a_int, 42);
  CQLGEN_SET(*p, a_smallint, (int16_t)-7);
  CQLGEN_SET(*p, a_text, S("h\xc3\xa9llo"));
  CQLGEN_SET(*p, a_time, INT64_C(12345678900));
  CQLGEN_SET(*p, a_timestamp, INT64_C(1700000000000));
  CQLGEN_SET(*p, a_timeuuid, TIMEUUID);
  CQLGEN_SET(*p, a_tinyint, (int8_t)-3);
  CQLGEN_SET(*p, a_uuid, UUID1);
  CQLGEN_SET(*p, a_varchar, S("varchar"));
  CQLGEN_SET(*p, a_varint, (cql_varint){{VARINT, sizeof VARINT}});
  CQLGEN_SET(*p, a_list, (app_list_int){3, LIST_INTS, {NULL, 0}});
  v->set_items[0] = S("a");
  v->set_items[1] = S("b");
  CQLGEN_SET(*p, a_set, (app_set_text){2, v->set_items, {NULL, 0}});
  v->map_keys[0] = S("k1");
  v->map_keys[1] = S("k2");
  v->map_values[0] = 10;
  v->map_values[1] = -20;
  CQLGEN_SET(*p, a_map, (app_map_text_bigint){2, v->map_keys, v->map_values, {NULL, 0}});
  v->frozen_items[0] = S("y");
  v->frozen_items[1] = S("x");
  CQLGEN_SET(*p, a_frozen_list, (app_list_text){2, v->frozen_items, {NULL, 0}});
  v->nested[0] = (app_list_int){2, INNER_A, {NULL, 0}};
  v->nested[1] = (app_list_int){1, INNER_B, {NULL, 0}};
  CQLGEN_SET(*p, a_nested_list, (app_list_list_int){2, v->nested, {NULL, 0}});
  v->uuids[0] = UUID2;
  v->inner_set = (app_set_uuid){1, v->uuids, {NULL, 0}};
  v->inner_key = S("m");
  v->inner_map = (app_map_text_set_uuid){1, &v->inner_key, &v->inner_set, {NULL, 0}};
  v->outer_key = 7;
  CQLGEN_SET(*p, a_nested_map,
             (app_map_int_map_text_set_uuid){1, &v->outer_key, &v->inner_map, {NULL, 0}});
  p->a_tuple.f0 = 5;
  p->a_tuple.f1 = S("t");
  p->a_tuple.f2 = (app_list_double){2, TUPLE_DOUBLES, {NULL, 0}};
  p->a_tuple_state = CQLGEN_VALUE;
  CQLGEN_SET(*p, a_vector, (app_vector_float_3){{1.0f, 2.0f, 3.0f}});
  p->a_udt.email = S("e@example.org");
  p->a_udt.phone_null = true;
  p->a_udt.verified = true;
  p->a_udt_state = CQLGEN_VALUE;
  fill_address(&p->a_frozen_udt, v->tags[0], "Main St");
  p->a_frozen_udt_state = CQLGEN_VALUE;
  fill_address(&v->udt_list[0], v->tags[1], "First");
  fill_address(&v->udt_list[1], v->tags[2], "Second");
  CQLGEN_SET(*p, a_udt_list, (app_list_address){2, v->udt_list, {NULL, 0}});
  p->a_place.name = S("office");
  p->a_place.location.lat = 52.09;
  p->a_place.location.lon = 5.12;
  fill_address(&p->a_place.address, v->tags[3], "Place St");
  p->a_place_state = CQLGEN_VALUE;
  CQLGEN_SET(*p, a_static, S("static"));
}

/* ---- comparing ------------------------------------------------------------- */

static void check_text(cql_slice got, const char *want) {
  if (!cql_slice_eq_cstr(got, want)) {
    fail_msg("text '%.*s' != '%s'", (int)got.len, (const char *)got.ptr, want);
  }
}

static void check_address(const app_address *a, const char *street) {
  app_set_text_iter it;
  cql_slice s;
  assert_false(a->street_null);
  check_text(a->street, street);
  check_text(a->city, "Utrecht");
  assert_true(a->zip_null);
  assert_false(a->tags_null);
  assert_int_equal(a->tags.count, 2);
  assert_int_equal(app_set_text_iter_init(&it, &a->tags), CQL_OK);
  assert_true(app_set_text_next(&it, &s));
  check_text(s, "home");
  assert_true(app_set_text_next(&it, &s));
  check_text(s, "work");
  assert_false(app_set_text_next(&it, &s));
  assert_int_equal(app_set_text_iter_status(&it), CQL_OK);
  check_text(a->country, "nl");
}

static void check_collections(const app_get_all_types_row *r) {
  int32_t i32;
  cql_slice s;
  int64_t i64;
  app_list_int_iter li;
  app_set_text_iter si;
  app_map_text_bigint_iter mi;
  app_list_text_iter ti;
  assert_int_equal(r->a_list.count, 3);
  assert_int_equal(app_list_int_iter_init(&li, &r->a_list), CQL_OK);
  for (int32_t want = 1; want <= 3; want++) {
    assert_true(app_list_int_next(&li, &i32));
    assert_int_equal(i32, want);
  }
  assert_false(app_list_int_next(&li, &i32));
  assert_int_equal(app_set_text_iter_init(&si, &r->a_set), CQL_OK);
  assert_true(app_set_text_next(&si, &s));
  check_text(s, "a");
  assert_true(app_set_text_next(&si, &s));
  check_text(s, "b");
  assert_int_equal(r->a_map.count, 2);
  assert_int_equal(app_map_text_bigint_iter_init(&mi, &r->a_map), CQL_OK);
  assert_true(app_map_text_bigint_next(&mi, &s, &i64));
  check_text(s, "k1");
  assert_int_equal(i64, 10);
  assert_true(app_map_text_bigint_next(&mi, &s, &i64));
  check_text(s, "k2");
  assert_int_equal(i64, -20);
  assert_false(app_map_text_bigint_next(&mi, &s, &i64));
  assert_int_equal(app_map_text_bigint_iter_status(&mi), CQL_OK);
  assert_int_equal(app_list_text_iter_init(&ti, &r->a_frozen_list), CQL_OK);
  assert_true(app_list_text_next(&ti, &s));
  check_text(s, "y"); /* a list keeps its order */
  assert_true(app_list_text_next(&ti, &s));
  check_text(s, "x");
}

static void check_nested(const app_get_all_types_row *r) {
  app_list_list_int_iter oi;
  app_list_int inner;
  app_list_int_iter ii;
  int32_t i32;
  app_map_int_map_text_set_uuid_iter mi;
  app_map_text_set_uuid m;
  app_map_text_set_uuid_iter mmi;
  cql_slice key;
  app_set_uuid set;
  app_set_uuid_iter ui;
  cql_uuid u;
  assert_int_equal(app_list_list_int_iter_init(&oi, &r->a_nested_list), CQL_OK);
  assert_true(app_list_list_int_next(&oi, &inner));
  assert_int_equal(inner.count, 2);
  assert_int_equal(app_list_int_iter_init(&ii, &inner), CQL_OK);
  assert_true(app_list_int_next(&ii, &i32));
  assert_int_equal(i32, 4);
  assert_true(app_list_list_int_next(&oi, &inner));
  assert_int_equal(inner.count, 1);
  assert_false(app_list_list_int_next(&oi, &inner));
  assert_int_equal(app_map_int_map_text_set_uuid_iter_init(&mi, &r->a_nested_map), CQL_OK);
  assert_true(app_map_int_map_text_set_uuid_next(&mi, &i32, &m));
  assert_int_equal(i32, 7);
  assert_int_equal(app_map_text_set_uuid_iter_init(&mmi, &m), CQL_OK);
  assert_true(app_map_text_set_uuid_next(&mmi, &key, &set));
  check_text(key, "m");
  assert_int_equal(app_set_uuid_iter_init(&ui, &set), CQL_OK);
  assert_true(app_set_uuid_next(&ui, &u));
  assert_memory_equal(u.bytes, UUID2.bytes, 16);
  assert_false(app_set_uuid_next(&ui, &u));
}

static void check_structs(const app_get_all_types_row *r) {
  app_list_double_iter di;
  double d;
  app_list_address_iter ai;
  app_address a;
  assert_false(r->a_tuple_null);
  assert_int_equal(r->a_tuple.f0, 5);
  check_text(r->a_tuple.f1, "t");
  assert_int_equal(app_list_double_iter_init(&di, &r->a_tuple.f2), CQL_OK);
  assert_true(app_list_double_next(&di, &d));
  assert_true(d == 1.5);
  assert_true(app_list_double_next(&di, &d));
  assert_true(d == 2.5);
  assert_false(r->a_vector_null);
  assert_true(r->a_vector.items[0] == 1.0f && r->a_vector.items[2] == 3.0f);
  assert_false(r->a_udt_null);
  check_text(r->a_udt.email, "e@example.org");
  assert_true(r->a_udt.phone_null);
  assert_true(r->a_udt.verified);
  check_address(&r->a_frozen_udt, "Main St");
  assert_int_equal(r->a_udt_list.count, 2);
  assert_int_equal(app_list_address_iter_init(&ai, &r->a_udt_list), CQL_OK);
  assert_true(app_list_address_next(&ai, &a));
  check_address(&a, "First");
  assert_true(app_list_address_next(&ai, &a));
  check_address(&a, "Second");
  check_text(r->a_place.name, "office");
  assert_true(r->a_place.location.lat == 52.09 && r->a_place.location.lon == 5.12);
  check_address(&r->a_place.address, "Place St");
}

static void check_scalars(const app_get_all_types_row *r) {
  check_text(r->a_ascii, "ascii!");
  assert_int_equal(r->a_bigint, INT64_C(-9000000000));
  assert_int_equal(r->a_blob.len, sizeof BLOB);
  assert_memory_equal(r->a_blob.ptr, BLOB, sizeof BLOB);
  assert_true(r->a_boolean);
  assert_int_equal(r->a_date, CQL_DATE_EPOCH + 19000);
  assert_int_equal(r->a_decimal.scale, 2);
  assert_memory_equal(r->a_decimal.unscaled.bytes.ptr, DEC_UNSCALED, sizeof DEC_UNSCALED);
  assert_true(r->a_double == 3.25);
  assert_int_equal(r->a_duration.months, 1);
  assert_int_equal(r->a_duration.days, 2);
  assert_int_equal(r->a_duration.nanoseconds, 3000);
  assert_true(r->a_float == 0.5f);
  assert_int_equal(r->a_inet.len, 4);
  assert_int_equal(r->a_inet.addr[0], 127);
  assert_int_equal(r->a_int, 42);
  assert_int_equal(r->a_smallint, -7);
  check_text(r->a_text, "h\xc3\xa9llo");
  assert_int_equal(r->a_time, INT64_C(12345678900));
  assert_int_equal(r->a_timestamp, INT64_C(1700000000000));
  assert_memory_equal(r->a_timeuuid.bytes, TIMEUUID.bytes, 16);
  assert_int_equal(r->a_tinyint, -3);
  assert_memory_equal(r->a_uuid.bytes, UUID1.bytes, 16);
  check_text(r->a_varchar, "varchar");
  assert_int_equal(r->a_varint.bytes.len, sizeof VARINT);
  assert_memory_equal(r->a_varint.bytes.ptr, VARINT, sizeof VARINT);
  check_text(r->a_static, "static");
}

static void put(fixture *f, const app_put_all_types_params *p) {
  cql_result *r = NULL;
  cql_status rc = app_put_all_types_sync(f->client, p, &r);
  expect_ok(rc, r, "put_all_types");
  cql_result_release(r);
}

/* Reads (id, ck) into *row; returns the result owning its views. */
static cql_result *get(fixture *f, int32_t id, const char *ck, app_get_all_types_row *row) {
  app_get_all_types_params q = {0};
  cql_result *r = NULL;
  bool found = false;
  CQLGEN_SET(q, id, id);
  CQLGEN_SET(q, ck_text, S(ck));
  cql_status rc = app_get_all_types_sync(f->client, &q, row, &found, &r);
  expect_ok(rc, r, "get_all_types");
  assert_true(found);
  return r;
}

static void test_every_type(void **state) {
  fixture *f = *state;
  all_values *v = calloc(1, sizeof *v);
  app_get_all_types_row row;
  assert_non_null(v);
  fill_all(v, 1, "a");
  put(f, &v->p);
  cql_result *r = get(f, 1, "a", &row);
  assert_int_equal(row.id, 1);
  check_text(row.ck_text, "a");
  check_scalars(&row);
  check_collections(&row);
  check_nested(&row);
  check_structs(&row);

  /* The copy owns its bytes: still equal after the page is gone. */
  app_get_all_types_row *copy = app_get_all_types_row_copy(&row);
  assert_non_null(copy);
  cql_result_release(r);
  check_scalars(copy);
  check_collections(copy);
  check_nested(copy);
  check_structs(copy);
  free(copy);
  free(v);
}

static void test_nulls_and_unset(void **state) {
  fixture *f = *state;
  all_values *v = calloc(1, sizeof *v);
  app_put_all_types_params p = {0};
  app_get_all_types_row row;
  assert_non_null(v);

  /* Only the key: every other column reads as null. */
  CQLGEN_SET(p, id, 2);
  CQLGEN_SET(p, ck_text, S("n"));
  put(f, &p);
  cql_result *r = get(f, 2, "n", &row);
  assert_true(row.a_ascii_null && row.a_bigint_null && row.a_blob_null && row.a_boolean_null);
  assert_true(row.a_date_null && row.a_decimal_null && row.a_duration_null && row.a_inet_null);
  assert_true(row.a_list_null && row.a_set_null && row.a_map_null && row.a_nested_map_null);
  assert_true(row.a_tuple_null && row.a_vector_null && row.a_udt_null && row.a_place_null);
  assert_true(row.a_udt_list_null && row.a_static_null && row.a_varint_null);
  cql_result_release(r);

  /* Unset leaves a column alone; null deletes it. */
  fill_all(v, 3, "u");
  put(f, &v->p);
  memset(&p, 0, sizeof p);
  CQLGEN_SET(p, id, 3);
  CQLGEN_SET(p, ck_text, S("u"));
  CQLGEN_SET(p, a_int, 99);
  CQLGEN_SET_NULL(p, a_text);
  put(f, &p);
  r = get(f, 3, "u", &row);
  assert_int_equal(row.a_int, 99);
  assert_true(row.a_text_null);
  check_text(row.a_varchar, "varchar");
  check_structs(&row);
  cql_result_release(r);

  /* A required parameter left unset is caught before sending; so is null
   * where Cassandra cannot take one. */
  memset(&p, 0, sizeof p);
  CQLGEN_SET(p, id, 4);
  assert_int_equal(app_put_all_types_sync(f->client, &p, NULL), CQL_E_INVALID_ARG);
  CQLGEN_SET_NULL(p, ck_text);
  assert_int_equal(app_put_all_types_sync(f->client, &p, NULL), CQL_E_INVALID_ARG);
  free(v);
}

static void test_paging(void **state) {
  fixture *f = *state;
  all_values *v = calloc(1, sizeof *v);
  app_all_types_in_partition_params q = {0};
  const char *cks[] = {"p1", "p2", "p3"};
  size_t seen = 0;
  cql_slice paging = {NULL, 0};
  cql_result *prev = NULL;
  assert_non_null(v);
  for (size_t i = 0; i < 3; i++) {
    fill_all(v, 5, cks[i]);
    put(f, &v->p);
  }
  CQLGEN_SET(q, id, 5);
  for (int pages = 0; pages < 10; pages++) {
    cql_result *page = NULL;
    cql_status rc = app_all_types_in_partition_page_sync(f->client, &q, 2, paging, &page);
    expect_ok(rc, page, "all_types_in_partition");
    cql_result_release(prev);
    for (size_t i = 0; i < cql_result_row_count(page); i++) {
      app_all_types_in_partition_row row;
      assert_int_equal(app_all_types_in_partition_decode(page, i, &row), CQL_OK);
      assert_int_equal(row.id, 5);
      check_text(row.ck_text, cks[seen]);
      check_text(row.a_text, "h\xc3\xa9llo");
      seen++;
    }
    prev = page;
    if (!cql_result_has_more_pages(page)) {
      break;
    }
    paging = cql_result_paging_state(page);
  }
  cql_result_release(prev);
  assert_int_equal(seen, 3);
  free(v);
}

static void test_counters_and_batch(void **state) {
  fixture *f = *state;
  app_count_view_params p = {0};
  app_add_views_batch *b = NULL;
  app_add_views_params bp = {0};
  app_page_stats_params q = {0};
  app_page_stats_row row;
  cql_result *r = NULL;
  bool found = false;
  CQLGEN_SET(p, page, S("/home"));
  CQLGEN_SET(p, day, CQL_DATE_EPOCH + 1);
  CQLGEN_SET(p, views, 5);
  expect_ok(app_count_view_sync(f->client, &p, NULL), NULL, "count_view");
  CQLGEN_SET(p, views, -2); /* a signed delta */
  expect_ok(app_count_view_sync(f->client, &p, NULL), NULL, "count_view");

  assert_int_equal(app_add_views_batch_new(CQL_BATCH_COUNTER, &b), CQL_OK);
  CQLGEN_SET(bp, page, S("/home"));
  CQLGEN_SET(bp, day, CQL_DATE_EPOCH + 1);
  CQLGEN_SET(bp, views, 10);
  assert_int_equal(app_add_views_batch_add(b, &bp), CQL_OK);
  CQLGEN_SET(bp, views, 100);
  assert_int_equal(app_add_views_batch_add(b, &bp), CQL_OK);
  assert_int_equal(app_add_views_batch_count(b), 2);
  expect_ok(app_add_views_batch_execute_sync(f->client, b, &r), r, "add_views");
  cql_result_release(r);
  app_add_views_batch_free(b);

  CQLGEN_SET(q, page, S("/home"));
  CQLGEN_SET(q, day, CQL_DATE_EPOCH + 1);
  expect_ok(app_page_stats_sync(f->client, &q, &row, &found, &r), r, "page_stats");
  assert_true(found);
  assert_int_equal(row.views, 113);
  assert_int_equal(row.uniques, 2);
  cql_result_release(r);
}

static void test_lwt(void **state) {
  fixture *f = *state;
  app_create_user_params p = {0};
  app_create_user_row row;
  cql_result *r = NULL;
  CQLGEN_SET(p, id, UUID1);
  CQLGEN_SET(p, email, S("ada@example.org"));
  CQLGEN_SET(p, name, S("Ada"));
  expect_ok(app_create_user_sync(f->client, &p, &row, &r), r, "create_user");
  assert_true(row.applied);
  cql_result_release(r);

  /* Not applied: Cassandra returns the existing row. */
  CQLGEN_SET(p, name, S("Grace"));
  expect_ok(app_create_user_sync(f->client, &p, &row, &r), r, "create_user again");
  assert_false(row.applied);
  assert_false(row.name_null);
  check_text(row.name, "Ada");
  check_text(row.email, "ada@example.org");
  cql_result_release(r);

  app_rename_user_params rp = {0};
  app_rename_user_row rr;
  CQLGEN_SET(rp, id, UUID1);
  CQLGEN_SET(rp, new_name, S("Ada L."));
  CQLGEN_SET(rp, old_name, S("Nobody"));
  expect_ok(app_rename_user_sync(f->client, &rp, &rr, &r), r, "rename_user");
  assert_false(rr.applied);
  check_text(rr.name, "Ada"); /* the IF column's current value */
  cql_result_release(r);
}

/* The registration function lets the runtime decode UDT cells into the
 * generated structs (cql_result_get_udt), for code not using the row
 * decoders. Reads the row test_every_type wrote. */
static void test_udt_registry(void **state) {
  fixture *f = *state;
  cql_udt_registry *reg = NULL;
  cql_config *cfg = NULL;
  cql_client *client = NULL;
  app_get_all_types_params q = {0};
  app_get_all_types_row row;
  app_address addr;
  app_place place;
  cql_result *r = NULL;
  bool found = false;
  size_t col;
  assert_int_equal(cql_udt_registry_new(&reg, NULL), CQL_OK);
  assert_int_equal(app_register_udts(reg), CQL_OK);
  assert_int_equal(cql_config_new(&cfg, NULL), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, cql_node_port(cql_node_thread_node(f->node))), CQL_OK);
  assert_int_equal(cql_config_set_keyspace(cfg, app_keyspace), CQL_OK);
  assert_int_equal(cql_config_set_udt_registry(cfg, reg), CQL_OK);
  assert_int_equal(cql_client_connect(cfg, &client, NULL), CQL_OK);
  cql_config_free(cfg);
  CQLGEN_SET(q, id, 1);
  CQLGEN_SET(q, ck_text, S("a"));
  expect_ok(app_get_all_types_sync(client, &q, &row, &found, &r), r, "get_all_types");
  assert_true(found);
  assert_int_equal(cql_result_column_index(r, "a_frozen_udt", &col), CQL_OK);
  assert_int_equal(cql_result_get_udt(r, 0, col, &addr, sizeof addr), CQL_OK);
  check_address(&addr, "Main St");
  assert_int_equal(cql_result_column_index(r, "a_place", &col), CQL_OK);
  assert_int_equal(cql_result_get_udt(r, 0, col, &place, sizeof place), CQL_OK);
  check_address(&place.address, "Place St");
  assert_true(place.location.lat == 52.09);
  /* A struct of another size is refused. */
  assert_int_equal(cql_result_get_udt(r, 0, col, &addr, sizeof addr), CQL_E_INVALID_ARG);
  cql_result_release(r);
  cql_client_close(client);
  cql_udt_registry_free(reg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_type), cmocka_unit_test(test_nulls_and_unset),
      cmocka_unit_test(test_paging),     cmocka_unit_test(test_counters_and_batch),
      cmocka_unit_test(test_lwt),        cmocka_unit_test(test_udt_registry),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
