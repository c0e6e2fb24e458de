/* test_fuzz_replay.c - replays the saved fuzzer inputs (tests/fuzz/corpus) through the parsers: none may crash or leak an error. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
#include "../fuzz/fuzz_parsers.c"

static void every_saved_input_parses_or_fails_cleanly(void)
{
	CHECK(unit_replay_corpus("tests/fuzz/corpus", LLVMFuzzerTestOneInput) >= 10);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"every saved input parses or fails cleanly", every_saved_input_parses_or_fails_cleanly},
		{0},
	};
	return unit_run("test_fuzz_replay", tests);
}
