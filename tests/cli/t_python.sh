# t_python.sh - the original mprof's Python entry points: --python MODULE/INTERPRETER, profile.timestamp, memory_profiler, scripts on PATH, spawn workers, async brackets; summary wording.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
export PATH="$(dirname "$PY"):$PATH" # 'python3' is the interpreter these tests mean

# fields NAME FILE: "t_in t_out depth" of each FUNC line named NAME.
fields() { awk -v f="$1" '$1 == "FUNC" && $2 == f { print $4, $6, $7 }' "$2"; }

# 1. --python MODULE args runs a module (the original's "Option 4"), with @profile.
cat >mymod.py <<'PY'
import sys, time
@profile
def work():
    time.sleep(0.3)
if __name__ == "__main__":
    work()
    print("module", " ".join(sys.argv[1:]))
PY
out=$("$MPROF" run -q --python -o mod.dat mymod one two 2>mod.err)
check "--python MODULE args runs the module with its arguments" test "$out" = "module one two"
check "--python MODULE: its @profile functions are bracketed" grep -q '^FUNC __main__.work ' mod.dat
# --python INTERPRETER script.py: that interpreter runs the script (Option 3).
mkdir bin
printf '#!/bin/sh\necho used >%s/interp.used\nexec %s "$@"\n' "$scratch" "$PY" >bin/python-mine
chmod +x bin/python-mine
cp mymod.py script.py
out=$("$MPROF" run -q --python -o interp.dat bin/python-mine script.py x 2>interp.err)
check "--python INTERPRETER script.py: that interpreter runs it" sh -c "test '$out' = 'module x' && test -f interp.used"
check "--python INTERPRETER script.py: @profile brackets" grep -q '^FUNC __main__.work ' interp.dat
"$MPROF" run -q --python -o modm.dat "$PY" -m mymod 2>/dev/null >/dev/null
check "--python python3 -m MODULE brackets too" grep -q '^FUNC __main__.work ' modm.dat

# 2. with profile.timestamp("name"): brackets the block, named as the original names it.
cat >ts.py <<'PY'
import time
with profile.timestamp("blk one"):
    time.sleep(0.3)
    with profile.timestamp():
        time.sleep(0.2)
PY
"$MPROF" run -q -o ts.dat ts.py
check "profile.timestamp(\"blk one\") writes FUNC .blk_one (the original's '.' prefix)" grep -q '^FUNC \.blk_one \([^ ]* \)\{4\}0\( \|$\)' ts.dat
check "profile.timestamp() nests: FUNC .<block> at depth 1" grep -q '^FUNC \.<block> \([^ ]* \)\{4\}1\( \|$\)' ts.dat
if [ -x /usr/bin/python3-mprof ]; then
	check "the original mprof reads the timestamp brackets" /usr/bin/python3-mprof peak ts.dat
fi

# 3. from memory_profiler import profile: ours, bracketing through libmprof, even
# where the real memory_profiler is installed (its line table is not printed).
cat >mp.py <<'PY'
import time
from memory_profiler import profile
@profile
def work():
    time.sleep(0.3)
work()
import memory_profiler
print("real" if hasattr(memory_profiler, "memory_usage") else "ours only")
PY
out=$("$MPROF" run -q -o mp.dat mp.py 2>mp.err)
check "from memory_profiler import profile brackets under mprof run" grep -q '^FUNC __main__.work ' mp.dat
check "no line-by-line table from the real memory_profiler" sh -c "! echo '$out' | grep -q 'Line #'"
if "$PY" -c 'import memory_profiler' 2>/dev/null; then
	check "other names come from the installed memory_profiler" test "$out" = "real"
fi

# 4. A script that is not in the current directory is looked up on PATH.
mkdir -p elsewhere onpath
printf 'import sys\n@profile\ndef f():\n    pass\nf()\nprint("found", sys.argv[1])\n' >onpath/found.py
out=$(cd elsewhere && PATH="$scratch/onpath:$PATH" "$MPROF" run -q -o ../path.dat found.py arg 2>../path.err)
check "mprof run script.py finds the script on PATH" test "$out" = "found arg"
out=$(cd elsewhere && PATH="$scratch/onpath:$PATH" "$MPROF" run -q -o ../path2.dat python3 found.py arg 2>/dev/null)
check "mprof run python3 script.py finds it on PATH too" test "$out" = "found arg"
cd elsewhere || exit 1
expect_status "a script found nowhere: status 127" 127 "$MPROF" run -q -o ../none.dat nothere.py
cd "$scratch" || exit 1
check "a script found nowhere: one line naming it" grep -qx "mprof: cannot run 'nothere.py': no such script in the current directory or on PATH" .err

# 5. multiprocessing with spawn and forkserver: workers find profile (a hang fails).
cat >pool.py <<'PY'
import multiprocessing as mp, sys, time
@profile
def work(x):
    time.sleep(0.2)
    return x * x
if __name__ == "__main__":
    with mp.get_context(sys.argv[1]).Pool(2) as pool:
        print(sum(pool.map(work, range(4))))
PY
for method in spawn forkserver; do
	out=$(timeout -k 5 60 "$MPROF" run -q -o "pool-$method.dat" pool.py "$method" 2>"pool-$method.err")
	check "a $method pool with @profile finishes (60 s bound: a hang fails)" test "$out" = 14
	check "$method workers bracket their calls" test "$(grep -c '^FUNC __mp_main__.work ' "pool-$method.dat")" -eq 4
done

# 6. Overlapping async functions get their own spans, as the program's clock saw them.
cat >aio.py <<'PY'
import asyncio, time
seen = {}
@profile
async def short():
    seen["short"] = [time.time()]
    await asyncio.sleep(0.2)
    seen["short"].append(time.time())
@profile
async def long():
    seen["long"] = [time.time()]
    await asyncio.sleep(0.6)
    seen["long"].append(time.time())
async def main():
    await asyncio.gather(short(), long())
asyncio.run(main())
for k, (a, b) in seen.items():
    print(k, "%.6f %.6f" % (a, b))
PY
"$MPROF" run -q -o aio.dat aio.py >aio.out
# Each bracket opens before its body starts and closes after it ends, and before
# the other body ends if that one ended later (FUNC times have 4 decimals).
for f in short long; do
	read -r b_in b_out <<<"$(awk -v f="$f" '$1 == f { print $2, $3 }' aio.out)"
	read -r f_in f_out f_depth <<<"$(fields "__main__.$f" aio.dat)"
	check "async $f: its bracket holds its own body" awk -v a="$f_in" -v b="$f_out" -v x="$b_in" -v y="$b_out" \
		'BEGIN { exit !(a != "" && a <= x + 0.0001 && b >= y - 0.0001) }'
	check "async $f: depth 0 (the tasks do not nest)" test "$f_depth" = 0
done
s_out=$(fields __main__.short aio.dat | cut -d' ' -f2)
l_body_out=$(awk '$1 == "long" { print $3 }' aio.out)
check "async short: its bracket closes before the long body ends" awk -v a="$s_out" -v b="$l_body_out" 'BEGIN { exit !(a != "" && a < b) }'

# 7. summary: the heap peak is dated when first reached; the RSS slope says what it is.
cat >heap.dat <<'EOF'
CMDLINE prog
MPROF 1 interval=1.000000 backend=rss children=none hooks=1 hwm=1
MEM 10.0 100.0
HEAP 1.0 1.0 100.0 1 0 0
MEM 110.0 101.0
HEAP 100.0 100.0 101.0 2 0 0
MEM 110.0 102.0
HEAP 100.0 100.0 102.0 2 0 0
MEM 110.0 103.0
HEAP 100.0 100.04 103.0 3 1 0
MEM 10.0 104.0
HEAP 1.0 100.0 104.0 3 2 0
EXIT 0 104.0 110.0
EOF
"$MPROF" summary heap.dat >heap.txt
contains "the heap peak is dated when first reached (a plateau by its start)" heap.txt "peak heap     100.0 MiB at 1.00 s"
contains "the slope is called an RSS trend and says how it is computed" heap.txt "RSS trend     +"
check "the slope line says least-squares" grep -q '^RSS trend .*least-squares' heap.txt
sed -i 's/^HEAP 100.0 100.04 103.0/HEAP 100.0 120.0 103.0/' heap.dat
"$MPROF" summary heap.dat >heap2.txt
contains "a higher peak later is dated then" heap2.txt "peak heap     120.0 MiB at 3.00 s"
printf 'CMDLINE prog\nMPROF 1 interval=1.000000 backend=rss children=none hooks=0\nMEM 10.0 100.0\nMEM 20.0 101.0\n' >two.dat
"$MPROF" summary two.dat >two.txt
check "two samples: no trend line (a line through two points means nothing)" sh -c "! grep -q 'trend\|slope' two.txt"
