build-dev/src/cli/help.o: src/cli/help.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h src/cli/opts.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/cli/opts.h:
