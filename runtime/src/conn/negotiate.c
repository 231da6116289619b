/* Reading a server's refusal of our protocol version.
 *
 * Servers say which versions they speak only in prose, and the prose has
 * changed over the years:
 *   Cassandra 4.x  "Invalid or unsupported protocol version (6); supported
 *                   versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)"
 *   Cassandra 3.x  "Invalid or unsupported protocol version (5); the lowest
 *                   supported version is 3 and the greatest is 4"
 *   beta versions  "Beta version of the protocol used (5/v5-beta), but
 *                   USE_BETA flag is unset"
 *   older/others   "Invalid or unsupported protocol version: 5"
 * A beta version needs the USE_BETA flag, which we never set, so it does
 * not count as supported. The ERROR itself comes in the server's own
 * highest version (Cassandra 4.0.0 answered the Node.js driver's v66
 * STARTUP with a v5 header, stream 0: see cassandra-4.0.0-v4-nodejs.jsonl),
 * which is the fallback when the text names no version. */
#include <ctype.h>
#include <string.h>

#include "conn_impl.h"

static bool match_at(cql_slice s, size_t at, const char *needle) {
  size_t n = strlen(needle);
  if (at + n > s.len)
    return false;
  for (size_t i = 0; i < n; i++)
    if (tolower(s.ptr[at + i]) != tolower((unsigned char)needle[i]))
      return false;
  return true;
}

/* Offset of the first case-insensitive occurrence of `needle`, or -1. */
static long find(cql_slice s, const char *needle) {
  for (size_t at = 0; at < s.len; at++)
    if (match_at(s, at, needle))
      return (long)at;
  return -1;
}

/* Reads a small decimal number at *at; -1 when there is none. */
static int read_number(cql_slice s, size_t *at) {
  int v = -1;
  while (*at < s.len && isdigit(s.ptr[*at])) {
    v = (v < 0 ? 0 : v * 10) + (s.ptr[*at] - '0');
    if (v > 1000)
      v = 1000; /* clamp: only small versions matter */
    (*at)++;
  }
  return v;
}

/* The highest "N/vN" entry (not "-beta") below `tried`. */
static int best_listed(cql_slice s, uint8_t tried) {
  int best = 0;
  size_t at = 0;
  while (at < s.len) {
    if (!isdigit(s.ptr[at]) || (at > 0 && isdigit(s.ptr[at - 1]))) {
      at++;
      continue;
    }
    int n = read_number(s, &at);
    if (!match_at(s, at, "/v"))
      continue;
    at += 2;
    read_number(s, &at);
    bool beta = match_at(s, at, "-beta");
    if (!beta && n < tried && n > best)
      best = n;
  }
  return best;
}

uint8_t cql_conn_parse_supported_version(cql_slice message, uint8_t tried) {
  if (!message.ptr)
    return 0;
  int best = best_listed(message, tried);
  if (best)
    return (uint8_t)best;
  long g = find(message, "greatest is ");
  if (g >= 0) {
    size_t at = (size_t)g + strlen("greatest is ");
    int n = read_number(message, &at);
    return n > 0 && n < tried ? (uint8_t)n : 0;
  }
  /* Our version exists on the server only as a beta: take the one below. */
  if (find(message, "USE_BETA") >= 0 && tried > 1)
    return (uint8_t)(tried - 1);
  return 0;
}

bool cql_conn_is_version_refusal(const cql_error_body *e) {
  if (e->code != CQL_SERVER_PROTOCOL_ERROR || !e->message.ptr)
    return false;
  return find(e->message, "protocol version") >= 0 || find(e->message, "USE_BETA") >= 0;
}
