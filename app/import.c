/*
 * Organisation import: POST /api/v1/admin/import/ldif takes a directory
 * export in LDIF (up to 32 MiB), turns it into person entries with the pure
 * parser in ldif.c, and upserts them with import_people() (sql/0003) in one
 * transaction together with an audit-log row. Entries the parser rejects
 * are listed with their line; the good ones are imported all the same.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parley.h"

#define IMPORT_MAX_BYTES	(32 * 1024 * 1024)

static const char SQL_IMPORT[] = "SELECT import_people($1::jsonb)";

/* LDIF travels as application/ldif or text/plain. body_raw() checks the
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

/*
 * Parses the body. On 200, *entries is the JSON text import_people() takes
 * (free() it) and *rejected the parser's list (json_decref() it).
 */
static int
import_parse(struct ctx *c, char **entries, json_t **rejected)
{
	json_t	*people;

	*entries = NULL;
	if (c->raw->offset == 0)
		return (ctx_fail(c, 422, NULL, NULL, "The LDIF file is empty."));
	people = ldif_parse((const char *)c->raw->data, c->raw->offset,
	    rejected);
	if (people == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	if (json_array_size(people) == 0) {
		json_decref(people);
		return (ctx_fail(c, 422, NULL, NULL, "The file has no person "
		    "entries that can be imported: each needs a dn, "
		    "objectClass person or inetOrgPerson, and a uid."));
	}
	*entries = json_dumps(people, JSON_COMPACT);
	json_decref(people);
	if (*entries == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static json_int_t
import_count(json_t *counts, const char *key)
{
	return (json_integer_value(json_object_get(counts, key)));
}

/* Runs the import and the audit row in one transaction; c->out gets the
 * counts and the rejected list. */
static int
import_run(struct ctx *c, const char *entries, json_t *rejected)
{
	const char	*p[1] = { entries }, *v;
	json_t		*counts;
	json_error_t	 jerr;
	char		 reason[200];

	if (db_begin(c) != HTTP_STATUS_OK ||
	    db_query(c, SQL_IMPORT, 1, p) != HTTP_STATUS_OK)
		return (c->status);
	/* import_people() always answers an object; json_loads() takes
	 * nothing else without JSON_DECODE_ANY. */
	if ((v = db_value(c, 0, 0)) == NULL ||
	    (counts = json_loads(v, 0, &jerr)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	(void)snprintf(reason, sizeof(reason), "created=%lld updated=%lld "
	    "unchanged=%lld managers_linked=%lld rejected=%zu",
	    (long long)import_count(counts, "created"),
	    (long long)import_count(counts, "updated"),
	    (long long)import_count(counts, "unchanged"),
	    (long long)import_count(counts, "managers_linked"),
	    json_array_size(rejected));
	json_object_set(counts, "rejected", rejected);
	c->out = counts;	/* ctx_fail() drops it if what follows fails */
	if (audit_write(c, "admin.import.ldif", "import", "-", reason) !=
	    HTTP_STATUS_OK || db_commit(c) != HTTP_STATUS_OK)
		return (c->status);
	return (HTTP_STATUS_OK);
}

/* POST /api/v1/admin/import/ldif (application/ldif or text/plain) -> 200
 * {"created", "updated", "unchanged", "managers_linked", "rejected":
 * [{"line", "reason"}]} | 401 | 403 | 405 | 413 | 415 | 422 */
int
api_admin_import_ldif(struct http_request *req)
{
	struct ctx	 c;
	json_t		*rejected = NULL;
	char		*entries = NULL;

	ctx_init(&c, req);
	if (auth_require_role(&c, "admin") != HTTP_STATUS_OK)
		goto out;
	if (req->method != HTTP_METHOD_POST) {
		ctx_method_not_allowed(&c, "POST");
		goto out;
	}
	if (body_raw(&c, import_content_type(req), IMPORT_MAX_BYTES) !=
	    HTTP_STATUS_OK ||
	    import_parse(&c, &entries, &rejected) != HTTP_STATUS_OK)
		goto out;
	(void)import_run(&c, entries, rejected);
out:
	free(entries);
	json_decref(rejected);
	return (ctx_finish(&c));
}
