/* cqlkit-node: a CQL server with an in-memory store, for tests and demos.
 *
 *   cqlkit-node [--host ADDR] [--port N] [--nodes N] [--ready-file PATH]
 *               [--auth USER:PASS] [--tls-cert F --tls-key F [--tls-ca F]]
 *               [--max-version 4] [--delay-ms N] [--data-center NAME] [--max-store-mb N]
 *               [--verbose] [--help]
 *
 * Prints "cqlkit-node listening on HOST:PORT" once up and stops cleanly on
 * SIGINT/SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "cqlkit_node.h"

typedef struct app {
  uv_loop_t *loop;
  cql_node *node;
  uv_signal_t sigint, sigterm;
  const char *ready_file;
  char *auth_copy;
} app;

static void usage(FILE *f) {
  fputs("usage: cqlkit-node [options]\n"
        "  --host ADDR         address to listen on (default 127.0.0.1)\n"
        "  --port N            port (default 9042; 0 picks a free one and prints it)\n"
        "  --nodes N           N nodes on 127.0.0.1..127.0.0.N, same port (default 1)\n"
        "  --ready-file PATH   write the port to PATH (atomically) once listening\n"
        "  --auth USER:PASS    require PasswordAuthenticator credentials\n"
        "  --tls-cert FILE     serve TLS with this PEM certificate (chain)\n"
        "  --tls-key FILE      ... and this PEM private key\n"
        "  --tls-ca FILE       require client certificates signed by this CA\n"
        "  --max-version 4     speak protocol v4 only (default: v4 and v5)\n"
        "  --delay-ms N        delay every response by N ms (fault injection)\n"
        "  --data-center NAME  data center name (default datacenter1)\n"
        "  --max-store-mb N    table data the node may hold (default 256)\n"
        "  --verbose           log connections and errors to stderr\n"
        "  --help              this text\n",
        f);
}

static void log_line(void *ud, const char *line) {
  (void)ud;
  fprintf(stderr, "cqlkit-node: %s\n", line);
}

static int write_ready_file(const char *path, uint16_t port) {
  char tmp[4096];
  if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
    return -1;
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  int ok = fprintf(f, "%u\n", port) > 0;
  ok = fclose(f) == 0 && ok;
  return ok && rename(tmp, path) == 0 ? 0 : -1;
}

static void on_closed(void *ud) {
  app *a = ud;
  uv_close((uv_handle_t *)&a->sigint, NULL);
  uv_close((uv_handle_t *)&a->sigterm, NULL);
}

static void on_signal(uv_signal_t *s, int signum) {
  app *a = s->data;
  (void)signum;
  uv_signal_stop(&a->sigint);
  uv_signal_stop(&a->sigterm);
  if (a->node) {
    cql_node_close(a->node, on_closed, a);
    a->node = NULL;
  }
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
  char *end;
  if (!s || !*s)
    return -1;
  unsigned long v = strtoul(s, &end, 10);
  if (*end || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Fills `o` from argv; returns 0, 1 for --help, -1 on a bad argument. */
static int parse_args(int argc, char **argv, cql_node_options *o, app *a) {
  o->port = 9042;
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long n;
    if (strcmp(k, "--help") == 0 || strcmp(k, "-h") == 0)
      return 1;
    if (strcmp(k, "--verbose") == 0) {
      o->log = log_line;
      continue;
    }
    if (!v) {
      fprintf(stderr, "cqlkit-node: %s needs a value\n", k);
      return -1;
    }
    i++;
    if (strcmp(k, "--host") == 0) {
      o->host = v;
    } else if (strcmp(k, "--port") == 0 && parse_uint(v, 65535, &n) == 0) {
      o->port = (uint16_t)n;
    } else if (strcmp(k, "--nodes") == 0 && parse_uint(v, 250, &n) == 0 && n > 0) {
      o->nodes = (uint32_t)n;
    } else if (strcmp(k, "--ready-file") == 0) {
      a->ready_file = v;
    } else if (strcmp(k, "--auth") == 0 && strchr(v, ':')) {
      a->auth_copy = strdup(v);
      if (!a->auth_copy)
        return -1;
      char *colon = strchr(a->auth_copy, ':');
      *colon = '\0';
      o->auth_user = a->auth_copy;
      o->auth_password = colon + 1;
    } else if (strcmp(k, "--tls-cert") == 0) {
      o->tls_cert_file = v;
    } else if (strcmp(k, "--tls-key") == 0) {
      o->tls_key_file = v;
    } else if (strcmp(k, "--tls-ca") == 0) {
      o->tls_ca_file = v;
    } else if (strcmp(k, "--max-version") == 0 && parse_uint(v, 5, &n) == 0 && n >= 4) {
      o->max_version = (int)n;
    } else if (strcmp(k, "--delay-ms") == 0 && parse_uint(v, 600000, &n) == 0) {
      o->delay_ms = (uint32_t)n;
    } else if (strcmp(k, "--data-center") == 0) {
      o->data_center = v;
    } else if (strcmp(k, "--max-store-mb") == 0 && parse_uint(v, 1u << 20, &n) == 0 && n > 0) {
      o->max_store_bytes = (size_t)n << 20;
    } else {
      fprintf(stderr, "cqlkit-node: bad argument %s %s\n", k, v);
      return -1;
    }
  }
  if (!o->tls_cert_file != !o->tls_key_file) {
    fprintf(stderr, "cqlkit-node: --tls-cert and --tls-key go together\n");
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  app a;
  memset(&a, 0, sizeof(a));
  cql_node_options o;
  cql_node_options_init(&o);
  int pr = parse_args(argc, argv, &o, &a);
  if (pr != 0) {
    usage(pr > 0 ? stdout : stderr);
    free(a.auth_copy);
    return pr > 0 ? 0 : 2;
  }
  a.loop = uv_default_loop();
  cql_status st = cql_node_start(a.loop, &o, &a.node);
  if (st != CQL_OK) {
    fprintf(stderr, "cqlkit-node: cannot start: %s (try --verbose)\n", cql_status_name(st));
    uv_run(a.loop, UV_RUN_DEFAULT);
    free(a.auth_copy);
    return 1;
  }
  uint16_t port = cql_node_port(a.node);
  if (a.ready_file && write_ready_file(a.ready_file, port) != 0) {
    fprintf(stderr, "cqlkit-node: cannot write %s\n", a.ready_file);
    cql_node_close(a.node, NULL, NULL);
    uv_run(a.loop, UV_RUN_DEFAULT);
    free(a.auth_copy);
    return 1;
  }
  uv_signal_init(a.loop, &a.sigint);
  uv_signal_init(a.loop, &a.sigterm);
  a.sigint.data = &a;
  a.sigterm.data = &a;
  uv_signal_start(&a.sigint, on_signal, SIGINT);
  uv_signal_start(&a.sigterm, on_signal, SIGTERM);
  printf("cqlkit-node listening on %s:%u\n", o.host ? o.host : "127.0.0.1", port);
  fflush(stdout);
  uv_run(a.loop, UV_RUN_DEFAULT);
  uv_loop_close(a.loop);
  free(a.auth_copy);
  return 0;
}
