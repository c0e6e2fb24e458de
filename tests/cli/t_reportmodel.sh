# t_reportmodel.sh - one report, many views: the text report, --json, check's leak sites and the flame chart show the same sites with the same numbers.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
# agree TEXT JSON LEAKJSON: the text report's headline, site tables and notes against
# the JSON of the same recording (sorted by peak, and by leak for the leak table).
agree() {
	"$PY" - "$@" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().split("\n")
peak, leak = (json.load(open(p)) for p in sys.argv[2:4])
approx = "" if peak["mode"] == "all" else "~"

def size(b):
    for unit, f in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= f:
            return ("%.2f %s" if unit == "GiB" else "%.1f %s") % (b / f, unit)
    return "%.0f B" % b

def table(title):
    start = next(i for i, l in enumerate(text) if l.startswith(title))
    rows = []
    for l in text[start + 2:]:
        m = re.match(r"^  [ ~]\s*([\d.]+ [KMG]?i?B)\s+([\d.]+)%\s+(\d+)  (.*)$", l)
        if not m:
            break
        rows.append(m.groups())
    return rows

def same(rows, sites, key, blocks):
    assert rows, "no rows"
    for (b, share, n, label), s in zip(rows, sites):
        assert label == s["label"], (label, s["label"])
        assert b == size(s[key]), (label, b, s[key])
        assert share == "%.1f" % s["share"], (label, share, s["share"])
        assert int(n) == round(s[blocks]), (label, n, s[blocks])

p = peak["process"]
head = "heap peak %s%s, still allocated at exit %s%s, %d allocations recorded" % (
    approx, size(p["heap_peak_bytes"]), approx, size(p["leaked_bytes"]), p["allocations_recorded"])
assert head in text, head
same(table("Allocation sites at the heap peak"), peak["sites"], "peak_bytes", "peak_blocks")
same(table("Leaks"), leak["sites"], "leaked_bytes", "leaked_blocks")
noted = [l.split(":")[0].strip() for l in text if l.startswith("  ") and (": install " in l or ": build it" in l)]
assert noted == [m["module"].rsplit("/", 1)[-1] for m in peak["modules_without_symbols"]], noted
print("ok")
PY
}
# png_size FILE: "WIDTHxHEIGHT" from the PNG header.
png_size() { "$PY" -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"; }

# Exact figures, a C program.
expect_status "run --stacks=all" 0 "$MPROF" run -q --stacks=all -o all.dat "$PROGS/sites"
"$MPROF" report all.dat >all.txt
"$MPROF" report --json all.dat >all.json
"$MPROF" report --json --sort leak all.dat >leak.json
check "text and JSON give the same sites, bytes, shares and blocks" agree all.txt all.json leak.json
check "JSON labels each site as the text does" "$PY" -c "
import json; s = json.load(open('all.json'))['sites'][0]
assert s['label'].startswith('hold (sites.c:'), s['label']"

# A C++ program: demangled labels, a library without symbols noted in both.
expect_status "run --stacks=all of a C++ program" 0 "$MPROF" run -q --stacks=all -o cxx.dat "$PROGS/names"
"$MPROF" report cxx.dat >cxx.txt
"$MPROF" report --json cxx.dat >cxx.json
"$MPROF" report --json --sort leak cxx.dat >cxxleak.json
check "the same for C++, modules without symbols included" agree cxx.txt cxx.json cxxleak.json
expect_status "check --max-leak 1M fails" 1 "$MPROF" check --max-leak 1M cxx.dat
lead=$("$PY" -c "import json; print(json.load(open('cxxleak.json'))['sites'][0]['label'].split(' < ')[0])")
contains "check names the report's largest leak ($lead)" "$scratch/.err" "leaked by $lead "

# Estimates from samples: marked '~' in the text, the same numbers in JSON.
expect_status "run --stacks (sampled)" 0 "$MPROF" run -q --stacks -o smp.dat "$PROGS/sites"
"$MPROF" report smp.dat >smp.txt
"$MPROF" report --json smp.dat >smp.json
"$MPROF" report --json --sort leak smp.dat >smpleak.json
check "sampled: text and JSON agree" agree smp.txt smp.json smpleak.json

# The flame chart: as tall as its tree needs unless --size says.
expect_status "a flame chart of a shallow tree" 0 "$MPROF" report -o flat.png all.dat
check "is 1260x540 ($(png_size flat.png))" test "$(png_size flat.png)" = 1260x540
expect_status "run --stacks=all of 64-frame stacks" 0 "$MPROF" run -q --stacks=all -o deep.dat "$PROGS/deep_stacks" 50
expect_status "a flame chart of a deep tree" 0 "$MPROF" report --sort total -o deep.png deep.dat
h=$(png_size deep.png | cut -dx -f2)
check "is taller, so that its rows hold a line of text ($(png_size deep.png))" test "$h" -gt 1000 -a "$h" -le 2000
expect_status "--size still decides" 0 "$MPROF" report --sort total --size 800x300 -o small.png deep.dat
check "800x300 ($(png_size small.png))" test "$(png_size small.png)" = 800x300
