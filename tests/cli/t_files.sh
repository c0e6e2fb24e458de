# t_files.sh - list, rm, clean and peak: indices, what counts as a recording, errors.
. "$(dirname "$0")/lib.sh"

mk() { printf 'CMDLINE %s\nMEM %s 1000.0\nMEM %s 1000.1\n' "$2" "$3" "$4" >"$1"; }
mk mprof_20260101000001.dat "first prog" 1 10
mk mprofile_20260101000002.dat "second" 2 20
mk mprof_20260101000003.dat "third" 3 30
mk notes.dat "not a recording" 4 40
mkdir mprof_20260101000009.dat  # a directory with a recording's name

"$MPROF" list >list.out
check "list shows the three recordings" test "$(wc -l <list.out)" -eq 3
contains "oldest first, index 0, with its command" list.out "0 mprof_20260101000001.dat"
contains "mprofile_ names count" list.out "1 mprofile_20260101000002.dat"
contains "the command line is shown" list.out "first prog"
check "a directory is never listed" sh -c '! grep -q 000009 list.out'

check_peak() { test "$("$MPROF" peak "$1" | cut -f2)" = "$2"; }
check "peak of index 0 is the oldest's" check_peak 0 "10.000 MiB"
check "peak of index -1 is the newest's" check_peak -1 "30.000 MiB"
check "peak by file name, any name" check_peak notes.dat "40.000 MiB"
check "peak with no argument uses the newest" test "$("$MPROF" peak | cut -f1)" = "mprof_20260101000003.dat"
expect_status "peak of a missing index fails" 1 "$MPROF" peak 7
contains "saying so" "$scratch/.err" "no recording with index 7"
expect_status "peak of a missing file fails" 1 "$MPROF" peak nope.dat
contains "naming it" "$scratch/.err" "cannot open 'nope.dat'"

printf 'CMDLINE x\nMEM 1 1\nMEM 2 oops\nMEM 3 3\n' >corrupt.dat
expect_status "a corrupt recording fails" 1 "$MPROF" peak corrupt.dat
contains "naming file and line" "$scratch/.err" "corrupt.dat:3: expected 'MEM <MiB> <time>'"
: >empty.dat
expect_status "an empty recording fails" 1 "$MPROF" peak empty.dat
contains "saying it has no samples" "$scratch/.err" "empty.dat: no memory samples"
printf 'CMDLINE x\nMEM 1 1\nMEM 2' >truncated.dat
expect_status "a truncated last line is left out (valid up to its last line)" 0 "$MPROF" peak truncated.dat
contains "with a warning naming the line" "$scratch/.err" "mprof: warning: truncated.dat:3: last line is incomplete; read up to line 2"
head -c 2000 /bin/ls >binary.dat
expect_status "a binary file fails cleanly" 1 "$MPROF" peak binary.dat
expect_status "a directory is not a recording" 1 "$MPROF" peak mprof_20260101000009.dat

# --func: the peak while a function ran.
cat >func.dat <<'DAT'
CMDLINE f
MEM 1 1.0
FUNC work 1 1.05 5 1.35 1
MEM 50 1.1
MEM 80 1.3
MEM 200 1.5
DAT
check "peak --func is the peak within the calls" test "$("$MPROF" peak --func work func.dat | cut -f2)" = "80.000 MiB"
expect_status "an unknown function is an error, not NaN (t_gates.sh has more)" 1 "$MPROF" peak --func nope func.dat

# rm and clean delete recordings and nothing else.
expect_status "rm with nothing to remove is a usage error" 2 "$MPROF" rm
expect_status "rm refuses a file that is not a recording" 1 "$MPROF" rm notes.dat
check "which stays" test -f notes.dat
expect_status "rm refuses a directory" 1 "$MPROF" rm mprof_20260101000009.dat
check "which stays" test -d mprof_20260101000009.dat
"$MPROF" rm --dry-run 0 >dry.out
check "rm --dry-run deletes nothing" test -f mprof_20260101000001.dat
contains "and says what it would delete" dry.out "mprof_20260101000001.dat"
expect_status "rm 0 removes the oldest" 0 "$MPROF" rm 0
check "gone" test ! -e mprof_20260101000001.dat
expect_status "rm of a bad index removes nothing" 1 "$MPROF" rm -1 5
check "not even the good one" test -e mprof_20260101000003.dat
"$MPROF" clean --dry-run >/dev/null
check "clean --dry-run deletes nothing" test -e mprofile_20260101000002.dat
expect_status "clean removes every recording" 0 "$MPROF" clean
check "recordings gone" test -z "$(ls mprof_*.dat mprofile_*.dat 2>/dev/null | grep -v 000009)"
check "other files and directories stay" test -f notes.dat -a -d mprof_20260101000009.dat
expect_status "clean with an argument is a usage error" 2 "$MPROF" clean x

expect_status "peak with no recording at all fails" 1 "$MPROF" peak
contains "and says how to make one" "$scratch/.err" "mprof run"

# Help and version.
expect_status "mprof --help" 0 "$MPROF" --help
contains "lists the commands" "$scratch/.out" "run"
expect_status "mprof help run" 0 "$MPROF" help run
contains "shows run's options" "$scratch/.out" "--interval"
expect_status "mprof run --help" 0 "$MPROF" run --help
expect_status "mprof --version" 0 "$MPROF" --version
expect_status "an unknown command is a usage error" 2 "$MPROF" frobnicate
contains "naming it" "$scratch/.err" "'frobnicate' is not a command"
expect_status "no command at all is a usage error" 2 "$MPROF"
