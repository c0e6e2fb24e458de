build-dev/src/core/summary.o: src/core/summary.c src/core/summary.h \
 src/core/dat.h src/core/names.h src/core/util.h src/core/callpeak.h \
 src/core/stkdat.h
src/core/summary.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/callpeak.h:
src/core/stkdat.h:
