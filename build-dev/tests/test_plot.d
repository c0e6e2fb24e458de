build-dev/tests/test_plot: tests/unit/test_plot.c src/core/gnuplot.h \
 src/core/util.h src/core/launch.h src/core/plot.h src/core/dat.h \
 src/core/names.h tests/unit/unit.h
src/core/gnuplot.h:
src/core/util.h:
src/core/launch.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
tests/unit/unit.h:
