# t_lost.sh - nothing lost silently: every limit that drops data is noted and counted, names never break a line.
. "$(dirname "$0")/lib.sh"

# An executable whose name holds a newline and a forged line: the name is escaped.
evil="$scratch/prog
MEM 99999 1"
cp "$PROGS/alloc_hold" "$evil"
"$MPROF" run -q --stacks=all -o evil.dat "$evil" 5 0.1 >/dev/null 2>&1
if grep -q '^MEM 99999' evil.dat; then fail "a newline in a name starts no line"; else pass "a newline in a name starts no line"; fi
between "peak ignores the name" "$(peak_of evil.dat)" 1 1000
check "the name is escaped in STKIMG" grep -q '^STKIMG .*/prog?MEM 99999 1$' evil.dat

# Summary and plot take time linear in the number of distinct function names: 300,000
# names take about 2 s here, where the quadratic loops of before took about 10 minutes.
awk 'BEGIN { print "CMDLINE x"; print "MPROF 1 interval=0.1 backend=rss"
	for (i = 0; i < 1000; i++) printf "MEM %d %d.5\n", i % 50 + 1, 1000 + i
	for (i = 0; i < 300000; i++) printf "FUNC f%d 1 %.4f 2 %.4f 0\n", i, 1000 + i * 0.003, 1000 + i * 0.003 + 0.002 }' >names.dat
expect_status "summary of 300,000 function names finishes" 0 timeout 60 "$MPROF" summary --json names.dat
contains "every name is in the summary" "$scratch/.out" '"f299999"'
expect_status "plot of 300,000 function names finishes" 0 timeout 120 "$MPROF" plot -o names.png names.dat
