/*
 * Organisation import: POST /api/v1/admin/import/ldif takes a directory
 * export in LDIF (up to 32 MiB), turns it into person entries with the pure
 * parser in ldif.c, and upserts them with import_people() (sql/0003) in one
 * transaction together with an audit-log row. Entries the parser rejects
 * are listed with their line; the good ones are imported all the same.
 * A big file takes seconds: the handler checks the caller, the content
 * type and the size, and a thread of its own reads, parses and stores the
 * file while the worker serves others (bgtask.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parley.h"

#define IMPORT_MAX_BYTES	(32 * 1024 * 1024)

static const char SQL_IMPORT[] = "SELECT import_people($1::jsonb)";
static const char SQL_AUDIT[] =
    "INSERT INTO audit_log (actor_id, action, target_type, target_id, reason) "
    "VALUES ($1, 'admin.import.ldif', 'import', '-', $2)";

/* LDIF travels as application/ldif or text/plain. body_stream() checks the
 * one picked here exactly and answers 415 for anything else. */
static const char *
import_content_type(struct http_request *req)
{
	const char	*ct;

	if (http_request_header(req, "content-type", &ct)) {
		while (*ct == ' ')
			ct++;
		if (strncasecmp(ct, "application/ldif", 16) == 0)
			return ("application/ldif");
	}
	return ("text/plain");
}

/* The job, the request's state (bgtask.c). */
struct ldif_import {
	struct bgtask	 bg;		/* first */
	json_t		*rejected;	/* the parser's [{"line", "reason"}] */
	json_t		*counts;	/* import_people()'s answer */
};

/*
 * Parses the body. On 200, *entries is the JSON text import_people() takes
 * (free() it) and job->rejected the parser's list.
 */
static int
import_parse(struct ldif_import *job, char **entries)
{
	json_t	*people;
	char	*buf;
	size_t	 len;
	int	 status;

	*entries = NULL;
	if ((status = bgtask_body(&job->bg, &buf, &len)) != HTTP_STATUS_OK)
		return (status);
	if (len == 0) {
		free(buf);
		return (bgtask_fail(&job->bg, 422, NULL,
		    "The LDIF file is empty."));
	}
	people = ldif_parse(buf, len, &job->rejected);
	free(buf);
	if (people == NULL)
		return (bgtask_fail(&job->bg, 500, NULL, NULL));
	if (json_array_size(people) == 0) {
		json_decref(people);
		return (bgtask_fail(&job->bg, 422, NULL, "The file has no "
		    "person entries that can be imported: each needs a dn, "
		    "objectClass person or inetOrgPerson, and a uid."));
	}
	*entries = json_dumps(people, JSON_COMPACT);
	json_decref(people);
	if (*entries == NULL)
		return (bgtask_fail(&job->bg, 500, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static json_int_t
import_count(json_t *counts, const char *key)
{
	return (json_integer_value(json_object_get(counts, key)));
}

/* Writes the audit row with the counts, in the import's transaction. */
static int
import_audit(struct ldif_import *job)
{
	char		 actor[24], reason[200];
	const char	*p[2] = { actor, reason };

	(void)snprintf(actor, sizeof(actor), "%lld",
	    (long long)job->bg.me.id);
	(void)snprintf(reason, sizeof(reason), "created=%lld updated=%lld "
	    "unchanged=%lld managers_linked=%lld rejected=%zu",
	    (long long)import_count(job->counts, "created"),
	    (long long)import_count(job->counts, "updated"),
	    (long long)import_count(job->counts, "unchanged"),
	    (long long)import_count(job->counts, "managers_linked"),
	    json_array_size(job->rejected));
	return (db_thread_query(job->bg.db, SQL_AUDIT, 2, p));
}

/* The thread: parses the file, then runs the import and the audit row in
 * one transaction (rolled back unless committed, as the client leaving
 * makes it). */
static int
import_run(struct bgtask *bg)
{
	struct ldif_import	*job = (struct ldif_import *)bg;
	const char		*p[1], *v;
	char			*entries;
	int			 status;

	if ((status = import_parse(job, &entries)) != HTTP_STATUS_OK)
		return (status);
	p[0] = entries;
	if ((status = db_thread_begin(bg->db)) == HTTP_STATUS_OK)
		status = db_thread_query(bg->db, SQL_IMPORT, 1, p);
	free(entries);
	if (status != HTTP_STATUS_OK)
		return (status);
	/* import_people() always answers an object; json_loads() takes
	 * nothing else without JSON_DECODE_ANY. */
	if ((v = db_thread_value(bg->db, 0, 0)) == NULL ||
	    (job->counts = json_loads(v, 0, NULL)) == NULL)
		return (bgtask_fail(bg, 500, NULL, NULL));
	if ((status = import_audit(job)) != HTTP_STATUS_OK)
		return (status);
	if (bgtask_cancelled(bg))
		return (bgtask_fail(bg, 499, NULL, NULL));
	return (db_thread_commit(bg->db));
}

/* The counts and the rejected list. */
static int
import_answer(struct ctx *c, struct bgtask *bg)
{
	struct ldif_import	*job = (struct ldif_import *)bg;

	if (json_object_set(job->counts, "rejected", job->rejected) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	c->out = json_incref(job->counts);
	return (HTTP_STATUS_OK);
}

static void
import_release(struct bgtask *bg)
{
	struct ldif_import	*job = (struct ldif_import *)bg;

	json_decref(job->rejected);
	json_decref(job->counts);
	job->rejected = job->counts = NULL;
}

/* POST /api/v1/admin/import/ldif (application/ldif or text/plain) -> 200
 * {"created", "updated", "unchanged", "managers_linked", "rejected":
 * [{"line", "reason"}]} | 401 | 403 | 405 | 413 | 415 | 422 */
int
api_admin_import_ldif(struct http_request *req)
{
	struct ldif_import	*job;
	struct ctx		 c;

	if (http_state_exists(req))
		return (bgtask_resume(req));
	ctx_init(&c, req);
	if (auth_require_role(&c, "admin") != HTTP_STATUS_OK)
		return (bgtask_abort(&c));
	if (req->method != HTTP_METHOD_POST) {
		ctx_method_not_allowed(&c, "POST");
		return (bgtask_abort(&c));
	}
	if (body_stream(&c, import_content_type(req), IMPORT_MAX_BYTES) !=
	    HTTP_STATUS_OK)
		return (bgtask_abort(&c));
	job = bgtask_create(req, sizeof(*job), import_run, import_answer,
	    import_release);
	return (bgtask_start(&c, &job->bg));
}
