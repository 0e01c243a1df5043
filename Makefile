# The two commands a new user types: `make demo` and `make check`. Both check the
# build dependencies first and install the missing Debian packages when run as root.

BUILD ?= build
MESON_FLAGS ?=
ifeq ($(CI),true)
MESON_FLAGS += -Dwerror=true
endif

# pkg-config module or command → Debian package that provides it. The browser tests
# (tests/web) need node, npm and chromium; their npm packages come from the lock file.
PKGS := libsodium:libsodium-dev nettle:nettle-dev sqlite3:libsqlite3-dev jansson:libjansson-dev \
	libxml-2.0:libxml2-dev cmocka:libcmocka-dev \
	libmicrohttpd:libmicrohttpd-dev gnutls:libgnutls28-dev libcurl:libcurl4-openssl-dev \
	libpq:libpq-dev
CMDS := meson:meson ninja:ninja-build pkg-config:pkg-config cc:gcc python3:python3 \
	curl:curl jq:jq sqlite3:sqlite3 mandoc:mandoc flock:util-linux \
	dpkg-buildpackage:dpkg-dev dh:debhelper openssl:openssl \
	node:nodejs npm:npm chromium:chromium
# The PostgreSQL server (Debian's postgresql, binaries under /usr/lib/postgresql/N/bin):
# make check starts a throwaway cluster of it for the postgresql: store's tests.
# Python module → Debian package (the interoperability test's PyNaCl). Debian's package
# serves /usr/bin/python3, which may not be the first python3 on PATH.
PYMODS := nacl:python3-nacl

.PHONY: all demo check deps bench clean fuzz sanitize valgrind install uninstall deb

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The command alone: the demo waited for every test and benchmark to compile first.
demo: $(BUILD)/build.ninja
	@echo "building the command (a minute or two the first time; errors are shown)"
	@ninja -C $(BUILD) --quiet src/cli/nakodo
	./$(BUILD)/src/cli/nakodo demo

# `make install` as users expect: PREFIX (default /usr/local) and DESTDIR, through meson's
# own install (the command, man pages, completion, library, nakodo.pc, headers, docs).
PREFIX ?= /usr/local
install: all
	meson configure $(BUILD) -Dprefix=$(PREFIX) >/dev/null
	ninja -C $(BUILD)
	meson install -C $(BUILD) --no-rebuild $(if $(DESTDIR),--destdir "$(DESTDIR)")

# Removes what the last `make install` installed (meson's install log, DESTDIR included).
uninstall:
	ninja -C $(BUILD) uninstall

# The Debian packages (debian/), built from a copy of the tree into build-deb/, listed,
# linted (lintian, when installed) and unpacked into a scratch root to run; make check
# does the same (the deb test).
deb: deps
	./tools/deb.sh build-deb

# The tests run beside a throwaway PostgreSQL cluster (tests/pg/cluster.sh) for the
# postgresql: store's tests; if it cannot start, nothing runs and the check fails.
check: all
	rm -f $(BUILD)/meson-logs/testlog.json
	tests/pg/cluster.sh meson test -C $(BUILD) --print-errorlogs --no-rebuild; \
	  python3 tests/summary.py $(BUILD)/meson-logs/testlog.json

bench: all
	ninja -C $(BUILD) bench/bench_bargain bench/bench_store bench/bench_crypto
	./$(BUILD)/bench/bench_bargain
	./$(BUILD)/bench/bench_store
	./$(BUILD)/bench/bench_crypto
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk
	./bench/bench_server.sh $(BUILD)/src/cli/nakodo

# Sanitizer and valgrind runs of the whole suite, in their own build folders.
sanitize: deps
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false $(MESON_FLAGS) >/dev/null
	ninja -C build-asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C build-asan --print-errorlogs

# Valgrind follows the program it starts, not its children: the C test programs run under
# it directly, and the command itself through its demo (the script suites would check
# only bash, whose own leaks valgrind reports).
VALGRIND := valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --quiet
valgrind: all
	tests/pg/cluster.sh meson test -C $(BUILD) --print-errorlogs --wrapper '$(VALGRIND)' \
		--timeout-multiplier 20 --suite unit --suite fuzz
	meson test -C $(BUILD) --print-errorlogs --wrapper '$(VALGRIND)' --timeout-multiplier 20 \
		golden_bargain golden_frontier
	$(VALGRIND) ./$(BUILD)/src/cli/nakodo demo >/dev/null

fuzz: deps
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	ninja -C build-fuzz

$(BUILD)/build.ninja: | deps
	@echo "configuring $(BUILD) (meson's log: $(BUILD)/meson-logs/meson-log.txt)"
	@out=$$(meson setup $(BUILD) $(MESON_FLAGS) 2>&1) || { printf '%s\n' "$$out"; exit 1; }

deps:
	@missing=""; \
	for p in $(CMDS); do c=$${p%%:*}; d=$${p##*:}; \
	  command -v $$c >/dev/null 2>&1 || missing="$$missing $$d"; done; \
	for p in $(PKGS); do m=$${p%%:*}; d=$${p##*:}; \
	  pkg-config --exists $$m 2>/dev/null || missing="$$missing $$d"; done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	for p in $(PYMODS); do m=$${p%%:*}; d=$${p##*:}; \
	  python3 -c "import $$m" 2>/dev/null || /usr/bin/python3 -c "import $$m" 2>/dev/null || \
	  missing="$$missing $$d"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing build dependencies; install them with:"; \
	    echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-deb
