// forkthreads_cxx.cc - C++ threads (argv[1], default 4) allocate with new/std::string/std::vector while the main thread forks argv[2] children (default 20) that allocate and exit; prints "ok N".
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

static std::atomic<bool> stop{false};

static __attribute__((noinline)) std::string deep(int depth, size_t n)
{
	if (depth > 0)
		return deep(depth - 1, n + 8);
	return std::string(n, 'x');
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 4;
	int nforks = argc > 2 ? atoi(argv[2]) : 20;
	std::vector<std::thread> th;
	for (int t = 0; t < nthreads; t++)
		th.emplace_back([t] {
			unsigned i = 0;
			while (!stop.load()) {
				std::vector<int> *v = new std::vector<int>(16 + (i & 255));
				std::string s = deep((int)((i + (unsigned)t) % 24), 32 + (i & 1023));
				delete v;
				i++;
			}
		});
	int ok = 0;
	for (int k = 0; k < nforks; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			size_t total = 0;
			for (int i = 0; i < 200; i++)
				total += deep(i % 16, 64 + (size_t)i).size();
			_exit(total > 0 ? 0 : 1);
		}
		int st;
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	stop = true;
	for (auto &t : th)
		t.join();
	std::printf("ok %d\n", ok);
	return ok == nforks ? 0 : 1;
}
