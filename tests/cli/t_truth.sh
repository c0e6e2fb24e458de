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
check "attach --help documents --true-peak and its side effect" sh -c "'$MPROF' attach --help | grep -A2 -e '--true-peak' | grep -q 'other tools'"
