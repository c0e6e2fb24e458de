# t_rss.sh - a hooked process carries almost none of mprof's memory: the peak mprof reports is the bare program's.
. "$(dirname "$0")/lib.sh"

# The median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }

# The peak of a recording in KiB.
peak_kib() { peak_of "$1" | awk '{ printf "%d\n", $1 * 1024 }'; }

# The channel pages one hooked process holds, in KiB: the Rss of the channel
# mapping in its own smaps, read by cat while 20 other hooked processes hold slots.
channel_kib() {
	"$MPROF" run -q "$@" -o "ch$#.dat" sh -c '
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 1 & done
		cat /proc/self/smaps >smaps.txt; wait' >/dev/null 2>&1
	awk '/^[0-9a-f]+-/ { n = ($6 ~ /mprof-channel/) } n && /^Rss:/ { s += $2 } END { print s + 0 }' smaps.txt
	rm -f "ch$#.dat" smaps.txt
}

between "a hooked process holds at most 4 pages of the channel" "$(channel_kib)" 4 16
between "with --stacks, at most 16 pages of the channel" "$(channel_kib --stacks)" 4 64

# sleep alone: mprof's reported peak against the bare run's. The bare figure is the
# larger of /usr/bin/time's %M and the peak mprof reads for a bare sleep it attaches
# to (no hooks; once the sleep has exec'd, so only its own image counts): the
# kernel (6.x, per-cpu RSS counters) gives wait4 a figure that leaves out up to
# ~250 KiB of the pages /proc/PID/status counts for the same process. Both vary by
# some 100 KiB from run to run (how much of libc the kernel maps around each
# fault): the median of three of each.
sleep_bin=$(readlink -f "$(command -v sleep)")
is_sleep() { [ "$(readlink "/proc/$1/exe")" = "$sleep_bin" ]; }
for i in 1 2 3; do
	if [ -x /usr/bin/time ]; then /usr/bin/time -f %M -o "time$i" sleep 0.3; else echo 0 >"time$i"; fi
	sleep 3 &
	pid=$!
	wait_until 10 is_sleep "$pid" && "$MPROF" run -q -o "bare$i.dat" --attach "$pid"
	wait "$pid"
	"$MPROF" run -q -o "hooked$i.dat" sleep 0.3
done
timed=$(cat time1 time2 time3 | median)
bare=$(for i in 1 2 3; do peak_kib "bare$i.dat"; done | median)
hooked=$(for i in 1 2 3; do peak_kib "hooked$i.dat"; done | median)
diag "sleep: /usr/bin/time $timed KiB, bare $bare KiB, hooked $hooked KiB (mprof peaks)"
[ "$timed" -gt "$bare" ] && bare=$timed
if mprof_is_sanitized; then
	skip "sleep's peak under mprof is within 256 KiB of its bare maximum RSS" \
		"the sanitizer build's forked child carries ASan's memory until it execs"
else
	between "sleep's peak under mprof is within 256 KiB of its bare maximum RSS" \
		"$hooked" $((bare - 256)) $((bare + 256))
fi

# -C: a shell and five sleeps, hooked, against the same tree recorded by mprof with
# the hooks taken out (env -u LD_PRELOAD execs the shell unhooked).
tree='for i in 1 2 3 4 5; do sleep 0.3 & done; wait'
for i in 1 2 3; do
	"$MPROF" run -q -C -o "tree$i.dat" sh -c "$tree"
	"$MPROF" run -q -C -o "baretree$i.dat" env -u LD_PRELOAD sh -c "$tree"
done
hooked=$(for i in 1 2 3; do peak_kib "tree$i.dat"; done | median)
bare=$(for i in 1 2 3; do peak_kib "baretree$i.dat"; done | median)
diag "-C tree: bare $bare KiB, hooked $hooked KiB"
between "with -C, a tree of 5 sleeps is within 5 x 256 KiB of the bare tree's peak" \
	"$hooked" $((bare - 5 * 256)) $((bare + 5 * 256))

# Slots come back through the header's bitmap: 600 processes one after another, more
# than the 512 slots, are all hooked.
"$MPROF" run -q -T 0.01 -o reuse.dat sh -c 'i=0; while [ $i -lt 600 ]; do /bin/true; i=$((i + 1)); done'
if grep -q "^NOTE lost processes" reuse.dat; then
	fail "600 processes one after another all find a channel slot" "$(grep '^NOTE lost processes' reuse.dat)"
else
	pass "600 processes one after another all find a channel slot"
fi
