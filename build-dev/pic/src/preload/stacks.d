build-dev/pic/src/preload/stacks.o: src/preload/stacks.c \
 src/preload/stacks.h src/preload/engine.h src/common/chanlayout.h \
 src/preload/pyframes.h
src/preload/stacks.h:
src/preload/engine.h:
src/common/chanlayout.h:
src/preload/pyframes.h:
