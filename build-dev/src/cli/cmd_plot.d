build-dev/src/cli/cmd_plot.o: src/cli/cmd_plot.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h src/cli/htmlout.h src/cli/opts.h \
 src/cli/render.h src/core/dat.h src/core/names.h src/core/gnuplot.h \
 src/core/plot.h src/core/report.h src/core/stkdat.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/cli/htmlout.h:
src/cli/opts.h:
src/cli/render.h:
src/core/dat.h:
src/core/names.h:
src/core/gnuplot.h:
src/core/plot.h:
src/core/report.h:
src/core/stkdat.h:
