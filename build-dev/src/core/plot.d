build-dev/src/core/plot.o: src/core/plot.c src/core/plot.h src/core/dat.h \
 src/core/names.h src/core/util.h src/core/gnuplot.h src/core/summary.h
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/gnuplot.h:
src/core/summary.h:
