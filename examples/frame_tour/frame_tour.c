/* A tour of cqlkit's sans-IO protocol core: both sides of a v5 exchange,
 * in memory, with no socket anywhere.
 *
 *   1. The client encodes a QUERY and frames it into an LZ4 v5 segment.
 *   2. The server's incremental reader gets those bytes one at a time,
 *      yields the envelope, and the request decoder reads the query back.
 *   3. The server answers with a Rows result, framed the same way.
 *   4. The client decodes the result and prints its rows.
 *
 * This is the layer the runtime and cqlkit-node are built on; a program
 * talking to Cassandra uses the runtime's API instead (see examples/). */
#include <stdio.h>
#include <string.h>

#include "envelope.h"
#include "message.h"
#include "reader.h"
#include "request.h"
#include "response.h"
#include "segment.h"
#include "type.h"
#include "value.h"

static void hexdump(const char *label, const uint8_t *p, size_t n) {
  printf("%s (%zu bytes):", label, n);
  for (size_t i = 0; i < n && i < 48; i++)
    printf("%s%02x", i % 16 == 0 ? "\n    " : " ", p[i]);
  printf("%s\n", n > 48 ? " ..." : "");
}

static int check(cql_status st, const char *what) {
  if (st == CQL_OK)
    return 0;
  fprintf(stderr, "frame_tour: %s: %s (%s)\n", what, cql_status_name(st), cql_status_describe(st));
  return 1;
}

/* Keeps the one envelope a feed produces. */
static cql_status keep_envelope(void *ud, cql_envelope *env) {
  *(cql_envelope *)ud = *env;
  return CQL_OK;
}

static int read_framed(const cql_buf *wire, bool as_server, bool byte_by_byte, cql_envelope *out) {
  cql_reader_config cfg = {.expect_requests = as_server};
  cql_reader *reader;
  if (check(cql_reader_new(&reader, &cfg), "reader"))
    return 1;
  cql_reader_set_framing(reader, true, true);
  memset(out, 0, sizeof(*out));
  cql_status st = CQL_OK;
  size_t step = byte_by_byte ? 1 : wire->len;
  for (size_t off = 0; off < wire->len && st == CQL_OK; off += step) {
    size_t n = wire->len - off < step ? wire->len - off : step;
    st = cql_reader_feed(reader, wire->data + off, n, keep_envelope, out, NULL);
  }
  cql_reader_free(reader);
  return check(st, "read");
}

static int client_query(cql_buf *wire) {
  cql_request req;
  memset(&req, 0, sizeof(req));
  req.opcode = CQL_OP_QUERY;
  req.stream = 1;
  req.u.query.query = cql_slice_from_cstr("SELECT name, stars FROM tour.planets");
  req.u.query.params.consistency = CQL_CONSISTENCY_LOCAL_QUORUM;
  req.u.query.params.has_page_size = true;
  req.u.query.params.page_size = 100;
  cql_buf envelope;
  cql_buf_init(&envelope, NULL);
  int rc = check(cql_request_encode(&envelope, CQL_PROTOCOL_V5, &req, false), "encode QUERY");
  if (!rc) {
    hexdump("client: QUERY envelope", envelope.data, envelope.len);
    rc = check(cql_segment_frame(wire, (cql_slice){envelope.data, envelope.len}, true), "frame");
  }
  if (!rc)
    hexdump("client: as a v5 segment with LZ4", wire->data, wire->len);
  cql_buf_free(&envelope);
  return rc;
}

static int server_answer(const cql_buf *request_wire, cql_buf *response_wire) {
  cql_envelope env;
  if (read_framed(request_wire, true, true, &env))
    return 1;
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_request req;
  int rc =
      check(cql_request_decode(&env.header, (cql_slice){env.body, env.len}, &arena, &req, NULL),
            "decode request");
  if (!rc)
    printf("server: got QUERY on stream %d, fed byte by byte: \"%.*s\" page size %d\n", req.stream,
           (int)req.u.query.query.len, (const char *)req.u.query.query.ptr,
           req.u.query.params.page_size);

  static const char *const names[] = {"Mercury", "Venus", "Earth"};
  cql_buf rows, cell;
  cql_buf_init(&rows, NULL);
  cql_buf_init(&cell, NULL);
  for (int i = 0; i < 3 && !rc; i++) {
    cql_cell c = {(int32_t)strlen(names[i]), cql_slice_from_cstr(names[i])};
    cql_rows_put_cell(&rows, &c);
    cql_buf_reset(&cell);
    cql_encode_int(&cell, i == 2 ? 1 : 0);
    c = (cql_cell){(int32_t)cell.len, {cell.data, cell.len}};
    cql_rows_put_cell(&rows, &c);
  }
  cql_column_spec cols[2] = {{cql_slice_from_cstr("tour"), cql_slice_from_cstr("planets"),
                              cql_slice_from_cstr("name"), cql_type_native(CQL_TYPE_VARCHAR)},
                             {cql_slice_from_cstr("tour"), cql_slice_from_cstr("planets"),
                              cql_slice_from_cstr("stars"), cql_type_native(CQL_TYPE_INT)}};
  cql_response resp;
  memset(&resp, 0, sizeof(resp));
  resp.opcode = CQL_OP_RESULT;
  resp.stream = req.stream;
  resp.u.result.kind = CQL_RESULT_ROWS;
  resp.u.result.u.rows.metadata.flags = CQL_ROWS_FLAG_GLOBAL_TABLES_SPEC;
  resp.u.result.u.rows.metadata.columns_count = 2;
  resp.u.result.u.rows.metadata.columns = cols;
  resp.u.result.u.rows.rows_count = 3;
  resp.u.result.u.rows.rows_content = (cql_slice){rows.data, rows.len};
  cql_buf envelope;
  cql_buf_init(&envelope, NULL);
  if (!rc)
    rc = check(cql_response_encode(&envelope, CQL_PROTOCOL_V5, &resp, false), "encode RESULT");
  if (!rc)
    rc = check(cql_segment_frame(response_wire, (cql_slice){envelope.data, envelope.len}, true),
               "frame");
  if (!rc)
    hexdump("server: RESULT Rows as a v5 segment", response_wire->data, response_wire->len);
  cql_buf_free(&envelope);
  cql_buf_free(&rows);
  cql_buf_free(&cell);
  cql_arena_free(&arena);
  cql_envelope_free(&env);
  return rc;
}

static int client_print(const cql_buf *response_wire) {
  cql_envelope env;
  if (read_framed(response_wire, false, false, &env))
    return 1;
  cql_arena arena;
  cql_arena_init(&arena, NULL);
  cql_response resp;
  int rc =
      check(cql_response_decode(&env.header, (cql_slice){env.body, env.len}, &arena, &resp, NULL),
            "decode response");
  if (!rc) {
    const cql_rows_metadata *md = &resp.u.result.u.rows.metadata;
    printf("client: %d rows of %.*s.%.*s\n", resp.u.result.u.rows.rows_count,
           (int)md->columns[0].keyspace.len, (const char *)md->columns[0].keyspace.ptr,
           (int)md->columns[0].table.len, (const char *)md->columns[0].table.ptr);
    cql_row_iter it;
    cql_row_iter_init(&it, &resp.u.result);
    cql_cell cells[2];
    while (cql_row_iter_next(&it, cells)) {
      cql_slice name;
      int32_t stars;
      if (check(cql_decode_text(cells[0].bytes, &name), "text") ||
          check(cql_decode_int(cells[1].bytes, &stars), "int")) {
        rc = 1;
        break;
      }
      printf("    %-8.*s stars=%d\n", (int)name.len, (const char *)name.ptr, stars);
    }
  }
  cql_arena_free(&arena);
  cql_envelope_free(&env);
  return rc;
}

int main(void) {
  cql_buf request_wire, response_wire;
  cql_buf_init(&request_wire, NULL);
  cql_buf_init(&response_wire, NULL);
  int rc = client_query(&request_wire);
  if (!rc)
    rc = server_answer(&request_wire, &response_wire);
  if (!rc)
    rc = client_print(&response_wire);
  cql_buf_free(&request_wire);
  cql_buf_free(&response_wire);
  return rc;
}
