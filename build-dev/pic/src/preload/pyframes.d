build-dev/pic/src/preload/pyframes.o: src/preload/pyframes.c \
 src/preload/pyframes.h src/common/chanlayout.h src/preload/engine.h
src/preload/pyframes.h:
src/common/chanlayout.h:
src/preload/engine.h:
