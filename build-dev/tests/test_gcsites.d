build-dev/tests/test_gcsites: tests/unit/test_gcsites.c src/core/report.h \
 src/core/plot.h src/core/dat.h src/core/names.h src/core/util.h \
 src/core/stkdat.h src/core/stacks.h src/core/chanread.h \
 src/common/chanlayout.h tests/unit/unit.h
src/core/report.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/stacks.h:
src/core/chanread.h:
src/common/chanlayout.h:
tests/unit/unit.h:
