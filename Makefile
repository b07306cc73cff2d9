# isolab — build, run, test. See README.md.
PREFIX ?= /usr/local
CC ?= cc
PKGS := libseccomp jansson ncursesw libcap libapparmor vterm yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
# Kept apart from CFLAGS so that `make CFLAGS=...` (the ASan build) keeps them.
ISOLAB_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
	-DISOLAB_DATADIR='"$(PREFIX)/share/isolab"' -Ilayers/include $(PKG_CFLAGS)
# The engine's own folders; tui/ sees only layers/include (the public headers).
ENGINE_DIRS := layers layers/util layers/cgroup layers/lsm layers/profile layers/probes layers/lab layers/live layers/export layers/import
ENGINE_INC := $(ENGINE_DIRS:%=-I%)
# The libraries are linked statically where their archives exist (Debian's
# -dev packages ship them): isolab execs itself twice on every start (the
# sealed copy, layers/sealed_self.c), and eight shared libraries cost the
# dynamic loader ~0.7 ms each time (bench/run.sh: ~1.4 ms of a default
# `isolab run`). ISOLAB_SHARED_LIBS=1, or a missing archive, links them shared.
STATIC_OK := $(shell for l in $(patsubst -l%,%,$(filter -l%,$(PKG_LIBS))); do \
	f=$$($(CC) -print-file-name=lib$$l.a); [ -f "$$f" ] || { echo no; break; }; done)
# The test binaries link them shared: cmocka's own symbols (print_error)
# would otherwise be taken by libapparmor.a's.
LDLIBS += $(PKG_LIBS)
# With every archive there, libc too: a static-pie (ASLR kept) starts with
# no dynamic loader at all, and the sandbox's init and command, forks that
# never exec isolab again, resolve no symbols lazily (bench/run.sh: 0.4 ms a
# start). The sanitizer builds link dynamically (their runtimes need it).
ifeq ($(STATIC_OK)$(ISOLAB_SHARED_LIBS),)
LIBC_A := $(shell [ -f "$$($(CC) -print-file-name=libc.a)" ] && echo yes)
ifneq ($(findstring -fsanitize,$(CFLAGS))$(if $(LIBC_A),,no),)
BIN_LDLIBS := -Wl,-Bstatic $(PKG_LIBS) -Wl,-Bdynamic
else
BIN_LDLIBS := -static-pie $(PKG_LIBS)
endif
else
BIN_LDLIBS := $(PKG_LIBS)
endif
BUILD ?= build

# Debian packages the build, the tests and the benchmarks need.
DEPS_PKGS := build-essential pkg-config libseccomp-dev libjansson-dev libncurses-dev \
	libcap-dev libapparmor-dev apparmor libcmocka-dev tmux busybox-static \
	qemu-system-x86 linux-image-amd64 bubblewrap runc clang libclang-rt-14-dev cpio kmod \
	iproute2 util-linux procps jq hyperfine golang-github-containers-common \
	docker.io libyaml-dev libvterm-dev

LIB_SRCS := $(wildcard $(ENGINE_DIRS:%=%/*.c))
TUI_SRCS := $(wildcard tui/*/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
TUI_OBJS := $(TUI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
ITEST_SRCS := $(wildcard tests/integration/test_*.c)
ITEST_BINS := $(ITEST_SRCS:tests/integration/%.c=$(BUILD)/tests/integration/%)
# Programs the shell suites run inside a sandbox (tests/helpers/).
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)

.PHONY: all deps run check check-unit check-asan bench install clean fuzz tests
all: isolab

HDRS := $(wildcard layers/include/*.h $(ENGINE_DIRS:%=%/*.h) tui/*/*.h)

$(BUILD)/layers/%.o: layers/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ISOLAB_CFLAGS) $(ENGINE_INC) -c -o $@ $<

$(BUILD)/tui/%.o: tui/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ISOLAB_CFLAGS) $(VERSION_CFLAGS) -Itui/cli -Itui/screen -c -o $@ $<

# The commit isolab is built from, for `isolab --version` (main.c), and a
# stamp rewritten only when it changes, so that main.c is rebuilt only then.
ISOLAB_GIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/tui/cli/main.o: VERSION_CFLAGS = -DISOLAB_GIT='"$(ISOLAB_GIT)"'
$(BUILD)/tui/cli/main.o: $(BUILD)/version.stamp
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(ISOLAB_GIT)' > $@.tmp; if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE
FORCE:

$(BUILD)/libisolab.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

BIN ?= isolab
$(BIN): $(TUI_OBJS) $(BUILD)/libisolab.a
	$(CC) $(CFLAGS) $(ISOLAB_CFLAGS) -o $@ $(TUI_OBJS) $(BUILD)/libisolab.a $(BIN_LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libisolab.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ISOLAB_CFLAGS) $(ENGINE_INC) -Itests -o $@ $< $(BUILD)/libisolab.a $(LDLIBS) -lcmocka

$(BUILD)/tests/integration/%: tests/integration/%.c $(BUILD)/libisolab.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ISOLAB_CFLAGS) $(ENGINE_INC) -Itests -o $@ $< $(BUILD)/libisolab.a $(LDLIBS) -lcmocka

$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ISOLAB_CFLAGS) -o $@ $<

tests: $(BIN) $(UNIT_BINS) $(ITEST_BINS) $(HELPER_BINS)

deps:
	@bash tests/deps.sh $(DEPS_PKGS)

run: isolab
	./isolab

# Every suite, then one summary line: "N passed, N failed, N skipped".
# Built a second time with ASan/UBSan: the unit and integration test binaries,
# and isolab, which engine.sh, profiles.sh and labs.sh run against again.
check: tests
	@$(MAKE) -s BUILD=build/asan BIN=build/asan/isolab \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" tests >/dev/null
	@bash tests/run-suites.sh

bench: isolab
	@bash bench/run.sh
	@bash bench/tui_latency.sh
	@bash bench/class.sh
	@bash bench/pty.sh
	@bash bench/notify.sh
	@bash bench/blame.sh

fuzz: tests
	@bash tests/fuzz/run.sh
	@# R7 in full: the model against the kernel in a million random cases
	@R7_CASES=1000000 $(BUILD)/tests/integration/test_model_kernel | grep -E '^(not ok|# R7)'


install: isolab
	install -D -m 755 isolab $(DESTDIR)$(PREFIX)/bin/isolab
	mkdir -p $(DESTDIR)$(PREFIX)/share/isolab
	cp -r profiles labs $(DESTDIR)$(PREFIX)/share/isolab/

clean:
	rm -rf build isolab
