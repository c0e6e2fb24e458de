build-dev/tests/test_blocks: tests/unit/test_blocks.c src/core/blocks.h \
 tests/unit/unit.h
src/core/blocks.h:
tests/unit/unit.h:
