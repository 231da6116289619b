/* The UDT registry: a generated-style decoder registered for tx.addr reads
 * the UDT cell of a real Rows body into its struct. */
#include <string.h>

#include "api_fixture.h"

typedef struct addr {
  cql_slice street;
  int32_t zip;
  bool has_tags;
} addr;

static cql_status decode_addr(const cql_type *type, cql_slice value, void *out, void *ud) {
  addr *a = out;
  int *calls = ud;
  (*calls)++;
  if (type->n_children != 3 || !cql_slice_eq_cstr(type->field_names[0], "street"))
    return CQL_E_CODEGEN_SCHEMA_MISMATCH;
  cql_elements it;
  cql_status s = cql_elements_init(&it, type, value);
  const cql_type *ft;
  cql_slice v;
  bool null;
  memset(a, 0, sizeof(*a));
  if (s == CQL_OK && cql_elements_next(&it, &ft, &v, &null) && !null)
    s = cql_decode_text(v, &a->street);
  if (s == CQL_OK && cql_elements_next(&it, &ft, &v, &null) && !null)
    s = cql_decode_int(v, &a->zip);
  if (s == CQL_OK && cql_elements_next(&it, &ft, &v, &null))
    a->has_tags = !null;
  return s != CQL_OK ? s : cql_elements_status(&it);
}

static void test_registry_decodes_cell(void **state) {
  (void)state;
  int calls = 0;
  cql_udt_registry *reg = NULL;
  assert_int_equal(cql_udt_registry_new(&reg, NULL), CQL_OK);
  assert_int_equal(cql_udt_registry_add(reg, "tx", "addr", sizeof(addr), decode_addr, &calls),
                   CQL_OK);
  assert_int_equal(cql_udt_registry_add(reg, "tx", "addr", sizeof(addr), decode_addr, &calls),
                   CQL_E_INVALID_ARG); /* twice */
  assert_int_equal(cql_udt_registry_add(reg, "tx", "x", 0, decode_addr, NULL), CQL_E_INVALID_ARG);
  assert_int_equal(cql_udt_registry_add(reg, "tx", "x", 4, NULL, NULL), CQL_E_INVALID_ARG);
  cql_result_ctx ctx = {.udts = reg};
  cql_result *r = fx_result("result_rows_complex_types", &ctx);
  addr a;
  assert_int_equal(cql_result_get_udt(r, 0, 4, &a, sizeof(a)), CQL_OK);
  assert_true(cql_slice_eq_cstr(a.street, "s"));
  assert_int_equal(a.zip, 1);
  assert_false(a.has_tags);
  assert_int_equal(calls, 1);
  assert_int_equal(cql_result_get_udt(r, 0, 4, &a, sizeof(a) + 1), CQL_E_INVALID_ARG);
  assert_int_equal(cql_result_get_udt(r, 0, 0, &a, sizeof(a)), CQL_E_TYPE_MISMATCH);
  assert_int_equal(cql_result_get_udt(r, 1, 4, &a, sizeof(a)), CQL_E_INVALID_ARG);
  /* a copy keeps the registry */
  cql_result *c = NULL;
  assert_int_equal(cql_result_copy_rows(r, 0, 1, &c), CQL_OK);
  cql_result_release(r);
  assert_int_equal(cql_result_get_udt(c, 0, 4, &a, sizeof(a)), CQL_OK);
  assert_true(cql_slice_eq_cstr(a.street, "s"));
  cql_result_release(c);
  /* without a registry */
  r = fx_result("result_rows_complex_types", NULL);
  assert_int_equal(cql_result_get_udt(r, 0, 4, &a, sizeof(a)), CQL_E_NOT_FOUND);
  cql_result_release(r);
  cql_config *cfg = NULL;
  assert_int_equal(cql_config_new(&cfg, NULL), CQL_OK);
  assert_int_equal(cql_config_set_udt_registry(cfg, reg), CQL_OK);
  assert_ptr_equal(cfg->udt_registry, reg);
  cql_config_free(cfg);
  cql_udt_registry_free(reg);
  cql_udt_registry_free(NULL);
}

static void test_registry_lookup(void **state) {
  (void)state;
  int any_calls = 0, ks_calls = 0;
  cql_udt_registry *reg = NULL;
  assert_int_equal(cql_udt_registry_new(&reg, NULL), CQL_OK);
  assert_int_equal(cql_udt_registry_add(reg, NULL, "addr", sizeof(addr), decode_addr, &any_calls),
                   CQL_OK);
  cql_result *r = fx_result("result_rows_complex_types", NULL);
  const cql_type *t = cql_result_column_type(r, 4);
  cql_slice v;
  assert_int_equal(cql_result_get_raw(r, 0, 4, &v), CQL_OK);
  addr a;
  assert_int_equal(cql_udt_registry_decode(reg, t, v, &a, sizeof(a)), CQL_OK);
  assert_int_equal(any_calls, 1); /* the wildcard keyspace matched */
  assert_int_equal(cql_udt_registry_add(reg, "tx", "addr", sizeof(addr), decode_addr, &ks_calls),
                   CQL_OK);
  assert_int_equal(cql_udt_registry_decode(reg, t, v, &a, sizeof(a)), CQL_OK);
  assert_int_equal(ks_calls, 1); /* the exact keyspace wins */
  assert_int_equal(cql_udt_registry_decode(reg, cql_result_column_type(r, 0), v, &a, sizeof(a)),
                   CQL_E_TYPE_MISMATCH);
  cql_udt_registry *empty = NULL;
  assert_int_equal(cql_udt_registry_new(&empty, NULL), CQL_OK);
  assert_int_equal(cql_udt_registry_decode(empty, t, v, &a, sizeof(a)), CQL_E_NOT_FOUND);
  cql_udt_registry_free(empty);
  cql_result_release(r);
  cql_udt_registry_free(reg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry_decodes_cell),
      cmocka_unit_test(test_registry_lookup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
