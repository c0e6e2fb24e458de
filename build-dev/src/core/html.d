build-dev/src/core/html.o: src/core/html.c src/core/html.h src/core/dat.h \
 src/core/names.h src/core/util.h src/core/stkdat.h \
 src/core/html_assets.h
src/core/html.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
src/core/html_assets.h:
