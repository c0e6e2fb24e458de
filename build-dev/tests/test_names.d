build-dev/tests/test_names: tests/unit/test_names.c src/core/dwsym.h \
 src/core/stkdat.h src/core/util.h tests/unit/unit.h
src/core/dwsym.h:
src/core/stkdat.h:
src/core/util.h:
tests/unit/unit.h:
