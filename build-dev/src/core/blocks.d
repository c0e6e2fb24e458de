build-dev/src/core/blocks.o: src/core/blocks.c src/core/blocks.h \
 src/core/util.h
src/core/blocks.h:
src/core/util.h:
