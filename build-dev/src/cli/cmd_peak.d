build-dev/src/cli/cmd_peak.o: src/cli/cmd_peak.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h src/cli/opts.h src/core/dat.h \
 src/core/names.h src/core/funcname.h src/core/summary.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/cli/opts.h:
src/core/dat.h:
src/core/names.h:
src/core/funcname.h:
src/core/summary.h:
