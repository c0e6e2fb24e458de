/* test_fuzz_replay.c - replays the saved fuzzer inputs (tests/fuzz/corpus) through the parsers: none may crash or leak an error. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
#include "../fuzz/fuzz_parsers.c"

static void every_saved_input_parses_or_fails_cleanly(void)
{
	const char *dir = getenv("MPROF_TOP") ? getenv("MPROF_TOP") : ".";
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus", dir);
	DIR *d = opendir(path);
	CHECK(d != NULL);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char file[8192];
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		size_t len;
		char *text = read_file(file, &len, NULL);
		CHECK(text != NULL);
		if (text)
			LLVMFuzzerTestOneInput((const unsigned char *)text, len);
		free(text);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 10);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"every saved input parses or fails cleanly", every_saved_input_parses_or_fails_cleanly},
		{0},
	};
	return unit_run("test_fuzz_replay", tests);
}
