build-dev/src/core/report.o: src/core/report.c src/core/report.h \
 src/core/plot.h src/core/dat.h src/core/names.h src/core/util.h \
 src/core/stkdat.h src/core/gnuplot.h
src/core/report.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/gnuplot.h:
