/*
 * Module start-up: configuration from the environment (read once in the
 * parent, before the workers fork, and const afterwards), libsodium, the
 * database registration, and the seccomp additions glibc 2.36 needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/hooks.h>
#include <kore/seccomp.h>

#include "parley.h"

/*
 * Kore 4.1's worker filter predates glibc 2.33: stat() is newfstatat and
 * access() is faccessat2 now, and pthread_create() (Kore tasks, which run
 * our password hashing) tries clone3 first. See ../shared/KORE41.md §2.
 */
KORE_SECCOMP_FILTER("parley",
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(faccessat2),
	KORE_SYSCALL_ALLOW(faccessat),
	KORE_SYSCALL_ALLOW(statx),
	KORE_SYSCALL_ALLOW(clone3),
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(set_robust_list),
	KORE_SYSCALL_ALLOW(sched_getaffinity),
	KORE_SYSCALL_ALLOW(setpriority),
	KORE_SYSCALL_ALLOW(gettid),
);

struct parley_config	config;

static const char *
env_or(const char *name, const char *fallback)
{
	const char	*v = getenv(name);

	return ((v != NULL && *v != '\0') ? v : fallback);
}

/* Reads the configuration from the environment into config. Called in the
 * parent before the workers fork, and again by parley_onload() when a
 * reload (SIGHUP) gave the module fresh, empty globals. */
static void
config_read(void)
{
	long	n;

	if (kore_strlcpy(config.email_domains,
	    env_or("PARLEY_EMAIL_DOMAINS", ""),
	    sizeof(config.email_domains)) >= sizeof(config.email_domains))
		fatal("PARLEY_EMAIL_DOMAINS is too long");
	config.cookie_secure = strcmp(env_or("PARLEY_COOKIE_SECURE", "0"),
	    "1") == 0;
	if (!parse_int_range(env_or("PARLEY_SESSION_HOURS", "336"), 1, 8760,
	    &n))
		fatal("PARLEY_SESSION_HOURS must be 1..8760");
	config.session_hours = (int)n;
	if (!parse_int_range(env_or("PARLEY_REPORT_MIN_GROUP", "5"), 3, 1000,
	    &n))
		fatal("PARLEY_REPORT_MIN_GROUP must be 3..1000");
	config.report_min_group = (int)n;

	/* Unknown logins are checked against this so they cost as much time
	 * as a wrong password and cannot be told apart by timing. */
	if (secret_password_hash("parley-dummy-password", config.dummy_hash))
		fatal("argon2id failed (out of memory?)");
}

/* Named on the `load` line: runs in the parent and every worker whenever
 * the module is (re)loaded. */
int
parley_onload(int action)
{
	(void)action;
	if (config.session_hours == 0) {
		if (secret_init() != 0)
			return (KORE_RESULT_ERROR);
		config_read();
	}
	return (KORE_RESULT_OK);
}

/*
 * Registers a Kore pool on dsn. libpq must not try GSSAPI: it scans
 * /etc/gss (getdents64) and the sandbox kills the worker. A short connect
 * timeout keeps requests failing fast while PostgreSQL is unreachable.
 * Notices (e.g. "word is too long to be indexed") would otherwise be
 * printed by libpq into our log; options adds to the server options.
 */
static void
db_register(const char *name, const char *dsn, const char *options)
{
	struct kore_buf	 buf;
	char		*s;

	kore_buf_init(&buf, 256);
	kore_buf_appendf(&buf, "%s gssencmode=disable connect_timeout=2"
	    " application_name=parley"
	    " options='-c client_min_messages=warning%s'", dsn, options);
	s = kore_buf_stringify(&buf, NULL);
	if (!kore_pgsql_register(name, s))
		fatal("cannot register the database %s", name);
	kore_buf_cleanup(&buf);
}

void
kore_parent_configure(int argc, char **argv)
{
	const char	*dsn;

	(void)argc;
	(void)argv;
	/* Line-buffered logs, or forked workers repeat the parent's lines. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (secret_init() != 0)
		fatal("libsodium failed to initialise");
	config_read();
	dsn = env_or("PARLEY_DATABASE",
	    "host=127.0.0.1 port=55432 dbname=parley user=postgres");

	db_register(DB_POOL, dsn, "");
	/* The same database, for handlers whose statements were checked to
	 * plan as well generically (db_generic_plans). */
	db_register(DB_POOL_GENERIC, dsn,
	    " -c plan_cache_mode=force_generic_plan");
	kore_log(LOG_INFO, "parley configured (email domains: %s)",
	    config.email_domains[0] ? config.email_domains : "any");
}
