build-dev/tests/test_hwm: tests/unit/test_hwm.c src/core/dat.h \
 src/core/names.h src/core/util.h tests/unit/unit.h
src/core/dat.h:
src/core/names.h:
src/core/util.h:
tests/unit/unit.h:
