build-dev/src/core/flame.o: src/core/flame.c src/core/gnuplot.h \
 src/core/util.h src/core/report.h src/core/plot.h src/core/dat.h \
 src/core/names.h src/core/stkdat.h
src/core/gnuplot.h:
src/core/util.h:
src/core/report.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
src/core/stkdat.h:
