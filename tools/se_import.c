/*
 * se_import: imports a Stack Exchange data dump (a directory holding
 * Posts.xml and Users.xml, and optionally Votes.xml, Tags.xml and
 * Comments.xml) into a Parley community, for `make import-stackexchange`.
 * Each file is streamed through expat (app/sedump.c) straight into a
 * staging table with COPY; se_import_apply() (sql/0007_stackexchange.sql)
 * then upserts people, questions and answers. Everything happens in one
 * transaction: on any error nothing is left behind.
 *
 *   se_import --dir DIR --community SLUG [--site SITE] [--name NAME]
 *             [--db DSN] [--progress N] [--quiet]
 *
 * --db defaults to $PARLEY_DATABASE; --site (the namespace of the external
 * ids, se:<site>:<id>) to the community slug; --name (of a community the
 * import creates) to the site. Progress goes to standard error, the result
 * (JSON) to standard output. Exit status: 0 imported, 1 failed (nothing
 * written), 2 usage.
 */
#define PARLEY_PURE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "parley.h"

#define SE_BATCH	(256 * 1024)	/* bytes of COPY data per send */
#define SE_WARN_MAX	10		/* rejected rows shown per file */

typedef int	(*se_line_fn)(struct strbuf *, const char **,
		    const char **);

struct se_source {
	const char	*file;
	const char	*root;
	const char	*copy;		/* NULL: read and counted only */
	se_line_fn	 line;
	int		 required;
	const char	*note;		/* said after the counts */
};

/* Users before Posts, Posts before Votes: the order people read them in. */
static const struct se_source	se_sources[] = {
	{ "Users.xml", "users", "COPY se_stage_users (id, display_name, "
	    "location, created_at) FROM STDIN", sedump_user_line, 1, NULL },
	{ "Posts.xml", "posts", "COPY se_stage_posts (id, type, parent_id, "
	    "accepted_id, owner_id, owner_name, title, body, html, tags, "
	    "score, created_at, edited_at) FROM STDIN", sedump_post_line, 1,
	    NULL },
	{ "Votes.xml", "votes", "COPY se_stage_votes (post_id, vote_type) "
	    "FROM STDIN", sedump_vote_line, 0, "accept, up and down votes "
	    "staged for cross-checks; scores come from Posts.xml" },
	{ "Tags.xml", "tags", NULL, NULL, 0, "not imported: questions carry "
	    "their tags" },
	{ "Comments.xml", "comments", NULL, NULL, 0, "not imported: Parley "
	    "has no comments on questions and answers" },
};
#define SE_NSOURCES	(sizeof(se_sources) / sizeof(se_sources[0]))

struct se_import {
	PGconn			*conn;
	const struct se_source	*src;
	struct strbuf		 batch;
	unsigned long		 kinds[SEDUMP_VOTE + 1];
	unsigned long		 rejected;
	int			 quiet;
};

static void
se_usage(void)
{
	fprintf(stderr, "usage: se_import --dir DIR --community SLUG "
	    "[--site SITE] [--name NAME] [--db DSN] [--progress N] "
	    "[--quiet]\n");
	exit(2);
}

static int
se_fail(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "se_import: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return (-1);
}

/* ^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$, the communities.slug check. */
static int
se_valid_slug(const char *s)
{
	size_t	i, n = strlen(s);

	if (n < 3 || n > 50 || s[0] == '-' || s[n - 1] == '-')
		return (0);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return (0);
	return (1);
}

/* A site name for external ids: [a-z0-9.-], 1 to 100 characters. */
static int
se_valid_site(const char *s)
{
	size_t	n = strlen(s);

	return (n >= 1 && n <= 100 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n);
}

static int
se_send(struct se_import *im, int force)
{
	if (im->batch.failed)
		return (se_fail("out of memory"));
	if (im->batch.len == 0 || (!force && im->batch.len < SE_BATCH))
		return (0);
	if (PQputCopyData(im->conn, im->batch.data, (int)im->batch.len) != 1)
		return (se_fail("%s: sending to PostgreSQL: %s", im->src->file,
		    PQerrorMessage(im->conn)));
	strbuf_reset(&im->batch);
	return (0);
}

static int
se_row(struct sedump_stream *s, const char **attrs)
{
	struct se_import	*im = s->arg;
	const char		*why = NULL;
	int			 kind;

	if (im->src->line == NULL)
		return (0);
	kind = im->src->line(&im->batch, attrs, &why);
	if (kind == SEDUMP_REJECT) {
		if (++im->rejected <= SE_WARN_MAX)
			fprintf(stderr, "se_import: %s:%lu: row skipped: %s\n",
			    s->name, s->line, why);
		return (0);
	}
	im->kinds[kind]++;
	if (se_send(im, 0) != 0) {
		(void)snprintf(s->error, sizeof(s->error), "cannot stage the row");
		return (-1);
	}
	return (0);
}

static void
se_progress(struct sedump_stream *s)
{
	struct se_import	*im = s->arg;

	if (im->quiet)
		return;
	if (s->total > 0)
		fprintf(stderr, "se_import: %s: %lu rows, %.0f%% (%llu of %llu "
		    "KiB)\n", s->name, s->rows, 100.0 * (double)s->bytes /
		    (double)s->total, (unsigned long long)s->bytes / 1024,
		    (unsigned long long)s->total / 1024);
	else
		fprintf(stderr, "se_import: %s: %lu rows, %llu KiB\n", s->name,
		    s->rows, (unsigned long long)s->bytes / 1024);
}

/* One line on what a file held. */
static void
se_summary(const struct se_import *im, const struct sedump_stream *s)
{
	const unsigned long	*k = im->kinds;

	if (im->quiet)
		return;
	fprintf(stderr, "se_import: %s: %lu rows read", s->name, s->rows);
	if (k[SEDUMP_QUESTION] || k[SEDUMP_ANSWER])
		fprintf(stderr, ": %lu questions, %lu answers",
		    k[SEDUMP_QUESTION], k[SEDUMP_ANSWER]);
	if (k[SEDUMP_USER])
		fprintf(stderr, ": %lu people", k[SEDUMP_USER]);
	if (k[SEDUMP_VOTE])
		fprintf(stderr, ": %lu votes staged", k[SEDUMP_VOTE]);
	if (k[SEDUMP_SKIP])
		fprintf(stderr, ", %lu of other kinds skipped", k[SEDUMP_SKIP]);
	if (im->rejected)
		fprintf(stderr, ", %lu rejected", im->rejected);
	if (im->src->note)
		fprintf(stderr, " (%s)", im->src->note);
	fprintf(stderr, "\n");
}

/* Ends a COPY: with msg NULL successfully, else aborted with msg. */
static int
se_copy_end(struct se_import *im, const char *msg)
{
	PGresult	*res;
	int		 ok = 1;

	if (PQputCopyEnd(im->conn, msg) != 1)
		ok = 0;
	while ((res = PQgetResult(im->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && msg == NULL) {
			se_fail("%s: %s", im->src->file,
			    PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	return (ok ? 0 : -1);
}

/* Streams one file into its staging table (or just counts its rows). */
static int
se_load(struct se_import *im, const struct se_source *src, FILE *f,
    unsigned long every)
{
	struct sedump_stream	 s;
	PGresult		*res;
	int			 ret;

	memset(&s, 0, sizeof(s));
	memset(im->kinds, 0, sizeof(im->kinds));
	im->rejected = 0;
	im->src = src;
	strbuf_reset(&im->batch);
	s.name = src->file;
	s.root = src->root;
	s.row = se_row;
	s.progress = se_progress;
	s.arg = im;
	s.every = every;
	if (src->copy != NULL) {
		res = PQexec(im->conn, src->copy);
		ret = PQresultStatus(res) == PGRES_COPY_IN;
		if (!ret)
			se_fail("%s: %s", src->file, PQresultErrorMessage(res));
		PQclear(res);
		if (!ret)
			return (-1);
	}
	if (sedump_read(f, &s) != 0) {
		se_fail("%s", s.error);
		if (src->copy != NULL)
			(void)se_copy_end(im, "the dump is malformed");
		return (-1);
	}
	if (src->copy != NULL &&
	    (se_send(im, 1) != 0 || se_copy_end(im, NULL) != 0))
		return (-1);
	se_summary(im, &s);
	return (0);
}

/* Runs sql with up to three text parameters; the result or NULL (after
 * saying why). */
static PGresult *
se_exec(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult	*res;

	res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK)
		return (res);
	se_fail("%s", PQresultErrorMessage(res));
	PQclear(res);
	return (NULL);
}

static int
se_simple(PGconn *conn, const char *sql)
{
	PGresult	*res;

	if ((res = se_exec(conn, sql, 0, NULL)) == NULL)
		return (-1);
	PQclear(res);
	return (0);
}

struct se_options {
	const char	*dir, *community, *site, *name, *db;
	unsigned long	 every;
	int		 quiet;
};

static void
se_options(int argc, char *argv[], struct se_options *o)
{
	static const struct option	longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "community", required_argument, NULL, 'c' },
		{ "site", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'D' },
		{ "progress", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t	every;
	int	ch;

	memset(o, 0, sizeof(*o));
	o->every = 1000;
	o->db = getenv("PARLEY_DATABASE");
	while ((ch = getopt_long(argc, argv, "d:c:s:n:D:p:q", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'c': o->community = optarg; break;
		case 's': o->site = optarg; break;
		case 'n': o->name = optarg; break;
		case 'D': o->db = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'p':
			if (!sedump_int(optarg, 1, 100000000, &every))
				se_usage();
			o->every = (unsigned long)every;
			break;
		default:
			se_usage();
		}
	}
	if (optind != argc || o->dir == NULL || o->community == NULL)
		se_usage();
	if (o->site == NULL)
		o->site = o->community;
	if (o->name == NULL)
		o->name = o->site;
}

/* Opens every file of the dump before anything is written; a missing
 * optional one is NULL. */
static int
se_open_all(const char *dir, FILE *files[SE_NSOURCES])
{
	char	path[4096];
	size_t	i;

	for (i = 0; i < SE_NSOURCES; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir,
		    se_sources[i].file) >= (int)sizeof(path))
			return (se_fail("%s: path too long", dir));
		if ((files[i] = fopen(path, "r")) != NULL)
			continue;
		if (errno != ENOENT || se_sources[i].required)
			return (se_fail("%s: %s", path, strerror(errno)));
		fprintf(stderr, "se_import: %s: not found, skipped\n", path);
	}
	return (0);
}

/* The whole import inside one transaction; 0 when committed. */
static int
se_run(struct se_import *im, const struct se_options *o,
    FILE *files[SE_NSOURCES])
{
	const char	*params[3] = { o->community, o->site, o->name };
	PGresult	*res;
	size_t		 i;

	if (se_simple(im->conn, "SET client_min_messages = warning") != 0 ||
	    se_simple(im->conn, "BEGIN") != 0)
		return (-1);
	if (se_simple(im->conn, "SELECT se_import_stage()") != 0)
		return (se_fail("is the database migrated (sql/0007)?"));
	for (i = 0; i < SE_NSOURCES; i++)
		if (files[i] != NULL &&
		    se_load(im, &se_sources[i], files[i], o->every) != 0)
			return (-1);
	if ((res = se_exec(im->conn, "SELECT se_import_apply($1, $2, $3)::text",
	    3, params)) == NULL)
		return (-1);
	if (se_simple(im->conn, "COMMIT") != 0) {
		PQclear(res);
		return (-1);
	}
	printf("%s\n", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
}

int
main(int argc, char *argv[])
{
	struct se_options	o;
	struct se_import	im;
	FILE			*files[SE_NSOURCES] = { NULL };
	struct timespec		 t0, t1;
	size_t			 i;
	int			 ret = 1;

	se_options(argc, argv, &o);
	memset(&im, 0, sizeof(im));
	im.quiet = o.quiet;
	if (!se_valid_slug(o.community)) {
		se_fail("community \"%s\": want 3-50 of a-z, 0-9 and '-', not "
		    "starting or ending with '-'", o.community);
		return (2);
	}
	if (!se_valid_site(o.site)) {
		se_fail("site \"%s\": want 1-100 of a-z, 0-9, '.' and '-'",
		    o.site);
		return (2);
	}
	if (o.db == NULL) {
		se_fail("no database: give --db DSN or set PARLEY_DATABASE");
		return (2);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (se_open_all(o.dir, files) != 0)
		goto out;
	im.conn = PQconnectdb(o.db);
	if (PQstatus(im.conn) != CONNECTION_OK) {
		se_fail("connecting: %s", PQerrorMessage(im.conn));
		goto out;
	}
	if (PQsetClientEncoding(im.conn, "UTF8") != 0) {
		se_fail("cannot use UTF-8 with this server");
		goto out;
	}
	if (se_run(&im, &o, files) != 0) {
		fprintf(stderr, "se_import: import failed; nothing was "
		    "written (rolled back)\n");
		goto out;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!o.quiet)
		fprintf(stderr, "se_import: committed in %.2f s\n",
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	ret = 0;
out:
	/* Closing the connection rolls back whatever was not committed. */
	PQfinish(im.conn);
	for (i = 0; i < SE_NSOURCES; i++)
		if (files[i] != NULL)
			fclose(files[i]);
	strbuf_free(&im.batch);
	return (ret);
}
