# Makefile - builds the mprof CLI and its two preload libraries (libmprof.so, libmprof-stacks.so).
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
VERSION := 0.1.0

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

PKGS        := libcjson libunwind libdw
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CJSON_LIBS  := $(shell pkg-config --libs libcjson 2>/dev/null)
# elfutils names frames after a run (core/dwsym.c); the CLI alone links it.
DW_LIBS     := $(shell pkg-config --libs libdw 2>/dev/null) -ldl

WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wvla -Werror
CFLAGS  ?= -O2 -g
BASE    := -std=c11 -D_GNU_SOURCE -DMPROF_VERSION='"$(VERSION)"' \
           -Iinclude -Isrc $(WARN) -MMD -MP
LDFLAGS ?=

CORE_SRC    := $(sort $(wildcard src/core/*.c))
CLI_SRC     := $(sort $(wildcard src/cli/*.c))
comma := ,
PRELOAD_SRC := $(sort $(wildcard src/preload/*.c))
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
PROG_SRC    := $(sort $(wildcard tests/progs/*.c))
PROGCXX_SRC := $(sort $(wildcard tests/progs/*.cc))

CORE_OBJ    := $(CORE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/%.o)
PRELOAD_OBJ := $(PRELOAD_SRC:%.c=$(BUILD)/pic/%.o)
STACKS_OBJ  := $(PRELOAD_SRC:%.c=$(BUILD)/pic-stacks/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
PROG_BIN    := $(PROG_SRC:tests/progs/%.c=$(BUILD)/progs/%) \
               $(PROGCXX_SRC:tests/progs/%.cc=$(BUILD)/progs/%)

LIBS := $(BUILD)/lib/mprof/libmprof.so $(BUILD)/lib/mprof/libmprof-stacks.so

# The Python side of @profile: put first on PYTHONPATH by 'mprof run'.
PY_SRC := scripts/python/sitecustomize.py scripts/python/memory_profiler.py
PY_OUT := $(PY_SRC:scripts/python/%=$(BUILD)/lib/mprof/python/%)

all: $(BUILD)/mprof $(LIBS) $(PY_OUT)

$(BUILD)/mprof: $(CLI_OBJ) $(BUILD)/libmprofcore.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libmprofcore.a $(CJSON_LIBS) $(DW_LIBS) -lm

$(BUILD)/libmprofcore.a: $(CORE_OBJ)
	@mkdir -p $(@D)
	$(Q)$(AR) rcs $@ $^

# The preload libraries export only the hooked symbols and the mprof_* API. The
# same sources build both: libmprof.so for plain runs, whose hooks have no code for
# stacks at all, and libmprof-stacks.so for --stacks (MPROF_STACKS=1).
# Every page the library brings into a process costs each hooked process start a
# page fault, so it is laid out in few of them where the linker can: one read-only
# and executable segment (noseparate-code), and the big zeroed tables sorted after
# the small statics (MPROF_LARGE in engine.h). Each flag is kept only if the linker
# takes it (gold knows neither; lld ignores the sort).
ld_flag = $(shell t=$$(mktemp) && $(CC) $(LDFLAGS) -shared -Wl,$(1) -x c /dev/null -o $$t 2>/dev/null \
	&& echo -Wl,$(1); rm -f $$t)
PRELOAD_LAYOUT := $(call ld_flag,-z$(comma)noseparate-code) $(call ld_flag,--sort-section=name)
PRELOAD_LINK = $(CC) -shared $(LDFLAGS) -Wl,--version-script=src/preload/exports.map \
	    -Wl,-z,nodelete $(PRELOAD_LAYOUT) -o $@ $(filter %.o,$^) -ldl -lpthread

$(BUILD)/lib/mprof/libmprof.so: $(PRELOAD_OBJ) src/preload/exports.map
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	$(Q)$(PRELOAD_LINK)

$(BUILD)/lib/mprof/libmprof-stacks.so: $(STACKS_OBJ) src/preload/exports.map
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	$(Q)$(PRELOAD_LINK)

$(BUILD)/lib/mprof/python/%.py: scripts/python/%.py
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

# The hooks are a few dozen instructions between the program and its allocator.
# On CPUs with Intel's JCC erratum fix, a branch that crosses or ends on a 32-byte
# boundary leaves the decoded-instruction cache: the assembler keeps them inside
# (measured: 1.44x -> 1.31x on make bench's malloc loop). GNU as takes it through
# -Wa, clang's integrated assembler as a driver flag; other assemblers and targets
# go without.
BRANCH_ALIGN := $(or \
	$(shell $(CC) -Werror -Wa,-mbranches-within-32B-boundaries -c -x c /dev/null -o /dev/null \
	    2>/dev/null && echo -Wa,-mbranches-within-32B-boundaries), \
	$(shell $(CC) -Werror -mbranches-within-32B-boundaries -c -x c /dev/null -o /dev/null \
	    2>/dev/null && echo -mbranches-within-32B-boundaries))
PIC = $(CC) $(BASE) $(PKG_CFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
      $(BRANCH_ALIGN)

# Their flags matter to the hooks' speed: a change rebuilds them.
$(PRELOAD_OBJ) $(STACKS_OBJ): Makefile

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (pic)"
	$(Q)$(PIC) -DMPROF_STACKS=0 -c -o $@ $<

$(BUILD)/pic-stacks/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (pic, stacks)"
	$(Q)$(PIC) -DMPROF_STACKS=1 -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libmprofcore.a $(BUILD)/src/cli/opts.o
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	$(Q)$(CC) $(BASE) $(PKG_CFLAGS) $(CFLAGS) -Wno-write-strings -Itests/unit -o $@ $< \
	    $(BUILD)/src/cli/opts.o $(BUILD)/libmprofcore.a $(CJSON_LIBS) $(DW_LIBS) -lm

# Victim programs: -O0 keeps the compiler from eliding their allocations.
$(BUILD)/progs/%: tests/progs/%.c include/mprof.h
	@mkdir -p $(@D)
	@echo "  PROG    $@"
	$(Q)$(CC) -std=gnu11 -O0 -g -Iinclude -pthread -o $@ $< $(PROG_FLAGS_$*)

# The HTML page's script and style are built into mprof (core/html_assets.c).
$(BUILD)/src/core/html_assets.o: $(wildcard src/core/html/*)

# scribble writes the channel's fields by their offsets: rebuilt with the layout.
$(BUILD)/progs/scribble: src/common/chanlayout.h

$(BUILD)/progs/%: tests/progs/%.cc
	@mkdir -p $(@D)
	@echo "  PROG    $@"
	$(Q)$(CXX) -O0 -g -o $@ $< $(PROG_FLAGS_$*)

PROG_FLAGS_static_prog := -static
PROG_FLAGS_instrumented := -finstrument-functions
PROG_FLAGS_instrumented_threads := -finstrument-functions -pthread
PROG_FLAGS_scribble := -Isrc
# Inlined frames need the optimiser: these two are about names after inlining.
PROG_FLAGS_names := -O2
PROG_FLAGS_inlined := -O2

# The README's first command: a recording of the bundled example and its peak.
example: all $(BUILD)/progs/example
	rm -f $(BUILD)/example.dat
	$(BUILD)/mprof run -o $(BUILD)/example.dat $(BUILD)/progs/example
	$(BUILD)/mprof peak $(BUILD)/example.dat
	$(BUILD)/mprof plot -o $(BUILD)/example.png $(BUILD)/example.dat
	@echo "mprof: the picture is $(BUILD)/example.png"

check-build: all $(UNIT_BIN) $(PROG_BIN)

test: check-build
	@tests/run

BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(sort $(wildcard bench/*.c)))

# make bench: overhead and speed ratios, then the scale section (bench/scale);
# make bench-scale: the scale section alone (BENCH_BIG=1 adds the largest sizes).
bench: all $(BENCH_BIN)
	@bench/run

bench-scale: all $(BENCH_BIN) $(BUILD)/progs/steady
	@bench/scale

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -pthread -o $@ $<

DOCS   := $(sort $(wildcard docs/*.md))
DOCDIR  = $(PREFIX)/share/doc/mprof

# The man page names where the documentation is: /usr/local/share/doc/mprof in the
# source, the real DOCDIR once installed.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/mprof \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(DOCDIR)
	install -m 755 $(BUILD)/mprof $(DESTDIR)$(PREFIX)/bin/mprof
	install -m 644 $(LIBS) $(DESTDIR)$(PREFIX)/lib/mprof/
	install -d $(DESTDIR)$(PREFIX)/lib/mprof/python
	install -m 644 $(PY_OUT) $(DESTDIR)$(PREFIX)/lib/mprof/python/
	install -m 644 include/mprof.h $(DESTDIR)$(PREFIX)/include/mprof.h
	sed 's|/usr/local/share/doc/mprof|$(DOCDIR)|g' docs/mprof.1 >$(BUILD)/mprof.1
	install -m 644 $(BUILD)/mprof.1 $(DESTDIR)$(PREFIX)/share/man/man1/mprof.1
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/mprof $(DESTDIR)$(PREFIX)/include/mprof.h \
	    $(DESTDIR)$(PREFIX)/share/man/man1/mprof.1
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	rm -rf $(DESTDIR)$(PREFIX)/lib/mprof

# libFuzzer on the parsers (clang); found inputs go to tests/fuzz/corpus, replayed by make test.
fuzz:
	@mkdir -p build-fuzz
	clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o build-fuzz/fuzz_parsers tests/fuzz/fuzz_parsers.c src/core/dat.c src/core/stkdat.c src/core/units.c src/core/util.c
	build-fuzz/fuzz_parsers -max_total_time=$${FUZZ_SECONDS:-60} tests/fuzz/corpus

# libFuzzer on the launcher's channel reader: bytes the program writes into the shared
# mapping; found inputs go to tests/fuzz/channel, replayed by make test.
FUZZ_CHANNEL_SRC := tests/fuzz/fuzz_channel.c src/core/chanread.c src/core/stacks.c \
	src/core/symbols.c src/core/dat.c src/core/units.c src/core/util.c
fuzz-channel:
	@mkdir -p build-fuzz/channel-corpus tests/fuzz/channel
	clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o build-fuzz/fuzz_channel $(FUZZ_CHANNEL_SRC) -lm -lpthread
	build-fuzz/fuzz_channel -max_total_time=$${FUZZ_SECONDS:-60} -rss_limit_mb=4096 \
	    build-fuzz/channel-corpus tests/fuzz/channel

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer' \
	    LDFLAGS='-fsanitize=address,undefined' build-asan/mprof

# The end-to-end suite against the sanitizer build of the CLI (the preload library
# stays as it is: ASan replaces malloc itself).
asan-test: asan check-build
	MPROF=$(CURDIR)/build-asan/mprof MPROF_LIBDIR=$(CURDIR)/build/lib/mprof \
	    ASAN_OPTIONS=detect_leaks=1 tests/run

format:
	clang-format -i $(CORE_SRC) $(CLI_SRC) $(PRELOAD_SRC) src/*/*.h include/*.h

format-check:
	clang-format --dry-run --Werror $(CORE_SRC) $(CLI_SRC) $(PRELOAD_SRC) src/*/*.h include/*.h

clean:
	rm -rf build build-asan build-fuzz build-clang

.PHONY: asan-test fuzz fuzz-channel all example test bench bench-scale install uninstall asan format format-check clean check-build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
