# ngx_proxies: build, demo, tests.  Everything runs on a fresh Debian 12.
SHELL        := /bin/bash

NGINX_SRC    ?= /usr/share/nginx/src
BUILD        ?= build
SANITIZE     ?=
MODULE       := ngx_http_proxies_module.so
CC_OPT       := -g -O2 -fPIC -Wall -Wextra -Werror -Wno-unused-parameter
DEBS         := nginx nginx-dev libpcre2-dev libjansson-dev libhiredis-dev \
                redis-server wrk perl
ifneq ($(SANITIZE),)
CC_OPT       += -fsanitize=address,undefined -fno-omit-frame-pointer
LD_OPT       := -fsanitize=address,undefined
endif

SRCS := $(wildcard src/*.c src/*.h include/*.h) config

.PHONY: all deps demo test test-asan clean

all: $(MODULE)

deps:
	@missing=""; for p in $(DEBS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	        $$missing >/dev/null; fi

$(BUILD)/nginx/objs/Makefile: config
	@test -d $(NGINX_SRC) || $(MAKE) deps
	rm -rf $(BUILD)/nginx && mkdir -p $(BUILD) && \
	    cp -r $(NGINX_SRC) $(BUILD)/nginx
	cd $(BUILD)/nginx && . ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" \
	        --with-cc-opt="$(CC_OPT)" --with-ld-opt="$(LD_OPT)" \
	        --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -20 configure.log; exit 1; }

$(MODULE): $(BUILD)/nginx/objs/Makefile $(SRCS)
	flock $(BUILD)/.lock $(MAKE) -s -C $(BUILD)/nginx -f objs/Makefile modules
	cp $(BUILD)/nginx/objs/$(MODULE) $@

clean:
	rm -rf build build-asan $(MODULE) t/servroot*
