/* deep_stacks.c - allocates (and frees) 16 bytes from argv[1] distinct call stacks (default 20000), each over 64 frames deep. */
#include <stdlib.h>

static volatile int sink;

static __attribute__((noinline)) void leaf(void)
{
	void *p = malloc(16);
	sink += p != NULL;
	free(p);
}

/* Below level 16 each level calls on through one of two call sites, chosen by a
 * bit of code: 2^16 distinct innermost stacks. */
static __attribute__((noinline)) void down(int level, unsigned code)
{
	if (level == 0) {
		leaf();
	} else if (level > 16 || !(code >> (level - 1) & 1)) {
		down(level - 1, code);
		sink++;
	} else {
		down(level - 1, code);
		sink += 2;
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	for (int i = 0; i < n; i++)
		down(70, (unsigned)i);
	return 0;
}
