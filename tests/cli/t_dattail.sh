# t_dattail.sh - a recording whose last line was cut is read up to its last whole line with one warning, by every command; damage elsewhere, inf and nan are errors naming the line.
. "$(dirname "$0")/lib.sh"

"$MPROF" run -q -o ex.dat "$PROGS/example"
# On a busy machine a 'NOTE lost samples' can follow EXIT; the cuts below take the last
# line to be EXIT (cut to two fields, a NOTE would still be a whole line).
awk '$1 == "NOTE" && after_exit { next } $1 == "EXIT" { after_exit = 1 } { print }' ex.dat >ex2.dat && mv ex2.dat ex.dat
check "the recording ends with its EXIT line" sh -c "tail -n 1 ex.dat | grep -q '^EXIT '"
"$MPROF" run -q --stacks=all -o st.dat "$PROGS/sites" >/dev/null

# cut FILE OFFSET OUT: FILE without the bytes of its last line from OFFSET on.
cut_at() {
	local size last
	size=$(wc -c <"$1")
	last=$(($(head -n -1 "$1" | wc -c) + $2))
	head -c "$last" "$1" >"$3"
	[ "$last" -lt "$size" ] || fail "cut_at: offset $2 is past the end of $1"
}
# warned_once NAME FILE LINE: stderr holds exactly the one warning about FILE's line LINE.
warned_once() {
	local want="mprof: warning: $2:$3: last line is incomplete; read up to line $(($3 - 1))"
	if [ "$(grep -c . "$scratch/.err")" -eq 1 ] && grep -qxF -- "$want" "$scratch/.err"; then
		pass "$1"
	else
		fail "$1: wanted '$want' once, got: $(head -c 300 "$scratch/.err")"
	fi
}

lines=$(wc -l <ex.dat)
stlines=$(wc -l <st.dat)
peak=$(peak_of ex.dat)
exit_len=$(tail -n 1 ex.dat | wc -c)
stk_len=$(tail -n 1 st.dat | wc -c)
for off in 0 1 4 $((exit_len / 2)) $((exit_len - 2)) $((exit_len - 1)); do
	cut_at ex.dat "$off" cut.dat
	expect_status "cut at byte $off of its last line: peak reads it" 0 "$MPROF" peak cut.dat
	if [ "$off" -eq 0 ]; then
		check "cut right after a whole line: nothing to say" test ! -s "$scratch/.err"
		continue
	fi
	warned_once "with one warning naming the file and line" cut.dat "$lines"
	check "and still prints a peak" test -n "$(peak_of cut.dat 2>/dev/null)"
	expect_status "summary reads it" 0 "$MPROF" summary cut.dat
	warned_once "with one warning" cut.dat "$lines"
	expect_status "summary --json reads it" 0 "$MPROF" summary --json cut.dat
	expect_status "check reads it" 0 "$MPROF" check --max-peak 100G cut.dat
	warned_once "with one warning" cut.dat "$lines"
	expect_status "plot reads it (PNG)" 0 "$MPROF" plot -o cut.png cut.dat
	warned_once "with one warning, though plot reads the file twice" cut.dat "$lines"
	expect_status "plot reads it (ASCII)" 0 "$MPROF" plot cut.dat
	warned_once "with one warning" cut.dat "$lines"
done

# A --stacks recording ends with STK lines: report and plot read them up to the cut.
for off in 1 5 $((stk_len / 2)) $((stk_len - 1)); do
	cut_at st.dat "$off" stcut.dat
	expect_status "stacks cut at byte $off of the last line: report reads it" 0 "$MPROF" report stcut.dat
	warned_once "with one warning" stcut.dat "$stlines"
	expect_status "report -o draws it" 0 "$MPROF" report -o stcut.png stcut.dat
	warned_once "with one warning" stcut.dat "$stlines"
	expect_status "check --max-leak reads it" 0 "$MPROF" check --max-leak 1G stcut.dat
	warned_once "with one warning, though check reads the file twice" stcut.dat "$stlines"
	expect_status "plot reads it" 0 "$MPROF" plot -o stcut.svg stcut.dat
	warned_once "with one warning" stcut.dat "$stlines"
done

# Fields cut, newline kept; a NUL tail, as a power loss leaves.
{ head -n -1 ex.dat; tail -n 1 ex.dat | cut -d' ' -f1-2; } >fields.dat
expect_status "a last line missing fields is left out" 0 "$MPROF" peak fields.dat
warned_once "with one warning" fields.dat "$lines"
{ cat ex.dat; head -c 4096 /dev/zero; } >zeros.dat
expect_status "a NUL tail is left out" 0 "$MPROF" summary zeros.dat
warned_once "with one warning" zeros.dat $((lines + 1))
check "a whole recording says nothing" sh -c "'$MPROF' peak ex.dat 2>&1 >/dev/null | grep -c . | grep -qx 0"
check "and its peak is as before" test "$(peak_of ex.dat)" = "$peak"

# Damage before the last line is an error naming the file and line.
awk 'NR == 5 { print substr($0, 1, 6); next } { print }' ex.dat >mid.dat
for c in peak summary plot; do
	expect_status "a line cut in the middle: $c fails" 1 "$MPROF" $c mid.dat
	contains "naming the file and line" "$scratch/.err" "mprof: mid.dat:5: expected"
done

# inf, nan, hex floats and 1e999 are refused with the file and line; gnuplot never sees them.
for v in inf -INF nan NaN 0x1p3 1e999 Infinity; do
	printf 'CMDLINE x\nMEM 1 1000\nMEM %s 1001\nMEM 2 1002\n' "$v" >num.dat
	expect_status "MEM $v: plot fails" 1 "$MPROF" plot -o num.png num.dat
	contains "naming the file and line" "$scratch/.err" "mprof: num.dat:3: expected 'MEM <MiB> <time>'"
	printf 'CMDLINE x\nMEM 1 1000\nFUNC f 1 %s 2 1001 0\nMEM 2 1002\n' "$v" >num.dat
	expect_status "FUNC time $v: peak fails" 1 "$MPROF" peak num.dat
	contains "naming the file and line" "$scratch/.err" "mprof: num.dat:3: expected 'FUNC"
done
check "no picture was drawn from them" test ! -e num.png
