# t_programs.sh - programs mprof must not break: other allocators, fork under --stacks, sanitizers, nothing on the program's stderr.
. "$(dirname "$0")/lib.sh"

libdir=/usr/lib/x86_64-linux-gnu
heap_delta() { awk '$1 == "HEAP" { v[++n] = $2; if ($2 > m) m = $2 } END { printf "%.0f", (m - v[n - 1]) * 1048576 }' "$1"; }

# ---- other allocators: they start, and their heap is their own usable bytes ----
for lib in libjemalloc.so.2 libtcmalloc_minimal.so.4 libmimalloc.so.2; do
	if [ ! -e "$libdir/$lib" ]; then
		fail "$lib is not installed (scripts/install-deps.sh test)"
		continue
	fi
	expect_status "$lib: /bin/true starts and exits 0" 0 env LD_PRELOAD="$libdir/$lib" "$MPROF" run -q -o "true-$lib.dat" /bin/true
	expect_status "$lib: with --stacks=all too" 0 env LD_PRELOAD="$libdir/$lib" "$MPROF" run -q --stacks=all -o "stk-$lib.dat" /bin/true
	want=$(LD_PRELOAD="$libdir/$lib" "$MPROF" run -q -o "exact-$lib.dat" "$PROGS/heap_exact" malloc 2>&1 >/dev/null)
	# heap_exact prints the allocator's own malloc_usable_size sum.
	between "$lib: 80 MiB in 4 KiB blocks counted in its usable bytes ($want)" "$(heap_delta "exact-$lib.dat")" "$((want - 2))" "$((want + 2))"
	contains "$lib: the recording says the allocator is not glibc's" "exact-$lib.dat" "NOTE heap: malloc is not glibc's"
done
"$MPROF" run -q -o glibc.dat "$PROGS/heap_exact" malloc 2>/dev/null
check "glibc's own malloc gets no allocator NOTE" sh -c '! grep -q "^NOTE heap" glibc.dat'
# python3 takes malloc's address: its executable has an undefined malloc whose value
# is a PLT entry, which is not a malloc of its own.
"$MPROF" run -q -o py.dat /usr/bin/python3 -c 'print(1)' >/dev/null 2>&1
check "python3's malloc is seen (no 'heap unavailable' NOTE)" sh -c '! grep -q "^NOTE heap" py.dat'

# A program linked with jemalloc: Debian's redis-server, stopped by a bounded command
# once its log says it is ready (or after 60 s at most).
if command -v redis-server >/dev/null; then
	timeout -s TERM 60 "$MPROF" run -o redis.dat redis-server --port 0 --save '' \
		--unixsocket "$scratch/redis.sock" >redis.log 2>redis.err &
	rpid=$!
	for _ in $(seq 1 600); do
		grep -q "ready to accept connections" redis.log 2>/dev/null && break
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$rpid" 2>/dev/null
	wait "$rpid"
	contains "redis-server started under mprof" redis.log "ready to accept connections"
	contains "redis-server shut down on SIGTERM" redis.log "ready to exit"
	check "the redis recording is whole (its program's exit line)" grep -q '^EXIT 0 ' redis.dat
	check "and it has heap lines, in jemalloc's usable bytes" grep -q '^HEAP ' redis.dat
	contains "and says so" redis.dat "NOTE heap: malloc is not glibc's"
else
	fail "redis-server is not installed (scripts/install-deps.sh test)"
fi

# ---- sanitizer runtimes: the program starts, without hooks, and the recording says why ----
printf '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { char *p = malloc(1 << 20); p[5] = 7; printf("asan ok %%d\\n", p[5]); free(p); return 3; }\n' >asan.c
if gcc -fsanitize=address -o asan_gcc asan.c 2>/dev/null; then
	expect_status "gcc -fsanitize=address: the program runs under mprof (its own status)" 3 "$MPROF" run -o asan_gcc.dat ./asan_gcc
	contains "and prints what it prints" "$scratch/.out" "asan ok 7"
	contains "the recording says the hooks stood aside for the sanitizer" asan_gcc.dat "NOTE hooks unavailable: it uses a sanitizer runtime (libasan.so"
	contains "mprof says so on its stderr" "$scratch/.err" "sanitizer runtime"
	"$MPROF" summary asan_gcc.dat >asan_sum.txt
	contains "summary says why there is no heap" asan_sum.txt "heap          unavailable: it uses a sanitizer runtime"
	asan=$(gcc -print-file-name=libasan.so)
	if mprof_is_sanitized; then
		skip "the user's own LD_PRELOAD=libasan: the program runs" \
			"mprof itself carries another ASan runtime in the sanitizer build"
	else
		expect_status "the user's own LD_PRELOAD=libasan: the program runs" 3 env LD_PRELOAD="$asan" "$MPROF" run -o asan_pre.dat ./asan_gcc
		contains "and prints what it prints" "$scratch/.out" "asan ok 7"
	fi
else
	fail "gcc -fsanitize=address cannot build (libasan missing?)"
fi
if command -v clang >/dev/null && clang -fsanitize=address -o asan_clang asan.c 2>/dev/null; then
	expect_status "clang -fsanitize=address (static runtime): the program runs" 3 "$MPROF" run -o asan_clang.dat ./asan_clang
	contains "and prints what it prints" "$scratch/.out" "asan ok 7"
	contains "the recording says the heap is the program's own malloc, unseen" asan_clang.dat "NOTE heap unavailable: the executable defines its own malloc"
	expect_status "check --max-heap refuses a recording without heap data" 1 "$MPROF" check --max-heap 1M asan_clang.dat
fi

# ---- nothing of mprof's on the program's stderr ----
# 100 processes alive at once under --stacks: more than the 64 stack areas.
"$MPROF" run --stacks -o areas.dat sh -c 'exec 2>prog.err; for i in $(seq 100); do sleep 2 & done; wait' 2>mprof.err
check "stack areas exhausted: the program's stderr has nothing of mprof's" sh -c '! grep -q "mprof" prog.err'
contains "the recording says it" areas.dat "NOTE stacks off in some processes: no stack area free"
contains "and mprof's own stderr" mprof.err "no stack area free"
