# t_render.sh - a picture replaces the old one only when whole: a full disk fails with its cause, the old picture untouched and no temporary file left (plot and report -o).
. "$(dirname "$0")/lib.sh"

"$MPROF" run -q -o ex.dat "$PROGS/example"
"$MPROF" run -q --stacks=all -o st.dat "$PROGS/sites" >/dev/null

# A file system of 200 KiB with 8 KiB left: no picture fits (the smallest is about 13 KiB).
small="$scratch/small"
mkdir "$small"
if [ "$(id -u)" -ne 0 ]; then
	skip "disk full: mounting a small tmpfs needs root"
elif ! mount -t tmpfs -o size=200k tmpfs "$small" 2>/dev/null; then
	skip "disk full: cannot mount a tmpfs here"
else
	# Unmounted however the script ends (lib.sh's trap still closes the TAP stream).
	trap 'rc=$?; umount "$small" 2>/dev/null; (exit $rc); tap_end' EXIT
		for f in png svg pdf; do echo "old $f" >"$small/ex.$f"; done
		echo "old flame" >"$small/flame.png"
		dd if=/dev/zero of="$small/fill" bs=4k 2>/dev/null
		truncate -s -8k "$small/fill"
		for f in png svg pdf; do
			expect_status "a render that does not fit fails (${f^^})" 1 "$MPROF" plot -o "$small/ex.$f" ex.dat
			contains "saying the disk is full (${f^^})" "$scratch/.err" "mprof: cannot write '$small/ex.$f': No space left on device"
			check "the old ${f^^} is untouched" test "$(cat "$small/ex.$f")" = "old $f"
		done
		expect_status "report -o that does not fit fails" 1 "$MPROF" report -o "$small/flame.png" st.dat
		contains "saying the disk is full" "$scratch/.err" "mprof: cannot write '$small/flame.png': No space left on device"
		check "the old flame chart is untouched" test "$(cat "$small/flame.png")" = "old flame"
		check "no temporary file is left" test -z "$(ls -A "$small" | grep -v '^fill$' | grep -v '^ex\.' | grep -v '^flame\.png$')"
		# Every amount of room from none to enough: a whole new picture, or the old one and
		# the cause; never a cut one (gnuplot exits 0 either way).
		bad=""
		for k in $(seq 0 16); do
			echo "old png" >"$small/ex.png"
			: >"$small/fill"
			dd if=/dev/zero of="$small/fill" bs=4k 2>/dev/null
			truncate -s -$((k * 4))k "$small/fill"
			"$MPROF" plot -o "$small/ex.png" ex.dat 2>err.txt
			rc=$?
			if [ $rc -eq 0 ] && file "$small/ex.png" | grep -q "PNG image data" && tail -c 12 "$small/ex.png" | grep -q IEND; then
				:
			elif [ $rc -eq 1 ] && grep -q "No space left on device" err.txt && [ "$(cat "$small/ex.png")" = "old png" ]; then
				:
			else
				bad="$bad k=$k:rc=$rc:$(head -c 100 err.txt)"
			fi
			ls -A "$small" | grep -q mprof-plot && bad="$bad k=$k:temporary-file-left"
		done
		check "with 0 to 64 KiB free: a whole PNG or the old one and the cause ($bad)" test -z "$bad"
		rm "$small/fill"
		expect_status "with room again, plot replaces it" 0 "$MPROF" plot -o "$small/ex.png" ex.dat
		check "with a whole PNG" sh -c "file '$small/ex.png' | grep -q 'PNG image data'"
		expect_status "and report -o too" 0 "$MPROF" report -o "$small/flame.png" st.dat
		check "with a whole PNG" sh -c "file '$small/flame.png' | grep -q 'PNG image data'"
	umount "$small"
	trap tap_end EXIT
	check "the small file system is gone" sh -c "! mountpoint -q '$small'"
fi

# $TMPDIR full (where the script, its data and gnuplot's messages go): the ASCII plot
# is whole, or mprof fails with the cause.
tmpfull="$scratch/tmpfull"
mkdir "$tmpfull"
if [ "$(id -u)" -ne 0 ]; then
	skip "full TMPDIR: mounting a small tmpfs needs root"
elif ! mount -t tmpfs -o size=400k tmpfs "$tmpfull" 2>/dev/null; then
	skip "full TMPDIR: cannot mount a tmpfs here"
else
	trap 'rc=$?; umount "$tmpfull" 2>/dev/null; (exit $rc); tap_end' EXIT
	for k in 0 1 2 3 4 5 6 8 12; do
		: >"$tmpfull/fill"
		dd if=/dev/zero of="$tmpfull/fill" bs=4k 2>/dev/null
		truncate -s -$((k * 4))k "$tmpfull/fill"
		TMPDIR="$tmpfull" "$MPROF" plot ex.dat >"ascii.$k" 2>"err.$k"
		echo $? >"rc.$k"
		ls -A "$tmpfull" | grep -v "^fill$" >"left.$k"
	done
	umount "$tmpfull"
	trap tap_end EXIT
	bad=""
	for k in 0 1 2 3 4 5 6 8 12; do
		rc=$(cat "rc.$k")
		if [ "$rc" -eq 0 ] && [ "$(wc -l <"ascii.$k")" -ge 24 ] && grep -q "time (in seconds)" "ascii.$k"; then
			:
		elif [ "$rc" -eq 1 ] && grep -q "No space left on device" "err.$k" && [ ! -s "ascii.$k" ]; then
			:
		else
			bad="$bad k=$k:rc=$rc:$(head -c 100 "err.$k")"
		fi
		[ -s "left.$k" ] && bad="$bad k=$k:left:$(cat "left.$k")"
	done
	check "full TMPDIR: a whole ASCII plot or the cause, never a cut one ($bad)" test -z "$bad"
	check "with no room at all it fails" test "$(cat rc.0)" -eq 1
	check "with room it draws" test "$(cat rc.12)" -eq 0
fi
