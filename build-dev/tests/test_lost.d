build-dev/tests/test_lost: tests/unit/test_lost.c src/core/names.h \
 src/core/summary.h src/core/dat.h src/core/util.h tests/unit/unit.h
src/core/names.h:
src/core/summary.h:
src/core/dat.h:
src/core/util.h:
tests/unit/unit.h:
