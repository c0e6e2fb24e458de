build-dev/src/core/sampler.o: src/core/sampler.c src/core/sampler.h \
 src/core/chanread.h src/common/chanlayout.h src/core/util.h \
 src/core/dat.h src/core/names.h src/core/proc.h src/core/ptree.h \
 src/core/symbols.h
src/core/sampler.h:
src/core/chanread.h:
src/common/chanlayout.h:
src/core/util.h:
src/core/dat.h:
src/core/names.h:
src/core/proc.h:
src/core/ptree.h:
src/core/symbols.h:
