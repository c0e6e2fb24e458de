build-dev/src/cli/cmd_summary.o: src/cli/cmd_summary.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h src/cli/opts.h src/core/summary.h \
 src/core/dat.h src/core/names.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/cli/opts.h:
src/core/summary.h:
src/core/dat.h:
src/core/names.h:
