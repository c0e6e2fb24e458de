/* quick.c - allocates a block in a named function and exits at once: a process too short-lived to be looked at while it runs. */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void *quick_alloc(size_t n)
{
	void *p = malloc(n);
	if (p)
		memset(p, 1, n);
	return p;
}

int main(void)
{
	void *p = quick_alloc(1 << 20);
	__asm__ volatile("" : : "r"(p) : "memory"); /* kept: a leak at exit */
	return 0;
}
