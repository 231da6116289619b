/* Compiled twice by codegen.typecheck_*: as is it must compile; with
 * -DCQLKIT_WRONG_<N> each variant misuses the generated API and must be
 * rejected by the C compiler (-Werror), which is the point of typed code. */
#include "app_cql.h"

void use(cql_session *s, app_find_user_by_email_cb cb);

void use(cql_session *s, app_find_user_by_email_cb cb) {
  app_find_user_by_email_params p = {0};
  app_get_user_params other = {0};
  CQLGEN_SET(p, email, cql_slice_from_cstr("a@b.c"));
  (void)other;
#if defined(CQLKIT_WRONG_1) /* another query's parameters */
  (void)app_find_user_by_email(s, &other, cb, NULL);
#elif defined(CQLKIT_WRONG_2) /* a C string where CQL text (a slice) is expected */
  CQLGEN_SET(p, email, "a@b.c");
  (void)app_find_user_by_email(s, &p, cb, NULL);
#elif defined(CQLKIT_WRONG_3) /* a column the query does not have */
  CQLGEN_SET(p, name, cql_slice_from_cstr("x"));
#else
  (void)app_find_user_by_email(s, &p, cb, NULL);
#endif
}
