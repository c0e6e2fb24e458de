# t_size.sh - a recording of a steady program stays small (what changed only) and reads back to the same figures as the full form.
. "$(dirname "$0")/lib.sh"

# bytes_per_sample FILE: the bytes of the sample lines over the MEM lines (the header,
# EXIT and NOTE lines come once per file).
bytes_per_sample() {
	awk '$1 ~ /^(MEM|MAXRSS|HEAP|CHLD|CHLDMAX|CHLDHEAP)$/ { b += length($0) + 1 } $1 == "MEM" { n++ } END { printf "%.1f", b / n }' "$1"
}

# A hooked program that holds 20 MiB, then nothing: a HEAP line at every sample.
"$MPROF" run -q -o hold.dat "$PROGS/alloc_hold" 20 2
between "a steady hooked program: at most 60 bytes per sample ($(bytes_per_sample hold.dat))" \
	"$(bytes_per_sample hold.dat)" 20 60
check "it has a heap line at every sample after the first" \
	awk '$1 == "MEM" { m++ } $1 == "HEAP" { h++ } END { exit !(h >= m - 1) }' hold.dat
between "its heap peak is still the 20 MiB" "$(max_of hold.dat HEAP 2)" 20 21
"$MPROF" run -q -o sleep.dat sleep 2
between "sleep: at most 60 bytes per sample ($(bytes_per_sample sleep.dat))" \
	"$(bytes_per_sample sleep.dat)" 20 60

# A spike between two samples still shows; a MAXRSS line is written only above its sample.
"$MPROF" run -q -o spike.dat "$PROGS/spike"
between "a spike between samples: the peak is its 300 MiB" "$(peak_of spike.dat)" 295 340
check "every MAXRSS line is above the MEM line of its sample" \
	awk '$1 == "MEM" { m = $2; t = $3 } $1 == "MAXRSS" && !($3 == t && $2 > m) { bad = 1 } END { exit bad }' spike.dat

# The compact file expanded into the full form (every MAXRSS and CHLDMAX line, every
# HEAP and CHLDHEAP field) gives the same summary.
expand() {
	awk '
	function flush() { if (pend != "") print pend; pend = "" }
	$1 == "MPROF" { sub(/ maxrss=above/, ""); print; next }
	$1 == "MEM" { flush(); print; t = $3; pend = "MAXRSS " $2 " " $3; next }
	$1 == "CHLD" { flush(); print; pend = "CHLDMAX " $2 " " $3 " " $4; next }
	$1 == "MAXRSS" || $1 == "CHLDMAX" { pend = ""; print; next }
	$1 == "HEAP" && NF == 2 { flush(); split(last["main"], f, " "); print "HEAP " $2, $2, t, f[5], f[6], f[7], $2; next }
	$1 == "HEAP" && substr($3, 1, 1) == "+" { flush(); split(last["main"], f, " ")
		line = "HEAP " $2 " " $2 " " t " " (f[5] + substr($3, 2)) " " (f[6] + substr($4, 2)) " " f[7] " " (NF == 5 ? $5 : $2)
		last["main"] = line; print line; next }
	$1 == "HEAP" { flush(); last["main"] = $0; print; next }
	$1 == "CHLDHEAP" && NF == 3 { flush(); split(last[$2], f, " "); print "CHLDHEAP " $2, $3, $3, t, f[6], f[7], f[8], $3; next }
	$1 == "CHLDHEAP" { flush(); last[$2] = $0; print; next }
	{ flush(); print }
	END { flush() }' "$1"
}
"$MPROF" run -q -M -o kids.dat "$PROGS/children" 2 20 1
# A steady service that frees and allocates a block every millisecond: its memory is
# flat but its counts move, so its heap lines carry the counts since the last one.
"$MPROF" run -q -o churn.dat "$PROGS/steady" 3
between "a steady program whose counts move: at most 66 bytes per sample ($(bytes_per_sample churn.dat))" \
	"$(bytes_per_sample churn.dat)" 20 66
check "its heap lines give the counts since the previous one" grep -qE '^HEAP [0-9.]+ \+[0-9]+ \+[0-9]+( [0-9.]+)?$' churn.dat
for f in hold spike kids churn; do
	expand "$f.dat" >"$f-full.dat"
	"$MPROF" summary --json "$f.dat" >"$f.json" 2>&1
	"$MPROF" summary --json "$f-full.dat" 2>&1 | sed "s/$f-full.dat/$f.dat/g" >"$f-full.json"
	check "$f: the compact recording summarises as its full form" cmp "$f.json" "$f-full.json"
done
check "-M: unchanged children's heap lines are short" grep -qE '^CHLDHEAP [0-9]+ [0-9.]+$' kids.dat
between "-M: a child's peak is its 20 MiB" \
	"$(awk '$1 == "CHLD" && $3 > m { m = $3 } END { print m + 0 }' kids.dat)" 20 40
