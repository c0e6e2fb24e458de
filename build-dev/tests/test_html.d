build-dev/tests/test_html: tests/unit/test_html.c src/core/html.h \
 src/core/dat.h src/core/names.h src/core/util.h src/core/stkdat.h \
 src/core/summary.h src/core/sitetime.h tests/unit/unit.h
src/core/html.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/summary.h:
src/core/sitetime.h:
tests/unit/unit.h:
