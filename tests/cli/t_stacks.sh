# t_stacks.sh - allocation stacks: exact in all mode, within 10% when sampled, the report's views, robustness with stacks on.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
# site_value JSON FUNCTION KEY: KEY of the site whose frames hold FUNCTION (summed over its stacks).
site_value() {
	"$PY" - "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("%.0f" % sum(s[sys.argv[3]] for s in d["sites"] if any(f["function"] == sys.argv[2] for f in d["sites"][d["sites"].index(s)]["frames"][:3])))
PY
}
# want SITE FIELD: the victim's own count (usable bytes = field 2, blocks = field 3).
want() { awk -v s="$1" -v f="$2" '$1 == s { print $f }' sites.err; }

# --stacks=all: every figure exact.
expect_status "run --stacks=all" 0 "$MPROF" run -q --stacks=all -o all.dat "$PROGS/sites"
cp "$scratch/.err" sites.err
"$MPROF" report --json all.dat >all.json
check "the report is JSON" "$PY" -c 'import json,sys; json.load(open("all.json"))'
for s in hold_big hold_mid leak_small; do
	check "all: $s at the peak is exact ($(want $s 2) bytes)" test "$(site_value all.json $s peak_bytes)" = "$(want $s 2)"
	check "all: $s's blocks at the peak are exact" test "$(site_value all.json $s peak_blocks)" = "$(want $s 3)"
done
check "all: the leak is exactly leak_small's" test "$(site_value all.json leak_small leaked_bytes)" = "$(want leak_small 2)"
check "all: hold_big leaked nothing" test "$(site_value all.json hold_big leaked_bytes)" = 0
check "all: the process leak total is exact" "$PY" -c "import json; d=json.load(open('all.json')); assert d['process']['leaked_bytes'] == $(want leak_small 2)"
"$MPROF" report --sort leak --json all.dat >leak.json
check "--sort leak --json: sorted by leak, the leaking site first" "$PY" -c "import json; d=json.load(open('leak.json')); assert d['sort'] == 'leak' and d['sites'][0]['frames'][0]['function'] == 'leak_small' and d['sites'][0]['leaked_bytes'] == $(want leak_small 2)"
contains "frames carry file:line from debug info" all.json "sites.c:"
contains "and module offsets" all.json '"offset":'

# Sampled: estimates within 10%. At 1 KiB the smallest site has ~2000 samples,
# so 10% is 4.5 standard deviations; at the default 512 KiB it would be 10% at 1.
expect_status "run --stacks --sample-bytes 1K" 0 "$MPROF" run -q --stacks --sample-bytes 1K -o smp.dat "$PROGS/sites"
cp "$scratch/.err" smp.err
"$MPROF" report --json smp.dat >smp.json
rel() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (a - b) / b }'; }
for s in hold_big hold_mid leak_small; do
	w=$(awk -v s=$s '$1 == s { print $2 }' smp.err)
	between "sample: $s at the peak within 10%" "$(rel "$(site_value smp.json $s peak_bytes)" "$w")" -0.10 0.10
done
w=$(awk '$1 == "leak_small" { print $2 }' smp.err)
between "sample: the leak within 10%" "$(rel "$(site_value smp.json leak_small leaked_bytes)" "$w")" -0.10 0.10
check "sample: labelled as estimated" "$PY" -c "import json; assert json.load(open('smp.json'))['estimated'] is True"
"$MPROF" report smp.dat >smp.txt
contains "sample: the text says so" smp.txt "figures are estimates"
expect_status "default sampling runs" 0 "$MPROF" run -q --stacks -o dflt.dat "$PROGS/sites"
contains "at 512 KiB by default" dflt.dat "STACKS sample 524288"

# The report's views.
"$MPROF" report all.dat >all.txt
contains "text: sites at the peak" all.txt "Allocation sites at the heap peak:"
contains "text: the biggest site first" "$(printf '%s' all.txt)" "hold (sites.c"
check "text: hold_big's line comes before hold_mid's" awk '/hold_big/ && !b { b = NR } /hold_mid/ && !m { m = NR } END { exit !(b && m && b < m) }' all.txt
contains "text: leaks" all.txt "Leaks (still allocated at exit):"
contains "text: a call tree" all.txt "Call tree at the heap peak"
"$MPROF" report --folded all.dat >all.folded
check "folded: one 'frames bytes' line each" awk 'NF != 2 || $2 !~ /^[0-9]+$/ { exit 1 }' all.folded
check "folded: main;hold_big;hold holds hold_big's bytes" awk -v w="$(want hold_big 2)" '$1 ~ /;main;hold_big;hold$/ && $2 >= w { f = 1 } END { exit !f }' all.folded
"$MPROF" report --folded --sort leak all.dat >leak.folded
check "folded --sort leak: only the leak" awk -v w="$(want leak_small 2)" '{ s += $2 } END { exit !(s == w) }' leak.folded
expect_status "a flame chart as PNG" 0 "$MPROF" report -o flame.png all.dat
check "is a PNG" sh -c 'head -c 8 flame.png | od -c | grep -q "P   N   G"'
expect_status "and as SVG" 0 "$MPROF" report -o flame.svg --sort leak all.dat
contains "naming the leaking function" flame.svg "leak_small"

# Errors.
"$MPROF" run -q -o plain.dat "$PROGS/alloc_hold" 10 0.1
expect_status "report on a recording without stacks: 1" 1 "$MPROF" report plain.dat
contains "says how to get them" "$scratch/.err" "no allocation stacks; record with 'mprof run --stacks'"
expect_status "--stacks=bogus: usage error" 2 "$MPROF" run --stacks=bogus true
contains "naming the option" "$scratch/.err" "--stacks: expected 'sample' or 'all', got 'bogus'"
expect_status "--sample-bytes 0: usage error" 2 "$MPROF" run --stacks --sample-bytes 0 true
expect_status "--sort bogus: usage error" 2 "$MPROF" report --sort bogus all.dat
expect_status "--pid of no process: 1" 1 "$MPROF" report --pid 1 all.dat
expect_status "an unknown extension: usage error" 2 "$MPROF" report -o flame.gif all.dat
mkdir -p nostk && cp "${MPROF_LIBDIR:-$(dirname "$MPROF_REAL")/lib/mprof}/libmprof.so" nostk/
MPROF_LIBDIR=$PWD/nostk "$MPROF" run -o nostk.dat --stacks "$PROGS/alloc_hold" 10 0.1 >nostk.out 2>"$scratch/.err"
check "--stacks without libmprof-stacks.so: the run goes on" test $? -eq 0
contains "with a warning naming the library" "$scratch/.err" "libmprof-stacks.so not found: no allocation stacks recorded"
check "and heap from the plain hooks" grep -q '^HEAP ' nostk.dat
sed 's/^STK 0 \([0-9]*\) /STK 0 x /' all.dat >bad.dat
expect_status "a damaged STK line: 1" 1 "$MPROF" report bad.dat
contains "naming file and line" "$scratch/.err" "bad.dat:"
check "the original reader skips the stack lines" "$MPROF" peak all.dat
if command -v python3-mprof >/dev/null 2>&1 || [ -x /usr/bin/mprof ]; then
	orig=$(command -v python3-mprof || echo /usr/bin/mprof)
	check "python3-mprof peak reads it" "$orig" peak all.dat
else
	skip "python3-mprof peak reads it" "python3-mprof is not installed (scripts/install-deps.sh test)"
fi

# check --max-leak names the leaking site when stacks are there.
expect_status "check --max-leak with stacks" 1 "$MPROF" check --max-leak 1M all.dat
contains "names the site" "$scratch/.err" "leak_small"

# Robustness with every allocation's stack taken.
RUN_OPTS=--stacks=all
same "stacks: fork without exec" "$PROGS/robust" fork
same "stacks: fork then exec" "$PROGS/robust" forkexec
same "stacks: posix_spawn" "$PROGS/robust" spawn
same "stacks: vfork then exec" "$PROGS/robust" vfork
same "stacks: signal handlers that allocate" "$PROGS/robust" signals
same "stacks: closing every fd, then opening files" "$PROGS/robust" closefds
same "stacks: libunwind's pipe takes none of the low fds" "$PROGS/robust" lowfd
same "stacks: unsetting LD_PRELOAD" "$PROGS/robust" unsetenv
same "stacks: _exit" "$PROGS/robust" _exit
same "stacks: abort" "$PROGS/robust" abort
same "stacks: 8 threads" "$PROGS/threads" 8 200000
same "stacks: a shell pipeline" sh -c 'seq 1 20000 | sort -rn | head -3'
printf 'int main(void) { return 0; }\n' >g.c
same "stacks: gcc compiling a file" gcc -O2 -c g.c -o g.o
same "stacks: git" git -C "$MPROF_TOP" log --oneline -3
same "stacks: perl" perl -e 'print join(",", map { $_ * 2 } 1 .. 5), "\n"'
same "stacks: python3" /usr/bin/python3 -c 'print(sum(len(str(i)) for i in range(200000)))'
RUN_OPTS=--stacks
same "sampled: signal handlers that allocate" "$PROGS/robust" signals
same "sampled: 8 threads" "$PROGS/threads" 8 200000
"$MPROF" run -q --stacks=all -o forked.dat "$PROGS/robust" fork >/dev/null
check "a forked child's stacks are its own process" awk '$1 == "STKIMG" { n++ } END { exit !(n >= 2) }' forked.dat

# plot names the sites at the heap peak.
expect_status "plot a recording with stacks" 0 env MPROF_KEEP_PLOT=1 "$MPROF" plot -o sites.png all.dat
gp=$(sed -n "s/^mprof: plot script kept in '\(.*\)'$/\1/p" "$scratch/.err")
contains "the heap peak is labelled with its sites" "$gp/plot.gp" "heap peak: hold_big>hold"
rm -rf "$gp"
"$MPROF" check --json --max-leak 1M all.dat >leakcheck.json 2>/dev/null
check "check --json lists the leak's sites" "$PY" -c "import json; c=json.load(open('leakcheck.json'))['checks'][0]; assert c['leak_sites'][0]['function'] == 'leak_small'"
