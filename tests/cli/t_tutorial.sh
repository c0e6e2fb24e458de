# t_tutorial.sh - the garbage-collection tutorial's five scripts told truly: brackets measured at the event, per-call peaks over their own span, heap kept per call, heap troughs, cycle collections.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
export PATH="$(dirname "$PY"):$PATH" # the Debian python3 with numpy
tut="$MPROF_TOP/tests/py"

# field FILE KIND COLUMN: that column of every line of that kind, one a line.
field() { awk -v k="$2" -v c="$3" '$1 == k { print $c }' "$1"; }

# 1. A per-call peak covers its own span only (a recording made by hand): the kernel
# maximum of an interval that began before the call (214) is not the call's, the
# samples and entry/exit figures within it are; the heap peak of an interval inside it too.
cat >span.dat <<'DAT'
CMDLINE span
MPROF 1 interval=0.1 backend=rss hwm=1
MEM 10 100.0
MAXRSS 10 100.0
MEM 10 100.1
MAXRSS 214 100.1
FUNC f 20 100.15 24 100.45 0
MEM 15 100.2
MAXRSS 214 100.2
HEAP 5 5 100.2 1 1 0
MEM 16 100.3
MAXRSS 22 100.3
HEAP 5 26 100.4 1 1 0
MEM 12 100.4
MAXRSS 12 100.4
MEM 12 100.5
MAXRSS 90 100.5
FUNC g 12 100.41 12 100.42 0
EXIT 0 100.5 12
DAT
json=$("$MPROF" summary --json span.dat)
peak() { printf '%s\n' "$json" | $PY -c "import json,sys; print([f['peak_mib'] for f in json.load(sys.stdin)['functions'] if f['name'] == '$1'][0])"; }
between "a call's peak leaves out the maximum of an interval begun before it (26, not 214)" "$(peak f)" 26 26
between "a short call between two samples is at least its own entry and exit (12)" "$(peak g)" 12 12
expect_status "check --func f --max-peak 30 passes on its own span" 0 "$MPROF" check --func f --max-peak 30 span.dat
expect_status "check --func f --max-peak 25 fails (the heap peak inside it is 26)" 1 "$MPROF" check --func f --max-peak 25 span.dat

# 1b. Measured at the event in C too, even after the program closed every
# descriptor the library had (it opens /proc/self/statm again): one sample a second,
# none falls inside these calls, yet the exit of 'touch' holds its 64 MiB.
"$MPROF" run -q -T 1 -o cf.dat "$PROGS/closefds"
check "a C bracket's exit RSS is read at the event after close() of every fd (+64 MiB)" \
	awk '$1 == "FUNC" && $2 == "touch" && $5 - $3 >= 60 { ok = 1 } END { exit !ok }' cf.dat
check "and the heap at entry and exit (0 -> 64 MiB)" \
	awk '$1 == "FUNC" && $2 == "touch" && $9 - $8 >= 63.9 && $9 - $8 <= 64.1 { ok = 1 } END { exit !ok }' cf.dat
check "the next bracket's exit is back down after the free" \
	awk '$1 == "FUNC" && $2 == "release" && $3 - $5 >= 60 { ok = 1 } END { exit !ok }' cf.dat

if ! $PY -c 'import numpy' 2>/dev/null; then
	pass "the tutorial's scripts need numpy for $PY: skipped"
	exit 0
fi
for s in baseline gc gc_cr cr_only manual_gc_cr; do
	"$MPROF" run -q -o "$s.dat" "$tut/$s.py" >"$s.out" 2>"$s.err"
	check "$s.py runs under mprof" grep -q '^Averages' "$s.out"
done

# 2. Brackets at the event: baseline.py's exits sit after the free, below the plateau.
plateau=$(max_of baseline.dat MEM 2)
maxout=$(field baseline.dat FUNC 5 | sort -g | tail -n 1)
check "baseline.py: three brackets" test "$(grep -c '^FUNC __main__.random_number_average ' baseline.dat)" = 3
check "baseline.py: every exit ($maxout MiB) is 15 MiB or more below the plateau ($plateau MiB)" \
	awk -v a="$maxout" -v b="$plateau" 'BEGIN { exit !(a + 15 <= b) }'
check "baseline.py: FUNC lines carry the heap at entry and exit" \
	awk '$1 == "FUNC" && NF != 9 { exit 1 }' baseline.dat
if [ -x /usr/bin/python3-mprof ]; then
	check "the original mprof reads FUNC lines with the heap fields" /usr/bin/python3-mprof peak baseline.dat
fi

# 3. The heap kept after each call: ~0 without cycles, the array (24/40/32 MB: 30.5 MiB
# per call on average) with cycles the collector does not free in time.
retained() { "$MPROF" summary --json "$1" | $PY -c "import json,sys; print(json.load(sys.stdin)['functions'][0]['heap_retained_mib'])"; }
between "baseline.py: heap retained per call ~0" "$(retained baseline.dat)" -0.5 0.5
between "gc.py: heap retained per call ~0" "$(retained gc.dat)" -0.5 0.5
between "gc_cr.py: heap retained per call ~30.5 MiB" "$(retained gc_cr.dat)" 29.5 31.5
between "cr_only.py: heap retained per call ~30.5 MiB" "$(retained cr_only.dat)" 29.5 31.5
"$MPROF" summary gc_cr.dat >gc_cr.txt
contains "summary prints the heap retained per call" gc_cr.txt "retained after return: +30.5 MiB per call"

# 4. The heap minimum per interval: an 8th field, below the maximum where the array
# was freed and the next allocated between two samples.
check "HEAP lines have 7 numbers, the minimum last (or the short forms: 1, or 3-4 with the counts since the last)" awk '$1 == "HEAP" && NF != 8 && NF != 2 && !((NF == 4 || NF == 5) && $3 ~ /^[+]/) { exit 1 }' baseline.dat
check "the minimum is never above the heap at the sample nor the peak" \
	awk '$1 == "HEAP" && NF == 8 && ($8 > $2 + 1e-6 || $8 > $3 + 1e-6) { exit 1 }' baseline.dat
check "baseline.py: an interval's minimum falls 20 MiB below its maximum (the free between calls)" \
	awk '$1 == "HEAP" && NF == 8 && $3 - $8 > 20 { found = 1 } END { exit !found }' baseline.dat

# 5. Collections of the cycle collector on the timeline.
gcsum() { "$MPROF" summary --json "$1" | $PY -c "import json,sys; $2"; }
check "every GC line has 7 numbers" awk '$1 == "GC" && NF != 8 { exit 1 }' manual_gc_cr.dat
# manual_gc_cr.py: gc.collect() between the second and third calls frees the first two
# arrays (22.9 + 38.1 MiB), generation 2.
freed=$(gcsum manual_gc_cr.dat "
d = json.load(sys.stdin)
f = [e for e in d['functions'] if e['name'] == '__main__.random_number_average'][0]
ev = [e for e in d['gc']['events'] if e['generation'] == 2]
print(max(e['freed_mib'] for e in ev))")
between "manual_gc_cr.py: the gen-2 collection frees the two earlier arrays (~61 MiB)" "$freed" 60 62
# ... and it ran between the second call's exit and the third call's entry.
check "manual_gc_cr.py: that collection lies between the second and third calls" $PY -c "
import sys
funcs = [l.split() for l in open('manual_gc_cr.dat') if l.startswith('FUNC ')]
gcs = [l.split() for l in open('manual_gc_cr.dat') if l.startswith('GC ')]
big = [g for g in gcs if float(g[6]) - float(g[7]) > 50]
sys.exit(not (len(big) == 1 and float(funcs[1][5]) <= float(big[0][1]) <= float(funcs[2][3])))"
# cr_only.py: the collector is on, yet no collection frees an array while the calls
# run; the cycles go at the interpreter's exit, after the last call.
check "cr_only.py: no collection during the calls frees an array" $PY -c "
import sys
funcs = [l.split() for l in open('cr_only.dat') if l.startswith('FUNC ')]
gcs = [l.split() for l in open('cr_only.dat') if l.startswith('GC ')]
last = float(funcs[-1][5])
sys.exit(any(float(g[6]) - float(g[7]) > 10 and float(g[1]) < last for g in gcs))"
# gc_cr.py: collection disabled, the arrays are never freed by a collection.
check "gc_cr.py: no collection while the collector is disabled frees an array" $PY -c "
import sys
funcs = [l.split() for l in open('gc_cr.dat') if l.startswith('FUNC ')]
gcs = [l.split() for l in open('gc_cr.dat') if l.startswith('GC ')]
sys.exit(any(float(g[6]) - float(g[7]) > 10 and float(g[1]) < float(funcs[-1][5]) for g in gcs))"
"$MPROF" summary manual_gc_cr.dat >m.txt
check "summary lists the collector's collections" grep -q '^cycle collector [0-9]* collections, .* ms, freed .* MiB; largest at .* s, generation 2, .* ms, freed ' m.txt
check "summary --json gc has its keys" sh -c "'$MPROF' summary --json manual_gc_cr.dat | $PY -c \"
import json, sys
g = json.load(sys.stdin)['gc']
e = g['events'][0]
sys.exit(not (g['collections'] == len(g['events']) and g['total_s'] > 0 and 'freed_mib' in g
         and set(e) == {'time_s', 'generation', 'duration_s', 'collected', 'uncollectable', 'freed_mib'}))\""

# 6. The picture: the heap band, the collections and their labels, brackets on the line.
script_of() { # FILE: the plot.gp and data mprof generated for it
	MPROF_KEEP_PLOT=1 "$MPROF" plot -o "$1.png" "$1" 2>keep.err >/dev/null
	local d
	d=$(sed -n "s/.*kept in '\(.*\)'.*/\1/p" keep.err)
	cp "$d/plot.gp" plot.gp
	cat "$d"/d*.dat >data.txt 2>/dev/null
	rm -rf "$d"
}
script_of baseline.dat
contains "baseline.py: the heap drawn as a band from minimum to maximum" plot.gp "title 'heap min to max within interval'"
contains "baseline.py: the collections drawn as ticks" plot.gp "title 'garbage collections ("
# The RSS line passes through each bracket's exit, measured at the event.
out=$(field baseline.dat FUNC 5 | head -n 1)
check "baseline.py: the RSS line passes through the first exit bracket ($out MiB)" grep -q " $out" data.txt
script_of manual_gc_cr.dat
check "manual_gc_cr.py: the collection that freed the arrays is labelled" grep -q "set label 'collection (generation 2): freed 6[01].[0-9] MiB in " plot.gp
