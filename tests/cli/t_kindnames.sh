# t_kindnames.sh - a line kind's name is spelled once, in dat.c's table: no other C source writes or matches "MEM ", "NOTE ", "STK ", ... by hand.
. "$(dirname "$0")/lib.sh"

top=${MPROF_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
kinds=$(sed -n 's/^ *\[DAT_[A-Z]*\] = {"\([A-Z]*\)".*/\1/p' "$top/src/core/dat.c" | paste -sd'|')
check "the table lists the kinds" test "$(echo "$kinds" | tr '|' '\n' | wc -l)" -ge 20
# String literals (comments stripped) that start with a kind and a blank, or are a kind.
/usr/bin/python3 - "$top/src" "$kinds" >"$scratch/found" <<'PY'
import os, re, sys
src, kinds = sys.argv[1], sys.argv[2]
lit = re.compile(r'"(?:%s)(?: |")' % kinds)
# sitetime.c's page reader (another change rewrites it) still matches STKSITES by
# hand; run's help text says "MEM is ...".
allowed = {("core/sitetime.c", 'memcmp(p, "STKSITES ", 9)'),
           ("cli/runopts.h", '"MEM is the whole process tree summed"')}
for d, _, files in os.walk(src):
    for f in sorted(files):
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(d, f)
        rel = os.path.relpath(path, src)
        if rel == "core/dat.c":
            continue
        text = open(path, encoding="utf-8", errors="replace").read()
        text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        for n, line in enumerate(text.split("\n"), 1):
            if lit.search(line) and not any(rel == a and s in line for a, s in allowed):
                print("%s:%d: %s" % (rel, n, line.strip()))
PY
check "no kind name spelled outside dat.c's table" test ! -s "$scratch/found"
[ -s "$scratch/found" ] && diag "$(cat "$scratch/found")"
check "the scan ran" test -f "$scratch/found"
