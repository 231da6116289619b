/* cql_config: defaults, validating setters, copying and freeing. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"

static void set_defaults(cql_config *c) {
  c->port = 9042;
  c->min_version = 4;
  c->max_version = 5;
  c->connect_timeout_ms = 5000;
  c->request_timeout_ms = 12000;
  c->consistency = CQL_CONSISTENCY_LOCAL_ONE;
  c->serial_consistency = CQL_CONSISTENCY_SERIAL;
  c->compression = CQL_COMPRESSION_NONE;
  c->page_size = 5000;
  c->heartbeat_interval_ms = 30000;
  c->heartbeat_dead_ms = 60000;
  c->connections_per_host = 1;
  c->backoff_base_ms = 1000;
  c->backoff_max_ms = 60000;
  c->tls_verify_peer = true;
  c->tls_verify_hostname = true;
  c->log_level = CQL_LOG_WARN;
}

cql_status cql_config_new(cql_config **out, const cql_mem *mem) {
  if (!out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  mem = cql_mem_or_default(mem);
  cql_config *c = cql_malloc(mem, sizeof(*c));
  if (!c)
    return CQL_E_NOMEM;
  memset(c, 0, sizeof(*c));
  c->mem = *mem;
  set_defaults(c);
  cql_status st = cql_api_contacts_parse(c, "127.0.0.1");
  if (st != CQL_OK) {
    cql_config_free(c);
    return st;
  }
  *out = c;
  return CQL_OK;
}

static void free_str(cql_config *c, char **s) {
  cql_free(&c->mem, *s);
  *s = NULL;
}

static void free_strings(cql_config *c) {
  free_str(c, &c->keyspace);
  free_str(c, &c->local_dc);
  free_str(c, &c->username);
  free_str(c, &c->password);
  free_str(c, &c->tls_ca_file);
  free_str(c, &c->tls_cert_file);
  free_str(c, &c->tls_key_file);
  free_str(c, &c->tls_server_name);
}

void cql_config_free(cql_config *cfg) {
  if (!cfg)
    return;
  cql_api_contacts_free(cfg);
  free_strings(cfg);
  cql_mem mem = cfg->mem;
  cql_free(&mem, cfg);
}

/* Replaces *slot by a copy of s (NULL clears it). */
static cql_status set_str(cql_config *c, char **slot, const char *s) {
  char *copy = NULL;
  if (s && !(copy = cql_api_strdup(&c->mem, s)))
    return CQL_E_NOMEM;
  cql_free(&c->mem, *slot);
  *slot = copy;
  return CQL_OK;
}

static cql_status dup_strings(cql_config *d, const cql_config *s) {
  d->keyspace = d->local_dc = d->username = d->password = NULL;
  d->tls_ca_file = d->tls_cert_file = d->tls_key_file = d->tls_server_name = NULL;
  if (set_str(d, &d->keyspace, s->keyspace) || set_str(d, &d->local_dc, s->local_dc) ||
      set_str(d, &d->username, s->username) || set_str(d, &d->password, s->password) ||
      set_str(d, &d->tls_ca_file, s->tls_ca_file) ||
      set_str(d, &d->tls_cert_file, s->tls_cert_file) ||
      set_str(d, &d->tls_key_file, s->tls_key_file) ||
      set_str(d, &d->tls_server_name, s->tls_server_name))
    return CQL_E_NOMEM;
  return CQL_OK;
}

cql_status cql_config_copy(const cql_config *src, const cql_mem *mem, cql_config **out) {
  if (!src || !out)
    return CQL_E_INVALID_ARG;
  *out = NULL;
  mem = mem ? mem : &src->mem;
  cql_config *c = cql_malloc(mem, sizeof(*c));
  if (!c)
    return CQL_E_NOMEM;
  *c = *src;
  c->mem = *mem;
  c->contacts = NULL;
  c->n_contacts = 0;
  cql_status st = dup_strings(c, src);
  if (st == CQL_OK)
    st = cql_api_contacts_copy(c, src);
  if (st != CQL_OK) {
    cql_config_free(c);
    return st;
  }
  *out = c;
  return CQL_OK;
}

cql_status cql_config_set_port(cql_config *cfg, uint16_t port) {
  if (!cfg || port == 0)
    return CQL_E_INVALID_ARG;
  cfg->port = port;
  return CQL_OK;
}

cql_status cql_config_set_protocol_versions(cql_config *cfg, int min_version, int max_version) {
  if (!cfg)
    return CQL_E_INVALID_ARG;
  if (min_version < 4 || max_version > 5 || min_version > max_version)
    return CQL_E_UNSUPPORTED;
  cfg->min_version = (uint8_t)min_version;
  cfg->max_version = (uint8_t)max_version;
  return CQL_OK;
}

cql_status cql_config_set_connect_timeout(cql_config *cfg, uint32_t ms) {
  if (!cfg || ms == 0)
    return CQL_E_INVALID_ARG;
  cfg->connect_timeout_ms = ms;
  return CQL_OK;
}

cql_status cql_config_set_request_timeout(cql_config *cfg, uint32_t ms) {
  if (!cfg)
    return CQL_E_INVALID_ARG;
  cfg->request_timeout_ms = ms;
  return CQL_OK;
}

cql_status cql_config_set_keyspace(cql_config *cfg, const char *keyspace) {
  if (!cfg || (keyspace && !*keyspace))
    return CQL_E_INVALID_ARG;
  return set_str(cfg, &cfg->keyspace, keyspace);
}

static bool valid_consistency(cql_consistency c) {
  return c >= CQL_CONSISTENCY_ANY && c <= CQL_CONSISTENCY_LOCAL_ONE;
}

bool cql_api_valid_serial(cql_consistency c) {
  return c == CQL_CONSISTENCY_SERIAL || c == CQL_CONSISTENCY_LOCAL_SERIAL;
}

bool cql_api_valid_consistency(cql_consistency c) { return valid_consistency(c); }

cql_status cql_config_set_consistency(cql_config *cfg, cql_consistency level) {
  if (!cfg || !valid_consistency(level))
    return CQL_E_INVALID_ARG;
  cfg->consistency = level;
  return CQL_OK;
}

cql_status cql_config_set_serial_consistency(cql_config *cfg, cql_consistency level) {
  if (!cfg || !cql_api_valid_serial(level))
    return CQL_E_INVALID_ARG;
  cfg->serial_consistency = level;
  return CQL_OK;
}

cql_status cql_config_set_compression(cql_config *cfg, cql_compression compression) {
  if (!cfg || (compression != CQL_COMPRESSION_NONE && compression != CQL_COMPRESSION_LZ4))
    return CQL_E_INVALID_ARG;
  cfg->compression = compression;
  return CQL_OK;
}

cql_status cql_config_set_page_size(cql_config *cfg, int32_t rows) {
  if (!cfg || rows <= 0)
    return CQL_E_INVALID_ARG;
  cfg->page_size = rows;
  return CQL_OK;
}

cql_status cql_config_set_heartbeat(cql_config *cfg, uint32_t interval_ms, uint32_t dead_after_ms) {
  /* A peer cannot be declared dead before a heartbeat had time to go out. */
  if (!cfg || (interval_ms && dead_after_ms && dead_after_ms <= interval_ms))
    return CQL_E_INVALID_ARG;
  cfg->heartbeat_interval_ms = interval_ms;
  cfg->heartbeat_dead_ms = dead_after_ms;
  return CQL_OK;
}

cql_status cql_config_set_connections_per_host(cql_config *cfg, uint32_t n) {
  if (!cfg || n == 0 || n > 1024)
    return CQL_E_INVALID_ARG;
  cfg->connections_per_host = n;
  return CQL_OK;
}

cql_status cql_config_set_local_dc(cql_config *cfg, const char *dc) {
  if (!cfg || (dc && !*dc))
    return CQL_E_INVALID_ARG;
  return set_str(cfg, &cfg->local_dc, dc);
}

cql_status cql_config_set_reconnect_backoff(cql_config *cfg, uint32_t base_ms, uint32_t max_ms) {
  if (!cfg || base_ms == 0 || max_ms < base_ms)
    return CQL_E_INVALID_ARG;
  cfg->backoff_base_ms = base_ms;
  cfg->backoff_max_ms = max_ms;
  return CQL_OK;
}

cql_status cql_config_set_credentials(cql_config *cfg, const char *username, const char *password) {
  if (!cfg || !username || !password)
    return CQL_E_INVALID_ARG;
  cql_status st = set_str(cfg, &cfg->username, username);
  return st != CQL_OK ? st : set_str(cfg, &cfg->password, password);
}

cql_status cql_config_set_authenticator(cql_config *cfg, const cql_authenticator *auth, void *ud) {
  if (!cfg || (auth && !auth->initial))
    return CQL_E_INVALID_ARG;
  cfg->has_authenticator = auth != NULL;
  if (auth)
    cfg->authenticator = *auth;
  cfg->authenticator_ud = ud;
  return CQL_OK;
}

void cql_tls_options_init(cql_tls_options *opts) {
  memset(opts, 0, sizeof(*opts));
  opts->verify_peer = true;
  opts->verify_hostname = true;
}

cql_status cql_config_set_tls(cql_config *cfg, const cql_tls_options *opts) {
  if (!cfg || !opts || !opts->cert_file != !opts->key_file)
    return CQL_E_INVALID_ARG;
  if (set_str(cfg, &cfg->tls_ca_file, opts->ca_file) ||
      set_str(cfg, &cfg->tls_cert_file, opts->cert_file) ||
      set_str(cfg, &cfg->tls_key_file, opts->key_file) ||
      set_str(cfg, &cfg->tls_server_name, opts->server_name))
    return CQL_E_NOMEM;
  cfg->tls = true;
  cfg->tls_verify_peer = opts->verify_peer;
  cfg->tls_verify_hostname = opts->verify_hostname;
  return CQL_OK;
}

cql_status cql_config_set_log(cql_config *cfg, cql_log_level max_level, cql_log_fn fn, void *ud) {
  if (!cfg || max_level < CQL_LOG_ERROR || max_level > CQL_LOG_DEBUG)
    return CQL_E_INVALID_ARG;
  cfg->log_level = max_level;
  cfg->log_fn = fn;
  cfg->log_ud = ud;
  return CQL_OK;
}

void cql_config_log(const cql_config *cfg, cql_log_level level, const char *message) {
  if (cfg && cfg->log_fn && level <= cfg->log_level)
    cfg->log_fn(level, message, cfg->log_ud);
}

cql_status cql_config_set_udt_registry(cql_config *cfg, const cql_udt_registry *reg) {
  if (!cfg)
    return CQL_E_INVALID_ARG;
  cfg->udt_registry = reg;
  return CQL_OK;
}

void cql_config_conn_config(const cql_config *cfg, uint8_t version, cql_conn_config *out) {
  cql_conn_config_init(out);
  out->protocol_version = version;
  out->min_protocol_version = cfg->min_version;
  out->compression = cfg->compression == CQL_COMPRESSION_LZ4 ? CQL_CONN_COMPRESSION_LZ4
                                                             : CQL_CONN_COMPRESSION_NONE;
  out->username = cfg->username;
  out->password = cfg->password;
  out->keyspace = cfg->keyspace;
  out->heartbeat_interval_ms = cfg->heartbeat_interval_ms;
  out->idle_timeout_ms = cfg->heartbeat_dead_ms;
  out->handshake_timeout_ms = cfg->connect_timeout_ms;
  out->request_timeout_ms = cfg->request_timeout_ms ? cfg->request_timeout_ms : CQL_CONN_NO_TIMEOUT;
  out->mem = &cfg->mem;
}
