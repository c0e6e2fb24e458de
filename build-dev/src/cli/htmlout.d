build-dev/src/cli/htmlout.o: src/cli/htmlout.c src/cli/htmlout.h \
 src/cli/cmds.h src/core/profiles.h src/core/util.h src/core/html.h \
 src/core/dat.h src/core/names.h src/core/stkdat.h src/core/summary.h
src/cli/htmlout.h:
src/cli/cmds.h:
src/core/profiles.h:
src/core/util.h:
src/core/html.h:
src/core/dat.h:
src/core/names.h:
src/core/stkdat.h:
src/core/summary.h:
