# t_blocks.sh - --stacks=all at scale: the launcher's memory per live block of the program, and exact figures with a million live blocks.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
# field FILE KEY: the number after KEY in the victim's lines.
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"; }

# The victim prints its parent's (the launcher's) peak RSS once the recorder has
# read every block, so the difference between a run with a thousand blocks and one
# with a million is what the launcher keeps for the blocks.
expect_status "run --stacks=all with 1000 live blocks" 0 "$MPROF" run -q --stacks=all -o small.dat "$PROGS/live_blocks" 1000
cp "$scratch/.err" small.err
expect_status "run --stacks=all with 1000000 live blocks" 0 "$MPROF" run -q --stacks=all -o big.dat "$PROGS/live_blocks" 1000000
cp "$scratch/.err" big.err
check "the victim read its launcher's peak RSS" test "$(field big.err parent)" = mprof
small=$(field small.err hwm_kib)
big=$(field big.err hwm_kib)
per=$(awk -v a="$small" -v b="$big" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", (b - a) * 1024 / 999000 }')
diag "launcher: ${small} KiB with 1000 live blocks, ${big} KiB with 1000000: ${per} bytes per live block"
between "the launcher keeps ${per:-?} bytes per live block (at most 40; 24 is the goal)" "$per" 0 40

# Exact with a million blocks, half of them freed (the table shrinks as it goes).
expect_status "run --stacks=all, a million blocks, half freed" 0 "$MPROF" run -q --stacks=all -o half.dat "$PROGS/live_blocks" 1000000 free
cp "$scratch/.err" half.err
"$MPROF" report --json half.dat >half.json
check "the leak is exactly the blocks kept ($(field half.err leak_bytes) bytes)" "$PY" -c "import json; d=json.load(open('half.json')); assert d['process']['leaked_bytes'] == $(field half.err leak_bytes), d['process']"
check "and so are the leaked blocks ($(field half.err leak_blocks))" "$PY" -c "import json; d=json.load(open('half.json')); assert sum(s['leaked_blocks'] for s in d['sites']) == $(field half.err leak_blocks)"
check "every allocation had its stack" "$PY" -c "import json; d=json.load(open('half.json')); assert d['process']['allocations_without_stack'] == 0"

# Held: the launcher is stopped while the program allocates, so the program fills
# its ring and waits; the recording and summary say how long.
"$MPROF" run --stacks=all -o held.dat "$PROGS/churn" stop ready 2>held.err &
launcher=$!
if wait_until 60 test -e ready; then
	kill -STOP "$launcher"
	sleep 0.5
	kill -CONT "$launcher"
fi
touch stop
wait "$launcher"
check "run --stacks=all with the reader stopped a while: the program ended" test $? -eq 0
contains "the recording says the program was held" held.dat "NOTE held "
contains "and run says so on stderr" held.err "waited"
"$MPROF" summary held.dat >held.txt
contains "summary shows the time held" held.txt "for the stack reader: the program was slowed"
"$MPROF" summary --json held.dat >held.json
check "summary --json: held seconds and waits" "$PY" -c "import json; h=json.load(open('held.json'))['held']; assert h['seconds'] > 0 and h['waits'] >= 1, h"
diag "held: $(grep '^NOTE held' held.dat)"
"$MPROF" run -q -o plain.dat "$PROGS/live_blocks" 10 2>/dev/null
"$MPROF" summary --json plain.dat >plain.json
check "summary --json without stacks: held 0 s in 0 waits" "$PY" -c "import json; h=json.load(open('plain.json'))['held']; assert h == {'seconds': 0, 'waits': 0}, h"
