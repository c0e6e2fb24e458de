build-dev/tests/test_units: tests/unit/test_units.c src/core/units.h \
 tests/unit/unit.h
src/core/units.h:
tests/unit/unit.h:
