/* churn.c - allocates and frees as fast as it can until the file argv[1] exists, after creating the file argv[2] once it is under way. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	for (long i = 1;; i++) {
		void *volatile p = malloc(32);
		free(p);
		if (i % 4096)
			continue;
		if (i == 65536) { /* under way: open(2), as stdio would allocate */
			int fd = open(argv[2], O_WRONLY | O_CREAT, 0600);
			if (fd >= 0)
				close(fd);
		}
		if (access(argv[1], F_OK) == 0)
			return 0;
	}
}
