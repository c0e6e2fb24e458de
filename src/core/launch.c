/* launch.c - starting the program under libmprof.so, and telling when hooks cannot load. */
#include "core/launch.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *launch_find_program(const char *file)
{
	if (strchr(file, '/')) {
		if (access(file, X_OK) == 0)
			return xstrdup(file);
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int saved = ENOENT;
	for (const char *p = path;; p++) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = xmalloc(len + strlen(file) + 3);
		sprintf(cand, "%.*s/%s", (int)len, len ? p : ".", file);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		if (errno == EACCES)
			saved = EACCES;
		free(cand);
		if (!colon)
			break;
		p = colon;
	}
	errno = saved;
	return NULL;
}

/* Reads the interpreter of a "#!" script into buf; 0 when found. */
static int shebang(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char head[256];
	ssize_t n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return -1;
	head[n] = '\0';
	char *s = head + 2 + strspn(head + 2, " \t");
	size_t len = strcspn(s, " \t\n");
	if (!len || len >= cap)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static char blocker_why[256]; /* launch_preload_blocker's answer when it names a library */

/* Whether a library's file name is a sanitizer runtime that must be loaded first
 * (AddressSanitizer refuses to start behind a preloaded library) and replaces
 * malloc with an allocator the hooks cannot see. */
int launch_is_sanitizer(const char *lib)
{
	static const char *const names[] = {"asan", "tsan", "msan", "hwasan", "lsan"};
	const char *base = strrchr(lib, '/');
	base = base ? base + 1 : lib;
	if (strncmp(base, "libclang_rt.", 12) == 0)
		base += 12;
	else if (strncmp(base, "lib", 3) == 0)
		base += 3;
	else
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (strncmp(base, names[i], n) == 0 && (base[n] == '.' || base[n] == '-'))
			return 1;
	}
	return 0;
}

static const char *sanitizer_blocker(const char *lib)
{
	snprintf(blocker_why, sizeof(blocker_why),
		 "it uses a sanitizer runtime (%s), which must come first and replaces malloc",
		 lib);
	return blocker_why;
}

/* The file offset of virtual address va in the program's loadable segments. */
static int va_to_off(int fd, const Elf64_Ehdr *eh, uint64_t va, off_t *off)
{
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)eh->e_phoff + (off_t)i * eh->e_phentsize) !=
		    (ssize_t)sizeof(ph))
			return -1;
		if (ph.p_type == PT_LOAD && va >= ph.p_vaddr && va < ph.p_vaddr + ph.p_filesz) {
			*off = (off_t)(ph.p_offset + (va - ph.p_vaddr));
			return 0;
		}
	}
	return -1;
}

/* A sanitizer runtime among the DT_NEEDED libraries of the dynamic section
 * (file offset dyn, size n), or NULL. */
static const char *needed_sanitizer(int fd, const Elf64_Ehdr *eh, off_t dyn, uint64_t n)
{
	uint64_t strtab = 0, count = n / sizeof(Elf64_Dyn);
	if (count > 4096)
		count = 4096;
	for (int pass = 0; pass < 2; pass++) {
		off_t str = 0;
		if (pass == 1 && va_to_off(fd, eh, strtab, &str))
			return NULL;
		for (uint64_t i = 0; i < count; i++) {
			Elf64_Dyn d;
			if (pread(fd, &d, sizeof(d), dyn + (off_t)(i * sizeof(d))) !=
				(ssize_t)sizeof(d) ||
			    d.d_tag == DT_NULL)
				break;
			if (pass == 0 && d.d_tag == DT_STRTAB)
				strtab = d.d_un.d_ptr;
			if (pass == 1 && d.d_tag == DT_NEEDED) {
				static char name[128];
				ssize_t got =
				    pread(fd, name, sizeof(name) - 1, str + (off_t)d.d_un.d_val);
				if (got <= 0)
					continue;
				name[got] = '\0';
				if (launch_is_sanitizer(name))
					return name;
			}
		}
		if (!strtab)
			return NULL;
	}
	return NULL;
}

static const char *elf_blocker(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL; /* exec will say what is wrong */
	Elf64_Ehdr eh;
	const char *why = NULL;
	if (read(fd, &eh, sizeof(eh)) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
		goto out; /* not a 64-bit ELF: leave it to exec */
	int interp = 0;
	off_t dyn = 0;
	uint64_t dyn_size = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		off_t off = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
		if (pread(fd, &ph, sizeof(ph), off) != (ssize_t)sizeof(ph))
			break;
		interp |= ph.p_type == PT_INTERP;
		if (ph.p_type == PT_DYNAMIC) {
			dyn = (off_t)ph.p_offset;
			dyn_size = ph.p_filesz;
		}
	}
	if (!interp) {
		why = "it is statically linked";
		goto out;
	}
	const char *san = dyn_size ? needed_sanitizer(fd, &eh, dyn, dyn_size) : NULL;
	if (san)
		why = sanitizer_blocker(san);
out:
	close(fd);
	return why;
}

const char *launch_preload_blocker(const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return NULL;
	/* The user's own LD_PRELOAD may hold a sanitizer runtime: it must come first. */
	const char *pre = getenv("LD_PRELOAD");
	if (pre) {
		static char lib[128];
		for (const char *p = pre; *p;) {
			size_t len = strcspn(p, ": ");
			if (len && len < sizeof(lib)) {
				memcpy(lib, p, len);
				lib[len] = '\0';
				if (launch_is_sanitizer(lib))
					return sanitizer_blocker(lib);
			}
			p += len;
			p += strspn(p, ": ");
		}
	}
	if (((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
	    ((st.st_mode & S_ISGID) && st.st_gid != getegid()))
		return "it is setuid or setgid";
	char interp[PATH_MAX];
	if (shebang(path, interp, sizeof(interp)) == 0)
		return launch_preload_blocker(interp);
	return elf_blocker(path);
}

/* Puts value first in the ':'-separated list of environment variable var. */
static void prepend_env(const char *var, const char *value)
{
	const char *old = getenv(var);
	if (!old || !*old) {
		setenv(var, value, 1);
		return;
	}
	char *both = malloc(strlen(value) + strlen(old) + 2);
	if (!both)
		return;
	sprintf(both, "%s:%s", value, old);
	setenv(var, both, 1);
	free(both);
}

pid_t launch_start(char *const argv[], const struct launch_opts *o, int *exec_errno, struct err *e)
{
	*exec_errno = 0;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC))
		return err_sys(e, errno, "cannot create a pipe");
	pid_t pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(pfd[0]);
		close(pfd[1]);
		return err_sys(e, saved, "cannot fork");
	}
	if (pid == 0) {
		close(pfd[0]);
		for (int i = 0; i < o->nsignals; i++)
			sigaction(o->signals[i], &o->saved[i], NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (o->preload)
			prepend_env("LD_PRELOAD", o->preload);
		if (o->pythonpath)
			prepend_env("PYTHONPATH", o->pythonpath);
		if (o->channel)
			setenv("MPROF_CHANNEL", o->channel, 1);
		execvp(argv[0], argv);
		int err = errno;
		(void)!write(pfd[1], &err, sizeof(err));
		_exit(127);
	}
	close(pfd[1]);
	int err = 0;
	ssize_t n;
	do
		n = read(pfd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof(err)) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		*exec_errno = err;
		return err_sys(e, err, "cannot execute '%s'", argv[0]);
	}
	return pid;
}

static int has_lib(const char *dir)
{
	char path[PATH_MAX + 64];
	if ((size_t)snprintf(path, sizeof(path), "%s/libmprof.so", dir) >= sizeof(path))
		return 0;
	return access(path, R_OK) == 0;
}

char *launch_libdir(void)
{
	const char *env = getenv("MPROF_LIBDIR");
	if (env && *env)
		return has_lib(env) ? realpath(env, NULL) : NULL;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	const char *rel[] = {"/lib/mprof", "/../lib/mprof"};
	for (size_t i = 0; i < 2; i++) {
		char cand[PATH_MAX];
		if ((size_t)snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]) >= sizeof(cand))
			continue;
		if (has_lib(cand))
			return realpath(cand, NULL);
	}
	return NULL;
}
