# t_plotquote.sh - plot and report draw any bytes in titles, legends and labels: programs whose path holds blanks and quotes, hostile names, every format.
. "$(dirname "$0")/lib.sh"

# The text of every element of an SVG, one per line (the SVG must be well-formed XML).
svg_text() {
	/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E
for e in E.parse(sys.argv[1]).iter():
    if e.text and e.text.strip(): print(e.text.strip())' "$1"
}
script_of() { # args...: the plot.gp that mprof generated, in plot.gp
	MPROF_KEEP_PLOT=1 "$MPROF" plot "$@" 2>"$scratch/keep.err" >/dev/null
	local d
	d=$(sed -n "s/.*kept in '\(.*\)'.*/\1/p" "$scratch/keep.err")
	cp "$d/plot.gp" "$scratch/plot.gp"
	rm -rf "$d"
}

# A real program whose path holds a blank and both quotes: its CMDLINE starts with a quote.
dir="sp dir/it's \"q\""
mkdir -p "$dir"
cp "$PROGS/sites" "$dir/my prog"
"$MPROF" run -q --stacks=all -o sp.dat "./$dir/my prog" >/dev/null
contains "the recording's command line starts with a quote" sp.dat "CMDLINE './sp dir/"
for f in png svg pdf; do
	expect_status "a program path with blanks and quotes plots to ${f^^}" 0 "$MPROF" plot -o "sp.$f" sp.dat
done
expect_status "and to ASCII" 0 "$MPROF" plot sp.dat
contains "whose title is the command line" "$scratch/.out" "./sp dir/it's \"q\"/my prog'"
svg_text sp.svg >sp-svg.txt
contains "the SVG title is the command line, byte for byte" sp-svg.txt "'./sp dir/it's \"q\"/my prog'"
expect_status "report -o draws its flame chart" 0 "$MPROF" report -o flame.png sp.dat
check "a real PNG" sh -c 'file flame.png | grep -q "PNG image data"'
expect_status "report -o to SVG" 0 "$MPROF" report -o flame.svg sp.dat
svg_text flame.svg >flame-svg.txt
contains "titled with the executable's path" flame-svg.txt "sp dir/it's \"q\"/my prog (pid"

# Every kind of byte in the command line and in function names.
printf '%s\n' \
	"CMDLINE '\\''x'''' \"q\" 100% %s @m \`touch pwned1\` <b>&amp; caf$(printf '\303\251') $(printf '\377\001\177')bs\\\\ end'" \
	"MEM 1 1000" "MEM 2 1001" \
	"FUNC 'f''g$(printf '\342\202\254')<&> 1 1000.1 2 1000.9 0" \
	"FUNC @m%s\`touch_pwned2\`\\\\ 1 1000.2 2 1000.8 1" \
	"FUNC \"a\"''' 1 1000.3 2 1000.7 2" >odd.dat
for f in png svg pdf; do
	expect_status "any bytes plot to ${f^^}" 0 "$MPROF" plot -o "odd.$f" odd.dat
	expect_status "and with the flame timeline to ${f^^}" 0 "$MPROF" plot -f -o "oddf.$f" odd.dat
done
expect_status "and to ASCII" 0 "$MPROF" plot odd.dat
contains "the ASCII title holds the text (bad UTF-8 as ?, control bytes dropped)" "$scratch/.out" \
	"'\\''x'''' \"q\" 100% %s @m \`touch pwned1\` <b>&amp; café ?bs\\\\ end'"
check "a real PNG" sh -c 'file odd.png | grep -q "PNG image data"'
check "a real PDF" sh -c 'file odd.pdf | grep -q "PDF document"'
svg_text oddf.svg >odd-svg.txt
contains "the SVG title is the text" odd-svg.txt "'\\''x'''' \"q\" 100% %s @m \`touch pwned1\` <b>&amp; café ?bs\\\\ end'"
contains "a legend entry is the name and its duration" odd-svg.txt "'f''g€<&> 0.800s"
contains "another" odd-svg.txt "@m%s\`touch_pwned2\`\\\\ 0.600s"
contains "and a third" odd-svg.txt "\"a\"''' 0.400s"
contains "the flame timeline labels the call" odd-svg.txt "'f''g€<&>"
script_of -o odd.png odd.dat
contains "a quote that cannot be doubled is written as sprintf('%c',39)" plot.gp \
	"set title sprintf('%c',39).'\\'''.sprintf('%c',39).'x'''.sprintf('%c',39).sprintf('%c',39)"
check "nothing ran" test -z "$(ls | grep pwned)"
