build-dev/src/cli/cmd_rm.o: src/cli/cmd_rm.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h src/core/chanread.h \
 src/common/chanlayout.h src/cli/opts.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/core/chanread.h:
src/common/chanlayout.h:
src/cli/opts.h:
