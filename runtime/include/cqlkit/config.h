/* Cluster configuration: where the cluster is and how to talk to it.
 *
 * A cql_config is a plain settings object: build one, hand it to
 * cql_session_connect() (which copies what it needs, so the config may be
 * freed or reused right after), free it. Setters validate their arguments
 * and return CQL_E_INVALID_ARG for values that could never work, so a bad
 * configuration fails here and not later on the network.
 *
 * Thread safety: a config is not shared between threads while it is being
 * modified; reading it from several cql_session_connect() calls is fine. */
#ifndef CQLKIT_CONFIG_H
#define CQLKIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/error.h"
#include "cqlkit/export.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_config cql_config;

/* Creates a config with the defaults listed at each setter. `mem` may be
 * NULL (C library allocator); it is also used by sessions made from this
 * config. The caller frees the config with cql_config_free().
 * Errors: CQL_E_NOMEM, CQL_E_INVALID_ARG (out is NULL). */
CQL_EXPORT cql_status cql_config_new(cql_config **out, const cql_mem *mem);

/* Frees the config. NULL is a no-op. Sessions already connected with it are
 * unaffected. */
CQL_EXPORT void cql_config_free(cql_config *cfg);

/* Reads CQLKIT_CONTACT_POINTS ("host[:port],..."), CQLKIT_PORT,
 * CQLKIT_KEYSPACE, CQLKIT_LOCAL_DC, CQLKIT_USERNAME/CQLKIT_PASSWORD and
 * CQLKIT_PROTOCOL_VERSION from the environment, overriding the settings they
 * name; unset variables change nothing. This is how the examples run
 * against the test node by default and against a real cluster when asked.
 * Errors: those of the matching setters. */
CQL_EXPORT cql_status cql_config_apply_env(cql_config *cfg);

/* Comma-separated hosts to contact first, each an IPv4 address, a
 * bracketed or bare IPv6 address or a host name, with an optional ":port".
 * The rest of the cluster is discovered from them. Default: "127.0.0.1". */
CQL_EXPORT cql_status cql_config_set_contact_points(cql_config *cfg, const char *hosts);

/* Native transport port for contact points without their own. Default 9042. */
CQL_EXPORT cql_status cql_config_set_port(cql_config *cfg, uint16_t port);

/* Protocol versions to use: the session tries `max` first and negotiates
 * down to `min` when the server refuses it. Default 4..5. Setting min to 5
 * is strict mode: a server without v5 fails the connect with
 * CQL_E_PROTOCOL_NEGOTIATION naming the server's highest version.
 * Errors: CQL_E_UNSUPPORTED for versions outside 4..5 or min > max. */
CQL_EXPORT cql_status cql_config_set_protocol_versions(cql_config *cfg, int min_version,
                                                       int max_version);

/* Time allowed to open a connection, TLS and handshake included.
 * Default 5000 ms. */
CQL_EXPORT cql_status cql_config_set_connect_timeout(cql_config *cfg, uint32_t ms);

/* Default time allowed for a request, from submission to its reply
 * (statements may override). 0 disables. Default 12000 ms. */
CQL_EXPORT cql_status cql_config_set_request_timeout(cql_config *cfg, uint32_t ms);

/* Keyspace every connection USEs once connected. Default: none. */
CQL_EXPORT cql_status cql_config_set_keyspace(cql_config *cfg, const char *keyspace);

/* Default consistency of statements. Default LOCAL_ONE. */
CQL_EXPORT cql_status cql_config_set_consistency(cql_config *cfg, cql_consistency level);

/* Default serial consistency of conditional statements (SERIAL or
 * LOCAL_SERIAL). Default SERIAL. */
CQL_EXPORT cql_status cql_config_set_serial_consistency(cql_config *cfg, cql_consistency level);

typedef enum cql_compression { CQL_COMPRESSION_NONE = 0, CQL_COMPRESSION_LZ4 = 1 } cql_compression;

/* Compression to ask for; used only when the server offers it (check the
 * session's metrics). Default NONE. */
CQL_EXPORT cql_status cql_config_set_compression(cql_config *cfg, cql_compression compression);

/* Rows per page for statements that do not set their own. Default 5000. */
CQL_EXPORT cql_status cql_config_set_page_size(cql_config *cfg, int32_t rows);

/* Idle time after which a connection sends a heartbeat (OPTIONS), and the
 * time without any reply after which it is declared dead and replaced.
 * 0 disables heartbeats. Defaults 30000 ms and 60000 ms. */
CQL_EXPORT cql_status cql_config_set_heartbeat(cql_config *cfg, uint32_t interval_ms,
                                               uint32_t dead_after_ms);

/* Connections kept open to each host. Default 1 (one connection carries
 * 32768 concurrent requests). */
CQL_EXPORT cql_status cql_config_set_connections_per_host(cql_config *cfg, uint32_t n);

/* Data center whose hosts serve requests; others are used only when none
 * of its hosts is up. Default: the data center of the first contact point
 * that answers. */
CQL_EXPORT cql_status cql_config_set_local_dc(cql_config *cfg, const char *dc);

/* Reconnection delays after a host goes down: exponential from base_ms,
 * capped at max_ms, with jitter. Defaults 1000 and 60000 ms. */
CQL_EXPORT cql_status cql_config_set_reconnect_backoff(cql_config *cfg, uint32_t base_ms,
                                                       uint32_t max_ms);

/* Username and password for Cassandra's PasswordAuthenticator (SASL
 * PLAIN). Both strings are copied. */
CQL_EXPORT cql_status cql_config_set_credentials(cql_config *cfg, const char *username,
                                                 const char *password);

/* A SASL exchange for other authenticators. Each callback runs on the
 * session's loop. `initial` and `challenge` fill *token with bytes that
 * must stay valid until the next callback or `done`; they return CQL_OK or
 * an error that fails the connection with CQL_E_AUTH. */
typedef struct cql_authenticator {
  cql_status (*initial)(void *ud, const char *authenticator_class, cql_slice *token);
  cql_status (*challenge)(void *ud, cql_slice challenge, cql_slice *token);
  cql_status (*success)(void *ud, cql_slice final_token);
  void (*done)(void *ud); /* the connection no longer needs the exchange */
} cql_authenticator;

/* Uses `auth` (copied) with `ud` (kept; must outlive every session made
 * from this config) instead of PasswordAuthenticator credentials. */
CQL_EXPORT cql_status cql_config_set_authenticator(cql_config *cfg, const cql_authenticator *auth,
                                                   void *ud);

/* TLS. Strings are copied; files are read when a session connects. */
typedef struct cql_tls_options {
  const char *ca_file;     /* PEM CA bundle to verify the server; NULL: system default */
  const char *cert_file;   /* PEM client certificate, for servers that require one */
  const char *key_file;    /* PEM private key of cert_file */
  bool verify_peer;        /* check the certificate chain (default true) */
  bool verify_hostname;    /* check the certificate names the host (default true) */
  const char *server_name; /* SNI and hostname to verify; NULL: the host's address */
} cql_tls_options;

/* Fills `opts` with the defaults (verification on, no files). */
CQL_EXPORT void cql_tls_options_init(cql_tls_options *opts);

/* Turns TLS on for every connection. Errors: CQL_E_INVALID_ARG (a key
 * without a certificate or the reverse). */
CQL_EXPORT cql_status cql_config_set_tls(cql_config *cfg, const cql_tls_options *opts);

typedef enum cql_log_level {
  CQL_LOG_ERROR = 1,
  CQL_LOG_WARN = 2,
  CQL_LOG_INFO = 3,
  CQL_LOG_DEBUG = 4
} cql_log_level;

/* Receives the session's log lines (NUL-terminated, no newline) on the
 * session's loop thread. Default: none. */
typedef void (*cql_log_fn)(cql_log_level level, const char *message, void *ud);
CQL_EXPORT cql_status cql_config_set_log(cql_config *cfg, cql_log_level max_level, cql_log_fn fn,
                                         void *ud);

#ifdef __cplusplus
}
#endif

#endif
