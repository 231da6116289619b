/* The cqlkit-node engine: a CQL database in memory, without networking.
 *
 * The network server decodes requests with the protocol core, calls the
 * engine, and encodes the cql_response the engine fills in with
 * cql_response_encode. The engine holds the schema catalog, the store, the
 * prepared statement cache and the generated system tables; a session
 * holds what is per connection (the current keyspace, the protocol
 * version).
 *
 * Threading: an engine and its sessions are used from one thread (the
 * server's loop). Nothing here blocks or performs I/O.
 *
 * Memory: every response, and everything it points to, is allocated from
 * the cql_arena the caller passes in; it stays valid until the caller
 * resets or frees that arena. The engine's own memory (schema, data,
 * prepared statements) comes from the configured allocator and is capped
 * by max_store_bytes for data. */
#ifndef CQL_NODE_ENGINE_H
#define CQL_NODE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cqlkit/error.h"
#include "cqlkit/mem.h"
#include "cqlkit/types.h"
#include "message.h"

typedef struct cql_engine cql_engine;

/* Microseconds since the Unix epoch. Tests inject their own to control
 * write timestamps and TTL expiry. */
typedef int64_t (*cql_clock_fn)(void *ud);

/* A node of the cluster: an entry of `nodes` (a local multi-node cluster)
 * or of `peers` (other nodes listed in system.peers and peers_v2; the
 * single-node default has none). Zero fields take defaults: no tokens
 * means the engine assigns this node its share of the ring, an all-zero
 * host_id means a generated one. */
typedef struct cql_engine_peer {
  cql_inet address;        /* peer / listen address */
  int32_t port;            /* storage port (peers_v2.peer_port) */
  cql_inet native_address; /* rpc_address / native_address */
  int32_t native_port;
  cql_uuid host_id;
  const char *data_center; /* NULL: the local data center */
  const char *rack;        /* NULL: the local rack */
  const int64_t *tokens;
  uint32_t n_tokens;
} cql_engine_peer;

/* Called after every schema change, with the change as an EVENT carries
 * it; the server pushes it to connections registered for SCHEMA_CHANGE.
 * The struct and its slices are valid only during the call. */
typedef void (*cql_schema_hook)(void *ud, const cql_schema_change *change);

typedef struct cql_engine_config {
  const cql_mem *mem; /* NULL: the C library allocator */
  cql_clock_fn clock; /* NULL: the system clock */
  void *clock_ud;
  const char *cluster_name;   /* NULL: "Test Cluster" */
  const char *data_center;    /* NULL: "datacenter1" */
  const char *rack;           /* NULL: "rack1" */
  cql_inet rpc_address;       /* len 0: 127.0.0.1 */
  cql_inet listen_address;    /* len 0: rpc_address */
  cql_inet broadcast_address; /* len 0: listen_address */
  int32_t native_port;        /* 0: 9042 */
  int32_t storage_port;       /* 0: 7000 */
  bool has_host_id;
  cql_uuid host_id;             /* otherwise derived from the clock */
  uint32_t num_tokens;          /* 0: 16, spread evenly over the ring */
  size_t max_store_bytes;       /* 0: 256 MiB of data */
  uint32_t max_prepared;        /* 0: 10000 statements (least recently used go) */
  const cql_engine_peer *peers; /* only with n_nodes == 0 */
  uint32_t n_peers;
  /* Every node of a local multi-node cluster sharing this one engine and
   * its data (n_nodes > 0): system.local describes nodes[node_index] of
   * the asking session, system.peers and peers_v2 list the others, and
   * tokens left empty split the ring evenly between the nodes (num_tokens
   * each). The address fields above are then ignored. */
  const cql_engine_peer *nodes;
  uint32_t n_nodes;
  cql_schema_hook on_schema_change;
  void *schema_ud;
} cql_engine_config;

/* Per-connection state. Zero-initialise, then set `version` (and
 * `node_index` in a multi-node cluster). */
typedef struct cql_engine_session {
  uint8_t version;      /* negotiated protocol version (4 or 5) */
  uint32_t node_index;  /* the node the connection talks to (< n_nodes; 0 by default) */
  uint8_t keyspace[64]; /* current keyspace (USE), keyspace_len 0 for none */
  size_t keyspace_len;
} cql_engine_session;

/* Creates an engine with the system keyspaces in place. `cfg` may be NULL
 * for all defaults; it is copied (strings too). Returns CQL_E_NOMEM or
 * CQL_OK with *out set; free with cql_engine_free. */
cql_status cql_engine_new(const cql_engine_config *cfg, cql_engine **out);
void cql_engine_free(cql_engine *e);

/* Initialises a session for protocol `version`. */
void cql_engine_session_init(cql_engine_session *s, uint8_t version);

/* Handles one request (QUERY, PREPARE, EXECUTE or BATCH) and fills `out`
 * with a RESULT or an ERROR response, all of it allocated from `arena`.
 * `out->stream` is copied from the request. Other opcodes get a
 * PROTOCOL_ERROR. Returns CQL_OK, or CQL_E_NOMEM when even the error
 * response could not be allocated (the caller should then close the
 * connection). */
cql_status cql_engine_handle(cql_engine *e, cql_engine_session *s, const cql_request *req,
                             cql_arena *arena, cql_response *out);

/* The pieces of cql_engine_handle, for callers that already have them. */
cql_status cql_engine_prepare(cql_engine *e, cql_engine_session *s, cql_slice query,
                              const cql_slice *keyspace, cql_arena *arena, cql_response *out);
cql_status cql_engine_query(cql_engine *e, cql_engine_session *s, cql_slice query,
                            const cql_query_params *params, cql_arena *arena, cql_response *out);
/* `result_metadata_id` is the v5 id the client holds (len 0 on v4). */
cql_status cql_engine_execute(cql_engine *e, cql_engine_session *s, cql_slice id,
                              cql_slice result_metadata_id, const cql_query_params *params,
                              cql_arena *arena, cql_response *out);
cql_status cql_engine_batch(cql_engine *e, cql_engine_session *s, const cql_batch_body *batch,
                            cql_arena *arena, cql_response *out);

/* The current schema version (system.local.schema_version). */
cql_uuid cql_engine_schema_version(const cql_engine *e);

/* Bytes of data held by the store (for metrics and tests). */
size_t cql_engine_store_bytes(const cql_engine *e);

#endif
