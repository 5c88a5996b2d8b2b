# Parley: `make run` serves it, `make test` tests it. See README.md.

PORT      ?= 8888
PG_PORT   ?= $(shell expr $(PORT) + 46544)
WORKERS   ?= 2
SECCOMP_TRACING ?= no

CC        ?= cc
KORE_FEATURES := $(shell cat /usr/share/kore/features 2>/dev/null)
WARN      := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
             -Wshadow -Wpointer-arith -Wno-unused-parameter
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -D_GNU_SOURCE -fPIC $(WARN) $(KORE_FEATURES)
LDLIBS    := -lsodium -ljansson -lpq

SRCS      := $(wildcard app/*.c)
OBJS      := $(SRCS:app/%.c=build/%.o)
PURE      := app/validate.c app/qs.c app/secret.c app/errors.c app/text.c
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

all: app.so

deps:
	@tools/deps.sh

build/%.o: app/%.c app/parley.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

app.so: $(OBJS)
	@echo "  LD      $@"
	@$(CC) -shared -o $@ $(OBJS) $(LDLIBS)

var/parley-%.conf: conf/parley.conf.in
	@mkdir -p var/tmp
	@sed -e 's/@PORT@/$*/g' -e 's/@WORKERS@/$(WORKERS)/g' \
	    -e 's/@SECCOMP_TRACING@/$(SECCOMP_TRACING)/g' $< > $@

build/tests/%: tests/unit/%.c tests/unit/tap.h $(PURE) app/parley.h
	@mkdir -p $(@D)
	@echo "  CC-SAN  $@"
	@$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(SAN) -Iapp -o $@ $< $(PURE) -lsodium -ljansson

unit: $(UNIT_BINS)

run: deps
	@$(MAKE) --no-print-directory app.so var/parley-$(PORT).conf
	@PORT=$(PORT) PG_PORT=$(PG_PORT) tools/run.sh

test: deps
	@$(MAKE) --no-print-directory app.so unit
	@tools/test.sh

bench: deps
	@bench/auth.sh

clean:
	rm -rf build app.so var/parley-*.conf

distclean: clean
	tools/pg.sh stop var/pg || true
	rm -rf var node_modules

-include $(OBJS:.o=.d)
.PHONY: all deps unit run test bench clean distclean
