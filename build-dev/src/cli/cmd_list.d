build-dev/src/cli/cmd_list.o: src/cli/cmd_list.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h src/cli/opts.h src/core/dat.h \
 src/core/names.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/cli/opts.h:
src/core/dat.h:
src/core/names.h:
