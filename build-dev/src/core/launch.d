build-dev/src/core/launch.o: src/core/launch.c src/core/launch.h \
 src/core/util.h
src/core/launch.h:
src/core/util.h:
