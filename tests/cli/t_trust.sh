# t_trust.sh - the channel is private and mprof trusts nothing in it: a program scribbling on it never crashes or hangs mprof, stale channels go, other users cannot open a run's channel.
. "$(dirname "$0")/lib.sh"

S=$PROGS/scribble
# start_of PID: the process's start time (field 22 of /proc/PID/stat).
start_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }'; }

# ---- the channel is private ----
"$MPROF" run -q -o where.dat sh -c 'echo "$MPROF_CHANNEL"; stat -L -c "%a %u" "$MPROF_CHANNEL"' >where.out 2>&1
chan=$(head -n 1 where.out)
check "the channel is not a file others can list in /dev/shm" test "${chan#/dev/shm/}" = "$chan"
check "it is mode 0600, owned by the user running mprof" test "$(sed -n 2p where.out)" = "600 $(id -u)"
check "the run leaves no channel behind" test ! -e "$chan"

# ---- stale channels ----
dir=/dev/shm
[ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
sh -c 'exit 0' &
dead=$!
wait "$dead"
sleep 30 &
other=$!
tag=$(printf "%05d" $((RANDOM % 100000)))
gone1="$dir/mprof-channel-$dead-12345-g${tag:0:5}"
gone2="$dir/mprof-channel-$dead-o${tag:0:5}"    # the older name: the pid only
kept3="$dir/mprof-channel-$other-L${tag:0:5}"   # older name, pid alive (not an mprof: valgrind?)
gone4="$dir/mprof-channel-$$-1-r${tag:0:5}"     # our pid, another start time: reused
live="$dir/mprof-channel-$$-$(start_of $$)-l${tag:0:5}"
touch "$gone1" "$gone2" "$kept3" "$gone4" "$live"
"$MPROF" clean --dry-run >dry.out 2>&1
contains "clean --dry-run lists a stale channel" dry.out "$gone1"
check "and removes nothing" test -e "$gone1"
"$MPROF" clean >/dev/null 2>&1
for f in "$gone1" "$gone2" "$gone4"; do
	check "clean removes the stale channel $(basename "$f")" test ! -e "$f"
done
# A live pid keeps an older-style channel whatever it runs (an mprof under valgrind
# does not look like one): never remove a live run's channel.
check "clean keeps an older-style channel whose pid still runs" test -e "$kept3"
check "clean keeps the channel of a live launcher" test -e "$live"
touch "$gone1"
"$MPROF" run -q -o stale.dat true
check "run removes stale channels at its start" test ! -e "$gone1"
check "and keeps live ones" test -e "$live"
if [ "$(id -u)" = 0 ]; then
	theirs="$dir/mprof-channel-$dead-t${tag:0:5}"
	touch "$theirs" && chown 54321 "$theirs" # a uid no test runs as (t_backend runs mprof as nobody)
	"$MPROF" clean >/dev/null 2>&1
	check "clean keeps another user's channel" test -e "$theirs"
	rm -f "$theirs"
fi
rm -f "$live"
kill "$other" 2>/dev/null
wait "$other" 2>/dev/null

# ---- a program scribbling on its own channel ----
# scribble_run NAME MODE [run options]: mprof survives, the program's status (3) and
# output pass through. Bounded: a hang is a failure, not a stuck suite.
scribble_run() {
	local name=$1 mode=$2; shift 2
	timeout -k 5 120 "$MPROF" run -q "$@" -o "$name.dat" "$S" "$mode" >"$name.out" 2>"$name.err"
	local rc=$?
	if [ "$rc" = 3 ] && [ "$(grep -vx 'truncate refused' "$name.out")" = "scribble $mode done" ] && grep -q '^EXIT 3 ' "$name.dat"; then
		pass "$name: mprof survives, status and output pass through"
	else
		fail "$name: status $rc, out '$(tail -c 100 "$name.out")', err '$(head -c 300 "$name.err")'"
	fi
}
for st in "" "--stacks=all"; do
	sfx=${st:+-stacks}
	for mode in random random64k header slot ring names ids truncate; do
		scribble_run "$mode$sfx" "$mode" $st
	done
	# Where the program forged a value, that process's data is dropped, by name.
	contains "slot$sfx: a NOTE names the process whose data was dropped" "slot$sfx.dat" "NOTE process "
	contains "ring$sfx: a NOTE says the ring was refused" "ring$sfx.dat" "impossible"
	check "truncate$sfx: the program cannot shrink the channel" grep -qx "truncate refused" "truncate$sfx.out"
done
contains "ring-stacks: the stack area is dropped with a NOTE" ring-stacks.dat "allocation stacks dropped"

# A normal program: 8 processes, each allocating from more than 32768 stacks.
timeout -k 5 300 "$MPROF" run -q --stacks=all -o many.dat "$S" stacks >many.out 2>many.err
rc=$?
check "8 processes with >32768 stacks each: mprof survives ($rc)" test "$rc" = 3
check "and writes the exit and the stacks" sh -c 'grep -q "^EXIT 3 " many.dat && grep -q "^STK " many.dat'

# ---- two users ----
if [ "$(id -u)" != 0 ]; then
	pass "two users: skipped (needs root to create a second user)"
elif ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	pass "two users: skipped (no useradd or runuser)"
else
	user=mprof-test-$$
	if useradd -M -r -s /bin/sh "$user" 2>/dev/null; then
		trap 'rc=$?; userdel "$user" 2>/dev/null; (exit $rc); tap_end' EXIT
		chmod 755 "$scratch"
		"$MPROF" run -q -o two.dat sh -c 'echo "$MPROF_CHANNEL" >chan.path; sleep 3' &
		runpid=$!
		for _ in $(seq 100); do [ -s chan.path ] && break; sleep 0.05; done
		p=$(cat chan.path 2>/dev/null)
		check "two users: the run's channel is there for its own user" test -r "$p"
		check "two users: another user cannot open it" \
			runuser -u "$user" -- sh -c "! cat '$p' >/dev/null 2>&1 && ! test -w '$p'"
		check "two users: nor find it in /dev/shm" \
			runuser -u "$user" -- sh -c "! ls /dev/shm 2>/dev/null | grep -q 'mprof-channel-$runpid-'"
		wait "$runpid"
		# A process of the run that changes its user runs unhooked, undisturbed.
		# (from a copy of the library the other user can read: this checkout may sit
		# in a directory only its owner can enter, and ld.so would say so on stderr)
		libcopy=$(mktemp -d)
		cp -r "${MPROF_LIBDIR:-$(dirname "$MPROF_REAL")/lib/mprof}/." "$libcopy/"
		chmod -R a+rX "$libcopy"
		out=$(MPROF_LIBDIR="$libcopy" "$MPROF" run -q -o uid.dat runuser -u "$user" -- sh -c 'echo "hello $(id -un)"; exit 5' 2>&1)
		rc=$?
		rm -rf "$libcopy"
		check "two users: a process that changed its user still runs ($rc: $out)" \
			test "$rc:$out" = "5:hello $user"
		userdel "$user" 2>/dev/null
	else
		pass "two users: skipped (useradd failed)"
	fi
fi
rm -f "$gone1" "$gone2" "$kept3" "$gone4" "$live" # left only when a check above failed
