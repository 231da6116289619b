m4_dnl Header shapes of the generated types. Data calls:
m4_dnl   CG_LIST(cname, list|set, ekind, ecname, cql)
m4_dnl   CG_MAP(cname, kkind, kcname, vkind, vcname, cql)
m4_dnl   CG_VECTOR(cname, ekind, ecname, dimension, cql)
m4_dnl   CG_STRUCT(cname, tuple|udt, cql, "keyspace", "name", nfields, fields)
m4_dnl     with fields CG_SF(index, field, kind, cname, "cql name", comment)
m4_define(@{CG_H_COMMON}@, @{cql_status $1_decode(cql_slice in, $1 *out);
void $1_write(cql_writer *w, const $1 *v);
size_t $1_copy_size(const $1 *v);
void $1_copy_into($1 *v, uint8_t **cursor);
}@)m4_dnl
m4_define(@{CG_H_ITER}@, @{typedef struct $1_iter {
  cql_elements elements_;
  cql_status status_;
} $1_iter;
cql_status $1_iter_init($1_iter *it, const $1 *v);
cql_status $1_iter_status(const $1_iter *it);
}@)m4_dnl
m4_define(@{CG_H_LIST}@, @{
/* $5 */
struct $1 {
  uint32_t count;              /* elements */
  const CG_T($3, $4) *items; /* to bind: count elements (raw empty) */
  cql_slice raw;               /* decoded: the serialized $2 */
};
CG_H_ITER($1)m4_dnl
bool $1_next($1_iter *it, CG_T($3, $4) *out);
CG_H_COMMON($1)}@)m4_dnl
m4_define(@{CG_H_MAP}@, @{
/* $6 */
struct $1 {
  uint32_t count;               /* entries */
  const CG_T($2, $3) *keys;   /* to bind: count keys... */
  const CG_T($4, $5) *values; /* ...and their values (raw empty) */
  cql_slice raw;                /* decoded: the serialized map */
};
CG_H_ITER($1)m4_dnl
bool $1_next($1_iter *it, CG_T($2, $3) *key, CG_T($4, $5) *value);
CG_H_COMMON($1)}@)m4_dnl
m4_define(@{CG_H_VECTOR}@, @{
/* $5 */
struct $1 {
  CG_T($2, $3) items[$4];
};
CG_H_COMMON($1)}@)m4_dnl
m4_define(@{CG_H_SF}@, @{  CG_T($3, $4) $2; /* $6 */
  bool $2_null;
}@)m4_dnl
m4_define(@{CG_H_STRUCT}@, @{
/* $2 $3 */
struct $1 {
m4_define(@{CG_SF}@, m4_defn(@{CG_H_SF}@))$7};
CG_H_COMMON($1)}@)m4_dnl
