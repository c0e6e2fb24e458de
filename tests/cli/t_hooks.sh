# t_hooks.sh - libmprof.so: exact heap per entry point, threads, and programs that do awkward things.
. "$(dirname "$0")/lib.sh"

# The victims settle for 0.3 s, allocate, hold, free, settle again and exit, freeing
# nothing else: every HEAP line after the peak that is not the peak's interval, the
# exit line at least, is the settled heap after the frees, wherever the samples fell
# (a slow start-up can put the first sample before the victim's own set-up, so that
# is no base).
# heap_delta FILE: the largest HEAP value above the settled end, in bytes.
heap_delta() { awk '$1 == "HEAP" { v[++n] = $2; if ($2 > m) { m = $2; at = n } } END { e = m; for (i = at + 1; i <= n; i++) if (v[i] < e) e = v[i]; printf "%.0f", (m - e) * 1048576 }' "$1"; }
# heap_end_delta FILE: the settled end minus the closest value seen before the
# growth, in bytes: 0 when the heap came back to where it was.
heap_end_delta() { awk '$1 == "HEAP" { v[++n] = $2; if ($2 > m) { m = $2; at = n } } END { e = m; for (i = at + 1; i <= n; i++) if (v[i] < e) e = v[i]; best = 1e18; for (i = 1; i < at; i++) { d = e - v[i]; if (d * d < best * best) best = d } printf "%.0f", best * 1048576 }' "$1"; }

for how in malloc calloc realloc reallocarray posix_memalign aligned_alloc memalign valloc pvalloc; do
	want=$("$MPROF" run -q -o "$how.dat" "$PROGS/heap_exact" "$how" 2>&1 >/dev/null)
	got=$(heap_delta "$how.dat")
	# 6 decimals of MiB: exact to the byte within 1 byte of rounding per figure.
	between "$how: 80 MiB in 4 KiB blocks counted exactly ($want usable bytes)" "$got" "$((want - 2))" "$((want + 2))"
	between "$how: back to the start once freed" "$(heap_end_delta "$how.dat")" -2 2
done
want=$("$MPROF" run -q -o cxx.dat "$PROGS/heap_cxx" 2>&1 >/dev/null)
between "C++ new[]/delete[] are counted exactly" "$(heap_delta cxx.dat)" "$((want - 2))" "$((want + 2))"
between "C++: back to the start" "$(heap_end_delta cxx.dat)" -2 2
check "interval peak column equals the live heap at most" awk '$1 == "HEAP" && NF >= 7 && $3 + 1e-6 < $2 { exit 1 }' malloc.dat

# Threads: 8 x 1M malloc/free pairs, and 8 x 1000 blocks kept.
kept=$("$MPROF" run -q -o thr.dat "$PROGS/threads" 8 1000000)
last=$(grep '^HEAP' thr.dat | tail -n 1)
allocs=$(echo "$last" | cut -d' ' -f5)
frees=$(echo "$last" | cut -d' ' -f6)
between "8 threads x 1M: every allocation counted" "$allocs" 8008000 8008100
between "and every free" "$frees" 8000000 8000100
live=$(echo "$last" | awk '{ printf "%.0f", $2 * 1048576 }')
between "the kept blocks are the heap at exit (within glibc's thread bookkeeping)" "$live" "$kept" "$((kept + 16384))"

# Programs doing awkward things: same output and status with and without mprof.
same "fork without exec" "$PROGS/robust" fork
same "fork then exec" "$PROGS/robust" forkexec
same "posix_spawn" "$PROGS/robust" spawn
same "vfork then exec" "$PROGS/robust" vfork
same "signal handlers that allocate" "$PROGS/robust" signals
same "closing every fd, then opening files gets fds 0, 1, 2" "$PROGS/robust" closefds
same "unsetting LD_PRELOAD before exec" "$PROGS/robust" unsetenv
same "_exit with unflushed stdio" "$PROGS/robust" _exit
same "abort" "$PROGS/robust" abort
same "an exec chain: a shell running programs that run programs" sh -c 'sh -c "echo deep; sh -c \"echo deeper; exit 4\""; echo "status $?"'
"$MPROF" run -q -o fork.dat "$PROGS/robust" fork >/dev/null
contains "a forked child's recording is valid" fork.dat "EXIT 0 "
"$MPROF" run -q -M -o forkm.dat "$PROGS/robust" fork >/dev/null
check "fork: a hooked child reports its own heap with -M" grep -q '^CHLDHEAP ' forkm.dat
expect_status "SIGKILL of the program" 137 "$MPROF" run -q -o kill.dat sh -c 'kill -9 $$'
check "leaves a valid recording" "$MPROF" peak kill.dat

# Static and setuid programs: one line, RSS still recorded.
if [ ! -x "$PROGS/static_prog" ]; then
	skip "a static program runs" "no static build of tests/progs/static_prog.c (no static libc?)"
else
	expect_status "a static program runs" 0 "$MPROF" run -o static.dat "$PROGS/static_prog"
	contains "mprof says it cannot hook it" "$scratch/.err" "cannot hook '$PROGS/static_prog': it is statically linked; recording RSS only"
	between "and still records RSS" "$(peak_of static.dat)" 29 40
	contains "noted in the recording" static.dat "NOTE hooks unavailable: it is statically linked"
fi
if [ "$(id -u)" != 0 ]; then
	skip "a setuid program runs" "not root: cannot make a setuid program of another user"
else
	cp "$PROGS/alloc_hold" ./suid_prog && chown nobody ./suid_prog && chmod 4755 ./suid_prog
	expect_status "a setuid program runs" 0 "$MPROF" run -o suid.dat ./suid_prog 20 0.3
	contains "mprof says it cannot hook it" "$scratch/.err" "it is setuid or setgid"
	between "and still records RSS" "$(peak_of suid.dat)" 19 30
fi

# Brackets from include/mprof.h, against the program's own clock: at least the
# sleep inside, at most what the program measured around the bracket (FUNC times
# have 4 decimals: 0.0001 s of rounding each way).
cat >brackets.c <<'C'
#include <stdio.h>
#include <time.h>
#include "mprof.h"
static void nap(long ms) { struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L}; nanosleep(&ts, 0); }
static double now(void) { struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }
static void inner(void) { MPROF_SCOPE("inner"); nap(300); }
int main(void) {
	double t0 = now();
	mprof_enter("sleeper"); nap(1000); mprof_leave();
	double t1 = now();
	{ MPROF_SCOPE("outer"); nap(100); inner(); }
	double t2 = now();
	printf("sleeper %.6f\nouter %.6f\n", t1 - t0, t2 - t1);
	return 0;
}
C
cc -O2 -I"$MPROF_TOP/include" brackets.c -o brackets
expect_status "the header needs no link flag and runs without mprof" 0 ./brackets
"$MPROF" run -q -o br.dat ./brackets >br.own
# dur FILE NAME: the duration of NAME's first call; own FILE NAME: the program's own figure.
dur() { awk -v f="$2" '$1 == "FUNC" && $2 == f { printf "%.4f", $6 - $4; exit }' "$1"; }
own() { awk -v f="$2" '$1 == f { printf "%.6f", $2 + 0.0002; exit }' "$1"; }
between "a function sleeping 1 s gets a bracket of 1 s and what the program measured" "$(dur br.dat sleeper)" 0.9999 "$(own br.own sleeper)"
between "MPROF_SCOPE brackets the rest of the block (0.1 + 0.3 s)" "$(dur br.dat outer)" 0.3999 "$(own br.own outer)"
check "nesting gives depth 0 and 1" sh -c "grep -q '^FUNC outer \([^ ]* \)\{4\}0\( \|$\)' br.dat && grep -q '^FUNC inner \([^ ]* \)\{4\}1\( \|$\)' br.dat"

# Python: the original's @profile, through the bootstrap.
py=/usr/bin/python3
cat >deco.py <<'PY'
import time
@profile
def nap():
    time.sleep(1)
@profile
def boom():
    raise ValueError("expected")
@profile
def outer():
    nap()
t0 = time.time()
nap()
open("nap.own", "w").write("nap %.6f\n" % (time.time() - t0))
try:
    boom()
except ValueError:
    pass
outer()
print("done")
PY
out=$(PATH="$(dirname $py):$PATH" "$MPROF" run -q -o py.dat deco.py)
check "mprof run script.py runs it with @profile" test "$out" = "done"
between "a decorated function sleeping 1 s: a 1 s bracket named <module>.<function>" "$(dur py.dat __main__.nap)" 0.9999 "$(own nap.own nap)"
check "an exception still closes the bracket" grep -q '^FUNC __main__.boom ' py.dat
check "nested decorated functions get increasing depth" sh -c "grep -q '^FUNC __main__.outer \([^ ]* \)\{4\}0\( \|$\)' py.dat && grep -q '^FUNC __main__.nap \([^ ]* \)\{4\}1\( \|$\)' py.dat"
"$MPROF" run -q -o py2.dat "$py" deco.py >/dev/null
check "mprof run python3 script.py does the same" grep -q '^FUNC __main__.outer ' py2.dat
PATH="$(dirname $py):$PATH" "$MPROF" run -q --nopython -o py3.dat "$py" -c 'print(1)' >/dev/null
check "--nopython runs the interpreter as is" grep -q '^EXIT 0 ' py3.dat
expect_status "--nopython on a decorated script: no @profile" 1 env PATH="$(dirname $py):$PATH" "$MPROF" run -q --nopython -o py4.dat "$py" deco.py

# numpy, in the style of memory_profiler's examples: three calls, three bumps.
if $py -c 'import numpy' 2>/dev/null; then
	cat >np.py <<'PY'
import time
import numpy as np
@profile
def make_array():
    a = np.ones((2000, 10000))  # about 153 MiB
    time.sleep(0.4)
    return a.sum()
for _ in range(3):
    make_array()
    time.sleep(0.4)
PY
	"$MPROF" run -q -o np.dat "$py" np.py
	check "three brackets" test "$(grep -c '^FUNC __main__.make_array ' np.dat)" -eq 3
	bumps=$(awk '$1 == "MEM" { hi = $2 > 120; if (hi && !was) n++; was = hi } END { print n + 0 }' np.dat)
	check "three bumps of the RSS line" test "$bumps" -eq 3
	hbumps=$(awk '$1 == "HEAP" { hi = $2 > 140; if (hi && !was) n++; was = hi } END { print n + 0 }' np.dat)
	check "three bumps of the heap line" test "$hbumps" -eq 3
	# The array is freed as the function returns, before its bracket closes: the
	# exit value may be caught mid-free. Each call must enter low and hold a bump.
	bad=$(awk '$1 == "MEM" { t[++n] = $3; m[n] = $2 }
		$1 == "FUNC" { f[++k] = $0; tin[k] = $4; tout[k] = $6; min[k] = $3 }
		END { for (j = 1; j <= k; j++) { hi = 0; for (i = 1; i <= n; i++) if (t[i] >= tin[j] && t[i] <= tout[j] && m[i] > 140) hi = 1
			if (!(min[j] < 100 && hi)) print f[j] } }' np.dat)
	if [ -z "$bad" ]; then pass "each call enters low and holds a bump"; else fail "each call enters low and holds a bump: $bad / $(awk '$1 == "MEM" { printf "%.0f@%.2f ", $2, $3 }' np.dat)"; fi
else
	fail "python3-numpy is installed for $py"
fi

# -finstrument-functions: brackets without source changes, static functions named.
"$MPROF" run -q -o inst.dat "$PROGS/instrumented" >inst.own
check "a long static function is named from the symbol table" grep -q '^FUNC crunch ' inst.dat
between "its bracket lasts its 0.6 s sleep, within the call the program measured" "$(dur inst.dat crunch)" 0.5999 "$(own inst.own crunch)"
check "short calls are left out without --func" sh -c "! grep -q '^FUNC quick_step ' inst.dat"
check "nesting depth under main" sh -c "grep -q '^FUNC main \([^ ]* \)\{4\}0\( \|$\)' inst.dat && grep -q '^FUNC crunch \([^ ]* \)\{4\}1\( \|$\)' inst.dat"
check "entry memory is before the allocation, exit after" awk '$1 == "FUNC" && $2 == "crunch" && !($3 < 10 && $5 > 40) { exit 1 }' inst.dat
"$MPROF" run -q --func 'cru*' -o inst2.dat "$PROGS/instrumented" >/dev/null
check "--func GLOB keeps exactly the chosen functions" test "$(grep '^FUNC' inst2.dat | cut -d' ' -f2 | sort -u)" = "crunch"
"$MPROF" run --func 'quick_*' -o inst3.dat "$PROGS/instrumented" 2>inst3.err >/dev/null
kept=$(grep -c '^FUNC quick_step ' inst3.dat)
dropped=$(awk '$1 == "NOTE" && $2 == "lost" && $3 == "brackets" { print $4 + 0 }' inst3.dat)
check "--func keeps every short call, or notes those it lost ($kept kept, ${dropped:-0} lost)" test "$((kept + ${dropped:-0}))" = 100000
# Threads keep their own stacks of open calls, mapped at a thread's first call and
# unmapped when it exits: 160 threads that each make 10 calls and exit.
"$MPROF" run -q --func tick -o inst4.dat "$PROGS/instrumented_threads" >inst4.own
check "instrumented threads run as bare" grep -qx 'ticks 1600' inst4.own
kept=$(grep -c '^FUNC tick ' inst4.dat)
dropped=$(awk '$1 == "NOTE" && $2 == "lost" && $3 == "brackets" { print $4 + 0 }' inst4.dat)
check "every call of every exited thread is kept, or noted lost ($kept kept, ${dropped:-0} lost)" test "$((kept + ${dropped:-0}))" = 1600
