build-dev/src/core/dwsym.o: src/core/dwsym.c src/core/dwsym.h \
 src/core/util.h
src/core/dwsym.h:
src/core/util.h:
