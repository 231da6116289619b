#define _POSIX_C_SOURCE 200809L
#include "transcript.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void die(const char *what, const char *detail) {
  fprintf(stderr, "%s: %s\n", what, detail);
  abort();
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    die("out of memory", "test support");
  return q;
}

/* ---- byte recipes ------------------------------------------------------ */

uint8_t tu_pattern_byte(uint32_t seed, uint32_t i) {
  uint32_t x = (i * 0x9E3779B1u) ^ (seed * 0x85EBCA77u);
  x ^= x >> 15;
  x *= 0x85EBCA77u;
  x ^= x >> 13;
  return (uint8_t)(x >> 24);
}

typedef struct bytes {
  uint8_t *p;
  size_t len, cap;
} bytes;

static uint8_t *grow(bytes *b, size_t n) {
  if (b->cap - b->len < n) {
    while (b->cap - b->len < n)
      b->cap = b->cap ? b->cap * 2 : 256;
    b->p = xrealloc(b->p, b->cap);
  }
  uint8_t *at = b->p + b->len;
  b->len += n;
  return at;
}

static unsigned long number(const char **s, int base, const char *recipe) {
  char *end;
  unsigned long v = strtoul(*s, &end, base);
  if (end == *s)
    die("bad number in recipe", recipe);
  *s = end;
  return v;
}

static void expect(const char **s, char c, const char *recipe) {
  if (**s != c)
    die("malformed recipe", recipe);
  (*s)++;
}

static void hex_part(bytes *b, const char **s, const char *recipe) {
  size_t n = strcspn(*s, "+");
  if (n % 2)
    die("odd hex in recipe", recipe);
  char *copy = xrealloc(NULL, n + 1);
  memcpy(copy, *s, n);
  copy[n] = 0;
  size_t len;
  uint8_t *raw = tu_hex_decode(copy, &len);
  memcpy(grow(b, len), raw, len);
  free(raw);
  free(copy);
  *s += n;
}

uint8_t *tu_recipe_expand(const char *recipe, size_t *len) {
  bytes b = {xrealloc(NULL, 1), 0, 1};
  const char *s = recipe;
  for (;;) {
    if (strncmp(s, "hex:", 4) == 0) {
      s += 4;
      hex_part(&b, &s, recipe);
    } else if (strncmp(s, "repeat:", 7) == 0) {
      s += 7;
      unsigned long byte = number(&s, 16, recipe);
      expect(&s, ':', recipe);
      unsigned long count = number(&s, 10, recipe);
      memset(grow(&b, count), (int)byte, count);
    } else if (strncmp(s, "pattern:", 8) == 0) {
      s += 8;
      uint32_t seed = (uint32_t)number(&s, 10, recipe);
      expect(&s, ':', recipe);
      uint32_t start = (uint32_t)number(&s, 10, recipe);
      expect(&s, ':', recipe);
      unsigned long count = number(&s, 10, recipe);
      uint8_t *at = grow(&b, count);
      for (unsigned long i = 0; i < count; i++)
        at[i] = tu_pattern_byte(seed, start + (uint32_t)i);
    } else {
      die("unknown recipe part", recipe);
    }
    if (*s == 0)
      break;
    expect(&s, '+', recipe);
  }
  *len = b.len;
  return b.p;
}

/* ---- a counting allocator ---------------------------------------------- */

/* Each block carries its size in front, aligned for anything. */
typedef union block_head {
  size_t size;
  max_align_t align;
} block_head;

static bool should_fail(tu_counting_mem *m) {
  m->requests++;
  if (m->fail_at && --m->fail_at == 0)
    return true;
  return false;
}

static void *counting_malloc(size_t size, void *ud) {
  tu_counting_mem *m = ud;
  if (size > m->largest)
    m->largest = size;
  if (should_fail(m))
    return NULL;
  block_head *h = malloc(sizeof(block_head) + size);
  if (!h)
    return NULL;
  h->size = size;
  m->allocs++;
  m->live++;
  return h + 1;
}

static void *counting_realloc(void *ptr, size_t size, void *ud) {
  tu_counting_mem *m = ud;
  if (!ptr)
    return counting_malloc(size, ud);
  if (size > m->largest)
    m->largest = size;
  if (should_fail(m))
    return NULL;
  block_head *h = realloc((block_head *)ptr - 1, sizeof(block_head) + size);
  if (!h)
    return NULL;
  h->size = size;
  m->reallocs++;
  return h + 1;
}

