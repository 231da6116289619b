/* A link: one connection to one host on a libuv loop. It owns the TCP
 * handle, the optional TLS session, the sans-IO cql_conn and the one timer
 * that drives the connection's deadlines.
 *
 * What the link does for the connection (conn.h's owner duties): it feeds
 * every byte read (decrypted first under TLS) to cql_conn_recv; it gathers
 * all output produced during a loop iteration and writes it with a single
 * uv_write from a prepare handle, i.e. just before the loop polls again
 * (requests submitted while replies are processed leave together); it keeps
 * one uv_timer armed at cql_conn_next_deadline; and when the connection is
 * finished it closes its handles and frees itself.
 *
 * Lifecycle: cql_link_open() starts connecting (TCP, then TLS, then the
 * protocol handshake, all under connect_timeout_ms). on_ready fires once the
 * connection accepts requests; on_closed fires exactly once when it is
 * finished, for whatever reason (connect failure, TLS failure, handshake
 * failure, the peer went away, cql_link_close). After on_closed the link
 * must not be used; it releases its memory by itself shortly afterwards,
 * before the loop can finish.
 *
 * Callbacks run on the loop thread, from inside libuv callbacks or from
 * inside cql_link_close (on_closed and the pending requests' callbacks). */
#ifndef CQL_NET_UVLINK_H
#define CQL_NET_UVLINK_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "conn.h"
#include "tlsbio.h"

typedef struct cql_link cql_link;

typedef struct cql_link_callbacks {
  void (*on_ready)(cql_link *l, void *ud);
  /* An EVENT arrived (retain it to keep it). May be NULL. */
  void (*on_event)(cql_link *l, cql_reply *event, void *ud);
  /* Required. `info` as conn.h describes it, valid during the call. */
  void (*on_closed)(cql_link *l, const cql_conn_close_info *info, void *ud);
  void *ud;
} cql_link_callbacks;

typedef struct cql_link_config {
  const struct sockaddr *addr; /* IPv4 or IPv6, copied */
  uint32_t connect_timeout_ms; /* TCP + TLS; the handshake has conn's own */
  const cql_conn_config *conn; /* copied by cql_conn_new */
  cql_tls_ctx *tls;            /* NULL: plain TCP; else must outlive the open call */
  const char *tls_host;        /* name or address to verify and send as SNI */
} cql_link_config;

/* Starts connecting. On CQL_OK *out is set and on_closed will fire exactly
 * once. Errors (no callback will fire): E_INVALID_ARG, E_NOMEM, E_TLS. */
cql_status cql_link_open(uv_loop_t *loop, const cql_link_config *cfg, const cql_link_callbacks *cb,
                         cql_link **out);

/* The protocol connection, to submit requests and read its info. Valid
 * until on_closed. */
cql_conn *cql_link_conn(cql_link *l);

/* Closes from our side: pending requests complete with CQL_E_CANCELLED and
 * on_closed fires with CQL_OK, all before this returns. No-op once closed. */
void cql_link_close(cql_link *l);

/* Bytes written to and read from the socket (after TLS). */
uint64_t cql_link_bytes_sent(const cql_link *l);
uint64_t cql_link_bytes_received(const cql_link *l);

/* "address:port" of the peer, for messages. */
const char *cql_link_peer(const cql_link *l);

#endif
