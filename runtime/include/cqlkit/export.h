/* Symbol visibility for the cqlkit public API.
 *
 * The library is built with -fvisibility=hidden so that only functions marked
 * CQL_EXPORT form the ABI; internal helpers never leak into a user's link. */
#ifndef CQLKIT_EXPORT_H
#define CQLKIT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CQL_EXPORT __attribute__((visibility("default")))
#else
#define CQL_EXPORT
#endif

#endif
