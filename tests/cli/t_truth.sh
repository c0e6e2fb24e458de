# t_truth.sh - attach leaves the target alone unless asked; what the hooks cannot see is said, not guessed.
. "$(dirname "$0")/lib.sh"

NO_TRUE_PEAK="true peak unavailable: samples only"

# kb_of PID KEY: a /proc/PID/status figure in kB.
kb_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# start_freed MIB: alloc_hold touches MIB, frees it after 1.5 s and holds 1.5 s more;
# returns once its RSS has dropped (VmHWM still remembers the MIB).
start_freed() {
	"$PROGS/alloc_hold" "$1" 1.5 &
	victim=$!
	local seen=0
	for _ in $(seq 400); do
		rss=$(kb_of "$victim" VmRSS)
		[ -n "$rss" ] || return 1
		[ "$rss" -gt $(($1 * 1024 * 9 / 10)) ] && seen=1
		[ "$seen" = 1 ] && [ "$rss" -lt 20480 ] && return 0
		sleep 0.02
	done
	return 1
}

# ---- attach does not change what it measures ----
if start_freed 60; then
	expect_status "attach: records" 0 "$MPROF" attach -q -t 0.3 -o att.dat "$victim"
	between "attach: the target's VmHWM still holds its 60 MiB (not reset)" \
		"$(($(kb_of "$victim" VmHWM) / 1024))" 58 200
	contains "attach: the header says hwm=0" att.dat " hwm=0"
	contains "attach: a NOTE says the mark was left alone" att.dat "NOTE attached without --true-peak"
	between "attach: no MAXRSS line" "$(grep -c '^MAXRSS' att.dat)" 0 0
	"$MPROF" peak att.dat >att-peak.out 2>&1
	contains "attach: peak says samples only" att-peak.out "$NO_TRUE_PEAK"
	"$MPROF" summary att.dat >att-sum.out 2>&1
	contains "attach: summary says samples only" att-sum.out "$NO_TRUE_PEAK"
else
	fail "attach: the victim did not start"
fi
kill "$victim" 2>/dev/null; wait "$victim" 2>/dev/null

if start_freed 60; then
	expect_status "attach --true-peak: records" 0 "$MPROF" attach -q --true-peak -t 0.3 -o attp.dat "$victim"
	between "attach --true-peak: resets the target's VmHWM, as documented" \
		"$(($(kb_of "$victim" VmHWM) / 1024))" 0 30
	contains "attach --true-peak: the header says hwm=1" attp.dat " hwm=1"
	check "attach --true-peak: MAXRSS lines" grep -q '^MAXRSS ' attp.dat
else
	fail "attach --true-peak: the victim did not start"
fi
kill "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
check "attach --help documents --true-peak and its side effect" sh -c "'$MPROF' attach --help | grep -A1 -e '--true-peak  ' | grep -q 'see the resets'"
expect_status "run --true-peak without --attach is refused" 2 "$MPROF" run -q --true-peak -o tp.dat true

# ---- RTLD_DEEPBIND: the library's allocations are seen, its blocks' frees match them ----
cat >deep.c <<'C'
#include <stdlib.h>
#include <string.h>
void *deep_alloc(size_t n)
{
	char *p = malloc(n);
	if (p)
		memset(p, 1, n);
	return p;
}
C
if ${CC:-cc} -shared -fPIC -o libdeep.so deep.c; then
	expect_status "deepbind: records" 0 "$MPROF" run -q -o deep.dat "$PROGS/deepbind" "$scratch/libdeep.so" 64
	between "deepbind: the heap never goes negative" \
		"$(awk '$1 == "HEAP" && NF < 7 { $3 = $2 } $1 == "HEAP" && ($2 < m || $3 < m) { m = ($2 < $3 ? $2 : $3) } END { print m + 0 }' deep.dat)" 0 0
	between "deepbind: the library's 64 MiB are in the heap peak" "$(max_of deep.dat HEAP 3)" 63 70
	"$MPROF" summary deep.dat >deep-sum.out 2>&1
	check "deepbind: summary's peak heap is the 64 MiB" grep -Eq 'peak heap +6[4-9]\.' deep-sum.out
	expect_status "deepbind: check --max-leak works (the EXIT line is there)" 0 "$MPROF" check --max-leak 1M deep.dat
	expect_status "deepbind: check --max-heap sees the 64 MiB" 1 "$MPROF" check --max-heap 32M deep.dat
	# A bare name found through the search path works as it did.
	mkdir -p deeplib && cp libdeep.so deeplib/
	expect_status "deepbind: a bare name on LD_LIBRARY_PATH still loads" 0 \
		env LD_LIBRARY_PATH="$scratch/deeplib" "$MPROF" run -q -o deep2.dat "$PROGS/deepbind" libdeep.so 8
	between "deepbind: and its 8 MiB are seen" "$(max_of deep2.dat HEAP 3)" 7.9 12
	# dlopen searches its caller's RUNPATH: the hook must not make it search ours.
	mkdir -p rp && cp libdeep.so rp/
	if ${CC:-cc} -o rpprog -Wl,--enable-new-dtags,-rpath,"$scratch/rp" "$MPROF_TOP/tests/progs/deepbind.c"; then
		for how in plain deep; do
			expect_status "dlopen by bare name through the program's RUNPATH ($how)" 0 \
				"$MPROF" run -q -o "rp-$how.dat" ./rpprog libdeep.so 8 "$how"
		done
		between "deepbind through RUNPATH: its 8 MiB are seen" "$(max_of rp-deep.dat HEAP 3)" 7.9 12
	else
		fail "dlopen through RUNPATH: cannot build the program"
	fi
else
	fail "deepbind: cannot build the test library"
fi

# Frees of blocks no hook saw (glibc's __libc_malloc called directly) never make the
# heap negative, and the leak check still finds the EXIT line.
expect_status "unseen block: records" 0 "$MPROF" run -q -o unseen.dat "$PROGS/deepbind" --libc 32
between "unseen block: the heap never goes negative" \
	"$(awk '$1 == "HEAP" && NF < 7 { $3 = $2 } $1 == "HEAP" && ($2 < m || $3 < m) { m = ($2 < $3 ? $2 : $3) } END { print m + 0 }' unseen.dat)" 0 0
contains "unseen block: a NOTE says why" unseen.dat "NOTE heap of process"
expect_status "unseen block: check --max-leak works" 0 "$MPROF" check --max-leak 1M unseen.dat

# ---- a hooked image replaced by one that does not report ----
# sh (hooked) execs a static program (30 MiB, 0.3 s) that LD_PRELOAD cannot enter.
expect_status "exec static: records" 0 "$MPROF" run -q -o exs.dat sh -c "exec '$PROGS/static_prog'"
contains "exec static: a NOTE says whose heap series ended and why" exs.dat \
	"NOTE heap series ends: process "
contains "exec static: naming the image" exs.dat "now runs '$PROGS/static_prog'"
# Every HEAP line comes before the NOTE: none carries the shell's stale counters on.
check "exec static: no HEAP line after the NOTE" \
	awk '/^NOTE heap series ends/ { n = 1 } n && /^HEAP / { bad = 1 } END { exit !(n && !bad) }' exs.dat
expect_status "exec static: check --max-heap fails" 1 "$MPROF" check --max-heap 1M exs.dat
contains "exec static: saying there is no heap data for it" "$scratch/.err" "no heap data for '$PROGS/static_prog'"
expect_status "exec static: check --max-leak fails" 1 "$MPROF" check --max-leak 1M exs.dat
contains "exec static: the same way" "$scratch/.err" "no heap data for '$PROGS/static_prog'"
expect_status "exec static: run --max-heap fails too" 1 \
	"$MPROF" run -q --max-heap 1M -o exs2.dat sh -c "exec '$PROGS/static_prog'"
"$MPROF" summary exs.dat >exs-sum.out 2>&1
contains "exec static: summary says so" exs-sum.out "does not report to the hooks"
check "exec static: summary --json says so" sh -c "'$MPROF' summary --json exs.dat | jq -e '.heap_ends | test(\"static_prog\")'"

# env -u LD_PRELOAD: the dynamic program runs without the hooks; env's heap is stale.
expect_status "env -u LD_PRELOAD: records" 0 "$MPROF" run -q -o env.dat env -u LD_PRELOAD "$PROGS/alloc_hold" 40 0.4
contains "env -u LD_PRELOAD: the heap series ends with a NOTE" env.dat "now runs '$PROGS/alloc_hold'"
expect_status "env -u LD_PRELOAD: check --max-heap fails" 1 "$MPROF" check --max-heap 1M env.dat
contains "env -u LD_PRELOAD: no heap data" "$scratch/.err" "no heap data for"
check "env -u LD_PRELOAD: summary shows no heap at exit" sh -c "! '$MPROF' summary env.dat | grep -q 'heap at exit'"

# A hooked image exec'ing a hooked one: the series goes on, no NOTE.
expect_status "exec hooked: records" 0 "$MPROF" run -q -o exh.dat sh -c "exec '$PROGS/alloc_hold' 30 0.3"
check "exec hooked: no NOTE" sh -c "! grep -q '^NOTE heap series ends' exh.dat"
between "exec hooked: its 30 MiB are in the heap" "$(max_of exh.dat HEAP 3)" 29.9 34
expect_status "exec hooked: check --max-heap sees them" 1 "$MPROF" check --max-heap 20M exh.dat

# ---- -M: children's heap peaks are shown; no 0 MiB RSS peak for a child never sampled ----
expect_status "-M: records" 0 "$MPROF" run -q -M -o kids.dat "$PROGS/children" 2 30 0.4
"$MPROF" peak kids.dat >kids-peak.out 2>&1
between "-M: peak shows each child's heap peak (30 MiB)" \
	"$(awk '/Child/ { for (i = 1; i < NF; i++) if ($i == "heap") print $(i + 1) }' kids-peak.out | sort -n | head -n 1)" 29.9 32
"$MPROF" summary kids.dat >kids-sum.out 2>&1
check "-M: summary shows each child's peak heap" grep -Eq 'child .*peak heap 30\.' kids-sum.out
check "-M: summary --json has children[].heap_peak_mib" \
	sh -c "'$MPROF' summary --json kids.dat | jq -e '[.children[].heap_peak_mib] | length == 2 and all(. > 29.9 and . < 32)'"
# A child seen only through its heap line (it ended before an RSS sample of it).
cat >heaponly.dat <<'DAT'
CMDLINE prog
MPROF 1 interval=0.100000 backend=rss children=split hooks=1 hwm=1
MEM 1.0 100.0
HEAP 0.0 0.0 100.0 0 0 0.0
CHLDHEAP 4242 12.5 20.0 100.1 3 0 0.0
MEM 1.0 100.2
EXIT 0 100.3 -1
DAT
"$MPROF" peak heaponly.dat >ho-peak.out 2>&1
check "heap-only child: peak lists no 0 MiB RSS peak" sh -c "! grep -E 'Child 4242.*[[:space:]]0\.000 MiB' ho-peak.out"
contains "heap-only child: peak shows its heap peak" ho-peak.out "heap 20.000 MiB"
"$MPROF" summary heaponly.dat >ho-sum.out 2>&1
contains "heap-only child: summary says there is no RSS sample" ho-sum.out "child         4242: no RSS sample, peak heap 20.0 MiB"
check "heap-only child: summary --json has a null RSS peak" \
	sh -c "'$MPROF' summary --json heaponly.dat | jq -e '.children[0].peak_mib == null and .children[0].heap_peak_mib == 20'"

# ---- short-lived processes keep their function names (--stacks) ----
named=0
for i in $(seq 10); do
	"$MPROF" run -q --stacks=all -o "quick-$i.dat" "$PROGS/quick" >/dev/null 2>&1 &&
		grep -q '^STKFRAME .* quick_alloc$' "quick-$i.dat" && grep -q '^STKFRAME .* main$' "quick-$i.dat" &&
		named=$((named + 1))
done
between "short-lived: 10 runs of a program that allocates and exits, every stack named" "$named" 10 10
# The launcher falls behind (here: stopped) while ten such processes start and end:
# it reads their mappings only after they are gone.
mkfifo go
"$MPROF" run -q --stacks=all -o late.dat sh -c \
	"cat go >/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do '$PROGS/quick'; done; : >done" &
