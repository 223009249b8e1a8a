# ngx_proxies: build, demo, tests.  Everything runs on a fresh Debian 12.
SHELL        := /bin/bash

NGINX_SRC    ?= /usr/share/nginx/src
NGINX        ?= /usr/sbin/nginx
BUILD        ?= build
SANITIZE     ?=
MODULE       := ngx_http_proxies_module.so
OUT          ?= $(MODULE)
CC_OPT       := -g -O2 -fPIC -Wall -Wextra -Werror -Wno-unused-parameter
DEBS         := nginx nginx-dev libpcre2-dev libjansson-dev libhiredis-dev \
                redis-server wrk gnuplot-nox perl curl valgrind chromium
PROVE_JOBS   ?= 2
TESTS        ?= t/
ifneq ($(SANITIZE),)
CC_OPT       += -fsanitize=address,undefined -fno-omit-frame-pointer
LD_OPT       := -fsanitize=address,undefined
endif

SRCS := $(wildcard src/*.c src/*.h include/*.h) config

# a build tree configured for another checkout is configured again
ROOT_STAMP   := $(BUILD)/.root-$(shell echo '$(CURDIR)' | md5sum | cut -c1-12)

# the environment of the test suite: which nginx, which module build
TEST_ENV     := TEST_NGINX_BINARY=$(NGINX) PROXIES_MODULE=$(CURDIR)/$(OUT)

# prove ARGS, its output kept in LOG; a failure ends with the failed
# checks and their diagnostics, because CI shows only the end
prove = mkdir -p $(dir $(2)); \
	set -o pipefail; $(TEST_ENV) prove $(1) 2>&1 | tee $(2) \
	    || { perl t/failed-checks.pl $(2); exit 1; }

DEMO_RUN     := demo/run
DEMO_PROXIES ?= proxies/example.json

.PHONY: bench profile all deps demo demo-stop test test-asan test-valgrind test-run test-bench clean \
        functions unit unit-build unit-clang fuzz fuzz-build

all: $(OUT) functions

# the example functions: functions/*.c -> functions/*.so
functions:
	$(MAKE) -s -C functions

deps:
	@missing=""; for p in $(DEBS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	        $$missing >/dev/null; fi

$(ROOT_STAMP):
	@mkdir -p $(BUILD) && rm -f $(BUILD)/.root-* && touch $@

$(BUILD)/nginx/objs/Makefile: config $(ROOT_STAMP)
	@test -d $(NGINX_SRC) || $(MAKE) deps
	rm -rf $(BUILD)/nginx && mkdir -p $(BUILD) && \
	    cp -r $(NGINX_SRC) $(BUILD)/nginx
	cd $(BUILD)/nginx && . ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" \
	        --with-cc-opt="$(CC_OPT)" --with-ld-opt="$(LD_OPT)" \
	        --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -20 configure.log; exit 1; }

$(OUT): $(BUILD)/nginx/objs/Makefile $(SRCS)
	flock $(BUILD)/.lock $(MAKE) -s -C $(BUILD)/nginx -f objs/Makefile modules
	cp $(BUILD)/nginx/objs/$(MODULE) $@.tmp && mv -f $@.tmp $@

# the whole suite against Debian's nginx and the module built here;
# t/unit.t runs the C unit tests
test: deps $(OUT) functions unit-build
	$(MAKE) test-run
	$(MAKE) test-bench

# the benchmark's scripts in one short run, alone: it loads both CPUs
test-bench:
	$(call prove,bench/t/,$(BUILD)/prove-bench.log)

# The same suite with the module built with ASan and UBSan.  nginx itself
# is not instrumented, so the ASan runtime is preloaded into it (only into
# nginx: the harness sets LD_PRELOAD from PROXIES_PRELOAD).  Leak checks are
# off because nginx frees its pools by exiting; see docs/testing.md.
test-asan: deps functions unit-build
	$(MAKE) BUILD=build-asan SANITIZE=1 OUT=build-asan/$(MODULE) \
	    build-asan/$(MODULE)
	@mkdir -p build-asan/t
	TEST_NGINX_SERVROOT=$(CURDIR)/build-asan/t \
	PROXIES_PRELOAD=$$(gcc -print-file-name=libasan.so) \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	$(MAKE) BUILD=build-asan OUT=build-asan/$(MODULE) test-run

# The same suite with nginx under valgrind's memcheck (slow: run it with
# TESTS=t/some.t while working on one part).
test-valgrind: deps $(OUT) functions unit-build
	PROXIES_VALGRIND=1 TEST_NGINX_TIMEOUT=60 $(MAKE) test-run

test-run:
	$(call prove,-j$(PROVE_JOBS) -r $(TESTS),$(BUILD)/prove.log)

# C unit tests (unit/) of the pure pieces: route.c, template.c, table.c,
# match.c, uri.c and breaker.c, linked against unit/ngx_unit_core.c, a
# stand-in for the few nginx core functions they call (Debian ships
# nginx's headers, not its sources).  The headers are configured in a
# tree of their own, so nothing here touches $(BUILD).
UNIT_BUILD   ?= build-unit
UNIT_NGINX   := $(UNIT_BUILD)/nginx
UNIT_BIN     := $(UNIT_BUILD)/ngx_unit
UNIT_CONF    := $(UNIT_NGINX)/objs/ngx_auto_config.h
UNIT_INCS    := $(addprefix -I $(UNIT_NGINX)/,src/core src/event \
                  src/event/modules src/os/unix objs src/http \
                  src/http/modules src/http/v2) -I src -I include -I unit
UNIT_WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
UNIT_CFLAGS  := -g -O1 $(UNIT_WARN) -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all
# the module's files under test, compiled as they are (breaker.c is
# compiled inside unit/ngx_unit_cb.c, to reach its static functions)
UNIT_MODULE  := $(addprefix src/ngx_http_proxies_,route.c template.c \
                  table.c match.c shm_items.c uri.c)
UNIT_LIB     := $(UNIT_MODULE) unit/ngx_unit_core.c unit/ngx_unit_env.c \
                unit/ngx_unit_cb.c
UNIT_SRCS    := $(UNIT_LIB) unit/ngx_unit_main.c unit/ngx_unit_route.c \
                unit/ngx_unit_template.c unit/ngx_unit_match.c \
                unit/ngx_unit_breaker.c unit/ngx_unit_uri.c
UNIT_DEPS    := $(UNIT_CONF) $(wildcard src/*.h include/*.h unit/*.h) \
                src/ngx_http_proxies_breaker.c

$(UNIT_CONF):
	@test -d $(NGINX_SRC) || $(MAKE) deps
	rm -rf $(UNIT_NGINX) && mkdir -p $(UNIT_BUILD) && \
	    cp -r $(NGINX_SRC) $(UNIT_NGINX)
	cd $(UNIT_NGINX) && . ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" >configure.log 2>&1 \
	    || { tail -20 configure.log; exit 1; }

$(UNIT_BUILD)/%.o: %.c $(UNIT_DEPS)
	@mkdir -p $(@D)
	@echo "cc $<"
	@$(CC) -c $(UNIT_CFLAGS) $(UNIT_INCS) -o $@ $<

$(UNIT_BIN): $(UNIT_SRCS:%.c=$(UNIT_BUILD)/%.o)
	$(CC) $(UNIT_CFLAGS) -o $@ $^

unit-build: $(UNIT_BIN)

# the unit tests alone; "make test" runs them too, through t/unit.t
unit: unit-build
	prove t/unit.t

# libFuzzer targets (fuzz/) of the same pieces, each run for FUZZ_SECONDS
# from its seeds in fuzz/corpus/NAME; what they find is kept in
# $(FUZZ_BUILD)/corpus/NAME, crashes as $(FUZZ_BUILD)/crash-NAME-*
FUZZ_BUILD   ?= build-fuzz
FUZZ_TARGETS := route template match breaker uri
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/ngx_fuzz_%)
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -g -O1 $(UNIT_WARN) -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_DEBS    := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 30

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/ngx_fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=1 \
	        $$(test -f fuzz/$$t.dict && echo -dict=fuzz/$$t.dict) \
	        -artifact_prefix=$(FUZZ_BUILD)/crash-$$t- \
	        $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t \
	        2>$(FUZZ_BUILD)/$$t.log \
	    || { tail -40 $(FUZZ_BUILD)/$$t.log; exit 1; }; \
	    grep -h "stat::number_of_executed_units\|stat::new_units_added" \
	        $(FUZZ_BUILD)/$$t.log; \
	done

# clang and its libFuzzer runtime are installed here only: "make test"
# does not need them
fuzz-build:
	@$(MAKE) -s deps DEBS="$(FUZZ_DEBS)"
	$(MAKE) $(FUZZ_BINS)

$(FUZZ_BUILD)/%.o: %.c $(UNIT_DEPS)
	@mkdir -p $(@D)
	@echo "$(FUZZ_CC) $<"
	@$(FUZZ_CC) -c $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(UNIT_INCS) \
	    -o $@ $<

# kept between builds: they are not intermediate
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/ngx_fuzz_%.o) \
            $(UNIT_LIB:%.c=$(FUZZ_BUILD)/%.o)

$(FUZZ_BUILD)/ngx_fuzz_%: $(FUZZ_BUILD)/fuzz/ngx_fuzz_%.o \
    $(UNIT_LIB:%.c=$(FUZZ_BUILD)/%.o)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

# the unit tests built with clang too, whose UBSan also refuses NULL + 0
# (an empty string without data, offset by its length): gcc's does not
UNIT_CLANG   := $(FUZZ_BUILD)/unit-clang

unit-clang:
	@$(MAKE) -s deps DEBS="$(FUZZ_DEBS)"
	$(MAKE) CC=$(FUZZ_CC) UNIT_BUILD=$(UNIT_CLANG) $(UNIT_CLANG)/ngx_unit
	prove -e '' $(UNIT_CLANG)/ngx_unit

# wrk against loopback, the module beside plain nginx (docs/benchmarks.md)
bench: deps $(OUT)
	bash bench/run.sh
	bash bench/report.sh

# where the time goes: instructions and simulated cache misses per request
# under callgrind, the module beside the floor (docs/benchmarks.md)
profile: deps $(OUT)
	bash bench/profile.sh

# nginx on 127.0.0.1:8080 serving $(DEMO_PROXIES), in front of a stand-in
# monolith served by the same nginx on 127.0.0.1:8081
demo: deps $(OUT) functions
	@mkdir -p $(DEMO_RUN)/logs $(DEMO_RUN)/tmp
	@sed -e 's|@ROOT@|$(CURDIR)|g' -e 's|@RUN@|$(CURDIR)/$(DEMO_RUN)|g' \
	    -e 's|@MODULE@|$(CURDIR)/$(OUT)|g' \
	    -e 's|@PROXIES@|$(CURDIR)/$(DEMO_PROXIES)|g' \
	    demo/nginx.conf.in >$(DEMO_RUN)/nginx.conf
	@env -u NGINX $(NGINX) -q -t -p $(DEMO_RUN)/ -c nginx.conf
	@if [ -s $(DEMO_RUN)/nginx.pid ] && \
	    kill -0 $$(cat $(DEMO_RUN)/nginx.pid) 2>/dev/null; then \
	    kill -HUP $$(cat $(DEMO_RUN)/nginx.pid); echo "demo reloaded"; \
	else \
	    env -u NGINX $(NGINX) -p $(DEMO_RUN)/ -c nginx.conf; echo "demo started"; fi
	@demo/try

demo-stop:
	@pid=$$(cat $(DEMO_RUN)/nginx.pid 2>/dev/null); \
	if [ -n "$$pid" ] && kill -QUIT $$pid 2>/dev/null; then \
	    for i in $$(seq 50); do \
	        kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
	    echo "demo stopped"; \
	else echo "demo is not running"; fi

clean:
	rm -rf build build-asan $(UNIT_BUILD) $(FUZZ_BUILD) $(MODULE) \
	    t/servroot* $(DEMO_RUN)
