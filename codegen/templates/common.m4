m4_dnl Shared by keyspace.h.m4 and keyspace.c.m4: how each native CQL type
m4_dnl maps to C. The generator (m4data.py) runs `m4 -P` with the quotes
m4_dnl @{ }@ and no comment character, then defines the data macros
m4_dnl (CG_COMPOUNDS, CG_QUERIES...) and includes one template.
m4_dnl
m4_dnl Per native kind k: CG_CTYPE_k (C type), CG_TID_k (cql_type_id),
m4_dnl CG_DEC_k(in, out) (decode a cql_slice into *out), CG_WR_k(w, v)
m4_dnl (write value v), CG_CSZ_k(v) / CG_CREL_k(v, cur) (bytes a deep copy
m4_dnl needs / move them into the copy; empty for fixed-size types).
m4_define(@{CG_NATIVE_TYPE}@, @{m4_define(@{CG_CTYPE_$1}@, @{$2}@)m4_define(@{CG_TID_$1}@, @{$3}@)m4_define(@{CG_DEC_$1}@, @{$4($}@@{1, $}@@{2)}@)m4_define(@{CG_WR_$1}@, @{$5}@)m4_define(@{CG_VIEW_$1}@, @{$6}@)}@)m4_dnl
m4_dnl             kind       C type         type id              decoder               writer (w, v)                                  view path
CG_NATIVE_TYPE(@{ascii}@, @{cql_slice}@, @{CQL_TYPE_ASCII}@, @{cql_decode_ascii}@, @{cql_write_bytes($1, ($2).ptr, ($2).len)}@, @{}@)m4_dnl
CG_NATIVE_TYPE(@{text}@, @{cql_slice}@, @{CQL_TYPE_VARCHAR}@, @{cql_decode_text}@, @{cql_write_bytes($1, ($2).ptr, ($2).len)}@, @{}@)m4_dnl
CG_NATIVE_TYPE(@{blob}@, @{cql_slice}@, @{CQL_TYPE_BLOB}@, @{cg_decode_blob}@, @{cql_write_bytes($1, ($2).ptr, ($2).len)}@, @{}@)m4_dnl
CG_NATIVE_TYPE(@{bigint}@, @{int64_t}@, @{CQL_TYPE_BIGINT}@, @{cql_decode_bigint}@, @{cql_write_bigint($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{counter}@, @{int64_t}@, @{CQL_TYPE_COUNTER}@, @{cql_decode_bigint}@, @{cql_write_bigint($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{timestamp}@, @{cql_timestamp}@, @{CQL_TYPE_TIMESTAMP}@, @{cql_decode_bigint}@, @{cql_write_bigint($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{time}@, @{cql_time}@, @{CQL_TYPE_TIME}@, @{cql_decode_time}@, @{cql_write_bigint($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{date}@, @{cql_date}@, @{CQL_TYPE_DATE}@, @{cql_decode_date}@, @{cql_write_date($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{boolean}@, @{bool}@, @{CQL_TYPE_BOOLEAN}@, @{cql_decode_boolean}@, @{cql_write_boolean($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{tinyint}@, @{int8_t}@, @{CQL_TYPE_TINYINT}@, @{cql_decode_tinyint}@, @{cql_write_tinyint($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{smallint}@, @{int16_t}@, @{CQL_TYPE_SMALLINT}@, @{cql_decode_smallint}@, @{cql_write_smallint($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{int}@, @{int32_t}@, @{CQL_TYPE_INT}@, @{cql_decode_int}@, @{cql_write_int($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{float}@, @{float}@, @{CQL_TYPE_FLOAT}@, @{cql_decode_float}@, @{cql_write_float($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{double}@, @{double}@, @{CQL_TYPE_DOUBLE}@, @{cql_decode_double}@, @{cql_write_double($1, $2)}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{uuid}@, @{cql_uuid}@, @{CQL_TYPE_UUID}@, @{cql_decode_uuid}@, @{cql_write_uuid($1, &($2))}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{timeuuid}@, @{cql_uuid}@, @{CQL_TYPE_TIMEUUID}@, @{cql_decode_timeuuid}@, @{cql_write_uuid($1, &($2))}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{inet}@, @{cql_inet}@, @{CQL_TYPE_INET}@, @{cql_decode_inet}@, @{cql_write_inet($1, &($2))}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{duration}@, @{cql_duration}@, @{CQL_TYPE_DURATION}@, @{cql_decode_duration}@, @{cql_write_duration($1, &($2))}@, @{-}@)m4_dnl
CG_NATIVE_TYPE(@{varint}@, @{cql_varint}@, @{CQL_TYPE_VARINT}@, @{cql_decode_varint}@, @{cql_write_varint($1, $2)}@, @{.bytes}@)m4_dnl
CG_NATIVE_TYPE(@{decimal}@, @{cql_decimal}@, @{CQL_TYPE_DECIMAL}@, @{cql_decode_decimal}@, @{cql_write_decimal($1, &($2))}@, @{.unscaled.bytes}@)m4_dnl
m4_dnl
m4_dnl Dispatch on a type reference (kind, cname): kind is a native name or
m4_dnl `compound`, whose C type cname has generated functions.
m4_define(@{CG_T}@, @{m4_ifelse(@{$1}@, @{compound}@, @{$2}@, @{CG_CTYPE_$1}@)}@)m4_dnl
m4_dnl CG_TD(kind, cname): the static cql_type descriptor (in the source).
m4_define(@{CG_TD}@, @{m4_ifelse(@{$1}@, @{compound}@, @{cg_td_$2}@, @{cg_tn_$1}@)}@)m4_dnl
m4_define(@{CG_TID}@, @{m4_ifelse(@{$1}@, @{compound}@, @{cg_td_$2.id}@, @{CG_TID_$1}@)}@)m4_dnl
m4_dnl CG_DEC(kind, cname, in, out): a cql_status expression.
m4_define(@{CG_DEC}@, @{m4_ifelse(@{$1}@, @{compound}@, @{$2_decode($3, $4)}@, @{CG_DEC_$1($3, $4)}@)}@)m4_dnl
m4_dnl CG_WR(kind, cname, w, v): a statement writing value v.
m4_define(@{CG_WR}@, @{m4_ifelse(@{$1}@, @{compound}@, @{$2_write($3, &($4))}@, @{CG_WR_$1($3, $4)}@)}@)m4_dnl
m4_dnl CG_CSZ(kind, cname, v): `size += ...;` for a deep copy, or nothing.
m4_define(@{CG_CSZ}@, @{m4_ifelse(@{$1}@, @{compound}@, @{size += $2_copy_size(&($3));}@, @{m4_ifelse(CG_VIEW_$1, @{-}@, @{}@, @{size += ($3)CG_VIEW_$1.len;}@)}@)}@)m4_dnl
m4_dnl CG_CREL(kind, cname, v, cur): moves the bytes v views into *cur.
m4_define(@{CG_CREL}@, @{m4_ifelse(@{$1}@, @{compound}@, @{$2_copy_into(&($3), $4);}@, @{m4_ifelse(CG_VIEW_$1, @{-}@, @{}@, @{cg_relocate(&($3)CG_VIEW_$1, $4);}@)}@)}@)m4_dnl
m4_dnl CG_HASVIEW(kind): 1 when a value of this kind may point into a page.
m4_define(@{CG_HASVIEW}@, @{m4_ifelse(@{$1}@, @{compound}@, @{1}@, @{m4_ifelse(CG_VIEW_$1, @{-}@, @{0}@, @{1}@)}@)}@)m4_dnl
m4_dnl Per query: CG_QPARAMS(np, qname) is `, const <q>_params *p` or nothing.
m4_define(@{CG_QPARAMS}@, @{m4_ifelse(@{$1}@, @{0}@, @{}@, @{, const $2_params *p}@)}@)m4_dnl
m4_define(@{CG_QARG}@, @{m4_ifelse(@{$1}@, @{0}@, @{}@, @{, p}@)}@)m4_dnl
m4_define(@{CG_NOTE}@, @{/* Generated by cqlkit-gen (codegen/cqlkit-gen) from the templates $1
 * (codegen/templates) and the inputs CG_INPUTS (keyspace CG_KEYSPACE).
 * Do not edit: change the inputs and regenerate. */}@)m4_dnl
