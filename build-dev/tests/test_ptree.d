build-dev/tests/test_ptree: tests/unit/test_ptree.c src/core/ptree.h \
 tests/unit/unit.h
src/core/ptree.h:
tests/unit/unit.h:
