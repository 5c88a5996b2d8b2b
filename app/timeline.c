/*
 * Streams of posts, newest first, keyset-paginated on (created_at, id): the
 * home timeline (one's own posts, followed people, followed tags), a
 * person's posts and a tag's posts; and following tags.
 *
 * The home timeline (own posts, followed people's and tags', joined
 * communities') comes from a per-reader cache kept up to date on read
 * (sql/0020); deeper pages read one short index range per source.
 *
 * Posts in closed communities are for their active members and admins:
 * every stream leaves the others out inside its keyset range
 * (POST_READABLE, before the LIMIT), so pages stay full and cursors exact.
 * A community's own stream is 404 to whoever cannot read the community.
 */
#include <string.h>

#include "parley.h"

/* No cursor: start after the end of time. */
#define STREAM_START_US		"253402300799000000"
#define STREAM_START_ID		"9223372036854775807"

/* $1 viewer, $2 limit + 1, $3 cursor microseconds, $4 cursor id. */
#define BEFORE_CURSOR(t, id) \
    "(" t ", " id ") < (timestamptz 'epoch' + $3::bigint * " \
    "interval '1 microsecond', $4::bigint) "

/* home_page() (sql/0020) serves it from the reader's cached feed. */
static const char SQL_HOME[] =
    "WITH page AS (SELECT id FROM home_page($1, $2::int, "
    "  timestamptz 'epoch' + $3::bigint * interval '1 microsecond', "
    "  $4::bigint)) "
    "SELECT " POST_COLUMNS "FROM page JOIN posts p ON p.id = page.id "
    "JOIN users a ON a.id = p.author_id "
    "ORDER BY p.created_at DESC, p.id DESC";

static const char SQL_USER_STREAM[] =
    "SELECT " POST_COLUMNS "FROM posts p JOIN users a ON a.id = p.author_id "
    "WHERE p.author_id = (SELECT id FROM users WHERE lower(handle) = "
    "  lower($5)) AND p.deleted_at IS NULL AND " POST_READABLE("$1") "AND "
    BEFORE_CURSOR("p.created_at", "p.id")
    "ORDER BY p.created_at DESC, p.id DESC LIMIT $2";

static const char SQL_TAG_STREAM[] =
    "WITH page AS (SELECT t.post_id, t.created_at FROM post_tags t "
    "  JOIN posts p ON p.id = t.post_id "
    "  WHERE t.tag = $5 AND " POST_READABLE("$1") "AND "
    BEFORE_CURSOR("t.created_at", "t.post_id")
    "  ORDER BY t.created_at DESC, t.post_id DESC LIMIT $2) "
    "SELECT " POST_COLUMNS "FROM page JOIN posts p ON p.id = page.post_id "
    "JOIN users a ON a.id = p.author_id "
    "ORDER BY p.created_at DESC, p.id DESC";

/* posts_community_stream_idx (sql/0004) serves it. */
static const char SQL_COMMUNITY_STREAM[] =
    "SELECT " POST_COLUMNS "FROM posts p JOIN users a ON a.id = p.author_id "
    "WHERE p.community_id = (SELECT id FROM communities WHERE slug = $5) "
    "AND p.deleted_at IS NULL AND " POST_READABLE("$1") "AND "
    BEFORE_CURSOR("p.created_at", "p.id")
    "ORDER BY p.created_at DESC, p.id DESC LIMIT $2";
static const char SQL_COMMUNITY_READABLE[] =
    "SELECT 1 FROM communities WHERE slug = $1 AND post_readable($2, id)";

static const char SQL_USER_EXISTS[] =
    "SELECT 1 FROM users WHERE lower(handle) = lower($1)";
/* The tag's post count is a raw count of every post with the tag, closed
 * communities' too: a number says nothing of what the posts are, and
 * counting only the readable ones would cost a join per tag row. */
static const char SQL_TAG_INFO[] =
    "SELECT (SELECT count(*) FROM post_tags WHERE tag = $1), "
    "(SELECT count(*) FROM tag_follows WHERE tag = $1), "
    "EXISTS (SELECT 1 FROM tag_follows WHERE tag = $1 AND user_id = $2)";
static const char SQL_TAG_FOLLOW[] =
    "INSERT INTO tag_follows (user_id, tag) VALUES ($1, $2) "
    "ON CONFLICT DO NOTHING";
static const char SQL_TAG_UNFOLLOW[] =
    "DELETE FROM tag_follows WHERE user_id = $1 AND tag = $2";
static const char SQL_MY_TAGS[] =
    "SELECT f.tag, (SELECT count(*) FROM post_tags t WHERE t.tag = f.tag) "
    "FROM tag_follows f WHERE f.user_id = $1 ORDER BY f.tag";

/* Runs a stream query ($1..$4 as above, $5 the stream's key if any) and
 * renders the page with its next cursor. */
