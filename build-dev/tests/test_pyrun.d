build-dev/tests/test_pyrun: tests/unit/test_pyrun.c src/core/pyrun.h \
 src/core/util.h tests/unit/unit.h
src/core/pyrun.h:
src/core/util.h:
tests/unit/unit.h:
