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
LDLIBS    := -lsodium -ljansson -lpq -lexpat

SRCS      := $(wildcard app/*.c)
OBJS      := $(SRCS:app/%.c=build/%.o)
PURE      := app/validate.c app/strbuf.c app/qs.c app/secret.c app/errors.c app/text.c \
             app/ldif.c app/rank.c app/urlnorm.c app/htmltext.c app/netscape.c app/sedump.c \
             app/sedump_rows.c app/sedump_html.c app/csv.c app/quote.c app/kanon.c app/graph.c
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
	@$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(SAN) -Iapp -o $@ $< $(PURE) -lsodium -ljansson -lexpat

unit: $(UNIT_BINS)

# The LDIF converter behind `make import-ldif` (app/ldif.c, no Kore, no libpq).
build/ldif2json: tools/ldif2json.c app/ldif.c app/validate.c app/parley.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iapp -o $@ \
	    tools/ldif2json.c app/ldif.c app/validate.c -ljansson

# `make import-ldif FILE=people.ldif`: imports a directory export into the
# `make run` database (starting its cluster, and stopping it afterwards, if
# it is not running). The JSON reaches SQL as a psql variable, quoted by
# psql (:'entries'), never spliced into the statement.
import-ldif: build/ldif2json
	@test -n "$$FILE" || { echo "usage: make import-ldif FILE=path/to.ldif" >&2; exit 2; }
	@set -eu; db=$${PARLEY_DB_NAME:-parley}; json=$$(mktemp); started=0; \
	trap 'rm -f "$$json"; if [ $$started = 1 ]; then tools/pg.sh stop var/pg; fi' EXIT; \
	build/ldif2json "$$FILE" > "$$json"; \
	if ! port=$$(tools/pg.sh port var/pg 2>/dev/null); then \
	  tools/pg.sh start var/pg $(PG_PORT); started=1; port=$$(tools/pg.sh port var/pg); \
	fi; \
	tools/pg.sh createdb "$$port" "$$db"; \
	tools/migrate.sh "$$port" "$$db"; \
	printf '%s\n' '\set ON_ERROR_STOP on' "\\set entries \`cat $$json\`" 'BEGIN;' \
	  "SELECT import_people(:'entries'::jsonb) AS result \\gset" \
	  "INSERT INTO audit_log (action, target_type, target_id, reason) VALUES ('admin.import.ldif', 'import', '-', 'make import-ldif ' || :'result');" \
	  'COMMIT;' '\echo import-ldif: :result' | \
	psql -X -q -h 127.0.0.1 -p "$$port" -U postgres -d "$$db" -f -

# The Stack Exchange dump importer behind `make import-stackexchange`
# (app/sedump*.c and the pure text helpers, expat, libpq; no Kore).
SE_IMPORT_SRCS := tools/se_import.c app/sedump.c app/sedump_rows.c \
                  app/sedump_html.c app/text.c app/validate.c app/strbuf.c \
                  app/htmltext.c
build/se_import: $(SE_IMPORT_SRCS) app/parley.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iapp -I/usr/include/postgresql \
	    -o $@ $(SE_IMPORT_SRCS) -lexpat -lpq -ljansson

# `make import-stackexchange DIR=dump COMMUNITY=slug [SITE=name]`: imports a
# Stack Exchange data dump into the `make run` database (starting its
# cluster, and stopping it afterwards, if it is not running), in one
# transaction; re-running it adds nothing.
import-stackexchange: build/se_import
	@test -n "$$DIR" -a -n "$$COMMUNITY" || { echo "usage: make import-stackexchange DIR=path/to/dump COMMUNITY=slug [SITE=name]" >&2; exit 2; }
	@set -eu; db=$${PARLEY_DB_NAME:-parley}; started=0; \
	trap 'if [ $$started = 1 ]; then tools/pg.sh stop var/pg; fi' EXIT; \
	if ! port=$$(tools/pg.sh port var/pg 2>/dev/null); then \
	  tools/pg.sh start var/pg $(PG_PORT); started=1; port=$$(tools/pg.sh port var/pg); \
	fi; \
	tools/pg.sh createdb "$$port" "$$db"; \
	tools/migrate.sh "$$port" "$$db"; \
	build/se_import --db "host=127.0.0.1 port=$$port dbname=$$db user=postgres" \
	  --dir "$$DIR" --community "$$COMMUNITY" $${SITE:+--site "$$SITE"}

run: deps
	@$(MAKE) --no-print-directory app.so var/parley-$(PORT).conf
	@PORT=$(PORT) PG_PORT=$(PG_PORT) tools/run.sh

test: deps
	@$(MAKE) --no-print-directory app.so unit build/se_import
	@tools/test.sh

# `make bench-data SCALE=1` fills the benchmark database (bench/data.sh);
# `make bench` measures every endpoint against it beside its SQL alone
# (bench/run.sh, results in bench/RESULTS.md). The earlier sign-in and
# webhook/CSV benches, each on a fresh database of its own:
# `make bench-auth`, `make bench-webhook`.
SCALE ?= 1
bench-data: deps
	@SCALE=$(SCALE) bench/data.sh

bench: deps
	@bench/run.sh

bench-auth: deps
	@bench/auth.sh

bench-webhook: deps
	@bench/webhook.sh

# Recall@5 of the expert finder on a Stack Exchange dump (bench/expert_recall.mjs).
bench-experts: deps
	@$(MAKE) --no-print-directory app.so build/se_import var/parley-$${BENCH_PORT:-18890}.conf
	@node bench/expert_recall.mjs

clean:
	rm -rf build app.so var/parley-*.conf

distclean: clean
	tools/pg.sh stop var/pg || true
	rm -rf var node_modules

-include $(OBJS:.o=.d)
.PHONY: all deps unit run test bench clean distclean import-ldif \
        import-stackexchange bench-experts bench-data bench-auth bench-webhook
