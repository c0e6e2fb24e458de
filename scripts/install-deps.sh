#!/bin/sh
# install-deps.sh - installs mprof's build, run-time and test dependencies from Debian's packages.
# Idempotent: packages already installed are left alone. Usage: scripts/install-deps.sh [build|test|bench]
set -eu
what=${1:-test}
# libjs-dygraphs: the charting library that 'plot -o x.html' inlines into the page.
build="build-essential pkg-config libunwind-dev libcjson-dev libdw-dev gnuplot-nox libjs-dygraphs"
test="$build clang clang-format perl git python3 python3-numpy python3-memory-profiler python3-matplotlib jq file procps"
# Programs that must not break under mprof (tests/cli/t_programs.sh): other allocators, a
# program linked with jemalloc, AddressSanitizer's runtime.
test="$test libjemalloc2 libtcmalloc-minimal4 libmimalloc2.0 redis-server libasan8"
# The HTML page checked in a real browser (tests/cli/t_html.sh, tests/cli/html_drive.py).
test="$test chromium chromium-driver python3-selenium"
bench="$test heaptrack hyperfine time"
case $what in
	build) want=$build ;;
	test) want=$test ;;
	bench) want=$bench ;;
	*) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all $what dependencies are installed"
	exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing:$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
