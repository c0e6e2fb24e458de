/* static_prog.c - linked statically (see the Makefile): LD_PRELOAD cannot reach it; touches 30 MiB. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char *p = malloc(30 << 20);
	memset(p, 1, 30 << 20);
	usleep(300000);
	free(p);
	return 0;
}
