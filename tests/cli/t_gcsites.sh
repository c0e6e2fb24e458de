# t_gcsites.sh - what the cycle collector freed, by site: exact with --stacks=all, within 10% sampled, no section without collections, gc_freed_bytes in the JSON.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
# jq_py JSON EXPR: prints EXPR evaluated with d = the JSON file's content.
jq_py() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# The victim's own figures: want SITE FIELD (2 bytes, 3 blocks, 4 collections).
want() { awk -v s="$1" -v f="$2" '$1 == s { print $f }' gc.err; }
# gc_of JSON FUNCTION KEY: KEY of the site whose innermost own frame is FUNCTION.
gc_of() { jq_py "$1" "sum(s['$3'] for s in d['sites'] if s['frames'] and s['frames'][0]['function'] == '$2')"; }
# rel A B: (A - B) / B; nothing (which fails 'between') when either is not a number.
rel() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.4f", (a - b) / b }'; }

# A C program with a collector of its own (mprof_gc_begin/mprof_gc_end): exact.
expect_status "run --stacks=all a program with its own collector" 0 "$MPROF" run -q --stacks=all -o gc.dat "$PROGS/gc_sites"
cp "$scratch/.err" gc.err
"$MPROF" report --json gc.dat >gc.json
"$MPROF" report gc.dat >gc.txt
check "all: the recording counts the 3 collections (STKCOLL)" grep -qx "STKCOLL 0 3" gc.dat
for s in make_node make_buffer; do
	check "all: $s's bytes freed by the collector are exact ($(want $s 2))" test "$(gc_of gc.json $s gc_freed_bytes)" = "$(want $s 2)"
	check "all: $s's blocks freed by the collector are exact" test "$(gc_of gc.json $s gc_freed_blocks)" = "$(want $s 3)"
	check "all: $s lost memory in $(want $s 4) collections" test "$(gc_of gc.json $s gc_collections)" = "$(want $s 4)"
done
check "all: make_temp, freed by the program, has nothing freed by the collector" test "$(gc_of gc.json make_temp gc_freed_bytes)" = 0
check "all: JSON gc lists the two sites, largest first, exact" test "$(jq_py gc.json "d['gc']['estimated'], d['gc']['collections'], [s['gc_freed_bytes'] for s in d['gc']['sites']]")" = "False 3 [$(want make_buffer 2), $(want make_node 2)]"
contains "all: the text report has the section" gc.txt "Freed by the cycle collector (3 collections, 5.9 MiB in all;"
check "all: the section lists make_buffer: 4.0 MiB in 2 collections, 4 blocks" grep -qE '^ +4\.0 MiB +2 +4  make_buffer \(gc_sites\.c:' gc.txt

# Sampled (1 KiB mean: ~1250 of the 2000 nodes sampled, 10% is over 5 standard
# deviations; the 1 MiB buffers are sampled for certain): estimates within 10%.
expect_status "run --stacks --sample-bytes 1K" 0 "$MPROF" run -q --stacks --sample-bytes 1K -o gcs.dat "$PROGS/gc_sites"
"$MPROF" report --json gcs.dat >gcs.json
"$MPROF" report gcs.dat >gcs.txt
for s in make_node make_buffer; do
	between "sample: $s's bytes freed by the collector within 10%" "$(rel "$(gc_of gcs.json $s gc_freed_bytes)" "$(want $s 2)")" -0.10 0.10
done
check "sample: the JSON says estimated" test "$(jq_py gcs.json "d['gc']['estimated']")" = True
contains "sample: the section says estimated" gcs.txt "Freed by the cycle collector (3 collections, ~"

# A C program without collections: no section, no STKGC or STKCOLL line.
expect_status "run --stacks=all a C program without a collector" 0 "$MPROF" run -q --stacks=all -o plain.dat "$PROGS/sites"
"$MPROF" report plain.dat >plain.txt
check "no collections: no section" sh -c "! grep -q 'cycle collector' plain.txt"
check "no collections: no STKGC or STKCOLL line" sh -c "! grep -qE '^STK(GC|COLL) ' plain.dat"
"$MPROF" report --json plain.dat >plain.json
check "no collections: JSON gc is empty and every site has gc_freed_bytes 0" test "$(jq_py plain.json "d['gc']['collections'], d['gc']['sites'], all(s['gc_freed_bytes'] == 0 for s in d['sites'])")" = "0 [] True"

if ! "$PY" -c 'import numpy' 2>/dev/null; then
	skip "manual_gc_cr.py under --stacks=all" "numpy is missing for $PY"
	skip "manual_gc_cr.py under --stacks" "numpy is missing for $PY"
	skip "baseline.py: no section" "numpy is missing for $PY"
else
	# manual_gc_cr.py: three arrays of 3, 5 and 4 million 8-byte integers (24, 40 and
	# 32 MB), each kept alive by a cycle; gc.collect() frees the first two, the
	# collection at the interpreter's exit the third: 96,000,000 bytes (91.6 MiB)
	# requested, 3 blocks, 2 collections. Usable bytes add at most a page each. With
	# Python frames in the stacks, each array is its own site, named by the script's
	# line that made it (random_number_average, line 10) and the call that led there.
	py_sites() { # JSON: the collector's sites of line 10, "bytes blocks sites collections-each"
		jq_py "$1" "'%.0f %.0f %d %s' % (lambda v: (sum(s['gc_freed_bytes'] for s in v), sum(s['gc_freed_blocks'] for s in v), len(v), ','.join(str(s['gc_collections']) for s in v)))([s for s in d['gc']['sites'] if 'random_number_average (manual_gc_cr.py:10)' in s['label']])"
	}
	expect_status "run --stacks=all manual_gc_cr.py" 0 "$MPROF" run -q --stacks=all -o m.dat "$PY" "$MPROF_TOP/tests/py/manual_gc_cr.py"
	"$MPROF" report --json m.dat >m.json
	"$MPROF" report m.dat >m.txt
	read -r b n k c <<<"$(py_sites m.json)"
	between "manual_gc_cr.py all: the arrays' line, 96,000,000 bytes and at most a page each more, freed by the collector" "$b" 96000000 96012288
	check "manual_gc_cr.py all: its 3 arrays ($n blocks), one site per call ($k), one collection each ($c)" test "$n $k $c" = "3 3 1,1,1"
	check "manual_gc_cr.py all: the recording counts as many collections as GC lines" test "$(awk '$1 == "STKCOLL" { print $3 }' m.dat)" = "$(grep -c '^GC ' m.dat)"
	check "manual_gc_cr.py all: the section names the script's line, 91.6 MiB in all" sh -c "grep -q '91.6 MiB in all' m.txt && test \$(sed -n '/cycle collector/,/^\$/p' m.txt | grep -c 'random_number_average (manual_gc_cr.py:10)') = 3"

	expect_status "run --stacks manual_gc_cr.py" 0 "$MPROF" run -q --stacks -o ms.dat "$PY" "$MPROF_TOP/tests/py/manual_gc_cr.py"
	"$MPROF" report --json ms.dat >ms.json
	read -r bs ns ks cs <<<"$(py_sites ms.json)"
	between "manual_gc_cr.py sample: the arrays' line within 10% of 96,000,000 bytes" "$(rel "$bs" 96000000)" -0.10 0.10
	check "manual_gc_cr.py sample: estimated" test "$(jq_py ms.json "d['gc']['estimated']")" = True

	# baseline.py has no cycles of its own: the collector frees only a few KiB of
	# the interpreter's start (far below 1% of the heap peak), so no section.
	expect_status "run --stacks=all baseline.py" 0 "$MPROF" run -q --stacks=all -o base.dat "$PY" "$MPROF_TOP/tests/py/baseline.py"
	"$MPROF" report base.dat >base.txt
	"$MPROF" report --json base.dat >base.json
	check "baseline.py: collections ran ($(jq_py base.json "d['gc']['collections']")) but no section" sh -c "$PY -c \"import json; assert json.load(open('base.json'))['gc']['collections'] > 0\" && ! grep -q 'cycle collector' base.txt"
	check "baseline.py: every site has gc_freed_bytes in the JSON" test "$(jq_py base.json "all('gc_freed_bytes' in s for s in d['sites'])")" = True
fi
