/* Type descriptors: [option] round trips, marshal class strings, CQL syntax
 * (parsed and written as Cassandra 4.0's system_schema shows it), depth
 * limits and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "type.h"

#define P "org.apache.cassandra.db.marshal."

typedef struct fixture {
  cql_arena arena;
  cql_buf buf;
  char text[4096];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof(*f));
  cql_arena_init(&f->arena, NULL);
  cql_buf_init(&f->buf, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  cql_arena_free(&f->arena);
  cql_buf_free(&f->buf);
  free(f);
  return 0;
}

static const char *as_text(fixture *f) {
  assert_int_equal(f->buf.err, CQL_OK);
  assert_true(f->buf.len < sizeof(f->text));
  memcpy(f->text, f->buf.data, f->buf.len);
  f->text[f->buf.len] = 0;
  cql_buf_reset(&f->buf);
  return f->text;
}

static const char *fmt_cql(fixture *f, const cql_type *t) {
  cql_buf_reset(&f->buf);
  cql_type_format_cql(&f->buf, t);
  return as_text(f);
}

static const char *fmt_class(fixture *f, const cql_type *t) {
  cql_buf_reset(&f->buf);
  cql_type_format_class(&f->buf, t);
  return as_text(f);
}

static const cql_type *parse_cql(fixture *f, const char *s) {
  const cql_type *t = NULL;
  cql_status st = cql_type_parse_cql(cql_slice_from_cstr(s), &f->arena, &t);
  if (st != CQL_OK)
    fail_msg("parse_cql(%s): %s", s, cql_status_name(st));
  return t;
}

static const cql_type *parse_class(fixture *f, const char *s) {
  const cql_type *t = NULL;
  cql_status st = cql_type_parse_class(cql_slice_from_cstr(s), &f->arena, &t);
  if (st != CQL_OK)
    fail_msg("parse_class(%s): %s", s, cql_status_name(st));
  return t;
}

/* Reads hex as an [option], checks it consumed everything and that writing
 * it back gives the same bytes. */
static const cql_type *option_round_trip(fixture *f, const char *hex) {
  size_t n;
  uint8_t *in = tu_hex_decode(hex, &n);
  cql_rd r;
  cql_rd_init(&r, in, n);
  const cql_type *t = cql_type_read_option(&r, &f->arena);
  if (!cql_rd_ok(&r))
    fail_msg("read_option(%s): %s (%s)", hex, cql_status_name(r.err), r.err_what);
  assert_non_null(t);
  assert_true(cql_rd_expect_end(&r, "option"));
  cql_buf_reset(&f->buf);
  cql_type_write_option(&f->buf, t);
  char *out = tu_hex_encode(f->buf.data, f->buf.len);
  assert_string_equal(out, hex);
  free(out);
  free(in);
  return t;
}

static cql_status option_error(fixture *f, const uint8_t *in, size_t n) {
  cql_rd r;
  cql_rd_init(&r, in, n);
  const cql_type *t = cql_type_read_option(&r, &f->arena);
  assert_false(cql_rd_ok(&r));
  assert_null(t);
  assert_non_null(r.err_what);
  return r.err;
}

static void test_native_options(void **state) {
  fixture *f = *state;
  static const cql_type_id ids[] = {
      CQL_TYPE_ASCII,   CQL_TYPE_BIGINT,  CQL_TYPE_BLOB,     CQL_TYPE_BOOLEAN,  CQL_TYPE_COUNTER,
      CQL_TYPE_DECIMAL, CQL_TYPE_DOUBLE,  CQL_TYPE_FLOAT,    CQL_TYPE_INT,      CQL_TYPE_TIMESTAMP,
      CQL_TYPE_UUID,    CQL_TYPE_VARCHAR, CQL_TYPE_VARINT,   CQL_TYPE_TIMEUUID, CQL_TYPE_INET,
      CQL_TYPE_DATE,    CQL_TYPE_TIME,    CQL_TYPE_SMALLINT, CQL_TYPE_TINYINT,  CQL_TYPE_DURATION};
  for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
    const cql_type *nat = cql_type_native(ids[i]);
    assert_non_null(nat);
    assert_int_equal(nat->id, ids[i]);
    assert_non_null(cql_type_native_name(ids[i]));
    uint8_t in[2] = {0, (uint8_t)ids[i]};
    cql_rd r;
    cql_rd_init(&r, in, 2);
    assert_ptr_equal(cql_type_read_option(&r, &f->arena), nat);
    cql_buf_reset(&f->buf);
    cql_type_write_option(&f->buf, nat);
    assert_int_equal(f->buf.len, 2);
    assert_memory_equal(f->buf.data, in, 2);
    /* the CQL name and the class name parse back to the same descriptor */
    assert_ptr_equal(parse_cql(f, cql_type_native_name(ids[i])), nat);
    assert_ptr_equal(parse_class(f, fmt_class(f, nat)), nat);
  }
  assert_null(cql_type_native(CQL_TYPE_CUSTOM));
  assert_null(cql_type_native((cql_type_id)0x000A));
  assert_null(cql_type_native(CQL_TYPE_LIST));
  assert_null(cql_type_native(CQL_TYPE_VECTOR));
  assert_string_equal(cql_type_native_name(CQL_TYPE_VARCHAR), "text");
  assert_null(cql_type_native_name(CQL_TYPE_MAP));
}

static void test_collection_options(void **state) {
  fixture *f = *state;
  const cql_type *t = option_round_trip(f, "00200009");
  assert_int_equal(t->id, CQL_TYPE_LIST);
  assert_false(t->frozen);
  assert_string_equal(fmt_cql(f, t), "list<int>");
  t = option_round_trip(f, "0021000d00220009");
  assert_string_equal(fmt_cql(f, t), "map<text, frozen<set<int>>>");
  assert_true(t->children[1]->frozen);
  t = option_round_trip(f, "00310002"
                           "0009000d");
  assert_int_equal(t->n_children, 2);
  assert_true(t->frozen);
  assert_string_equal(fmt_cql(f, t), "frozen<tuple<int, text>>");
  t = option_round_trip(f, "00310000");
  assert_int_equal(t->n_children, 0);
}

static void test_udt_option(void **state) {
  fixture *f = *state;
  /* tx.addr (street text, zip int, tags frozen<set<text>>) */
  const cql_type *t = option_round_trip(f, "0030"
                                           "00027478"
                                           "000461646472"
                                           "0003"
                                           "0006737472656574000d"
                                           "00037a69700009"
                                           "000474616773"
                                           "0022000d");
  assert_int_equal(t->id, CQL_TYPE_UDT);
  assert_true(cql_slice_eq_cstr(t->udt_keyspace, "tx"));
  assert_true(cql_slice_eq_cstr(t->udt_name, "addr"));
  assert_int_equal(t->n_children, 3);
  assert_true(cql_slice_eq_cstr(t->field_names[2], "tags"));
  assert_int_equal(t->children[2]->id, CQL_TYPE_SET);
  assert_string_equal(fmt_cql(f, t), "addr");
  assert_string_equal(fmt_class(f, t),
                      P "UserType(tx,61646472,737472656574:" P "UTF8Type,7a6970:" P
                        "Int32Type,74616773:" P "FrozenType(" P "SetType(" P "UTF8Type)))");
  const cql_type *back = parse_class(f, fmt_class(f, t));
  assert_true(cql_type_equal(t, back));
}

static void test_custom_options(void **state) {
  fixture *f = *state;
  /* "com.example.Foo" */
  const cql_type *t = option_round_trip(f, "0000000f636f6d2e6578616d706c652e466f6f");
  assert_int_equal(t->id, CQL_TYPE_CUSTOM);
  assert_true(cql_slice_eq_cstr(t->custom_class, "com.example.Foo"));
  assert_ptr_equal(cql_type_resolve(t), t);
  assert_string_equal(fmt_cql(f, t), "'com.example.Foo'");
  assert_int_equal(cql_type_fixed_size(t), 0);

  /* A native class sent as custom stays custom (write back is exact) but
   * resolves to the native for the value codec; v4 gets duration so. */
  cql_buf_reset(&f->buf);
  cql_buf_put_u16(&f->buf, 0);
  cql_buf_put_string(&f->buf, cql_slice_from_cstr(P "DurationType"));
  char *hex = tu_hex_encode(f->buf.data, f->buf.len);
  t = option_round_trip(f, hex);
  free(hex);
  assert_int_equal(t->id, CQL_TYPE_CUSTOM);
  assert_ptr_equal(cql_type_resolve(t), cql_type_native(CQL_TYPE_DURATION));
  assert_string_equal(fmt_cql(f, t), "duration");
}

static const cql_type *vector_option(fixture *f, const char *cls) {
  cql_buf_reset(&f->buf);
  cql_buf_put_u16(&f->buf, 0);
  cql_buf_put_string(&f->buf, cql_slice_from_cstr(cls));
  char *hex = tu_hex_encode(f->buf.data, f->buf.len);
  const cql_type *t = option_round_trip(f, hex);
  free(hex);
  return t;
}

static void test_vector_options(void **state) {
  fixture *f = *state;
  /* Cassandra's own spelling has " , "; the Node driver writes ", ". Both
   * read, and each is written back exactly as received. */
  const cql_type *t = vector_option(f, P "VectorType(" P "FloatType , 3)");
  assert_int_equal(t->id, CQL_TYPE_VECTOR);
  assert_int_equal(t->dimension, 3);
  assert_ptr_equal(t->children[0], cql_type_native(CQL_TYPE_FLOAT));
  assert_string_equal(fmt_cql(f, t), "vector<float, 3>");
  assert_int_equal(cql_type_fixed_size(t), 12);
  t = vector_option(f, P "VectorType(" P "UTF8Type, 2)");
  assert_int_equal(t->dimension, 2);
  assert_int_equal(cql_type_fixed_size(t), 0);
  t = vector_option(f, P "VectorType(" P "ListType(" P "Int32Type),7)");
  assert_string_equal(fmt_cql(f, t), "vector<frozen<list<int>>, 7>");
  /* a vector built from CQL syntax writes Cassandra's spelling */
  t = parse_cql(f, "vector<float, 3>");
  cql_buf_reset(&f->buf);
  cql_type_write_option(&f->buf, t);
  cql_rd r;
  cql_rd_init(&r, f->buf.data, f->buf.len);
  assert_int_equal(cql_rd_u16(&r), 0);
  cql_slice cls = cql_rd_string(&r);
  assert_true(cql_slice_eq_cstr(cls, P "VectorType(" P "FloatType , 3)"));
  /* nested vectors of fixed-size elements are fixed-size themselves */
  t = parse_cql(f, "vector<vector<float, 2>, 3>");
  assert_int_equal(cql_type_fixed_size(t), 24);
}

static void test_bad_options(void **state) {
  fixture *f = *state;
  static const uint8_t retired[] = {0x00, 0x0A};
  assert_int_equal(option_error(f, retired, 2), CQL_E_BAD_TYPE);
  static const uint8_t unknown[] = {0x00, 0x99};
  assert_int_equal(option_error(f, unknown, 2), CQL_E_BAD_TYPE);
  static const uint8_t vec_id[] = {0x00, 0x01, 0x00, 0x00};
  assert_int_equal(option_error(f, vec_id + 2, 2), CQL_E_TRUNCATED);
  static const uint8_t truncated_map[] = {0x00, 0x21, 0x00, 0x09};
  assert_int_equal(option_error(f, truncated_map, 4), CQL_E_TRUNCATED);
  static const uint8_t huge_tuple[] = {0x00, 0x31, 0xFF, 0xFF, 0x00, 0x09};
  assert_int_equal(option_error(f, huge_tuple, sizeof(huge_tuple)), CQL_E_BAD_LENGTH);
  static const uint8_t huge_udt[] = {0x00, 0x30, 0, 1, 'k', 0, 1, 'n', 0xFF, 0xFF, 0, 0};
  assert_int_equal(option_error(f, huge_udt, sizeof(huge_udt)), CQL_E_BAD_LENGTH);
  static const uint8_t short_custom[] = {0x00, 0x00, 0x00, 0x10, 'a'};
  assert_int_equal(option_error(f, short_custom, sizeof(short_custom)), CQL_E_BAD_LENGTH);
  /* list<list<...<int>>> one level past the limit, then exactly at it */
  uint8_t deep[2 * (CQL_TYPE_MAX_DEPTH + 1)];
  for (int i = 0; i < CQL_TYPE_MAX_DEPTH; i++) {
    deep[2 * i] = 0x00;
    deep[2 * i + 1] = 0x20;
  }
  deep[2 * CQL_TYPE_MAX_DEPTH] = 0x00;
  deep[2 * CQL_TYPE_MAX_DEPTH + 1] = 0x09;
  assert_int_equal(option_error(f, deep, sizeof(deep)), CQL_E_TOO_DEEP);
  cql_rd r;
  cql_rd_init(&r, deep + 2, sizeof(deep) - 2);
  assert_non_null(cql_type_read_option(&r, &f->arena));
  assert_true(cql_rd_ok(&r));
  /* a broken VectorType class is an error, not a custom type */
  static const char *bad_vectors[] = {
      P "VectorType(" P "FloatType, 0)", P "VectorType(" P "FloatType)",
      P "VectorType(" P "FloatType, x)", P "VectorType(" P "FloatType, 99999999999)"};
  for (size_t i = 0; i < sizeof(bad_vectors) / sizeof(bad_vectors[0]); i++) {
    cql_buf_reset(&f->buf);
    cql_buf_put_u16(&f->buf, 0);
    cql_buf_put_string(&f->buf, cql_slice_from_cstr(bad_vectors[i]));
    assert_int_equal(option_error(f, f->buf.data, f->buf.len), CQL_E_BAD_TYPE);
  }
  /* a reader already in error stays so */
  cql_rd_init(&r, retired, 2);
  cql_rd_fail(&r, CQL_E_BAD_MESSAGE, "earlier");
  assert_null(cql_type_read_option(&r, &f->arena));
  assert_int_equal(r.err, CQL_E_BAD_MESSAGE);
}

typedef struct cql_case {
  const char *in;
  const char *cql;   /* format_cql of the parsed type */
  const char *klass; /* format_class, NULL to skip */
} cql_case;

static void test_parse_cql(void **state) {
  fixture *f = *state;
  static const cql_case cases[] = {
      {"int", "int", P "Int32Type"},
      {"  TEXT ", "text", P "UTF8Type"},
      {"varchar", "text", P "UTF8Type"},
      {"BigInt", "bigint", P "LongType"},
      {"counter", "counter", P "CounterColumnType"},
      {"list<int>", "list<int>", P "ListType(" P "Int32Type)"},
      {"map<text,int>", "map<text, int>", P "MapType(" P "UTF8Type," P "Int32Type)"},
      {"frozen<list<text>>", "frozen<list<text>>", P "FrozenType(" P "ListType(" P "UTF8Type))"},
      {"Set<frozen<List<INT>>>", "set<frozen<list<int>>>",
       P "SetType(" P "FrozenType(" P "ListType(" P "Int32Type)))"},
      {"map<text, frozen<list<frozen<set<int>>>>>", "map<text, frozen<list<frozen<set<int>>>>>",
       P "MapType(" P "UTF8Type," P "FrozenType(" P "ListType(" P "SetType(" P "Int32Type))))"},
      {"frozen<map<text, frozen<list<int>>>>", "frozen<map<text, frozen<list<int>>>>",
       P "FrozenType(" P "MapType(" P "UTF8Type," P "ListType(" P "Int32Type)))"},
      {"tuple<int, text>", "frozen<tuple<int, text>>", P "TupleType(" P "Int32Type," P "UTF8Type)"},
      {"frozen<tuple<int,list<text>>>", "frozen<tuple<int, frozen<list<text>>>>",
       P "TupleType(" P "Int32Type," P "ListType(" P "UTF8Type))"},
      {"list<tuple<int>>", "list<frozen<tuple<int>>>",
       P "ListType(" P "TupleType(" P "Int32Type))"},
      {"vector<float, 3>", "vector<float, 3>", P "VectorType(" P "FloatType , 3)"},
      {"VECTOR<text,1000>", "vector<text, 1000>", P "VectorType(" P "UTF8Type , 1000)"},
      {"list<vector<int, 2>>", "list<vector<int, 2>>",
       P "ListType(" P "VectorType(" P "Int32Type , 2))"},
      {"frozen<addr>", "frozen<addr>", NULL},
      {"Addr", "addr", NULL},
      {"\"MyType\"", "\"MyType\"", NULL},
      {"\"we\"\"ird\"", "\"we\"\"ird\"", NULL},
      {"ks.point", "point", NULL},
      {"\"Ks\".\"select\"", "\"select\"", NULL},
      {"\"int\"", "\"int\"", NULL},
      {"list<frozen<ks.addr>>", "list<frozen<addr>>", NULL},
      {"frozen", "frozen", NULL}, /* a UDT that happens to be called frozen */
      {"'org.apache.cassandra.db.marshal.Int32Type'", "int", P "Int32Type"},
      {"'com.example.Foo'", "'com.example.Foo'", "com.example.Foo"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const cql_type *t = parse_cql(f, cases[i].in);
    assert_string_equal(fmt_cql(f, t), cases[i].cql);
    /* formatting is a fixed point (the CQL form drops a UDT's keyspace) */
    if (!strchr(cases[i].in, '.') || cases[i].in[0] == '\'')
      if (!cql_type_equal(parse_cql(f, cases[i].cql), t))
        fail_msg("not a fixed point: %s", cases[i].in);
    if (cases[i].klass) {
      assert_string_equal(fmt_class(f, t), cases[i].klass);
      assert_true(cql_type_equal(parse_class(f, cases[i].klass), t));
    }
  }
}

static void test_parse_cql_udt_names(void **state) {
  fixture *f = *state;
  const cql_type *t = parse_cql(f, "MyKs.\"MyType\"");
  assert_int_equal(t->id, CQL_TYPE_UDT);
  assert_true(cql_slice_eq_cstr(t->udt_keyspace, "myks"));
  assert_true(cql_slice_eq_cstr(t->udt_name, "MyType"));
  assert_int_equal(t->n_children, 0);
  assert_false(t->frozen);
  t = parse_cql(f, "frozen<addr>");
  assert_true(t->frozen);
  assert_int_equal(t->udt_keyspace.len, 0);
}

static void test_parse_cql_errors(void **state) {
  fixture *f = *state;
  static const char *bad[] = {"",
                              "list",
                              "list<>",
                              "list<int",
                              "list<int>>",
                              "map<int>",
                              "map<int, int, int>",
                              "int int",
                              "vector<float>",
                              "vector<float, 0>",
                              "vector<float, -1>",
                              "vector<float, 3000000000>",
                              "frozen<frozen<list<int>>>",
                              "tuple<>",
                              "\"unterminated",
                              "\"\"",
                              "ks.",
                              "<int>",
                              "list<int>,",
                              "'org.apache.cassandra.db.marshal.ListType('"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    const cql_type *t = (const cql_type *)1;
    cql_status st = cql_type_parse_cql(cql_slice_from_cstr(bad[i]), &f->arena, &t);
    if (st == CQL_OK)
      fail_msg("parse_cql accepted \"%s\"", bad[i]);
    assert_null(t);
  }
}

static void nested(char *out, const char *open, const char *leaf, const char *close, int n) {
  out[0] = 0;
  for (int i = 0; i < n; i++)
    strcat(out, open);
  strcat(out, leaf);
  for (int i = 0; i < n; i++)
    strcat(out, close);
}

static void test_depth_limits(void **state) {
  fixture *f = *state;
  char s[4096];
  const cql_type *t;
  nested(s, "list<", "int", ">", CQL_TYPE_MAX_DEPTH - 1);
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(s), &f->arena, &t), CQL_OK);
  /* the same depth spelled with frozen<> everywhere is still fine */
  nested(s, "frozen<list<", "int", ">>", CQL_TYPE_MAX_DEPTH - 1);
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(s), &f->arena, &t), CQL_OK);
  nested(s, "list<", "int", ">", CQL_TYPE_MAX_DEPTH);
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(s), &f->arena, &t), CQL_E_TOO_DEEP);
  nested(s, "tuple<int, ", "int", ">", 200);
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(s), &f->arena, &t), CQL_E_TOO_DEEP);
  nested(s, P "ListType(", P "Int32Type", ")", CQL_TYPE_MAX_DEPTH - 1);
  assert_int_equal(cql_type_parse_class(cql_slice_from_cstr(s), &f->arena, &t), CQL_OK);
  nested(s, P "ListType(", P "Int32Type", ")", CQL_TYPE_MAX_DEPTH);
  assert_int_equal(cql_type_parse_class(cql_slice_from_cstr(s), &f->arena, &t), CQL_E_TOO_DEEP);
  nested(s, "FrozenType(", "Int32Type", ")", 100);
  assert_int_equal(cql_type_parse_class(cql_slice_from_cstr(s), &f->arena, &t), CQL_E_TOO_DEEP);

  /* formatting a hand-built cycle stops at the limit instead of looping */
  cql_type loop = {.id = CQL_TYPE_LIST, .n_children = 1};
  const cql_type *kids[1] = {&loop};
  loop.children = kids;
  cql_buf_reset(&f->buf);
  cql_type_format_cql(&f->buf, &loop);
  assert_int_equal(f->buf.err, CQL_E_TOO_DEEP);
  cql_buf_reset(&f->buf);
  cql_type_format_class(&f->buf, &loop);
  assert_int_equal(f->buf.err, CQL_E_TOO_DEEP);
  cql_buf_reset(&f->buf);
  cql_type_write_option(&f->buf, &loop);
  assert_int_equal(f->buf.err, CQL_E_TOO_DEEP);
  cql_buf_reset(&f->buf);
  assert_false(cql_type_equal(&loop, parse_cql(f, "list<list<int>>")));
}

static void test_parse_class(void **state) {
  fixture *f = *state;
  static const cql_case cases[] = {
      {P "Int32Type", "int", NULL},
      {"Int32Type", "int", P "Int32Type"},
      {P "DateType", "timestamp", P "TimestampType"},
      {P "ReversedType(" P "TimeUUIDType)", "timeuuid", P "TimeUUIDType"},
      {P "ReversedType(" P "FrozenType(" P "ListType(" P "Int32Type)))", "frozen<list<int>>",
       P "FrozenType(" P "ListType(" P "Int32Type))"},
      {P "MapType(" P "UTF8Type," P "FrozenType(" P "ListType(" P "Int32Type)))",
       "map<text, frozen<list<int>>>", NULL},
      {P "FrozenType(" P "MapType(" P "UTF8Type," P "ListType(" P "Int32Type)))",
       "frozen<map<text, frozen<list<int>>>>", NULL},
      {P "TupleType(" P "Int32Type, " P "UTF8Type)", "frozen<tuple<int, text>>",
       P "TupleType(" P "Int32Type," P "UTF8Type)"},
      {P "FrozenType(" P "UserType(tx,61646472,737472656574:" P "UTF8Type))", "frozen<addr>", NULL},
      {P "UserType(tx,4d7954797065)", "\"MyType\"", NULL},
      {P "VectorType(" P "FloatType , 3)", "vector<float, 3>", NULL},
      {P "VectorType(" P "DoubleType,2)", "vector<double, 2>", P "VectorType(" P "DoubleType , 2)"},
      {P "VectorType(" P "VectorType(" P "Int32Type , 2) , 2)", "vector<vector<int, 2>, 2>", NULL},
      {"com.example.Foo(a,b(c))", "'com.example.Foo(a,b(c))'", NULL},
      {P "PartitionerDefinedOrder(org.apache.cassandra.dht.Murmur3Partitioner)",
       "'" P "PartitionerDefinedOrder(org.apache.cassandra.dht.Murmur3Partitioner)'", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const cql_type *t = parse_class(f, cases[i].in);
    assert_string_equal(fmt_cql(f, t), cases[i].cql);
    assert_string_equal(fmt_class(f, t), cases[i].klass ? cases[i].klass : cases[i].in);
  }
  const cql_type *t =
      parse_class(f, P "UserType(tx,61646472,737472656574:" P "UTF8Type,7a6970:" P "Int32Type)");
  assert_true(cql_slice_eq_cstr(t->udt_keyspace, "tx"));
  assert_true(cql_slice_eq_cstr(t->udt_name, "addr"));
  assert_true(cql_slice_eq_cstr(t->field_names[1], "zip"));
  assert_false(t->frozen);
}

static void test_parse_class_errors(void **state) {
  fixture *f = *state;
  static const struct {
    const char *in;
    cql_status st;
  } bad[] = {
      {"", CQL_E_BAD_TYPE},
      {P "ListType", CQL_E_BAD_TYPE},
      {P "ListType(", CQL_E_BAD_TYPE},
      {P "ListType(" P "Int32Type", CQL_E_BAD_TYPE},
      {P "Int32Type(" P "Int32Type)", CQL_E_BAD_TYPE},
      {P "MapType(" P "Int32Type)", CQL_E_BAD_TYPE},
      {P "UserType(ks,6)", CQL_E_BAD_TYPE},
      {P "UserType(ks,zz)", CQL_E_BAD_TYPE},
      {P "UserType(ks,61,62)", CQL_E_BAD_TYPE},
      {P "UserType(,61)", CQL_E_BAD_TYPE},
      {P "CompositeType(" P "Int32Type," P "UTF8Type)", CQL_E_UNSUPPORTED},
      {P "DynamicCompositeType(a=>" P "Int32Type)", CQL_E_UNSUPPORTED},
      {P "Int32Type junk", CQL_E_BAD_TYPE},
      {"com.example.Foo(", CQL_E_BAD_TYPE},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    const cql_type *t = (const cql_type *)1;
    cql_status st = cql_type_parse_class(cql_slice_from_cstr(bad[i].in), &f->arena, &t);
    if (st != bad[i].st)
      fail_msg("parse_class(%s): %s", bad[i].in, cql_status_name(st));
    assert_null(t);
  }
}

/* The type strings Cassandra 4.0 wrote into system_schema.columns in the
 * reference transcripts parse and print back unchanged. */
static void test_transcript_type_strings(void **state) {
  fixture *f = *state;
  static const char *seen[] = {"frozen<addr>",
                               "frozen<list<text>>",
                               "frozen<map<text, blob>>",
                               "frozen<map<text, text>>",
                               "frozen<pt>",
                               "frozen<set<text>>",
                               "frozen<tuple<int, text>>",
                               "list<blob>",
                               "list<int>",
                               "map<int, bigint>",
                               "map<text, int>",
                               "map<uuid, blob>",
                               "set<inet>",
                               "addr",
                               "duration",
                               "timeuuid"};
  for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
    assert_string_equal(fmt_cql(f, parse_cql(f, seen[i])), seen[i]);
}

static void test_fixed_sizes(void **state) {
  fixture *f = *state;
  static const struct {
    const char *type;
    size_t size;
  } cases[] = {{"boolean", 1},
               {"tinyint", 0},
               {"smallint", 0},
               {"int", 4},
               {"float", 4},
               {"date", 0},
               {"bigint", 8},
               {"counter", 0},
               {"timestamp", 8},
               {"time", 0},
               {"double", 8},
               {"uuid", 16},
               {"timeuuid", 16},
               {"text", 0},
               {"blob", 0},
               {"varint", 0},
               {"decimal", 0},
               {"inet", 0},
               {"duration", 0},
               {"list<int>", 0},
               {"frozen<tuple<int>>", 0},
               {"vector<bigint, 5>", 40},
               {"vector<text, 5>", 0},
               {"vector<smallint, 2>", 0}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    assert_int_equal(cql_type_fixed_size(parse_cql(f, cases[i].type)), cases[i].size);
}

static void test_equality(void **state) {
  fixture *f = *state;
  assert_true(cql_type_equal(parse_cql(f, "map<text, frozen<list<int>>>"),
                             parse_cql(f, "map<varchar,list<int>>")));
  assert_false(cql_type_equal(parse_cql(f, "list<int>"), parse_cql(f, "set<int>")));
  assert_false(cql_type_equal(parse_cql(f, "vector<int, 2>"), parse_cql(f, "vector<int, 3>")));
  assert_false(cql_type_equal(parse_cql(f, "tuple<int>"), parse_cql(f, "tuple<int, int>")));
  assert_false(cql_type_equal(parse_cql(f, "ks.a"), parse_cql(f, "ks.b")));
  assert_false(cql_type_equal(parse_cql(f, "ks.a"), parse_cql(f, "other.a")));
  assert_false(cql_type_equal(parse_cql(f, "'a.B'"), parse_cql(f, "'a.C'")));
  assert_false(cql_type_equal(parse_cql(f, "int"), NULL));
}

static void test_arena_exhaustion(void **state) {
  fixture *f = *state;
  /* Every allocation failure comes back as E_NOMEM, never a crash. */
  static const char *s = "map<text, frozen<tuple<int, list<ks.addr>, vector<float, 3>>>>";
  cql_arena small;
  cql_arena_init(&small, NULL);
  small.limit = 1; /* refuses the first block */
  const cql_type *t;
  assert_int_equal(cql_type_parse_cql(cql_slice_from_cstr(s), &small, &t), CQL_E_NOMEM);
  assert_int_equal(
      cql_type_parse_class(cql_slice_from_cstr(P "ListType(" P "Int32Type)"), &small, &t),
      CQL_E_NOMEM);
  static const uint8_t list_int[] = {0x00, 0x20, 0x00, 0x09};
  cql_rd r;
  cql_rd_init(&r, list_int, sizeof(list_int));
  assert_null(cql_type_read_option(&r, &small));
  assert_int_equal(r.err, CQL_E_NOMEM);
  cql_arena_free(&small);
  (void)f;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_native_options, setup, teardown),
      cmocka_unit_test_setup_teardown(test_collection_options, setup, teardown),
      cmocka_unit_test_setup_teardown(test_udt_option, setup, teardown),
      cmocka_unit_test_setup_teardown(test_custom_options, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vector_options, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parse_cql, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parse_cql_udt_names, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parse_cql_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_depth_limits, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parse_class, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parse_class_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transcript_type_strings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fixed_sizes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_equality, setup, teardown),
      cmocka_unit_test_setup_teardown(test_arena_exhaustion, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
