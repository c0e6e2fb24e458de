build-dev/src/core/sitetime.o: src/core/sitetime.c src/core/sitetime.h \
 src/core/dat.h src/core/names.h src/core/util.h
src/core/sitetime.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
