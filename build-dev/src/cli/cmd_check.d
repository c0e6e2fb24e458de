build-dev/src/cli/cmd_check.o: src/cli/cmd_check.c src/cli/checkopts.h \
 src/core/summary.h src/core/dat.h src/core/names.h src/core/util.h \
 src/cli/cmds.h src/core/profiles.h src/cli/opts.h
src/cli/checkopts.h:
src/core/summary.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/cli/cmds.h:
src/core/profiles.h:
src/cli/opts.h:
