build-dev/src/core/profiles.o: src/core/profiles.c src/core/profiles.h \
 src/core/util.h
src/core/profiles.h:
src/core/util.h:
