/* test_names.c - frame names: STKFRAME lines (blanks, escaped sources, inlined frames), older STKFN lines, site labels that skip allocators, demangling, elfutils on a real binary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dwsym.h"
#include "core/stkdat.h"
#include "unit.h"

static const char rec[] =
	"STACKS all 0\n"
	"STKMOD 1 /usr/lib/libstdc++.so.6\n"
	"STKMOD 2 /bin/prog\n"
	"STKNOSYM 1 libstdc++6\n"
	"STKFRAME 0 native 1 0xa958b - operator new(unsigned long)\n"
	"STKFRAME 1 inlined 2 0x1370 /src/my%20dir/names.cc:15 app::Table::grow(unsigned long)\n"
	"STKFRAME 2 native 2 0x1370 /src/names.cc:41 app::fill(app::Table&, int)\n"
	"STKFRAME 3 native 2 0x115a /src/names.cc:50 main\n"
	"STKFRAME 4 native 1 0x1234 - ?\n"
	"STKFRAME 5 native 2 0x1000 - _start\n"
	"STKIMG 0 42 3000 0 2 0 /bin/prog\n"
	"STK 0 2000 1 0 0 2000 1 0,1,2,3,5\n"
	"STK 0 1000 1 0 0 1000 1 0,4\n";

static void stkframe_lines_hold_blanks_kinds_and_escaped_sources(void)
{
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("r.dat", rec, sizeof(rec) - 1, &d, &e) == 0);
	CHECK(d.nfns == 6);
	CHECK_STR(d.fns[0].name, "operator new(unsigned long)");
	CHECK(d.fns[0].line == NULL);
	CHECK(d.fns[1].kind == STK_INLINED && d.fns[2].kind == STK_NATIVE);
	CHECK_STR(d.fns[1].line, "/src/my dir/names.cc:15");
	CHECK_STR(d.fns[2].name, "app::fill(app::Table&, int)");
	char buf[128];
	CHECK_STR(stk_fn_label(&d, 1, buf, sizeof(buf)), "app::Table::grow(unsigned long) [inlined]");
	CHECK_STR(stk_fn_label(&d, 4, buf, sizeof(buf)), "libstdc++.so.6+0x1234");
	CHECK(d.packages && d.packages[1] && !strcmp(d.packages[1], "libstdc++6"));
	CHECK(d.packages[2] == NULL);
	size_t n;
	uint32_t *m = stk_unnamed_modules(&d, 0, &n);
	CHECK(n == 1 && m[0] == 1);
	free(m);
	stk_data_release(&d);
}

static void a_source_is_escaped_and_read_back(void)
{
	char out[64];
	stk_escape_source("/a b/100%.c:3", out, sizeof(out));
	CHECK_STR(out, "/a%20b/100%25.c:3");
	stk_escape_source(NULL, out, sizeof(out));
	CHECK_STR(out, "-");
}

static void a_site_is_named_after_its_own_code(void)
{
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("r.dat", rec, sizeof(rec) - 1, &d, &e) == 0);
	char out[512];
	CHECK(stk_site_start(&d, &d.sites[0]) == 1);
	CHECK_STR(stk_site_label(&d, &d.sites[0], 4, STK_LABEL_FULL, out, sizeof(out)),
		  "app::Table::grow(unsigned long) (names.cc:15) [inlined] < "
		  "app::fill(app::Table&, int) (names.cc:41) < main (names.cc:50)");
	CHECK_STR(stk_site_label(&d, &d.sites[0], 1, STK_LABEL_FULL, out, sizeof(out)),
		  "app::Table::grow(unsigned long) (names.cc:15) [inlined]");
	CHECK_STR(stk_site_label(&d, &d.sites[0], 2, STK_LABEL_SHORT, out, sizeof(out)),
		  "app::fill(app::Table&, int)>app::Table::grow(unsigned long) [inlined]");
	CHECK_STR(stk_site_label(&d, &d.sites[1], 4, STK_LABEL_FULL, out, sizeof(out)),
		  "libstdc++.so.6+0x1234");
	stk_data_release(&d);
}

static void allocators_are_known_by_name(void)
{
	static const char *const yes[] = {
	    "malloc", "operator new(unsigned long)", "operator new[](unsigned long)",
	    "operator new(unsigned long, std::align_val_t)", "_Znwm", "strdup",
	    "std::__new_allocator<char*>::allocate(unsigned long, void const*)",
	    "__gnu_cxx::new_allocator<int>::allocate(unsigned long, void const*)",
	    ("std::allocator_traits<std::allocator<char*> >::allocate(std::allocator<char*>&, "
	     "unsigned long)"),
	    "std::_Vector_base<int, std::allocator<int> >::_M_allocate(unsigned long)",
	    "PyMem_Malloc", "_PyObject_Malloc", "PyObject_Malloc"};
	static const char *const no[] = {"main", "app::make_names(long)", "mallocate", "hold",
					 "std::vector<int, std::allocator<int> >::push_back(int&&)",
					 "operator delete(void*)", "?"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		CHECK(stk_is_allocator(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		CHECK(!stk_is_allocator(no[i]));
}

static void older_stkfn_recordings_still_read(void)
{
	static const char old[] = "STACKS all 0\nSTKMOD 1 /bin/p\nSTKFN 0 1 0x10 _Znwm\n"
				  "STKFN 1 1 0x20 main /src/p.c:3\nSTKIMG 0 1 10 0 1 0 /bin/p\n"
				  "STK 0 10 1 0 0 10 1 0,1\n";
	struct stk_data d;
	struct err e;
	CHECK(stk_parse("o.dat", old, sizeof(old) - 1, &d, &e) == 0);
	CHECK(d.nfns == 2 && d.fns[1].kind == STK_NATIVE);
	char out[128];
	CHECK_STR(stk_site_label(&d, &d.sites[0], 4, STK_LABEL_FULL, out, sizeof(out)),
		  "main (p.c:3)");
	stk_data_release(&d);
}

static void cxx_names_are_demangled(void)
{
	char *s = dwsym_demangle("_ZN3app10make_namesB5cxx11Ei");
	CHECK(s && !strcmp(s, "app::make_names[abi:cxx11](int)"));
	free(s);
	CHECK(dwsym_demangle("main") == NULL);
	CHECK(dwsym_demangle("_Zgarbage!") == NULL);
}

/* The -O2 victim: the address of its inlined malloc call names make_buf inlined
 * into a caller, with file:line. */
static void elfutils_names_inlined_code(void)
{
	const char *top = getenv("MPROF_TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/build/progs/inlined", top ? top : ".");
	struct dwsym *s = dwsym_new();
	CHECK(dwsym_has_symbols(s, path) == 1);
	CHECK(dwsym_has_symbols(s, "/nonexistent") == 0);
	struct dwsym_frame f[8];
	int n = dwsym_frames(s, "/nonexistent", 0x1000, f, 8);
	CHECK(n == 1 && f[0].name == NULL);
	/* Every address of load_small's code that lies inside make_buf. */
	int found = 0;
	for (uint64_t a = 0x1000; a < 0x2000 && !found; a++) {
		n = dwsym_frames(s, path, a, f, 8);
		if (n == 2 && f[0].inlined && f[0].name && !strcmp(f[0].name, "make_buf") &&
		    f[1].name && !strcmp(f[1].name, "load_small") && f[0].line &&
		    strstr(f[0].line, "inlined.c:"))
			found = 1;
		for (int k = 0; k < n; k++)
			dwsym_frame_release(&f[k]);
	}
	CHECK(found);
	dwsym_free(s);
}

int main(void)
{
	static const struct unit_test tests[] = {
	    {"STKFRAME lines hold blanks, kinds and escaped sources",
	     stkframe_lines_hold_blanks_kinds_and_escaped_sources},
	    {"a source is escaped and read back", a_source_is_escaped_and_read_back},
	    {"a site is named after its own code", a_site_is_named_after_its_own_code},
	    {"allocators are known by name", allocators_are_known_by_name},
	    {"older STKFN recordings still read", older_stkfn_recordings_still_read},
	    {"C++ names are demangled", cxx_names_are_demangled},
	    {"elfutils names inlined code", elfutils_names_inlined_code},
	    {0},
	};
	return unit_run("test_names", tests);
}
