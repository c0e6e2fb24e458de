build-dev/tests/test_trust_channel: tests/unit/test_trust_channel.c \
 tests/unit/unit.h tests/unit/../fuzz/fuzz_channel.c src/core/chanread.h \
 src/common/chanlayout.h src/core/util.h src/core/stacks.h src/core/dat.h \
 src/core/names.h
tests/unit/unit.h:
tests/unit/../fuzz/fuzz_channel.c:
src/core/chanread.h:
src/common/chanlayout.h:
src/core/util.h:
src/core/stacks.h:
src/core/dat.h:
src/core/names.h:
