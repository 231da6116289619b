/* Helpers for integration tests: a cqlkit-node and a session on one libuv
 * loop in the test's thread, and blocking wrappers that run that loop until
 * a request completes (bounded in time: a test never hangs).
 *
 *   itest t;
 *   itest_start(&t, NULL, NULL);           node on an ephemeral port + session
 *   cql_result *r = itest_query(&t, "SELECT ...");
 *   ...
 *   cql_result_release(r);
 *   itest_stop(&t);                          closes both, checks the loop is empty
 *
 * Every helper fails the cmocka test (fail_msg) on a timeout or a setup
 * error, so tests read as straight-line code. */
#ifndef CQLKIT_ITEST_H
#define CQLKIT_ITEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqlkit/cqlkit.h"
#include "cqlkit_node.h"

struct uv_loop_s;

/* A cql_mem that counts live bytes and remembers the peak; thread-safe, so
 * it also serves the blocking client's loop thread. */
typedef struct itest_mem {
  cql_mem mem; /* hand &mem to cql_config_new */
  size_t live, peak, allocations;
} itest_mem;

void itest_mem_init(itest_mem *m);
/* Restarts the peak at the current live count. */
void itest_mem_reset_peak(itest_mem *m);
size_t itest_mem_live(itest_mem *m);
size_t itest_mem_peak(itest_mem *m);

typedef struct itest {
  struct uv_loop_s *loop;
  cql_node *node;
  cql_session *session;
  uint16_t port;
  uint32_t timeout_ms; /* per blocking helper; default 30000 */
} itest;

/* Tweaks the session's config before connecting (may be NULL). */
typedef void (*itest_config_fn)(cql_config *cfg, void *ud);

/* Starts a node (options `o`, NULL: defaults) on a new loop and connects a
 * session to it; `configure` adjusts the config first. `mem` (may be NULL)
 * becomes the config's allocator. */
void itest_start_mem(itest *t, const cql_node_options *o, itest_config_fn configure, void *ud,
                     const cql_mem *mem);
void itest_start(itest *t, const cql_node_options *o, itest_config_fn configure, void *ud);

/* Closes the session and the node, runs the loop dry and frees it. */
void itest_stop(itest *t);

/* Runs the loop until *flag becomes true or the timeout passes (then the
 * test fails with `what`). */
void itest_run_until(itest *t, const bool *flag, const char *what);

/* Blocking requests: the result (the caller releases it), whatever its
 * status. */
cql_result *itest_query(itest *t, const char *cql);
cql_result *itest_execute(itest *t, const cql_statement *st);
cql_result *itest_batch(itest *t, const cql_batch *b);
/* The prepared statement (caller releases), failing the test on error. */
cql_prepared *itest_prepare(itest *t, const char *cql);

/* As itest_query, failing the test unless the request succeeded. */
void itest_ok(itest *t, const char *cql);
/* Fails the test with the result's status and message unless it is OK. */
void itest_assert_ok(const cql_result *r, const char *what);

/* The path of the cqlkit-node executable (CQLKIT_NODE_EXE), or NULL. */
const char *itest_node_exe(void);

/* Whether the test runs under valgrind (CQLKIT_UNDER_VALGRIND), to shrink
 * workloads that would take minutes there. */
bool itest_under_valgrind(void);

#endif
