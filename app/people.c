/*
 * People: a person's profile (with their manager and direct reports), the
 * directory search (typo- and accent-tolerant through pg_trgm and
 * unaccent), departments, following people, and skill endorsements.
 */
#include <string.h>

#include "parley.h"

#define PEOPLE_QUERY_MAX	100

static const char SQL_REPORTS[] =
    "SELECT id, handle, display_name, title, department FROM users "
    "WHERE manager_id = $1 ORDER BY display_name, id LIMIT 500";
static const char SQL_MY_VIEW[] =
    "SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = $2 "
    "  AND followee_id = $1), "
    "(SELECT coalesce(json_agg(skill_key ORDER BY skill_key), '[]') "
    "  FROM skill_endorsements WHERE user_id = $1 AND endorser_id = $2)";

/*
 * Directory search. $1 the query, $2 department, $3 skill (both may be
 * empty), $4 limit + 1, $5/$6 the keyset (score, -id) of the previous page.
 * Candidates come from the trigram indexes (word similarity >= 0.6, or a
 * substring), then each is scored: word similarity of the query to name,
 * handle, title and department, or to a skill, in millionths (an integer,
 * so that pages are exact); a substring counts as a full match. LIKE
 * wildcards in the query are escaped: they are just text.
 */
#define PEOPLE_FILTERS \
    "u.status = 'active' " \
    "AND ($2 = '' OR lower(u.department) = lower($2)) " \
    "AND ($3 = '' OR EXISTS (SELECT 1 FROM user_skills s " \
    "  WHERE s.user_id = u.id AND lower(s.skill) = lower($3))) "

static const char SQL_PEOPLE_SEARCH[] =
    "WITH q AS MATERIALIZED (SELECT n AS q, '%' || replace(replace(replace(n, "
    "  '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' AS pattern "
    "  FROM (SELECT lower(immutable_unaccent($1::text)) AS n) x), "
    "cand AS (SELECT u.id FROM q, users u WHERE q.q <% u.search_text "
    "  UNION SELECT u.id FROM q, users u WHERE u.search_text LIKE q.pattern "
    "  UNION SELECT s.user_id FROM q, user_skills s "
    "  WHERE q.q <% lower(immutable_unaccent(s.skill))), "
    "scored AS (SELECT u.id, (greatest(CASE WHEN u.search_text LIKE q.pattern "
    "  THEN 1 ELSE word_similarity(q.q, u.search_text) END, "
    "  coalesce((SELECT max(word_similarity(q.q, "
    "  lower(immutable_unaccent(s.skill)))) FROM user_skills s "
    "  WHERE s.user_id = u.id), 0)) * 1000000)::bigint AS score "
    "  FROM q, cand JOIN users u ON u.id = cand.id WHERE " PEOPLE_FILTERS ") "
    "SELECT " USER_COLUMNS ", scored.score FROM scored "
    "JOIN users u ON u.id = scored.id "
    "LEFT JOIN users m ON m.id = u.manager_id "
    "WHERE (scored.score, -u.id) < ($5::bigint, $6::bigint) "
    "ORDER BY scored.score DESC, u.id ASC LIMIT $4";

/* Without a query: everyone who passes the filters, by id (score 0). */
static const char SQL_PEOPLE_LIST[] =
    "SELECT " USER_COLUMNS ", 0 FROM users u "
    "LEFT JOIN users m ON m.id = u.manager_id "
    "WHERE " PEOPLE_FILTERS "AND $1 = '' "
    "AND (0, -u.id) < ($5::bigint, $6::bigint) "
    "ORDER BY u.id ASC LIMIT $4";
static const char SQL_DEPARTMENTS[] =
    "SELECT department, count(*) FROM users "
    "WHERE department <> '' AND status = 'active' "
    "GROUP BY department ORDER BY department";

static const char SQL_TARGET[] =
    "SELECT id FROM users WHERE lower(handle) = lower($1)";
static const char SQL_FOLLOW[] =
    "WITH ins AS (INSERT INTO follows (follower_id, followee_id) "
    "  VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING followee_id) "
    "SELECT notify(followee_id, 'follow', $1, 'user', $1) FROM ins";
static const char SQL_UNFOLLOW[] =
    "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2";
static const char SQL_ENDORSE[] =
    "WITH s AS (SELECT skill FROM user_skills WHERE user_id = $2 "
    "  AND lower(skill) = lower($3)), "
    "ins AS (INSERT INTO skill_endorsements (user_id, skill_key, endorser_id) "
    "  SELECT $2, lower(skill), $1 FROM s ON CONFLICT DO NOTHING "
    "  RETURNING user_id, skill_key), "
    "n AS (SELECT notify(user_id, 'endorsement', $1, 'user', user_id, "
    "  (SELECT skill FROM s)) FROM ins) "
    "SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM n)";
static const char SQL_UNENDORSE[] =
    "DELETE FROM skill_endorsements WHERE user_id = $2 "
    "AND skill_key = lower($3) AND endorser_id = $1";

/* The {handle} path segment resolved to an id string; 404 when unknown. */
static int
target_param(struct ctx *c, char *id, size_t idlen)
{
	char		 handle[64];
	const char	*p[1] = { handle };

	if (!path_segment(c->req, 3, handle, sizeof(handle)))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if (db_query(c, SQL_TARGET, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such person."));
	kore_strlcpy(id, db_value(c, 0, 0), idlen);
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/users/{handle} -> {"user", "reports", "followed_by_me",
 * "endorsed_by_me": [skill]} */
int
api_user(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24], me[24];
	const char	*p[2] = { id, me };
	json_t		*user = NULL, *reports;
	json_error_t	 jerr;
	int		 i;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200)
		return (ctx_finish(&c));
	if (target_param(&c, id, sizeof(id)) != 200 ||
	    user_load(&c, db_int(&c, 0, 0), c.me.id == db_int(&c, 0, 0) ||
	    auth_is_admin(&c.me), &user) != 200)
		return (ctx_finish(&c));
	c.out = json_pack("{s:o}", "user", user);
	if (db_query(&c, SQL_REPORTS, 1, p) != 200 ||
	    (reports = json_array()) == NULL)
		return (ctx_finish(&c));
	for (i = 0; i < db_rows(&c); i++)
		json_array_append_new(reports, userref_json(&c, i, 0));
	json_object_set_new(c.out, "reports", reports);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, SQL_MY_VIEW, 2, p) != 200)
		return (ctx_finish(&c));
	json_object_set_new(c.out, "followed_by_me",
	    json_boolean(db_bool(&c, 0, 0)));
	json_object_set_new(c.out, "endorsed_by_me",
	    json_loads(db_value(&c, 0, 1), 0, &jerr));
	return (ctx_finish(&c));
}

static int
people_search(struct ctx *c)
{
	char		 q[PEOPLE_QUERY_MAX * 4 + 1], dept[401], skill[201];
	char		 lim[24], score[24], idbuf[24];
	const char	*p[6] = { q, dept, skill, lim, score, idbuf };
	json_t		*items;
	int64_t		 at, id;
	long		 limit;
	int		 i, rows, has_cursor;

	q[0] = dept[0] = skill[0] = '\0';
	if (query_param(c->req, "q", q, sizeof(q)) < 0 ||
	    utf8_length(q, strlen(q)) > PEOPLE_QUERY_MAX)
		return (ctx_fail(c, 422, NULL, "q", "q is at most 100 characters."));
	if (query_param(c->req, "department", dept, sizeof(dept)) < 0)
		return (ctx_fail(c, 422, NULL, "department", NULL));
	if (query_param(c->req, "skill", skill, sizeof(skill)) < 0)
		return (ctx_fail(c, 422, NULL, "skill", NULL));
	if (page_params(c, &limit, &has_cursor, &at, &id) != 200)
		return (c->status);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	(void)snprintf(score, sizeof(score), "%lld",
	    has_cursor ? (long long)at : (long long)INT64_MAX);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld",
	    has_cursor ? -(long long)id : 0LL);
	if (db_query(c, q[0] ? SQL_PEOPLE_SEARCH : SQL_PEOPLE_LIST, 6, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, user_json(c, i, 0));
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, (int)limit - 1, 19), db_int(c, (int)limit - 1, 0)));
}

/* GET /api/v1/people?q=&department=&skill= -> paginated Users */
int
api_people(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	if (auth_require(&c) != 200)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_GET)
		(void)people_search(&c);
	else
		ctx_method_not_allowed(&c, "GET");
	return (ctx_finish(&c));
}

/* GET /api/v1/departments -> {"items": [{"name", "members"}]} */
int
api_departments(struct http_request *req)
{
	struct ctx	 c;
	json_t		*items;
	int		 i;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200)
		return (ctx_finish(&c));
	if (db_query(&c, SQL_DEPARTMENTS, 0, NULL) != 200 ||
	    (items = json_array()) == NULL)
		return (ctx_finish(&c));
	for (i = 0; i < db_rows(&c); i++)
		json_array_append_new(items, json_pack("{s:s, s:I}",
		    "name", db_value(&c, i, 0),
		    "members", (json_int_t)db_int(&c, i, 1)));
	c.out = json_pack("{s:o}", "items", items);
	return (ctx_finish(&c));
}

/* POST|DELETE /api/v1/users/{handle}/follow -> 204, idempotent */
int
api_user_follow(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24], me[24];
	const char	*p[2] = { me, id };

	if (ctx_begin(&c, req, HTTP_METHOD_POST | HTTP_METHOD_DELETE, "POST, DELETE") != 200)
		return (ctx_finish(&c));
	if (target_param(&c, id, sizeof(id)) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (strcmp(me, id) == 0) {
		ctx_fail(&c, 422, NULL, "handle", "You cannot follow yourself.");
		return (ctx_finish(&c));
	}
	if (db_query(&c, req->method == HTTP_METHOD_POST ? SQL_FOLLOW :
	    SQL_UNFOLLOW, 2, p) == 200)
		c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}

/* Shared by endorse and unendorse: the target id, or 422 for oneself. */
static int
endorse_target(struct ctx *c, char *id, size_t idlen)
{
	char	me[24];

	if (target_param(c, id, idlen) != 200)
		return (c->status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (strcmp(me, id) == 0)
		return (ctx_fail(c, 422, NULL, "skill",
		    "You cannot endorse your own skills."));
	return (HTTP_STATUS_OK);
}

/* POST /api/v1/users/{handle}/endorsements {skill} -> 201 */
int
api_user_endorse(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24], me[24];
	const char	*skill, *p[3] = { me, id, NULL };

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") != 200)
		return (ctx_finish(&c));
	if (body_json(&c) != 200 ||
	    body_string(&c, "skill", 1, 1, 50, &skill, NULL) != 200 ||
	    endorse_target(&c, id, sizeof(id)) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	p[2] = skill;
	if (db_query(&c, SQL_ENDORSE, 3, p) != 200)
		return (ctx_finish(&c));
	if (db_int(&c, 0, 0) == 0) {
		ctx_fail(&c, 422, NULL, "skill",
		    "That person does not list this skill.");
		return (ctx_finish(&c));
	}
	c.out = json_pack("{s:s}", "skill", skill);
	c.status = HTTP_STATUS_CREATED;
	return (ctx_finish(&c));
}

/* DELETE /api/v1/users/{handle}/endorsements/{skill} -> 204 */
int
api_user_unendorse(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24], me[24], skill[256];
	const char	*p[3] = { me, id, skill };

	if (ctx_begin(&c, req, HTTP_METHOD_DELETE, "DELETE") != 200)
		return (ctx_finish(&c));
	if (!path_segment(req, 5, skill, sizeof(skill))) {
		ctx_fail(&c, 404, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	if (endorse_target(&c, id, sizeof(id)) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, SQL_UNENDORSE, 3, p) == 200)
		c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}
