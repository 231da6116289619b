/* Fuzzes the value codec and the type parsers.
 *
 * The first byte picks the mode:
 *   0x00-0x7f  a type from TYPES (byte % count); the rest is a value
 *   0x80-0xbf  the rest starts with an [option] type, then the value
 *   0xc0-0xff  the rest is type text, parsed as CQL and as a class string
 * A value that decodes must format, re-encode and compare to itself; the
 * re-encoding must reproduce the input exactly unless the type holds a
 * boolean (any non-zero byte reads as true, written back as 1), a
 * duration or a vector of variable-size elements (vints are written back in
 * their shortest form); in any case encoding is idempotent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "type.h"
#include "value.h"

static const char *const TYPES[] = {
    "int",
    "bigint",
    "boolean",
    "text",
    "ascii",
    "blob",
    "uuid",
    "timeuuid",
    "inet",
    "varint",
    "decimal",
    "double",
    "float",
    "date",
    "time",
    "timestamp",
    "duration",
    "smallint",
    "tinyint",
    "list<int>",
    "set<text>",
    "map<text, frozen<list<int>>>",
    "tuple<int, text, boolean>",
    "vector<float, 3>",
    "vector<text, 2>",
    "vector<smallint, 2>",
    "vector<vector<int, 2>, 2>",
    "list<frozen<tuple<int, frozen<set<varint>>>>>",
    "map<int, vector<bigint, 2>>",
    "frozen<list<frozen<map<timeuuid, decimal>>>>",
    ("'org.apache.cassandra.db.marshal.UserType(ks,61,78:Int32Type,79:UTF8Type,"
     "7a:ListType(FrozenType(UserType(ks,62,63:DoubleType))))'"),
};

enum { N_TYPES = sizeof(TYPES) / sizeof(TYPES[0]) };

static bool holds_lossy(const cql_type *t, int depth) {
  t = cql_type_resolve(t);
  if (t->id == CQL_TYPE_BOOLEAN || t->id == CQL_TYPE_DURATION)
    return true;
  if (t->id == CQL_TYPE_VECTOR && t->n_children == 1 && cql_type_fixed_size(t->children[0]) == 0)
    return true; /* element lengths are vints */
  for (uint32_t i = 0; depth < CQL_TYPE_MAX_DEPTH && i < t->n_children; i++)
    if (holds_lossy(t->children[i], depth + 1))
      return true;
  return false;
}

static void check_value(const cql_type *t, cql_slice in, cql_arena *a) {
  cql_value v;
  if (cql_value_decode(t, in, a, &v) != CQL_OK)
    return;
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_value_format(&b, &v);
  if (b.err != CQL_OK)
    abort();
  cql_buf_reset(&b);
  if (cql_value_encode(&b, &v) != CQL_OK)
    abort();
  bool exact = !holds_lossy(t, 1);
  if (exact && (b.len != in.len || (in.len && memcmp(b.data, in.ptr, in.len) != 0)))
    abort();
  if (cql_value_compare(t, in, in) != 0)
    abort();
  /* the re-encoding decodes and re-encodes to itself */
  cql_value again;
  cql_slice first = {b.data, b.len};
  if (cql_value_decode(t, first, a, &again) != CQL_OK)
    abort();
  cql_buf second;
  cql_buf_init(&second, NULL);
  if (cql_value_encode(&second, &again) != CQL_OK || second.len != b.len ||
      (b.len && memcmp(second.data, b.data, b.len) != 0))
    abort();
  if (cql_value_compare(t, first, in) != 0 && exact)
    abort();
  cql_buf_free(&second);
  cql_buf_free(&b);
}

static bool word(cql_slice s) {
  for (size_t i = 0; i < s.len; i++) {
    uint8_t c = s.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return s.len > 0;
}

/* Class strings carry custom classes and keyspace names verbatim, so only
 * types without custom parts and with keyspaces Cassandra would accept can
 * be expected to read back the same. */
static bool class_safe(const cql_type *t, int depth) {
  if (t->id == CQL_TYPE_CUSTOM || (t->id == CQL_TYPE_UDT && !word(t->udt_keyspace)))
    return false;
  for (uint32_t i = 0; depth < CQL_TYPE_MAX_DEPTH && i < t->n_children; i++)
    if (!class_safe(t->children[i], depth + 1))
      return false;
  return true;
}

/* Writing a type and reading it back gives an equal type. */
static void check_type(const cql_type *t, cql_arena *a) {
  cql_buf b;
  cql_buf_init(&b, NULL);
  cql_type_write_option(&b, t);
  if (b.err == CQL_OK) {
    cql_rd r;
    cql_rd_init(&r, b.data, b.len);
    const cql_type *back = cql_type_read_option(&r, a);
    if (!cql_rd_expect_end(&r, "option") || !cql_type_equal(back, t))
      abort();
  }
  cql_buf_reset(&b);
  cql_type_format_cql(&b, t);
  cql_buf_reset(&b);
  cql_type_format_class(&b, t);
  if (b.err == CQL_OK && class_safe(t, 1)) {
    const cql_type *back;
    if (cql_type_parse_class((cql_slice){b.data, b.len}, a, &back) == CQL_OK &&
        !cql_type_equal(back, t))
      abort();
  }
  cql_buf_free(&b);
}

static void fuzz_table(const uint8_t *data, size_t size, cql_arena *a) {
  const cql_type *t;
  if (cql_type_parse_cql(cql_slice_from_cstr(TYPES[data[0] % N_TYPES]), a, &t) != CQL_OK)
    abort();
  check_value(t, (cql_slice){data + 1, size - 1}, a);
}

static void fuzz_option(const uint8_t *data, size_t size, cql_arena *a) {
  cql_rd r;
  cql_rd_init(&r, data + 1, size - 1);
  const cql_type *t = cql_type_read_option(&r, a);
  if (!cql_rd_ok(&r))
    return;
  check_type(t, a);
  check_value(t, (cql_slice){r.pos, cql_rd_left(&r)}, a);
}

static void fuzz_text(const uint8_t *data, size_t size, cql_arena *a) {
  cql_slice text = {data + 1, size - 1};
  const cql_type *t;
  if (cql_type_parse_cql(text, a, &t) == CQL_OK)
    check_type(t, a);
  if (cql_type_parse_class(text, a, &t) == CQL_OK)
    check_type(t, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  cql_arena a;
  cql_arena_init(&a, NULL);
  a.limit = 64u << 20; /* hostile counts must fail on their own, not by exhausting memory */
  if (data[0] < 0x80)
    fuzz_table(data, size, &a);
  else if (data[0] < 0xc0)
    fuzz_option(data, size, &a);
  else
    fuzz_text(data, size, &a);
  cql_arena_free(&a);
  return 0;
}
