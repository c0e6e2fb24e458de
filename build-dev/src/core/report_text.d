build-dev/src/core/report_text.o: src/core/report_text.c \
 src/core/report.h src/core/plot.h src/core/dat.h src/core/names.h \
 src/core/util.h src/core/stkdat.h
src/core/report.h:
src/core/plot.h:
src/core/dat.h:
src/core/names.h:
src/core/util.h:
src/core/stkdat.h:
