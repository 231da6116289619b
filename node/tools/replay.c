/* cqlkit-node-replay: runs requests through the engine, for comparing its
 * answers with a real Cassandra's (tests/node/replay_transcript.py).
 *
 * stdin: one request per line, "<conn> <version> <opcode> <stream> <hex body>"
 * (bodies uncompressed). stdout: one response envelope per line in hex,
 * encoded for that version. Each conn gets its own session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "request.h"
#include "response.h"

enum { MAX_CONNS = 64 };

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap) {
  size_t n = 0;
  while (s[0] && s[1] && n < cap) {
    int hi = hexval(s[0]), lo = hexval(s[1]);
    if (hi < 0 || lo < 0)
      break;
    out[n++] = (uint8_t)(hi << 4 | lo);
    s += 2;
  }
  return n;
}

static void handle(cql_engine *e, cql_engine_session *s, unsigned version, unsigned opcode,
                   int stream, const uint8_t *body, size_t len) {
  cql_header h = {(uint8_t)version, 0, (int16_t)stream, (uint8_t)opcode, (uint32_t)len};
  cql_arena a;
  cql_arena_init(&a, NULL);
  cql_request req;
  const char *what = NULL;
  cql_response resp;
  memset(&resp, 0, sizeof(resp));
  cql_status st = cql_request_decode(&h, (cql_slice){body, len}, &a, &req, &what);
  if (st != CQL_OK) {
    printf("DECODE-ERROR %s\n", what ? what : cql_status_name(st));
    cql_arena_free(&a);
    return;
  }
  req.stream = (int16_t)stream;
  cql_engine_handle(e, s, &req, &a, &resp);
  resp.stream = (int16_t)stream;
  cql_buf out;
  cql_buf_init(&out, NULL);
  st = cql_response_encode(&out, (uint8_t)version, &resp, false);
  if (st != CQL_OK) {
    printf("ENCODE-ERROR %s\n", cql_status_name(st));
  } else {
    for (size_t i = 0; i < out.len; i++)
      printf("%02x", out.data[i]);
    printf("\n");
  }
  cql_buf_free(&out);
  cql_arena_free(&a);
}

int main(void) {
  cql_engine *e;
  if (cql_engine_new(NULL, &e) != CQL_OK)
    return 1;
  static cql_engine_session sessions[MAX_CONNS];
  for (int i = 0; i < MAX_CONNS; i++)
    cql_engine_session_init(&sessions[i], 4);
  size_t cap = 1 << 24;
  char *line = malloc(cap);
  uint8_t *body = malloc(cap / 2);
  if (!line || !body)
    return 1;
  while (fgets(line, (int)cap, stdin)) {
    unsigned conn, version, opcode;
    int stream, off = 0;
    if (sscanf(line, "%u %u %u %d %n", &conn, &version, &opcode, &stream, &off) < 4)
      continue;
    size_t n = unhex(line + off, body, cap / 2);
    cql_engine_session *s = &sessions[conn % MAX_CONNS];
    s->version = (uint8_t)version;
    handle(e, s, version, opcode, stream, body, n);
    fflush(stdout);
  }
  free(line);
  free(body);
  cql_engine_free(e);
  return 0;
}