static int
stream_page(struct ctx *c, const char *sql, const char *key)
{
	char		 me[24], lim[24], at[24], idbuf[24];
	const char	*p[5] = { me, lim, STREAM_START_US, STREAM_START_ID, key };
	json_t		*items;
	int64_t		 at_us, id;
	long		 limit;
	int		 i, rows, has_cursor;

	if (page_params(c, &limit, &has_cursor, &at_us, &id) != 200)
		return (c->status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	if (has_cursor) {
		(void)snprintf(at, sizeof(at), "%lld", (long long)at_us);
		(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
		p[2] = at;
		p[3] = idbuf;
	}
	if (db_query(c, sql, key ? 5 : 4, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, post_json(c, i));
	return (reply_keyset_page(c, items, rows > limit,
	    post_cursor_time(c, (int)limit - 1), db_int(c, (int)limit - 1, 0)));
}

static int
get_only(struct ctx *c)
{
	db_generic_plans(c);
	if (auth_require(c) != 200)
		return (c->status);
	if (c->req->method != HTTP_METHOD_GET)
		return (ctx_method_not_allowed(c, "GET"));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/timeline/home */
int
api_timeline_home(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	if (get_only(&c) == 200)
		(void)stream_page(&c, SQL_HOME, NULL);
	return (ctx_finish(&c));
}

/*
 * A stream keyed by the path's fourth segment (a handle, a slug): 404 with
 * message unless exists_sql ($1 the key, and $2 the viewer when nparams is
 * 2) finds a row, else the page of stream_sql.
 */
static int
keyed_stream(struct http_request *req, const char *exists_sql, int nparams,
    const char *stream_sql, const char *message)
{
	struct ctx	 c;
	char		 key[64], me[24];
	const char	*p[2] = { key, me };

	ctx_init(&c, req);
	if (get_only(&c) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (!path_segment(req, 3, key, sizeof(key)) ||
	    db_query(&c, exists_sql, nparams, p) != 200 || db_rows(&c) != 1) {
		if (c.status == 200)
			ctx_fail(&c, 404, NULL, NULL, message);
		return (ctx_finish(&c));
	}
	(void)stream_page(&c, stream_sql, key);
	return (ctx_finish(&c));
}

/* GET /api/v1/users/{handle}/posts */
int
api_user_posts(struct http_request *req)
{
	return (keyed_stream(req, SQL_USER_EXISTS, 1, SQL_USER_STREAM, NULL));
}

/* GET /api/v1/communities/{slug}/posts: the community's posts, 404 when
 * the community is missing or closed to the caller. */
int
api_community_posts(struct http_request *req)
{
	return (keyed_stream(req, SQL_COMMUNITY_READABLE, 2,
	    SQL_COMMUNITY_STREAM, "No such community."));
}

/* The {tag} path segment, lower-cased and checked; 404 when not a tag. */
static int
tag_param(struct ctx *c, char *tag, size_t len)
{
	if (!path_segment(c->req, 3, tag, len))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if (tag[0] == '#')
		memmove(tag, tag + 1, strlen(tag));
	text_lower(tag);
	if (!text_valid_tag(tag))
		return (ctx_fail(c, 404, NULL, NULL, "That is not a tag."));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/tags/{tag}/posts */
int
api_tag_posts(struct http_request *req)
{
	struct ctx	c;
	char		tag[256];

	ctx_init(&c, req);
	if (get_only(&c) == 200 && tag_param(&c, tag, sizeof(tag)) == 200)
		(void)stream_page(&c, SQL_TAG_STREAM, tag);
	return (ctx_finish(&c));
}

/* GET /api/v1/tags/{tag} -> {"tag", "posts", "followers", "followed_by_me"} */
int
api_tag(struct http_request *req)
{
	struct ctx	 c;
	char		 tag[256], me[24];
	const char	*p[2] = { tag, me };

	ctx_init(&c, req);
	if (get_only(&c) != 200 || tag_param(&c, tag, sizeof(tag)) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, SQL_TAG_INFO, 2, p) == 200)
		c.out = json_pack("{s:s, s:I, s:I, s:b}", "tag", tag,
		    "posts", (json_int_t)db_int(&c, 0, 0),
		    "followers", (json_int_t)db_int(&c, 0, 1),
		    "followed_by_me", db_bool(&c, 0, 2));
	return (ctx_finish(&c));
}

/* POST|DELETE /api/v1/tags/{tag}/follow -> 204, idempotent */
int
api_tag_follow(struct http_request *req)
{
	struct ctx	 c;
	char		 tag[256], me[24];
	const char	*p[2] = { me, tag };

	if (ctx_begin(&c, req, HTTP_METHOD_POST | HTTP_METHOD_DELETE,
	    "POST, DELETE") != 200 || tag_param(&c, tag, sizeof(tag)) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, req->method == HTTP_METHOD_POST ? SQL_TAG_FOLLOW :
	    SQL_TAG_UNFOLLOW, 2, p) == 200)
		c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}

/* GET /api/v1/me/tags -> {"items": [{"tag", "posts"}], "next_cursor": null} */
int
api_me_tags(struct http_request *req)
{
	struct ctx	 c;
	char		 me[24];
	const char	*p[1] = { me };
	json_t		*items;
	int		 i;

	ctx_init(&c, req);
	if (get_only(&c) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, SQL_MY_TAGS, 1, p) != 200 ||
	    (items = json_array()) == NULL)
		return (ctx_finish(&c));
	for (i = 0; i < db_rows(&c); i++)
		json_array_append_new(items, json_pack("{s:s, s:I}",
		    "tag", db_value(&c, i, 0),
		    "posts", (json_int_t)db_int(&c, i, 1)));
	c.out = reply_page(items, NULL);
	return (ctx_finish(&c));
}
