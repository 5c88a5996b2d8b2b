/*
 * The moderation policy: words and phrases that flag new and edited
 * content for review automatically, each with a category from the house
 * rules. Moderators read it; admins replace it whole. The matching itself
 * (literal, case- and accent-insensitive, whole words; never a regular
 * expression) is moderation_norm() and the triggers in
 * sql/0014_moderation.sql.
 *
 *   GET /api/v1/moderation/policy -> {"terms": [Term]} in the admin's order
 *   PUT /api/v1/moderation/policy {"terms": [{"pattern", "category"}]}
 *     -> 200 {"terms": [Term]}; admins only; replaces the list atomically.
 *   Term = {"id", "pattern", "category", "created_at", "updated_at"}
 *
 * Rules: at most 500 terms; a pattern is 1-100 code points, not blank, no
 * control characters, kept without surrounding white space; category is
 * one of harassment, off_topic, sensitive_topic, confidential, spam,
 * other. Patterns that are the same once case, accents and spacing are
 * ignored are one term: the first keeps its place, pattern and category,
 * the later ones are dropped (the answer shows what was kept). A term that
 * stays keeps its id. Content already written is not rescanned.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define POLICY_TERMS_MAX	500
#define POLICY_PATTERN_MAX	100

static const char SQL_TERMS[] =
    "SELECT coalesce(json_agg(json_build_object('id', id, "
    "'pattern', pattern, 'category', category, "
    "'created_at', api_time(created_at), 'updated_at', api_time(updated_at)) "
    "ORDER BY position, id), '[]') FROM policy_terms";
/* Writers queue behind each other; readers (the triggers) never wait. */
static const char SQL_LOCK[] =
    "LOCK TABLE policy_terms IN SHARE ROW EXCLUSIVE MODE";
/* $1 [{"pattern", "category", "position"}]: the first of each form stays,
 * terms no longer listed go, the others are written or updated. */
static const char SQL_REPLACE[] =
    "WITH input AS (SELECT regexp_replace(x.pattern, '^\\s+|\\s+$', '', "
    "  'g') AS pattern, x.category, x.position FROM json_to_recordset($1) "
    "  AS x (pattern text, category text, position integer)), "
    "firsts AS (SELECT DISTINCT ON (moderation_key(pattern)) pattern, "
    "  category, position, moderation_key(pattern) AS k FROM input "
    "  ORDER BY moderation_key(pattern), position), "
    "gone AS (DELETE FROM policy_terms t WHERE NOT EXISTS "
    "  (SELECT 1 FROM firsts f WHERE f.k = t.match_key)), "
    "kept AS (INSERT INTO policy_terms AS t (pattern, category, match_key, "
    "  position) SELECT pattern, category, k, position FROM firsts "
    "  ON CONFLICT (match_key) DO UPDATE SET pattern = EXCLUDED.pattern, "
    "  category = EXCLUDED.category, position = EXCLUDED.position, "
    "  updated_at = CASE WHEN (t.pattern, t.category) IS DISTINCT FROM "
    "  (EXCLUDED.pattern, EXCLUDED.category) THEN now() "
    "  ELSE t.updated_at END RETURNING 1) "
    "SELECT count(*) FROM kept";

static int
policy_reply(struct ctx *c)
{
	json_error_t	 err;
	json_t		*terms;

	if (db_query(c, SQL_TERMS, 0, NULL) != 200)
		return (c->status);
	if ((terms = json_loads(db_value(c, 0, 0), 0, &err)) == NULL ||
	    (c->out = json_pack("{s:o}", "terms", terms)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (1);
	return (0);
}

static int
one_of(const char *s, const char *const *list)
{
	size_t	i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return (1);
	return (0);
}

/* Checks one {"pattern", "category"} and appends it with its position.
 * field is a buffer for the error's field name ("terms[3].pattern"). */
static int
policy_term_check(struct ctx *c, json_t *term, size_t i, json_t *out,
    char *field, size_t fieldlen)
{
	json_t		*pattern, *category;
	const char	*s, *key;
	json_t		*v;
	long		 n;

	if (!json_is_object(term)) {
		(void)snprintf(field, fieldlen, "terms[%zu]", i);
		return (ctx_fail(c, 422, NULL, field,
		    "Each term is an object {pattern, category}."));
	}
	json_object_foreach(term, key, v) {
		if (strcmp(key, "pattern") != 0 && strcmp(key, "category") != 0) {
			(void)snprintf(field, fieldlen, "terms[%zu]", i);
			return (ctx_fail(c, 422, NULL, field,
			    "A term has only a pattern and a category."));
		}
	}
	pattern = json_object_get(term, "pattern");
	(void)snprintf(field, fieldlen, "terms[%zu].pattern", i);
	if (!json_is_string(pattern))
		return (ctx_fail(c, 422, NULL, field,
		    "pattern is required text."));
	s = json_string_value(pattern);
	if (strlen(s) != json_string_length(pattern) || has_control(s))
		return (ctx_fail(c, 422, NULL, field,
		    "pattern must not contain control characters."));
	n = utf8_length(s, strlen(s));
	if (n < 0)
		return (ctx_fail(c, 400, "invalid_utf8", field,
		    "The text is not valid UTF-8."));
	if (n < 1 || n > POLICY_PATTERN_MAX || text_blank(s))
		return (ctx_fail(c, 422, NULL, field,
		    "pattern must be 1 to 100 characters, not blank."));
	category = json_object_get(term, "category");
	(void)snprintf(field, fieldlen, "terms[%zu].category", i);
	if (!json_is_string(category) ||
	    !one_of(json_string_value(category), MODERATION_REASONS))
		return (ctx_fail(c, 422, NULL, field, "category must be one of "
		    "harassment, off_topic, sensitive_topic, confidential, "
		    "spam, other."));
	if (json_array_append_new(out, json_pack("{s:O, s:O, s:I}",
	    "pattern", pattern, "category", category,
	    "position", (json_int_t)i)) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* The field name lives until ctx_finish() renders the error. */
struct policy_put {
	char	field[48];
};

static int
policy_replace(struct ctx *c, struct policy_put *w)
{
	static const char *const keys[] = { "terms", NULL };
	json_t		*terms, *rows = NULL;
	char		*text = NULL, count[24];
	const char	*p[1];
	size_t		 i;

	if (!auth_is_admin(&c->me))
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only admins can change the policy."));
	if (body_json(c) != 200 || body_only_keys(c, keys) != 200)
		return (c->status);
	terms = json_object_get(c->in, "terms");
	if (!json_is_array(terms))
		return (ctx_fail(c, 422, NULL, "terms",
		    "terms must be a list of {pattern, category}."));
	if (json_array_size(terms) > POLICY_TERMS_MAX)
		return (ctx_fail(c, 422, NULL, "terms",
		    "At most 500 terms."));
	if ((rows = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	for (i = 0; i < json_array_size(terms); i++)
		if (policy_term_check(c, json_array_get(terms, i), i, rows,
		    w->field, sizeof(w->field)) != 200)
			goto out;
	if ((text = json_dumps(rows, JSON_COMPACT)) == NULL) {
		ctx_fail(c, 500, NULL, NULL, NULL);
		goto out;
	}
	p[0] = text;
	if (db_begin(c) != 200 || db_query(c, SQL_LOCK, 0, NULL) != 200 ||
	    db_query(c, SQL_REPLACE, 1, p) != 200)
		goto out;
	(void)snprintf(count, sizeof(count), "%lld terms",
	    (long long)db_int(c, 0, 0));
	if (audit_write(c, "moderation.policy", "policy", "terms", count) != 200 ||
	    db_commit(c) != 200)
		goto out;
	(void)policy_reply(c);
out:
	free(text);
	json_decref(rows);
	return (c->status);
}

int
api_moderation_policy(struct http_request *req)
{
	struct ctx		c;
	struct modscope		s;
	struct policy_put	w;

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_PUT,
	    "GET, PUT") != 200)
		return (ctx_finish(&c));
	memset(&w, 0, sizeof(w));
	if (req->method == HTTP_METHOD_PUT)
		(void)policy_replace(&c, &w);
	else if (moderation_scope(&c, &s) == 200)
		(void)policy_reply(&c);
	return (ctx_finish(&c));
}
