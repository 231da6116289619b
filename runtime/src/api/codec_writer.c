/* cql_writer: serialized values built element by element. Each element of
 * a container gets its length prefix reserved before it is written and
 * patched after, so nested containers need no second pass. */
#include <string.h>

#include "api_internal.h"
#include "mem.h"
#include "type.h"
#include "value.h"

enum { W_TOP = 0, W_LIST, W_MAP, W_TUPLE, W_VECTOR };
enum { MAX_DEPTH = CQL_TYPE_MAX_DEPTH };

typedef struct w_frame {
  int kind;
  size_t elem_start; /* where this container's own bytes start */
  uint32_t expected; /* elements announced (list, map) */
  uint32_t written;
  size_t fixed; /* vector: element size, 0 for length-prefixed elements */
} w_frame;

struct cql_writer {
  cql_mem mem;
  cql_buf buf;
  w_frame stack[MAX_DEPTH + 1];
  int depth;
  bool top_written;
  cql_status err;
};

cql_status cql_writer_new(cql_writer **out, const cql_mem *mem) {
  if (!out)
    return CQL_E_INVALID_ARG;
  mem = cql_mem_or_default(mem);
  cql_writer *w = cql_malloc(mem, sizeof(*w));
  if (!(*out = w))
    return CQL_E_NOMEM;
  memset(w, 0, sizeof(*w));
  w->mem = *mem;
  cql_buf_init(&w->buf, &w->mem);
  return CQL_OK;
}

void cql_writer_free(cql_writer *w) {
  if (!w)
    return;
  cql_buf_free(&w->buf);
  cql_mem mem = w->mem;
  cql_free(&mem, w);
}

void cql_writer_reset(cql_writer *w) {
  cql_buf_reset(&w->buf);
  w->depth = 0;
  w->top_written = false;
  w->err = CQL_OK;
}

static void w_fail(cql_writer *w, cql_status s) {
  if (w->err == CQL_OK)
    w->err = s;
}

static bool w_ok(cql_writer *w) {
  if (w->buf.err != CQL_OK)
    w_fail(w, w->buf.err);
  return w->err == CQL_OK;
}

/* Opens one element in the current container; returns where its bytes
 * start (after any reserved prefix), or SIZE_MAX on error. */
static size_t elem_begin(cql_writer *w) {
  if (!w_ok(w))
    return SIZE_MAX;
  w_frame *f = &w->stack[w->depth];
  if (f->kind == W_TOP) {
    if (w->top_written)
      return w_fail(w, CQL_E_BAD_STATE), SIZE_MAX;
    w->top_written = true;
    return w->buf.len;
  }
  f->written++;
  if (f->kind != W_VECTOR)
    cql_buf_put_i32(&w->buf, 0); /* patched by elem_end */
  return w_ok(w) ? w->buf.len : SIZE_MAX;
}

/* Inserts the [unsigned vint] length of a variable-size vector element. */
static void insert_uvint(cql_writer *w, size_t start, size_t n) {
  cql_buf tmp;
  uint8_t space[16];
  cql_buf_init(&tmp, &w->mem);
  tmp.data = space;
  tmp.cap = sizeof(space); /* a uvint takes at most 9 bytes: never grows */
  cql_buf_put_uvint(&tmp, n);
  if (!cql_buf_extend(&w->buf, tmp.len))
    return;
  memmove(w->buf.data + start + tmp.len, w->buf.data + start, n);
  memcpy(w->buf.data + start, space, tmp.len);
}

static void elem_end(cql_writer *w, size_t start) {
  if (start == SIZE_MAX || !w_ok(w))
    return;
  const w_frame *f = &w->stack[w->depth];
  size_t n = w->buf.len - start;
  if (f->kind == W_TOP)
    return;
  if (f->kind == W_VECTOR) {
    if (f->fixed && n != f->fixed)
      w_fail(w, CQL_E_BAD_STATE);
    else if (!f->fixed)
      insert_uvint(w, start, n);
    return;
  }
  if (n > INT32_MAX)
    return w_fail(w, CQL_E_BAD_LENGTH);
  cql_buf_patch_i32(&w->buf, start - 4, (int32_t)n);
}

#define SCALAR(call)                                                                               \
  do {                                                                                             \
    size_t s_ = elem_begin(w);                                                                     \
    if (s_ != SIZE_MAX) {                                                                          \
      call;                                                                                        \
      elem_end(w, s_);                                                                             \
    }                                                                                              \
  } while (0)

