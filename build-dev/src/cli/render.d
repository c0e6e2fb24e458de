build-dev/src/cli/render.o: src/cli/render.c src/cli/render.h \
 src/cli/cmds.h src/core/profiles.h src/core/util.h src/core/gnuplot.h \
 src/core/plot.h src/core/dat.h src/core/names.h
src/cli/render.h:
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/core/gnuplot.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
