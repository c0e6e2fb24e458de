build-dev/src/core/htmldata.o: src/core/htmldata.c src/core/html.h \
 src/core/dat.h src/core/names.h src/core/util.h src/core/stkdat.h \
 src/core/sitetime.h src/core/summary.h
src/core/html.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/sitetime.h:
src/core/summary.h:
