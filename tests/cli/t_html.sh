# t_html.sh - 'plot -o x.html' / 'report -o x.html': one self-contained page, written atomically, hostile names inert, checked in headless chromium (and driven by Selenium).
. "$(dirname "$0")/lib.sh"
cd "$scratch" || exit 1

# ---- writing the page (no browser needed) ----
"$MPROF" run -q --stacks=all -o sites.dat "$PROGS/sites" >/dev/null 2>&1
expect_status "plot -o x.html writes the page" 0 "$MPROF" plot -o sites.html sites.dat
expect_status "report -o x.html writes the page" 0 "$MPROF" report -o sites-report.html sites.dat
check "the same page from plot and report" cmp sites.html sites-report.html
check "one HTML document" sh -c 'head -c 15 sites.html | grep -q "<!DOCTYPE html>" && tail -c 20 sites.html | grep -q "</html>"'
check "dygraphs inlined, no script or style fetched" sh -c 'grep -q "Dygraph" sites.html && ! grep -Eiq "<script[^>]* src=|<link |sourceMappingURL" sites.html'
check "a policy that forbids every fetch" grep -q "default-src 'none'" sites.html
check "STKSITES lines recorded during the run" grep -q "^STKSITES [0-9.]* [0-9]*=[0-9]" sites.dat
check "the other commands still read the recording" sh -c "'$MPROF' report sites.dat | grep -q hold_big && '$MPROF' summary sites.dat >/dev/null"

# Atomic, one-line errors.
echo "old page" >keep.html
expect_status "without libjs-dygraphs: fails" 1 env MPROF_DYGRAPHS_DIR=/nonexistent "$MPROF" plot -o keep.html sites.dat
contains "naming the package" "$scratch/.err" "mprof: cannot write 'keep.html': needs libjs-dygraphs (apt-get install libjs-dygraphs)"
check "in one line" test "$(wc -l <"$scratch/.err")" -eq 1
check "keep.html untouched" test "$(cat keep.html)" = "old page"
printf 'CMDLINE x\nMEM 1 1\nMEM zz 2\nMEM 3 3\n' >bad.dat
expect_status "a corrupt recording fails" 1 "$MPROF" plot -o keep.html bad.dat
check "in one line" test "$(wc -l <"$scratch/.err")" -eq 1
check "keep.html still untouched, no temporary file left" sh -c 'test "$(cat keep.html)" = "old page" && ! ls -A | grep -q "^\.mprof-page"'
expect_status "an unwritable directory fails" 1 "$MPROF" plot -o /nonexistent/x.html sites.dat
expect_status "a picture's options do not apply to a page" 2 "$MPROF" plot --size 800x400 -o x.html sites.dat
expect_status "nor report's --sort" 2 "$MPROF" report --sort leak -o x.html sites.dat

# Hostile names: a command line, a bracket and frames that try to close the script element
# or add an element with a handler. The payloads would mark <body data-pwned>.
js='document.body.setAttribute(`data-pwned`,1)'
{
	echo "CMDLINE evil </script><script>$js</script> \"><img src=x onerror=$js>"
	echo "MPROF 1 interval=0.100000 backend=rss children=none hooks=1 hwm=1"
	echo "MEM 1.0 100.0"
	echo "MAXRSS 1.5 100.0"
	echo "HEAP 0.5 0.5 100.0 10 1 0 0.5"
	echo "MEM 2.0 100.1"
	echo "HEAP 0.7 0.8 100.1 20 2 0 0.5"
	echo "FUNC </script><script>$js</script> 1.0 100.0 2.0 100.1 0"
	echo "FUNC \"><img/src=x/onerror=$js> 1.0 100.02 2.0 100.08 1"
	echo "MEM 1.0 100.2"
	echo "EXIT 0 100.2 2.0"
	echo "STACKS all 0"
	echo "STKMOD 1 /bin/</script><script>$js</script>"
	echo "STKFRAME 0 native 1 0x10 /src/x.c:1 \"><img src=x onerror=$js>"
	echo "STKFRAME 1 native 1 0x20 - </script><script>$js</script>"
	printf 'STKFRAME 2 native 1 0x30 - x\342\200\250y\n'
	echo "STKIMG 0 4242 1000 100 2 0 /bin/</script><script>$js</script>"
	echo "STK 0 900 1 100 1 900 1 0,1"
	echo "STK 0 100 1 0 0 100 1 2,1"
} >evil.dat
expect_status "a page of the hostile recording" 0 "$MPROF" plot -o evil.html evil.dat
check "exactly our four script elements close" test "$(grep -o '</script>' evil.html | wc -l)" -eq 4
check "no '<img' outside our own code" sh -c '! sed -n "/id=\"mprof-data\"/p" evil.html | grep -q "<img"'
check "U+2028 escaped in the data" sh -c '! grep -q "$(printf "\342\200\250")" evil.html'

# 10^6 samples: the page is written in memory that does not grow with the samples
# (one streaming pass; 4 passes over the whole file in memory took about 290 MB).
if [ -x /usr/bin/time ]; then
	"$PROGS/gen_recording" 1000000 >million.dat
	/usr/bin/time -f '%M' -o million.mem "$MPROF" plot -o million.html million.dat
	check "10^6 samples: the page written in under 80 MiB" test "$(tail -1 million.mem)" -lt 81920
	rm -f million.dat
else
	skip "10^6 samples: memory" "/usr/bin/time is not installed"
fi

# ---- in a real browser ----
browser=$(command -v chromium || command -v chromium-browser || true)
# dom FILE OUT: the page's DOM once chromium has run it (its own profile directory).
dom() {
	timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run \
	    --user-data-dir="$scratch/profile" --virtual-time-budget="${2:-8000}" \
	    --dump-dom "file://$scratch/$1" 2>/dev/null >"$1.dom"
}
# rendered NAME FILE: ready, and no JavaScript error.
rendered() {
	check "$1: the page marks itself rendered" grep -q 'data-mprof-ready="1"' "$2.dom"
	if grep -q '<html[^>]*data-mprof-errors=' "$2.dom"; then
		fail "$1: no JavaScript error" "$(grep -o '<html[^>]*data-mprof-errors="[^"]*"' "$2.dom")"
	else
		pass "$1: no JavaScript error"
	fi
}
if [ -z "$browser" ]; then
	for t in "C program with stacks" "hostile names" "no hooks" "tutorial script" "tutorial script with stacks" "300,000 samples" "selenium"; do
		skip "$t in chromium" "chromium is not installed (scripts/install-deps.sh test)"
	done
else
	dom sites.html
	rendered "C program with stacks" sites.html
	check "headline: the true peak" grep -q 'data-key="peak"' sites.html.dom
	check "flame graph frames, named" sh -c 'grep -o "class=\"fr[^>]*data-name=\"hold_big\"" sites.html.dom | grep -q .'
	check "the leak's flame graph names leak_small" sh -c 'grep -o "<div[^>]*id=\"flame-leak\".*" sites.html.dom | grep -q "data-name=\"leak_small\""'
	check "the sites table" sh -c 'grep -o "<table[^>]*id=\"sites-peak\".*</table>" sites.html.dom | grep -q "hold_big (sites.c:"'
	check "sites over time: a chart and its key" sh -c 'grep -q "id=\"sitechart\"" sites.html.dom && grep -o "id=\"sitekey\".*" sites.html.dom | grep -q hold_big'
	check "the memory chart drew the whole run" grep -q 'data-range="0.000000,' sites.html.dom

	dom evil.html
	rendered "hostile names" evil.html
	check "hostile names: nothing ran" sh -c '! grep -q "<body[^>]*data-pwned" evil.html.dom'
	check "hostile names: no element added" sh -c '! grep -o "<body.*" evil.html.dom | grep -q "<img"'
	check "hostile names: shown as text" grep -qF '&lt;/script&gt;&lt;script&gt;document.body.setAttribute' evil.html.dom
	check "hostile frame names in the flame graph, as text" grep -qF 'data-name="&quot;&gt;&lt;img src=x onerror' evil.html.dom

	# A program without hooks or stacks: the panels it has, and what the others need.
	"$MPROF" run -q -o plain.dat "$PROGS/spike" >/dev/null
	"$MPROF" plot -o plain.html plain.dat
	dom plain.html
	rendered "no stacks" plain.html
	check "says the stacks need --stacks" grep -q 'record with mprof run --stacks' plain.html.dom

	if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
		PATH=/usr/bin:$PATH "$MPROF" run -q -o tut.dat "$MPROF_TOP/tests/py/manual_gc_cr.py" >/dev/null
		"$MPROF" plot -o tut.html tut.dat
		dom tut.html
		rendered "tutorial script" tut.html
		check "its function in the functions table" sh -c 'grep -o "<table[^>]*id=\"functions\".*" tut.html.dom | grep -q random_number_average'
		check "its collections in their table" sh -c 'grep -o "<table[^>]*id=\"gcs\".*" tut.html.dom | grep -q "<td>2</td>"'
		# With stacks: Python frames folded as the report folds them, and what the
		# cycle collector freed (the tutorial's three arrays: 91.6 MiB).
		PATH=/usr/bin:$PATH "$MPROF" run -q --stacks=all -o tuts.dat "$MPROF_TOP/tests/py/manual_gc_cr.py" >/dev/null
		"$MPROF" plot -o tuts.html tuts.dat
		dom tuts.html
		rendered "tutorial script with stacks" tuts.html
		check "a Python frame in the flame graph, with its file:line" sh -c 'grep -o "<div[^>]*id=\"flame-peak\".*" tuts.html.dom | grep -q "data-name=\"random_number_average\" data-kind=\"python\" title=\"random_number_average ([^\"]*manual_gc_cr.py:"'
		check "the interpreter's frames folded away" sh -c '! grep -q "data-name=\"_PyEval_EvalFrameDefault" tuts.html.dom'
		check "the gc-freed table names the tutorial's function" sh -c 'grep -o "<table[^>]*id=\"sites-gc\".*" tuts.html.dom | grep -q "random_number_average (manual_gc_cr.py:10)"'
		check "the cycle collector freed 91.6 MiB in all" grep -q "collections freed: 91.6 MiB in all" tuts.html.dom
		# the key alone: its entries are <span>s up to the element's end
		grep -o 'id="sitekey">\(<span[^>]*>[^<]*</span>\)*' tuts.html.dom | grep -o '<span>[^<]*</span>' | sed 's/<[^>]*>//g; s/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g' >tuts.key
		check "sites over time: the three calls' arrays told apart by the script's lines" sh -c 'for l in 18 19 21; do grep -qx "main:$l>random_number_average:10" tuts.key || exit 1; done'
		check "sites over time: every key entry fits one line ($(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' tuts.key) bytes at most)" awk 'length($0) > 100 { bad = 1 } END { exit bad || NR < 4 }' tuts.key
	else
		skip "tutorial script in chromium" "Debian's python3 with numpy is not installed"
		skip "tutorial script with stacks in chromium" "Debian's python3 with numpy is not installed"
	fi

	# 300,000 samples: a page of at most 4 MB that renders.
	awk 'BEGIN { print "CMDLINE big"; print "MPROF 1 interval=0.010000 backend=rss children=none hooks=1 hwm=1"
		for (i = 0; i < 300000; i++) { t = 1000 + i * 0.01; m = 100 + (i % 5000) / 50; x = (i % 7919 == 0) ? m + 400 : m
			printf "MEM %.3f %.3f\nMAXRSS %.3f %.3f\nHEAP %.3f %.3f %.3f %d %d 0 %.3f\n", m, t, x, t, m - 20, x - 20, t, i, i, m - 30 }
		printf "EXIT 0 %.3f 100\n", t }' >big.dat
	"$MPROF" plot -o big.html big.dat
	check "300,000 samples: a page of at most 4 MB" test "$(wc -c <big.html)" -le 4194304
	dom big.html 20000
	rendered "300,000 samples" big.html
	want=$(printf '%.1f MiB' "$(peak_of big.dat)")
	check "300,000 samples: the spikes' true peak ($want) in the headline" sh -c "grep -o 'data-key=\"peak\".*' big.html.dom | grep -q '$want'"

	# Driven: zoom, flame click, search (Selenium with chromium-driver).
	if [ -x /usr/bin/chromedriver ] && /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
		if /usr/bin/python3 "$MPROF_TOP/tests/cli/html_drive.py" "$scratch/sites.html" "$scratch/big.html" >drive.out 2>&1; then
			pass "selenium: zoom, flame click, search"
		else
			fail "selenium: zoom, flame click, search" "$(tail -5 drive.out)"
		fi
	else
		skip "selenium" "chromium-driver or python3-selenium is not installed (scripts/install-deps.sh test)"
	fi
fi
