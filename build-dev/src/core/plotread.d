build-dev/src/core/plotread.o: src/core/plotread.c src/core/names.h \
 src/core/plot.h src/core/dat.h src/core/util.h
src/core/names.h:
src/core/plot.h:
src/core/dat.h:
src/core/util.h:
