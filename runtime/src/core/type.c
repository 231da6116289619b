/* Type descriptors: the tables of names, shared static natives, equality
 * and sizes. Parsing and formatting live in type_option.c, type_class.c
 * and type_cql.c. */
#include <string.h>

#include "type_impl.h"

typedef struct type_names {
  cql_type_id id;
  const char *keyword; /* CQL name */
  const char *klass;   /* marshal class short name */
} type_names;

static const type_names NAMES[] = {
    {CQL_TYPE_ASCII, "ascii", "AsciiType"},
    {CQL_TYPE_BIGINT, "bigint", "LongType"},
    {CQL_TYPE_BLOB, "blob", "BytesType"},
    {CQL_TYPE_BOOLEAN, "boolean", "BooleanType"},
    {CQL_TYPE_COUNTER, "counter", "CounterColumnType"},
    {CQL_TYPE_DECIMAL, "decimal", "DecimalType"},
    {CQL_TYPE_DOUBLE, "double", "DoubleType"},
    {CQL_TYPE_FLOAT, "float", "FloatType"},
    {CQL_TYPE_INT, "int", "Int32Type"},
    {CQL_TYPE_TIMESTAMP, "timestamp", "TimestampType"},
    {CQL_TYPE_UUID, "uuid", "UUIDType"},
    {CQL_TYPE_VARCHAR, "text", "UTF8Type"},
    {CQL_TYPE_VARINT, "varint", "IntegerType"},
    {CQL_TYPE_TIMEUUID, "timeuuid", "TimeUUIDType"},
    {CQL_TYPE_INET, "inet", "InetAddressType"},
    {CQL_TYPE_DATE, "date", "SimpleDateType"},
    {CQL_TYPE_TIME, "time", "TimeType"},
    {CQL_TYPE_SMALLINT, "smallint", "ShortType"},
    {CQL_TYPE_TINYINT, "tinyint", "ByteType"},
    {CQL_TYPE_DURATION, "duration", "DurationType"},
    {CQL_TYPE_LIST, "list", "ListType"},
    {CQL_TYPE_MAP, "map", "MapType"},
    {CQL_TYPE_SET, "set", "SetType"},
    {CQL_TYPE_UDT, NULL, "UserType"},
    {CQL_TYPE_TUPLE, "tuple", "TupleType"},
    {CQL_TYPE_VECTOR, "vector", "VectorType"},
    /* Aliases, accepted when parsing and never written. */
    {CQL_TYPE_VARCHAR, "varchar", NULL},
    {CQL_TYPE_TIMESTAMP, NULL, "DateType"}, /* the pre-2.0 timestamp class */
};

enum { N_NAMES = sizeof(NAMES) / sizeof(NAMES[0]) };

#define NATIVE_(name) [CQL_TYPE_##name] = {.id = CQL_TYPE_##name}
static const cql_type NATIVES[CQL_TYPE_DURATION + 1] = {
    NATIVE_(ASCII),   NATIVE_(BIGINT),  NATIVE_(BLOB),     NATIVE_(BOOLEAN),  NATIVE_(COUNTER),
    NATIVE_(DECIMAL), NATIVE_(DOUBLE),  NATIVE_(FLOAT),    NATIVE_(INT),      NATIVE_(TIMESTAMP),
    NATIVE_(UUID),    NATIVE_(VARCHAR), NATIVE_(VARINT),   NATIVE_(TIMEUUID), NATIVE_(INET),
    NATIVE_(DATE),    NATIVE_(TIME),    NATIVE_(SMALLINT), NATIVE_(TINYINT),  NATIVE_(DURATION),
};
#undef NATIVE_

const cql_type *cql_type_native(cql_type_id id) {
  /* id 0 (custom) and the retired 0x000A leave a zeroed slot behind. */
  if ((unsigned)id > CQL_TYPE_DURATION || NATIVES[id].id != id || id == CQL_TYPE_CUSTOM)
    return NULL;
  return &NATIVES[id];
}

const char *cql_type_native_name(cql_type_id id) {
  if (!cql_type_native(id))
    return NULL;
  for (size_t i = 0; i < N_NAMES; i++)
    if (NAMES[i].id == id && NAMES[i].keyword)
      return NAMES[i].keyword;
  return NULL;
}

const char *cql_type_class_name(cql_type_id id) {
  for (size_t i = 0; i < N_NAMES; i++)
    if (NAMES[i].id == id && NAMES[i].klass)
      return NAMES[i].klass;
  return NULL;
}

int cql_type_class_id(cql_slice short_name) {
  for (size_t i = 0; i < N_NAMES; i++)
    if (NAMES[i].klass && cql_slice_eq_cstr(short_name, NAMES[i].klass))
      return (int)NAMES[i].id;
  return -1;
}

static bool eq_nocase(cql_slice s, const char *word) {
  size_t n = strlen(word);
  if (s.len != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s.ptr[i];
    if (c >= 'A' && c <= 'Z')
      c = (uint8_t)(c - 'A' + 'a');
    if (c != (uint8_t)word[i])
      return false;
  }
  return true;
}

int cql_type_keyword_id(cql_slice word) {
  for (size_t i = 0; i < N_NAMES; i++)
    if (NAMES[i].keyword && eq_nocase(word, NAMES[i].keyword))
      return (int)NAMES[i].id;
  return -1;
}

cql_slice cql_type_short_class(cql_slice name, bool *qualified) {
  size_t plen = sizeof(CQL_MARSHAL_PREFIX) - 1;
  *qualified = name.len > plen && memcmp(name.ptr, CQL_MARSHAL_PREFIX, plen) == 0;
  if (*qualified) {
    name.ptr += plen;
    name.len -= plen;
  }
  return name;
}

cql_type *cql_type_new(cql_arena *a, cql_type_id id, uint32_t n, const cql_type ***kids) {
  cql_type *t = cql_arena_alloc(a, sizeof(*t));
  const cql_type **arr = NULL;
  if (t && n) {
    arr = cql_arena_calloc(a, n, sizeof(*arr));
    if (!arr)
      return NULL;
  }
  if (!t)
    return NULL;
  t->id = id;
  t->n_children = n;
  t->children = arr;
  if (kids)
    *kids = arr;
  return t;
}

bool cql_type_copy_slice(cql_arena *a, cql_slice s, cql_slice *out) {
  out->ptr = NULL;
  out->len = 0;
  if (s.len == 0)
    return true;
  uint8_t *p = cql_arena_alloc(a, s.len);
  if (!p)
    return false;
  memcpy(p, s.ptr, s.len);
  out->ptr = p;
  out->len = s.len;
  return true;
}

static bool equal_at(const cql_type *a, const cql_type *b, int depth) {
  if (a == b)
    return true;
  if (!a || !b || depth > CQL_TYPE_MAX_DEPTH || a->id != b->id || a->n_children != b->n_children ||
      a->dimension != b->dimension)
    return false;
  if (a->id == CQL_TYPE_CUSTOM && !cql_slice_eq(a->custom_class, b->custom_class))
    return false;
  if (a->id == CQL_TYPE_UDT) {
    if (!cql_slice_eq(a->udt_keyspace, b->udt_keyspace) || !cql_slice_eq(a->udt_name, b->udt_name))
      return false;
    for (uint32_t i = 0; i < a->n_children; i++)
      if (!cql_slice_eq(a->field_names[i], b->field_names[i]))
        return false;
  }
  for (uint32_t i = 0; i < a->n_children; i++)
    if (!equal_at(a->children[i], b->children[i], depth + 1))
      return false;
  return true;
}

bool cql_type_equal(const cql_type *a, const cql_type *b) { return equal_at(a, b, 1); }

const cql_type *cql_type_resolve(const cql_type *t) {
  if (!t || t->id != CQL_TYPE_CUSTOM)
    return t;
  bool qualified;
  cql_slice name = cql_type_short_class(t->custom_class, &qualified);
  if (!qualified && memchr(name.ptr ? (const void *)name.ptr : "", '.', name.len))
    return t;
  int id = cql_type_class_id(name);
  const cql_type *native = id >= 0 ? cql_type_native((cql_type_id)id) : NULL;
  return native ? native : t;
}

static size_t fixed_at(const cql_type *t, int depth) {
  t = cql_type_resolve(t);
  /* Cassandra's valueLengthIfFixed: tinyint, smallint, date and time
   * have fixed-size values too, yet Cassandra does not count them as
   * fixed, so inside a vector they carry a length like text does. */
  switch (t->id) {
  case CQL_TYPE_BOOLEAN:
    return 1;
  case CQL_TYPE_INT:
  case CQL_TYPE_FLOAT:
    return 4;
  case CQL_TYPE_BIGINT:
  case CQL_TYPE_TIMESTAMP:
  case CQL_TYPE_DOUBLE:
    return 8;
  case CQL_TYPE_UUID:
  case CQL_TYPE_TIMEUUID:
    return 16;
  case CQL_TYPE_VECTOR: {
    /* A vector of fixed-size elements is itself fixed-size (Cassandra
     * packs vector<vector<float, 2>, 3> as six floats). */
    if (depth >= CQL_TYPE_MAX_DEPTH || t->n_children != 1)
      return 0;
    size_t e = fixed_at(t->children[0], depth + 1);
    if (e == 0 || t->dimension == 0 || e > SIZE_MAX / t->dimension)
      return 0;
    return e * t->dimension;
  }
  default:
    return 0;
  }
}

size_t cql_type_fixed_size(const cql_type *t) { return fixed_at(t, 1); }
