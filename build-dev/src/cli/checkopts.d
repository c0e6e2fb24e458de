build-dev/src/cli/checkopts.o: src/cli/checkopts.c src/cli/checkopts.h \
 src/core/summary.h src/core/dat.h src/core/names.h src/core/util.h \
 src/cli/cmds.h src/core/profiles.h src/cli/opts.h src/core/funcname.h \
 src/core/report.h src/core/plot.h src/core/stkdat.h src/core/units.h
src/cli/checkopts.h:
src/core/summary.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/cli/cmds.h:
src/core/profiles.h:
src/cli/opts.h:
src/core/funcname.h:
src/core/report.h:
src/core/plot.h:
src/core/stkdat.h:
src/core/units.h:
