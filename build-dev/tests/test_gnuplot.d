build-dev/tests/test_gnuplot: tests/unit/test_gnuplot.c \
 src/core/gnuplot.h src/core/util.h src/core/launch.h tests/unit/unit.h
src/core/gnuplot.h:
src/core/util.h:
src/core/launch.h:
tests/unit/unit.h:
