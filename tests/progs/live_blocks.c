/* live_blocks.c - holds N (argv[1]) small live blocks, then prints its parent's (the launcher's) peak RSS once the recorder has read them all; argv[2] "free" frees every other one first. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* More allocation events than a stack area's ring holds, twice over
 * (MPROF_STK_EVENTS is 1 << 15): once they are sent, the recorder has read and
 * counted every block allocated before them. */
#define FLUSH_PAIRS (1L << 16)

/* The peak RSS of process pid in KiB (VmHWM), -1 when unknown. */
static long hwm_kib(long pid, char *comm, size_t len)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	comm[0] = '\0';
	if (f) {
		if (fgets(comm, (int)len, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	long kib = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int do_free = argc > 2 && !strcmp(argv[2], "free");
	char **blocks = malloc(sizeof(*blocks) * (size_t)(n > 0 ? n : 1));
	unsigned long long bytes = 0, kept = 0, kept_bytes = 0;
	for (long i = 0; i < n; i++) {
		blocks[i] = malloc(16 + (size_t)(i % 3) * 16); /* 24, 40 and 56 usable bytes */
		blocks[i][0] = 1;
		bytes += malloc_usable_size(blocks[i]);
	}
	for (long i = 0; i < n; i++) {
		if (do_free && i % 2) {
			free(blocks[i]);
			continue;
		}
		kept++;
		kept_bytes += malloc_usable_size(blocks[i]);
	}
	for (long i = 0; i < FLUSH_PAIRS; i++) {
		void *volatile p = malloc(8);
		free(p);
	}
	char comm[64];
	long kib = hwm_kib((long)getppid(), comm, sizeof(comm));
	/* At exit the kept blocks and their array are still allocated: the leak. */
	fprintf(stderr, "blocks %ld bytes %llu leak_blocks %llu leak_bytes %llu\n", n, bytes,
		kept + 1, kept_bytes + malloc_usable_size(blocks));
	fprintf(stderr, "parent %s hwm_kib %ld\n", comm, kib);
	return 0;
}
