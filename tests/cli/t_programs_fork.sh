# t_programs_fork.sh - a multithreaded C program that forks, 50 times under --stacks=all: no child inherits libunwind's lock.
. "$(dirname "$0")/lib.sh"

# Threads allocate through call chains of varying depth while the main thread forks
# children that allocate and exit; before the fork gate about 1 run in 30 hung.
hung=0 bad=0
for i in $(seq 1 50); do
	timeout -s KILL 60 "$MPROF" run -q --stacks=all -o fork.dat "$PROGS/forkthreads" 3 6 >fork.out 2>&1
	rc=$?
	[ "$rc" -eq 137 ] && hung=$((hung + 1))
	[ "$rc" -ne 0 ] && [ "$rc" -ne 137 ] && bad=$((bad + 1))
	rm -f fork.dat
done
between "forkthreads: 50 runs under --stacks=all, none hangs" "$hung" 0 0
between "forkthreads: and every one exits 0 with all its children" "$bad" 0 0
