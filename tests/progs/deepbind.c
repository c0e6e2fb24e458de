/* deepbind.c - loads argv[1] with RTLD_DEEPBIND (argv[3] "plain": without), calls its 'deep_alloc' for argv[2] MiB (default 64), holds 0.3 s, frees the block itself; argv[1] "--libc": the block comes from __libc_malloc. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void *__libc_malloc(size_t n); /* glibc's own, which no hook sees */

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: deepbind LIBRARY [MIB]\n");
		return 2;
	}
	size_t mib = argc > 2 ? (size_t)atoi(argv[2]) : 64;
	void *p;
	if (!strcmp(argv[1], "--libc")) {
		p = __libc_malloc(mib << 20);
		memset(p, 1, mib << 20);
	} else {
		int deep = argc > 3 && !strcmp(argv[3], "plain") ? 0 : RTLD_DEEPBIND;
		void *h = dlopen(argv[1], RTLD_NOW | deep);
		if (!h) {
			fprintf(stderr, "deepbind: %s\n", dlerror());
			return 1;
		}
		void *(*deep_alloc)(size_t) = (void *(*)(size_t))dlsym(h, "deep_alloc");
		if (!deep_alloc)
			return 1;
		p = deep_alloc(mib << 20);
	}
	struct timespec ts = {0, 300000000};
	nanosleep(&ts, NULL);
	free(p); /* the program frees what the library allocated */
	nanosleep(&ts, NULL);
	return 0;
}
