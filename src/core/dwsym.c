/* dwsym.c - naming code after the run with elfutils (libdwfl): functions (static ones included),
 * file:line, inlined frames, separate debug files; C++ names demangled. */
#include "core/dwsym.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <errno.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* One module file, reported alone at its own addresses (base 0): frames are stored
 * as module + ELF virtual address, so no layout of a process is needed. */
struct dw_sym {
	uint64_t addr, size;
	const char *name; /* owned by libdwfl */
	int rank;	  /* 0 global, 1 weak, 2 local: the first one names an address */
};

struct dw_file {
	char *path;
	Dwfl *dwfl; /* NULL when the file could not be read */
	Dwfl_Module *mod;
	struct dw_sym *syms; /* functions sorted by address, loaded at first use */
	size_t nsyms;
	int loaded;
};

struct dwsym {
	struct dw_file *files;
	size_t nfiles, cap;
	char *debuginfo_path;
	Dwfl_Callbacks cb;
};

/* ---- demangling ---- */

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

char *dwsym_demangle(const char *name)
{
	static demangle_fn fn;
	static int tried;
	if (!name || strncmp(name, "_Z", 2))
		return NULL;
	if (!tried) {
		/* The CLI does not link the C++ runtime: use it where it is installed. */
		tried = 1;
		void *h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (h)
			*(void **)&fn = dlsym(h, "__cxa_demangle");
	}
	int status = -1;
	char *out = fn ? fn(name, NULL, NULL, &status) : NULL;
	if (status) {
		free(out);
		return NULL;
	}
	return out;
}

/* A name as people read it: demangled when it is a C++ symbol. Malloc'd. */
static char *readable(const char *name)
{
	/* A versioned symbol (__libc_start_main@@GLIBC_2.34) is the same function. */
	char *plain = xstrdup(name), *at = strchr(plain, '@');
	if (at && at != plain)
		*at = '\0';
	char *d = dwsym_demangle(plain);
	if (!d)
		return plain;
	free(plain);
	return d;
}

/* ---- modules ---- */

static int exists(const char *dir, const char *sub, const char *name)
{
	char path[4096];
	return snprintf(path, sizeof(path), "%s%s%s", dir, sub, name) < (int)sizeof(path) &&
	       access(path, R_OK) == 0;
}

/* Whether a separate debug file may be on this machine, where libdwfl looks: by
 * build-id under /usr/lib/debug/.build-id, by .gnu_debuglink name next to the
 * file, in its .debug/ and under /usr/lib/debug. */
static int local_debuginfo(Dwfl_Module *mod, const char *file, const char *link)
{
	const unsigned char *id;
	GElf_Addr at;
	int n = dwfl_module_build_id(mod, &id, &at);
	if (n > 1 && n <= 64) {
		char name[160] = "/usr/lib/debug/.build-id/", *p = name + strlen(name);
		for (int i = 0; i < n; i++)
			p += sprintf(p, "%02x%s", id[i], i == 0 ? "/" : "");
		strcpy(p, ".debug");
		if (access(name, R_OK) == 0)
			return 1;
	}
	if (!link || !*link)
		return 0;
	char dir[4096];
	const char *slash = file ? strrchr(file, '/') : NULL;
	if (!slash || (size_t)(slash - file) >= sizeof(dir))
		return 1; /* no directory to search from: let libdwfl decide */
	memcpy(dir, file, (size_t)(slash - file));
	dir[slash - file] = '\0';
	char deb[4096 + 16];
	snprintf(deb, sizeof(deb), "/usr/lib/debug%s", dir);
	return exists(dir, "/", link) || exists(dir, "/.debug/", link) || exists(deb, "/", link) ||
	       link[0] == '/';
}

