/* System tables: the columns and types Cassandra 4.0 returns (as the
 * transcripts show), their contents, schema versions, peers, and the
 * schema change hook. */
#include "node_test.h"

static void expect_cols(nt *t, const char *q, const char *cols) {
  const cql_response *r = nt_ok(t, q);
  char buf[2048];
  if (strcmp(nt_cols(r, buf, sizeof(buf)), cols) != 0)
    fail_msg("<%s>\n got: %s\nwant: %s", q, buf, cols);
}

static void test_local_and_peers_layout(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  expect_cols(&t, "SELECT * FROM system.local WHERE key='local'",
              "key,bootstrapped,broadcast_address,broadcast_port,cluster_name,cql_version,"
              "data_center,gossip_generation,host_id,listen_address,listen_port,"
              "native_protocol_version,partitioner,rack,release_version,rpc_address,rpc_port,"
              "schema_version,tokens,truncated_at");
  expect_cols(&t, "SELECT * FROM system.peers",
              "peer,data_center,host_id,preferred_ip,rack,release_version,rpc_address,"
              "schema_version,tokens");
  expect_cols(&t, "SELECT * FROM system.peers_v2",
              "peer,peer_port,data_center,host_id,native_address,native_port,preferred_ip,"
              "preferred_port,rack,release_version,schema_version,tokens");
  nt_rows(&t,
          "SELECT release_version, partitioner, cql_version, data_center, rack, "
          "native_protocol_version, rpc_address, rpc_port, cluster_name, bootstrapped FROM "
          "system.local",
          "'4.0.0'|'org.apache.cassandra.dht.Murmur3Partitioner'|'3.4.5'|'datacenter1'|'rack1'|"
          "'5'|'127.0.0.1'|9042|'Test Cluster'|'COMPLETED'");
  nt_rows(&t, "SELECT * FROM system.peers", "");
  nt_rows(&t, "SELECT * FROM system.peers_v2", "");
  /* the metadata types the drivers see */
  const cql_response *r = nt_ok(&t, "SELECT tokens, truncated_at, host_id FROM system.local");
  const cql_column_spec *c = r->u.result.u.rows.metadata.columns;
  assert_int_equal(c[0].type->id, CQL_TYPE_SET);
  assert_int_equal(c[0].type->children[0]->id, CQL_TYPE_VARCHAR);
  assert_int_equal(c[1].type->id, CQL_TYPE_MAP);
  assert_int_equal(c[2].type->id, CQL_TYPE_UUID);
  nt_err(&t, "INSERT INTO system.local (key) VALUES ('x')", 0x2100,
         "system keyspace is not user-modifiable.");
  nt_err(&t, "DROP KEYSPACE system", 0x2100, "system keyspace is not user-modifiable.");
  nt_close(&t);
}

static void test_schema_tables_layout(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  expect_cols(&t, "SELECT * FROM system_schema.keyspaces",
              "keyspace_name,durable_writes,replication");
  expect_cols(&t, "SELECT * FROM system_schema.tables",
              "keyspace_name,table_name,additional_write_policy,bloom_filter_fp_chance,caching,"
              "cdc,comment,compaction,compression,crc_check_chance,dclocal_read_repair_chance,"
              "default_time_to_live,extensions,flags,gc_grace_seconds,id,max_index_interval,"
              "memtable_flush_period_in_ms,min_index_interval,read_repair,read_repair_chance,"
              "speculative_retry");
  expect_cols(&t, "SELECT * FROM system_schema.columns",
              "keyspace_name,table_name,column_name,clustering_order,column_name_bytes,kind,"
              "position,type");
  expect_cols(&t, "SELECT * FROM system_schema.types",
              "keyspace_name,type_name,field_names,field_types");
  expect_cols(&t, "SELECT * FROM system_schema.functions",
              "keyspace_name,function_name,argument_types,argument_names,body,"
              "called_on_null_input,language,return_type");
  expect_cols(&t, "SELECT * FROM system_schema.aggregates",
              "keyspace_name,aggregate_name,argument_types,final_func,initcond,return_type,"
              "state_func,state_type");
  expect_cols(&t, "SELECT * FROM system_schema.triggers",
              "keyspace_name,table_name,trigger_name,options");
  expect_cols(&t, "SELECT * FROM system_schema.indexes",
              "keyspace_name,table_name,index_name,kind,options");
  expect_cols(&t, "SELECT * FROM system_schema.views",
              "keyspace_name,view_name,additional_write_policy,base_table_id,base_table_name,"
              "bloom_filter_fp_chance,caching,cdc,comment,compaction,compression,"
              "crc_check_chance,dclocal_read_repair_chance,default_time_to_live,extensions,"
              "gc_grace_seconds,id,include_all_columns,max_index_interval,"
              "memtable_flush_period_in_ms,min_index_interval,read_repair,read_repair_chance,"
              "speculative_retry,where_clause");
  expect_cols(&t, "SELECT * from system_virtual_schema.keyspaces", "keyspace_name");
  expect_cols(&t, "SELECT * from system_virtual_schema.tables", "keyspace_name,table_name,comment");
  expect_cols(&t, "SELECT * from system_virtual_schema.columns",
              "keyspace_name,table_name,column_name,clustering_order,column_name_bytes,kind,"
              "position,type");
  /* the system keyspaces in token order, as a real node lists them */
  nt_rows(&t, "SELECT keyspace_name FROM system_schema.keyspaces",
          "'system_auth'\n'system_schema'\n'system_distributed'\n'system'\n'system_traces'");
  nt_close(&t);
}

static void test_schema_contents(void **state) {
  (void)state;
  nt t;
  nt_open(&t);
  cql_uuid v0 = cql_engine_schema_version(t.e);
  nt_ok(&t,
        "CREATE KEYSPACE tx WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
  cql_uuid v1 = cql_engine_schema_version(t.e);
  assert_memory_not_equal(v0.bytes, v1.bytes, 16);
  assert_int_equal(v1.bytes[6] >> 4, 3); /* a name-based UUID, like Cassandra's */
  nt_rows(&t, "SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'tx'",
          "'tx'|true|{'class': 'org.apache.cassandra.locator.SimpleStrategy', "
          "'replication_factor': '1'}");
  nt_ok(&t, "USE tx");
  nt_ok(&t, "CREATE TYPE addr (street text, zip int, tags frozen<set<text>>)");
  assert_string_equal(t.last_change_text, "CREATED TYPE tx addr");
  nt_rows(&t, "SELECT * FROM system_schema.types WHERE keyspace_name = 'tx' AND type_name = 'addr'",
          "'tx'|'addr'|['street', 'zip', 'tags']|['text', 'int', 'frozen<set<text>>']");
  nt_ok(&t, "CREATE TABLE kitchen (k int, c text, l list<int>, m map<text,int>, tp "
            "tuple<int,text>, ad frozen<addr>, ad2 addr, st_col text STATIC, PRIMARY KEY (k, c)) "
            "WITH CLUSTERING ORDER BY (c DESC) AND comment = 'hi'");
  nt_rows(&t,
          "SELECT column_name, clustering_order, kind, position, type FROM "
          "system_schema.columns WHERE keyspace_name = 'tx' AND table_name = 'kitchen'",
          "'ad'|'none'|'regular'|-1|'frozen<addr>'\n"
          "'ad2'|'none'|'regular'|-1|'addr'\n"
          "'c'|'desc'|'clustering'|0|'text'\n"
          "'k'|'none'|'partition_key'|0|'int'\n"
          "'l'|'none'|'regular'|-1|'list<int>'\n"
          "'m'|'none'|'regular'|-1|'map<text, int>'\n"
          "'st_col'|'none'|'static'|-1|'text'\n"
          "'tp'|'none'|'regular'|-1|'frozen<tuple<int, text>>'");
  nt_rows(&t,
          "SELECT comment, flags, gc_grace_seconds, default_time_to_live, speculative_retry "
          "FROM system_schema.tables WHERE keyspace_name = 'tx' AND table_name = 'kitchen'",
          "'hi'|{'compound'}|864000|0|'99p'");
  cql_uuid v2 = cql_engine_schema_version(t.e);
  static char buf[256];
  const cql_response *r = nt_ok(&t, "SELECT schema_version FROM system.local WHERE key='local'");
  cql_row_iter it;
  cql_cell cell;
  cql_row_iter_init(&it, &r->u.result);
  assert_true(cql_row_iter_next(&it, &cell));
  assert_int_equal(cell.len, 16);
  assert_memory_equal(cell.bytes.ptr, v2.bytes, 16);
  (void)buf;
  nt_ok(&t, "ALTER TABLE kitchen ADD extra int");
  assert_string_equal(t.last_change_text, "UPDATED TABLE tx kitchen");
  nt_rows(&t,
          "SELECT type FROM system_schema.columns WHERE keyspace_name = 'tx' AND table_name = "
          "'kitchen' AND column_name = 'extra'",
          "'int'");
  nt_ok(&t, "DROP TABLE kitchen");
  assert_string_equal(t.last_change_text, "DROPPED TABLE tx kitchen");
  nt_rows(&t, "SELECT * FROM system_schema.columns WHERE keyspace_name = 'tx'", "");
  nt_ok(&t, "DROP KEYSPACE tx");
  assert_string_equal(t.last_change_text, "DROPPED KEYSPACE tx ");
  nt_rows(&t, "SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'tx'", "");
  nt_close(&t);
}

static void test_peers(void **state) {
  (void)state;
  int64_t toks[2] = {-5, 5};
  cql_engine_peer peer;
  memset(&peer, 0, sizeof(peer));
  peer.address.len = 4;
  peer.address.addr[0] = 127;
  peer.address.addr[3] = 2;
  peer.native_port = 9043;
  peer.tokens = toks;
  peer.n_tokens = 2;
  peer.host_id.bytes[0] = 0xab;
  cql_engine_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.peers = &peer;
  cfg.n_peers = 1;
  cfg.cluster_name = "Other";
  nt t;
  memset(&t, 0, sizeof(t));
  assert_int_equal(cql_engine_new(&cfg, &t.e), CQL_OK);
  cql_engine_session_init(&t.s, 4);
  cql_arena_init(&t.arena, NULL);
  nt_rows(&t,
          "SELECT peer, data_center, rack, release_version, rpc_address, tokens FROM "
          "system.peers",
          "'127.0.0.2'|'datacenter1'|'rack1'|'4.0.0'|'127.0.0.2'|{'-5', '5'}");
  nt_rows(&t, "SELECT peer, peer_port, native_address, native_port FROM system.peers_v2",
          "'127.0.0.2'|7000|'127.0.0.2'|9043");
  nt_rows(&t, "SELECT cluster_name FROM system.local", "'Other'");
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_local_and_peers_layout),
      cmocka_unit_test(test_schema_tables_layout),
      cmocka_unit_test(test_schema_contents),
      cmocka_unit_test(test_peers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
