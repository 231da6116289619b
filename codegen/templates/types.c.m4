m4_dnl Source shapes of the generated types (see types.h.m4 for the calls).
m4_dnl
m4_dnl ---- descriptors: static cql_type trees the decoders iterate with ----
m4_define(@{CG_SLICE_LIT}@, @{{(const uint8_t *)$1, sizeof($1) - 1}}@)m4_dnl
m4_define(@{CG_D_NATIVE}@, @{static const cql_type cg_tn_$1 = {.id = CG_TID_$1};
}@)m4_dnl
m4_define(@{CG_D_LIST}@, @{static const cql_type *const cg_tc_$1[] = {&CG_TD($3, $4)};
static const cql_type cg_td_$1 = {.id = m4_ifelse($2, list, CQL_TYPE_LIST, CQL_TYPE_SET), .n_children = 1, .children = cg_tc_$1};
}@)m4_dnl
m4_define(@{CG_D_MAP}@, @{static const cql_type *const cg_tc_$1[] = {&CG_TD($2, $3), &CG_TD($4, $5)};
static const cql_type cg_td_$1 = {.id = CQL_TYPE_MAP, .n_children = 2, .children = cg_tc_$1};
}@)m4_dnl
m4_define(@{CG_D_VECTOR}@, @{static const cql_type *const cg_tc_$1[] = {&CG_TD($2, $3)};
static const cql_type cg_td_$1 = {.id = CQL_TYPE_VECTOR, .n_children = 1, .children = cg_tc_$1, .dimension = $4};
}@)m4_dnl
m4_define(@{CG_D_SF_TYPE}@, @{&CG_TD($3, $4), }@)m4_dnl
m4_define(@{CG_D_SF_NAME}@, @{CG_SLICE_LIT(@{$5}@), }@)m4_dnl
m4_define(@{CG_D_STRUCT}@, @{static const cql_type *const cg_tc_$1[] = {m4_define(@{CG_SF}@, m4_defn(@{CG_D_SF_TYPE}@))$7};
m4_ifelse($2, udt, @{static const cql_slice cg_fn_$1[] = {m4_define(@{CG_SF}@, m4_defn(@{CG_D_SF_NAME}@))$7};
static const cql_type cg_td_$1 = {.id = CQL_TYPE_UDT, .n_children = $6, .children = cg_tc_$1,
  .udt_keyspace = CG_SLICE_LIT(@{$4}@), .udt_name = CG_SLICE_LIT(@{$5}@), .field_names = cg_fn_$1};
}@, @{static const cql_type cg_td_$1 = {.id = CQL_TYPE_TUPLE, .n_children = $6, .children = cg_tc_$1};
}@)}@)m4_dnl
m4_dnl
m4_dnl ---- collections: views with lazy typed iterators ----
m4_define(@{CG_C_ITER}@, @{
cql_status $1_iter_init($1_iter *it, const $1 *v) {
  it->status_ = CQL_OK;
  return cql_elements_init(&it->elements_, &cg_td_$1, v->raw);
}

cql_status $1_iter_status(const $1_iter *it) {
  return it->status_ != CQL_OK ? it->status_ : cql_elements_status(&it->elements_);
}

cql_status $1_decode(cql_slice in, $1 *out) {
  cql_elements e;
  cql_status rc = cql_elements_init(&e, &cg_td_$1, in);
  if (rc != CQL_OK) {
    return rc;
  }
  out->count = cql_elements_count(&e)$2;
  out->raw = in;
  return CQL_OK;
}

size_t $1_copy_size(const $1 *v) { return v->raw.len; }

void $1_copy_into($1 *v, uint8_t **cursor) { cg_relocate(&v->raw, cursor); }
}@)m4_dnl
m4_define(@{CG_C_LIST}@, @{CG_C_ITER($1, @{}@)
bool $1_next($1_iter *it, CG_T($3, $4) *out) {
  cql_slice value;
  if (!cg_next(it->status_, &it->elements_, &value, &it->status_)) {
    return false;
  }
  it->status_ = CG_DEC($3, $4, value, out);
  return it->status_ == CQL_OK;
}

void $1_write(cql_writer *w, const $1 *v) {
  if (v->raw.ptr != NULL) {
    cql_write_serialized(w, v->raw);
    return;
  }
  cql_write_list_begin(w, v->count);
  for (uint32_t i = 0; i < v->count; i++) {
    CG_WR($3, $4, w, v->items[i]);
  }
  cql_write_end(w);
}
}@)m4_dnl
m4_define(@{CG_C_MAP}@, @{CG_C_ITER($1, @{ / 2}@)
bool $1_next($1_iter *it, CG_T($2, $3) *key, CG_T($4, $5) *value) {
  cql_slice k, v;
  if (!cg_next(it->status_, &it->elements_, &k, &it->status_) ||
      !cg_next(it->status_, &it->elements_, &v, &it->status_)) {
    return false;
  }
  it->status_ = CG_DEC($2, $3, k, key);
  if (it->status_ == CQL_OK) {
    it->status_ = CG_DEC($4, $5, v, value);
  }
  return it->status_ == CQL_OK;
}

void $1_write(cql_writer *w, const $1 *v) {
  if (v->raw.ptr != NULL) {
    cql_write_serialized(w, v->raw);
    return;
  }
  cql_write_map_begin(w, v->count);
  for (uint32_t i = 0; i < v->count; i++) {
    CG_WR($2, $3, w, v->keys[i]);
    CG_WR($4, $5, w, v->values[i]);
  }
  cql_write_end(w);
}
}@)m4_dnl
m4_dnl
m4_dnl ---- vectors: fixed arrays, decoded eagerly ----
m4_define(@{CG_C_VECTOR}@, @{
cql_status $1_decode(cql_slice in, $1 *out) {
  cql_elements e;
  cql_slice value;
  uint32_t i = 0;
  cql_status rc = cql_elements_init(&e, &cg_td_$1, in);
  while (rc == CQL_OK && cg_next(rc, &e, &value, &rc)) {
    if (i == $4) {
      return CQL_E_BAD_VALUE;
    }
    rc = CG_DEC($2, $3, value, &out->items[i]);
    i++;
  }
  if (rc == CQL_OK && i != $4) {
    rc = CQL_E_BAD_VALUE;
  }
  return rc;
}

void $1_write(cql_writer *w, const $1 *v) {
  cql_write_vector_begin(w, &CG_TD($2, $3));
  for (uint32_t i = 0; i < $4; i++) {
    CG_WR($2, $3, w, v->items[i]);
  }
  cql_write_end(w);
}
m4_ifelse(CG_HASVIEW($2), 1, @{
size_t $1_copy_size(const $1 *v) {
  size_t size = 0;
  for (uint32_t i = 0; i < $4; i++) {
    CG_CSZ($2, $3, v->items[i])
  }
  return size;
}

void $1_copy_into($1 *v, uint8_t **cursor) {
  for (uint32_t i = 0; i < $4; i++) {
    CG_CREL($2, $3, v->items[i], cursor)
  }
}
}@, @{
size_t $1_copy_size(const $1 *v) {
  (void)v;
  return 0;
}

void $1_copy_into($1 *v, uint8_t **cursor) {
  (void)v;
  (void)cursor;
}
}@)}@)m4_dnl
m4_dnl
m4_dnl ---- tuples and UDTs: structs, decoded eagerly ----
m4_define(@{CG_C_SF_DEC}@, @{    case $1:
      out->$2_null = is_null;
      if (!is_null) {
        rc = CG_DEC($3, $4, value, &out->$2);
      }
      break;
}@)m4_dnl
m4_define(@{CG_C_SF_NULL}@, @{  out->$2_null = true;
}@)m4_dnl
m4_define(@{CG_C_SF_WR}@, @{  if (v->$2_null) {
    cql_write_null(w);
  } else {
    CG_WR($3, $4, w, v->$2);
  }
}@)m4_dnl
m4_define(@{CG_C_SF_SZ}@, @{  CG_CSZ($3, $4, v->$2)
}@)m4_dnl
m4_define(@{CG_C_SF_REL}@, @{  CG_CREL($3, $4, v->$2, cursor)
}@)m4_dnl
m4_define(@{CG_C_STRUCT}@, @{
cql_status $1_decode(cql_slice in, $1 *out) {
  cql_elements e;
  const cql_type *type;
  cql_slice value;
  bool is_null;
  uint32_t i = 0;
  cql_status rc = cql_elements_init(&e, &cg_td_$1, in);
  if (rc != CQL_OK) {
    return rc;
  }
  memset(out, 0, sizeof *out);
  /* Fields missing at the end of the value are null. */
m4_define(@{CG_SF}@, m4_defn(@{CG_C_SF_NULL}@))$7m4_dnl
  while (rc == CQL_OK && cql_elements_next(&e, &type, &value, &is_null)) {
    switch (i++) {
m4_define(@{CG_SF}@, m4_defn(@{CG_C_SF_DEC}@))$7m4_dnl
    default:
      break;
    }
  }
  rc = rc != CQL_OK ? rc : cql_elements_status(&e);
m4_ifelse($2, udt, @{  /* Fields added to the type after this code was generated are ignored. */
  return rc == CQL_E_TRAILING_BYTES ? CQL_OK : rc;}@, @{  return rc;}@)
}

void $1_write(cql_writer *w, const $1 *v) {
  cql_write_tuple_begin(w);
m4_define(@{CG_SF}@, m4_defn(@{CG_C_SF_WR}@))$7m4_dnl
  cql_write_end(w);
}

size_t $1_copy_size(const $1 *v) {
  size_t size = 0;
  (void)v;
m4_define(@{CG_SF}@, m4_defn(@{CG_C_SF_SZ}@))$7m4_dnl
  return size;
}

void $1_copy_into($1 *v, uint8_t **cursor) {
  (void)v;
  (void)cursor;
m4_define(@{CG_SF}@, m4_defn(@{CG_C_SF_REL}@))$7m4_dnl
}
}@)m4_dnl
m4_dnl UDT registration entries.
m4_define(@{CG_C_UDT_DECODE}@, @{m4_ifelse($2, udt, @{
static cql_status cg_udt_$1(const cql_type *type, cql_slice in, void *out, void *ud) {
  (void)ud;
  if (!cg_udt_matches(type, &cg_td_$1)) {
    return CQL_E_CODEGEN_SCHEMA_MISMATCH;
  }
  return $1_decode(in, ($1 *)out);
}
}@)}@)m4_dnl
m4_define(@{CG_C_UDT_ADD}@, @{m4_ifelse($2, udt, @{  if (rc == CQL_OK) {
    rc = cql_udt_registry_add(reg, $4, $5, sizeof($1), cg_udt_$1, NULL);
  }
}@)}@)m4_dnl
