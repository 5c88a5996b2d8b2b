/*
 * The expert finder: GET /api/v1/experts ranks people by what they have
 * shown they know about a topic (answers, accepted answers and their votes
 * first; then posts, bookmarks others saved too, declared skills and their
 * endorsements). The ranking is the SQL function experts() in
 * sql/0008_search.sql, which notify_experts() shares; this file reads the
 * request, and explains each result in one sentence (rank.c).
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define EXPERTS_DEFAULT	5
#define EXPERTS_MAX	20

/* $1 the cleaned topic, $2 the caller (only what they may see counts),
 * $3 how many. */
static const char SQL_EXPERTS[] =
    "SELECT e.score, e.accepted_answers, e.answers, e.answer_score, "
    "e.posts, e.bookmarks, e.skill_declared, e.endorsements, e.skill, "
    "u.id, u.handle, u.display_name, u.title, u.department "
    "FROM experts($1, $2, $3) e JOIN users u ON u.id = e.user_id "
    "ORDER BY e.score DESC, e.user_id";

static int
experts_limit(struct ctx *c, long *limit)
{
	char	buf[24];
	int	r;

	*limit = EXPERTS_DEFAULT;
	r = query_param(c->req, "limit", buf, sizeof(buf));
	if (r < 0 || (r == 1 && !parse_int_range(buf, 1, EXPERTS_MAX, limit)))
		return (ctx_fail(c, 422, NULL, "limit",
		    "limit must be a whole number from 1 to 20."));
	return (HTTP_STATUS_OK);
}

static json_t *
expert_item(struct ctx *c, int row, const char *topic)
{
	struct rank_evidence	 e;
	char			 why[RANK_WHY_MAX];

	memset(&e, 0, sizeof(e));
	e.accepted_answers = db_int(c, row, 1);
	e.answers = db_int(c, row, 2);
	e.answer_score = db_int(c, row, 3);
	e.posts = db_int(c, row, 4);
	e.bookmarks = db_int(c, row, 5);
	e.skill_declared = db_bool(c, row, 6);
	e.endorsements = db_int(c, row, 7);
	if (rank_why(&e, topic, db_value(c, row, 8), why, sizeof(why)) < 0)
		return (NULL);
	return (json_pack("{s:o, s:f, s:{s:I, s:I, s:I, s:I, s:I, s:b, s:I}, "
	    "s:s}",
	    "user", userref_json(c, row, 9),
	    "score", strtod(db_value(c, row, 0), NULL),
	    "evidence",
	    "accepted_answers", (json_int_t)e.accepted_answers,
	    "answers", (json_int_t)e.answers,
	    "answer_score", (json_int_t)e.answer_score,
	    "posts", (json_int_t)e.posts,
	    "bookmarks", (json_int_t)e.bookmarks,
	    "skill_declared", e.skill_declared,
	    "endorsements", (json_int_t)e.endorsements,
	    "why", why));
}

static int
experts_run(struct ctx *c)
{
	char		 q[RANK_QUERY_BUF], topic[RANK_TOPIC_MAX_CHARS * 4 + 8];
	char		 me[24], lim[24];
	const char	*p[3] = { q, me, lim };
	json_t		*items, *item;
	long		 limit;
	int		 i;

	if (search_topic_param(c, q, sizeof(q)) != 200 ||
	    experts_limit(c, &limit) != 200)
		return (c->status);
	if (q[0] == '\0')
		return (ctx_fail(c, 422, NULL, "q",
		    "q is required: the topic to find experts on."));
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	if ((c->out = json_pack("{s:o}", "items", items)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	if (!rank_query_searchable(q) || !rank_topic(q, topic, sizeof(topic)))
		return (HTTP_STATUS_OK);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(lim, sizeof(lim), "%ld", limit);
	if (db_query(c, SQL_EXPERTS, 3, p) != 200)
		return (c->status);
	for (i = 0; i < db_rows(c); i++) {
		if ((item = expert_item(c, i, topic)) == NULL)
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		json_array_append_new(items, item);
	}
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/experts?q=&limit= -> {"items": [{"user", "score",
 * "evidence", "why"}]} */
int
api_experts(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)experts_run(&c);
	return (ctx_finish(&c));
}
