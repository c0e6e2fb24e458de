build-dev/src/core/ptree.o: src/core/ptree.c src/core/ptree.h \
 src/core/proc.h src/core/util.h
src/core/ptree.h:
src/core/proc.h:
src/core/util.h:
