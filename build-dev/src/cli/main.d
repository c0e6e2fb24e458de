build-dev/src/cli/main.o: src/cli/main.c src/cli/cmds.h \
 src/core/profiles.h src/core/util.h
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
