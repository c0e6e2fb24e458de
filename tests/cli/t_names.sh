# t_names.sh - native names a person can read: demangled C++, inlined frames, sites named after the program's own code, modules without symbols.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
# site JSON FUNCTION KEY [INLINED]: KEY summed over the sites whose first frame of
# the program's own code is FUNCTION (the frames below it are allocators).
site() {
	"$PY" - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
alloc = ("operator new", "malloc")
def own(s):
    return next((f for f in s["frames"] if not f["function"].startswith(alloc)), None)
print("%.0f" % sum(s[sys.argv[3]] for s in d["sites"]
                   if own(s) and own(s)["function"] == sys.argv[2]
                   and (len(sys.argv) < 5 or own(s).get("inlined", False))))
PY
}
want() { awk -v s="$1" '$1 == s { print $2 }' "$2"; }
# line FILE TEXT: the line of the victim's source that holds TEXT.
line() { grep -nF -- "$2" "$MPROF_TOP/tests/progs/$1" | head -n 1 | cut -d: -f1; }

# A C++ program built -O2 -g: namespaces, overloads, an inlined member function, a 2 MiB leak.
expect_status "run --stacks=all of a C++ program" 0 "$MPROF" run -q --stacks=all -o cxx.dat "$PROGS/names"
cp "$scratch/.err" cxx.err
"$MPROF" report cxx.dat >cxx.txt
"$MPROF" report --json cxx.dat >cxx.json
contains "C++ names are demangled" cxx.txt "app::make_names[abi:cxx11](int)"
contains "overloads are told apart" cxx.txt "app::make_names(long) (names.cc:"
contains "the inlined member function is a frame of its own" cxx.txt "app::Table::grow(unsigned long) (names.cc:$(line names.cc "new char[n]")) [inlined] < app::fill(app::Table&, int) (names.cc:$(line names.cc "t.grow(64"))"
check "no mangled name is left in the report" sh -c '! grep -q "_Z[A-Za-z0-9]" cxx.txt'
check "no site is labelled with operator new or malloc" awk '
	/^(Allocation sites|Leaks)/ { in_sites = 1; next }
	/^$/ { in_sites = 0 }
	in_sites && / (operator new|malloc)/ && $0 !~ / < operator new/ { bad = 1 }
	in_sites && $5 ~ /^(operator|malloc|_Zn)/ { bad = 1 }
	END { exit bad }' cxx.txt
check "but the call tree keeps operator new" grep -q "operator new(unsigned long)" cxx.txt
check "the inlined frame is marked in JSON" "$PY" -c "
import json; d = json.load(open('cxx.json'))
assert any(f['function'] == 'app::Table::grow(unsigned long)' and f.get('inlined') for s in d['sites'] for f in s['frames'])"
check "grow's bytes at the peak are exact ($(want fill cxx.err))" test "$(site cxx.json 'app::Table::grow(unsigned long)' peak_bytes inlined)" = "$(want fill cxx.err)"
check "the 2 MiB leak is exactly make_names(long)'s" test "$(site cxx.json 'app::make_names(long)' leaked_bytes)" = "$(want leak cxx.err)"
expect_status "check --max-leak 1M fails" 1 "$MPROF" check --max-leak 1M cxx.dat
contains "naming the leak after the program's own function" "$scratch/.err" "leaked by app::make_names(long) (names.cc:"
"$MPROF" check --json --max-leak 1M cxx.dat >leak.json
check "check --json names it too" "$PY" -c "
import json; c = json.load(open('leak.json'))['checks'][0]
assert c['leak_sites'][0]['function'] == 'app::make_names(long)', c"
expect_status "plot labels the heap peak" 0 env MPROF_KEEP_PLOT=1 "$MPROF" plot -o cxx.png cxx.dat
gp=$(sed -n "s/^mprof: plot script kept in '\(.*\)'$/\1/p" "$scratch/.err")
contains "after the program's own function" "$gp/plot.gp" "heap peak: app::make_names(long) "
rm -rf "$gp"
contains "the recording keeps demangled names with their blanks" cxx.dat " app::fill(app::Table&, int)"

# An -O2 C program whose allocating helper is inlined into two callers.
expect_status "run --stacks=all of an -O2 C program" 0 "$MPROF" run -q --stacks=all -o c.dat "$PROGS/inlined"
cp "$scratch/.err" c.err
"$MPROF" report --json c.dat >c.json
"$MPROF" report c.dat >c.txt
contains "the helper shows, inlined, under its caller" c.txt "make_buf (inlined.c:$(line inlined.c "malloc(n)")) [inlined] < load_small (inlined.c:$(line inlined.c "make_buf(16"))"
contains "under each caller" c.txt "make_buf (inlined.c:$(line inlined.c "malloc(n)")) [inlined] < load_big (inlined.c:$(line inlined.c "make_buf(256"))"
for s in load_small load_big; do
	check "$s's site is exact ($(want $s c.err) bytes)" "$PY" -c "
import json, sys
d = json.load(open('c.json'))
got = sum(s['peak_bytes'] for s in d['sites'] if [f['function'] for f in s['frames'][:2]] == ['make_buf', '$s'] and s['frames'][0].get('inlined'))
assert got == $(want $s c.err), got"
done

# A module without symbols: its frames show as module+offset, and the report says
# once how to get them.
cp "$PROGS/inlined" stripped && strip stripped
expect_status "run --stacks=all of a stripped program" 0 "$MPROF" run -q --stacks=all -o strip.dat ./stripped
"$MPROF" report strip.dat >strip.txt
contains "its frames are module+offset" strip.txt "stripped+0x"
contains "the report names the module without symbols" strip.txt "note: modules without symbols"
contains "and says how to get them" strip.txt "stripped: build it with -g, or keep its symbols"
check "once" test "$(grep -c 'note: modules without symbols' strip.txt)" = 1
check "a program with symbols gets no such note for itself" sh -c '! grep -q "^  inlined:" c.txt'
