/* The generated type functions without a server: write -> decode round
 * trips through cql_writer, UDT values with fields added or missing on the
 * server side, malformed input (every decoder gets truncated and random
 * bytes: errors, never a crash), and deep copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_cql.h"

/* Serializes with `write` into a malloc'ed buffer (caller frees). */
#define SERIALIZE(write_fn, value, out)                                                            \
  do {                                                                                             \
    cql_writer *w_ = NULL;                                                                         \
    cql_slice s_;                                                                                  \
    assert_int_equal(cql_writer_new(&w_, NULL), CQL_OK);                                           \
    write_fn(w_, value);                                                                           \
    assert_int_equal(cql_writer_value(w_, &s_), CQL_OK);                                           \
    (out)->len = s_.len;                                                                           \
    uint8_t *copy_ = malloc(s_.len ? s_.len : 1);                                                  \
    assert_non_null(copy_);                                                                        \
    memcpy(copy_, s_.ptr, s_.len);                                                                 \
    (out)->ptr = copy_;                                                                            \
    cql_writer_free(w_);                                                                           \
  } while (0)

static cql_slice S(const char *s) { return cql_slice_from_cstr(s); }

static void fill_place(app_place *p, cql_slice *tags) {
  memset(p, 0, sizeof *p);
  p->name = S("office");
  p->location.lat = 1.5;
  p->location.lon_null = true;
  p->address.street = S("Main");
  p->address.city_null = true;
  p->address.zip = S("1234");
  tags[0] = S("a");
  tags[1] = S("b");
  p->address.tags = (app_set_text){2, tags, {NULL, 0}};
  p->address.country_null = true;
}

static void test_udt_round_trip_and_copy(void **state) {
  (void)state;
  cql_slice tags[2], bytes, s;
  app_place in, out;
  app_set_text_iter it;
  fill_place(&in, tags);
  SERIALIZE(app_place_write, &in, &bytes);
  assert_int_equal(app_place_decode(bytes, &out), CQL_OK);
  assert_true(cql_slice_eq_cstr(out.name, "office"));
  assert_true(out.location.lat == 1.5 && out.location.lon_null);
  assert_true(out.address.city_null && cql_slice_eq_cstr(out.address.zip, "1234"));
  assert_int_equal(out.address.tags.count, 2);

  /* A deep copy survives the bytes it was decoded from. */
  size_t size = app_place_copy_size(&out);
  assert_int_equal(size,
                   strlen("office") + strlen("Main") + strlen("1234") + out.address.tags.raw.len);
  uint8_t *buf = malloc(size);
  uint8_t *cursor = buf;
  app_place copy = out;
  app_place_copy_into(&copy, &cursor);
  assert_ptr_equal(cursor, buf + size);
  memset((void *)(uintptr_t)bytes.ptr, 0xee, bytes.len);
  free((void *)(uintptr_t)bytes.ptr);
  assert_true(cql_slice_eq_cstr(copy.address.street, "Main"));
  assert_int_equal(app_set_text_iter_init(&it, &copy.address.tags), CQL_OK);
  assert_true(app_set_text_next(&it, &s) && cql_slice_eq_cstr(s, "a"));
  assert_true(app_set_text_next(&it, &s) && cql_slice_eq_cstr(s, "b"));
  assert_false(app_set_text_next(&it, &s));
  assert_int_equal(app_set_text_iter_status(&it), CQL_OK);
  free(buf);
}

static void test_udt_schema_evolution(void **state) {
  (void)state;
  cql_writer *w = NULL;
  cql_slice v;
  app_geo_point p;
  assert_int_equal(cql_writer_new(&w, NULL), CQL_OK);
  /* A field added on the server after generation: ignored. */
  cql_write_tuple_begin(w);
  cql_write_double(w, 1.0);
  cql_write_double(w, 2.0);
  cql_write_int(w, 3);
  cql_write_end(w);
  assert_int_equal(cql_writer_value(w, &v), CQL_OK);
  assert_int_equal(app_geo_point_decode(v, &p), CQL_OK);
  assert_true(p.lat == 1.0 && p.lon == 2.0 && !p.lon_null);
  /* A value written before a field existed: the field is null. */
  cql_writer_reset(w);
  cql_write_tuple_begin(w);
  cql_write_double(w, 1.0);
  cql_write_end(w);
  assert_int_equal(cql_writer_value(w, &v), CQL_OK);
  assert_int_equal(app_geo_point_decode(v, &p), CQL_OK);
  assert_false(p.lat_null);
  assert_true(p.lon_null);
  cql_writer_free(w);
}

static void test_collections_and_vector(void **state) {
  (void)state;
  const int32_t inner_a[] = {1, 2}, inner_b[] = {3};
  app_list_int lists[] = {{2, inner_a, {NULL, 0}}, {1, inner_b, {NULL, 0}}};
  app_list_list_int nested = {2, lists, {NULL, 0}}, back;
  app_list_list_int_iter it;
  app_list_int one;
  cql_slice bytes;
  SERIALIZE(app_list_list_int_write, &nested, &bytes);
  assert_int_equal(app_list_list_int_decode(bytes, &back), CQL_OK);
  assert_int_equal(back.count, 2);
  assert_int_equal(app_list_list_int_iter_init(&it, &back), CQL_OK);
  assert_true(app_list_list_int_next(&it, &one));
  assert_int_equal(one.count, 2);
  /* A decoded value binds back as is: same bytes. */
  cql_slice again;
  SERIALIZE(app_list_list_int_write, &back, &again);
  assert_int_equal(again.len, bytes.len);
  assert_memory_equal(again.ptr, bytes.ptr, bytes.len);
  free((void *)(uintptr_t)again.ptr);
  free((void *)(uintptr_t)bytes.ptr);

  app_vector_float_3 vec = {{1.0f, 2.0f, 3.0f}}, vback;
  SERIALIZE(app_vector_float_3_write, &vec, &bytes);
  assert_int_equal(bytes.len, 12); /* packed: no per-element lengths */
  assert_int_equal(app_vector_float_3_decode(bytes, &vback), CQL_OK);
  assert_true(vback.items[2] == 3.0f);
  bytes.len -= 4; /* one element short */
  assert_int_not_equal(app_vector_float_3_decode(bytes, &vback), CQL_OK);
  free((void *)(uintptr_t)bytes.ptr);
}

/* Every decoder on every prefix of a valid value and on random bytes. */
static void test_malformed(void **state) {
  (void)state;
  cql_slice tags[2], bytes;
  app_place place;
  fill_place(&place, tags);
  SERIALIZE(app_place_write, &place, &bytes);
  uint32_t seed = 12345;
  uint8_t noise[64];
  for (size_t n = 0; n <= bytes.len + 64; n++) {
    cql_slice in = {bytes.ptr, n < bytes.len ? n : bytes.len};
    if (n > bytes.len) {
      for (size_t i = 0; i < sizeof noise; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (uint8_t)(seed >> 16);
      }
      in = (cql_slice){noise, n - bytes.len};
    }
    app_place p;
    app_address a;
    app_tuple_int_text_list_double t;
    app_map_int_map_text_set_uuid m;
    app_vector_float_3 v;
    app_list_address l;
    (void)app_place_decode(in, &p);
    (void)app_address_decode(in, &a);
    (void)app_tuple_int_text_list_double_decode(in, &t);
    (void)app_vector_float_3_decode(in, &v);
    if (app_map_int_map_text_set_uuid_decode(in, &m) == CQL_OK) {
      app_map_int_map_text_set_uuid_iter it;
      int32_t k;
      app_map_text_set_uuid inner;
      if (app_map_int_map_text_set_uuid_iter_init(&it, &m) == CQL_OK) {
        while (app_map_int_map_text_set_uuid_next(&it, &k, &inner)) {
        }
      }
    }
    if (app_list_address_decode(in, &l) == CQL_OK) {
      app_list_address_iter it;
      if (app_list_address_iter_init(&it, &l) == CQL_OK) {
        while (app_list_address_next(&it, &a)) {
        }
      }
    }
  }
  assert_int_equal(app_place_decode((cql_slice){bytes.ptr, bytes.len - 1}, &place) == CQL_OK,
                   false);
  free((void *)(uintptr_t)bytes.ptr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_udt_round_trip_and_copy),
      cmocka_unit_test(test_udt_schema_evolution),
      cmocka_unit_test(test_collections_and_vector),
      cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
