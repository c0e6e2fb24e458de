# t_real.sh - real programs give identical output and exit status with and without mprof.
. "$(dirname "$0")/lib.sh"

same() { # name, command...
	local name=$1; shift
	local a b sa sb
	a=$("$@" 2>&1); sa=$?
	n=$((${n:-0} + 1)) # a name of its own ($RANDOM can repeat)
	b=$("$MPROF" run -q -C -o "real-$n.dat" "$@" 2>&1); sb=$?
	if [ "$a" = "$b" ] && [ "$sa" = "$sb" ]; then pass "$name"; else fail "$name: [$sa] vs [$sb]: $(diff <(echo "$a") <(echo "$b") | head -5)"; fi
}

cat >work.py <<'PY'
import collections, json, sys
words = collections.Counter(w for line in open(sys.argv[1]) for w in line.split())
print(json.dumps(words.most_common(5)))
sys.exit(3)
PY
seq 1 200000 | awk '{ print $1 % 977, "w" $1 % 13 }' >words.txt
same "/usr/bin/python3 running a script" /usr/bin/python3 work.py words.txt
same "sort on a large file" sort -k2,2 -k1,1n words.txt
same "perl" perl -ne '$c{$_}++ for split; END { print scalar(keys %c), "\n" }' words.txt
same "a bash pipeline" bash -c 'cat words.txt | tr a-z A-Z | sort | uniq -c | sort -rn | head -3; exit ${PIPESTATUS[0]}'
printf 'int main(void) { return 0; }\n' >hello.c
same "gcc compiling a file" sh -c 'gcc -O2 -c hello.c -o hello.o && echo compiled'
cat >Makefile <<'MK'
all: a b
a: ; @echo made a
b: a ; @echo made b
MK
same "make" make -s
same "git" sh -c 'd=$(mktemp -d -p .) && git init -q "$d" && cd "$d" && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m x && git log --format=%s'
"$MPROF" run -q -C -o gcc.dat gcc -O2 -c hello.c -o hello2.o
check "gcc's whole tree is recorded with heap" grep -q '^HEAP ' gcc.dat
