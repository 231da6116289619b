/* basic: the first cqlkit program to copy.
 *
 * Connects to a cluster, creates a keyspace and a table, inserts a few rows
 * with a prepared statement and reads them back with a prepared SELECT,
 * using the blocking client (client.h): every call returns a future, and
 * waiting on it gives the result. Event-driven programs use the same
 * operations on their own libuv loop through session.h instead.
 *
 * Where the cluster is:
 *   CQLKIT_CONTACT_POINTS="host[:port],..."  a real cluster (see config.h)
 *   CQLKIT_PORT=N or `basic N`               127.0.0.1 on port N
 *   nothing                                  127.0.0.1:9042
 * `make demo` starts a cqlkit-node and runs this against it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cqlkit/cqlkit.h"

/* Prints why `st` failed, with the server's own message when there is one. */
static int fail(const char *what, cql_status st, const cql_result *r) {
  const cql_error_info *e = r ? cql_result_error(r) : NULL;
  fprintf(stderr, "basic: %s failed: %s (%s)%s%s\n", what, cql_status_name(st),
          cql_status_describe(st), e && e->message ? ": " : "", e && e->message ? e->message : "");
  return 1;
}

/* Waits for a request and checks it succeeded. The future is freed. */
static int run(cql_future *f, const char *what) {
  if (!f)
    return fail(what, CQL_E_NOMEM, NULL);
  const cql_result *r = cql_future_result(f);
  cql_status st = r ? cql_result_status(r) : CQL_E_NOMEM;
  int rc = st == CQL_OK ? 0 : fail(what, st, r);
  cql_future_free(f);
  return rc;
}

static int query(cql_client *c, const char *cql) { return run(cql_client_query(c, cql), cql); }

/* Prepares `cql`; the caller releases the statement. */
static cql_prepared *prepare(cql_client *c, const char *cql) {
  cql_future *f = cql_client_prepare(c, cql);
  if (!f) {
    fail(cql, CQL_E_NOMEM, NULL);
    return NULL;
  }
  cql_prepared *p = cql_future_prepared(f);
  if (p)
    p = cql_prepared_retain(p); /* keep it beyond the future */
  else
    fail(cql, cql_result_status(cql_future_result(f)), cql_future_result(f));
  cql_future_free(f);
  return p;
}

/* The settings: environment first, then a port on the command line. */
static cql_config *make_config(int argc, char **argv) {
  cql_config *cfg = NULL;
  cql_status st = cql_config_new(&cfg, NULL);
  if (st != CQL_OK) {
    fail("cql_config_new", st, NULL);
    return NULL;
  }
  st = cql_config_apply_env(cfg);
  if (st == CQL_OK && argc > 1) {
    char *end;
    unsigned long port = strtoul(argv[1], &end, 10);
    st = (*end || port == 0 || port > 65535) ? CQL_E_INVALID_ARG
                                             : cql_config_set_port(cfg, (uint16_t)port);
  }
  if (st != CQL_OK) {
    fprintf(stderr, "basic: bad settings (CQLKIT_* variables or port argument): %s\n",
            cql_status_describe(st));
    cql_config_free(cfg);
    return NULL;
  }
  return cfg;
}

static cql_client *connect_client(int argc, char **argv) {
  cql_config *cfg = make_config(argc, argv);
  if (!cfg)
    return NULL;
  cql_client *client = NULL;
  char *message = NULL;
  cql_status st = cql_client_connect(cfg, &client, &message);
  cql_config_free(cfg); /* the client keeps its own copy */
  if (st != CQL_OK) {
    fprintf(stderr, "basic: could not connect: %s (%s)%s%s\n", cql_status_name(st),
            cql_status_describe(st), message ? ": " : "", message ? message : "");
    fprintf(stderr, "basic: is a cluster listening? Set CQLKIT_CONTACT_POINTS or CQLKIT_PORT.\n");
  }
  free(message);
  return client;
}

static const struct {
  int32_t id;
  const char *name;
  double score;
} people[] = {
    {1, "Ada Lovelace", 97.5},
    {2, "Alan Turing", 99.0},
    {3, "Grace Hopper", 98.25},
};

static int insert_people(cql_client *c) {
  cql_prepared *ins =
      prepare(c, "INSERT INTO cqlkit_demo.people (id, name, score) VALUES (?, ?, ?)");
  if (!ins)
    return 1;
  cql_statement *st = NULL;
  int rc = cql_prepared_bind(ins, &st) == CQL_OK ? 0 : fail("bind", CQL_E_NOMEM, NULL);
  for (size_t i = 0; rc == 0 && i < sizeof(people) / sizeof(people[0]); i++) {
    cql_status s = cql_bind_int(st, 0, people[i].id);
    if (s == CQL_OK)
      s = cql_bind_text_cstr(st, 1, people[i].name);
    if (s == CQL_OK)
      s = cql_bind_double(st, 2, people[i].score);
    /* The statement is encoded before execute returns: rebind right away. */
    rc = s == CQL_OK ? run(cql_client_execute(c, st), "INSERT") : fail("bind", s, NULL);
  }
  cql_statement_free(st);
  cql_prepared_release(ins);
  if (rc == 0)
    printf("inserted %zu rows\n", sizeof(people) / sizeof(people[0]));
  return rc;
}

static void print_rows(const cql_result *r) {
  for (size_t row = 0; row < cql_result_row_count(r); row++) {
    int32_t id = 0;
    cql_slice name = {0};
    double score = 0;
    cql_result_get_int(r, row, 0, &id);
    cql_result_get_text(r, row, 1, &name); /* a view into the page: no copy */
    if (cql_result_get_double(r, row, 2, &score) == CQL_E_NULL_VALUE)
      printf("  %" PRId32 "  %-14.*s  (no score)\n", id, (int)name.len, (const char *)name.ptr);
    else
      printf("  %" PRId32 "  %-14.*s  %6.2f\n", id, (int)name.len, (const char *)name.ptr, score);
  }
}

static int select_people(cql_client *c) {
  cql_prepared *sel = prepare(c, "SELECT id, name, score FROM cqlkit_demo.people WHERE id = ?");
  if (!sel)
    return 1;
  cql_statement *st = NULL;
  int rc = cql_prepared_bind(sel, &st) == CQL_OK ? 0 : fail("bind", CQL_E_NOMEM, NULL);
  printf("people:\n");
  for (int32_t id = 1; rc == 0 && id <= 3; id++) {
    cql_bind_int(st, 0, id);
    cql_future *f = cql_client_execute(c, st);
    const cql_result *r = f ? cql_future_result(f) : NULL;
    if (!r || cql_result_status(r) != CQL_OK)
      rc = fail("SELECT", r ? cql_result_status(r) : CQL_E_NOMEM, r);
    else
      print_rows(r);
    cql_future_free(f); /* the result (and its views) go with it */
  }
  cql_statement_free(st);
  cql_prepared_release(sel);
  return rc;
}

int main(int argc, char **argv) {
  cql_client *client = connect_client(argc, argv);
  if (!client)
    return 1;
  printf("connected\n");
  int rc = query(client, "CREATE KEYSPACE IF NOT EXISTS cqlkit_demo WITH replication = "
                         "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  if (rc == 0)
    rc = query(client, "CREATE TABLE IF NOT EXISTS cqlkit_demo.people "
                       "(id int PRIMARY KEY, name text, score double)");
  if (rc == 0)
    rc = insert_people(client);
  if (rc == 0)
    rc = select_people(client);
  cql_client_close(client); /* waits for everything in flight, then frees */
  return rc;
}
