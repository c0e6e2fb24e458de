build-dev/pic-stacks/src/preload/engine.o: src/preload/engine.c \
 src/preload/engine.h src/common/chanlayout.h src/preload/stacks.h
src/preload/engine.h:
src/common/chanlayout.h:
src/preload/stacks.h:
