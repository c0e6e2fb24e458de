build-dev/tests/test_fuzz_replay: tests/unit/test_fuzz_replay.c \
 tests/unit/unit.h tests/unit/../fuzz/fuzz_parsers.c src/core/dat.h \
 src/core/names.h src/core/util.h src/core/stkdat.h src/core/units.h
tests/unit/unit.h:
tests/unit/../fuzz/fuzz_parsers.c:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/units.h:
