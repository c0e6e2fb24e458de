// heap_cxx.cc - C++ new[] and delete[] of 80 MiB in 4 KiB blocks; prints the usable bytes it expects to be counted.
// Nothing else is freed before the exit (_exit: no destructor runs): every sample after the frees sees the same heap.
#include <malloc.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <vector>

int main()
{
	const int count = 80 * 1024 * 1024 / 4096;
	std::vector<char *> blocks;
	blocks.reserve(count);
	struct timespec ts = {0, 300000000};
	nanosleep(&ts, nullptr);
	size_t usable = 0;
	for (int i = 0; i < count; i++) {
		blocks.push_back(new char[4096]);
		usable += malloc_usable_size(blocks.back());
	}
	fprintf(stderr, "%zu\n", usable); /* stderr: no stdio buffer to count */
	ts.tv_nsec = 400000000;
	nanosleep(&ts, nullptr);
	for (char *b : blocks)
		delete[] b;
	ts.tv_nsec = 300000000;
	nanosleep(&ts, nullptr);
	_exit(0);
}
