# t_run.sh - 'mprof run' end to end: peaks, spikes, exit statuses, signals, children, never overwriting.
. "$(dirname "$0")/lib.sh"

# 100 MiB allocated, touched, held, freed.
expect_status "runs a program and exits 0" 0 "$MPROF" run -q "$PROGS/alloc_hold" 100 0.5
f=$(ls mprof_*.dat 2>/dev/null | head -n 1)
check "default name is mprof_<YYYYMMDDhhmmss>.dat" test -n "$f" -a -f "$f"
between "peak of 100 MiB held is 100-112 MiB" "$(peak_of "$f")" 100 112
contains "sampled every 0.1 s by default" "$f" " interval=0.100000 "
# The program runs at least its two 0.5 s holds: several samples, and never more
# than one per 0.1 s of the recording's own span (plus the first and the last).
n=$(grep -c '^MEM ' "$f")
between "several samples" "$n" 3 1000000
between "no more samples than 0.1 s intervals" "$n" 0 "$(awk '$1 == "MEM" { if (!a) a = $3; b = $3 } END { printf "%d", (b - a) / 0.1 + 2 }' "$f")"
contains "CMDLINE is the first line" <(head -n 1 "$f") "CMDLINE $PROGS/alloc_hold 100 0.5"
between "heap peak is the 100 blocks of 1 MiB" "$(max_of "$f" HEAP 3)" 100 101
between "heap returns to zero at exit" "$(grep '^HEAP' "$f" | tail -n 1 | cut -d' ' -f2)" 0 0.01
contains "EXIT line with status 0" "$f" "EXIT 0 "
# The shape: high, then low again after the free (the program allocates as it
# starts, so where the first sample falls is up to the scheduler).
last=$(grep '^MEM' "$f" | tail -n 1 | cut -d' ' -f2)
between "ends low after the free" "$last" 0 20
rm -f mprof_*.dat

# A 300 MiB spike lasting 30 ms, samples 1 s apart: whether a sample falls on it is
# up to the scheduler; what mprof guarantees is that the kernel's maximum of the
# interval holds it, and that the peak is at least every sample.
"$MPROF" run -q -T 1 -o spike.dat "$PROGS/spike" 300 30
# The interval that held it ends at a sample (MAXRSS) or, when the program ended first
# (a slow machine stretches the memset past the next sample), at the exit (EXIT's figure).
between "the kernel's maximum of the interval that held it catches the spike" \
	"$(awk '($1 == "MAXRSS" && $2 + 0 > m) { m = $2 + 0 } ($1 == "EXIT" && $4 + 0 > m) { m = $4 + 0 } END { print m + 0 }' spike.dat)" 295 330
between "peak reports the spike the kernel saw" "$(peak_of spike.dat)" 295 330
# (peak prints 3 decimals, MEM lines have 4: 0.0005 of rounding)
check "and is at least every sampled MEM" awk -v p="$(peak_of spike.dat)" '$1 == "MEM" && $2 > p + 0.0005 { exit 1 }' spike.dat
between "heap peak within the interval catches it too" "$(max_of spike.dat HEAP 3)" 300 301

# Exit statuses.
expect_status "exit status passes through" 3 "$MPROF" run -q -o s1.dat "$PROGS/status" exit 3
expect_status "-E is accepted" 4 "$MPROF" run -q -E -o s2.dat "$PROGS/status" exit 4
expect_status "killed by signal N gives 128+N" 137 "$MPROF" run -q -o s3.dat "$PROGS/status" signal 9
contains "recording of a killed program ends with its status" s3.dat "EXIT 137 "
expect_status "a missing program gives 127" 127 "$MPROF" run -q -o s4.dat ./no-such-program
contains "with a one-line message naming it" "$scratch/.err" "cannot execute './no-such-program'"
check "and leaves no recording behind" test ! -e s4.dat
expect_status "no program is a usage error" 2 "$MPROF" run
expect_status "an unknown option is a usage error" 2 "$MPROF" run --bogus true
expect_status "a zero interval is refused" 2 "$MPROF" run -T 0 true
expect_status "a negative interval is refused" 2 "$MPROF" run -T -1 true
contains "naming the option" "$scratch/.err" "--interval"
expect_status "an unknown backend is refused" 2 "$MPROF" run --backend nope true

# The program's arguments are its own, and stdout is its own.
out=$("$MPROF" run -q -o args.dat sh -c 'echo "$@"' x -T 5 -o y)
check "options after the program belong to it" test "$out" = "-T 5 -o y"
out=$("$MPROF" run -o echo.dat echo hello 2>/dev/null)
check "mprof writes nothing to stdout" test "$out" = "hello"
"$MPROF" run -o quiet.dat true 2>quiet.err
contains "one summary line on stderr" quiet.err "mprof: wrote 'quiet.dat': peak"
"$MPROF" run -q -o quiet2.dat true 2>quiet2.err
check "-q prints nothing" test ! -s quiet2.err

# Never overwrite a recording.
echo "CMDLINE precious" >keep.dat
expect_status "an existing output file is refused" 1 "$MPROF" run -q -o keep.dat true
check "and left as it was" test "$(cat keep.dat)" = "CMDLINE precious"
mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
	expect_status "an unwritable directory is an error" 1 "$MPROF" run -q -o ro/x.dat true
else
	expect_status "an output in a missing directory is an error" 1 "$MPROF" run -q -o nodir/x.dat true
fi
contains "naming the file" "$scratch/.err" "x.dat"
mkdir same && cd same
"$MPROF" run -q true && "$MPROF" run -q true && "$MPROF" run -q true
n=$(ls mprof_*.dat | wc -l)
check "three runs in a row make three files" test "$n" -eq 3
check "each new name sorts after the one before" test "$(ls mprof_*.dat | sort | tail -n 1)" = "$(ls -t mprof_*.dat | head -n 1)"
cd ..

# Signals reach the program; mprof waits and writes the last lines. A sample in
# the recording says the program runs (mprof's handlers are set before it starts).
sampled() { grep -q '^MEM ' "$1"; }
"$MPROF" run -q -o term.dat "$PROGS/status" sleep 20 &
mp=$!
wait_until 60 sampled term.dat
kill -TERM $mp
wait $mp
rc=$?
check "SIGTERM to mprof reaches the program (143)" test "$rc" -eq 143
contains "and the recording is closed" term.dat "EXIT 143 "
"$MPROF" run -q -o hup.dat "$PROGS/status" sleep 20 &
mp=$!
wait_until 60 sampled hup.dat
kill -HUP $mp
wait $mp
check "SIGHUP too (129)" test $? -eq 129

# Timeout stops the program.
expect_status "-t stops the program with SIGTERM" 143 "$MPROF" run -q -t 0.5 -o to.dat "$PROGS/status" sleep 20

# The recording survives mprof itself being killed: every line is whole. The
# program (mprof's child) and the launcher's channel are left to us to clean up.
"$MPROF" run -q -T 0.01 -o killed.dat "$PROGS/status" sleep 60 &
mp=$!
five_samples() { test "$(grep -c '^MEM ' killed.dat)" -ge 5; }
wait_until 60 five_samples
prog=$(pgrep -P $mp)
before=$(grep -c '^MEM ' killed.dat)
{ kill -KILL $mp && wait $mp; } 2>/dev/null # (no "Killed" notice from bash)
[ -n "$prog" ] && kill -KILL $prog 2>/dev/null
check "a recording cut by SIGKILL still reads" "$MPROF" peak killed.dat
between "with the samples up to the kill" "$(grep -c '^MEM ' killed.dat)" "$before" 1000000
rm -f /dev/shm/mprof-channel-"$mp"-*

# Children: summed with -C, split with -M.
"$MPROF" run -q -C -o sum.dat "$PROGS/children" 3 40 0.8
between "-C sums the tree (3 x 40 MiB)" "$(peak_of sum.dat)" 118 140
"$MPROF" run -q -M -o split.dat "$PROGS/children" 3 40 0.8
between "-M writes a CHLD series per child" "$(grep '^CHLD ' split.dat | cut -d' ' -f2 | sort -u | wc -l)" 3 3
between "each child's peak is its 40 MiB" "$("$MPROF" peak split.dat | awk '/Child/ { print $NF == "MiB" ? $(NF-1) : $NF }' | sort -n | head -n 1)" 39 48
"$MPROF" run -q -o alone.dat "$PROGS/children" 3 40 0.8
between "without -C the parent alone is small" "$(peak_of alone.dat)" 0 20
# pss and uss have no kernel maximum: the peak is a sample's, so the children hold
# long enough (2 s, 1 s) for samples to fall on it even on a busy machine.
"$MPROF" run -q -C --backend pss -o pss.dat "$PROGS/children" 3 40 2
between "-C with pss sums without counting shared pages twice" "$(peak_of pss.dat)" 118 140
"$MPROF" run -q --backend psutil_uss -o uss.dat "$PROGS/alloc_hold" 50 1
between "uss backend (psutil name accepted)" "$(peak_of uss.dat)" 49 60

# On a terminal: a live status line on stderr, cleared at the end.
if ! command -v script >/dev/null 2>&1; then
	skip "a live status line on a terminal" "no 'script' command (util-linux) to make a terminal"
else
	script -qec "'$MPROF' run -o tty.dat '$PROGS/alloc_hold' 30 0.6" /dev/null >tty.out 2>&1
	check "a live status line on a terminal" grep -q "mprof: [0-9.]*s  [0-9.]* MiB  peak" tty.out
	check "cleared before the summary line" grep -q $'\r\033\\[K' tty.out
	contains "then the summary" tty.out "mprof: wrote 'tty.dat'"
	script -qec "'$MPROF' run -q -o tty2.dat '$PROGS/alloc_hold' 30 0.6" /dev/null >tty2.out 2>&1
	check "none with -q" sh -c "! grep -q 'peak' tty2.out"
fi
