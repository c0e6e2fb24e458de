/* gendat.c - writes a synthetic mprof recording to stdout: argv[1] samples of MEM, MAXRSS and HEAP lines, and with argv[2] = K > 0 an -M recording whose 10 live children are replaced over the run until K have been seen. */
#include <stdio.h>
#include <stdlib.h>

#define LIVE 10 /* children alive at any sample */

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gendat SAMPLES [CHILDREN]\n");
		return 2;
	}
	long n = atol(argv[1]), kids = argc > 2 ? atol(argv[2]) : 0;
	long live = kids < LIVE ? kids : LIVE;
	/* children are replaced a generation at a time: kids / live generations */
	long gens = live ? (kids + live - 1) / live : 1, per_gen = n / gens ? n / gens : 1;
	double t0 = 1700000000.0, iv = 0.01;
	long allocs = 0, frees = 0;

	printf("CMDLINE bench/gendat %ld %ld\n", n, kids);
	printf("MPROF 1 interval=%.6f backend=rss children=%s hooks=1 hwm=1\n", iv,
	       kids ? "split" : "none");
	for (long i = 0; i < n; i++) {
		double t = t0 + (double)i * iv;
		double mem = 100.0 + (double)(i % 1000) / 10.0 + (double)(i % 7) * 0.013;
		double heap = mem * 0.6;
		allocs += 40 + i % 5;
		frees += 40 + i % 3;
		if (kids) {
			long g = i / per_gen < gens ? i / per_gen : gens - 1;
			for (long c = 0; c < live; c++) {
				long pid = 100000 + g * live + c;
				double cm = 5.0 + (double)c + (double)(i % 100) / 100.0;
				printf("CHLD %ld %.6f %.6f\n", pid, cm, t);
				printf("CHLDMAX %ld %.6f %.6f\n", pid, cm + 0.25, t);
				printf("CHLDHEAP %ld %.6f %.6f %.6f %ld %ld 0.000000 %.6f\n", pid,
				       cm / 2, cm / 2 + 0.1, t, allocs, frees, cm / 2 - 0.1);
			}
		}
		printf("MEM %.6f %.6f\n", mem, t);
		printf("MAXRSS %.6f %.6f\n", mem + (i % 13 == 0 ? 3.5 : 0.0), t);
		printf("HEAP %.6f %.6f %.6f %ld %ld 0.000000 %.6f\n", heap, heap + 0.2, t, allocs,
		       frees, heap - 0.2);
	}
	printf("EXIT 0 %.6f -1\n", t0 + (double)n * iv);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
