/* Per-row decode speed: the generated decoder (app_readings_for_days_decode,
 * 7 columns: uuid, date, timestamp, int, text, map<text, text>, double)
 * against the same work done with the runtime's generic getters
 * (cql_result_get_*), over one page of rows fetched from cqlkit-node.
 *
 * usage: bench_decode [ROWS] [ROUNDS]   (defaults 10000 and 200) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app_cql.h"
#include "cqlkit/config.h"
#include "cqlkit_node.h"

static const char *const DDL[] = {
    "CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy', "
    "'replication_factor': 1}",
    "CREATE TABLE app.sensor_readings (sensor_id uuid, day date, ts timestamp, seq int, "
    "value double, unit text static, tags map<text, text>, "
    "PRIMARY KEY ((sensor_id, day), ts, seq)) WITH CLUSTERING ORDER BY (ts DESC, seq ASC)",
};

static const cql_uuid SENSOR = {{7, 7, 7, 7, 7, 7, 0x40, 7, 0x80, 7, 7, 7, 7, 7, 7, 7}};

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int die(const char *what, cql_status rc) {
  fprintf(stderr, "%s: %s\n", what, cql_status_name(rc));
  exit(1);
}

static cql_client *connect_to(uint16_t port, const char *keyspace) {
  cql_config *cfg = NULL;
  cql_client *c = NULL;
  cql_config_new(&cfg, NULL);
  cql_config_set_contact_points(cfg, "127.0.0.1");
  cql_config_set_port(cfg, port);
  if (keyspace) {
    cql_config_set_keyspace(cfg, keyspace);
  }
  cql_status rc = cql_client_connect(cfg, &c, NULL);
  cql_config_free(cfg);
  if (rc != CQL_OK) {
    die("connect", rc);
  }
  return c;
}

static void load(cql_client *c, int rows) {
  cql_slice keys[] = {cql_slice_from_cstr("room"), cql_slice_from_cstr("floor")};
  cql_slice vals[] = {cql_slice_from_cstr("kitchen"), cql_slice_from_cstr("2")};
  for (int done = 0; done < rows;) {
    app_record_reading_batch *b = NULL;
    app_record_reading_params p = {0};
    cql_result *r = NULL;
    app_record_reading_batch_new(CQL_BATCH_UNLOGGED, &b);
    CQLGEN_SET(p, sensor_id, SENSOR);
    CQLGEN_SET(p, day, CQL_DATE_EPOCH);
    CQLGEN_SET(p, tags, (app_map_text_text){2, keys, vals, {NULL, 0}});
    for (int i = 0; i < 100 && done < rows; i++, done++) {
      CQLGEN_SET(p, ts, INT64_C(1700000000000) + done);
      CQLGEN_SET(p, seq, done);
      CQLGEN_SET(p, value, done * 0.25);
      app_record_reading_batch_add(b, &p);
    }
    cql_status rc = app_record_reading_batch_execute_sync(c, b, &r);
    cql_result_release(r);
    app_record_reading_batch_free(b);
    if (rc != CQL_OK) {
      die("load", rc);
    }
  }
}

/* The generic way: one getter per cell, nulls checked. */
static cql_status decode_generic(const cql_result *r, size_t row, app_readings_for_days_row *o) {
  cql_status rc;
  cql_elements tags;
  if ((rc = cql_result_get_uuid(r, row, 0, &o->sensor_id)) != CQL_OK ||
      (rc = cql_result_get_date(r, row, 1, &o->day)) != CQL_OK) {
    return rc;
  }
  rc = cql_result_get_bigint(r, row, 2, &o->ts);
  o->ts_null = rc == CQL_E_NULL_VALUE;
  rc = cql_result_get_int(r, row, 3, &o->seq);
  o->seq_null = rc == CQL_E_NULL_VALUE;
  rc = cql_result_get_text(r, row, 4, &o->unit);
  o->unit_null = rc == CQL_E_NULL_VALUE;
  rc = cql_result_get_elements(r, row, 5, &tags);
  o->tags_null = rc == CQL_E_NULL_VALUE;
  o->tags.count = o->tags_null ? 0 : cql_elements_count(&tags) / 2;
  rc = cql_result_get_double(r, row, 6, &o->value);
  o->value_null = rc == CQL_E_NULL_VALUE;
  return CQL_OK;
}

int main(int argc, char **argv) {
  int rows = argc > 1 ? atoi(argv[1]) : 10000;
  int rounds = argc > 2 ? atoi(argv[2]) : 200;
  cql_node_thread *node = NULL;
  cql_node_options o;
  cql_node_options_init(&o);
  if (cql_node_thread_start(&o, &node) != CQL_OK) {
    die("node", CQL_E_CONNECT);
  }
  uint16_t port = cql_node_port(cql_node_thread_node(node));
  cql_client *c = connect_to(port, NULL);
  for (size_t i = 0; i < sizeof DDL / sizeof DDL[0]; i++) {
    cql_future *f = cql_client_query(c, DDL[i]);
    cql_status rc = cql_result_status(cql_future_result(f));
    cql_future_free(f);
    if (rc != CQL_OK) {
      die("schema", rc);
    }
  }
  cql_client_close(c);
  c = connect_to(port, "app");
  load(c, rows);

  app_readings_for_days_params p = {0};
  cql_date days[] = {CQL_DATE_EPOCH};
  cql_result *page = NULL;
  CQLGEN_SET(p, sensor_id, SENSOR);
  CQLGEN_SET(p, day, (app_list_date){1, days, {NULL, 0}});
  CQLGEN_SET(p, per_partition_limit, rows);
  cql_slice start = {NULL, 0};
  cql_status rc = app_readings_for_days_page_sync(c, &p, rows, start, &page);
  if (rc != CQL_OK) {
    die("select", rc);
  }
  size_t n = cql_result_row_count(page);
  app_readings_for_days_row row;
  volatile double sink = 0;

  double t0 = now_s();
  for (int k = 0; k < rounds; k++) {
    for (size_t i = 0; i < n; i++) {
      if (app_readings_for_days_decode(page, i, &row) != CQL_OK) {
        die("decode", CQL_E_BAD_VALUE);
      }
      sink += row.value;
    }
  }
  double t1 = now_s();
  for (int k = 0; k < rounds; k++) {
    for (size_t i = 0; i < n; i++) {
      decode_generic(page, i, &row);
      sink += row.value;
    }
  }
  double t2 = now_s();
  double total = (double)n * rounds;
  printf("rows per page %zu, rounds %d\n", n, rounds);
  printf("generated decode: %.1f ns/row\n", (t1 - t0) * 1e9 / total);
  printf("generic getters:  %.1f ns/row\n", (t2 - t1) * 1e9 / total);
  (void)sink;
  cql_result_release(page);
  cql_client_close(c);
  cql_node_thread_stop(node);
  return 0;
}
