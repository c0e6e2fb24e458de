build-dev/src/core/callpeak.o: src/core/callpeak.c src/core/callpeak.h \
 src/core/util.h
src/core/callpeak.h:
src/core/util.h:
