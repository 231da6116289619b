/* typed: calling the functions cqlkit-gen wrote from schema.cql and
 * queries.cql (see CMakeLists.txt: one cqlkit_generate() call).
 *
 * usage: typed HOST PORT
 *
 * Every query is a typed C function: parameters are a struct whose zero
 * value means "unset", rows are structs with one field per column, and a
 * mistake in either is a compile error rather than a runtime one. This
 * program uses the blocking variants (client.h); each also exists as a
 * callback-based function on a cql_session. */
#include <stdio.h>
#include <stdlib.h>

#include "cqlkit/config.h"
#include "shop_cql.h"

/* The tables, since a fresh cqlkit-node starts empty. */
static const char *const SCHEMA[] = {
    "CREATE KEYSPACE IF NOT EXISTS shop WITH replication = "
    "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TYPE IF NOT EXISTS shop.money (units bigint, currency ascii)",
    "CREATE TABLE IF NOT EXISTS shop.products (sku text PRIMARY KEY, name text, "
    "price frozen<money>, tags set<text>, stock int)",
    "CREATE TABLE IF NOT EXISTS shop.views (sku text PRIMARY KEY, n counter)",
};

static int check(cql_status rc, cql_result *r, const char *what) {
  if (rc == CQL_OK) {
    return 0;
  }
  const cql_error_info *e = r ? cql_result_error(r) : NULL;
  fprintf(stderr, "%s: %s%s%s\n", what, cql_status_name(rc), e && e->message ? ": " : "",
          e && e->message ? e->message : "");
  return 1;
}

static int create_schema(cql_client *client) {
  for (size_t i = 0; i < sizeof SCHEMA / sizeof SCHEMA[0]; i++) {
    cql_future *f = cql_client_query(client, SCHEMA[i]);
    const cql_result *r = f ? cql_future_result(f) : NULL;
    cql_status rc = r ? cql_result_status(r) : CQL_E_NOMEM;
    cql_future_free(f);
    if (check(rc, NULL, "schema")) {
      return 1;
    }
  }
  return 0;
}

static int add_products(cql_client *client) {
  static const char *const skus[] = {"tea-01", "mug-02"};
  static const char *const names[] = {"Green tea", "Mug"};
  cql_slice tags[] = {cql_slice_from_cstr("kitchen"), cql_slice_from_cstr("gift")};
  for (int i = 0; i < 2; i++) {
    shop_add_product_params p = {0}; /* zero: every parameter unset */
    shop_add_product_row row;
    cql_result *r = NULL;
    CQLGEN_SET(p, sku, cql_slice_from_cstr(skus[i]));
    CQLGEN_SET(p, name, cql_slice_from_cstr(names[i]));
    p.price.units = 450 + 100 * i;
    p.price.currency = cql_slice_from_cstr("EUR");
    p.price_state = CQLGEN_VALUE;
    CQLGEN_SET(p, tags, (shop_set_text){2, tags, {NULL, 0}});
    CQLGEN_SET(p, stock, 10 * (i + 1));
    if (check(shop_add_product_sync(client, &p, &row, &r), r, "add_product")) {
      cql_result_release(r);
      return 1;
    }
    printf("add %s: %s\n", skus[i], row.applied ? "applied" : "already there");
    cql_result_release(r);
  }
  return 0;
}

static int show_product(cql_client *client, const char *sku) {
  shop_get_product_params p = {0};
  shop_get_product_row row;
  bool found = false;
  cql_result *r = NULL;
  CQLGEN_SET(p, sku, cql_slice_from_cstr(sku));
  if (check(shop_get_product_sync(client, &p, &row, &found, &r), r, "get_product")) {
    cql_result_release(r);
    return 1;
  }
  if (!found) {
    printf("%s: not found\n", sku);
  } else {
    printf("%s: %.*s, %lld.%02lld %.*s, stock %d, tags:", sku, (int)row.name.len,
           (const char *)row.name.ptr, (long long)(row.price.units / 100),
           (long long)(row.price.units % 100), (int)row.price.currency.len,
           (const char *)row.price.currency.ptr, row.stock_null ? -1 : (int)row.stock);
    shop_set_text_iter it;
    cql_slice tag;
    shop_set_text_iter_init(&it, &row.tags);
    while (shop_set_text_next(&it, &tag)) {
      printf(" %.*s", (int)tag.len, (const char *)tag.ptr);
    }
    printf("\n");
  }
  cql_result_release(r);
  return 0;
}

static int list_products(cql_client *client) {
  cql_slice state = {NULL, 0};
  cql_result *prev = NULL;
  int rc = 0;
  for (;;) {
    cql_result *page = NULL;
    if (check(shop_all_products_page_sync(client, 1, state, &page), page, "all_products")) {
      rc = 1;
      cql_result_release(page);
      break;
    }
    cql_result_release(prev); /* `state` viewed it until now */
    prev = page;
    for (size_t i = 0; i < cql_result_row_count(page); i++) {
      shop_all_products_row row;
      if (shop_all_products_decode(page, i, &row) == CQL_OK) {
        printf("  %.*s (%d in stock)\n", (int)row.sku.len, (const char *)row.sku.ptr,
               row.stock_null ? 0 : (int)row.stock);
      }
    }
    if (!cql_result_has_more_pages(page)) {
      break;
    }
    state = cql_result_paging_state(page);
  }
  cql_result_release(prev);
  return rc;
}

static int views(cql_client *client) {
  shop_count_view_batch *b = NULL;
  shop_count_view_params p = {0};
  shop_get_views_params q = {0};
  shop_get_views_row row;
  bool found = false;
  cql_result *r = NULL;
  if (shop_count_view_batch_new(CQL_BATCH_COUNTER, &b) != CQL_OK) {
    return 1;
  }
  CQLGEN_SET(p, sku, cql_slice_from_cstr("tea-01"));
  for (int64_t delta = 1; delta <= 3; delta++) {
    CQLGEN_SET(p, n, delta); /* a counter parameter is a signed delta */
    shop_count_view_batch_add(b, &p);
  }
  cql_status rc = shop_count_view_batch_execute_sync(client, b, &r);
  shop_count_view_batch_free(b);
  if (check(rc, r, "count_view")) {
    cql_result_release(r);
    return 1;
  }
  cql_result_release(r);
  CQLGEN_SET(q, sku, cql_slice_from_cstr("tea-01"));
  rc = shop_get_views_sync(client, &q, &row, &found, &r);
  if (!check(rc, r, "get_views")) {
    printf("tea-01 viewed %lld times\n", found ? (long long)row.n : 0LL);
  }
  cql_result_release(r);
  return rc != CQL_OK;
}

int main(int argc, char **argv) {
  cql_config *cfg = NULL;
  cql_client *client = NULL;
  char *message = NULL;
  int failed = 0;
  if (argc != 3) {
    fprintf(stderr, "usage: typed HOST PORT\n");
    return 2;
  }
  if (cql_config_new(&cfg, NULL) != CQL_OK ||
      cql_config_set_contact_points(cfg, argv[1]) != CQL_OK ||
      cql_config_set_port(cfg, (uint16_t)atoi(argv[2])) != CQL_OK) {
    return 1;
  }
  cql_status rc = cql_client_connect(cfg, &client, &message);
  cql_config_free(cfg);
  if (rc != CQL_OK) {
    fprintf(stderr, "connect: %s %s\n", cql_status_name(rc), message ? message : "");
    free(message);
    return 1;
  }
  failed = create_schema(client) || add_products(client) || add_products(client) ||
           show_product(client, "tea-01") || show_product(client, "none");
  if (!failed) {
    shop_set_stock_params p = {0};
    CQLGEN_SET(p, sku, cql_slice_from_cstr("mug-02"));
    CQLGEN_SET(p, stock, 0);
    failed = check(shop_set_stock_sync(client, &p, NULL), NULL, "set_stock");
  }
  if (!failed) {
    printf("products:\n");
    failed = list_products(client) || views(client);
  }
  cql_client_close(client);
  return failed;
}
