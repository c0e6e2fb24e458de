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

# 5. A file that cannot be opened says why, whatever ran after the failed call.
for cmd in peak summary plot report "check --max-peak 1G"; do
	# shellcheck disable=SC2086
	expect_status "$cmd of a missing file: 1" 1 "$MPROF" $cmd nope.dat
	check "$cmd of a missing file: the cause is ENOENT" test "$(cat "$scratch/.err")" = "mprof: cannot open 'nope.dat': No such file or directory"
done
