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
