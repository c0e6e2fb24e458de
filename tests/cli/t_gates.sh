# t_gates.sh - exit codes that never lie: output write failures, closed pipes and descriptors in 'mprof run', --func names, report shares, error causes.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# A recording written by hand: known samples, known brackets (names as the Python
# bootstrap and C++ write them), no timing involved.
cat >fn.dat <<'EOF'
CMDLINE prog
MPROF 1 interval=0.100000 backend=rss children=none hooks=0
MEM 10.0 100.0
MEM 50.0 100.1
MEM 20.0 100.2
MEM 70.0 100.3
MEM 30.0 100.4
MEM 15.0 100.5
FUNC __main__.compute_mean 10.0 100.05 20.0 100.25 0
FUNC stats.compute_median 20.0 100.25 30.0 100.45 0
FUNC a.load 10.0 100.05 10.0 100.06 0
FUNC b.load 10.0 100.06 10.0 100.07 0
FUNC ns::parse 30.0 100.35 15.0 100.45 0
FUNC shortlived 15.0 100.46 15.0 100.47 0
EXIT 0 100.5 70.0
EOF

# status_into NAME WANT OUT COMMAND...: like expect_status, stdout into OUT (a path, or "-" for closed).
status_into() {
	local name=$1 want=$2 out=$3 got; shift 3
	if [ "$out" = - ]; then
		"$@" >&- 2>"$scratch/.err"
	else
		"$@" >"$out" 2>"$scratch/.err"
	fi
	got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"; else fail "$name: status $got, wanted $want ($(head -c 300 "$scratch/.err"))"; fi
}

# 1. Output that cannot be written fails the command, with one line, at exit.
mkdir listdir && cp fn.dat listdir/mprof_20200101000000.dat
for cmd in "peak fn.dat" "summary --json fn.dat" "summary fn.dat" "check --json --max-peak 1G fn.dat" "report --help" "help" "--version"; do
	# shellcheck disable=SC2086
	status_into "$cmd > /dev/full: status 1" 1 /dev/full "$MPROF" $cmd
	check "$cmd > /dev/full: one line saying why" test "$(cat "$scratch/.err")" = "mprof: cannot write to standard output: No space left on device"
done
status_into "list > /dev/full: status 1" 1 /dev/full sh -c 'cd listdir && exec "$0" list' "$MPROF"
contains "list > /dev/full: says why" "$scratch/.err" "mprof: cannot write to standard output: No space left on device"
status_into "peak with stdout closed: status 1" 1 - "$MPROF" peak fn.dat
contains "peak with stdout closed: says why" "$scratch/.err" "mprof: cannot write to standard output: Bad file descriptor"
status_into "a command that already failed keeps its status (usage: 2)" 2 /dev/full "$MPROF" peak --bogus fn.dat
status_into "nothing written, nothing to fail: check without --json into /dev/full is 0" 0 /dev/full "$MPROF" check --max-peak 1G fn.dat
status_into "a failed check into /dev/full is still 1" 1 /dev/full "$MPROF" check --max-peak 1M fn.dat
contains "and says why" "$scratch/.err" "exceeds the limit"

# 5. A file that cannot be opened says why, whatever ran after the failed call.
for cmd in peak summary plot report "check --max-peak 1G"; do
	# shellcheck disable=SC2086
	expect_status "$cmd of a missing file: 1" 1 "$MPROF" $cmd nope.dat
	check "$cmd of a missing file: the cause is ENOENT" test "$(cat "$scratch/.err")" = "mprof: cannot open 'nope.dat': No such file or directory"
done
