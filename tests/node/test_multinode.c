/* A local multi-node cluster sharing one engine: each session sees
 * system.local as the node it talks to and the other nodes as peers, the
 * ring is split between the nodes, and the data is the same everywhere. */
#include <stdlib.h>

#include "node_test.h"

enum { N_NODES = 3 };

static void open_cluster(nt *t, cql_engine_peer *nodes) {
  memset(t, 0, sizeof(*t));
  memset(nodes, 0, N_NODES * sizeof(*nodes));
  for (int i = 0; i < N_NODES; i++) {
    nodes[i].address.len = 4;
    nodes[i].address.addr[0] = 127;
    nodes[i].address.addr[3] = (uint8_t)(i + 1);
    nodes[i].native_port = 9042;
  }
  nodes[2].rack = "rack2";
  t->now_us = INT64_C(1700000000000000);
  cql_engine_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.clock = nt_clock;
  cfg.clock_ud = t;
  cfg.nodes = nodes;
  cfg.n_nodes = N_NODES;
  cfg.num_tokens = 4;
  assert_int_equal(cql_engine_new(&cfg, &t->e), CQL_OK);
  cql_engine_session_init(&t->s, 4);
  cql_arena_init(&t->arena, NULL);
}

static void test_views(void **state) {
  (void)state;
  nt t;
  cql_engine_peer nodes[N_NODES];
  open_cluster(&t, nodes);
  /* the caller's array may go away: the engine copied it */
  memset(nodes, 0, sizeof(nodes));
  nt_rows(&t,
          "SELECT broadcast_address, listen_address, rpc_address, rpc_port, rack FROM "
          "system.local",
          "'127.0.0.1'|'127.0.0.1'|'127.0.0.1'|9042|'rack1'");
  nt_rows(&t, "SELECT peer, rpc_address, rack FROM system.peers",
          "'127.0.0.3'|'127.0.0.3'|'rack2'\n'127.0.0.2'|'127.0.0.2'|'rack1'");
  nt_rows(&t, "SELECT peer, peer_port, native_address, native_port FROM system.peers_v2",
          "'127.0.0.3'|7000|'127.0.0.3'|9042\n'127.0.0.2'|7000|'127.0.0.2'|9042");
  t.s.node_index = 2;
  nt_rows(&t, "SELECT broadcast_address, rack FROM system.local", "'127.0.0.3'|'rack2'");
  nt_rows(&t, "SELECT peer FROM system.peers", "'127.0.0.1'\n'127.0.0.2'");
  t.s.node_index = 1;
  nt_rows(&t, "SELECT peer FROM system.peers_v2", "'127.0.0.3'\n'127.0.0.1'");
  /* the host id in system.local is what the other nodes list for it */
  char local_id[128], seen_id[128];
  nt_rows_text(nt_ok(&t, "SELECT host_id FROM system.local"), local_id, sizeof(local_id));
  t.s.node_index = 0;
  nt_rows_text(nt_ok(&t, "SELECT host_id FROM system.peers WHERE peer = '127.0.0.2'"), seen_id,
               sizeof(seen_id));
  assert_string_equal(local_id, seen_id);
  char other_id[128];
  nt_rows_text(nt_ok(&t, "SELECT host_id FROM system.local"), other_id, sizeof(other_id));
  assert_string_not_equal(local_id, other_id);
  nt_close(&t);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Reads the tokens of one node's system.local. */
static uint32_t local_tokens(nt *t, uint32_t node, int64_t *out) {
  t->s.node_index = node;
  char buf[1024];
  nt_rows_text(nt_ok(t, "SELECT tokens FROM system.local"), buf, sizeof(buf));
  uint32_t n = 0;
  for (char *p = buf; (p = strchr(p, '\'')) != NULL;) {
    out[n++] = strtoll(p + 1, &p, 10);
    p = strchr(p, '\'') + 1;
  }
  return n;
}

static void test_tokens_split(void **state) {
  (void)state;
  nt t;
  cql_engine_peer nodes[N_NODES];
  open_cluster(&t, nodes);
  int64_t all[N_NODES * 4];
  uint32_t total = 0;
  for (uint32_t i = 0; i < N_NODES; i++) {
    uint32_t n = local_tokens(&t, i, all + total);
    assert_int_equal(n, 4);
    total += n;
  }
  qsort(all, total, sizeof(all[0]), cmp_i64);
  /* distinct, and evenly spread: neighbours are about 2^64 / 12 apart */
  uint64_t step = UINT64_MAX / total;
  for (uint32_t i = 1; i < total; i++) {
    uint64_t gap = (uint64_t)all[i] - (uint64_t)all[i - 1];
    assert_true(gap > step - 2 && gap < step + 2);
  }
  nt_close(&t);
}

static void test_shared_data(void **state) {
  (void)state;
  nt t;
  cql_engine_peer nodes[N_NODES];
  open_cluster(&t, nodes);
  t.s.node_index = 1;
  nt_ok(&t, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
            "'replication_factor': 3}");
  nt_ok(&t, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
  nt_ok(&t, "INSERT INTO ks.t (k, v) VALUES (1, 'one')");
  t.s.node_index = 2;
  nt_rows(&t, "SELECT v FROM ks.t WHERE k = 1", "'one'");
  /* every node reports the same schema version */
  char a[128], b[128];
  nt_rows_text(nt_ok(&t, "SELECT schema_version FROM system.local"), a, sizeof(a));
  t.s.node_index = 0;
  nt_rows_text(nt_ok(&t, "SELECT schema_version FROM system.peers WHERE peer = '127.0.0.3'"), b,
               sizeof(b));
  assert_string_equal(a, b);
  /* an index past the last node is treated as node 0 would be, not a crash */
  t.s.node_index = 99;
  nt_ok(&t, "SELECT * FROM system.local");
  nt_close(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_views),
      cmocka_unit_test(test_tokens_split),
      cmocka_unit_test(test_shared_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
