# t_check.sh - limits on a run, 'mprof check' with limits and baselines, 'mprof summary', JSON that parses.
. "$(dirname "$0")/lib.sh"

# Limits on a run.
expect_status "within every limit: 0" 0 "$MPROF" run -q --max-peak 200M --max-heap 150MiB --max-leak 1M -o ok.dat "$PROGS/alloc_hold" 100 0.3
expect_status "--max-peak exceeded: 1" 1 "$MPROF" run -q --max-peak 50M -o peak.dat "$PROGS/alloc_hold" 100 0.3
contains "one line naming metric, value, limit and file" "$scratch/.err" "mprof: peak RSS 10"
contains "the limit" "$scratch/.err" "exceeds the limit 50.0 MiB in 'peak.dat'"
expect_status "--max-heap exceeded: 1" 1 "$MPROF" run -q --max-heap 0.05G -o heap.dat "$PROGS/alloc_hold" 100 0.3
contains "naming the heap" "$scratch/.err" "peak heap 100.4 MiB exceeds the limit 51.2 MiB"
expect_status "--max-leak passes for a program that frees" 0 "$MPROF" run -q --max-leak 512k -o noleak.dat "$PROGS/alloc_hold" 20 0.2
expect_status "--max-leak fails for one that leaks 2 MiB" 1 "$MPROF" run -q --max-leak 1M -o leak.dat "$PROGS/leaky" 60 2
contains "naming the leak" "$scratch/.err" "heap at exit 2.0 MiB exceeds the limit 1.0 MiB in 'leak.dat'"
expect_status "two limits exceeded: two lines" 1 "$MPROF" run -q --max-peak 10M --max-leak 1M -o two.dat "$PROGS/leaky" 60 2
check "two lines" test "$(grep -c exceeds "$scratch/.err")" -eq 2
expect_status "the program's own failure comes first" 3 "$MPROF" run -q --max-peak 1M -o fail.dat "$PROGS/status" exit 3
if [ ! -x "$PROGS/static_prog" ]; then
	skip "--max-leak without hook data is an error" "no static build of tests/progs/static_prog.c (no static libc?)"
else
	expect_status "--max-leak without hook data is an error" 1 "$MPROF" run -q --max-leak 1M -o st.dat "$PROGS/static_prog"
	contains "that says why" "$scratch/.err" "--max-leak needs heap data, and 'st.dat' has none"
fi

# The same checks on an existing recording.
expect_status "check within limits" 0 "$MPROF" check --max-peak 200M ok.dat
expect_status "check over a limit" 1 "$MPROF" check --max-peak 50M ok.dat
contains "naming the file" "$scratch/.err" "in 'ok.dat'"
expect_status "check --max-leak on a leaky recording" 1 "$MPROF" check --max-leak 1M leak.dat
expect_status "check by index, newest by default" 0 sh -c "cp ok.dat mprof_20200101000000.dat && '$MPROF' check --max-peak 200M"
expect_status "check with nothing to check is a usage error" 2 "$MPROF" check ok.dat
"$MPROF" run -q -o ex.dat "$PROGS/example"
expect_status "--func limits the peak within a function (pass)" 0 "$MPROF" check --func load --max-peak 150M ex.dat
expect_status "--func limits the peak within a function (fail)" 1 "$MPROF" check --func build_index --max-peak 150M ex.dat
contains "naming the function" "$scratch/.err" "peak RSS in 'build_index'"
expect_status "--func of a function that never ran is an error" 1 "$MPROF" check --func nope --max-peak 1M ex.dat

# Bad sizes and baselines.
for bad in 5X -1M 1e3M abc ""; do
	expect_status "size '$bad' is refused" 2 "$MPROF" check --max-peak "$bad" ok.dat
done
contains "with the accepted forms" "$scratch/.err" "500M, 1.5GiB, 512k"
expect_status "a missing baseline fails" 1 "$MPROF" check --baseline nope.dat ok.dat
contains "naming it" "$scratch/.err" "cannot open 'nope.dat'"
printf 'CMDLINE x\nMEM one 1\nMEM 2 2\n' >badbase.dat
expect_status "a corrupt baseline fails" 1 "$MPROF" check --baseline badbase.dat ok.dat
contains "naming file and line" "$scratch/.err" "badbase.dat:2:"
echo '{"format": "something else"}' >bad.json
expect_status "a JSON file that is not our summary fails" 1 "$MPROF" check --baseline bad.json ok.dat
expect_status "a bad tolerance is refused" 2 "$MPROF" check --baseline ok.dat --tolerance lots ok.dat

# Baselines both ways.
"$MPROF" run -q -o small.dat "$PROGS/alloc_hold" 50 0.3
"$MPROF" run -q -o big.dat "$PROGS/alloc_hold" 100 0.3
expect_status "grew from 50 to 100 MiB: fails against the baseline" 1 "$MPROF" check --baseline small.dat big.dat
contains "side-by-side table" "$scratch/.out" "baseline"
contains "with the peak row failing" "$scratch/.out" "FAIL"
contains "and the regression named on stderr" "$scratch/.err" "peak RSS"
# The passing cases compare big.dat with its own samples halved, in the same time.
awk '$1 == "MEM" || $1 == "MAXRSS" { $2 /= 2 } $1 == "HEAP" { $2 /= 2; if (NF >= 7) $3 /= 2 } $1 == "EXIT" && $4 > 0 { $4 /= 2 } { print }' big.dat >half.dat
expect_status "shrank from 100 to 50 MiB: passes" 0 "$MPROF" check --baseline big.dat half.dat
expect_status "a 100% tolerance lets 50 -> 100 MiB pass" 0 "$MPROF" check --baseline half.dat --tolerance 150 big.dat
expect_status "which fails without it" 1 "$MPROF" check --baseline half.dat big.dat
# A baseline compares memory, not how long a run took on a busier machine: the same
# memory in three times the time passes (a time budget is --max-duration).
awk 'BEGIN { t0 = -1; OFMT = CONVFMT = "%.4f" } $1 == "MEM" || $1 == "MAXRSS" { if (t0 < 0) t0 = $3; $3 = t0 + ($3 - t0) * 3 } $1 == "HEAP" && NF >= 7 { if (t0 < 0) t0 = $4; $4 = t0 + ($4 - t0) * 3 } $1 == "EXIT" { $3 = t0 + ($3 - t0) * 3 } { print }' big.dat >slow.dat
expect_status "a baseline does not fail on a longer run with the same memory" 0 "$MPROF" check --baseline big.dat slow.dat
expect_status "while --max-duration still bounds the time" 1 "$MPROF" check --max-duration "$("$MPROF" summary --json big.dat | jq '.duration_s * 2')" slow.dat
"$MPROF" summary --json small.dat >small.json
expect_status "a JSON summary works as a baseline" 1 "$MPROF" check --baseline small.json big.dat
expect_status "and passes the other way" 0 "$MPROF" check --baseline small.json small.dat

# JSON that parses and holds the right numbers.
"$MPROF" summary --json big.dat >big.json
check "summary --json parses" jq -e . big.json
check "with a format name and version" jq -e '.format == "mprof-summary" and .version == 1' big.json
between "rss.peak_mib is the true peak" "$(jq .rss.peak_mib big.json)" 100 112
between "heap.peak_mib is the 100 blocks" "$(jq .heap.peak_mib big.json)" 100.3 100.5
between "heap.at_exit_mib is what was left" "$(jq .heap.at_exit_mib big.json)" 0 0.01
check "exit_status" jq -e '.exit_status == 0' big.json
check "samples counted" jq -e ".samples == $(grep -c '^MEM ' big.dat)" big.json
"$MPROF" summary --json ex.dat >ex.json
check "functions with calls, time and peak" jq -e '.functions | map(select(.name == "load")) | .[0].calls == 2' ex.json
"$MPROF" summary --json leak.dat >leak.json
between "a leak of 2 MiB shows at exit" "$(jq .heap.at_exit_mib leak.json)" 2 2.1
"$MPROF" run -q -M -o kids.dat "$PROGS/children" 2 30 0.5
"$MPROF" summary --json kids.dat >kids.json
check "children with their peaks" jq -e '(.children | length) == 2 and (.children[0].peak_mib > 29)' kids.json
"$MPROF" check --json --max-peak 50M --baseline small.dat big.dat >verdict.json 2>/dev/null
check "check --json parses" jq -e . verdict.json
check "with the verdict" jq -e '.format == "mprof-check" and .passed == false' verdict.json
check "and each check" jq -e '[.checks[] | select(.metric == "peak_rss" and .kind == "limit")][0].limit == 50' verdict.json
"$MPROF" summary big.dat >text.out
contains "summary as text" text.out "peak RSS"
