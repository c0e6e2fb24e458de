# t_start.sh - a process start costs about what it costs bare: a hooked /bin/true faults in few more pages, with --stacks too, and short children still record stacks.
. "$(dirname "$0")/lib.sh"

# The median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }

# Minor faults of one /bin/true (/usr/bin/time's %R counts the child alone), bare
# or under `mprof run` with the given options: the median of five.
faults() {
	for i in 1 2 3 4 5; do
		if [ "${1:-}" = bare ]; then
			/usr/bin/time -f %R -o f.txt /bin/true
		else
			rm -f f.dat
			"$MPROF" run -q "$@" -o f.dat /usr/bin/time -f %R -o f.txt /bin/true
		fi
		tail -n 1 f.txt
	done | median
}

if [ ! -x /usr/bin/time ]; then
	skip "a hooked start faults in few pages" "no /usr/bin/time"
	skip "with --stacks too" "no /usr/bin/time"
else
	bare=$(faults bare)
	hooks=$(faults)
	stacks=$(faults --stacks)
	diag "minor faults per /bin/true: bare $bare, hooks $hooks, --stacks $stacks"
	# Measured: bare 67, hooks 79, --stacks 113. Before a slot claim wrote only the
	# cells in use and the library's small statics shared a page: hooks 89, --stacks
	# 135 (203 when every image reserved its 10 MiB stack area at start).
	between "a hooked start faults in at most 1.25x the bare pages" \
		"$(awk -v a="$hooks" -v b="$bare" 'BEGIN { print a / b }')" 1 1.25
	between "with --stacks, at most 2x" \
		"$(awk -v a="$stacks" -v b="$bare" 'BEGIN { print a / b }')" 1 2
fi

# 60 short-lived children (within the 64 stack areas), each making one 4 MiB block,
# every allocation recorded: every image is named and has its stack. (Sampled, a
# 4 MiB block is missed with chance e^-8 per child, but with both cores busy one child
# in about ten runs of 60 went unrecorded, more than that explains: an open defect,
# so this guarantee is checked where it is one, in all mode.)
"$MPROF" run -q --stacks=all -o kids.dat "$PROGS/children" 60 4 0 2>/dev/null
between "the 60 children record stacks" "$(grep -c '^STKIMG' kids.dat)" 60 61
between "each named" "$(grep -c '^STKIMG .* ?$' kids.dat)" 0 0
between "the children's blocks have their stacks" \
	"$(awk '$1 == "STK" && $NF != "-" && $7 > 0 { n[$2] = 1 } END { print length(n) }' kids.dat)" 59 61
check "no image went without an area" sh -c "! grep -q '^NOTE lost stack_images' kids.dat"
