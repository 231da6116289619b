/* cql_value_compare: for every type, a list of serialized values in
 * Cassandra's ascending order; every pair must compare accordingly. An
 * entry starting with '=' equals the one before it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "type.h"
#include "value.h"

enum { MAX_VALUES = 24 };

typedef struct order_case {
  const char *type;
  const char *values[MAX_VALUES]; /* hex; NULL ends the list */
} order_case;

static const order_case CASES[] = {
    {"int", {"", "80000000", "ffffffff", "00000000", "00000001", "7fffffff"}},
    {"tinyint", {"", "80", "ff", "00", "7f"}},
    {"smallint", {"", "8000", "ffff", "0000", "7fff"}},
    {"bigint",
     {"", "8000000000000000", "ffffffffffffffff", "0000000000000000", "7fffffffffffffff"}},
    {"counter", {"8000000000000000", "0000000000000000"}},
    {"timestamp", {"ffffffffffffffff", "0000000000000000", "0000000000000001"}},
    {"time", {"0000000000000000", "0000000000000001", "00004e94914effff"}},
    {"boolean", {"", "00", "01", "=02", "=ff"}},
    {"float",
     {"", "ff800000", "bf800000", "80000001", "80000000", "00000000", "00000001", "3f800000",
      "7f800000", "7fc00000", "=ffc00001", "=7f800001"}},
    {"double",
     {"fff0000000000000", "bff0000000000000", "8000000000000000", "0000000000000000",
      "3ff0000000000000", "7ff0000000000000", "7ff8000000000000", "=fff8000000000001"}},
    {"varint",
     {"", "c00000000000000000", "=ffc00000000000000000", "ff7f", "80", "=ff80", "ff", "00", "=0000",
      "01", "=0001", "7f", "0080", "00ff", "0100", "010000000000000000"}},
    {"decimal",
     {"",
      "0000000080",    /* -128 */
      "00000001f1",    /* -1.5 */
      "00000000ff",    /* -1 */
      "=00000002ff9c", /* -1.00 */
      "00000001fb",    /* -0.5 */
      "0000000000",    /* 0 */
      "=0000000500",   /* 0.00000 */
      "=fffffffd00",   /* 0E+3 */
      "000000030001",  /* 0.001 */
      "0000000105",    /* 0.5 */
      "=0000000232",   /* 0.50 */
      "0000000001",    /* 1 */
      "=0000000264",   /* 1.00 */
      "=0000000303e8", /* 1.000 */
      "000000010f",    /* 1.5 */
      "fffffffd01",    /* 1E+3 */
      "=0000000003e8", /* 1000 */
      "=000000012710", /* 1000.0 */
      "0000000003e9",  /* 1001 */
      "80000001"
      "01"}}, /* 1E+2147483647 */
    {"text", {"", "00", "41", "4142", "42", "61", "7f", "c3a9", "efbfbf", "f09f9880"}},
    {"ascii", {"", "20", "41", "4141", "7e"}},
    {"blob", {"", "00", "0000", "01", "ff", "ffff"}},
    {"inet",
     {"00000000000000000000000000000001", "0a000001", "7f000001",
      "7f000001000000000000000000000000", "ffffffff"}},
    {"date", {"", "00000000", "7fffffff", "80000000", "80000001", "ffffffff"}},
    {"duration", {"000000", "000002", "020000"}},
    /* uuid: version first; version 1 by timestamp (time_hi, time_mid,
     * time_low) whatever the byte order says; others by unsigned bytes */
    {"uuid",
     {"", "00000000000000000000000000000000",
      "ffffffff000000000000000000000000", /* version 0: unsigned, after the zero one */
      "ffffffff0000100080000000000000ff", /* v1, time 0x0000_0000_ffffffff */
      "000000010000100180000000000000ff", /* v1, time 0x0001_0000_00000001: later */
      "00000000000040000000000000000000", /* v4 */
      "00000000000040008000000000000000", /* v4, lsb unsigned */
      "80000000000040000000000000000000"}},
    /* timeuuid: timestamp, then the last 8 bytes as signed bytes */
    {"timeuuid",
     {"ffffffff000010000000000000000000", "00000000000110000000000000000000",
      "00000000000111008000000000000000", "000000000001110000ff000000000000",
      "00000000000111000000000000000000", "00000000000111007f00000000000000"}},
    /* collections: element by element, then the shorter first */
    {"list<int>",
     {"", "00000000", "0000000100000004ffffffff", "0000000200000004ffffffff0000000400000000",
      "000000010000000400000000", "0000000200000004000000000000000400000000",
      "000000010000000400000001"}},
    {"list<int>", {"00000001ffffffff", "000000010000000400000000"}}, /* a null element first */
    {"set<text>",
     {"00000000", "000000010000000161", "00000002000000016100000001 62", "000000010000000162"}},
    {"map<int, int>",
     {"00000000", "00000001 00000004 00000001 00000004 00000001",
      "00000001 00000004 00000001 00000004 00000002",
      "00000002 00000004 00000001 00000004 00000002 00000004 00000003 00000004 00000000",
      "00000001 00000004 00000002 00000004 00000000"}},
    {"frozen<list<frozen<set<int>>>>",
     {"00000001 0000000c 00000001 00000004 00000001",
      "00000001 00000014 00000002 00000004 00000001 00000004 00000002",
      "00000001 0000000c 00000001 00000004 00000002"}},
    /* tuples: component by component, a null before a value, then fewer first */
    {"tuple<int, text>",
     {"", "ffffffff", "ffffffffffffffff", "ffffffff0000000161", "0000000400000001",
      "0000000400000001ffffffff", "000000040000000100000001 61", "000000040000000100000001 62",
      "0000000400000002"}},
    {"vector<float, 2>",
     {"bf80000040a00000", "0000000080000000", "0000000000000000", "000000007fc00000"}},
    {"vector<text, 2>", {"0161 0162", "0161 0163", "0162 00"}},
    {"vector<smallint, 2>", {"02ffff 020000", "020000 02ffff", "020000 020001"}},
};

static cql_slice from_hex(const char *hex, uint8_t **owned) {
  size_t n;
  *owned = tu_hex_decode(hex, &n);
  return (cql_slice){*owned, n};
}

static int sign(int v) { return (v > 0) - (v < 0); }

static void check_order(const order_case *c) {
  cql_arena a;
  cql_arena_init(&a, NULL);
  const cql_type *t;
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(c->type), &a, &t), CQL_OK);
  cql_slice vals[MAX_VALUES];
  uint8_t *owned[MAX_VALUES];
  int rank[MAX_VALUES];
  size_t n = 0;
  for (; n < MAX_VALUES && c->values[n]; n++) {
    const char *hex = c->values[n];
    bool equal = hex[0] == '=';
    vals[n] = from_hex(equal ? hex + 1 : hex, &owned[n]);
    rank[n] = n == 0 ? 0 : rank[n - 1] + (equal ? 0 : 1);
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      int got = sign(cql_value_compare(t, vals[i], vals[j]));
      int want = sign(rank[i] - rank[j]);
      if (got != want)
        fail_msg("%s: compare(%s, %s) = %d, want %d", c->type, c->values[i], c->values[j], got,
                 want);
    }
  }
  for (size_t i = 0; i < n; i++)
    free(owned[i]);
  cql_arena_free(&a);
}

static void test_orders(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++)
    check_order(&CASES[i]);
}

/* Values compare as Cassandra would whatever the custom wrapping: a class
 * naming a native type orders like that type. */
static void test_custom_native(void **state) {
  (void)state;
  cql_type c = {.id = CQL_TYPE_CUSTOM,
                .custom_class = cql_slice_from_cstr("org.apache.cassandra.db.marshal.Int32Type")};
  static const uint8_t neg[] = {0xff, 0xff, 0xff, 0xff}, pos[] = {0, 0, 0, 1};
  assert_true(cql_value_compare(&c, (cql_slice){neg, 4}, (cql_slice){pos, 4}) < 0);
  cql_type other = {.id = CQL_TYPE_CUSTOM, .custom_class = cql_slice_from_cstr("a.B")};
  assert_true(cql_value_compare(&other, (cql_slice){neg, 4}, (cql_slice){pos, 4}) > 0);
}

/* Malformed input falls back to bytewise order and never crashes. */
static void test_malformed_fallback(void **state) {
  (void)state;
  cql_arena a;
  cql_arena_init(&a, NULL);
  static const struct {
    const char *type, *a, *b;
    int want;
  } cases[] = {
      {"int", "000001", "00000000", 1},
      {"int", "ffffff", "00000000", 1},
      {"uuid", "00", "01", -1},
      {"decimal", "0000", "000000", -1},
      {"list<int>", "7fffffff", "7ffffffe", 1},
      {"list<int>", "00000001 00000008 00", "00000001 00000004 00000000", 1},
      {"map<int, int>", "00000001 ffffffff", "00000001 ffffffff", 0},
      {"tuple<int>", "00000004 00000001 00000004 00000001", "00000004 00000001", 1},
      {"vector<text, 2>", "ff", "01", 1},
      {"vector<float, 2>", "00", "0000000000000000", -1},
      {"timeuuid", "0000", "00", 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const cql_type *t;
    assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(cases[i].type), &a, &t), CQL_OK);
    uint8_t *pa, *pb;
    cql_slice sa = from_hex(cases[i].a, &pa), sb = from_hex(cases[i].b, &pb);
    int got = sign(cql_value_compare(t, sa, sb));
    if (got != cases[i].want)
      fail_msg("%s %s vs %s: %d", cases[i].type, cases[i].a, cases[i].b, got);
    free(pa);
    free(pb);
  }
  cql_arena_free(&a);
}

/* Decimals far apart in scale and with long digit strings still compare
 * by value. */
static void test_decimal_magnitudes(void **state) {
  (void)state;
  cql_buf x, y;
  cql_buf_init(&x, NULL);
  cql_buf_init(&y, NULL);
  /* 2^(8*99) - 1 with scale 0 against 1 with scale -238 (10^238): 2^792 is
   * about 10^238.4, so the first is larger */
  cql_buf_put_i32(&x, 0);
  cql_buf_put_u8(&x, 0);
  for (int i = 0; i < 99; i++)
    cql_buf_put_u8(&x, 0xff);
  cql_buf_put_i32(&y, -238);
  cql_buf_put_u8(&y, 1);
  const cql_type *d = cql_type_native(CQL_TYPE_DECIMAL);
  assert_true(cql_value_compare(d, (cql_slice){x.data, x.len}, (cql_slice){y.data, y.len}) > 0);
  assert_true(cql_value_compare(d, (cql_slice){y.data, y.len}, (cql_slice){x.data, x.len}) < 0);
  /* 10^239 is larger */
  cql_buf_reset(&y);
  cql_buf_put_i32(&y, -239);
  cql_buf_put_u8(&y, 1);
  assert_true(cql_value_compare(d, (cql_slice){x.data, x.len}, (cql_slice){y.data, y.len}) < 0);
  /* negative: the order flips */
  x.data[4] = 0xff;
  x.data[5] = 0x00; /* -(2^784 - ...) : now a large negative number */
  cql_buf_reset(&y);
  cql_buf_put_i32(&y, -300);
  cql_buf_put_u8(&y, 0xff); /* -1E+300 */
  assert_true(cql_value_compare(d, (cql_slice){x.data, x.len}, (cql_slice){y.data, y.len}) > 0);
  cql_buf_free(&x);
  cql_buf_free(&y);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_orders),
      cmocka_unit_test(test_custom_native),
      cmocka_unit_test(test_malformed_fallback),
      cmocka_unit_test(test_decimal_magnitudes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
