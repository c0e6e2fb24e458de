# t_pyframes.sh - Python frames in allocation stacks: the tutorial's array site at its file:line (exact in all mode, within 10% sampled), the interpreter folded away unless --native, JSON frame kinds, threads without the GIL.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
tut="$MPROF_TOP/tests/py"
cp "$tut/gc_cr.py" .

# py_sites JSON FILE LINE KEY: KEY summed over the sites with a Python frame at FILE:LINE.
py_sites() {
	"$PY" - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f, line, key = sys.argv[2], int(sys.argv[3]), sys.argv[4]
print("%.0f" % sum(s[key] for s in d["sites"] if any(
    fr["kind"] == "python" and fr.get("file", "").endswith("/" + f) and fr.get("line") == line
    for fr in s["frames"])))
PY
}

# The three arrays of gc_cr.py: 0.3, 0.5 and 0.4 s of 10M int64 each, all held at the
# peak (the collector is off and each call leaves a cycle): 96,000,000 bytes, each
# block's usable size at most a page above what numpy asked.
arrays=96000000
arrays_hi=$((arrays + 3 * 4096))

if ! "$PY" -c 'import numpy' 2>/dev/null; then
	skip "Python frames with numpy" "$PY has no numpy (apt-get install python3-numpy)"
	exit 0
fi

# --stacks=all: the array site is named by its Python line, exactly.
expect_status "run --stacks=all gc_cr.py" 0 "$MPROF" run -q --stacks=all -o all.dat "$PY" gc_cr.py
contains "the recording has Python frames" all.dat "python 0 0x0 "
"$MPROF" report all.dat >all.txt
contains "the array site reads numpy's frame < ... < its Python line" all.txt " < ... < random_number_average (gc_cr.py:9) < main (gc_cr.py:"
contains "and ends at the module's line" all.txt "< <module> (gc_cr.py:24)"
"$MPROF" report --json all.dat >all.json
between "all: the arrays' bytes at the peak are exact" "$(py_sites all.json gc_cr.py 9 peak_bytes)" $arrays $arrays_hi
between "all: three arrays, one block each" "$(py_sites all.json gc_cr.py 9 peak_blocks)" 3 3
check "json: a Python frame has kind, function, file and line, no module" "$PY" -c '
import json
d = json.load(open("all.json"))
fr = [f for s in d["sites"] for f in s["frames"] if f["kind"] == "python" and f["function"] == "random_number_average"]
assert any(f["line"] == 9 for f in fr), fr
assert all(f["file"].endswith("/gc_cr.py") and type(f["line"]) is int and "module" not in f for f in fr), fr'
check "json: native frames have kind native, module and offset" "$PY" -c '
import json
d = json.load(open("all.json"))
fr = [f for s in d["sites"] for f in s["frames"] if f["kind"] == "native"]
assert fr and all("module" in f and f["offset"].startswith("0x") for f in fr)'
check "json: the interpreter's frames are folded away by default" "$PY" -c '
import json
d = json.load(open("all.json"))
assert not any("_PyEval_EvalFrameDefault" in f["function"] for s in d["sites"] for f in s["frames"])'

# --native: everything as recorded, the evaluation loop beside the Python frames.
"$MPROF" report --native all.dat >native.txt
"$MPROF" report --native --json all.dat >native.json
contains "--native shows the interpreter's frames" native.json "_PyEval_EvalFrameDefault"
check "--native: each Python frame stands inside an evaluation frame" "$PY" -c '
import json
d = json.load(open("native.json"))
for s in d["sites"]:
    fr = s["frames"]
    for i, f in enumerate(fr):
        if f["kind"] == "python" and f["function"] == "random_number_average":
            assert any("_PyEval_EvalFrameDefault" in g["function"] for g in fr[i + 1:]), fr
            assert any(g["kind"] == "python" and g["function"] == "main" for g in fr[i + 1:]), fr'
between "--native: the same bytes for the array line" "$(py_sites native.json gc_cr.py 9 peak_bytes)" $arrays $arrays_hi

# Sampled (every 512 KiB on average): within 10%.
expect_status "run --stacks gc_cr.py" 0 "$MPROF" run -q --stacks -o smp.dat "$PY" gc_cr.py
"$MPROF" report --json smp.dat >smp.json
between "sampled: the arrays' bytes within 10%" "$(py_sites smp.json gc_cr.py 9 peak_bytes)" $((arrays * 9 / 10)) $((arrays * 11 / 10))
"$MPROF" report smp.dat >smp.txt
contains "sampled: the array site is named by its line" smp.txt "random_number_average (gc_cr.py:9)"
expect_status "plot labels the heap peak" 0 env MPROF_KEEP_PLOT=1 "$MPROF" plot -o smp.png smp.dat
gp=$(sed -n "s/^mprof: plot script kept in '\(.*\)'$/\1/p" "$scratch/.err")
note=$(grep -o "heap peak (estimated): [^']*" "$gp/plot.gp" | head -1)
check "the plot's heap-peak label names the script's lines ($note)" sh -c "printf '%s' \"\$1\" | grep -qE '^heap peak \(estimated\): main:[0-9]+>random_number_average:9 [0-9]+%'" - "$note"
between "and fits inside the plot (at most 80 characters)" "${#note}" 20 80
rm -rf "$gp"

# A thread that allocates without the GIL (ctypes releases it around a foreign call)
# gets native frames only, and a NOTE says why; with the GIL (PyDLL) the same call
# has its Python line.
cat >thr.py <<'EOF'
import ctypes, threading
def nogil():
    ctypes.CDLL(None).malloc(9_000_000)
def withgil():
    ctypes.PyDLL(None).malloc(7_000_000)
t = threading.Thread(target=nogil)
t.start()
t.join()
withgil()
EOF
expect_status "run --stacks=all, a thread without the GIL" 0 "$MPROF" run -q --stacks=all -o thr.dat "$PY" thr.py
"$MPROF" report --json thr.dat >thr.json
contains "a NOTE says a thread allocated without the GIL" thr.dat "NOTE stacks: a Python thread allocated without holding the GIL"
check "without the GIL: native frames only" "$PY" -c '
import json
d = json.load(open("thr.json"))
s = [s for s in d["sites"] if 9000000 <= s["peak_bytes"] < 9000000 + 4096]
assert len(s) == 1 and all(f["kind"] != "python" for f in s[0]["frames"]), s'
check "with the GIL: the call's Python line" "$PY" -c '
import json
d = json.load(open("thr.json"))
s = [s for s in d["sites"] if 7000000 <= s["peak_bytes"] < 7000000 + 4096]
assert len(s) == 1 and any(f["kind"] == "python" and f["function"] == "withgil" and f["line"] == 5 for f in s[0]["frames"]), s'

# Other interpreters, where this machine has them (pyenv's): 3.12 and 3.13 have Python
# frames (their evaluation frames are entered otherwise than 3.11's); 3.8 (no
# PyFrame_GetBack) has native frames and a NOTE; none breaks.
for py in "$HOME"/.pyenv/versions/3.8*/bin/python3 "$HOME"/.pyenv/versions/3.1[23]*/bin/python3; do
	[ -x "$py" ] || continue
	v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
	rm -f v.dat
	expect_status "python $v: runs under --stacks=all" 0 "$MPROF" run -q --stacks=all -o v.dat "$py" thr.py
	"$MPROF" report --json v.dat >v.json
	if [ "${v#3.}" -ge 9 ]; then
		check "python $v: the call's Python line" "$PY" -c '
import json
d = json.load(open("v.json"))
assert any(f["kind"] == "python" and f["function"] == "withgil" for s in d["sites"] for f in s["frames"])'
	else
		contains "python $v: native frames only, and a NOTE" v.dat "NOTE stacks: Python frames unavailable"
	fi
done
pass "done"
