# t_backend.sh - pss/uss sampling that follows exec.
. "$(dirname "$0")/lib.sh"
command -v skip >/dev/null 2>&1 || skip() { echo "SKIP $script: $1"; }

NO_TRUE_PEAK="true peak unavailable: samples only"

# The largest MEM sample and the last one of a recording.
mem_max() { max_of "$1" MEM 2; }
mem_last() { awk '$1 == "MEM" { v = $2 } END { print v + 0 }' "$1"; }

# ---- pss and uss follow the program through exec ----
# 'sh -c "exec prog"' replaces the shell by the program in the same process: the
# backend's handle must follow it. alloc_hold touches 50 MiB, holds 1 s, frees, holds 1 s.
for b in pss uss; do
	expect_status "$b: a program started through 'sh -c exec' records" 0 \
		"$MPROF" run -q --backend "$b" -o "exec-$b.dat" sh -c "exec '$PROGS/alloc_hold' 50 1"
	between "$b: its samples see the 50 MiB after the exec" "$(mem_max "exec-$b.dat")" 45 80
	between "$b: and go on after it freed them (sampled to the end)" "$(mem_last "exec-$b.dat")" 0 20
	# -C: a child seen before it execs (a shell that waits, then execs) is followed too.
	expect_status "$b -C: a child started through a shell records" 0 \
		"$MPROF" run -q -C --backend "$b" -o "kid-$b.dat" \
		sh -c "sh -c 'sleep 0.3; exec \"$PROGS/alloc_hold\" 50 1'; true"
	between "$b -C: the tree's samples see the child's 50 MiB" "$(mem_max "kid-$b.dat")" 45 80
done

