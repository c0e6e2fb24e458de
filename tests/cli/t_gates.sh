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

# 2. A reader that went away, or a closed stdout or stderr, stops neither the recording
# nor the checks; the program still meets SIGPIPE as it would bare.
# closed_pipe PIDFILE FD COMMAND...: COMMAND with FD (1 or 2) a pipe whose reader has
# already closed (no race with a reader that has not exited yet); exits as COMMAND did.
# COMMAND's process id goes into PIDFILE.
closed_pipe() {
	local pidfile=$1 fd=$2; shift 2
	"$PY" -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
fd = int(sys.argv[1])
rc = subprocess.call(sys.argv[2:], stdout=w if fd == 1 else None,
                     stderr=w if fd == 2 else None)
sys.exit(128 - rc if rc < 0 else rc)' "$fd" sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@"
}
# no_channel_of PIDFILE: no channel of that launcher is left (removed if one was).
no_channel_of() {
	local left
	left=$(ls /dev/shm/mprof-channel-"$(cat "$1")"-* /tmp/mprof-channel-"$(cat "$1")"-* 2>/dev/null)
	rm -f $left
	test -z "$left"
}
yes | head -1 >/dev/null
bare=${PIPESTATUS[0]}
sh -c 'echo $$ >pid1; exec "$0" run -o yes.dat yes 2>&1; ' "$MPROF" | head -1 >head.out
st=${PIPESTATUS[0]}
check "run ... 2>&1 | head -1: the status is the program's ($bare, as bare)" test "$st" = "$bare"
check "the recording is complete: an EXIT line with the program's status" grep -q "^EXIT $bare " yes.dat
check "no channel of that launcher left" no_channel_of pid1
sh -c '"$0" run -q -o yes2.dat yes; echo $? >st2' "$MPROF" | head -1 >/dev/null
check "run ... | head -1: the program still dies of SIGPIPE ($(cat st2) = $bare)" test "$(cat st2)" = "$bare"
check "and its recording is complete" grep -q "^EXIT $bare " yes2.dat
expect_status "stderr a pipe nobody reads: the limit still fails the run (1)" 1 closed_pipe pid3 2 "$MPROF" run --max-peak 1K -o cp.dat "$PROGS/alloc_hold" 10 0.1
check "its recording is complete" grep -q "^EXIT 0 " cp.dat
check "no channel of that launcher left" no_channel_of pid3
expect_status "and within the limit it passes (0)" 0 closed_pipe pid4 2 "$MPROF" run --max-peak 1G -o cp2.dat "$PROGS/alloc_hold" 10 0.1
check "no channel of that launcher left" no_channel_of pid4
expect_status "stdout a pipe nobody reads: the baseline table is not written, so 1" 1 closed_pipe pid5 1 "$MPROF" run --baseline cp2.dat --tolerance 1000 -o cp3.dat "$PROGS/alloc_hold" 10 0.1
contains "saying so" "$scratch/.err" "mprof: cannot write to standard output: Broken pipe"
check "no channel of that launcher left" no_channel_of pid5
status_into "stderr closed (2>&-): the limit still fails the run (1)" 1 /dev/null sh -c 'exec "$0" run --max-peak 1K -o c1.dat "$1"/alloc_hold 10 0.1 2>&-' "$MPROF" "$PROGS"
check "the recording is whole, and holds no message" sh -c 'grep -q "^EXIT 0 " c1.dat && ! grep -q mprof: c1.dat'
status_into "stdout closed (>&-): the limit still fails the run (1)" 1 - "$MPROF" run --max-peak 1K -o c2.dat "$PROGS/alloc_hold" 10 0.1
contains "and says so" "$scratch/.err" "peak RSS"
# closed_fds: which of the descriptors 0, 1, 2 the process finds closed, into fds.txt.
cat >fds.py <<'PY'
import fcntl
closed = []
for fd in (0, 1, 2):
    try:
        fcntl.fcntl(fd, fcntl.F_GETFD)
    except OSError:
        closed.append(str(fd))
with open("fds.txt", "w") as f:
    f.write(" ".join(closed) + "\n")
PY
"$PY" fds.py >&- 2>&-
mv fds.txt fds-bare.txt
"$MPROF" run -q --nopython -o fds.dat "$PY" fds.py >&- 2>&-
check "a program run with stdout and stderr closed finds them closed, as bare ($(cat fds-bare.txt))" sh -c 'test "$(cat fds.txt)" = "$(cat fds-bare.txt)" && test "$(cat fds.txt)" = "1 2"'

# 3. --func NAME as a user types it: exact, else the one function it ends after a '.'
# or '::'; several or none is an error, and peak never prints NaN.
cat >mean.py <<'PY'
import time
@profile
def compute_mean(n):
    data = [float(i) for i in range(n)]
    time.sleep(1)  # many samples (-T 0.02) fall within the call
    return sum(data) / len(data)
print(compute_mean(1000000))
PY
expect_status "a Python script with a @profile'd compute_mean" 0 "$MPROF" run -q -T 0.02 -o mean.dat "$PY" mean.py
check "its bracket is __main__.compute_mean" grep -q '^FUNC __main__.compute_mean ' mean.dat
expect_status "peak --func compute_mean: 0" 0 "$MPROF" peak --func compute_mean mean.dat
short=$(cut -f2 "$scratch/.out")
"$MPROF" peak --func __main__.compute_mean mean.dat >whole.out
check "it is the peak of __main__.compute_mean ($short)" test "$short" = "$(cut -f2 whole.out)"
check "a number of MiB, not NaN" sh -c 'echo "$0" | grep -Eq "^[0-9]+\.[0-9]{3} MiB$"' "$short"
expect_status "check --func compute_mean within a limit: 0" 0 "$MPROF" check --func compute_mean --max-peak 1G mean.dat
expect_status "check --func compute_mean over a limit: 1" 1 "$MPROF" check --func compute_mean --max-peak 1K mean.dat
contains "naming the function in full" "$scratch/.err" "peak RSS in '__main__.compute_mean'"
# with_func CMD NAME: 'peak --func NAME fn.dat', or 'check --func NAME --max-peak 1G fn.dat'.
with_func() {
	if [ "$1" = peak ]; then "$MPROF" peak --func "$2" fn.dat; else "$MPROF" check --func "$2" --max-peak 1G fn.dat; fi
}
for cmd in peak check; do
	expect_status "$cmd --func nope: 1" 1 with_func $cmd nope
	check "$cmd --func nope: one clear line" test "$(cat "$scratch/.err")" = "mprof: no function 'nope' in 'fn.dat'"
	check "$cmd --func nope: nothing on stdout" test ! -s "$scratch/.out"
	expect_status "$cmd --func load (a.load, b.load): 1" 1 with_func $cmd load
	contains "$cmd --func load: ambiguous, listing both" "$scratch/.err" "function 'load' is ambiguous in 'fn.dat': a.load, b.load"
	# No sample within the call: its own entry and exit figures are its peak, as the
	# original reports them (t_tutorial.sh has the rest of a call's span).
	expect_status "$cmd --func shortlived (no sample within its call): 0" 0 with_func $cmd shortlived
	[ $cmd = peak ] && contains "peak --func shortlived: its entry and exit, 15 MiB" "$scratch/.out" "15.000 MiB"
	check "$cmd --func shortlived: never NaN" sh -c '! grep -qi nan "$0" "$1"' "$scratch/.out" "$scratch/.err"
done
"$MPROF" peak --func parse fn.dat >parse.out
check "peak --func parse finds ns::parse (30.000 MiB)" test "$(cut -f2 parse.out)" = "30.000 MiB"
expect_status "check --func compute_median: stats.compute_median's 70 MiB is over 60M" 1 "$MPROF" check --func compute_median --max-peak 60M fn.dat
contains "naming it in full" "$scratch/.err" "peak RSS in 'stats.compute_median' 70.0 MiB"

# 4. report --sort total: a site's share is of every byte the process allocated.
expect_status "run --stacks=all the sites program" 0 "$MPROF" run -q --stacks=all -o sites.dat "$PROGS/sites"
"$MPROF" report --sort total --top 0 sites.dat >total.txt
"$MPROF" report --sort total --json sites.dat >total.json
# The share column of the first section (the sites under --sort).
awk '/^Allocation sites/ { on = 1; next } on && /^$/ { exit } on { for (i = 1; i <= NF; i++) if ($i ~ /%$/) { sub("%", "", $i); print $i; break } }' total.txt >shares.txt
check "the sites have shares" test -s shares.txt
between "the shares add up to 100%" "$(awk '{ s += $1 } END { print s }' shares.txt)" 99.5 100.5
want=$("$PY" -c '
import json
d = json.load(open("total.json"))
b = sorted((s["allocated_bytes"] for s in d["sites"]), reverse=True)
print("%.1f" % (100 * b[0] / sum(b)))')
check "the largest site's share is its bytes over all bytes allocated ($want%)" test "$(head -1 shares.txt)" = "$want"
status_into "report --folded > /dev/full: status 1" 1 /dev/full "$MPROF" report --folded sites.dat
check "report --folded > /dev/full: one line with the cause" test "$(cat "$scratch/.err")" = "mprof: cannot write to standard output: No space left on device"
contains "the help says what the share is of" <("$MPROF" report --help | tr -s " \n" "  ") "share is of"

# 5. A file that cannot be opened says why, whatever ran after the failed call.
for cmd in peak summary plot report "check --max-peak 1G"; do
	# shellcheck disable=SC2086
	expect_status "$cmd of a missing file: 1" 1 "$MPROF" $cmd nope.dat
	check "$cmd of a missing file: the cause is ENOENT" test "$(cat "$scratch/.err")" = "mprof: cannot open 'nope.dat': No such file or directory"
done
