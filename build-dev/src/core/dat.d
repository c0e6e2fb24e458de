build-dev/src/core/dat.o: src/core/dat.c src/core/dat.h src/core/names.h \
 src/core/util.h
src/core/dat.h:
src/core/names.h:
src/core/util.h:
