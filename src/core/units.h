/* units.h - sizes and durations as people write them: 500M, 1.5GiB, 512k, 0.1. */
#ifndef MPROF_UNITS_H
#define MPROF_UNITS_H

#include <stdint.h>

/* Parses a size into bytes. Suffixes are binary whatever their spelling: k, K, KB,
 * KiB = 1024; M, MB, MiB = 1024^2; G, GB, GiB; T, TB, TiB; B = bytes. A plain number
 * means MiB, like the original mprof. Returns 0, or -1 when s is not a size. */
int units_parse_size(const char *s, uint64_t *bytes);

/* Parses a non-negative decimal number of seconds. 0 or -1. */
int units_parse_seconds(const char *s, double *seconds);

#endif
