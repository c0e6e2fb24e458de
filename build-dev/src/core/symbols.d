build-dev/src/core/symbols.o: src/core/symbols.c src/core/symbols.h \
 src/core/util.h
src/core/symbols.h:
src/core/util.h:
