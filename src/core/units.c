/* units.c - sizes and durations as people write them: 500M, 1.5GiB, 512k, 0.1. */
#include "core/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

int units_parse_seconds(const char *s, double *seconds)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0)
		return -1;
	*seconds = v;
	return 0;
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = {
	    {"", 1048576.0},	     {"b", 1.0},
	    {"k", 1024.0},	     {"kb", 1024.0},
	    {"kib", 1024.0},	     {"m", 1048576.0},
	    {"mb", 1048576.0},	     {"mib", 1048576.0},
	    {"g", 1073741824.0},     {"gb", 1073741824.0},
	    {"gib", 1073741824.0},   {"t", 1099511627776.0},
	    {"tb", 1099511627776.0}, {"tib", 1099511627776.0},
	};
	char *end;
	if (!s)
		return -1;
	/* Plain decimals only: no sign, exponent, hex, inf or nan. */
	size_t digits = 0, dots = 0, i = 0;
	for (; isdigit((unsigned char)s[i]) || s[i] == '.'; i++)
		s[i] == '.' ? dots++ : digits++;
	if (!digits || dots > 1)
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s + i || errno || !isfinite(v))
		return -1;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (strcasecmp(end, units[u].suffix) == 0) {
			double b = v * units[u].mult;
			if (b >= 1.8e19)
				return -1;
			*bytes = (uint64_t)llround(b);
			return 0;
		}
	}
	return -1;
}
