/*
 * The signed-in user: GET and PATCH /api/v1/me, and personal access tokens
 * (created, listed without their secrets, revoked).
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"


#define MAX_SKILLS	50

static const char SQL_MANAGER_BY_HANDLE[] =
    "SELECT id FROM users WHERE lower(handle) = lower($1)";
/* Would making $2 my manager put me above myself? */
static const char SQL_MANAGER_CYCLE[] =
    "WITH RECURSIVE chain (id, manager_id, depth) AS ("
    "  SELECT id, manager_id, 1 FROM users WHERE id = $2 "
    "  UNION ALL SELECT u.id, u.manager_id, chain.depth + 1 FROM users u "
    "  JOIN chain ON u.id = chain.manager_id WHERE chain.depth < 1000) "
    "SELECT 1 FROM chain WHERE id = $1 LIMIT 1";
static const char SQL_PROFILE_UPDATE[] =
    "UPDATE users SET display_name = coalesce($2, display_name), "
    "title = coalesce($3, title), department = coalesce($4, department), "
    "location = coalesce($5, location), bio = coalesce($6, bio), "
    "manager_id = CASE WHEN $7::bool THEN $8::bigint ELSE manager_id END, "
    "analytics_opt_out = coalesce($9::bool, analytics_opt_out), "
    "updated_at = now() WHERE id = $1";
/* Opting out of person-level analytics (sql/0015_reports.sql): the
 * collaboration reports then leave the person out entirely. */
static const char SQL_OPT_OUT[] =
    "SELECT analytics_opt_out FROM users WHERE id = $1";
static const char SQL_SKILLS_CLEAR[] =
    "DELETE FROM user_skills WHERE user_id = $1";
/* Keeps the first spelling of each skill, in the order given. */
static const char SQL_SKILLS_SET[] =
    "INSERT INTO user_skills (user_id, skill, position) "
    "SELECT $1, s, row_number() OVER (ORDER BY pos) FROM ("
    "  SELECT DISTINCT ON (lower(btrim(value))) btrim(value) AS s, "
    "  ordinality AS pos FROM json_array_elements_text($2::json) "
    "  WITH ORDINALITY WHERE btrim(value) <> '' "
    "  ORDER BY lower(btrim(value)), ordinality) d";

static const char SQL_TOKEN_CREATE[] =
    "INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) "
    "RETURNING id, api_time(created_at)";
static const char SQL_TOKEN_LIST[] =
    "SELECT id, name, api_time(created_at), api_time(last_used_at) "
    "FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL "
    "ORDER BY id DESC";
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = now() "
    "WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";

static int
me_get(struct ctx *c)
{
	json_t		*user;
	char		 me[24];
	const char	*p[1] = { me };
	int		 status;

	if ((status = user_load(c, c->me.id, 1, &user)) != HTTP_STATUS_OK)
		return (status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if ((status = db_query(c, SQL_OPT_OUT, 1, p)) != HTTP_STATUS_OK) {
		json_decref(user);
		return (status);
	}
	json_object_set_new(user, "analytics_opt_out",
	    json_boolean(db_rows(c) == 1 && db_bool(c, 0, 0)));
	/* A bearer token has no CSRF token; the field is then null. */
	c->out = json_pack("{s:o, s:s?}", "user", user, "csrf_token",
	    c->me.via_cookie ? c->me.csrf : NULL);
	if (c->out != NULL && !c->me.via_cookie)
		json_object_set_new(c->out, "csrf_token", json_null());
	return (HTTP_STATUS_OK);
}

/* Validates "skills" and renders it as the JSON text SQL_SKILLS_SET reads. */
static int
skills_param(struct ctx *c, char **out)
{
	json_t	*v = json_object_get(c->in, "skills"), *s;
	size_t	 i;
	long	 n;

	*out = NULL;
	if (v == NULL)
		return (HTTP_STATUS_OK);
	if (!json_is_array(v) || json_array_size(v) > MAX_SKILLS)
		return (ctx_fail(c, 422, NULL, "skills",
		    "skills is a list of at most 50 names."));
	json_array_foreach(v, i, s) {
		if (!json_is_string(s))
			return (ctx_fail(c, 422, NULL, "skills",
			    "Each skill is a name."));
		n = utf8_length(json_string_value(s), json_string_length(s));
		if (n < 1 || n > 50 ||
		    strlen(json_string_value(s)) != json_string_length(s))
			return (ctx_fail(c, 422, NULL, "skills",
			    "Each skill is 1 to 50 characters."));
	}
	if ((*out = json_dumps(v, JSON_COMPACT)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* Resolves "manager" (a handle, or null to clear) into an id string. */
static int
manager_param(struct ctx *c, int *present, char *id, size_t idlen)
{
	const char	*handle, *params[2];
	char		 me[24];
	int		 status;

	id[0] = '\0';
	/* null or "" clears the manager. */
	if ((status = body_string(c, "manager", 0, 0, 30, &handle,
	    present)) != HTTP_STATUS_OK || handle == NULL || *handle == '\0')
		return (status);
	params[0] = handle;
	if ((status = db_query(c, SQL_MANAGER_BY_HANDLE, 1, params)) != 200)
		return (status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 422, NULL, "manager", "No such person."));
	kore_strlcpy(id, db_value(c, 0, 0), idlen);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	params[0] = me;
	params[1] = id;
	if ((status = db_query(c, SQL_MANAGER_CYCLE, 2, params)) != 200)
		return (status);
	if (db_rows(c) > 0)
		return (ctx_fail(c, 422, NULL, "manager", "You cannot report "
		    "to yourself or to someone who reports to you."));
	return (HTTP_STATUS_OK);
}

static int
me_patch(struct ctx *c)
{
	static const char *const allowed[] = { "display_name", "title",
	    "department", "location", "bio", "skills", "manager",
	    "analytics_opt_out", NULL };
	const char	*p[9];
	char		 me[24], manager[24], *skills = NULL;
	int		 status, has_manager = 0, opt_out = 0, has_opt_out = 0;

	if ((status = body_json(c)) != HTTP_STATUS_OK ||
	    (status = body_only_keys(c, allowed)) != HTTP_STATUS_OK)
		return (status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = me;
	if (body_string(c, "display_name", 0, 1, 100, &p[1], NULL) != 200 ||
	    body_string(c, "title", 0, 0, 100, &p[2], NULL) != 200 ||
	    body_string(c, "department", 0, 0, 100, &p[3], NULL) != 200 ||
	    body_string(c, "location", 0, 0, 100, &p[4], NULL) != 200 ||
	    body_string(c, "bio", 0, 0, 2000, &p[5], NULL) != 200 ||
	    skills_param(c, &skills) != 200 ||
	    body_bool(c, "analytics_opt_out", 0, &opt_out, &has_opt_out) != 200)
		goto out;
	if (p[1] != NULL && text_blank(p[1])) {
		ctx_fail(c, 422, NULL, "display_name", "The name cannot be blank.");
		goto out;
	}
	if ((status = db_begin(c)) != 200 ||
	    (status = manager_param(c, &has_manager, manager,
	    sizeof(manager))) != 200)
		goto out;
	p[6] = has_manager ? "true" : "false";
	p[7] = manager[0] ? manager : NULL;
	p[8] = has_opt_out ? (opt_out ? "true" : "false") : NULL;
	if (db_query(c, SQL_PROFILE_UPDATE, 9, p) != 200)
		goto out;
	if (skills != NULL) {
		p[1] = skills;
		if (db_query(c, SQL_SKILLS_CLEAR, 1, p) != 200 ||
		    db_query(c, SQL_SKILLS_SET, 2, p) != 200)
			goto out;
	}
	if (db_commit(c) != 200)
		goto out;
	(void)me_get(c);
	json_object_del(c->out, "csrf_token");
out:
	free(skills);
	return (c->status);
}

/* GET|PATCH /api/v1/me */
int
api_me(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	db_generic_plans(&c);
	if (auth_require(&c) != HTTP_STATUS_OK)
		return (ctx_finish(&c));
	switch (req->method) {
	case HTTP_METHOD_GET:
		(void)me_get(&c);
		break;
	case HTTP_METHOD_PATCH:
		(void)me_patch(&c);
		break;
	default:
		ctx_method_not_allowed(&c, "GET, PATCH");
	}
	return (ctx_finish(&c));
}

static int
tokens_create(struct ctx *c)
{
	char		 token[SECRET_TOKEN_LEN + 8], hash[SECRET_HASH_HEX + 1];
	char		 me[24];
	const char	*name, *p[3];
	int		 status;

	if ((status = body_json(c)) != HTTP_STATUS_OK ||
	    (status = body_string(c, "name", 1, 1, 100, &name, NULL)) != 200)
		return (status);
	if (secret_token("pat_", token, sizeof(token)) != 0 ||
	    secret_token_hash(token, hash) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = me;
	p[1] = name;
	p[2] = hash;
	if ((status = db_query(c, SQL_TOKEN_CREATE, 3, p)) != 200)
		return (status);
	c->out = json_pack("{s:I, s:s, s:s, s:s}",
	    "id", (json_int_t)db_int(c, 0, 0), "name", name,
	    "token", token, "created_at", db_value(c, 0, 1));
	secret_wipe(token, sizeof(token));
	c->status = HTTP_STATUS_CREATED;
	return (c->status);
}

static int
tokens_list(struct ctx *c)
{
	char		 me[24];
	const char	*p[1] = { me };
	json_t		*items;
	int		 i, status;

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if ((status = db_query(c, SQL_TOKEN_LIST, 1, p)) != 200)
		return (status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	for (i = 0; i < db_rows(c); i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s?}",
		    "id", (json_int_t)db_int(c, i, 0),
		    "name", db_value(c, i, 1),
		    "created_at", db_value(c, i, 2),
		    "last_used_at", db_value(c, i, 3)));
	c->out = reply_page(items, NULL);
	return (HTTP_STATUS_OK);
}

/* GET|POST /api/v1/me/tokens */
int
api_me_tokens(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	if (auth_require(&c) != HTTP_STATUS_OK)
		return (ctx_finish(&c));
	switch (req->method) {
	case HTTP_METHOD_GET:
		(void)tokens_list(&c);
		break;
	case HTTP_METHOD_POST:
		(void)tokens_create(&c);
		break;
	default:
		ctx_method_not_allowed(&c, "GET, POST");
	}
	return (ctx_finish(&c));
}

/* DELETE /api/v1/me/tokens/{id} -> 204 | 404 (also for others' tokens) */
int
api_me_token(struct http_request *req)
{
	struct ctx	 c;
	char		 idbuf[24], me[24];
	const char	*p[2] = { idbuf, me };
	int64_t		 id;

	if (ctx_begin(&c, req, HTTP_METHOD_DELETE, "DELETE") != 200)
		return (ctx_finish(&c));
	if (!path_segment(req, 4, idbuf, sizeof(idbuf)) ||
	    !parse_id(idbuf, &id)) {
		ctx_fail(&c, 404, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, SQL_TOKEN_REVOKE, 2, p) == HTTP_STATUS_OK) {
		if (db_affected(&c) == 1)
			c.status = HTTP_STATUS_NO_CONTENT;
		else
			ctx_fail(&c, 404, NULL, NULL, NULL);
	}
	return (ctx_finish(&c));
}
