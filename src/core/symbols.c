/* symbols.c - naming code addresses of another process after the fact: /proc/PID/maps, then the
 * module's ELF symbol table. */
#include "core/symbols.h"

#include <elf.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

struct sym {
	uint64_t addr, size;
	const char *name;
};

struct load {
	uint64_t offset, vaddr, filesz;
};

struct sym_file {
	char *path;
	char *strings; /* all names, owned */
	struct sym *syms;
	size_t nsyms;
	struct load *loads;
	size_t nloads;
};

struct map {
	uint64_t start, end, pgoff;
	char *path;
};

struct sym_maps {
	pid_t pid;
	struct map *v;
	size_t n;
};

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int pread_exact(int fd, void *buf, size_t n, uint64_t off)
{
	return pread(fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* Loads the function symbols of one section (symtab or dynsym) and its strings. */
static int load_symbols(int fd, const Elf64_Shdr *sh, const Elf64_Shdr *str, struct sym_file *f)
{
	if (sh->sh_entsize != sizeof(Elf64_Sym) || str->sh_size > (1u << 30) ||
	    sh->sh_size > (1u << 30))
		return -1;
	size_t count = sh->sh_size / sizeof(Elf64_Sym);
	Elf64_Sym *raw = xmalloc(sh->sh_size ? sh->sh_size : 1);
	f->strings = xmalloc(str->sh_size + 1);
	if (pread_exact(fd, raw, sh->sh_size, sh->sh_offset) ||
	    pread_exact(fd, f->strings, str->sh_size, str->sh_offset)) {
		free(raw);
		return -1;
	}
	f->strings[str->sh_size] = '\0';
	f->syms = xcalloc(count + 1, sizeof(*f->syms));
	for (size_t i = 0; i < count; i++) {
		const Elf64_Sym *s = &raw[i];
		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || !s->st_value ||
		    s->st_name >= str->sh_size)
			continue;
		f->syms[f->nsyms++] =
		    (struct sym){s->st_value, s->st_size, f->strings + s->st_name};
	}
	free(raw);
	qsort(f->syms, f->nsyms, sizeof(*f->syms), by_addr);
	return 0;
}

static struct sym_file *load_file(const char *path)
{
	struct sym_file *f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	if (fd < 0 || pread_exact(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_shnum > 4096 || eh.e_phnum > 512)
		goto done;
	f->loads = xcalloc((size_t)eh.e_phnum + 1, sizeof(*f->loads));
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread_exact(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)))
			goto done;
		if (ph.p_type == PT_LOAD)
			f->loads[f->nloads++] = (struct load){ph.p_offset, ph.p_vaddr, ph.p_filesz};
	}
	Elf64_Shdr *sh = xcalloc((size_t)eh.e_shnum + 1, sizeof(*sh));
	if (pread_exact(fd, sh, (size_t)eh.e_shnum * sizeof(*sh), eh.e_shoff) == 0) {
		/* The full symbol table has static functions; stripped files keep dynsym. */
		const uint32_t kinds[] = {SHT_SYMTAB, SHT_DYNSYM};
		for (int k = 0; k < 2 && !f->nsyms; k++)
			for (int i = 0; i < eh.e_shnum; i++)
				if (sh[i].sh_type == kinds[k] && sh[i].sh_link < eh.e_shnum) {
					free(f->syms);
					free(f->strings);
					f->syms = NULL;
					f->strings = NULL;
					f->nsyms = 0;
					load_symbols(fd, &sh[i], &sh[sh[i].sh_link], f);
					break;
				}
	}
	free(sh);
done:
	if (fd >= 0)
		close(fd);
	return f;
}

static struct sym_file *file_of(struct symbolizer *s, const char *path)
{
	for (size_t i = 0; i < s->nfiles; i++)
		if (!strcmp(s->files[i]->path, path))
			return s->files[i];
	xgrow((void **)&s->files, &s->files_cap, s->nfiles + 1, sizeof(*s->files));
	return s->files[s->nfiles++] = load_file(path);
}

static struct sym_maps *maps_of(struct symbolizer *s, pid_t pid)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (s->maps[i]->pid == pid)
			return s->maps[i];
	return NULL;
}

static void maps_clear(struct sym_maps *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

int sym_snapshot(struct symbolizer *s, pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return -1;
	/* Read aside: a process that has just ended (a zombie) shows no mappings, and
	 * that must not replace a good snapshot. */
	struct sym_maps fresh = {.pid = pid}, *m = &fresh;
	size_t cap = 0;
	char line[4096 + 128];
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, end, pgoff;
		char perms[8];
		int n = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &pgoff, &n) <
			4 ||
		    !n || perms[2] != 'x')
			continue;
		char *p = line + n;
		p[strcspn(p, "\n")] = '\0';
		if (p[0] != '/')
			continue; /* anonymous or special: nothing to name */
		xgrow((void **)&m->v, &cap, m->n + 1, sizeof(*m->v));
		m->v[m->n++] = (struct map){start, end, pgoff, xstrdup(p)};
	}
	fclose(fp);
	if (!fresh.n)
		return -1; /* a live process has at least its executable mapped */
	m = maps_of(s, pid);
	if (!m) {
		xgrow((void **)&s->maps, &s->maps_cap, s->nmaps + 1, sizeof(*s->maps));
		m = s->maps[s->nmaps++] = xcalloc(1, sizeof(*m));
	}
	maps_clear(m);
	*m = fresh;
	return 0;
}

int sym_locate(struct symbolizer *s, pid_t pid, uint64_t addr, const char **path, uint64_t *vaddr)
{
	struct sym_maps *m = maps_of(s, pid);
	if (!m && sym_snapshot(s, pid))
		return -1;
	m = maps_of(s, pid);
	for (size_t i = 0; i < m->n; i++) {
		const struct map *mp = &m->v[i];
		if (addr < mp->start || addr >= mp->end)
			continue;
		struct sym_file *f = file_of(s, mp->path);
		uint64_t off = addr - mp->start + mp->pgoff;
		for (size_t k = 0; k < f->nloads; k++)
			if (off >= f->loads[k].offset &&
			    off < f->loads[k].offset + f->loads[k].filesz) {
				*path = f->path;
				*vaddr = off - f->loads[k].offset + f->loads[k].vaddr;
				return 0;
			}
		return -1;
	}
	return -1;
}

const char *sym_name(struct symbolizer *s, const char *path, uint64_t vaddr)
{
	struct sym_file *f = file_of(s, path);
	if (!f->nsyms)
		return NULL;
	/* The last symbol starting at or before vaddr, if vaddr falls inside it. */
	size_t lo = 0, hi = f->nsyms;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->syms[mid].addr <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	const struct sym *sy = &f->syms[lo];
	if (sy->addr <= vaddr &&
	    (vaddr < sy->addr + sy->size || (sy->size == 0 && vaddr == sy->addr)))
		return sy->name;
	return NULL;
}

const char *sym_lookup(struct symbolizer *s, pid_t pid, uint64_t addr)
{
	const char *path;
	uint64_t vaddr;
	if (sym_locate(s, pid, addr, &path, &vaddr))
		return NULL;
	return sym_name(s, path, vaddr);
}

void sym_release(struct symbolizer *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i]->path);
		free(s->files[i]->strings);
		free(s->files[i]->syms);
		free(s->files[i]->loads);
		free(s->files[i]);
	}
	free(s->files);
	for (size_t i = 0; i < s->nmaps; i++) {
		maps_clear(s->maps[i]);
		free(s->maps[i]);
	}
	free(s->maps);
	memset(s, 0, sizeof(*s));
}

int sym_ranges(const char *path, char *const *globs, int nglobs, uint64_t *lo, uint64_t *hi,
	       int max)
{
	struct sym_file *f = load_file(path);
	int n = f->nsyms ? 0 : -1;
	for (size_t i = 0; i < f->nsyms && n >= 0 && n < max; i++) {
		const struct sym *sy = &f->syms[i];
		for (int g = 0; g < nglobs; g++)
			if (fnmatch(globs[g], sy->name, 0) == 0) {
				lo[n] = sy->addr;
				hi[n] = sy->addr + (sy->size ? sy->size : 1);
				n++;
				break;
			}
	}
	free(f->path);
	free(f->strings);
	free(f->syms);
	free(f->loads);
	free(f);
	return n;
}
