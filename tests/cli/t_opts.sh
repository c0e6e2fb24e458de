# t_opts.sh - options: every --help lists what its parser takes, options that do not apply are refused, run --attach and attach check, -T names its bounds.
. "$(dirname "$0")/lib.sh"

commands="run attach check peak summary list rm clean plot report"

# The long and short options an options list of a --help page shows: "  -T, --interval SECONDS"
# or "      --backend KIND".
options_of() { grep -oE '^  (-[A-Za-z], |    )--[a-z0-9-]+' | sed -E 's/^ +//; s/, / /'; }

# Every option a --help lists is one its parser takes: fed back, none is unknown or ambiguous.
# (The scratch directory holds no recording and no program is given, so nothing runs.)
for c in $commands; do
	"$MPROF" "$c" --help >"help-$c.txt" 2>&1
	check "$c --help exits 0" test $? -eq 0
	options_of <"help-$c.txt" >"opts-$c.txt"
	check "$c --help lists options" test -s "opts-$c.txt"
	bad=""
	while read -r a b; do
		for o in $a $b; do
			"$MPROF" "$c" "$o" </dev/null >/dev/null 2>"fed.err"
			if grep -qE 'unknown option|ambiguous option|needs a value' fed.err; then
				# An option with a value: given one, it must still be known.
				"$MPROF" "$c" "$o" x </dev/null >/dev/null 2>"fed.err"
				grep -qE 'unknown option|ambiguous option' fed.err && bad="$bad $o"
			fi
		done
	done <"opts-$c.txt"
	check "every option '$c --help' lists is one its parser takes:$bad" test -z "$bad"
done

# And the other way: every option run's parser takes is in its help (the ones it took
# before the help was generated from the parser's table, which missed --stacks).
missing=""
for o in interval output timeout include-children multiprocess exit-code backend quiet python \
	nopython func stacks sample-bytes attach help max-peak max-heap max-leak max-duration \
	baseline tolerance; do
	grep -qE -- "--$o( |\[|$)" help-run.txt || missing="$missing --$o"
done
check "run --help lists every option run takes:$missing" test -z "$missing"
contains "run --help shows --stacks with its optional value" help-run.txt "--stacks[=sample|all]"
contains "run --help shows --sample-bytes with its value" help-run.txt "--sample-bytes SIZE"
contains "run --help shows the checks with their values" help-run.txt "--max-peak SIZE"
contains "check --help shows --func" help-check.txt "--func NAME"
contains "attach --help shows its checks" help-attach.txt "--max-peak SIZE"
for o in stacks sample-bytes python nopython func exit-code max-heap max-leak; do
	if grep -qE -- "--$o( |\[|$)" help-attach.txt; then fail "attach --help does not offer --$o"; else pass "attach --help does not offer --$o"; fi
done

# Options that do not apply to attach are refused (they were accepted and ignored). The
# timeout ends the recording should one be accepted again.
for o in --stacks --stacks=all --python --nopython "--func main" "--sample-bytes 1M" -E \
	"--max-heap 1M" "--max-leak 1M"; do
	# shellcheck disable=SC2086
	expect_status "attach refuses $o" 2 "$MPROF" attach -q -t 0.2 $o -o "refused-$RANDOM$RANDOM.dat" $$
done
check "and records nothing" test -z "$(ls refused-*.dat 2>/dev/null)"
for o in --stacks --python "--func main" "--max-heap 1M" "--max-leak 1M"; do
	# shellcheck disable=SC2086
	expect_status "run --attach refuses $o" 2 "$MPROF" run -q -a -t 0.2 $o -o "refused-$RANDOM$RANDOM.dat" $$
done
contains "saying why" "$scratch/.err" "does not apply with --attach"
check "and records nothing" test -z "$(ls refused-*.dat 2>/dev/null)"
expect_status "run refuses --sample-bytes without sampled stacks" 2 \
	"$MPROF" run -q --sample-bytes 1M -o sb1.dat "$PROGS/status" exit 0
expect_status "and with --stacks=all" 2 \
	"$MPROF" run -q --stacks=all --sample-bytes 1M -o sb2.dat "$PROGS/status" exit 0
check "and runs nothing" test ! -e sb1.dat -a ! -e sb2.dat
expect_status "run takes --sample-bytes with --stacks" 0 \
	"$MPROF" run -q --stacks --sample-bytes 1M -o sb3.dat "$PROGS/status" exit 0
expect_status "check refuses --tolerance without --baseline" 2 "$MPROF" check --max-peak 1G --tolerance 5 none.dat
contains "saying so" "$scratch/.err" "--tolerance: no --baseline"
expect_status "check refuses a --func that no --max-peak follows" 2 "$MPROF" check --max-peak 1G --func main none.dat
expect_status "plot refuses --size without --output" 2 "$MPROF" plot --size 800x600 none.dat
expect_status "report refuses --size without --output" 2 "$MPROF" report --size 800x600 none.dat
expect_status "report refuses --top with --json" 2 "$MPROF" report --top 3 --json none.dat

# -T and -t name their bounds.
expect_status "-T 1e7 is refused" 2 "$MPROF" run -q -T 1e7 -o never.dat "$PROGS/status" exit 0
contains "naming the bounds" "$scratch/.err" "--interval: expected seconds from 0.00001 to 1000000, got '1e7'"
expect_status "-T 0.000001 is refused" 2 "$MPROF" run -q -T 0.000001 -o never.dat "$PROGS/status" exit 0
contains "with the same message" "$scratch/.err" "--interval: expected seconds from 0.00001 to 1000000, got '0.000001'"
expect_status "-t 2e6 is refused" 2 "$MPROF" run -q -t 2e6 -o never.dat "$PROGS/status" exit 0
contains "naming the bounds" "$scratch/.err" "--timeout: expected seconds from 0.00001 to 1000000, got '2e6'"
expect_status "-T 1000000 is taken" 0 "$MPROF" run -q -T 1000000 -o bound.dat "$PROGS/status" exit 0

# run --attach and attach check the recording. A 40 MiB process, waited for until it holds
# its memory, recorded until the timeout: the kernel's peak of it is at least 40 MiB.
"$PROGS/alloc_hold" 40 600 &
pid=$!
for _ in $(seq 600); do
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	[ "${rss:-0}" -ge 40960 ] && break
	sleep 0.05
done
expect_status "run --attach with a failing --max-peak exits 1" 1 \
	"$MPROF" run -q -a -t 0.3 --max-peak 20M -o att1.dat $pid
contains "naming the limit" "$scratch/.err" "exceeds the limit 20.0 MiB in 'att1.dat'"
expect_status "run --attach with a --max-peak that holds exits 0" 0 \
	"$MPROF" run -q -a -t 0.3 --max-peak 4G -o att2.dat $pid
expect_status "attach with a failing --max-peak exits 1" 1 \
	"$MPROF" attach -q -t 0.3 --max-peak 20M -o att3.dat $pid
contains "naming the limit" "$scratch/.err" "exceeds the limit 20.0 MiB in 'att3.dat'"
expect_status "attach against a baseline it matches exits 0" 0 \
	"$MPROF" attach -q -t 0.3 --baseline att2.dat --tolerance 50 -o att4.dat $pid
kill $pid
wait $pid 2>/dev/null
true
