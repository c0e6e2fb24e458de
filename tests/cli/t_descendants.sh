# t_descendants.sh - -C/-M find a grandchild that no hook reports among hundreds of unrelated processes, without reading theirs.
. "$(dirname "$0")/lib.sh"

# Unrelated processes: children of this script, not of the recorded program.
unrelated=()
for _ in $(seq 1 100); do
	sleep 300 &
	unrelated+=($!)
done
cleanup_unrelated() { kill "${unrelated[@]}" 2>/dev/null; wait "${unrelated[@]}" 2>/dev/null; }

# The program's child runs a shell without the hooks, which starts static_prog (30 MiB
# for 0.3 s): no channel slot names the grandchild, only the process tree does.
prog=(sh -c 'env -u LD_PRELOAD sh -c "$1; :"; :' sh "$PROGS/static_prog")

"$MPROF" run -q -M -T 0.01 -o split.dat "${prog[@]}"
between "-M: the grandchild's CHLD series holds its 30 MiB" "$(max_of split.dat CHLD 3)" 29 200
"$MPROF" run -q -C -T 0.01 -o sum.dat "${prog[@]}"
between "-C: MEM holds the grandchild's 30 MiB" "$(max_of sum.dat MEM 2)" 30 300

# The launcher reads the stat files of the processes started after the program only.
if ! command -v strace >/dev/null || ! strace -o /dev/null true 2>/dev/null; then
	skip "-C reads no unrelated process's /proc/PID/stat" "strace missing or not permitted here"
else
	strace -o trace.txt -e trace=openat "$MPROF" run -q -C -T 0.01 -o traced.dat "${prog[@]}"
	read_unrelated=0
	for pid in "${unrelated[@]}"; do
		grep -q "\"/proc/$pid/stat\"" trace.txt && read_unrelated=$((read_unrelated + 1))
	done
	between "-C reads no unrelated process's /proc/PID/stat ($read_unrelated of ${#unrelated[@]} read)" \
		"$read_unrelated" 0 0
	between "-C under strace still sees the grandchild" "$(max_of traced.dat MEM 2)" 30 300
fi
cleanup_unrelated
pass "the unrelated processes are gone"
