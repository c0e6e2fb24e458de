build-dev/src/cli/opts.o: src/cli/opts.c src/cli/opts.h
src/cli/opts.h:
