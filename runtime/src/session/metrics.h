/* Request latency as an HDR-style histogram: buckets grow geometrically
 * (16 per power of two), so percentiles cost a fixed 5 KiB and stay within
 * about 6% of the true value whatever the range, and recording is O(1). */
#ifndef CQL_SESSION_METRICS_H
#define CQL_SESSION_METRICS_H

#include <stdint.h>

enum { CQL_HIST_LINEAR = 32, CQL_HIST_SUB = 16, CQL_HIST_BUCKETS = 32 + 16 * 59 };

typedef struct cql_latency_hist {
  uint64_t count;
  uint64_t buckets[CQL_HIST_BUCKETS];
} cql_latency_hist;

/* Records one value (microseconds). */
void cql_hist_record(cql_latency_hist *h, uint64_t us);

/* The value at quantile q (0..1): the upper bound of the bucket holding
 * it; 0 when empty. */
uint64_t cql_hist_quantile(const cql_latency_hist *h, double q);

/* Bucket index of a value and the largest value of a bucket (for tests). */
uint32_t cql_hist_index(uint64_t us);
uint64_t cql_hist_upper(uint32_t index);

#endif
