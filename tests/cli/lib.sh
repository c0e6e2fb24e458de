# lib.sh - helpers for the end-to-end scripts: a scratch directory, PASS/FAIL lines, numeric checks.
set -u
: "${MPROF:?run through tests/run}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
script=$(basename "$0" .sh)

pass() { echo "PASS $script: $1"; }
fail() { echo "FAIL $script: $1"; }

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}

# expect_status NAME WANT COMMAND...: passes when COMMAND exits with WANT.
expect_status() {
	local name=$1 want=$2; shift 2
	"$@" >"$scratch/.out" 2>"$scratch/.err"
	local got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"; else fail "$name: status $got, wanted $want ($(head -c 300 "$scratch/.err"))"; fi
}

# between NAME VALUE LOW HIGH: passes when LOW <= VALUE <= HIGH (decimals allowed).
between() {
	local name=$1 v=$2 lo=$3 hi=$4
	if awk -v v="$v" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v != "" && v+0 >= lo+0 && v+0 <= hi+0) }'; then
		pass "$name"
	else
		fail "$name: $v not in [$lo, $hi]"
	fi
}

# contains NAME FILE TEXT: passes when FILE holds TEXT (fixed string).
contains() {
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1: '$3' not in $2: $(head -c 300 "$2")"; fi
}

# The peak (MiB) that 'mprof peak' prints for a file.
peak_of() { "$MPROF" peak "$1" | head -n 1 | awk -F'\t' '{ split($2, a, " "); print a[1] }'; }

# The largest value of a column of lines of one kind: max_of FILE KIND COLUMN.
max_of() { awk -v k="$2" -v c="$3" '$1 == k && $c + 0 > m { m = $c + 0 } END { print m + 0 }' "$1"; }

# same NAME COMMAND...: output and status unchanged under 'mprof run $RUN_OPTS'.
same() {
	local name=$1; shift
	local a b sa sb
	a=$("$@" 2>&1); sa=$?
	# shellcheck disable=SC2086
	b=$("$MPROF" run -q ${RUN_OPTS:-} -o "same-$RANDOM.dat" "$@" 2>&1); sb=$?
	if [ "$a" = "$b" ] && [ "$sa" = "$sb" ]; then pass "$name"; else fail "$name: [$sa] '$a' vs [$sb] '$b'"; fi
}
