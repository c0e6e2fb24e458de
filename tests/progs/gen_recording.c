/* gen_recording.c - writes a big synthetic recording to stdout: N samples of MEM, MAXRSS and HEAP lines (with C children: one CHLD line per sample, the children in turn), a FUNC line every 100 samples, for measuring readers. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_recording SAMPLES [CHILDREN]\n");
		return 2;
	}
	long n = atol(argv[1]), kids = argc > 2 ? atol(argv[2]) : 0;
	unsigned long long seed = 12345;
	double t0 = 1700000000.0, mem = 100, heap = 50;
	printf("CMDLINE gen_recording %ld\n", n);
	printf("MPROF 1 interval=0.010000 backend=rss children=%s hooks=1 hwm=1\n",
	       kids ? "split" : "none");
	for (long i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double step = (double)((seed >> 33) % 2001) / 1000.0 - 1.0; /* -1..1 MiB */
		mem += step;
		if (mem < 10)
			mem = 10;
		heap = mem / 2;
		double t = t0 + (double)i * 0.01;
		printf("MEM %.6f %.6f\n", mem, t);
		printf("MAXRSS %.6f %.6f\n", mem + 0.5, t);
		printf("HEAP %.6f %.6f %.6f %ld %ld %.6f %.6f\n", heap, heap + 0.25, t, i * 10, i * 9,
		       1.0, heap - 0.25);
		if (kids)
			printf("CHLD %ld %.6f %.6f\n", 100000 + i % kids, mem / 4, t);
		if (i % 100 == 99)
			printf("FUNC work %.4f %.4f %.4f %.4f 0 %.4f %.4f\n", mem, t - 0.5, mem, t - 0.005,
			       heap, heap);
	}
	printf("EXIT 0 %.6f %.6f\n", t0 + (double)n * 0.01, mem);
	return 0;
}
