build-dev/pic/src/preload/hooks.o: src/preload/hooks.c \
 src/preload/engine.h src/common/chanlayout.h src/preload/stacks.h
src/preload/engine.h:
src/common/chanlayout.h:
src/preload/stacks.h:
