# ngx_http_mfa_module: build, test and fuzz.
#
#   make            the nginx module (build/ngx_http_mfa_module.so) and
#                   the admin CLI (build/mfactl)
#   make deps       install the Debian packages everything needs
#   make test       deps, build, then every test suite
#   make unit       C unit tests of the pure core (lua-free-tests/)
#   make prove      integration tests (t/): real nginx, real redis-server
#   make prove-h2   the same, every request that can be over HTTP/2
#   make test-asan  the same with the module under ASan and UBSan, over
#                   HTTP/2 (part of make test)
#   make browser    end-to-end tests in Chromium (t/browser/)
#   make fuzz       libFuzzer targets (fuzz/), then a short run of each
#   make demo       Redis, a sample dashboard and nginx with the module
#   make screenshots  the browser tests, refreshing docs/screenshots/
#   make bench      the benchmark (bench/run; BENCH_ARGS=--quick for short)
#   make bench-formats  instructions to read a 2 KB session record in each
#                   format (bench/formats)
#   make lua        the C headers of the Redis scripts (src/lua/*.lua)
#   make check-lua  luacheck on the scripts; their headers are current
#   make compile-db build/compile_commands.json (clangd, clang-tidy)
#   make lint       cppcheck and clang-tidy on every C file
#   make coverage   line coverage of the core and the glue (gcov)

SHELL        := /bin/bash
NGX_SRC      ?= /usr/share/nginx/src
BUILD        := build
NGX_BUILD    := $(BUILD)/nginx
MODULE       := $(BUILD)/ngx_http_mfa_module.so
MFACTL       := $(BUILD)/mfactl

CC           ?= gcc
CFLAGS_CORE  := -std=gnu11 -O2 -g -W -Wall -Wextra -Wpointer-arith \
                -Wno-unused-parameter -Werror -Isrc
LIBS_CORE    := -lcrypto -ljansson -lqrencode -lz

CORE_SRCS    := $(wildcard src/mfa_*.c)
CORE_HDRS    := $(wildcard src/mfa_*.h)
# the Redis scripts, and the C headers that hold them (committed)
LUA_SRCS     := $(wildcard src/lua/*.lua)
LUA_HDRS     := $(LUA_SRCS:.lua=.h)
MODULE_SRCS  := ngx_http_mfa_module.c $(wildcard src/ngx_http_mfa_*.c) \
                $(wildcard src/ngx_http_mfa_*.h) $(CORE_SRCS) $(CORE_HDRS) \
                $(LUA_HDRS)

MFACTL_SRCS  := $(wildcard src/mfactl*.c)

UNIT_SRCS    := $(wildcard lua-free-tests/test_*.c)
UNIT_BINS    := $(patsubst lua-free-tests/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
# the unit tests link the core built once, with AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails the test)
# AddressSanitizer and UndefinedBehaviorSanitizer, for the unit tests and
# for the module of test-asan
SAN_FLAGS    := -fsanitize=address,undefined
UNIT_SAN     := $(SAN_FLAGS) -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_OBJS    := $(patsubst src/%.c,$(BUILD)/unit/core/%.o,$(CORE_SRCS))
UNIT_CORE    := $(BUILD)/unit/libmfacore.a

FUZZ_SRCS    := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
# the core built once for every target, with the fuzzer's coverage
FUZZ_FLAGS   := -g -O1 -Isrc -Ifuzz
FUZZ_OBJS    := $(patsubst src/%.c,$(BUILD)/fuzz/core/%.o,$(CORE_SRCS))
FUZZ_CORE    := $(BUILD)/fuzz/libmfacore.a
FUZZ_SECONDS ?= 5

# Debian's hardening flags, as its own nginx module packages use them
MFA_CC_OPT   ?= $(shell dpkg-buildflags --get CFLAGS 2>/dev/null) \
                $(shell dpkg-buildflags --get CPPFLAGS 2>/dev/null)
MFA_LD_OPT   ?= $(shell dpkg-buildflags --get LDFLAGS 2>/dev/null)

APPS_NPM     := t/apps/node_modules/.package-lock.json

ASAN_BUILD   := build/asan
ASAN_LIB     := $(shell gcc -print-file-name=libasan.so)

.PHONY: all module mfactl deps test unit prove prove-h2 test-asan browser \
        screenshots fuzz fuzz-build demo bench bench-formats lua check-lua \
        compile-db lint coverage clean

all: module mfactl

deps:
	./scripts/install-deps.sh
	$(MAKE) $(APPS_NPM)

# the node apps of t/apps/ (express, fastify, koa), again when the lock
# file changes
$(APPS_NPM): t/apps/package-lock.json
	npm ci --prefix t/apps --no-audit --no-fund --loglevel=error
	touch $@

module: $(MODULE)

$(NGX_BUILD)/objs/Makefile: config
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && . ./conf_flags && \
	    ./configure --with-cc-opt="-fPIC $(MFA_CC_OPT)" \
	        --with-ld-opt="$(MFA_LD_OPT)" \
	        "$${NGX_CONF_FLAGS[@]}" --add-dynamic-module=$(CURDIR) \
	        > configure.log 2>&1 || { cat configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/objs/Makefile $(MODULE_SRCS)
	$(MAKE) -C $(NGX_BUILD) -f objs/Makefile modules
	@# replaced, not overwritten: a running nginx keeps the file it loaded
	cp $(NGX_BUILD)/objs/ngx_http_mfa_module.so $@.tmp
	mv -f $@.tmp $@

# the admin CLI: the pure core plus hiredis, no nginx
mfactl: $(MFACTL)

$(MFACTL): $(MFACTL_SRCS) src/mfactl.h $(CORE_SRCS) $(CORE_HDRS) $(LUA_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_CORE) -o $@ $(MFACTL_SRCS) $(CORE_SRCS) -lhiredis \
	    $(LIBS_CORE)

test: deps
	$(MAKE) check-lua
	$(MAKE) module mfactl
	$(MAKE) unit
	$(MAKE) prove
	$(MAKE) browser
	$(MAKE) test-asan
	$(MAKE) fuzz

$(BUILD)/unit/core/%.o: src/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_CORE) $(UNIT_SAN) -c -o $@ $<

$(UNIT_CORE): $(UNIT_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/unit/%: lua-free-tests/%.c lua-free-tests/mfa_test.h \
                 lua-free-tests/markup_check.h $(UNIT_CORE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_CORE) $(UNIT_SAN) -o $@ $< $(UNIT_CORE) $(LIBS_CORE) \
	    -lcmocka

unit: $(UNIT_BINS)
	@failed=0; for t in $(UNIT_BINS); do \
	    echo "== $$t"; $$t || failed=1; \
	done; exit $$failed

# two test files at a time (each starts its own servers on free ports),
# then the failover tests one by one: how soon each sentinel learns of a
# failover is part of what they check, and a busier machine delays it
PROVE_ALONE  := t/redis_sentinel.t t/redis_failover_load.t \
                t/mfactl_sentinel.t t/redis_replicas.t

prove: module mfactl $(APPS_NPM)
	TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) TEST_MFACTL=$(CURDIR)/$(MFACTL) \
	    prove -j2 $(filter-out $(PROVE_ALONE),$(sort $(wildcard t/*.t)))
	TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) TEST_MFACTL=$(CURDIR)/$(MFACTL) \
	    prove $(PROVE_ALONE)

# the same suite with every request that can be sent over HTTP/2
# (cleartext, prior knowledge; t/lib/MfaTest.pm: TEST_NGINX_HTTP2)
prove-h2: module mfactl $(APPS_NPM)
	TEST_NGINX_HTTP2=1 TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) \
	    TEST_MFACTL=$(CURDIR)/$(MFACTL) prove -r t/

# the module built with AddressSanitizer and UndefinedBehaviorSanitizer,
# loaded into Debian's nginx with libasan preloaded; the harness fails a
# test file on any sanitizer report.  This run also speaks HTTP/2 (as
# prove-h2), so that make test covers both protocols without a third run.
# Two test files at a time, the failover tests alone, as in prove.
test-asan: mfactl $(APPS_NPM)
	$(MAKE) BUILD=$(ASAN_BUILD) MFA_LD_OPT="$(SAN_FLAGS)" \
	    MFA_CC_OPT="$(SAN_FLAGS) -fno-omit-frame-pointer -O1 -g" module
	TEST_NGINX_MODULE=$(CURDIR)/$(ASAN_BUILD)/ngx_http_mfa_module.so \
	    TEST_NGINX_ASAN=$(ASAN_LIB) TEST_MFACTL=$(CURDIR)/$(MFACTL) \
	    TEST_NGINX_HTTP2=1 \
	    prove -j2 $(filter-out $(PROVE_ALONE),$(sort $(wildcard t/*.t)))
	TEST_NGINX_MODULE=$(CURDIR)/$(ASAN_BUILD)/ngx_http_mfa_module.so \
	    TEST_NGINX_ASAN=$(ASAN_LIB) TEST_MFACTL=$(CURDIR)/$(MFACTL) \
	    TEST_NGINX_HTTP2=1 prove $(PROVE_ALONE)

# Debian's Chromium driven by npm playwright-core; the screenshots go to
# build/screenshots (make screenshots: to docs/screenshots, for the README)
SHOTS        ?= $(CURDIR)/$(BUILD)/screenshots

browser: module mfactl
	npm ci --prefix t/browser --no-audit --no-fund --loglevel=error
	npm ci --prefix examples/dashboard --no-audit --no-fund --loglevel=error
	TEST_NGINX_MODULE=$(CURDIR)/$(MODULE) TEST_SCREENSHOT_DIR=$(SHOTS) \
	    node --test t/browser/

screenshots:
	$(MAKE) browser SHOTS=$(CURDIR)/docs/screenshots

# hiredis: fuzz_resp's and fuzz_reply's reference (fuzz_reply includes
# the glue's reply objects, which need only hiredis)
$(BUILD)/fuzz/core/%.o: src/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	    -c -o $@ $<

$(FUZZ_CORE): $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/%: fuzz/%.c fuzz/fuzz.h fuzz/fuzz_value.h \
                 lua-free-tests/markup_check.h \
                 $(FUZZ_CORE) src/ngx_http_mfa_reply.c \
                 src/ngx_http_mfa_reply.h
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(FUZZ_CORE) $(LIBS_CORE) -lhiredis

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@for f in $(FUZZ_BINS); do \
	    name=$$(basename $$f); \
	    mkdir -p $(BUILD)/fuzz/corpus/$$name; \
	    echo "== $$name ($(FUZZ_SECONDS)s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
	        -artifact_prefix=$(BUILD)/fuzz/$$name- \
	        $(BUILD)/fuzz/corpus/$$name fuzz/corpus/$$name \
	        > $(BUILD)/fuzz/$$name.log 2>&1 \
	    || { tail -50 $(BUILD)/fuzz/$$name.log; exit 1; }; \
	    tail -1 $(BUILD)/fuzz/$$name.log; \
	done

# The scripts are edited in src/lua/*.lua, with src/mfa_keys.h's names;
# their C headers are generated, and committed so that nginx's own build
# (configure --add-module) needs no step of ours.
lua:
	@for f in $(LUA_SRCS); do \
	    perl scripts/lua2c.pl src/mfa_keys.h $$f > $${f%.lua}.h.tmp \
	        && mv -f $${f%.lua}.h.tmp $${f%.lua}.h || exit 1; \
	done

check-lua:
	luacheck --no-color -q --config src/lua/.luacheckrc src/lua
	@for f in $(LUA_SRCS); do \
	    perl scripts/lua2c.pl src/mfa_keys.h $$f | cmp -s - $${f%.lua}.h \
	    || { echo "$${f%.lua}.h is not what $$f gives: run make lua" >&2; \
	         exit 1; }; \
	done

# The compile commands of the module (as nginx's build runs them), mfactl
# and the unit tests, recorded by bear; clangd finds them in build/.
compile-db: $(NGX_BUILD)/objs/Makefile
	bear --output $(BUILD)/compile_commands.json.tmp -- sh -c \
	    '$(MAKE) -s -B -C $(NGX_BUILD) -f objs/Makefile modules && \
	     $(MAKE) -s -B $(MFACTL) $(UNIT_BINS)' > /dev/null
	@# a file built several times (the core) is listed once, as the
	@# module builds it
	perl -MJSON::PP -0777 -e 'my ($$db, %seen) = decode_json(<STDIN>);' \
	    -e 'my @once = grep { !$$seen{$$_->{file}}++ } @$$db;' \
	    -e 'print JSON::PP->new->pretty->encode(\@once);' \
	    < $(BUILD)/compile_commands.json.tmp > $(BUILD)/compile_commands.json
	rm -f $(BUILD)/compile_commands.json.tmp

# Debian's cppcheck and clang-tidy, clean.  Left out of clang-tidy's
# default checks: the Annex K "use memcpy_s" advice, and the va_list check,
# which clang 14's analyzer fails on every va_start here.  Where a finding
# is wrong for one line, the line says why (NOLINTNEXTLINE).
NGX_INCS     := $(addprefix -I$(NGX_BUILD)/, src/core src/event \
                  src/event/modules src/os/unix objs src/http \
                  src/http/modules src/http/v2)
TIDY_CHECKS  := -clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-clang-analyzer-valist.Uninitialized

lint: compile-db
	cppcheck -q --error-exitcode=1 --std=c11 \
	    --enable=warning,performance,portability -Isrc \
	    $(CORE_SRCS) $(MFACTL_SRCS) $(UNIT_SRCS)
	cppcheck -q --error-exitcode=1 --std=c11 --suppress=toomanyconfigs \
	    --enable=warning,performance,portability -Isrc $(NGX_INCS) \
	    ngx_http_mfa_module.c $(wildcard src/ngx_http_mfa_*.c)
	clang-tidy -p $(BUILD) --quiet --warnings-as-errors='*' \
	    --checks='$(TIDY_CHECKS)' ngx_http_mfa_module.c \
	    $(wildcard src/ngx_http_mfa_*.c) $(CORE_SRCS) $(MFACTL_SRCS)

# Line coverage (gcov): of the core by the unit tests, and of the glue and
# the core by the integration tests (a module built with --coverage; the
# workers write their counts when they exit).
COV_BUILD    := build/cov

coverage: mfactl $(APPS_NPM)
	rm -rf $(COV_BUILD)/unit
	$(MAKE) BUILD=$(COV_BUILD) UNIT_SAN=--coverage unit > /dev/null
	$(MAKE) BUILD=$(COV_BUILD) MFA_CC_OPT="--coverage -O0 -g" \
	    MFA_LD_OPT=--coverage module
	find $(COV_BUILD)/nginx -name '*.gcda' -delete
	TEST_NGINX_MODULE=$(CURDIR)/$(COV_BUILD)/ngx_http_mfa_module.so \
	    TEST_MFACTL=$(CURDIR)/$(MFACTL) prove -j2 -r t/ > /dev/null
	@scripts/coverage.sh $(COV_BUILD)

# installs and builds what is missing itself; Ctrl-C stops everything
demo:
	./scripts/demo.sh

bench: deps
	bench/run $(BENCH_ARGS)

bench-formats: deps
	bench/formats

clean:
	rm -rf $(BUILD)
