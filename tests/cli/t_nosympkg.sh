# t_nosympkg.sh - a module without symbols is named with the package that installed it (STKNOSYM), read from dpkg's file lists without running dpkg-query.
. "$(dirname "$0")/lib.sh"

cd "$scratch" || exit 1
cp "$PROGS/inlined" stripped && strip stripped
# A dpkg database of one package that lists the stripped program (multi-arch name).
mkdir -p admin/info
printf '/.\n%s\n%s/stripped\n' "$scratch" "$scratch" >'admin/info/mprof-fake:amd64.list'
printf '/.\n/usr\n' >admin/info/other.list
expect_status "run --stacks=all of a stripped program" 0 \
	env DPKG_ADMINDIR="$scratch/admin" "$MPROF" run -q --stacks=all -o s.dat ./stripped
m=$(awk -v p="$scratch/stripped" '$1 == "STKMOD" && $3 == p { print $2 }' s.dat)
check "the stripped program is a module" test -n "$m"
check "STKNOSYM names the package that lists it, without its architecture" \
	grep -qx "STKNOSYM $m mprof-fake" s.dat
"$MPROF" report s.dat >s.txt
contains "the report says which -dbgsym to install" s.txt "install mprof-fake-dbgsym"

# A package that lists nothing of the program: "-".
rm admin/info/*.list && printf '/.\n' >admin/info/mprof-fake.list
expect_status "run again, the program in no list" 0 \
	env DPKG_ADMINDIR="$scratch/admin" "$MPROF" run -q --stacks=all -o s2.dat ./stripped
check "STKNOSYM says - when no package lists the module" grep -qx "STKNOSYM $m -" s2.dat

# Separate debug files are still found (by .gnu_debuglink, next to the file and in
# its .debug/), with no debuginfod configured: the program's frames keep file:line.
unset DEBUGINFOD_URLS
mkdir -p dl/.debug
cp "$PROGS/inlined" dl/linked && objcopy --only-keep-debug dl/linked dl/linked.debug &&
	strip --strip-all dl/linked && objcopy --add-gnu-debuglink=dl/linked.debug dl/linked
expect_status "run --stacks=all of a program with a separate debug file next to it" 0 \
	"$MPROF" run -q --stacks=all -o dl.dat dl/linked
check "its frames are named with file:line from the debug file" \
	grep -q "^STKFRAME .*inlined\.c:[0-9]* load_small" dl.dat
mv dl/linked.debug dl/.debug/
expect_status "run --stacks=all, the debug file in .debug/" 0 \
	"$MPROF" run -q --stacks=all -o dl2.dat dl/linked
check "its frames are named from .debug/" grep -q "^STKFRAME .*inlined\.c:[0-9]* load_small" dl2.dat

# Debian's python: its interpreter has no symbols; the package is found with no
# dpkg-query on the PATH, the same one dpkg-query names.
PY=/usr/bin/python3
real=$(readlink -f "$PY" 2>/dev/null)
if [ -x "$PY" ] && command -v dpkg-query >/dev/null &&
	pkg=$(dpkg-query -S "$real" 2>/dev/null | sed -n '1s/[:,].*//p') && [ -n "$pkg" ]; then
	expect_status "python under --stacks with no dpkg-query on the PATH" 0 \
		env PATH=/nonexistent "$MPROF" run -q --stacks -o py.dat "$PY" -c 'x = [str(i) for i in range(100000)]'
	pm=$(awk -v p="$real" '$1 == "STKMOD" && $3 == p { print $2 }' py.dat)
	if grep -q "^STKNOSYM $pm " py.dat; then
		check "the interpreter's package is $pkg" grep -qx "STKNOSYM $pm $pkg" py.dat
	else
		skip "the interpreter's package" "the interpreter has symbols here"
	fi
else
	skip "python's package without dpkg-query" "no Debian python3 here"
fi
tap_end
