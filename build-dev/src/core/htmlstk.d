build-dev/src/core/htmlstk.o: src/core/htmlstk.c src/core/html.h \
 src/core/dat.h src/core/names.h src/core/util.h src/core/stkdat.h \
 src/core/report.h src/core/plot.h
src/core/html.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/report.h:
src/core/plot.h:
