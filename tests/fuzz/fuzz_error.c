/* Fuzzes the response decoder and encoder with ERROR bodies of every code, version and
 * prefix flags taken from the input (see response_fuzz.h). */
#include <stddef.h>
#include <stdint.h>

#include "response_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fuzz_response(CQL_OP_ERROR, data, size);
}
