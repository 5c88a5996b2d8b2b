/*
 * Posts: create, read a thread, edit (keeping versions), delete (soft), like,
 * and the Post representation that timelines share. Text work (mentions,
 * tags, links, HTML) is text.c's; the writes are SQL functions in
 * sql/0002_microblog.sql so a post and everything it implies land together.
 *
 * Communities (sql/0021): a top-level post may name a community; its author
 * must be an active member of it, or an admin. A reply belongs to its
 * parent's community. A post in a closed community is read only by the
 * community's active members and admins (POST_READABLE, as questions are
 * in qa.c): anyone else is answered as for a missing post (404, or 422
 * reply_to when replying), so closed content does not show through.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define THREAD_MAX	1000

static const char SQL_POST_GET[] =
    "SELECT " POST_COLUMNS "FROM posts p JOIN users a ON a.id = p.author_id "
    "WHERE p.id = $2 AND " POST_READABLE("$1");
static const char SQL_THREAD[] =
    "WITH RECURSIVE d (id, depth) AS ("
    "  SELECT id, 1 FROM posts WHERE reply_to = $2 "
    "  UNION ALL SELECT p.id, d.depth + 1 FROM posts p "
    "  JOIN d ON p.reply_to = d.id WHERE d.depth < 100) "
    "SELECT " POST_COLUMNS "FROM d JOIN posts p ON p.id = d.id "
    "JOIN users a ON a.id = p.author_id WHERE " POST_READABLE("$1")
    "ORDER BY p.created_at, p.id LIMIT 1000";
static const char SQL_KNOWN_HANDLES[] =
    "SELECT coalesce(json_agg(lower(handle)), '[]') FROM users "
    "WHERE lower(handle) IN (SELECT json_array_elements_text($1::json))";
static const char SQL_POST_CREATE[] =
    "SELECT post_create($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)";
/* The community a post names, as its author ($1) sees it: id, whether
 * the author may read it, whether the author is an active member. */
static const char SQL_POST_COMMUNITY[] =
    "SELECT c.id, post_readable($1, c.id), EXISTS (SELECT 1 "
    "  FROM community_members m WHERE m.community_id = c.id "
    "  AND m.user_id = $1 AND m.status = 'active') "
    "FROM communities c WHERE c.slug = $2";
static const char SQL_POST_FOR_UPDATE[] =
    "SELECT p.author_id, " POST_READABLE("$2")
    "FROM posts p WHERE p.id = $1 AND p.deleted_at IS NULL FOR UPDATE OF p";
static const char SQL_POST_EDIT[] =
    "SELECT post_edit($1, $2, $3, $4, $5::jsonb, $6::jsonb)";
/* Tag rows go with the post so tag streams never page over deleted posts. */
static const char SQL_POST_DELETE[] =
    "WITH d AS (UPDATE posts SET deleted_at = now(), deleted_by = $2 "
    "  WHERE id = $1 RETURNING reply_to), "
    "t AS (DELETE FROM post_tags WHERE post_id = $1) "
    "UPDATE posts SET reply_count = reply_count - 1 "
    "WHERE id = (SELECT reply_to FROM d) AND reply_count > 0";
static const char SQL_POST_LIVE[] =
    "SELECT p.author_id FROM posts p WHERE p.id = $1 "
    "AND p.deleted_at IS NULL AND " POST_READABLE("$2");
static const char SQL_LIKE[] =
    "WITH ins AS (INSERT INTO post_likes (post_id, user_id) "
    "  VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING post_id), "
    "up AS (UPDATE posts SET like_count = like_count + 1 "
    "  WHERE id IN (SELECT post_id FROM ins) RETURNING author_id) "
    "SELECT notify(author_id, 'like', $2, 'post', $1) FROM up";
static const char SQL_UNLIKE[] =
    "WITH del AS (DELETE FROM post_likes WHERE post_id = $1 "
    "  AND user_id = $2 RETURNING post_id) "
    "UPDATE posts SET like_count = like_count - 1 "
    "WHERE id IN (SELECT post_id FROM del) AND like_count > 0";
static const char SQL_VERSIONS[] =
    "SELECT body, html, api_time(written_at), api_time(replaced_at) "
    "FROM post_versions WHERE post_id = $1 ORDER BY id";

static json_t *
json_from_text(const char *s)
{
	json_error_t	err;

	return (s ? json_loads(s, 0, &err) : json_array());
}

/* What a placeholder of a hidden post leaves out. */
static const char *const POST_HIDDEN_FIELDS[] = { "body", "html",
    "mentions", "tags", NULL };

json_t *
post_json(struct ctx *c, int row)
{
	json_t	*p;
	int	 deleted = db_bool(c, row, 19);

	p = json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:I, s:o, s:s, s:o, "
	    "s:I, s:I, s:b, s:b, s:b}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "author", userref_json(c, row, 10),
	    "body", deleted ? "" : db_value(c, row, 1),
	    "html", deleted ? "" : db_value(c, row, 2),
	    "mentions", deleted ? json_array() :
	    json_from_text(db_value(c, row, 15)),
	    "tags", deleted ? json_array() : json_from_text(db_value(c, row, 16)),
	    "root_id", (json_int_t)db_int(c, row, 4),
	    "community", db_isnull(c, row, 22) ? json_null() :
	    json_string(db_value(c, row, 22)),
	    "created_at", db_value(c, row, 5),
	    "edited_at", db_isnull(c, row, 6) ? json_null() :
	    json_string(db_value(c, row, 6)),
	    "like_count", (json_int_t)db_int(c, row, 7),
	    "reply_count", (json_int_t)db_int(c, row, 8),
	    "liked_by_me", db_bool(c, row, 17),
	    "hidden", db_bool(c, row, 9),
	    "deleted", deleted);
	if (p != NULL) {
		json_object_set_new(p, "reply_to", db_isnull(c, row, 3) ?
		    json_null() : json_integer(db_int(c, row, 3)));
		/* Customer conversations linked to the post (issue 5). */
		json_object_set_new(p, "customer_links",
		    json_integer(db_int(c, row, 20)));
	}
	/* Hidden: whole for its author and moderators, with why; a
	 * placeholder for everyone else (moderation.c). */
	if (moderation_redact(p, db_bool(c, row, 9), db_value(c, row, 21),
	    POST_HIDDEN_FIELDS) != 0) {
		json_decref(p);
		return (NULL);
	}
	return (p);
}

int64_t
post_cursor_time(struct ctx *c, int row)
{
	return (db_int(c, row, 18));
}

/* Fills arrays for a post body: mentions that exist, tags, and its HTML. */
struct post_text {
	json_t	*mentions;
	json_t	*tags;
	json_t	*known;
	char	*html;
	char	*mentions_text, *tags_text;
};


static void
post_text_free(struct post_text *t)
{
	json_decref(t->mentions);
	json_decref(t->tags);
	json_decref(t->known);
	free(t->html);
	free(t->mentions_text);
	free(t->tags_text);
}

