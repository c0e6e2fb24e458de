build-dev/src/core/stacks.o: src/core/stacks.c src/core/stacks.h \
 src/core/chanread.h src/common/chanlayout.h src/core/util.h \
 src/core/dat.h src/core/names.h src/core/blocks.h src/core/dpkg.h \
 src/core/proc.h src/core/sitetime.h src/core/dwsym.h src/core/stkdat.h \
 src/core/symbols.h
src/core/stacks.h:
src/core/chanread.h:
src/common/chanlayout.h:
src/core/util.h:
src/core/dat.h:
src/core/names.h:
src/core/blocks.h:
src/core/dpkg.h:
src/core/proc.h:
src/core/sitetime.h:
src/core/dwsym.h:
src/core/stkdat.h:
src/core/symbols.h:
