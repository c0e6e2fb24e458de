build-dev/tests/test_compact: tests/unit/test_compact.c src/core/dat.h \
 src/core/names.h src/core/util.h tests/unit/unit.h
src/core/dat.h:
src/core/names.h:
src/core/util.h:
tests/unit/unit.h:
