/* fuzz_parsers.c - libFuzzer target for the parsers of untrusted input: .dat recordings (their stack lines too), sizes, seconds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dat.h"
#include "core/stkdat.h"
#include "core/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dat_recording r;
	struct err e;
	if (dat_parse("fuzz.dat", (const char *)data, size, &r, &e) == 0) {
		double t;
		dat_peak_rss(&r, &t);
		dat_peak_heap(&r, &t);
		for (size_t i = 0; i < r.nchildren; i++)
			dat_child_peak(&r.children[i]);
		dat_recording_release(&r);
	}
	struct stk_data d;
	if (stk_parse("fuzz.dat", (const char *)data, size, &d, &e) == 0) {
		char buf[64];
		for (size_t i = 0; i < d.nfns; i++)
			stk_fn_label(&d, (uint32_t)i, buf, sizeof(buf));
		stk_pick_image(&d, 0);
		stk_data_release(&d);
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t bytes;
	double secs;
	units_parse_size(s, &bytes);
	units_parse_seconds(s, &secs);
	free(s);
	return 0;
}
