/* sitetime.h - the live bytes of the largest allocation sites over the run (STKSITES lines):
 * sampled by the launcher's stack reader, written after the STK lines. */
#ifndef MPROF_SITETIME_H
#define MPROF_SITETIME_H

#include <stdint.h>

#include "core/dat.h"

#define SITETIME_TOP 8			 /* sites per sample: the largest live ones */
#define SITETIME_INTERVAL_NS 100000000LL /* at most one sample per 0.1 s */
#define SITETIME_MAX 4096		 /* samples kept; beyond, every other one is dropped */

struct sitetime;

/* A recorder with nothing in it. Cannot fail. */
struct sitetime *sitetime_new(void);
void sitetime_free(struct sitetime *st);

/* 1 when a sample is due at now_ns (monotonic): the caller then offers the live sites
 * with sitetime_offer and ends with sitetime_commit. */
int sitetime_due(struct sitetime *st, int64_t now_ns);

/* One live site of a live image (an opaque key the caller keeps unique while the
 * image lives) with its live bytes; the largest SITETIME_TOP are kept. */
void sitetime_offer(struct sitetime *st, const void *image, uint32_t id, double bytes);

/* Ends the sample, stamped t (epoch seconds). */
void sitetime_commit(struct sitetime *st, double t);

/* The image has ended and became result number index: its sites are named by it from
 * now on (the key may be reused). */
void sitetime_image_done(struct sitetime *st, const void *image, size_t index);

/* Site id of result index is written as STK line number line (from 0 in the file). */
void sitetime_name(struct sitetime *st, size_t index, uint32_t id, size_t line);

/* Writes the STKSITES lines (docs/format.md); sites never named are left out.
 * Cannot fail (see dat_write_line). */
void sitetime_write(struct sitetime *st, struct dat_writer *w);

#endif