/* libdwfl's search for separate debug files, without its last resort when there
 * is nothing local: debuginfod, whose client library (curl, TLS) elfutils 0.188
 * loads even when no server is configured (DEBUGINFOD_URLS unset), a third of a
 * Python run's naming time. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, GElf_Addr base,
			  const char *file, const char *link, GElf_Word crc, char **debug_file)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	if ((!urls || !*urls) && !local_debuginfo(mod, file, link)) {
		errno = 0;
		return -1;
	}
	return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file, link, crc,
					    debug_file);
}

struct dwsym *dwsym_new(void)
{
	struct dwsym *s = xcalloc(1, sizeof(*s));
	s->cb.find_elf = dwfl_build_id_find_elf;
	/* Separate debug files: next to the file, in .debug/, and under /usr/lib/debug
	 * (by .gnu_debuglink name and by build-id), where -dbgsym packages put them. */
	s->cb.find_debuginfo = find_debuginfo;
	s->cb.section_address = dwfl_offline_section_address;
	s->debuginfo_path = NULL;
	s->cb.debuginfo_path = &s->debuginfo_path;
	return s;
}

static struct dw_file *file_of(struct dwsym *s, const char *path)
{
	for (size_t i = 0; i < s->nfiles; i++)
		if (!strcmp(s->files[i].path, path))
			return &s->files[i];
	xgrow((void **)&s->files, &s->cap, s->nfiles + 1, sizeof(*s->files));
	struct dw_file *f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return f;
	f->dwfl = dwfl_begin(&s->cb);
	/* libdwfl owns fd from here, closed with the Dwfl. */
	f->mod = f->dwfl ? dwfl_report_elf(f->dwfl, path, path, fd, 0, false) : NULL;
	if (!f->dwfl)
		close(fd);
	if (f->dwfl)
		dwfl_report_end(f->dwfl, NULL, NULL);
	return f;
}

void dwsym_free(struct dwsym *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++) {
		if (s->files[i].dwfl)
			dwfl_end(s->files[i].dwfl);
		free(s->files[i].syms);
		free(s->files[i].path);
	}
	free(s->files);
	free(s);
}

void dwsym_frame_release(struct dwsym_frame *f)
{
	free(f->name);
	free(f->line);
	memset(f, 0, sizeof(*f));
}

int dwsym_has_symbols(struct dwsym *s, const char *path)
{
	struct dw_file *f = file_of(s, path);
	Dwarf_Addr bias;
	if (!f->mod)
		return 0;
	if (dwfl_module_getdwarf(f->mod, &bias))
		return 1;
	Elf *elf = dwfl_module_getelf(f->mod, &bias);
	for (Elf_Scn *scn = elf ? elf_nextscn(elf, NULL) : NULL; scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			return 1;
	}
	return 0;
}

/* ---- naming ---- */

/* "file:line"; a file named relative to its compilation directory is joined to
 * it when that is absolute (what addr2line printed). Malloc'd, or NULL. */
static char *file_line(Dwarf_Die *cu, const char *file, int line)
{
	if (!file || line <= 0)
		return NULL;
	Dwarf_Attribute a;
	const char *dir =
	    cu && file[0] != '/' ? dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a)) : NULL;
	if (dir && dir[0] != '/')
		dir = NULL;
	size_t n = strlen(file) + (dir ? strlen(dir) + 1 : 0) + 16;
	char *out = xmalloc(n);
	snprintf(out, n, "%s%s%s:%d", dir ? dir : "", dir ? "/" : "", file, line);
	return out;
}

/* The function a DIE names: its linkage name demangled (qualified, with its
 * parameters, as the symbol table would say), else its plain name. */
static char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *link = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!link)
		link = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
	if (link)
		return readable(link);
	const char *name = dwarf_diename(die);
	return name ? xstrdup(name) : NULL;
}

static int by_addr(const void *x, const void *y)
{
	const struct dw_sym *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->rank - b->rank;
}

/* The function symbols of the module (its full table, from the file or its debug
 * file, else its dynamic symbols), sorted once: dwfl_module_addrinfo searches
 * every symbol at each call, which took seconds for a few thousand frames. */
static void load_symbols(struct dw_file *f)
{
	f->loaded = 1;
	int n = dwfl_module_getsymtab(f->mod);
	if (n <= 0)
		return;
	f->syms = xcalloc((size_t)n, sizeof(*f->syms));
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name =
		    dwfl_module_getsym_info(f->mod, i, &sym, &addr, NULL, NULL, NULL);
		if (!name || !*name || GELF_ST_TYPE(sym.st_info) != STT_FUNC || !addr)
			continue;
		int bind = GELF_ST_BIND(sym.st_info);
		f->syms[f->nsyms++] = (struct dw_sym){addr, sym.st_size, name,
						      bind == STB_GLOBAL ? 0
						      : bind == STB_WEAK ? 1
									 : 2};
	}
	qsort(f->syms, f->nsyms, sizeof(*f->syms), by_addr);
}

/* The symbol holding addr, as the symbol table says (static functions included
 * when the file or its debug file has a full table). */
static const char *symbol_at(struct dw_file *f, Dwarf_Addr addr)
{
	if (!f->loaded)
		load_symbols(f);
	/* The first of the symbols at the highest address not above addr. */
	size_t lo = 0, hi = f->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	size_t i = lo - 1;
	while (i > 0 && f->syms[i - 1].addr == f->syms[i].addr)
		i--;
	/* A symbol without a size names only its first byte: past it, the code could
	 * be any local function a stripped file no longer names. */
	for (size_t k = i; k < lo; k++) {
		const struct dw_sym *sy = &f->syms[k];
		if (sy->size ? addr - sy->addr < sy->size : addr == sy->addr)
			return sy->name;
	}
	return NULL;
}

int dwsym_frames(struct dwsym *s, const char *path, uint64_t vaddr, struct dwsym_frame *out,
		 int max)
{
	memset(&out[0], 0, sizeof(out[0]));
	struct dw_file *f = file_of(s, path);
	if (!f->mod)
		return 1;
	Dwarf_Addr addr = vaddr;
	const char *sym = symbol_at(f, addr);
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(f->mod, addr, &bias);
	int line_no = 0;
	const char *file = NULL;
	Dwfl_Line *ln = dwfl_module_getsrc(f->mod, addr);
	if (ln)
		file = dwfl_lineinfo(ln, NULL, &line_no, NULL, NULL, NULL);
	char *where = file_line(cu, file, line_no);

	/* The lexical scopes holding addr, innermost first: each inlined subroutine is
	 * a frame whose caller's position is its call_file:call_line. */
	Dwarf_Die *inner = NULL, *scopes = NULL;
	int nscopes = cu ? dwarf_getscopes(cu, addr - bias, &inner) : 0;
	/* getscopes continues from an inlined function into its abstract definition
	 * (where its variables live); the callers are the parents of the innermost
	 * scope in the tree of the concrete code. */
	if (nscopes > 0)
		nscopes = dwarf_getscopes_die(&inner[0], &scopes);
	free(inner);
	if (nscopes < 0)
		nscopes = 0;
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	int n = 0;
	for (int i = 0; i < nscopes && n < max - 1; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_subprogram)
			break;
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		out[n] = (struct dwsym_frame){die_name(&scopes[i]), where, 1};
		n++;
		where = NULL;
		Dwarf_Attribute a;
		Dwarf_Word cf = 0, cl = 0;
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &a), &cf) == 0 &&
		    dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &a), &cl) == 0 &&
		    (files || dwarf_getsrcfiles(cu, &files, &nfiles) == 0) && cf < nfiles)
			where = file_line(cu, dwarf_filesrc(files, cf, NULL, NULL), (int)cl);
	}
	/* The function that holds addr: the symbol table's name first (it names clones
	 * such as foo.cold or foo.constprop.0 as they are), else the debug info's. */
	char *name = sym ? readable(sym) : NULL;
	for (int i = 0; !name && i < nscopes; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			name = die_name(&scopes[i]);
	out[n++] = (struct dwsym_frame){name, where, 0};
	free(scopes);
	return n;
}