static void counting_free(void *ptr, void *ud) {
  tu_counting_mem *m = ud;
  if (!ptr)
    return;
  m->frees++;
  m->live--;
  free((block_head *)ptr - 1);
}

void tu_counting_mem_init(tu_counting_mem *m) {
  memset(m, 0, sizeof(*m));
  m->mem.malloc = counting_malloc;
  m->mem.realloc = counting_realloc;
  m->mem.free = counting_free;
  m->mem.ud = m;
}

/* ---- transcript lines -------------------------------------------------- */

/* The value after `"key":` (and any spaces), or NULL. The transcripts are
 * flat objects with plain keys, so a search is enough. */
static const char *json_value(const char *line, const char *key) {
  char pat[32];
  snprintf(pat, sizeof(pat), "\"%s\":", key);
  const char *at = strstr(line, pat);
  if (!at)
    return NULL;
  at += strlen(pat);
  while (*at == ' ')
    at++;
  return at;
}

static void stream_append(tu_stream *st, const char *hex, size_t hex_len) {
  char *copy = xrealloc(NULL, hex_len + 1);
  memcpy(copy, hex, hex_len);
  copy[hex_len] = 0;
  size_t n;
  uint8_t *raw = tu_hex_decode(copy, &n);
  st->data = xrealloc(st->data, st->len + n);
  memcpy(st->data + st->len, raw, n);
  st->len += n;
  st->chunk_ends = xrealloc(st->chunk_ends, (st->n_chunks + 1) * sizeof(size_t));
  st->chunk_ends[st->n_chunks++] = st->len;
  free(raw);
  free(copy);
}

static tu_conn *conn_for(tu_transcript *t, int id) {
  for (size_t i = 0; i < t->n_conns; i++)
    if (t->conns[i].conn == id)
      return &t->conns[i];
  t->conns = xrealloc(t->conns, (t->n_conns + 1) * sizeof(tu_conn));
  tu_conn *c = &t->conns[t->n_conns++];
  memset(c, 0, sizeof(*c));
  c->conn = id;
  return c;
}

static void parse_line(tu_transcript *t, const char *line) {
  const char *conn = json_value(line, "conn");
  const char *dir = json_value(line, "dir");
  const char *hex = json_value(line, "hex");
  if (!conn || !dir || !hex || *hex != '"')
    die("malformed transcript line", line);
  tu_conn *c = conn_for(t, atoi(conn));
  tu_stream *st = NULL;
  if (strncmp(dir, "\"c2s\"", 5) == 0)
    st = &c->c2s;
  else if (strncmp(dir, "\"s2c\"", 5) == 0)
    st = &c->s2c;
  else
    die("bad direction in transcript line", line);
  hex++;
  const char *end = strchr(hex, '"');
  if (!end)
    die("unterminated hex in transcript line", line);
  stream_append(st, hex, (size_t)(end - hex));
}

bool tu_transcript_load(tu_transcript *t, const char *path) {
  memset(t, 0, sizeof(*t));
  char *text = tu_read_file(path, NULL);
  if (!text)
    return false;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    if (line[0] == '{')
      parse_line(t, line);
  free(text);
  return true;
}

static void stream_free(tu_stream *s) {
  free(s->data);
  free(s->chunk_ends);
}

void tu_transcript_free(tu_transcript *t) {
  for (size_t i = 0; i < t->n_conns; i++) {
    stream_free(&t->conns[i].c2s);
    stream_free(&t->conns[i].s2c);
  }
  free(t->conns);
  memset(t, 0, sizeof(*t));
}

/* ---- envelope lists ---------------------------------------------------- */

void tu_envelopes_init(tu_envelopes *l) { memset(l, 0, sizeof(*l)); }

void tu_envelopes_free(tu_envelopes *l) {
  for (size_t i = 0; i < l->n; i++)
    cql_envelope_free(&l->items[i]);
  free(l->items);
  memset(l, 0, sizeof(*l));
}

cql_status tu_envelopes_append(void *ud, cql_envelope *env) {
  tu_envelopes *l = ud;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->items = xrealloc(l->items, l->cap * sizeof(cql_envelope));
  }
  l->items[l->n++] = *env;
  return CQL_OK;
}

bool tu_envelopes_equal(const tu_envelopes *a, const tu_envelopes *b) {
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++) {
    const cql_envelope *x = &a->items[i], *y = &b->items[i];
    const cql_header *h = &x->header, *k = &y->header;
    if (h->version != k->version || h->flags != k->flags || h->stream != k->stream ||
        h->opcode != k->opcode || h->length != k->length || x->len != y->len ||
        memcmp(x->body, y->body, x->len) != 0)
      return false;
  }
  return true;
}

