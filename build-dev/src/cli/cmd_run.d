build-dev/src/cli/cmd_run.o: src/cli/cmd_run.c src/cli/checkopts.h \
 src/core/summary.h src/core/dat.h src/core/names.h src/core/util.h \
 src/cli/cmds.h src/core/profiles.h src/cli/runopts.h src/cli/opts.h \
 src/cli/record.h src/core/sampler.h src/core/chanread.h \
 src/common/chanlayout.h src/core/proc.h
src/cli/checkopts.h:
src/core/summary.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/cli/cmds.h:
src/core/profiles.h:
src/cli/runopts.h:
src/cli/opts.h:
src/cli/record.h:
src/core/sampler.h:
src/core/chanread.h:
src/common/chanlayout.h:
src/core/proc.h:
