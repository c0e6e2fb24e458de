build-dev/src/core/html_assets.o: src/core/html_assets.c \
 src/core/html_assets.h
src/core/html_assets.h:
