/* closefds.c - brackets around a 64 MiB allocation after the program closed every descriptor but 0-2: the bracket still reads RSS at the event. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mprof.h"

int main(void)
{
	mprof_enter("first"); /* the library opens /proc/self/statm here */
	mprof_leave();
	for (int fd = 3; fd < 4096; fd++)
		close(fd);
	size_t n = (size_t)64 << 20;
	mprof_enter("touch");
	char *p = malloc(n);
	if (!p)
		return 1;
	memset(p, 1, n);
	mprof_leave();
	mprof_enter("release");
	free(p);
	mprof_leave();
	return 0;
}
