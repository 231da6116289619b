m4_include(@{common.m4}@)m4_dnl
m4_include(@{types.c.m4}@)m4_dnl
m4_include(@{queries.c.m4}@)m4_dnl
CG_NOTE(@{keyspace.c.m4, common.m4, helpers.c.m4, types.c.m4, queries.c.m4}@)
#include "CG_HEADER"

#include <stdlib.h>
#include <string.h>

m4_include(@{helpers.c.m4}@)m4_dnl

/* ---- type descriptors (what the decoders iterate with) -------------------- */

m4_define(@{CG_NATIVE}@, m4_defn(@{CG_D_NATIVE}@))CG_NATIVES
m4_define(@{CG_LIST}@, m4_defn(@{CG_D_LIST}@))m4_define(@{CG_MAP}@, m4_defn(@{CG_D_MAP}@))m4_define(@{CG_VECTOR}@, m4_defn(@{CG_D_VECTOR}@))m4_define(@{CG_STRUCT}@, m4_defn(@{CG_D_STRUCT}@))m4_dnl
CG_COMPOUNDS
/* ---- types ------------------------------------------------------------------ */
m4_define(@{CG_LIST}@, m4_defn(@{CG_C_LIST}@))m4_define(@{CG_MAP}@, m4_defn(@{CG_C_MAP}@))m4_define(@{CG_VECTOR}@, m4_defn(@{CG_C_VECTOR}@))m4_define(@{CG_STRUCT}@, m4_defn(@{CG_C_STRUCT}@))m4_dnl
CG_COMPOUNDS
const char CG_PFX@{}@_keyspace[] = CG_KEYSPACE_STR;

/* ---- UDT registration --------------------------------------------------------- */
m4_define(@{CG_LIST}@, @{}@)m4_define(@{CG_MAP}@, @{}@)m4_define(@{CG_VECTOR}@, @{}@)m4_define(@{CG_STRUCT}@, m4_defn(@{CG_C_UDT_DECODE}@))m4_dnl
CG_COMPOUNDS
cql_status CG_PFX@{}@_register_udts(cql_udt_registry *reg) {
  cql_status rc = CQL_OK;
  (void)reg;
m4_define(@{CG_STRUCT}@, m4_defn(@{CG_C_UDT_ADD}@))m4_dnl
CG_COMPOUNDS
  return rc;
}

/* ---- queries -------------------------------------------------------------------- */
m4_define(@{CG_QUERY}@, m4_defn(@{CG_C_QUERY}@))m4_dnl
CG_QUERIES
