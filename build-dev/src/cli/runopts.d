build-dev/src/cli/runopts.o: src/cli/runopts.c src/cli/runopts.h \
 src/cli/opts.h src/cli/record.h src/core/sampler.h src/core/chanread.h \
 src/common/chanlayout.h src/core/util.h src/core/dat.h src/core/names.h \
 src/core/proc.h src/cli/cmds.h src/core/profiles.h src/core/units.h
src/cli/runopts.h:
src/cli/opts.h:
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
src/core/units.h:
