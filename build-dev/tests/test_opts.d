build-dev/tests/test_opts: tests/unit/test_opts.c src/cli/opts.h \
 tests/unit/unit.h
src/cli/opts.h:
tests/unit/unit.h:
