# t_install.sh - make install into a DESTDIR: the installed mprof finds its library and records with hooks; attach.
. "$(dirname "$0")/lib.sh"

make -s -C "$MPROF_TOP" install DESTDIR="$scratch/root" PREFIX=/opt/mp >install.log 2>&1
check "make install succeeds" test $? -eq 0
for f in bin/mprof lib/mprof/libmprof.so lib/mprof/libmprof-stacks.so lib/mprof/python/sitecustomize.py lib/mprof/python/memory_profiler.py include/mprof.h share/man/man1/mprof.1 share/doc/mprof/format.md share/doc/mprof/json.md; do
	check "installs $f" test -f "$scratch/root/opt/mp/$f"
done
# The help pages and the man page name where the documentation was installed.
"$scratch/root/opt/mp/bin/mprof" summary --help >help.txt
contains "summary --help names the installed documentation" help.txt "$scratch/root/opt/mp/share/doc/mprof/"
contains "the installed man page names it too" "$scratch/root/opt/mp/share/man/man1/mprof.1" "/opt/mp/share/doc/mprof/json.md"
"$scratch/root/opt/mp/bin/mprof" run -q -o inst.dat "$PROGS/alloc_hold" 20 0.2
check "the installed mprof finds its library: heap is recorded" grep -q '^HEAP ' inst.dat
"$scratch/root/opt/mp/bin/mprof" run -q --stacks=all -o inst-stk.dat "$PROGS/alloc_hold" 20 0.2
check "and its stacks library: stacks are recorded" grep -q '^STK ' inst-stk.dat
make -s -C "$MPROF_TOP" uninstall DESTDIR="$scratch/root" PREFIX=/opt/mp >/dev/null 2>&1
check "make uninstall removes it" test ! -e "$scratch/root/opt/mp/bin/mprof"
check "and the documentation" test ! -e "$scratch/root/opt/mp/share/doc/mprof"

# attach: record a running process until it exits.
"$PROGS/alloc_hold" 40 1.2 &
pid=$!
sleep 0.3
expect_status "attach to a PID records until it exits" 0 "$MPROF" attach -q -o att.dat $pid
between "the attached peak is its 40 MiB" "$(peak_of att.dat)" 39 50
contains "noted in the recording" att.dat "NOTE attached to running process $pid"
wait $pid
"$PROGS/status" sleep 5 &
pid=$!
expect_status "run -a NAME with a timeout" 0 "$MPROF" run -q -a -t 0.5 -o att2.dat status
check "records something" grep -q '^MEM ' att2.dat
kill $pid 2>/dev/null
expect_status "attach to a process that does not exist fails" 1 "$MPROF" attach -q -o att3.dat 999999
contains "saying so" "$scratch/.err" "cannot attach to process 999999"
