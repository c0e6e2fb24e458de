build-dev/src/core/funcname.o: src/core/funcname.c src/core/funcname.h \
 src/core/dat.h src/core/names.h src/core/util.h
src/core/funcname.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
