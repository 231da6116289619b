/* cqlkit: the whole public API. Include this, link cqlkit.
 *
 *   config.h     where the cluster is and how to talk to it
 *   session.h    connect on your libuv loop, execute, prepare, batch, close
 *   statement.h  statements, binding, prepared statements, batches
 *   result.h     results and rows, read in place
 *   pager.h      streaming large results page by page with bounded memory
 *   client.h     blocking futures for programs without an event loop
 *   codec.h      reading and writing serialized values, collections
 *   types.h      CQL types and their C representations
 *   udt.h        decoders for user-defined types (generated code)
 *   error.h      status codes
 */
#ifndef CQLKIT_CQLKIT_H
#define CQLKIT_CQLKIT_H

#include "cqlkit/client.h"
#include "cqlkit/codec.h"
#include "cqlkit/config.h"
#include "cqlkit/error.h"
#include "cqlkit/pager.h"
#include "cqlkit/result.h"
#include "cqlkit/session.h"
#include "cqlkit/statement.h"
#include "cqlkit/types.h"
#include "cqlkit/udt.h"

#define CQLKIT_VERSION_MAJOR 0
#define CQLKIT_VERSION_MINOR 1
#define CQLKIT_VERSION_PATCH 0
#define CQLKIT_VERSION_STRING "0.1.0"

#endif
