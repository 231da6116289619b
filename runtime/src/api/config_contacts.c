/* Contact point lists ("host[:port],...") and cql_config_apply_env. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "mem.h"

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses a decimal port 1..65535 from [p, end). */
static bool parse_port(const char *p, const char *end, uint16_t *out) {
  uint32_t v = 0;
  if (p == end || end - p > 5)
    return false;
  for (; p < end; p++) {
    if (*p < '0' || *p > '9')
      return false;
    v = v * 10 + (uint32_t)(*p - '0');
  }
  if (v == 0 || v > 65535)
    return false;
  *out = (uint16_t)v;
  return true;
}

/* Splits one trimmed entry into host [h, he) and optional port. IPv6 is
 * either bracketed ("[::1]:9042") or bare ("::1", then no port). */
static bool split_entry(const char *s, const char *e, const char **h, const char **he,
                        uint16_t *port) {
  *port = 0;
  if (*s == '[') {
    const char *close = memchr(s, ']', (size_t)(e - s));
    if (!close || close == s + 1)
      return false;
    *h = s + 1;
    *he = close;
    if (close + 1 == e)
      return true;
    return close[1] == ':' && parse_port(close + 2, e, port);
  }
  const char *colon = memchr(s, ':', (size_t)(e - s));
  *h = s;
  *he = e;
  if (colon && !memchr(colon + 1, ':', (size_t)(e - colon - 1))) {
    *he = colon;
    if (!parse_port(colon + 1, e, port))
      return false;
  }
  return *he > *h;
}

static size_t count_entries(const char *hosts) {
  size_t n = 1;
  for (const char *p = hosts; *p; p++)
    n += *p == ',';
  return n;
}

static bool add_entry(cql_config *cfg, cql_contact_point *list, size_t *n, const char *s,
                      const char *e) {
  while (s < e && is_blank(*s))
    s++;
  while (e > s && is_blank(e[-1]))
    e--;
  const char *h, *he;
  uint16_t port;
  if (s == e || !split_entry(s, e, &h, &he, &port))
    return false;
  char *host = cql_malloc(&cfg->mem, (size_t)(he - h) + 1);
  if (!host)
    return false;
  memcpy(host, h, (size_t)(he - h));
  host[he - h] = '\0';
  list[*n].host = host;
  list[*n].port = port;
  (*n)++;
  return true;
}

static void free_list(const cql_mem *mem, cql_contact_point *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    cql_free(mem, list[i].host);
  cql_free(mem, list);
}

cql_status cql_api_contacts_parse(cql_config *cfg, const char *hosts) {
  size_t cap = count_entries(hosts), n = 0;
  cql_contact_point *list = cql_malloc(&cfg->mem, cap * sizeof(*list));
  if (!list)
    return CQL_E_NOMEM;
  const char *s = hosts;
  for (;;) {
    const char *e = strchr(s, ',');
    if (!e)
      e = s + strlen(s);
    if (!add_entry(cfg, list, &n, s, e)) {
      free_list(&cfg->mem, list, n);
      return CQL_E_INVALID_ARG; /* (or out of memory: rare enough to share) */
    }
    if (!*e)
      break;
    s = e + 1;
  }
  cql_api_contacts_free(cfg);
  cfg->contacts = list;
  cfg->n_contacts = n;
  return CQL_OK;
}

void cql_api_contacts_free(cql_config *cfg) {
  free_list(&cfg->mem, cfg->contacts, cfg->n_contacts);
  cfg->contacts = NULL;
  cfg->n_contacts = 0;
}

cql_status cql_api_contacts_copy(cql_config *dst, const cql_config *src) {
  if (src->n_contacts == 0)
    return CQL_OK;
  dst->contacts = cql_malloc(&dst->mem, src->n_contacts * sizeof(*dst->contacts));
  if (!dst->contacts)
    return CQL_E_NOMEM;
  for (size_t i = 0; i < src->n_contacts; i++) {
    dst->contacts[i].port = src->contacts[i].port;
    dst->contacts[i].host = cql_api_strdup(&dst->mem, src->contacts[i].host);
    dst->n_contacts = i + 1;
    if (!dst->contacts[i].host)
      return CQL_E_NOMEM;
  }
  return CQL_OK;
}

cql_status cql_config_set_contact_points(cql_config *cfg, const char *hosts) {
  if (!cfg || !hosts || !*hosts)
    return CQL_E_INVALID_ARG;
  return cql_api_contacts_parse(cfg, hosts);
}

static bool env_int(const char *name, long lo, long hi, long *out, cql_status *st) {
  const char *v = getenv(name);
  if (!v)
    return false;
  char *end = NULL;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < lo || n > hi) {
    *st = CQL_E_INVALID_ARG;
    return false;
  }
  *out = n;
  return true;
}

static cql_status apply_numbers(cql_config *cfg) {
  cql_status st = CQL_OK;
  long n;
  if (env_int("CQLKIT_PORT", 1, 65535, &n, &st))
    st = cql_config_set_port(cfg, (uint16_t)n);
  if (st != CQL_OK)
    return st;
  if (env_int("CQLKIT_PROTOCOL_VERSION", 0, 255, &n, &st))
    st = cql_config_set_protocol_versions(cfg, (int)n, (int)n);
  return st;
}

cql_status cql_config_apply_env(cql_config *cfg) {
  if (!cfg)
    return CQL_E_INVALID_ARG;
  const char *v;
  cql_status st = CQL_OK;
  if ((v = getenv("CQLKIT_CONTACT_POINTS")) && (st = cql_config_set_contact_points(cfg, v)))
    return st;
  if ((st = apply_numbers(cfg)))
    return st;
  if ((v = getenv("CQLKIT_KEYSPACE")) && (st = cql_config_set_keyspace(cfg, v)))
    return st;
  if ((v = getenv("CQLKIT_LOCAL_DC")) && (st = cql_config_set_local_dc(cfg, v)))
    return st;
  const char *user = getenv("CQLKIT_USERNAME"), *pass = getenv("CQLKIT_PASSWORD");
  if (user)
    st = cql_config_set_credentials(cfg, user, pass ? pass : "");
  return st;
}
