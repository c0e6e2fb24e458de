build-dev/src/core/names.o: src/core/names.c src/core/names.h \
 src/core/util.h
src/core/names.h:
src/core/util.h:
