build-dev/src/core/proc.o: src/core/proc.c src/core/proc.h \
 src/core/util.h src/core/dat.h src/core/names.h
src/core/proc.h:
src/core/util.h:
src/core/dat.h:
src/core/names.h:
