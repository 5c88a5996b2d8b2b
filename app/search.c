/*
 * Search over posts, questions, answers, bookmarks and people: one ranked,
 * paginated list from PostgreSQL full-text search (sql/0008_search.sql:
 * stored tsvector columns, English stemming, titles weigh more than bodies).
 * Visibility is decided in the query, so hidden, deleted, private and
 * closed-community content never reaches a page. The expert finder is
 * experts.c; both read ?q= through search_topic_param().
 */
#include <string.h>

#include "parley.h"

/* The raw ?q= before cleaning. Kore refuses request headers longer than
 * http_header_max (8 KiB), so no query string is longer than this. */
#define SEARCH_RAW_MAX	8192

/* Result types by the code the query gives them (also the low three bits
 * of the keyset's second value), and the ?type= filters. */
static const char *const result_types[] = {
	"post", "question", "answer", "bookmark", "person"
};
static const char *const type_filters[] = {
	"all", "posts", "questions", "answers", "bookmarks", "people", NULL
};

/*
 * $1 the cleaned query, $2 the caller, $3 the type filter, $4 limit + 1,
 * $5/$6 the keyset (score, -key) of the previous page. score = ts_rank_cd
 * (normalised by log length and into 0..1) in millionths, an integer so
 * that pages are exact; key = id * 8 + type code breaks ties and tells the
 * types apart. Closed communities count for their active members and
 * admins only (post_readable(), sql/0021, and qa.c's rule);
 * hidden content is left out for everyone, its author included; people are
 * the active ones, matched on their profile and their listed skills
 * together (users.search || users.skills_search, one GIN index; the skills
 * vector is kept by triggers on user_skills, sql/0017_search_speed.sql).
 * url is the app's hash route (#/posts/1, #/questions/2, an answer as
 * #/questions/2?answer=3, #/people/ada), for a bookmark the saved page
 * itself (http or https only, as bookmarks are). The snippet is plain text
 * with the matched words between « and » (search_snippet()).
 */
#define SEARCH_RANK(v)	"round(ts_rank_cd(" v ", q.q, 1|32)::float8 * 1000000)::bigint"
/* Ranking reads every candidate's tsvector: a query matching tens of
 * thousands of documents (very common words) ranks the first 400 of
 * each kind the index finds, not all of them. */
#define SEARCH_CANDIDATES	"400"

static const char SQL_SEARCH[] =
    "WITH q AS MATERIALIZED (SELECT search_query($1) AS q), "
    "seen AS MATERIALIZED (SELECT id FROM communities WHERE visibility = 'open' "
    "  OR EXISTS (SELECT 1 FROM users WHERE id = $2 AND role = 'admin') "
    "  UNION SELECT community_id FROM community_members "
    "  WHERE user_id = $2 AND status = 'active'), "
    "hits AS ("
    " SELECT 0 AS t, c.id, " SEARCH_RANK("c.search") " AS score "
    "  FROM q, (SELECT p.id, p.search FROM q, posts p "
    "  WHERE $3 IN ('all', 'posts') AND p.search @@ q.q "
    "  AND p.deleted_at IS NULL AND NOT p.hidden AND (p.community_id IS NULL "
    "  OR p.community_id IN (SELECT id FROM seen)) "
    "  LIMIT " SEARCH_CANDIDATES ") c "
    " UNION ALL SELECT 1, c.id, " SEARCH_RANK("c.search")
    "  FROM q, (SELECT x.id, x.search FROM q, questions x "
    "  WHERE $3 IN ('all', 'questions') "
    "  AND x.search @@ q.q AND x.deleted_at IS NULL AND NOT x.hidden "
    "  AND x.community_id IN (SELECT id FROM seen) "
    "  LIMIT " SEARCH_CANDIDATES ") c "
    " UNION ALL SELECT 2, c.id, " SEARCH_RANK("c.search")
    "  FROM q, (SELECT a.id, a.search FROM q, answers a "
    "  JOIN questions x ON x.id = a.question_id "
    "  WHERE $3 IN ('all', 'answers') AND a.search @@ q.q "
    "  AND a.deleted_at IS NULL AND NOT a.hidden AND x.deleted_at IS NULL "
    "  AND NOT x.hidden AND x.community_id IN (SELECT id FROM seen) "
    "  LIMIT " SEARCH_CANDIDATES ") c "
    " UNION ALL SELECT 3, c.id, " SEARCH_RANK("c.search")
    "  FROM q, (SELECT b.id, b.search FROM q, bookmarks b "
    "  WHERE $3 IN ('all', 'bookmarks') "
    "  AND b.search @@ q.q AND NOT b.hidden "
    "  AND (NOT b.private OR b.owner_id = $2) "
    "  LIMIT " SEARCH_CANDIDATES ") c "
    " UNION ALL SELECT 4, c.id, " SEARCH_RANK("c.search")
    "  FROM q, (SELECT u.id, u.search || u.skills_search AS search "
    "  FROM q, users u WHERE $3 IN ('all', 'people') "
    "  AND (u.search || u.skills_search) @@ q.q AND u.status = 'active' "
    "  LIMIT " SEARCH_CANDIDATES ") c), "
    "page AS (SELECT t, id, score, id * 8 + t AS key FROM hits "
    "  WHERE (score, -(id * 8 + t)) < ($5::bigint, $6::bigint) "
    "  ORDER BY score DESC, key LIMIT $4) "
    "SELECT page.t, page.id, page.score, page.key, d.title, "
    "  search_snippet(d.body, q.q), d.url "
    "FROM q, page CROSS JOIN LATERAL ("
    " SELECT search_title(p.body) AS title, p.body, '#/posts/' || p.id AS url "
    "  FROM posts p WHERE page.t = 0 AND p.id = page.id "
    " UNION ALL SELECT x.title, x.body, '#/questions/' || x.id "
    "  FROM questions x WHERE page.t = 1 AND x.id = page.id "
    " UNION ALL SELECT x.title, a.body, "
    "  '#/questions/' || x.id || '?answer=' || a.id "
    "  FROM answers a JOIN questions x ON x.id = a.question_id "
    "  WHERE page.t = 2 AND a.id = page.id "
    " UNION ALL SELECT b.title, CASE WHEN b.description <> '' "
    "  THEN b.description ELSE b.url END, b.url "
    "  FROM bookmarks b WHERE page.t = 3 AND b.id = page.id "
    " UNION ALL SELECT u.display_name, concat_ws(' \u00b7 ', "
    "  nullif(u.title, ''), nullif(u.department, ''), "
    "  (SELECT string_agg(s.skill, ', ' ORDER BY s.position) "
    "  FROM user_skills s WHERE s.user_id = u.id), nullif(u.bio, '')), "
    "  '#/people/' || u.handle FROM users u WHERE page.t = 4 AND u.id = page.id"
    ") d ORDER BY page.score DESC, page.key";

int
search_topic_param(struct ctx *c, char *out, size_t outlen)
{
	char	raw[SEARCH_RAW_MAX + 1];
	int	r, truncated;

	out[0] = '\0';
	r = qs_get(c->req->query_string, "q", raw, sizeof(raw));
	if (r < 0)
		return (ctx_fail(c, 400, NULL, "q",
		    "q is not a valid query parameter."));
	if (r == 0)
		return (HTTP_STATUS_OK);
	if (rank_query_clean(raw, strlen(raw), out, outlen, &truncated) < 0)
		return (ctx_fail(c, 400, "invalid_utf8", "q",
		    "q is not valid UTF-8."));
	return (HTTP_STATUS_OK);
}

/* ?type=: "all" when absent or empty; 422 for anything unknown. */
static int
search_type_param(struct ctx *c, char *type, size_t len)
{
	int	i, r;

	r = query_param(c->req, "type", type, len);
	if (r == 0 || (r == 1 && type[0] == '\0')) {
		(void)snprintf(type, len, "all");
		return (HTTP_STATUS_OK);
	}
	for (i = 0; r == 1 && type_filters[i] != NULL; i++)
		if (strcmp(type, type_filters[i]) == 0)
			return (HTTP_STATUS_OK);
	return (ctx_fail(c, 422, NULL, "type", "type must be one of all, posts, "
	    "questions, answers, bookmarks or people."));
}

static json_t *
search_item(struct ctx *c, int row)
{
	int64_t	t = db_int(c, row, 0);

	if (t < 0 || t > 4)
		return (NULL);
	return (json_pack("{s:s, s:I, s:s, s:s, s:f, s:s}",
	    "type", result_types[t],
	    "id", (json_int_t)db_int(c, row, 1),
	    "title", db_value(c, row, 4),
	    "snippet", db_value(c, row, 5),
	    "score", (double)db_int(c, row, 2) / 1000000.0,
	    "url", db_value(c, row, 6)));
}

static int
search_run(struct ctx *c)
{
	char		 q[RANK_QUERY_BUF], type[16], me[24], lim[24];
	char		 score[24], key[24];
	const char	*p[6] = { q, me, type, lim, score, key };
	json_t		*items, *item;
	int64_t		 at, id;
	long		 limit;
	int		 i, rows, has_cursor;

	if (search_topic_param(c, q, sizeof(q)) != 200 ||
	    search_type_param(c, type, sizeof(type)) != 200 ||
	    page_params(c, &limit, &has_cursor, &at, &id) != 200)
		return (c->status);
	/* Nothing a word could be made of: nothing matches; no query. */
	if (!rank_query_searchable(q))
		return (reply_keyset_page(c, json_array(), 0, 0, 0));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	(void)snprintf(score, sizeof(score), "%lld",
	    has_cursor ? (long long)at : (long long)INT64_MAX);
	(void)snprintf(key, sizeof(key), "%lld",
	    has_cursor ? -(long long)id : 0LL);
	if (db_query(c, SQL_SEARCH, 6, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++) {
		if ((item = search_item(c, i)) == NULL) {
			json_decref(items);
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		}
		json_array_append_new(items, item);
	}
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, (int)limit - 1, 2), db_int(c, (int)limit - 1, 3)));
}

/* GET /api/v1/search?q=&type=&limit=&cursor= -> paginated
 * {"type", "id", "title", "snippet", "score", "url"} */
int
api_search(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)search_run(&c);
	return (ctx_finish(&c));
}
