/* test_hwm.c - whether a recording's peak is a true peak: hwm= in the header, the refused-reset NOTE, the EXIT figure. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/dat.h"
#include "core/proc.h"
#include "unit.h"

static int parse(const char *text, struct dat_recording *r, struct err *e)
{
	return dat_parse("t.dat", text, strlen(text), r, e);
}

static void a_file_without_the_key_does_not_say(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMEM 1 1\nMEM 2 2\n", &r, &e) == 0);
	CHECK(r.hwm == -1);
	CHECK(!dat_peak_is_sampled(&r));
	dat_recording_release(&r);
}

static void hwm_0_in_the_header_means_samples_only(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMPROF 1 interval=0.1 backend=rss hwm=0\nMEM 1 1\nEXIT -1 2 -1\n",
		    &r, &e) == 0);
	CHECK(r.hwm == 0);
	CHECK(dat_peak_is_sampled(&r));
	dat_recording_release(&r);
	CHECK(parse("CMDLINE p\nMPROF 1 backend=rss hwm=1\nMEM 1 1\nMAXRSS 3 1\n", &r, &e) == 0);
	CHECK(r.hwm == 1);
	CHECK(!dat_peak_is_sampled(&r));
	dat_recording_release(&r);
}

static void a_refused_reset_note_turns_it_off(void)
{
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMPROF 1 backend=rss hwm=1\nMEM 1 1\nMAXRSS 3 1\n"
		    "NOTE " DAT_NOTE_NO_HWM " for process 12 (Permission denied): no MAXRSS from "
		    "here on\nMEM 2 2\n",
		    &r, &e) == 0);
	CHECK(r.hwm == 0);
	CHECK(dat_peak_is_sampled(&r));
	dat_recording_release(&r);
	/* Other notes leave it alone. */
	CHECK(parse("CMDLINE p\nMPROF 1 backend=rss hwm=1\nNOTE attached to running process 3\n"
		    "MEM 1 1\n",
		    &r, &e) == 0);
	CHECK(r.hwm == 1);
	dat_recording_release(&r);
}

static void an_exit_figure_covers_the_gap(void)
{
	/* wait4's maximum since the last reset that succeeded: with it the peak is true. */
	struct dat_recording r;
	struct err e;
	CHECK(parse("CMDLINE p\nMPROF 1 backend=rss hwm=0\nMEM 1 1\nEXIT 0 2 40\n", &r, &e) == 0);
	CHECK(!dat_peak_is_sampled(&r));
	CHECK_NEAR(dat_peak_rss(&r, NULL), 40, 1e-9);
	dat_recording_release(&r);
}

static void the_writer_writes_the_note_the_reader_knows(void)
{
	char dir[] = "/tmp/mprof-test-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[64];
	snprintf(path, sizeof(path), "%s/h.dat", dir);
	struct dat_writer w;
	struct err e;
	CHECK(dat_writer_create(&w, path, &e) == 0);
	dat_write_cmdline(&w, "p");
	dat_write_mem(&w, 1, 1);
	dat_write_no_hwm(&w, 77, EACCES);
	CHECK(dat_writer_close(&w, &e) == 0);
	struct dat_recording r;
	CHECK(dat_read(path, &r, &e) == 0);
	CHECK(r.hwm == 0);
	CHECK(r.nnotes == 1);
	CHECK(strstr(r.notes[0], "process 77 (Permission denied)") != NULL);
	dat_recording_release(&r);
	unlink(path);
	rmdir(dir);
}

static void the_kernel_slack_grows_with_the_processors(void)
{
	CHECK(proc_hwm_slack(2, 4096) == 3 * 2 * 32 * 4096); /* 0.75 MiB */
	CHECK(proc_hwm_slack(64, 4096) == 3 * 64 * 128 * 4096);
	CHECK(proc_hwm_slack(0, 0) == 3 * 1 * 32 * 4096);
}

static void a_mark_left_standing_over_an_idle_process_is_no_peak(void)
{
	uint64_t mib = 1 << 20;
	/* The sample after a 20 MiB block was freed: the real peak of the interval. */
	CHECK(proc_hwm_peak(21 * mib, 0, mib) == 21 * mib);
	/* The reset left the mark 16 pages above the RSS, and it was read there: the
	 * same mark at the next sample is no peak. */
	CHECK(proc_hwm_peak(mib + 65536, mib + 65536, mib) == mib);
	/* Not read after the reset: the mark is the peak. */
	CHECK(proc_hwm_peak(mib + 65536, 0, mib) == mib + 65536);
	/* A spike of the same size every interval is a peak each time: after each, the
	 * reset's mark was read near the RSS, not at the spike. */
	CHECK(proc_hwm_peak(21 * mib, mib + 4096, mib) == 21 * mib);
	/* A mark that rose above where the reset left it is a peak, however little. */
	CHECK(proc_hwm_peak(mib + 65536 + 4096, mib + 65536, mib) == mib + 65536 + 4096);
	/* A mark at or below the RSS is the mark. */
	CHECK(proc_hwm_peak(mib, mib, mib) == mib);
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"a file without the key does not say", a_file_without_the_key_does_not_say},
	    {"hwm=0 in the header means samples only", hwm_0_in_the_header_means_samples_only},
	    {"a refused-reset NOTE turns it off", a_refused_reset_note_turns_it_off},
	    {"an EXIT figure covers the gap", an_exit_figure_covers_the_gap},
	    {"the kernel's slack grows with the processors", the_kernel_slack_grows_with_the_processors},
	    {"a mark left standing over an idle process is no peak",
	     a_mark_left_standing_over_an_idle_process_is_no_peak},
	    {"the writer writes the note the reader knows",
	     the_writer_writes_the_note_the_reader_knows},
	    {0},
	};
	return unit_run("test_hwm", tests);
}
