#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

uint8_t *tu_hex_decode(const char *hex, size_t *len) {
  size_t n = strlen(hex);
  uint8_t *out = malloc(n / 2 + 1);
  size_t o = 0;
  int hi = -1;
  for (size_t i = 0; i < n; i++) {
    if (hex[i] == ' ' || hex[i] == '\n' || hex[i] == '\t' || hex[i] == '\r')
      continue;
    int v = hexval((unsigned char)hex[i]);
    if (v < 0 || !out) {
      fprintf(stderr, "bad hex character at %zu\n", i);
      abort();
    }
    if (hi < 0) {
      hi = v;
    } else {
      out[o++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0) {
    fprintf(stderr, "odd number of hex digits\n");
    abort();
  }
  *len = o;
  return out;
}

char *tu_hex_encode(const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  char *out = malloc(n * 2 + 1);
  if (!out)
    abort();
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = 0;
  return out;
}

char *tu_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      char *grown = realloc(buf, cap + 1);
      if (!grown) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = grown;
    }
  }
  fclose(f);
  if (!buf)
    return NULL;
  buf[n] = 0;
  if (len)
    *len = n;
  return buf;
}

static char path_buf[4096];

const char *tu_source_path(const char *rel) {
  snprintf(path_buf, sizeof(path_buf), "%s/%s", CQLKIT_SOURCE_DIR, rel);
  return path_buf;
}

const char *tu_reference_path(const char *rel) {
  snprintf(path_buf, sizeof(path_buf), "%s/%s", CQLKIT_REFERENCE_DIR, rel);
  return path_buf;
}

void tu_vectors_load(tu_vector_file *vf, const char *rel) {
  char rel_path[1024];
  snprintf(rel_path, sizeof(rel_path), "tests/vectors/%s", rel);
  const char *path = tu_source_path(rel_path);
  vf->text = tu_read_file(path, NULL);
  if (!vf->text) {
    fprintf(stderr, "cannot read vector file %s\n", path);
    abort();
  }
  vf->lines = NULL;
  vf->n_lines = 0;
  size_t cap = 0, line_no = 0;
  char *save = NULL;
  for (char *line = strtok_r(vf->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    line_no++;
    if (line[0] == '#' || line[0] == 0)
      continue;
    if (vf->n_lines == cap) {
      cap = cap ? cap * 2 : 64;
      vf->lines = realloc(vf->lines, cap * sizeof(*vf->lines));
      if (!vf->lines)
        abort();
    }
    tu_vector_line *vl = &vf->lines[vf->n_lines++];
    vl->line_no = line_no;
    vl->n_fields = 0;
    vl->fields = NULL;
    size_t fcap = 0;
    char *p = line;
    for (;;) {
      char *tab = strchr(p, '\t');
      if (vl->n_fields == fcap) {
        fcap = fcap ? fcap * 2 : 8;
        vl->fields = realloc(vl->fields, fcap * sizeof(char *));
        if (!vl->fields)
          abort();
      }
      vl->fields[vl->n_fields++] = p;
      if (!tab)
        break;
      *tab = 0;
      p = tab + 1;
    }
  }
}

void tu_vectors_free(tu_vector_file *vf) {
  for (size_t i = 0; i < vf->n_lines; i++)
    free(vf->lines[i].fields);
  free(vf->lines);
  free(vf->text);
  memset(vf, 0, sizeof(*vf));
}

const tu_vector_line *tu_vectors_find(const tu_vector_file *vf, const char *kind,
                                      const char *name) {
  for (size_t i = 0; i < vf->n_lines; i++) {
    const tu_vector_line *l = &vf->lines[i];
    if (l->n_fields >= 2 && strcmp(l->fields[0], kind) == 0 && strcmp(l->fields[1], name) == 0)
      return l;
  }
  return NULL;
}