/* ---- framing a connection ---------------------------------------------- */

/* True when a STARTUP body's [string map] asks for COMPRESSION=lz4. */
static bool startup_wants_lz4(const cql_envelope *env) {
  cql_rd rd;
  cql_rd_init(&rd, env->body, env->len);
  uint16_t n = cql_rd_u16(&rd);
  for (uint16_t i = 0; i < n && cql_rd_ok(&rd); i++) {
    cql_slice key = cql_rd_string(&rd);
    cql_slice value = cql_rd_string(&rd);
    if (cql_slice_eq_cstr(key, "COMPRESSION") && cql_slice_eq_cstr(value, "lz4"))
      return cql_rd_ok(&rd);
  }
  return false;
}

typedef struct framer {
  cql_reader *reader;
  tu_envelopes *out;
  bool s2c;
  tu_startup startup; /* c2s: filled in when seen; s2c: from the c2s side */
  bool framed;        /* switched to segments already */
} framer;

static void switch_framing(framer *f) {
  if (f->startup.version == CQL_PROTOCOL_V5 && !f->framed) {
    cql_reader_set_framing(f->reader, true, f->startup.lz4);
    f->framed = true;
  }
}

/* Watches for the envelopes after which the receiver's framing changes. */
static cql_status on_envelope(void *ud, cql_envelope *env) {
  framer *f = ud;
  uint8_t op = env->header.opcode;
  if (!f->s2c && op == CQL_OP_STARTUP && !f->startup.seen) {
    f->startup.seen = true;
    f->startup.version = env->header.version & 0x7F;
    f->startup.lz4 = startup_wants_lz4(env);
    if (f->startup.lz4 && f->startup.version < CQL_PROTOCOL_V5)
      cql_reader_set_v4_compression(f->reader, true);
    switch_framing(f);
  } else if (f->s2c && (op == CQL_OP_READY || op == CQL_OP_AUTHENTICATE)) {
    switch_framing(f);
  }
  return tu_envelopes_append(f->out, env);
}

static cql_status frame_stream(framer *f, const tu_stream *st, size_t feed, const char **what) {
  cql_status status = CQL_OK;
  size_t pos = 0, chunk = 0;
  while (pos < st->len && status == CQL_OK) {
    size_t end;
    if (feed == TU_FEED_RECORDED)
      end = st->chunk_ends[chunk++];
    else
      end = st->len - pos > feed ? pos + feed : st->len;
    status = cql_reader_feed(f->reader, st->data + pos, end - pos, on_envelope, f, what);
    pos = end;
  }
  if (status == CQL_OK && !cql_reader_idle(f->reader)) {
    status = CQL_E_TRUNCATED;
    if (what)
      *what = "stream ends inside an envelope or segment";
  }
  return status;
}

static cql_status run(const tu_conn *c, bool s2c, size_t feed, tu_envelopes *out,
                      tu_startup *startup, const char **what) {
  cql_reader_config cfg = {0, !s2c, NULL};
  framer f = {NULL, out, s2c, {false, 0, false}, false};
  if (s2c)
    f.startup = tu_conn_startup(c);
  cql_status status = cql_reader_new(&f.reader, &cfg);
  if (status != CQL_OK)
    return status;
  /* v4 compression covers every response to the compressed STARTUP (even
   * AUTHENTICATE comes compressed); only flagged bodies are inflated. */
  if (s2c && f.startup.lz4 && f.startup.version < CQL_PROTOCOL_V5)
    cql_reader_set_v4_compression(f.reader, true);
  status = frame_stream(&f, s2c ? &c->s2c : &c->c2s, feed, what);
  cql_reader_free(f.reader);
  if (startup)
    *startup = f.startup;
  return status;
}

tu_startup tu_conn_startup(const tu_conn *c) {
  tu_envelopes scratch;
  tu_envelopes_init(&scratch);
  tu_startup startup;
  run(c, false, TU_FEED_WHOLE, &scratch, &startup, NULL);
  tu_envelopes_free(&scratch);
  return startup;
}

cql_status tu_conn_frame(const tu_conn *c, bool s2c, size_t feed, tu_envelopes *out,
                         const char **what) {
  if (what)
    *what = NULL;
  return run(c, s2c, feed, out, NULL, what);
}