void cql_write_boolean(cql_writer *w, bool v) { SCALAR(cql_encode_boolean(&w->buf, v)); }
void cql_write_tinyint(cql_writer *w, int8_t v) { SCALAR(cql_encode_tinyint(&w->buf, v)); }
void cql_write_smallint(cql_writer *w, int16_t v) { SCALAR(cql_encode_smallint(&w->buf, v)); }
void cql_write_int(cql_writer *w, int32_t v) { SCALAR(cql_encode_int(&w->buf, v)); }
void cql_write_bigint(cql_writer *w, int64_t v) { SCALAR(cql_encode_bigint(&w->buf, v)); }
void cql_write_float(cql_writer *w, float v) { SCALAR(cql_encode_float(&w->buf, v)); }
void cql_write_double(cql_writer *w, double v) { SCALAR(cql_encode_double(&w->buf, v)); }
void cql_write_date(cql_writer *w, cql_date v) { SCALAR(cql_encode_date(&w->buf, v)); }
void cql_write_uuid(cql_writer *w, const cql_uuid *v) { SCALAR(cql_encode_uuid(&w->buf, v)); }
void cql_write_inet(cql_writer *w, const cql_inet *v) { SCALAR(cql_encode_inet(&w->buf, v)); }
void cql_write_duration(cql_writer *w, const cql_duration *v) {
  SCALAR(cql_encode_duration(&w->buf, v));
}
void cql_write_varint(cql_writer *w, cql_varint v) { SCALAR(cql_encode_varint(&w->buf, v)); }
void cql_write_decimal(cql_writer *w, const cql_decimal *v) {
  SCALAR(cql_encode_decimal(&w->buf, v));
}
void cql_write_bytes(cql_writer *w, const void *p, size_t len) {
  SCALAR(cql_buf_put_raw(&w->buf, p, len));
}
void cql_write_serialized(cql_writer *w, cql_slice value) {
  SCALAR(cql_buf_put_raw(&w->buf, value.ptr, value.len));
}

void cql_write_null(cql_writer *w) {
  if (!w_ok(w))
    return;
  w_frame *f = &w->stack[w->depth];
  if (f->kind == W_TOP || f->kind == W_VECTOR)
    return w_fail(w, CQL_E_BAD_STATE);
  f->written++;
  cql_buf_put_i32(&w->buf, -1);
}

static void open_container(cql_writer *w, int kind, uint32_t expected, size_t fixed) {
  size_t start = elem_begin(w);
  if (start == SIZE_MAX)
    return;
  if (w->depth >= MAX_DEPTH)
    return w_fail(w, CQL_E_TOO_DEEP);
  w_frame *f = &w->stack[++w->depth];
  *f = (w_frame){.kind = kind, .elem_start = start, .expected = expected, .fixed = fixed};
  if (kind == W_LIST || kind == W_MAP)
    cql_buf_put_i32(&w->buf, (int32_t)(kind == W_MAP ? expected / 2 : expected));
}

void cql_write_list_begin(cql_writer *w, uint32_t count) {
  if (count > INT32_MAX)
    return w_fail(w, CQL_E_BAD_LENGTH);
  open_container(w, W_LIST, count, 0);
}

void cql_write_map_begin(cql_writer *w, uint32_t entries) {
  if (entries > INT32_MAX / 2)
    return w_fail(w, CQL_E_BAD_LENGTH);
  open_container(w, W_MAP, entries * 2, 0);
}

void cql_write_tuple_begin(cql_writer *w) { open_container(w, W_TUPLE, 0, 0); }

void cql_write_vector_begin(cql_writer *w, const cql_type *element_type) {
  if (!element_type)
    return w_fail(w, CQL_E_BAD_STATE);
  open_container(w, W_VECTOR, 0, cql_type_fixed_size(cql_type_resolve(element_type)));
}

void cql_write_end(cql_writer *w) {
  if (!w_ok(w))
    return;
  if (w->depth == 0)
    return w_fail(w, CQL_E_BAD_STATE);
  w_frame f = w->stack[w->depth];
  if ((f.kind == W_LIST || f.kind == W_MAP) && f.written != f.expected)
    return w_fail(w, CQL_E_BAD_STATE);
  w->depth--;
  elem_end(w, f.elem_start);
}

cql_status cql_writer_status(const cql_writer *w) {
  if (!w)
    return CQL_E_INVALID_ARG;
  return w->err != CQL_OK ? w->err : w->buf.err;
}

cql_status cql_writer_value(const cql_writer *w, cql_slice *out) {
  cql_status s = cql_writer_status(w);
  if (s != CQL_OK)
    return s;
  if (w->depth != 0 || !w->top_written || !out)
    return CQL_E_BAD_STATE;
  *out = (cql_slice){w->buf.data, w->buf.len};
  return CQL_OK;
}
