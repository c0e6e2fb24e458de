/* gc_sites.c - a toy runtime whose collector frees known blocks between mprof_gc_begin and mprof_gc_end: make_node's 2000 blocks and make_buffer's 4 MiB in two collections; make_temp's blocks are freed outside them. Prints each site's freed usable bytes, blocks and collections on stderr. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mprof.h"

#define NODES 2000
#define BUFFERS 4

static void *nodes[NODES], *buffers[BUFFERS];

static __attribute__((noinline)) void *make_node(void)
{
	void *p = malloc(1000);
	memset(p, 1, 1000);
	return p;
}

static __attribute__((noinline)) void *make_buffer(void)
{
	void *p = malloc(1u << 20);
	memset(p, 2, 1u << 20);
	return p;
}

static __attribute__((noinline)) void *make_temp(void)
{
	void *p = malloc(5000);
	memset(p, 3, 5000);
	return p;
}

/* Frees v[from, to) and returns their usable bytes. */
static size_t sweep(void **v, int from, int to)
{
	size_t usable = 0;
	for (int i = from; i < to; i++) {
		usable += malloc_usable_size(v[i]);
		free(v[i]);
	}
	return usable;
}

int main(void)
{
	for (int i = 0; i < NODES; i++)
		nodes[i] = make_node();
	for (int i = 0; i < BUFFERS; i++)
		buffers[i] = make_buffer();
	size_t temps = 0;
	for (int i = 0; i < 100; i++) { /* freed by the program itself */
		void *t = make_temp();
		temps += malloc_usable_size(t);
		free(t);
	}
	/* The first collection frees every node and half the buffers, the second the
	 * rest of the buffers; a third frees nothing. */
	mprof_gc_begin(2);
	size_t node_bytes = sweep(nodes, 0, NODES), buffer_bytes = sweep(buffers, 0, BUFFERS / 2);
	mprof_gc_end(NODES + BUFFERS / 2, 0);
	mprof_gc_begin(0);
	mprof_gc_end(0, 0);
	mprof_gc_begin(1);
	buffer_bytes += sweep(buffers, BUFFERS / 2, BUFFERS);
	mprof_gc_end(BUFFERS / 2, 0);
	fprintf(stderr, "make_node %zu %d 1\n", node_bytes, NODES);
	fprintf(stderr, "make_buffer %zu %d 2\n", buffer_bytes, BUFFERS);
	fprintf(stderr, "make_temp %zu 0 0\n", temps);
	return 0;
}
