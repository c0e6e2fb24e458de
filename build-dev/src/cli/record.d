build-dev/src/cli/record.o: src/cli/record.c src/cli/record.h \
 src/core/sampler.h src/core/chanread.h src/common/chanlayout.h \
 src/core/util.h src/core/dat.h src/core/names.h src/core/proc.h \
 src/cli/cmds.h src/core/profiles.h src/core/launch.h src/core/pyrun.h \
 src/core/stacks.h src/core/symbols.h
src/cli/record.h:
src/core/sampler.h:
src/core/chanread.h:
src/common/chanlayout.h:
src/core/util.h:
src/core/dat.h:
src/core/names.h:
src/core/proc.h:
src/cli/cmds.h:
src/core/profiles.h:
src/core/launch.h:
src/core/pyrun.h:
src/core/stacks.h:
src/core/symbols.h:
