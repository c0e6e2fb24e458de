/* blocks.h - the launcher's table of a process image's live blocks (--stacks): address to size and
 * stack, in about 20 bytes a block. */
#ifndef MPROF_CORE_BLOCKS_H
#define MPROF_CORE_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

struct blocks;

/* An empty table. Cannot fail (aborts on no memory); free with blocks_free. */
struct blocks *blocks_new(void);
void blocks_free(struct blocks *b);

/* Records the block at ptr, forgetting any block recorded there before. Any ptr,
 * size and stack are kept exactly (the values come from the program). Cannot fail
 * (aborts on no memory). */
void blocks_put(struct blocks *b, uint64_t ptr, uint64_t size, uint32_t stack);

/* Forgets the block at ptr: 1 with its size and stack, 0 when none is recorded. */
int blocks_take(struct blocks *b, uint64_t ptr, uint64_t *size, uint32_t *stack);

/* Blocks recorded now. */
size_t blocks_count(const struct blocks *b);

/* Bytes of memory the table holds (its arrays and directory). */
size_t blocks_memory(const struct blocks *b);

#endif
