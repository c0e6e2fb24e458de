# t_plotstream.sh - 'mprof plot' of big recordings: memory set by the picture, exact extremes, many children grouped.
. "$(dirname "$0")/lib.sh"

GEN=$PROGS/gen_recording

# Two million samples (300 MB): read streaming, reduced as they come.
"$GEN" 2000000 >big.dat
if [ -x /usr/bin/time ] && ! mprof_is_sanitized; then
	/usr/bin/time -v "$MPROF" plot -o big.png big.dat 2>time.txt >/dev/null
	kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.txt)
	between "plot of 2e6 samples in at most 64 MiB (with gnuplot)" "$kib" 1 65536
else
	skip "plot of 2e6 samples in at most 64 MiB" "no /usr/bin/time, or a sanitized build"
fi
script_of() { # args...: the plot.gp that mprof generated, into plot.gp
	rm -f plot.gp
	MPROF_KEEP_PLOT=1 "$MPROF" plot "$@" 2>keep.err >/dev/null
	local d
	d=$(sed -n "s/.*kept in '\(.*\)'.*/\1/p" keep.err)
	cp "$d/plot.gp" plot.gp
	f=$(grep -o "'[^']*' using 1:2 with linespoints" plot.gp | head -n 1 | cut -d"'" -f2)
	cp "$f" rss.txt 2>/dev/null || : >rss.txt
	rm -rf "$d"
}
script_of -o big.png big.dat
check "a real PNG" sh -c 'file big.png | grep -q "PNG image data"'
# The true peak: the largest MAXRSS, first when equal, at its time.
read -r tpeak peak <<EOT
$(awk '$1 == "MAXRSS" && (n == 0 || $2 + 0 > m) { m = $2 + 0; t = $3; n = 1 } $1 == "MEM" && !t0 { t0 = $3 } END { printf "%.6f %.1f\n", t - t0, m }' big.dat)
EOT
contains "the peak line at the true peak" plot.gp "set label 'peak $peak MiB'"
contains "the peak marker at its time" plot.gp "set arrow from first $tpeak, graph 0"
rm -f big.dat big.png

# 500 children: the largest few drawn, the rest one band.
"$GEN" 20000 500 >kids.dat
script_of -o kids.png kids.dat
check "a real PNG with 500 children" sh -c 'file kids.png | grep -q "PNG image data"'
nkids=$(grep -o "title 'child [0-9]*'" plot.gp | wc -l)
between "at most 10 children drawn one by one" "$nkids" 1 10
contains "the rest in one band" plot.gp "493 other children: "
check "the group band has a data file" grep -q "with filledcurves.*other children" plot.gp
rm -f kids.dat

# A window of a long run gets the picture's resolution: here every sample in it.
"$GEN" 200000 >long.dat
script_of -w 100,110 -o w.png long.dat
between "the 1001 samples in a 10 s window of 2000 s are drawn" "$(wc -l <rss.txt)" 1001 1100
contains "the run's peak still drawn" plot.gp "set label 'peak 610.6 MiB'"
rm -f long.dat

# More calls than can be drawn: the first ones are, and the picture says so.
awk 'BEGIN { print "CMDLINE calls"; for (i = 0; i < 20100; i++) { t = 1000 + i * 0.01
	printf "MEM %d %.2f\nFUNC f%d 10 %.3f 11 %.3f 0\n", 10 + i % 7, t, i % 3, t, t + 0.005 } }' >calls.dat
script_of -o calls.png calls.dat
contains "calls past the bound counted in the picture" plot.gp "brackets of the first 20000 calls: 100 later calls not drawn"

tap_end
