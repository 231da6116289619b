/* Latency buckets: values below 32 have a bucket each; above, each power of
 * two [2^e, 2^(e+1)) is cut into 16 equal buckets. */
#include "metrics.h"

static uint32_t msb(uint64_t v) {
  uint32_t e = 0;
  while (v >>= 1)
    e++;
  return e;
}

uint32_t cql_hist_index(uint64_t us) {
  if (us < CQL_HIST_LINEAR)
    return (uint32_t)us;
  uint32_t e = msb(us); /* >= 5 */
  uint32_t sub = (uint32_t)(us >> (e - 4)) & (CQL_HIST_SUB - 1);
  uint32_t i = CQL_HIST_LINEAR + (e - 5) * CQL_HIST_SUB + sub;
  return i < CQL_HIST_BUCKETS ? i : CQL_HIST_BUCKETS - 1;
}

uint64_t cql_hist_upper(uint32_t index) {
  if (index < CQL_HIST_LINEAR)
    return index;
  uint32_t e = (index - CQL_HIST_LINEAR) / CQL_HIST_SUB + 5;
  uint64_t sub = (index - CQL_HIST_LINEAR) % CQL_HIST_SUB;
  uint64_t width = UINT64_C(1) << (e - 4);
  return (UINT64_C(1) << e) + (sub + 1) * width - 1;
}

void cql_hist_record(cql_latency_hist *h, uint64_t us) {
  h->buckets[cql_hist_index(us)]++;
  h->count++;
}

uint64_t cql_hist_quantile(const cql_latency_hist *h, double q) {
  if (h->count == 0)
    return 0;
  uint64_t rank = (uint64_t)(q * (double)h->count);
  if (rank >= h->count)
    rank = h->count - 1;
  uint64_t seen = 0;
  for (uint32_t i = 0; i < CQL_HIST_BUCKETS; i++) {
    seen += h->buckets[i];
    if (seen > rank)
      return cql_hist_upper(i);
  }
  return cql_hist_upper(CQL_HIST_BUCKETS - 1);
}