static int
post_text_prepare(struct ctx *c, const char *body, struct post_text *t)
{
	const char	*p[1];
	int		 status;

	memset(t, 0, sizeof(*t));
	t->mentions = json_array();
	t->tags = json_array();
	if (t->mentions == NULL || t->tags == NULL ||
	    text_extract(body, strlen(body), t->mentions, t->tags) != 0 ||
	    (t->mentions_text = json_dumps(t->mentions, JSON_COMPACT)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	p[0] = t->mentions_text;
	if ((status = db_query(c, SQL_KNOWN_HANDLES, 1, p)) != 200)
		return (status);
	if ((t->known = json_from_text(db_value(c, 0, 0))) == NULL ||
	    (t->html = text_render_html(body, strlen(body), text_known_handle,
	    t->known)) == NULL ||
	    (t->tags_text = json_dumps(t->tags, JSON_COMPACT)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	free(t->mentions_text);
	t->mentions_text = json_dumps(t->known, JSON_COMPACT);
	return (t->mentions_text ? 200 : ctx_fail(c, 500, NULL, NULL, NULL));
}

/* Loads one post as {"post": Post}; 404 for missing, deleted or
 * unreadable (a closed community's, for anyone but its members). */
static int
post_load(struct ctx *c, int64_t id, json_t **out)
{
	char		 me[24], idbuf[24];
	const char	*p[2] = { me, idbuf };
	int		 status;

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if ((status = db_query(c, SQL_POST_GET, 2, p)) != 200)
		return (status);
	if (db_rows(c) != 1 || db_bool(c, 0, 19))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if ((*out = post_json(c, 0)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/*
 * The community a new post names (slug), as its id in buf, in the open
 * transaction. Unknown, or closed and not readable by the caller: 422
 * community, so closed communities do not show through. A top-level post
 * needs an active member or an admin (403 for an open community one has
 * not joined); a reply only needs to read it, as replying to the parent
 * does (post_create() then checks it is the parent's community).
 */
static int
post_community(struct ctx *c, const char *slug, int reply, char *buf,
    size_t len)
{
	char		 me[24];
	const char	*p[2] = { me, slug };

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (db_query(c, SQL_POST_COMMUNITY, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1 || !db_bool(c, 0, 1))
		return (ctx_fail(c, 422, NULL, "community",
		    "No such community."));
	if (!reply && !db_bool(c, 0, 2) && !auth_is_admin(&c->me))
		return (ctx_fail(c, 403, NULL, NULL,
		    "Join the community to post in it."));
	if (snprintf(buf, len, "%s", db_value(c, 0, 0)) >= (int)len)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static int
posts_create(struct ctx *c)
{
	struct post_text t;
	const char	*body, *community, *p[7];
	char		 me[24], reply[24], cid[24];
	int64_t		 reply_to = 0, id;
	json_t		*post = NULL;

	memset(&t, 0, sizeof(t));
	if (body_json(c) != 200 ||
	    body_string(c, "body", 1, 1, 5000, &body, NULL) != 200 ||
	    body_int(c, "reply_to", 0, 1, INT64_MAX, &reply_to, NULL) != 200 ||
	    body_string(c, "community", 0, 1, 64, &community, NULL) != 200)
		goto out;
	if (text_blank(body)) {
		ctx_fail(c, 422, NULL, "body", "A post cannot be blank.");
		goto out;
	}
	if (db_begin(c) != 200 || (community != NULL && post_community(c,
	    community, reply_to != 0, cid, sizeof(cid)) != 200) ||
	    post_text_prepare(c, body, &t) != 200)
		goto out;
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(reply, sizeof(reply), "%lld", (long long)reply_to);
	p[0] = me;
	p[1] = body;
	p[2] = t.html;
	p[3] = reply_to ? reply : NULL;
	p[4] = community ? cid : NULL;
	p[5] = t.tags_text;
	p[6] = t.mentions_text;
	if (db_query(c, SQL_POST_CREATE, 7, p) != 200)
		goto out;
	if (db_isnull(c, 0, 0)) {
		ctx_fail(c, 422, NULL, "reply_to",
		    "The post you reply to does not exist, was deleted or "
		    "is hidden.");
		goto out;
	}
	if ((id = db_int(c, 0, 0)) == 0) {
		ctx_fail(c, 422, NULL, "community",
		    "A reply belongs to the community of the post it "
		    "replies to.");
		goto out;
	}
	if (db_commit(c) != 200 || post_load(c, id, &post) != 200)
		goto out;
	c->out = json_pack("{s:o}", "post", post);
	c->status = HTTP_STATUS_CREATED;
out:
	post_text_free(&t);
	return (c->status);
}

/* POST /api/v1/posts {body, reply_to?, community?} -> 201 {"post"} */
int
api_posts(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	db_generic_plans(&c);
	if (auth_require(&c) != HTTP_STATUS_OK)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_POST)
		(void)posts_create(&c);
	else
		ctx_method_not_allowed(&c, "POST");
	return (ctx_finish(&c));
}

static int
post_thread(struct ctx *c, int64_t id)
{
	char		 me[24], idbuf[24];
	const char	*p[2] = { me, idbuf };
	json_t		*post = NULL, *replies;
	int		 i;

	if (post_load(c, id, &post) != 200)
		return (c->status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (db_query(c, SQL_THREAD, 2, p) != 200 ||
	    (replies = json_array()) == NULL) {
		json_decref(post);
		return (c->status == 200 ? ctx_fail(c, 500, NULL, NULL, NULL) :
		    c->status);
	}
	for (i = 0; i < db_rows(c); i++)
		json_array_append_new(replies, post_json(c, i));
	c->out = json_pack("{s:o, s:o}", "post", post, "replies", replies);
	return (HTTP_STATUS_OK);
}

/* Checks the post exists and the caller may change it: the author, or a
 * moderator when moderators_too. A post the caller may not read (a closed
 * community's) is 404 as if missing, its author's too once they left,
 * except to global moderators deleting it. Locks the row for the
 * transaction. */
static int
post_authorise(struct ctx *c, const char *id, int moderators_too)
{
	char		 me[24];
	const char	*p[2] = { id, me };
	int		 moderator;

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (db_begin(c) != 200 || db_query(c, SQL_POST_FOR_UPDATE, 2, p) != 200)
		return (c->status);
	moderator = moderators_too && (auth_is_admin(&c->me) ||
	    strcmp(c->me.role, "community_manager") == 0);
	if (db_rows(c) != 1 || (!db_bool(c, 0, 1) && !moderator))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if (db_int(c, 0, 0) == c->me.id || moderator)
		return (HTTP_STATUS_OK);
	return (ctx_fail(c, 403, NULL, NULL,
	    "Only the author can do that to this post."));
}

static int
post_edit(struct ctx *c, int64_t id)
{
	struct post_text t;
	const char	*body, *p[6];
	char		 me[24], idbuf[24];
	json_t		*post = NULL;

	memset(&t, 0, sizeof(t));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (body_json(c) != 200 ||
	    body_string(c, "body", 1, 1, 5000, &body, NULL) != 200)
		goto out;
	if (text_blank(body)) {
		ctx_fail(c, 422, NULL, "body", "A post cannot be blank.");
		goto out;
	}
	if (post_authorise(c, idbuf, 0) != 200 ||
	    post_text_prepare(c, body, &t) != 200)
		goto out;
	p[0] = idbuf;
	p[1] = me;
	p[2] = body;
	p[3] = t.html;
	p[4] = t.tags_text;
	p[5] = t.mentions_text;
	if (db_query(c, SQL_POST_EDIT, 6, p) != 200 || db_commit(c) != 200 ||
	    post_load(c, id, &post) != 200)
		goto out;
	c->out = json_pack("{s:o}", "post", post);
out:
	post_text_free(&t);
	return (c->status);
}

static int
post_delete(struct ctx *c, int64_t id)
{
	char		 me[24], idbuf[24];
	const char	*p[2] = { idbuf, me };
	int		 own;

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (post_authorise(c, idbuf, 1) != 200)
		return (c->status);
	own = db_int(c, 0, 0) == c->me.id;
	if (db_query(c, SQL_POST_DELETE, 2, p) != 200)
		return (c->status);
	if (!own && audit_write(c, "post.delete", "post", idbuf,
	    "deleted by a moderator") != 200)
		return (c->status);
	if (db_commit(c) != 200)
		return (c->status);
	c->status = HTTP_STATUS_NO_CONTENT;
	return (c->status);
}

/* The numeric id in /api/v1/posts/{id}[/...]; 404 when it is not one. */
static int
post_id_param(struct ctx *c, int64_t *id)
{
	char	buf[24];

	if (!path_segment(c->req, 3, buf, sizeof(buf)) || !parse_id(buf, id))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* GET|PATCH|DELETE /api/v1/posts/{id} */
int
api_post(struct http_request *req)
{
	struct ctx	c;
	int64_t		id;

	ctx_init(&c, req);
	db_generic_plans(&c);
	if (auth_require(&c) != 200 || post_id_param(&c, &id) != 200)
		return (ctx_finish(&c));
	switch (req->method) {
	case HTTP_METHOD_GET:
		(void)post_thread(&c, id);
		break;
	case HTTP_METHOD_PATCH:
		(void)post_edit(&c, id);
		break;
	case HTTP_METHOD_DELETE:
		(void)post_delete(&c, id);
		break;
	default:
		ctx_method_not_allowed(&c, "GET, PATCH, DELETE");
	}
	return (ctx_finish(&c));
}

/* POST|DELETE /api/v1/posts/{id}/like -> 204, idempotent */
int
api_post_like(struct http_request *req)
{
	struct ctx	 c;
	char		 me[24], idbuf[24];
	const char	*p[2] = { idbuf, me };
	int64_t		 id;

	ctx_init(&c, req);
	db_generic_plans(&c);
	if (auth_require(&c) != 200)
		return (ctx_finish(&c));
	if (!(req->method & (HTTP_METHOD_POST | HTTP_METHOD_DELETE))) {
		ctx_method_not_allowed(&c, "POST, DELETE");
		return (ctx_finish(&c));
	}
	if (post_id_param(&c, &id) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (db_query(&c, SQL_POST_LIVE, 2, p) != 200)
		return (ctx_finish(&c));
	if (db_rows(&c) != 1) {
		ctx_fail(&c, 404, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	if (db_query(&c, req->method == HTTP_METHOD_POST ? SQL_LIKE :
	    SQL_UNLIKE, 2, p) == 200)
		c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}

/* GET /api/v1/posts/{id}/versions -> {"items": [earlier texts, oldest
 * first], "next_cursor": null} */
int
api_post_versions(struct http_request *req)
{
	struct ctx	 c;
	char		 idbuf[24];
	const char	*p[1] = { idbuf };
	json_t		*items, *post = NULL;
	int64_t		 id;
	int		 i, placeholder;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    post_id_param(&c, &id) != 200)
		return (ctx_finish(&c));
	if (post_load(&c, id, &post) != 200)
		return (ctx_finish(&c));
	/* A hidden post's earlier texts are hidden with it. */
	placeholder = json_is_null(json_object_get(post, "moderation"));
	json_decref(post);
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (db_query(&c, SQL_VERSIONS, 1, p) != 200 ||
	    (items = json_array()) == NULL)
		return (ctx_finish(&c));
	for (i = 0; i < db_rows(&c) && !placeholder; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}",
		    "body", db_value(&c, i, 0), "html", db_value(&c, i, 1),
		    "written_at", db_value(&c, i, 2),
		    "replaced_at", db_value(&c, i, 3)));
	c.out = reply_page(items, NULL);
	return (ctx_finish(&c));
}
