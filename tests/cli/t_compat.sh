# t_compat.sh - the original mprof (python3-mprof, memory_profiler 0.61) reads our recordings, and we read its.
. "$(dirname "$0")/lib.sh"

orig=/usr/bin/python3-mprof
if [ ! -x "$orig" ]; then
	fail "python3-mprof is installed (scripts/install-deps.sh test)"
	exit 0
fi

"$MPROF" run -q -M -o ours.dat "$PROGS/children" 2 30 0.5
"$MPROF" run -q -o funcs.dat "$PROGS/example"
# Theirs reads ours: its peak is our largest MEM sample.
theirs=$(cd "$scratch" && "$orig" peak ours.dat 2>&1 | grep -F ours.dat | cut -f2)
ours=$(max_of ours.dat MEM 2)
between "the original's peak reads our file" "${theirs% MiB}" "$(awk -v v="$ours" 'BEGIN{print v-0.001}')" "$(awk -v v="$ours" 'BEGIN{print v+0.001}')"
check "the original's peak lists our children" sh -c "'$orig' peak ours.dat | grep -q Child"
check "the original's plot draws our file" env MPLBACKEND=Agg "$orig" plot -o theirs.png ours.dat
check "the original's plot draws our brackets" env MPLBACKEND=Agg "$orig" plot -o theirs-f.png funcs.dat
check "to a real PNG" sh -c 'file theirs-f.png | grep -q "PNG image"'
check "the original's flame mode reads our brackets" env MPLBACKEND=Agg "$orig" plot -f -o theirs-flame.png funcs.dat

# Ours reads theirs. The original's peak is its largest sample: the program holds
# its 40 MiB for 1 s so that samples fall on it even on a busy machine.
(cd "$scratch" && "$orig" run -T 0.05 "$PROGS/alloc_hold" 40 1 >/dev/null 2>&1)
f=$(ls mprofile_*.dat | head -n 1)
check "the original wrote a recording" test -n "$f"
between "our peak reads the original's file" "$(peak_of "$f")" 38 60
check "our list shows it" sh -c "'$MPROF' list | grep -q '$f'"

# A decorated Python script under the original: FUNC lines we read.
cat >deco.py <<'PY'
import time
@profile
def work():
    x = bytearray(30 * 1024 * 1024)
    time.sleep(1)  # long enough for the original's samples to fall inside
    return len(x)
work()
PY
(cd "$scratch" && "$orig" run -T 0.05 -o theirs-funcs.dat deco.py >/dev/null 2>&1)
check "our peak --func reads the original's brackets" sh -c "'$MPROF' peak --func __main__.work theirs-funcs.dat | grep -qv NaN"