mp=$!
# Once mprof has started the shell (which waits on the fifo), stop mprof.
for _ in $(seq 250); do [ -n "$(cat /proc/"$mp"/task/*/children 2>/dev/null)" ] && break; sleep 0.02; done
kill -STOP "$mp"
timeout 10 sh -c 'echo >go'
for _ in $(seq 500); do [ -e done ] && break; sleep 0.02; done
kill -CONT "$mp"
wait "$mp"
between "late reader: ten images of the short-lived program" "$(grep -c "^STKIMG .* $PROGS/quick\$" late.dat)" 10 10
between "late reader: every one's stack named (quick_alloc, main)" \
	"$(awk '$1 == "STKFRAME" && ($7 == "quick_alloc" || $7 == "main") { n++ } END { print n + 0 }' late.dat)" 2 2
check "late reader: no image without its executable's name" sh -c "! grep -q '^STKIMG .* ?\$' late.dat"
"$MPROF" report late.dat >late-report.out 2>&1
contains "late reader: report names the allocation site" late-report.out "quick_alloc"
check "late reader: no frame left as a raw address" sh -c "! grep -q '^STKFRAME [0-9]* [a-z]* 0 ' late.dat"

# ---- a heap that is not malloc: anonymous mmap is shown when it matters ----
expect_status "anon mmap: records" 0 "$MPROF" run -q -o am.dat "$PROGS/anon_mmap" 100
"$MPROF" summary am.dat >am-sum.out 2>&1
check "anon mmap: summary shows its 100 MiB peak" grep -Eq '^anon mmap +peak 100\.0 MiB' am-sum.out
contains "anon mmap: and says what the heap covers" am-sum.out "the heap counts malloc and new only"
"$MPROF" peak am.dat >am-peak.out 2>&1
contains "anon mmap: peak shows it beside the heap" am-peak.out "anon mmap 100.000 MiB (the heap counts malloc and new only)"
check "anon mmap: summary --json carries it" \
	sh -c "'$MPROF' summary --json am.dat | jq -e '.heap.mmap_peak_mib == 100 and (.heap.note | test(\"malloc and new only\"))'"
if command -v gnuplot >/dev/null 2>&1; then
	"$MPROF" plot am.dat >am-plot.out 2>&1
	contains "anon mmap: plot draws the series, named" am-plot.out "anon mmap (not in the heap line)"
fi
# An ordinary malloc program: nothing about mmap.
expect_status "malloc program: records" 0 "$MPROF" run -q -o plain.dat "$PROGS/alloc_hold" 30 0.2
"$MPROF" summary plain.dat >plain-sum.out 2>&1
check "malloc program: summary says nothing of anon mmap" sh -c "! grep -q 'anon mmap' plain-sum.out"
"$MPROF" peak plain.dat >plain-peak.out 2>&1
check "malloc program: nor does peak" sh -c "! grep -q 'anon mmap' plain-peak.out"
if command -v gnuplot >/dev/null 2>&1; then
	"$MPROF" plot plain.dat >plain-plot.out 2>&1
	check "malloc program: nor plot" sh -c "! grep -q 'anon mmap' plain-plot.out"
fi

# Children too: -C sums the tree, so a child's heap ending ends the recording's;
# -M keeps the child's series apart (a NOTE names it, the main heap stays whole).
expect_status "-C exec static: records" 0 "$MPROF" run -q -C -o cexs.dat sh -c "sh -c 'exec \"$PROGS/static_prog\"'; sleep 0.2"
contains "-C exec static: a NOTE says the child's heap ended" cexs.dat "now runs '$PROGS/static_prog'"
expect_status "-C exec static: check --max-heap fails" 1 "$MPROF" check --max-heap 1M cexs.dat
contains "-C exec static: no heap data for it" "$scratch/.err" "no heap data for '$PROGS/static_prog'"
expect_status "-M exec static: records" 0 "$MPROF" run -q -M -o mexs.dat sh -c "sh -c 'exec \"$PROGS/static_prog\"'; sleep 0.2"
contains "-M exec static: a NOTE ends the child's series" mexs.dat "NOTE child heap series ends: process "
kidpid=$(awk '/^NOTE child heap series ends/ { sub(":", "", $7); print $7 }' mexs.dat)
check "-M exec static: no CHLDHEAP line of it after the NOTE" \
	awk -v p="$kidpid" '/^NOTE child heap series ends/ { n = 1 } n && $1 == "CHLDHEAP" && $2 == p { bad = 1 } END { exit !(n && !bad) }' mexs.dat
