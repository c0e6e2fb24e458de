build-dev/tests/test_funcname: tests/unit/test_funcname.c \
 src/core/funcname.h src/core/dat.h src/core/names.h src/core/util.h \
 tests/unit/unit.h
src/core/funcname.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
tests/unit/unit.h:
