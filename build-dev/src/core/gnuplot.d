build-dev/src/core/gnuplot.o: src/core/gnuplot.c src/core/gnuplot.h \
 src/core/util.h src/core/launch.h
src/core/gnuplot.h:
src/core/util.h:
src/core/launch.h:
