#include "reader.h"

#include <string.h>

#include "envelope.h"
#include "mem.h"
#include "segment.h"

struct cql_reader {
  cql_mem mem;
  size_t max_body;
  bool expect_requests;
  bool segments; /* framing for the next unit that starts */
  bool lz4;
  bool v4_lz4;
  cql_status err; /* sticky */
  const char *err_what;

  /* The envelope being assembled, from plain input or segment payloads. */
  uint8_t hdr[CQL_HEADER_SIZE];
  size_t hdr_have; /* 0: idle */
  bool env_in_segments;
  cql_header cur; /* valid once hdr_have == CQL_HEADER_SIZE */
  uint8_t *body;
  size_t body_have;

  /* A segment that arrived in pieces, gathered whole (header included). */
  cql_buf seg_buf; /* len 0: no partial segment */
  bool seg_lz4;    /* framing the partial segment started under */
  cql_segment_header seg;
  size_t seg_size; /* 0 until its header is complete */
  cql_buf scratch; /* decompressed payload of the current segment */

  cql_envelope_cb cb;
  void *ud;
};

static cql_status fail(cql_reader *r, cql_status st, const char *what) {
  r->err = st;
  r->err_what = what;
  return st;
}

cql_status cql_reader_new(cql_reader **out, const cql_reader_config *cfg) {
  static const cql_reader_config defaults = {0, false, NULL};
  if (!out)
    return CQL_E_INVALID_ARG;
  if (!cfg)
    cfg = &defaults;
  const cql_mem *mem = cql_mem_or_default(cfg->mem);
  cql_reader *r = cql_malloc(mem, sizeof(*r));
  if (!r)
    return CQL_E_NOMEM;
  memset(r, 0, sizeof(*r));
  r->mem = *mem;
  r->max_body = cfg->max_body_size ? cfg->max_body_size : CQL_READER_DEFAULT_MAX_BODY;
  r->expect_requests = cfg->expect_requests;
  cql_buf_init(&r->seg_buf, &r->mem);
  cql_buf_init(&r->scratch, &r->mem);
  *out = r;
  return CQL_OK;
}

void cql_reader_free(cql_reader *r) {
  if (!r)
    return;
  cql_free(&r->mem, r->body);
  cql_buf_free(&r->seg_buf);
  cql_buf_free(&r->scratch);
  cql_mem mem = r->mem;
  cql_free(&mem, r);
}

void cql_reader_set_framing(cql_reader *r, bool segments, bool lz4) {
  r->segments = segments;
  r->lz4 = lz4;
}

void cql_reader_set_v4_compression(cql_reader *r, bool lz4) { r->v4_lz4 = lz4; }

bool cql_reader_idle(const cql_reader *r) { return r->hdr_have == 0 && r->seg_buf.len == 0; }

void cql_envelope_free(cql_envelope *env) {
  if (env->body)
    env->mem.free(env->body, env->mem.ud);
  env->body = NULL;
  env->len = 0;
}

/* ---- envelopes -------------------------------------------------------- */

/* The header is complete: check it and allocate the body, in that order,
 * so that a hostile length never reaches the allocator. */
static cql_status start_body(cql_reader *r) {
  cql_status st = cql_header_decode(r->hdr, &r->cur);
  if (st == CQL_E_BAD_VERSION)
    return fail(r, st, "envelope header has an unsupported protocol version");
  if (st != CQL_OK)
    return fail(r, st, "envelope header has a negative body length");
  bool is_response = (r->cur.version & CQL_VERSION_RESPONSE_BIT) != 0;
  if (is_response == r->expect_requests)
    return fail(r, CQL_E_BAD_VERSION, "envelope direction bit does not match the connection side");
  if (r->cur.length > r->max_body)
    return fail(r, CQL_E_FRAME_TOO_LARGE, "envelope body exceeds the configured maximum");
  /* Never NULL, so that receivers may form pointers into an empty body. */
  r->body = cql_malloc(&r->mem, r->cur.length ? r->cur.length : 1);
  if (!r->body)
    return fail(r, CQL_E_NOMEM, "out of memory for an envelope body");
  r->body_have = 0;
  return CQL_OK;
}

/* v4 bodies with the compression flag become their decompressed form. */
static cql_status inflate_v4(cql_reader *r, cql_envelope *env) {
  bool v5 = (env->header.version & ~CQL_VERSION_RESPONSE_BIT) >= CQL_PROTOCOL_V5;
  if (!(env->header.flags & CQL_FLAG_COMPRESSION) || v5)
    return CQL_OK;
  if (!r->v4_lz4)
    return fail(r, CQL_E_BAD_FLAGS, "compressed envelope on a connection without compression");
  cql_buf out;
  cql_buf_init(&out, &r->mem);
  cql_status st = cql_body_decompress_v4(&out, (cql_slice){env->body, env->len}, r->max_body);
  if (st != CQL_OK) {
    cql_buf_free(&out);
    if (st == CQL_E_FRAME_TOO_LARGE)
      return fail(r, st, "decompressed envelope body exceeds the configured maximum");
    if (st == CQL_E_NOMEM)
      return fail(r, st, "out of memory for a decompressed envelope body");
    return fail(r, st, "compressed envelope body could not be decompressed");
  }
  cql_envelope_free(env);
  env->body = out.data;
  env->len = out.len;
  env->header.length = (uint32_t)out.len;
  env->header.flags &= (uint8_t)~CQL_FLAG_COMPRESSION;
  return CQL_OK;
}

/* Hands the finished envelope over. The assembler is idle before the
 * callback runs, so a framing switch made there applies to what follows. */
static cql_status deliver(cql_reader *r) {
  cql_envelope env = {r->cur, r->body, r->cur.length, r->mem};
  r->body = NULL;
  r->hdr_have = 0;
  r->body_have = 0;
  cql_status st = inflate_v4(r, &env);
  if (st != CQL_OK) {
    cql_envelope_free(&env);
    return st;
  }
  st = r->cb(r->ud, &env);
  if (st != CQL_OK)
    return fail(r, st, "stopped by the envelope callback");
  return CQL_OK;
}

/* Consumes bytes of one envelope: returns once it is delivered or the input
 * is used up. The body is copied straight into its own buffer. */
static cql_status env_step(cql_reader *r, const uint8_t *p, size_t n, size_t *used) {
  size_t off = 0;
  *used = 0;
  if (r->hdr_have < CQL_HEADER_SIZE) {
    size_t take = CQL_HEADER_SIZE - r->hdr_have;
    if (take > n)
      take = n;
    memcpy(r->hdr + r->hdr_have, p, take);
    r->hdr_have += take;
    off = take;
    *used = off;
    if (r->hdr_have < CQL_HEADER_SIZE)
      return CQL_OK;
    cql_status st = start_body(r);
    if (st != CQL_OK)
      return st;
  }
  size_t take = r->cur.length - r->body_have;
  if (take > n - off)
    take = n - off;
  if (take) {
    memcpy(r->body + r->body_have, p + off, take);
    r->body_have += take;
  }
  *used = off + take;
  return r->body_have == r->cur.length ? deliver(r) : CQL_OK;
}

/* ---- segments --------------------------------------------------------- */

/* A self-contained payload is a run of whole envelopes. */
static cql_status read_self_contained(cql_reader *r, cql_slice payload) {
  if (r->hdr_have)
    return fail(r, CQL_E_BAD_LENGTH,
                "self-contained segment arrived inside an envelope split over segments");
  r->env_in_segments = true;
  while (payload.len) {
    size_t used;
    cql_status st = env_step(r, payload.ptr, payload.len, &used);
    if (st != CQL_OK)
      return st;
    payload.ptr += used;
    payload.len -= used;
  }
  if (r->hdr_have)
    return fail(r, CQL_E_BAD_LENGTH, "self-contained segment ends inside an envelope");
  return CQL_OK;
}

/* A non-self-contained payload continues one large envelope; it may finish
 * it, but nothing may follow it in the same segment. */
static cql_status read_part(cql_reader *r, cql_slice payload) {
  r->env_in_segments = true;
  while (payload.len) {
    size_t used;
    cql_status st = env_step(r, payload.ptr, payload.len, &used);
    if (st != CQL_OK)
      return st;
    payload.ptr += used;
    payload.len -= used;
    if (r->hdr_have == 0 && payload.len)
      return fail(r, CQL_E_BAD_LENGTH, "non-self-contained segment holds more than one envelope");
  }
  return CQL_OK;
}

/* `seg` holds the whole segment `h` describes. */
static cql_status read_segment(cql_reader *r, const uint8_t *seg, const cql_segment_header *h,
                               bool lz4) {
  cql_buf_reset(&r->scratch);
  cql_slice payload;
  cql_status st = cql_segment_open(seg, h, lz4, &r->scratch, &payload);
  if (st == CQL_E_BAD_CRC)
    return fail(r, st, "segment payload CRC32 mismatch");
  if (st == CQL_E_NOMEM)
    return fail(r, st, "out of memory for a decompressed segment");
  if (st != CQL_OK)
    return fail(r, st, "segment payload could not be decompressed");
  return h->self_contained ? read_self_contained(r, payload) : read_part(r, payload);
}

static cql_status check_seg_header(cql_reader *r, cql_slice in, bool lz4, cql_segment_header *h) {
  cql_status st = cql_segment_header_decode(in, lz4, h);
  if (st == CQL_E_BAD_CRC)
    return fail(r, st, "segment header CRC24 mismatch");
  return st;
}

/* Gathers a segment that is not all here yet; reads it once complete. */
static cql_status seg_gather(cql_reader *r, const uint8_t *p, size_t n, size_t *used) {
  if (r->seg_buf.len == 0)
    r->seg_lz4 = r->lz4;
  size_t hsize = cql_segment_header_size(r->seg_lz4);
  size_t want = r->seg_size ? r->seg_size : hsize;
  size_t take = want - r->seg_buf.len;
  if (take > n)
    take = n;
  cql_buf_put_raw(&r->seg_buf, p, take);
  if (r->seg_buf.err != CQL_OK)
    return fail(r, CQL_E_NOMEM, "out of memory for a segment");
  *used = take;
  if (r->seg_buf.len < want)
    return CQL_OK;
  if (!r->seg_size) {
    cql_slice hdr = {r->seg_buf.data, r->seg_buf.len};
    cql_status st = check_seg_header(r, hdr, r->seg_lz4, &r->seg);
    if (st != CQL_OK)
      return st;
    r->seg_size = cql_segment_wire_size(&r->seg, r->seg_lz4);
    /* One allocation for the rest (at most 128 KiB, as the header is
     * checked), rather than growing byte run by byte run. */
    if (!cql_buf_reserve(&r->seg_buf, r->seg_size - r->seg_buf.len))
      return fail(r, CQL_E_NOMEM, "out of memory for a segment");
    return CQL_OK; /* the payload comes in the next step */
  }
  /* Mark the buffer free before reading from it: the callbacks see an idle
   * segment gatherer, and nothing writes to seg_buf until this returns. */
  r->seg_buf.len = 0;
  r->seg_size = 0;
  return read_segment(r, r->seg_buf.data, &r->seg, r->seg_lz4);
}

/* Reads a segment in place when it is all in the input; gathers it
 * otherwise. */
static cql_status seg_step(cql_reader *r, const uint8_t *p, size_t n, size_t *used) {
  bool lz4 = r->lz4;
  if (r->seg_buf.len == 0 && n >= cql_segment_header_size(lz4)) {
    cql_segment_header h;
    cql_status st = check_seg_header(r, (cql_slice){p, n}, lz4, &h);
    if (st != CQL_OK)
      return st;
    size_t size = cql_segment_wire_size(&h, lz4);
    if (n >= size) {
      *used = size;
      return read_segment(r, p, &h, lz4);
    }
  }
  return seg_gather(r, p, n, used);
}

/* ---- feeding ---------------------------------------------------------- */

/* One step of whichever unit is in progress, or of a new one under the
 * current framing. */
static cql_status step(cql_reader *r, const uint8_t *p, size_t n, size_t *used) {
  if (r->seg_buf.len)
    return seg_gather(r, p, n, used);
  if (r->hdr_have && !r->env_in_segments)
    return env_step(r, p, n, used);
  if (r->segments)
    return seg_step(r, p, n, used);
  if (r->hdr_have)
    return fail(r, CQL_E_BAD_STATE,
                "framing switched to plain while an envelope split over segments was incomplete");
  r->env_in_segments = false;
  return env_step(r, p, n, used);
}

cql_status cql_reader_feed(cql_reader *r, const uint8_t *p, size_t n, cql_envelope_cb cb, void *ud,
                           const char **what) {
  if (what)
    *what = NULL;
  if (r->err == CQL_OK && !cb)
    return CQL_E_INVALID_ARG;
  r->cb = cb;
  r->ud = ud;
  while (r->err == CQL_OK && n) {
    size_t used = 0;
    cql_status st = step(r, p, n, &used);
    if (st != CQL_OK) {
      if (r->err == CQL_OK) /* every path records its own; never lose one */
        fail(r, st, cql_status_describe(st));
      break;
    }
    p += used;
    n -= used;
  }
  if (r->err != CQL_OK && what)
    *what = r->err_what;
  return r->err;
}
