/* symbols.h - naming code addresses of another process after the fact: /proc/PID/maps, then the
 * module's ELF symbol table. */
#ifndef MPROF_SYMBOLS_H
#define MPROF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sym_file;
struct sym_maps;

/* Caches of modules (their function symbols, static ones included) and of each
 * process's mappings. Zero-initialise; release with sym_release. */
struct symbolizer {
	struct sym_file **files;
	size_t nfiles, files_cap;
	struct sym_maps **maps;
	size_t nmaps, maps_cap;
};

/* Reads (or re-reads) pid's mappings while it is alive, so later lookups work even
 * after it exits. Returns 0, or -1 when /proc/PID/maps cannot be read or holds no
 * file mapping (the process has ended): the previous snapshot then stays. */
int sym_snapshot(struct symbolizer *s, pid_t pid);

/* The name of the function holding addr in pid, or NULL. The string lives as long
 * as s. Uses the latest snapshot, taking one first if there is none. */
const char *sym_lookup(struct symbolizer *s, pid_t pid, uint64_t addr);

/* The module holding addr in pid (its path, living as long as s) and addr as the
 * module's own ELF virtual address. 0, or -1 when no file mapping holds it. */
int sym_locate(struct symbolizer *s, pid_t pid, uint64_t addr, const char **path, uint64_t *vaddr);

/* The function of the ELF file at path holding vaddr, or NULL. Lives as long as s. */
const char *sym_name(struct symbolizer *s, const char *path, uint64_t vaddr);

void sym_release(struct symbolizer *s);

/* Fills lo[i], hi[i] (at most max) with the address ranges, as the ELF file at path
 * states them, of its functions whose names match one of the globs; sorted by lo.
 * Returns how many, or -1 when path has no symbol table. */
int sym_ranges(const char *path, char *const *globs, int nglobs, uint64_t *lo, uint64_t *hi,
	       int max);

#endif
