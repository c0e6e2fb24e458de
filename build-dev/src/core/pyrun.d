build-dev/src/core/pyrun.o: src/core/pyrun.c src/core/pyrun.h \
 src/core/util.h
src/core/pyrun.h:
src/core/util.h:
