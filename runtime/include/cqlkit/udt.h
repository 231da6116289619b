/* A registry of decoders for user-defined types, for generated code.
 *
 * The code generator emits, per UDT, a C struct and a function decoding a
 * serialized value of that UDT into it. Registering those functions lets
 * results decode UDT cells straight into the generated structs
 * (cql_result_get_udt) without the result reader knowing any schema.
 *
 * Ownership: the registry copies the names it is given; `ud` pointers are
 * kept and must outlive the registry. A config borrows the registry
 * (cql_config_set_udt_registry): it must outlive every session made from
 * that config and every result those sessions hand out.
 *
 * Thread safety: register everything first; afterwards the registry is
 * only read and may be shared by any number of threads. */
#ifndef CQLKIT_UDT_H
#define CQLKIT_UDT_H

#include <stddef.h>

#include "cqlkit/config.h"
#include "cqlkit/error.h"
#include "cqlkit/export.h"
#include "cqlkit/mem.h"
#include "cqlkit/result.h"
#include "cqlkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cql_udt_registry cql_udt_registry;

/* Decodes `value`, a serialized value of the UDT `type` (as the server
 * described it: fields in order), into `out`, which points to a struct of
 * the size given at registration. Views into `value` may be stored in
 * `out`; they live as long as the value's owner. Returns CQL_OK or an
 * error (CQL_E_CODEGEN_SCHEMA_MISMATCH when the fields are not the ones
 * the struct was generated for, CQL_E_BAD_VALUE...). */
typedef cql_status (*cql_udt_decode_fn)(const cql_type *type, cql_slice value, void *out, void *ud);

/* An empty registry; the caller frees it with cql_udt_registry_free().
 * `mem` may be NULL. Errors: CQL_E_INVALID_ARG (out NULL), CQL_E_NOMEM. */
CQL_EXPORT cql_status cql_udt_registry_new(cql_udt_registry **out, const cql_mem *mem);

/* NULL is a no-op. */
CQL_EXPORT void cql_udt_registry_free(cql_udt_registry *reg);

/* Registers `fn` for the UDT keyspace.type_name (names copied, compared
 * exactly as the server sends them; `keyspace` NULL or "" matches a type
 * of that name in any keyspace). `struct_size` is the size of the struct
 * `fn` fills. Errors: CQL_E_INVALID_ARG (NULL name or fn, zero size,
 * a type already registered under the same names), CQL_E_NOMEM. */
CQL_EXPORT cql_status cql_udt_registry_add(cql_udt_registry *reg, const char *keyspace,
                                           const char *type_name, size_t struct_size,
                                           cql_udt_decode_fn fn, void *ud);

/* Decodes `value` of `type` (a UDT) with the registered function.
 * Errors: CQL_E_TYPE_MISMATCH (type is not a UDT), CQL_E_NOT_FOUND (no
 * decoder for it), CQL_E_INVALID_ARG (out_size differs from the registered
 * struct size), and whatever the decoder returns. */
CQL_EXPORT cql_status cql_udt_registry_decode(const cql_udt_registry *reg, const cql_type *type,
                                              cql_slice value, void *out, size_t out_size);

/* Makes sessions created from `cfg` decode UDTs with `reg` (borrowed; see
 * above). NULL removes it. */
CQL_EXPORT cql_status cql_config_set_udt_registry(cql_config *cfg, const cql_udt_registry *reg);

/* Decodes the UDT cell (row, col) into `out` through the registry of the
 * session that produced the result. Views stored in `out` live as long as
 * the result. Errors: those of the cell getters (result.h) and of
 * cql_udt_registry_decode; CQL_E_NOT_FOUND when the result has no
 * registry. */
CQL_EXPORT cql_status cql_result_get_udt(const cql_result *r, size_t row, size_t col, void *out,
                                         size_t out_size);

#ifdef __cplusplus
}
#endif

#endif
