# t_size.sh - a recording of a steady program stays small (what changed only) and reads back to the same figures as the full form.
. "$(dirname "$0")/lib.sh"

# The kernel's counter slack, MiB: clearing the peak (clear_refs 5) sets VmHWM to the
# process's RSS read from per-CPU batched counters (get_mm_rss), while VmRSS (our MEM,
# Linux 6.16 on) is their exact sum. Each of the 3 RSS counters (file, anon, shmem) can
# hold up to max(32, 2 * cpus) pages per CPU not yet folded in, so after a free VmHWM
# can stay above VmRSS at every sample of an idle program. Measured on 6.18, 2 CPUs: 2
# to 17 pages above, in 2 of 27 runs of alloc_hold; the sampler wrote it as a MAXRSS
# line at every sample (20 lines, 61.0 bytes per sample instead of 45.7). It now
# writes such a mark once: the same mark again within the slack is no peak.
slack=$(awk -v c="$(getconf _NPROCESSORS_CONF)" -v p="$(getconf PAGESIZE)" \
	'BEGIN { printf "%.6f", 3 * c * (2 * c > 32 ? 2 * c : 32) * p / 1048576 }')

# bytes_per_sample FILE: the bytes of the sample lines over the MEM lines (the header,
# EXIT and NOTE lines come once per file).
bytes_per_sample() {
	awk '$1 == "MEM" { n++ }
	$1 ~ /^(MEM|MAXRSS|HEAP|CHLD|CHLDMAX|CHLDHEAP)$/ { b += length($0) + 1 }
	END { printf "%.1f", b / n }' "$1"
}
# no_standing_mark FILE: no MAXRSS line repeats the previous sample's MAXRSS within the
# slack above its MEM (the mark a reset left standing over an idle process).
no_standing_mark() {
	awk -v slack="$slack" '$1 == "MEM" { prev = cur; cur = ""; m = $2 }
	$1 == "MAXRSS" { cur = $2; if ($2 == prev && $2 - m <= slack) bad = 1 }
	END { exit bad }' "$1"
}
# maxrss_above FILE: every MAXRSS line is above the MEM line of its sample.
maxrss_above() {
	awk '$1 == "MEM" { m = $2; t = $3 } $1 == "MAXRSS" && !($3 == t && $2 > m) { bad = 1 } END { exit bad }' "$1"
}

# A hooked program that holds 20 MiB, then nothing: a HEAP line at every sample.
"$MPROF" run -q -o hold.dat "$PROGS/alloc_hold" 20 2
between "a steady hooked program: at most 60 bytes per sample ($(bytes_per_sample hold.dat))" \
	"$(bytes_per_sample hold.dat)" 20 60
check "it has a heap line at every sample after the first" \
	awk '$1 == "MEM" { m++ } $1 == "HEAP" { h++ } END { exit !(h >= m - 1) }' hold.dat
between "its heap peak is still the 20 MiB" "$(max_of hold.dat HEAP 2)" 20 21
check "its MAXRSS lines are above their MEM lines" maxrss_above hold.dat
check "a mark left standing over it once freed is written once, not at every sample" no_standing_mark hold.dat
# ... while the same real spike in every interval (512 KiB, within that slack) is a
# MAXRSS line every time: the mark the reset left was read near the RSS, not at the
# spike (a rule on "the same mark as last time" wrote 2 lines for 30 spikes).
"$MPROF" run -q -T 0.1 -o spikes.dat "$PROGS/spikes" 30
check "a spike repeated in every interval is written each time ($(grep -c '^MAXRSS' spikes.dat) of $(grep -c '^MEM' spikes.dat) samples)" \
	awk '$1 == "MEM" { m++ } $1 == "MAXRSS" { x++ } END { exit !(x >= m / 2) }' spikes.dat
"$MPROF" run -q -o sleep.dat sleep 2
between "sleep: at most 60 bytes per sample ($(bytes_per_sample sleep.dat))" \
	"$(bytes_per_sample sleep.dat)" 20 60
check "sleep: its MAXRSS lines are above their MEM lines" maxrss_above sleep.dat

# A spike between two samples still shows; a MAXRSS line is written only above its sample.
"$MPROF" run -q -o spike.dat "$PROGS/spike"
between "a spike between samples: the peak is its 300 MiB" "$(peak_of spike.dat)" 295 340
check "every MAXRSS line is above the MEM line of its sample" maxrss_above spike.dat

# The compact file expanded into the full form (docs/format.md): under maxrss=above,
# until a reset-refused NOTE, a MEM (CHLD) line without a MAXRSS (CHLDMAX) line of its
# own implies one equal to it, and one that has it takes the larger of the two; a short
# heap line ("HEAP <MiB>", "CHLDHEAP <pid> <MiB>") is its series' previous line with the
# heap in use, peak and minimum set to <MiB> at the latest MEM time; a counted one
# ("... <MiB> +<allocs> +<frees> [<min>]") adds the counts to the previous line's and
# takes the minimum when given. A series is the main process's or one child's.
expand() {
	awk '
	function flush() { if (pend != "") print pend; pend = "" }
	function imply(line, id, v) { if (above && !refused) { pend = line; pid = id; pv = v } }
	function heap(head, key, s,    n, f, line, i) {
		n = NF - s + 1
		split(last[key], f, " ")
		if (n == 1)
			line = $s " " $s " " t " " f[4] " " f[5] " " f[6] " " $s
		else if ((n == 3 || n == 4) && substr($(s + 1), 1, 1) == "+")
			line = $s " " $s " " t " " (f[4] + substr($(s + 1), 2)) " " (f[5] + substr($(s + 2), 2)) " " f[6] " " (n == 4 ? $(s + 3) : $s)
		else
			for (i = s; i <= NF; i++)
				line = line (i > s ? " " : "") $i
		last[key] = line
		print head line
	}
	$1 == "MPROF" { above = sub(/ maxrss=above/, ""); print; next }
	$1 == "NOTE" && index($0, "NOTE peak RSS reset refused ") == 1 { flush(); refused = 1; print; next }
	$1 == "MEM" { flush(); print; t = $3; imply("MAXRSS " $2 " " $3, "", $2); next }
	$1 == "CHLD" { flush(); print; imply("CHLDMAX " $2 " " $3 " " $4, $2, $3); next }
	$1 == "MAXRSS" && pend ~ /^MAXRSS / && $3 == t { pend = ""; print $1, ($2 + 0 > pv + 0 ? $2 : pv), $3; next }
	$1 == "CHLDMAX" && pend ~ /^CHLDMAX / && $2 == pid { pend = ""; print $1, $2, ($3 + 0 > pv + 0 ? $3 : pv), $4; next }
	$1 == "HEAP" { flush(); heap("HEAP ", "main", 2); next }
	$1 == "CHLDHEAP" { flush(); heap("CHLDHEAP " $2 " ", $2, 3); next }
	{ flush(); print }
	END { flush() }' "$1"
}
# The expansion itself, on a recording holding every compact form: a child's counted
# line followed by a short one, MAXRSS lines implied and folded until a reset-refused NOTE.
cat >model.dat <<'EOF'
CMDLINE ./children 1 20 1
MPROF 1 interval=0.100000 backend=rss children=split hooks=1 hwm=1 maxrss=above
MEM 0.933594 1796018089.949172
CHLD 4242 1.5 1796018090.049320
MEM 1.492188 1796018090.049320
MAXRSS 1.75 1796018090.049320
CHLDHEAP 4242 0 0 1796018090.049320 3 1 0 0
HEAP 0.5 0.5 1796018090.049320 7 0 0
CHLD 4242 21.5 1796018090.149316
CHLDMAX 4242 21.75 1796018090.149316
MEM 1.492188 1796018090.149316
CHLDHEAP 4242 20.003891 +1 +0 0
HEAP 0.5 +2 +2 0.25
CHLD 4242 21.5 1796018090.249565
MEM 1.492188 1796018090.249565
CHLDHEAP 4242 20.003891
HEAP 0.5
NOTE peak RSS reset refused for process 4242 (Permission denied): no MAXRSS from here on
CHLD 4242 21.5 1796018090.349303
MEM 1.492188 1796018090.349304
CHLDHEAP 4242 20.003891
HEAP 0.5 +1 +1
CHLDHEAP 4242 0 20.003891 1796018090.449307 4 2 0 0
HEAP 0 0.5 1796018090.449307 10 10 0 0
EXIT 0 1796018090.449307 -1
EOF
# Its full form, line by line as docs/format.md describes it.
cat >model-want.dat <<'EOF'
CMDLINE ./children 1 20 1
MPROF 1 interval=0.100000 backend=rss children=split hooks=1 hwm=1
MEM 0.933594 1796018089.949172
MAXRSS 0.933594 1796018089.949172
CHLD 4242 1.5 1796018090.049320
CHLDMAX 4242 1.5 1796018090.049320
MEM 1.492188 1796018090.049320
MAXRSS 1.75 1796018090.049320
CHLDHEAP 4242 0 0 1796018090.049320 3 1 0 0
HEAP 0.5 0.5 1796018090.049320 7 0 0
CHLD 4242 21.5 1796018090.149316
CHLDMAX 4242 21.75 1796018090.149316
MEM 1.492188 1796018090.149316
MAXRSS 1.492188 1796018090.149316
CHLDHEAP 4242 20.003891 20.003891 1796018090.149316 4 1 0 0
HEAP 0.5 0.5 1796018090.149316 9 2 0 0.25
CHLD 4242 21.5 1796018090.249565
CHLDMAX 4242 21.5 1796018090.249565
MEM 1.492188 1796018090.249565
MAXRSS 1.492188 1796018090.249565
CHLDHEAP 4242 20.003891 20.003891 1796018090.249565 4 1 0 20.003891
HEAP 0.5 0.5 1796018090.249565 9 2 0 0.5
NOTE peak RSS reset refused for process 4242 (Permission denied): no MAXRSS from here on
CHLD 4242 21.5 1796018090.349303
MEM 1.492188 1796018090.349304
CHLDHEAP 4242 20.003891 20.003891 1796018090.349304 4 1 0 20.003891
HEAP 0.5 0.5 1796018090.349304 10 3 0 0.5
CHLDHEAP 4242 0 20.003891 1796018090.449307 4 2 0 0
HEAP 0 0.5 1796018090.449307 10 10 0 0
EXIT 0 1796018090.449307 -1
EOF
check "the expansion writes the full form of every compact line" cmp model-want.dat <(expand model.dat)
"$MPROF" run -q -M -o kids.dat "$PROGS/children" 2 20 1
# A steady service that frees and allocates a block every millisecond: its memory is
# flat but its counts move, so its heap lines carry the counts since the last one.
"$MPROF" run -q -o churn.dat "$PROGS/steady" 3
between "a steady program whose counts move: at most 66 bytes per sample ($(bytes_per_sample churn.dat))" \
	"$(bytes_per_sample churn.dat)" 20 66
check "its MAXRSS lines are above their MEM lines" maxrss_above churn.dat
check "its heap lines give the counts since the previous one" grep -qE '^HEAP [0-9.]+ \+[0-9]+ \+[0-9]+( [0-9.]+)?$' churn.dat
for f in model hold spike kids churn; do
	expand "$f.dat" >"$f-full.dat"
	"$MPROF" summary --json "$f.dat" >"$f.json" 2>&1
	"$MPROF" summary --json "$f-full.dat" 2>&1 | sed "s/$f-full.dat/$f.dat/g" >"$f-full.json"
	check "$f: the compact recording summarises as its full form" cmp "$f.json" "$f-full.json"
done
check "-M: unchanged children's heap lines are short" grep -qE '^CHLDHEAP [0-9]+ [0-9.]+$' kids.dat
between "-M: a child's peak is its 20 MiB" \
	"$(awk '$1 == "CHLD" && $3 > m { m = $3 } END { print m + 0 }' kids.dat)" 20 40
