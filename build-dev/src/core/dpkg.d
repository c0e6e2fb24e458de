build-dev/src/core/dpkg.o: src/core/dpkg.c src/core/dpkg.h \
 src/core/util.h
src/core/dpkg.h:
src/core/util.h:
