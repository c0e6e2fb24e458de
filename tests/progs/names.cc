// names.cc - C++ names for the report: namespaces, overloads, a member function the compiler inlines (built -O2 -g), a 2 MiB leak; prints each site's usable bytes.
#include <malloc.h>
#include <stdio.h>
#include <string>
#include <time.h>
#include <vector>

namespace app {

struct Table {
	std::vector<char *> rows;
	// Small and called from one place: at -O2 it is inlined into its caller, so the
	// frame that allocates is 'grow' inside 'fill'.
	inline char *grow(size_t n)
	{
		char *p = new char[n];
		rows.push_back(p);
		return p;
	}
};

// Two overloads, both allocating: the report must tell them apart.
__attribute__((noinline)) std::vector<std::string> make_names(int n)
{
	std::vector<std::string> v;
	for (int i = 0; i < n; i++)
		v.push_back(std::string(100, 'a' + i % 26));
	return v;
}

__attribute__((noinline)) char *make_names(long bytes)
{
	char *p = static_cast<char *>(operator new(static_cast<size_t>(bytes)));
	p[0] = 1; // not a tail call: make_names stays on the stack
	return p;
}

__attribute__((noinline)) size_t fill(Table &t, int count)
{
	size_t usable = 0;
	for (int i = 0; i < count; i++)
		usable += malloc_usable_size(t.grow(64 * 1024));
	return usable;
}

} // namespace app

int main()
{
	app::Table t;
	size_t grown = app::fill(t, 16);
	std::vector<std::string> names = app::make_names(1000);
	char *leak = app::make_names(2L * 1024 * 1024);
	fprintf(stderr, "fill %zu\nleak %zu\nnames %zu\n", grown, malloc_usable_size(leak), names.size());
	for (char *p : t.rows)
		delete[] p;
	// Alive a little longer: mprof reads its mappings while it runs.
	struct timespec ts = {0, 300000000};
	nanosleep(&ts, nullptr);
	return 0; // leak: still allocated at exit
}
