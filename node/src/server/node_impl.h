/* Internals of the libuv transport (node*.c). */
#ifndef CQL_NODE_NODE_IMPL_H
#define CQL_NODE_NODE_IMPL_H

#include <uv.h>

#include "cqlkit_node.h"
#include "srv.h"
#include "tls.h"

typedef struct node_conn node_conn;

/* A response batch held back by the delay fault. */
typedef struct node_delayed {
  struct node_delayed *next;
  uint64_t due; /* uv_now() milliseconds */
  cql_buf data;
} node_delayed;

typedef struct node_listener {
  uv_tcp_t *tcp; /* a fresh handle per listen, so down/up can overlap a close */
  cql_node *node;
  uint32_t index;
  bool open; /* handle initialised and not yet closed */
  bool down;
  struct sockaddr_storage addr;
  cql_inet inet;
} node_listener;

struct node_conn {
  uv_tcp_t tcp;
  uv_timer_t timer; /* the delay fault */
  cql_node *node;
  cql_sconn *sc;
  cql_tls_conn *tls;
  node_conn *prev, *next;
  node_conn *dirty_next;
  uint32_t node_index;
  bool dirty;
  bool reading;
  bool finishing; /* close once the output is written */
  bool closed;    /* handles closing */
  int open_handles;
  size_t in_flight; /* bytes given to uv_write or delayed, not yet written */
  node_delayed *delayed, *delayed_tail;
};

struct cql_node {
  uv_loop_t *loop;
  cql_srv *srv;
  cql_tls_server *tls;
  node_listener *ls;
  uint32_t n_ls;
  cql_engine_peer *peers; /* multi-node: every node, for the engine */
  uint16_t port;
  node_conn *conns;
  node_conn *dirty;
  /* Output is written from a prepare handle, right before the loop next
   * waits for I/O: everything a connection produced in one iteration
   * (answers to all it read, pushed events, faults called from timers)
   * leaves in one write. */
  uv_prepare_t flush;
  bool flush_active;
  uint32_t delay_ms;
  void (*log)(void *ud, const char *line);
  void *log_ud;
  bool closing;
  int pending_closes;
  void (*close_cb)(void *ud);
  void *close_ud;
  cql_buf plain; /* TLS: decrypted input of one read */
  uint8_t rbuf[65536];
};

/* Accepts a client on listener `l` (node_conn.c). */
void cql_node_accept(node_listener *l);
/* Closes a client connection now (idempotent). */
void cql_node_conn_close(node_conn *c);
/* The srv's on_output hook: schedule a write of `sc`'s output. */
void cql_node_on_output(void *ud, cql_sconn *sc);
/* Writes every connection that has output (the prepare callback). */
void cql_node_flush_dirty(uv_prepare_t *flush);
/* Frees the node once every handle has closed. */
void cql_node_handle_closed(cql_node *n);
void cql_node_logf(const cql_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
