build-dev/tests/test_dat: tests/unit/test_dat.c src/core/dat.h \
 src/core/names.h src/core/util.h tests/unit/unit.h
src/core/dat.h:
src/core/names.h:
src/core/util.h:
tests/unit/unit.h:
