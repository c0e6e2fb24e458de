# lib.sh - helpers for the end-to-end scripts: a scratch directory, TAP lines (ok/not ok/skip), numeric checks.
# Each check prints "ok N - name" or "not ok N - name" (diagnostics as "# ..." lines on
# stderr); the plan "1..N" closes the script. A script that stops before its end (an
# error, a signal) prints a last "not ok" and exits non-zero, so it shows as failed:
# end a script with a check, not with a command that may return non-zero.
set -u
: "${MPROF:?run through tests/run}"
script=$(basename "$0" .sh)
scratch=$(mktemp -d)
tapdir=$(mktemp -d) # the harness's own files, out of the scripts' way
tap_n=0
tap_failed=0

# Every launcher the script starts goes through a wrapper that logs its pid, so
# the last check can look for the channels those launchers left in /dev/shm.
MPROF_REAL=$MPROF
MPROF_PIDLOG=$tapdir/launchers
: >"$MPROF_PIDLOG"
MPROF=$tapdir/mprof
printf '#!/bin/sh\necho $$ >>"%s"\nexec "%s" "$@"\n' "$MPROF_PIDLOG" "$MPROF_REAL" >"$MPROF"
chmod +x "$MPROF"
export MPROF MPROF_REAL

# Whether the mprof under test is the sanitizer build (make asan-test): its own
# runtime changes what some checks measure (a forked child's RSS before its exec,
# a second ASan runtime preloaded by the user).
mprof_is_sanitized() { grep -q __asan_init "$MPROF_REAL" 2>/dev/null; }

tap_line() { # ok|not ok, name, directive...
	local name=${2//$'\n'/ }
	tap_n=$((tap_n + 1))
	echo "$1 $tap_n - ${name//#/\\#}${3:+ $3}"
}
diag() { printf '%s\n' "$@" | sed "s/^/# $script: /" >&2; }

pass() { tap_line ok "$1"; }
# fail NAME [DETAIL...]: a failed check; the detail goes to the diagnostics.
fail() {
	tap_failed=$((tap_failed + 1))
	tap_line "not ok" "$1"
	diag "failed: $1" "${@:2}"
}
# skip NAME REASON: a check that cannot run here, and why.
skip() { tap_line ok "$1" "# SKIP $2"; }

# The channels /dev/shm/mprof-channel-<pid>-XXXXXX of this script's launchers that
# are still there although the launcher is gone.
left_channels() {
	local pid
	sort -u "$MPROF_PIDLOG" | while read -r pid; do
		kill -0 "$pid" 2>/dev/null && continue
		ls /dev/shm/mprof-channel-"$pid"-* 2>/dev/null
	done
}

tap_end() {
	local rc=$? left
	trap - EXIT
	cd / || true
	if [ "$rc" -ne 0 ]; then
		tap_failed=$((tap_failed + 1))
		tap_line "not ok" "the script ran to its end (it exited with status $rc after check $tap_n)"
	fi
	left=$(left_channels)
	if [ -z "$left" ]; then
		pass "no launcher of this script left its channel in /dev/shm"
	else
		fail "no launcher of this script left its channel in /dev/shm" "$left"
	fi
	rm -rf "$scratch" "$tapdir"
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] || exit 1
	exit 0
}
trap tap_end EXIT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 130' INT
cd "$scratch" || exit 1

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "command failed: $*"; fi
}

# expect_status NAME WANT COMMAND...: passes when COMMAND exits with WANT.
expect_status() {
	local name=$1 want=$2
	shift 2
	"$@" >"$scratch/.out" 2>"$scratch/.err"
	local got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"; else fail "$name" "status $got, wanted $want ($(head -c 300 "$scratch/.err"))"; fi
}

# between NAME VALUE LOW HIGH: passes when LOW <= VALUE <= HIGH (decimals allowed).
between() {
	local name=$1 v=$2 lo=$3 hi=$4
	if awk -v v="$v" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v != "" && v+0 >= lo+0 && v+0 <= hi+0) }'; then
		pass "$name"
	else
		fail "$name" "$v not in [$lo, $hi]"
	fi
}

# contains NAME FILE TEXT: passes when FILE holds TEXT (fixed string).
contains() {
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not in $2: $(head -c 300 "$2")"; fi
}

# wait_until SECONDS COMMAND...: polls COMMAND until it succeeds; fails after SECONDS.
# For waiting on a state (a file written, a process started), never as a measure.
wait_until() {
	local limit=$1 i=0
	shift
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -gt "$((limit * 20))" ] && return 1
		sleep 0.05
	done
}

# The peak (MiB) that 'mprof peak' prints for a file.
peak_of() { "$MPROF" peak "$1" | head -n 1 | awk -F'\t' '{ split($2, a, " "); print a[1] }'; }

# The largest value of a column of lines of one kind: max_of FILE KIND COLUMN.
max_of() { awk -v k="$2" -v c="$3" '$1 == k && $c + 0 > m { m = $c + 0 } END { print m + 0 }' "$1"; }

# same NAME COMMAND...: output and status unchanged under 'mprof run $RUN_OPTS'.
same() {
	local name=$1
	shift
	local a b sa sb
	a=$("$@" 2>&1)
	sa=$?
	# shellcheck disable=SC2086
	same_n=$((${same_n:-0} + 1)) # a name of its own: $RANDOM repeated one within a script
	b=$("$MPROF" run -q ${RUN_OPTS:-} -o "same-$same_n.dat" "$@" 2>&1)
	sb=$?
	if [ "$a" = "$b" ] && [ "$sa" = "$sb" ]; then pass "$name"; else fail "$name" "[$sa] '$a' vs [$sb] '$b'"; fi
}
