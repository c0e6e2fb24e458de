/* dwsym.h - naming code after the run with elfutils (libdwfl): functions (static ones included),
 * file:line, inlined frames, separate debug files; C++ names demangled. */
#ifndef MPROF_DWSYM_H
#define MPROF_DWSYM_H

#include <stdint.h>

struct dwsym;

/* One named frame. An address inside inlined code gives several: the inlined
 * functions innermost first, then the function that holds the address. */
struct dwsym_frame {
	char *name; /* demangled; NULL when the file has no symbol for the address */
	char *line; /* "file:line", or NULL */
	int inlined;
};

/* A cache of opened module files and their debug information. NULL when elfutils
 * cannot start. Free with dwsym_free. */
struct dwsym *dwsym_new(void);

/* Names the code at vaddr (the ELF file's own virtual address) of the ELF file at
 * path: fills out[0..n) innermost first and returns n, at least 1 (a frame with
 * name NULL when nothing is known) and at most max (>= 1): a deeper inline chain
 * keeps its innermost max - 1 inlined frames and the function that holds them. The strings are
 * malloc'd: the caller frees them (dwsym_frame_release). */
int dwsym_frames(struct dwsym *s, const char *path, uint64_t vaddr, struct dwsym_frame *out,
		 int max);

void dwsym_frame_release(struct dwsym_frame *f);

/* 1 when the ELF file at path names its local functions: it has a full symbol
 * table, or debug information (its own or a separate debug file); 0 when only
 * its exported symbols (or none) are known. */
int dwsym_has_symbols(struct dwsym *s, const char *path);

void dwsym_free(struct dwsym *s);

/* The readable form of a C++ (Itanium ABI) symbol, malloc'd, through the C++
 * runtime's own demangler loaded at run time; NULL when name is not a mangled
 * name or no C++ runtime is installed. */
char *dwsym_demangle(const char *name);

#endif
