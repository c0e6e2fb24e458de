# t_bigread.sh - peak, summary and check read a big recording in memory that does not grow with its samples, and -M children by hash.
. "$(dirname "$0")/lib.sh"

# 2,000,000 samples (MEM, MAXRSS and HEAP lines, a FUNC line every 100): about
# 300 MB of text. Reading it whole took 760 MiB; streamed, a few MiB.
tab=$(printf "\t")
"$PROGS/gen_recording" 2000000 >big.dat
maxrss_mib() { # the peak RSS (MiB) of a command, from /usr/bin/time -v
	/usr/bin/time -v -o "$scratch/.time" "$@" >"$scratch/.out" 2>"$scratch/.err"
	awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$scratch/.time"
}
if [ -x /usr/bin/time ]; then
	between "peak reads 2e6 samples in under 32 MiB" "$(maxrss_mib "$MPROF" peak big.dat)" 0 32
	contains "and prints the true peak" "$scratch/.out" "big.dat"
	between "summary reads them in under 32 MiB" "$(maxrss_mib "$MPROF" summary --json big.dat)" 0 32
	contains "and counts every sample" "$scratch/.out" "\"samples\":${tab}2000000"
	between "check --json --max-leak reads them in under 32 MiB" \
		"$(maxrss_mib "$MPROF" check --json --max-leak 100G --func work --max-peak 100G big.dat)" 0 32
	contains "and passes" "$scratch/.out" "\"passed\":${tab}true"
else
	skip "peak reads 2e6 samples in under 32 MiB" "no /usr/bin/time"
fi
rm -f big.dat

# -M: 5,000 children, 20 CHLD lines each; every child is found and its peak is its own.
"$PROGS/gen_recording" 100000 5000 >kids.dat
"$MPROF" peak kids.dat >peak.out 2>&1
between "peak lists every child" "$(grep -c '^  Child ' peak.out)" 5000 5000
"$MPROF" summary --json kids.dat >kids.json
between "summary lists every child" "$(grep -c '"id":' kids.json)" 5000 5000
child=$(awk '/^CHLD 104999 / { if ($3 > m) m = $3 } END { printf "%.3f", m }' kids.dat)
contains "a child's peak is the largest of its lines" peak.out "Child 104999			$child MiB"
