build-dev/src/core/chanread.o: src/core/chanread.c src/core/chanread.h \
 src/common/chanlayout.h src/core/util.h src/core/proc.h
src/core/chanread.h:
src/common/chanlayout.h:
src/core/util.h:
src/core/proc.h:
