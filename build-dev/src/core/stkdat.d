build-dev/src/core/stkdat.o: src/core/stkdat.c src/core/stkdat.h \
 src/core/util.h src/core/dat.h src/core/names.h
src/core/stkdat.h:
src/core/util.h:
src/core/dat.h:
src/core/names.h:
