# t_backend.sh - pss/uss sampling that follows exec, and recordings that say when the true peak was unavailable (hwm=0).
. "$(dirname "$0")/lib.sh"
command -v skip >/dev/null 2>&1 || skip() { echo "SKIP $script: $1"; }

NO_TRUE_PEAK="true peak unavailable: samples only"

# The largest MEM sample and the last one of a recording.
mem_max() { max_of "$1" MEM 2; }
mem_last() { awk '$1 == "MEM" { v = $2 } END { print v + 0 }' "$1"; }

# ---- pss and uss follow the program through exec ----
# 'sh -c "exec prog"' replaces the shell by the program in the same process: the
# backend's handle must follow it. alloc_hold touches 50 MiB, holds 1 s, frees, holds 1 s.
for b in pss uss; do
	expect_status "$b: a program started through 'sh -c exec' records" 0 \
		"$MPROF" run -q --backend "$b" -o "exec-$b.dat" sh -c "exec '$PROGS/alloc_hold' 50 1"
	between "$b: its samples see the 50 MiB after the exec" "$(mem_max "exec-$b.dat")" 45 80
	between "$b: and go on after it freed them (sampled to the end)" "$(mem_last "exec-$b.dat")" 0 20
	# -C: a child seen before it execs (a shell that waits, then execs) is followed too.
	expect_status "$b -C: a child started through a shell records" 0 \
		"$MPROF" run -q -C --backend "$b" -o "kid-$b.dat" \
		sh -c "sh -c 'sleep 0.3; exec \"$PROGS/alloc_hold\" 50 1'; true"
	between "$b -C: the tree's samples see the child's 50 MiB" "$(mem_max "kid-$b.dat")" 45 80
done

# ---- hwm= and what peak and summary say ----
# pss and uss are sampled only: the recording says so.
contains "pss: the header says hwm=0" exec-pss.dat " hwm=0"
"$MPROF" peak exec-pss.dat >peak-pss.out 2>&1
contains "pss: peak says the true peak is unavailable" peak-pss.out "$NO_TRUE_PEAK"

# A good rss recording says hwm=1, and nothing about samples only.
expect_status "rss: records" 0 "$MPROF" run -q -o good.dat "$PROGS/alloc_hold" 20 0.2
contains "rss: the header says hwm=1" good.dat " hwm=1"
"$MPROF" peak good.dat >peak-good.out 2>&1
if grep -qF "$NO_TRUE_PEAK" peak-good.out; then fail "rss: peak does not claim samples only: $(cat peak-good.out)"; else pass "rss: peak does not claim samples only"; fi
check "rss: summary --json says true_peak: true" sh -c "'$MPROF' summary --json good.dat | jq -e '.rss.true_peak == true and (.rss | has(\"note\") | not)'"

# A process that made itself non-dumpable has a root-owned /proc/PID/clear_refs: a
# user other than root may read its RSS but not reset its high-water mark.
as=""
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		as="setpriv --reuid=65534 --regid=65534 --clear-groups"
		chmod o+x "$scratch"
		mkdir nb && chown 65534:65534 nb
	fi
else
	mkdir nb
fi

# start_victim FILE ARGS...: runs nodump as the user above; waits until it wrote 'ready PID'.
start_victim() {
	local out=$1; shift
	$as "$PROGS/nodump" "$@" >"$out" &
	victim=$!
	for _ in $(seq 600); do
		grep -q '^ready' "$out" 2>/dev/null && return 0
		kill -0 "$victim" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

if [ "$(id -u)" -eq 0 ] && [ -z "$as" ]; then
	skip "refused reset: running as root without setpriv to become another user"
else
	if start_victim nb/ready1 30 1; then
		expect_status "refused reset: attach records" 0 $as "$MPROF_REAL" attach -q --true-peak -o nb/refused.dat "$victim"
		contains "refused reset: the header says hwm=0" nb/refused.dat " hwm=0"
		contains "refused reset: a NOTE says which process and why" nb/refused.dat \
			"NOTE peak RSS reset refused for process $victim (Permission denied)"
		between "refused reset: no MAXRSS line" "$(grep -c '^MAXRSS' nb/refused.dat)" 0 0
		"$MPROF" peak nb/refused.dat >nb/peak.out 2>&1
		contains "refused reset: peak says the true peak is unavailable" nb/peak.out "$NO_TRUE_PEAK"
		between "refused reset: peak still reports the samples' 30 MiB" "$(peak_of nb/refused.dat)" 29 60
		"$MPROF" summary nb/refused.dat >nb/summary.out 2>&1
		contains "refused reset: summary says so" nb/summary.out "$NO_TRUE_PEAK"
		check "refused reset: summary --json says so" sh -c "'$MPROF' summary --json nb/refused.dat | jq -e '.rss.true_peak == false and .rss.note == \"$NO_TRUE_PEAK\"'"
		if [ -x /usr/bin/python3-mprof ]; then
			check "refused reset: the original mprof still reads the file" /usr/bin/python3-mprof peak nb/refused.dat
		else
			skip "the original mprof (python3-memory-profiler) is not installed"
		fi
	else
		fail "refused reset: the victim did not start: $(cat nb/ready1 2>&1)"
	fi
	wait "$victim" 2>/dev/null

	# -C: the parent may be reset, its non-dumpable child not: from then on samples only.
	if start_victim nb/ready2 30 1 child; then
		kid=$(awk '/^ready/ { print $2 }' nb/ready2)
		expect_status "refused by a child: attach -C records" 0 $as "$MPROF_REAL" attach -q --true-peak -C -o nb/kid.dat "$victim"
		contains "refused by a child: the header says hwm=1 (the parent allowed it)" nb/kid.dat " hwm=1"
		contains "refused by a child: a NOTE names the child" nb/kid.dat "NOTE peak RSS reset refused for process $kid "
		"$MPROF" peak nb/kid.dat >nb/kpeak.out 2>&1
		contains "refused by a child: peak says the true peak is unavailable" nb/kpeak.out "$NO_TRUE_PEAK"
	else
		fail "refused by a child: the victim did not start: $(cat nb/ready2 2>&1)"
	fi
	wait "$victim" 2>/dev/null
fi
