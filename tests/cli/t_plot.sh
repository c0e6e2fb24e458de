# t_plot.sh - 'mprof plot': real renders, atomic output, ASCII, the generated script, hostile input, long recordings.
. "$(dirname "$0")/lib.sh"

"$MPROF" run -q -o ex.dat "$PROGS/example"
expect_status "plot to PNG" 0 "$MPROF" plot -o ex.png ex.dat
check "a real PNG of 1260x540" sh -c 'file ex.png | grep -q "PNG image data, 1260 x 540"'
expect_status "--out abbreviates --output, like the original" 0 "$MPROF" plot --out ex2.png ex.dat
expect_status "plot to SVG" 0 "$MPROF" plot -o ex.svg ex.dat
check "a real SVG" sh -c 'grep -q "<svg" ex.svg && grep -q "width=\"1260\"" ex.svg'
expect_status "plot to PDF" 0 "$MPROF" plot -o ex.pdf ex.dat
check "a real PDF" sh -c 'file ex.pdf | grep -q "PDF document"'
expect_status "--size sets the size" 0 "$MPROF" plot --size 800x400 -o small.png ex.dat
check "800x400" sh -c 'file small.png | grep -q "800 x 400"'
expect_status "an unknown extension is refused" 2 "$MPROF" plot -o ex.jpg ex.dat
contains "listing the known ones" "$scratch/.err" ".png, .svg or .pdf"
expect_status "a bad --size is refused" 2 "$MPROF" plot --size 12 -o x.png ex.dat
expect_status "a bad --window is refused" 2 "$MPROF" plot -w 5,1 -o x.png ex.dat
expect_status "no file given: the newest recording" 0 sh -c "cp ex.dat mprof_20200101000000.dat && '$MPROF' plot -o newest.png"

# ASCII on stdout when there is no --output.
"$MPROF" plot ex.dat >ascii.txt
check "ASCII plot on stdout" grep -q "time (in seconds)" ascii.txt
check "80 columns when stdout is not a terminal" test "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' ascii.txt)" -le 80
check "without the form feed gnuplot starts with" sh -c "! head -c 1 ascii.txt | grep -q $'\f'"

# Atomic: a failed render leaves the existing file as it was.
echo "old picture" >keep.png
printf 'CMDLINE x\nMEM 1 1\nMEM zz 2\nMEM 3 3\n' >bad.dat
expect_status "a corrupt recording fails" 1 "$MPROF" plot -o keep.png bad.dat
check "and keep.png is untouched" test "$(cat keep.png)" = "old picture"
expect_status "gnuplot missing fails" 1 env PATH=/nonexistent "$MPROF" plot -o keep.png ex.dat
contains "naming the Debian package" "$scratch/.err" "gnuplot-nox"
check "and keep.png is untouched" test "$(cat keep.png)" = "old picture"
check "no temporary file is left behind" test -z "$(ls -A | grep mprof-plot)"
expect_status "a successful render replaces it" 0 "$MPROF" plot -o keep.png ex.dat
check "with a complete PNG" sh -c 'file keep.png | grep -q "PNG image data"'

# The generated script, kept for inspection.
script_of() { # args...: the plot.gp that mprof generated
	MPROF_KEEP_PLOT=1 "$MPROF" plot "$@" 2>"$scratch/keep.err" >/dev/null
	local d
	d=$(sed -n "s/.*kept in '\(.*\)'.*/\1/p" "$scratch/keep.err")
	cp "$d/plot.gp" "$scratch/plot.gp"
	cat "$d"/d*.dat >"$scratch/data.txt" 2>/dev/null
	rm -rf "$d"
}
script_of -o s.png ex.dat
contains "axis labels as the original's" plot.gp "set xlabel 'time (in seconds)'"
contains "y label" plot.gp "set ylabel 'memory used (in MiB)'"
contains "title is the command line" plot.gp "set title '$PROGS/example'"
contains "a grid" plot.gp "set grid"
contains "a red dashed horizontal peak line" plot.gp "set arrow from graph 0, first"
contains "and a vertical one" plot.gp "to first"
contains "brackets with name and duration in the legend" plot.gp "title 'load 0."
contains "build_index bracket" plot.gp "title 'build_index 0."
contains "the heap line" plot.gp "title 'heap in use'"
contains "legend outside on the right" plot.gp "set key outside right"
contains "noenhanced text" plot.gp "noenhanced"
script_of -n -o s.png ex.dat
check "-n drops brackets and peak lines" sh -c "! grep -q 'load 0\.' plot.gp && ! grep -q 'set arrow' plot.gp"
script_of -t 'My title' -o s.png ex.dat
contains "--title" plot.gp "set title 'My title'"
script_of -w 0.5,1.5 -o s.png ex.dat
contains "--window sets the x range" plot.gp "set xrange [0.500000:1.500000]"
script_of -s -o s.png ex.dat
contains "--slope: a trend line with its slope" plot.gp "title 'trend "
script_of -f -o s.png ex.dat
contains "--flame: a timeline of calls" plot.gp "with boxxyerror"
contains "with names where they fit" plot.gp "set label 1000 'load'"
"$MPROF" run -q -M -o kids.dat "$PROGS/children" 2 30 0.5
script_of -o s.png kids.dat
contains "children as their own lines" plot.gp "title 'child "
script_of -o s.png ex.dat kids.dat
contains "several files overlaid" plot.gp "kids.dat ("
check "without brackets" sh -c "! grep -q 'load 0\.' plot.gp"
"$MPROF" run -q -T 1 -o spike.dat "$PROGS/spike" 300 30
script_of -o s.png spike.dat
contains "the band shows the spike between samples" plot.gp "title 'max within interval'"
check "and the peak line sits at the true peak" sh -c "grep -q 'set label .peak 3[01][0-9]\.' plot.gp"

# Hostile recordings: nothing runs, nothing else is read or written.
cat >evil.dat <<'DAT'
CMDLINE x' ; system('touch pwned1') ; print ' `touch pwned2` @evil " ; ! touch pwned3
MEM 1 1000
MEM 2 1001
FUNC a';system('touch\x20pwned4');print(' 1 1000.1 2 1000.9 0
FUNC `touch_pwned5` 1 1000.2 2 1000.8 1
FUNC @macro 1 1000.3 2 1000.7 2
FUNC <echo 1 1000.3 2 1000.7 2
FUNC |touch_pwned6 1 1000.3 2 1000.7 2
DAT
cp evil.dat '|touch pwned7.dat'
cp evil.dat '<touch pwned8.dat'
expect_status "a hostile recording plots" 0 "$MPROF" plot -o evil.png evil.dat
expect_status "with flame mode too" 0 "$MPROF" plot -f -o evil-f.png evil.dat
expect_status "ASCII too" 0 "$MPROF" plot evil.dat
expect_status "a recording named '|...' is read as a file" 0 "$MPROF" plot -o evil2.png '|touch pwned7.dat'
expect_status "a recording named '<...' too" 0 "$MPROF" plot -o evil3.png '<touch pwned8.dat'
expect_status "an output named '|...' is a file" 0 "$MPROF" plot -o '|touch pwned9.png' evil.dat
check "nothing ran" test -z "$(ls | grep '^pwned')"
script_of -o s.png evil.dat
contains "quotes are doubled inside single quotes" plot.gp "set title 'x'' ; system(''touch pwned1'') ; print '' \`touch pwned2\` @evil \" ; ! touch pwned3'"

# A long recording: a million samples, reduced to the pixel columns, peak kept.
awk 'BEGIN { print "CMDLINE long"; for (i = 0; i < 1000000; i++) printf "MEM %.3f %.4f\n", (i == 777777 ? 5000 : 100 + (i % 1000) / 10), 1000 + i * 0.001 }' >long.dat
script_of -o long.png long.dat
between "a million samples become at most 4 per pixel column" "$(wc -l <data.txt)" 100 5100
contains "and the single-sample peak is still drawn" data.txt "5000.000000"
expect_status "it renders" 0 "$MPROF" plot -o long.png long.dat
