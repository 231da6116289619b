/* The asynchronous wrappers generated for schemas/app.cql, on one libuv
 * loop shared by a cqlkit-node and a session: lazy shared prepare, typed
 * callbacks for :one (found and not found), :exec, :lwt, :batch and a
 * :many page stream with a small page size. Steps run in order, each
 * started by the previous callback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "app_cql.h"
#include "cqlkit/config.h"
#include "cqlkit_node.h"

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
    "CREATE TABLE app.sensor_readings (sensor_id uuid, day date, ts timestamp, seq int, "
    "value double, unit text static, tags map<text, text>, "
    "PRIMARY KEY ((sensor_id, day), ts, seq)) WITH CLUSTERING ORDER BY (ts DESC, seq ASC)",
};
#define N_DDL (sizeof DDL / sizeof DDL[0])
#define N_READINGS 5

typedef struct ctx {
  uv_loop_t loop;
  cql_node *node;
  cql_session *session;
  int step;
  size_t ddl;
  size_t rows_seen;
  size_t pages;
  bool done;
  cql_status failure;
} ctx;

static const cql_uuid USER = {{1, 2, 3, 4, 5, 6, 0x40, 8, 0x80, 10, 11, 12, 13, 14, 15, 16}};
static const cql_uuid NOBODY = {{9, 9, 9, 9, 9, 9, 0x40, 9, 0x80, 9, 9, 9, 9, 9, 9, 9}};
static const cql_uuid SENSOR = {{7, 7, 7, 7, 7, 7, 0x40, 7, 0x80, 7, 7, 7, 7, 7, 7, 7}};

static void step(ctx *c);

static void fail_step(ctx *c, cql_status rc, const cql_result *r, const char *what) {
  const cql_error_info *e = r ? cql_result_error(r) : NULL;
  fprintf(stderr, "step %d (%s): %s %s\n", c->step, what, cql_status_name(rc),
          e && e->message ? e->message : "");
  c->failure = rc != CQL_OK ? rc : CQL_E_BAD_STATE;
  c->done = true;
  step(c);
}

static void next(ctx *c, cql_status rc, const cql_result *r, const char *what) {
  if (rc != CQL_OK) {
    fail_step(c, rc, r, what);
    return;
  }
  c->step++;
  step(c);
}

static void on_query(const cql_result *r, void *ud) {
  ctx *c = ud;
  if (cql_result_status(r) != CQL_OK) {
    fail_step(c, cql_result_status(r), r, "ddl");
    return;
  }
  c->ddl++;
  step(c);
}

static void on_keyspace(const cql_result *r, void *ud) {
  next(ud, cql_result_status(r), r, "set keyspace");
}

static void on_create(cql_status status, const app_create_user_row *row, const cql_result *r,
                      void *ud) {
  if (status == CQL_OK && !row->applied) {
    status = CQL_E_BAD_STATE;
  }
  next(ud, status, r, "create_user");
}

static void on_get(cql_status status, const app_get_user_row *row, const cql_result *r, void *ud) {
  if (status == CQL_OK &&
      (row == NULL || row->email_null || !cql_slice_eq_cstr(row->email, "a@b.c"))) {
    status = CQL_E_BAD_STATE;
  }
  next(ud, status, r, "get_user");
}

static void on_get_missing(cql_status status, const app_get_user_row *row, const cql_result *r,
                           void *ud) {
  if (status == CQL_OK && row != NULL) {
    status = CQL_E_BAD_STATE;
  }
  next(ud, status, r, "get_user (missing)");
}

static void on_insert(cql_status status, const cql_result *r, void *ud) {
  next(ud, status, r, "record_reading batch");
}

static void on_batch(cql_status status, const cql_result *r, void *ud) {
  next(ud, status, r, "add_views batch");
}

static void on_stats(cql_status status, const app_page_stats_row *row, const cql_result *r,
                     void *ud) {
  if (status == CQL_OK && (row == NULL || row->views != 7)) {
    status = CQL_E_BAD_STATE;
  }
  next(ud, status, r, "page_stats");
}

static void on_page(cql_pager *pager, const app_readings_between_row *rows, size_t n,
                    const cql_result *page, void *ud) {
  ctx *c = ud;
  (void)pager;
  (void)page;
  for (size_t i = 0; i < n; i++) {
    /* Clustering order ts DESC: the newest first. */
    if (rows[i].ts_null || rows[i].ts != (int64_t)(N_READINGS - c->rows_seen)) {
      c->failure = CQL_E_BAD_STATE;
    }
    c->rows_seen++;
  }
  c->pages++;
}

static void on_stream_done(cql_status status, const cql_result *error, void *ud) {
  ctx *c = ud;
  if (status == CQL_OK && (c->rows_seen != N_READINGS || c->pages < 3)) {
    status = CQL_E_BAD_STATE;
  }
  next(c, status, error, "readings_between stream");
}

static void on_closed(cql_session *s, void *ud) {
  ctx *c = ud;
  (void)s;
  cql_node_close(c->node, NULL, NULL);
}

static void run(ctx *c, cql_status rc) {
  if (rc != CQL_OK) {
    fail_step(c, rc, NULL, "submit");
  }
}

