/* SASL authentication: AUTHENTICATE -> AUTH_RESPONSE, then AUTH_CHALLENGE
 * -> AUTH_RESPONSE rounds until AUTH_SUCCESS (or an ERROR, which
 * handshake.c reports). Username/password become a SASL PLAIN token, which
 * is what Cassandra's PasswordAuthenticator expects; other mechanisms come
 * through a cql_conn_authenticator. */
#include <string.h>

#include "conn_impl.h"

static int msg_len(cql_slice s) { return s.len > 90 ? 90 : (int)s.len; }

/* Tokens may be secrets: do not leave them in the scratch buffer. */
static void wipe_scratch(cql_conn *c) {
  if (c->scratch.data)
    memset(c->scratch.data, 0, c->scratch.cap);
  cql_buf_reset(&c->scratch);
}

static void send_token(cql_conn *c, cql_slice token, bool null) {
  cql_request req = {.opcode = CQL_OP_AUTH_RESPONSE};
  req.u.auth_response.token = token;
  req.u.auth_response.token_null = null;
  cql_pending p = {NULL, NULL, CQL_CONN_NO_DEADLINE, -1, CQL_OP_AUTH_RESPONSE, PENDING_AUTH};
  c->step = HS_AUTH;
  cql_status st = cql_conn_send_request(c, &req, &p, NULL);
  wipe_scratch(c);
  if (st != CQL_OK)
    cql_conn_failf(c, st, NULL, "could not send AUTH_RESPONSE: %s", cql_status_describe(st));
}

/* The authenticator's answer in the scratch buffer, or the reason it has
 * none. */
static void send_scratch(cql_conn *c, cql_status st, bool null, const char *step) {
  if (st == CQL_OK && c->scratch.err != CQL_OK)
    st = c->scratch.err;
  if (st != CQL_OK) {
    wipe_scratch(c);
    cql_conn_failf(c, CQL_E_AUTH, NULL, "the authenticator failed to %s: %s", step,
                   cql_status_name(st));
    return;
  }
  send_token(c, (cql_slice){c->scratch.data, c->scratch.len}, null);
}

void cql_conn_auth_begin(cql_conn *c, cql_slice authenticator) {
  size_t n = authenticator.len < sizeof(c->info.authenticator) - 1
                 ? authenticator.len
                 : sizeof(c->info.authenticator) - 1;
  if (n)
    memcpy(c->info.authenticator, authenticator.ptr, n);
  c->info.authenticator[n] = '\0';
  if (c->has_auth) {
    bool null = false;
    cql_buf_reset(&c->scratch);
    cql_status st = c->auth.initial_response(c->auth.ud, authenticator, &c->scratch, &null);
    send_scratch(c, st, null, "produce an initial response");
  } else if (c->has_plain) {
    send_token(c, (cql_slice){c->plain_token.data, c->plain_token.len}, false);
  } else {
    cql_conn_failf(c, CQL_E_AUTH, NULL,
                   "the server requires authentication (%.*s) but no credentials are configured",
                   msg_len(authenticator), (const char *)authenticator.ptr);
  }
}

static void on_challenge(cql_conn *c, const cql_response *resp) {
  if (!c->has_auth || !c->auth.evaluate_challenge) {
    cql_conn_failf(c, CQL_E_AUTH, NULL, "the server sent an AUTH_CHALLENGE, which %s cannot answer",
                   c->has_auth ? "the authenticator" : "SASL PLAIN");
    return;
  }
  bool null = false;
  cql_buf_reset(&c->scratch);
  cql_status st = c->auth.evaluate_challenge(c->auth.ud, resp->u.auth.token,
                                             resp->u.auth.token_null, &c->scratch, &null);
  send_scratch(c, st, null, "answer a challenge");
}

static void on_success(cql_conn *c, const cql_response *resp) {
  if (c->has_auth && c->auth.on_success) {
    cql_status st = c->auth.on_success(c->auth.ud, resp->u.auth.token, resp->u.auth.token_null);
    if (st != CQL_OK) {
      cql_conn_failf(c, CQL_E_AUTH, NULL, "the authenticator rejected AUTH_SUCCESS: %s",
                     cql_status_name(st));
      return;
    }
  }
  c->info.authenticated = true;
  cql_conn_hs_logged_in(c);
}

void cql_conn_auth_reply(cql_conn *c, cql_reply *r) {
  if (r->response.opcode == CQL_OP_AUTH_CHALLENGE)
    on_challenge(c, &r->response);
  else
    on_success(c, &r->response);
}
