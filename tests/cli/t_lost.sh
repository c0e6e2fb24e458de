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

# The frame pool of a stack area holds 2^20 frames: 20,000 stacks of 64 frames
# overflow it, and every allocation whose stack found no room is counted and noted.
"$MPROF" run -q --stacks=all -o deep.dat "$PROGS/deep_stacks" 20000 2>/dev/null
unstored=$(awk '$1 == "STK" && $9 == "-" { n += $8 } END { print n + 0 }' deep.dat)
lost=$(awk '$1 == "STKIMG" { print $7 }' deep.dat)
between "some stacks overflow the frame pool" "$unstored" 1 20000
check "STKIMG counts each allocation without its stack as lost" test "$lost" = "$unstored"
check "a NOTE says so with the count" grep -q "^NOTE lost stacks $unstored: " deep.dat
"$MPROF" summary --json deep.dat >deep.json
check "summary --json reports it" grep -q "\"stacks\":.*$unstored" deep.json
expect_status "check --max-lost fails above the limit" 1 "$MPROF" check --max-lost 0 deep.dat
contains "and names what was lost" "$scratch/.err" "stacks $unstored"
expect_status "check --max-lost passes at the limit" 0 "$MPROF" check --max-lost "$unstored" deep.dat

# 80 children with stacks at once: 64 areas; every image is recorded or counted,
# and images that ended before mprof saw them are counted as unnamed.
"$MPROF" run -q --stacks=all -o kids.dat "$PROGS/children" 80 1 0.3 2>/dev/null
imgs=$(grep -c '^STKIMG' kids.dat)
noarea=$(awk '$1 == "NOTE" && $2 == "lost" && $3 == "stack_images" { print $4 + 0 }' kids.dat)
between "each child's image is recorded or counted as lost" "$((imgs + ${noarea:-0}))" 80 81
between "some are counted as lost (no free area)" "${noarea:-0}" 1 80
unnamed=$(grep -c '^STKIMG .* ?$' kids.dat)
named=$(awk '$1 == "NOTE" && $2 == "lost" && $3 == "symbols" { print $4 + 0 }' kids.dat)
check "images without an executable are counted ($unnamed)" test "$unnamed" = "${named:-0}"

# Samples the sampler could not take on time are counted: at -T 0.00001 most are.
"$MPROF" run -q -T 0.00001 -o fast.dat "$PROGS/alloc_hold" 20 0.2 2>/dev/null
missed=$(awk '$1 == "NOTE" && $2 == "lost" && $3 == "samples" { print $4 + 0 }' fast.dat)
between "missed samples are noted" "${missed:-0}" 1 100000000

# Brackets: the ring holds 512 events, and mprof drains it as fast as the program
# fills it; a program that calls faster than that waits for room, losing nothing.
cat >many.py <<'PY'
@profile
def small():
    return 1

@profile
def after():
    return 2

for i in range(3000):
    small()
after()
PY
"$MPROF" run -q -T 1 -o many.dat /usr/bin/python3 many.py
check "a function called 3000 times between two samples has 3000 brackets" test "$(grep -c '^FUNC .*small ' many.dat)" = 3000
check "and the function called after it has its bracket" grep -q '^FUNC .*after ' many.dat
check "nothing is noted lost" sh -c "! grep -q '^NOTE lost brackets' many.dat"
"$MPROF" run -q -T 1 -o tight.dat "$PROGS/brackets" 100000
calls=$(grep -c '^FUNC tight ' tight.dat)
lost=$(awk '$1 == "NOTE" && $2 == "lost" && $3 == "brackets" { print $4 + 0 }' tight.dat)
check "100000 mprof_enter/leave in a tight loop lose none ($calls brackets, ${lost:-0} events noted lost)" test "$calls" = 100000

# A daemon (double fork, setsid) leaves the program's tree; it registered in the
# channel, so -M follows it while the program runs, and a NOTE says it outlived it.
dpid=$("$MPROF" run -q -M -o daemon.dat "$PROGS/daemon" 30 1.5 0.8 2>/dev/null)
between "-M follows the daemon's memory" "$(awk -v p="$dpid" '($1 == "CHLD" || $1 == "CHLDMAX") && $2 == p && $3 > m { m = $3 } END { print m + 0 }' daemon.dat)" 25 200
check "a NOTE says it was still running when the program ended" grep -q '^NOTE lost left_tree 1: ' daemon.dat
while kill -0 "$dpid" 2>/dev/null; do sleep 0.1; done

# Short-lived children are named: each new image waits (a few ms, at most 250 ms)
# until mprof has read its executable and mappings.
"$MPROF" run -q --stacks=all -o quick.dat "$PROGS/children" 40 1 0 2>/dev/null
check "40 children that exit at once each have stacks" test "$(grep -c '^STKIMG' quick.dat)" -ge 40
between "and at most a few are unnamed" "$(grep -c '^STKIMG .* ?$' quick.dat)" 0 4