static void step(ctx *c) {
  if (c->done) {
    cql_session *s = c->session;
    c->session = NULL;
    if (s != NULL) {
      cql_session_close(s, on_closed, c);
    }
    return;
  }
  if (c->ddl < N_DDL) {
    run(c, cql_session_query(c->session, DDL[c->ddl], on_query, c));
    return;
  }
  switch (c->step) {
  case 0:
    run(c, cql_session_set_keyspace(c->session, "app", on_keyspace, c));
    break;
  case 1: {
    app_create_user_params p = {0};
    CQLGEN_SET(p, id, USER);
    CQLGEN_SET(p, email, cql_slice_from_cstr("a@b.c"));
    run(c, app_create_user(c->session, &p, on_create, c)); /* p may go now */
    break;
  }
  case 2: {
    app_get_user_params p = {0};
    CQLGEN_SET(p, id, USER);
    run(c, app_get_user(c->session, &p, on_get, c));
    break;
  }
  case 3: {
    app_get_user_params p = {0};
    CQLGEN_SET(p, id, NOBODY);
    run(c, app_get_user(c->session, &p, on_get_missing, c));
    break;
  }
  case 4: {
    app_add_views_batch *b = NULL;
    app_add_views_params p = {0};
    cql_status rc = app_add_views_batch_new(CQL_BATCH_COUNTER, &b);
    CQLGEN_SET(p, page, cql_slice_from_cstr("/"));
    CQLGEN_SET(p, day, CQL_DATE_EPOCH);
    for (int64_t d = 3; d <= 4 && rc == CQL_OK; d++) {
      CQLGEN_SET(p, views, d);
      rc = app_add_views_batch_add(b, &p);
    }
    if (rc == CQL_OK) {
      rc = app_add_views_batch_execute(c->session, b, on_batch, c);
    }
    app_add_views_batch_free(b); /* the call copied what it needs */
    run(c, rc);
    break;
  }
  case 5: {
    app_page_stats_params p = {0};
    CQLGEN_SET(p, page, cql_slice_from_cstr("/"));
    CQLGEN_SET(p, day, CQL_DATE_EPOCH);
    run(c, app_page_stats(c->session, &p, on_stats, c));
    break;
  }
  case 6: {
    app_record_reading_batch *b = NULL;
    app_record_reading_params p = {0};
    cql_status rc = app_record_reading_batch_new(CQL_BATCH_LOGGED, &b);
    CQLGEN_SET(p, sensor_id, SENSOR);
    CQLGEN_SET(p, day, CQL_DATE_EPOCH);
    CQLGEN_SET(p, seq, 1);
    for (int64_t ts = 1; ts <= N_READINGS && rc == CQL_OK; ts++) {
      CQLGEN_SET(p, ts, ts);
      CQLGEN_SET(p, value, 0.5 * (double)ts);
      rc = app_record_reading_batch_add(b, &p);
    }
    if (rc == CQL_OK) {
      rc = app_record_reading_batch_execute(c->session, b, on_insert, c);
    }
    app_record_reading_batch_free(b);
    run(c, rc);
    break;
  }
  case 7: {
    app_readings_between_params p = {0};
    CQLGEN_SET(p, sensor_id, SENSOR);
    CQLGEN_SET(p, day, CQL_DATE_EPOCH);
    CQLGEN_SET(p, ts, INT64_C(0));
    CQLGEN_SET(p, ts_2, INT64_C(100));
    CQLGEN_SET(p, limit, 100);
    run(c, app_readings_between(c->session, &p, 2, on_page, on_stream_done, c));
    break;
  }
  default:
    c->done = true;
    step(c);
    break;
  }
}

static void on_connect(cql_session *s, cql_status status, const char *message, void *ud) {
  ctx *c = ud;
  (void)s;
  if (status != CQL_OK) {
    fprintf(stderr, "connect: %s %s\n", cql_status_name(status), message ? message : "");
    c->failure = status;
    c->done = true;
  }
  step(c);
}

static void test_async_wrappers(void **state) {
  ctx *c = calloc(1, sizeof *c);
  cql_node_options o;
  cql_config *cfg = NULL;
  (void)state;
  assert_non_null(c);
  assert_int_equal(uv_loop_init(&c->loop), 0);
  cql_node_options_init(&o);
  assert_int_equal(cql_node_start(&c->loop, &o, &c->node), CQL_OK);
  assert_int_equal(cql_config_new(&cfg, NULL), CQL_OK);
  assert_int_equal(cql_config_set_contact_points(cfg, "127.0.0.1"), CQL_OK);
  assert_int_equal(cql_config_set_port(cfg, cql_node_port(c->node)), CQL_OK);
  assert_int_equal(cql_session_connect(&c->loop, cfg, on_connect, c, &c->session), CQL_OK);
  cql_config_free(cfg);
  uv_run(&c->loop, UV_RUN_DEFAULT);
  assert_int_equal(c->failure, CQL_OK);
  assert_int_equal(c->step, 8);
  assert_int_equal(c->rows_seen, N_READINGS);
  assert_int_equal(uv_loop_close(&c->loop), 0);
  free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_async_wrappers)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
