/* test_plot.c - plot_output_check: whole pictures pass, pictures cut anywhere are refused with the reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/gnuplot.h"
#include "core/launch.h"
#include "core/plot.h"
#include "unit.h"

/* Renders a small plot in o's format into a file; its fd, or -1. */
static int render(const struct plot_opts *o, const char *dir)
{
	char script[128], out[128];
	snprintf(script, sizeof(script), "%s/t.gp", dir);
	snprintf(out, sizeof(out), "%s/out.%d", dir, (int)o->format);
	FILE *f = fopen(script, "w");
	if (!f)
		return -1;
	plot_terminal(f, o);
	fprintf(f, "set title 'a title'\nplot sin(x) title 'sin', cos(x) title 'cos'\n");
	fclose(f);
	int fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct err e;
	if (fd >= 0 && gp_run(script, fd, &e)) {
		printf("  %s\n", e.msg);
		close(fd);
		fd = -1;
	}
	unlink(script);
	unlink(out);
	return fd;
}

static void cut_pictures_are_refused(void)
{
	char *exe = launch_find_program("gnuplot");
	if (!exe) {
		printf("  skip: gnuplot is not installed\n");
		return;
	}
	free(exe);
	char dir[] = "/tmp/mprof-test-plot-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	static const char *const names[] = {"PNG", "SVG", "PDF", "text"};
	for (int fmt = PLOT_PNG; fmt <= PLOT_DUMB; fmt++) {
		struct plot_opts o = {.format = (enum plot_format)fmt, .width = 400, .height = 300};
		if (fmt == PLOT_DUMB)
			o.width = 80, o.height = 25;
		int fd = render(&o, dir);
		CHECK(fd >= 0);
		if (fd < 0)
			continue;
		struct err e;
		CHECK(plot_output_check(fd, &o, "x", &e) == 0);
		off_t size = lseek(fd, 0, SEEK_END);
		char *whole = malloc((size_t)size);
		CHECK(pread(fd, whole, (size_t)size, 0) == size);
		/* Cut at the start, the middle, and every one of the last 20 bytes. */
		off_t cuts[24] = {0, 1, 8, size / 2};
		for (int i = 0; i < 20; i++)
			cuts[4 + i] = size - 1 - i;
		for (int i = 0; i < 24; i++) {
			/* A text picture missing only its trailing blank lines is whole. */
			off_t k = cuts[i];
			while (k < size && (whole[k] == '\n' || whole[k] == ' '))
				k++;
			if (k == size && (fmt == PLOT_SVG || fmt == PLOT_PDF))
				continue;
			CHECK(ftruncate(fd, cuts[i]) == 0);
			int rc = plot_output_check(fd, &o, "x.out", &e);
			CHECK(rc == -1);
			if (rc == -1 && cuts[i] > 0) {
				char want[64];
				snprintf(want, sizeof(want), "gnuplot wrote an incomplete %s", names[fmt]);
				CHECK(strstr(e.msg, want) != NULL);
				CHECK(strncmp(e.msg, "cannot write 'x.out': ", 22) == 0);
			}
			/* The check may have grown the file: put the picture back. */
			CHECK(ftruncate(fd, 0) == 0);
			CHECK(pwrite(fd, whole, (size_t)size, 0) == size);
		}
		CHECK(plot_output_check(fd, &o, "x", &e) == 0);
		CHECK(ftruncate(fd, 0) == 0);
		CHECK(plot_output_check(fd, &o, "x.out", &e) == -1);
		CHECK_STR(e.msg, "cannot write 'x.out': gnuplot wrote nothing");
		free(whole);
		close(fd);
	}
	rmdir(dir);
}

static void fclose_reports_an_earlier_failed_write(void)
{
	FILE *f = fopen("/dev/full", "w");
	CHECK(f != NULL);
	if (!f)
		return;
	setvbuf(f, NULL, _IONBF, 0);
	fputs("lost", f); /* fails now; nothing is left for fclose to write */
	errno = 0;
	CHECK(plot_fclose(f) == -1);
	CHECK(errno != 0);
	f = fopen("/dev/null", "w");
	fputs("kept", f);
	CHECK(plot_fclose(f) == 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"cut pictures are refused", cut_pictures_are_refused},
		{"fclose reports an earlier failed write", fclose_reports_an_earlier_failed_write},
		{0},
	};
	return unit_run("test_plot", tests);
}
