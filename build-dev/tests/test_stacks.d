build-dev/tests/test_stacks: tests/unit/test_stacks.c src/core/report.h \
 src/core/plot.h src/core/dat.h src/core/names.h src/core/util.h \
 src/core/stkdat.h tests/unit/unit.h
src/core/report.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
tests/unit/unit.h:
