/*
 * Bookmarks: save, read, list (newest first, filtered by owner, tag and
 * words), popular links, edit, delete, and import and export as Netscape
 * bookmark files. URL rules and keys are urlnorm.c's and the file format is
 * netscape.c's; saved_by and popular links read bookmark_urls, which
 * triggers keep (sql/0006_bookmarks.sql).
 *
 * Who sees what: everyone signed in sees public bookmarks; private ones only
 * their owner. Another person's private bookmark answers 404 to every
 * route, so its existence never leaks; a visible one that is not yours
 * answers 403 to PATCH and DELETE. One a moderator hid is listed and shown
 * as a placeholder (url, title, description, tags emptied) to everyone but
 * its owner and the moderators, who see it whole with the reason
 * (moderation_redact()); it counts for no one in saved_by and popular
 * links, and PATCH and DELETE by others answer 404 as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define IMPORT_MAX	(32 * 1024 * 1024)
#define Q_MAX_CHARS	200

/* The Bookmark representation (bookmarks b JOIN users u ON u.id =
 * b.owner_id), read by bookmark_json() by position. saved_by counts the
 * people who saved the page where everyone sees it, plus the owner when
 * this one is private or hidden (then only its owner sees the count). */
#define BOOKMARK_COLUMNS \
    "b.id, b.url, b.title, b.description, array_to_json(b.tags), " \
    "b.private, api_time(b.created_at), b.hidden, " \
    "coalesce((SELECT x.saved_by FROM bookmark_urls x " \
    "  WHERE x.url_key = b.url_key), 0) + " \
    "  CASE WHEN b.private OR b.hidden THEN 1 ELSE 0 END, " \
    "(extract(epoch FROM b.created_at) * 1000000)::bigint, " \
    "u.id, u.handle, u.display_name, u.title, u.department, " \
    MODERATION_NOTE("bookmark", "b", "b.owner_id", "NULL")

/* $1 viewer, $2 bookmark. */
static const char SQL_GET[] =
    "SELECT " BOOKMARK_COLUMNS "FROM bookmarks b "
    "JOIN users u ON u.id = b.owner_id WHERE b.id = $2 "
    "AND (b.owner_id = $1 OR NOT b.private)";
/* The existing bookmark's id answers a second save of the same page. */
static const char SQL_CREATE[] =
    "WITH ins AS (INSERT INTO bookmarks (owner_id, url, url_key, title, "
    "  description, tags, private) VALUES ($1, $2, $3, $4, $5, "
    "  ARRAY(SELECT json_array_elements_text($6::json)), $7) "
    "  ON CONFLICT (owner_id, url_key) DO NOTHING RETURNING id) "
    "SELECT id, true FROM ins UNION ALL "
    "SELECT id, false FROM bookmarks WHERE owner_id = $1 AND url_key = $3 "
    "AND NOT EXISTS (SELECT 1 FROM ins)";
static const char SQL_FOR_UPDATE[] =
    "SELECT owner_id, private OR hidden FROM bookmarks WHERE id = $1 "
    "FOR UPDATE";
static const char SQL_KEY_TAKEN[] =
    "SELECT id FROM bookmarks WHERE owner_id = $1 AND url_key = $2 "
    "AND id <> $3";
static const char SQL_UPDATE[] =
    "UPDATE bookmarks SET url = coalesce($2, url), "
    "url_key = coalesce($3, url_key), title = coalesce($4, title), "
    "description = coalesce($5, description), "
    "tags = CASE WHEN $6::json IS NULL THEN tags "
    "  ELSE ARRAY(SELECT json_array_elements_text($6::json)) END, "
    "private = coalesce($7::boolean, private) WHERE id = $1";
static const char SQL_DELETE[] = "DELETE FROM bookmarks WHERE id = $1";
static const char SQL_OWNER[] =
    "SELECT id FROM users WHERE lower(handle) = lower($1)";

/*
 * Lists: $1 viewer, $2 limit + 1, $3 and $4 the cursor (microseconds, id),
 * $5 tag, $6 words, $7 owner. A filter that is off still names its
 * parameter ("$5 IS NULL", always true then), so every variant takes the
 * same parameters and the planner sees it as a constant, never as a filter
 * to scan with. Without an owner, public bookmarks and one's own private
 * ones are read by their own indexes and merged.
 */
#define LIST_BEFORE \
    "(b.created_at, b.id) < (timestamptz 'epoch' + $3::bigint * " \
    "interval '1 microsecond', $4::bigint) "
#define TAG_ON		"AND b.tags @> ARRAY[$5::text] "
#define TAG_OFF		"AND $5::text IS NULL "
#define WORDS_ON \
    "AND to_tsvector('english', b.title || ' ' || b.description || ' ' " \
    "|| regexp_replace(b.url, '[^[:alnum:]]+', ' ', 'g')) " \
    "@@ websearch_to_tsquery('english', $6::text) "
#define WORDS_OFF	"AND $6::text IS NULL "
#define LIST_NEWEST	"ORDER BY b.created_at DESC, b.id DESC LIMIT $2"

#define LIST_OWNER(TAG, WORDS) \
    "SELECT " BOOKMARK_COLUMNS "FROM bookmarks b " \
    "JOIN users u ON u.id = b.owner_id WHERE b.owner_id = $7 " \
    "AND (b.owner_id = $1 OR NOT b.private) AND " \
    LIST_BEFORE TAG WORDS LIST_NEWEST

#define LIST_ALL(TAG, WORDS) \
    "WITH page AS ((SELECT b.id FROM bookmarks b WHERE NOT b.private " \
    "  AND " LIST_BEFORE TAG WORDS \
    LIST_NEWEST ") UNION ALL (SELECT b.id FROM bookmarks b " \
    "  WHERE b.owner_id = $1 AND b.private AND " LIST_BEFORE TAG WORDS \
    LIST_NEWEST ")) " \
    "SELECT " BOOKMARK_COLUMNS "FROM page JOIN bookmarks b ON b.id = page.id " \
    "JOIN users u ON u.id = b.owner_id " LIST_NEWEST

/* [owner given][tag given][words given] */
static const char *const SQL_LIST[2][2][2] = {
	{ { LIST_ALL(TAG_OFF, WORDS_OFF), LIST_ALL(TAG_OFF, WORDS_ON) },
	  { LIST_ALL(TAG_ON, WORDS_OFF), LIST_ALL(TAG_ON, WORDS_ON) } },
	{ { LIST_OWNER(TAG_OFF, WORDS_OFF), LIST_OWNER(TAG_OFF, WORDS_ON) },
	  { LIST_OWNER(TAG_ON, WORDS_OFF), LIST_OWNER(TAG_ON, WORDS_ON) } },
};

/* $1 limit, $2 viewer. "Saved by me" is one probe of (owner_id, url_key)
 * per page, a scalar subquery: an EXISTS may be hashed over all of the
 * viewer's bookmarks (as "liked by me" was, POST_COLUMNS in parley.h).
 * Per page, from its latest POPULAR_SAMPLE public
 * saves (read newest first from bookmarks_url_recent_idx, so a page saved
 * by thousands costs no more than one saved by a few hundred): the address
 * of the latest save, the title given most often (ties: the latest), and
 * the ten most used tags. */
#define POPULAR_SAMPLE	"500"
static const char SQL_POPULAR[] =
    "SELECT s.url, s.title, p.saved_by, api_time(p.first_saved_at), s.tags, "
    "(SELECT true FROM bookmarks m WHERE m.owner_id = $2 "
    "  AND m.url_key = p.url_key) IS NOT NULL "
    "FROM (SELECT * FROM bookmark_urls WHERE saved_by > 0 "
    "  ORDER BY saved_by DESC, last_saved_at DESC, url_key LIMIT $1) p "
    "CROSS JOIN LATERAL (WITH r AS MATERIALIZED (SELECT b.url, b.title, "
    "  b.tags, b.created_at, b.id FROM bookmarks b "
    "  WHERE b.url_key = p.url_key AND NOT b.private AND NOT b.hidden "
    "  ORDER BY b.created_at DESC, b.id DESC LIMIT " POPULAR_SAMPLE ") "
    " SELECT (SELECT r.url FROM r ORDER BY r.created_at DESC, r.id DESC "
    "  LIMIT 1) AS url, "
    " (SELECT r.title FROM r GROUP BY r.title "
    "  ORDER BY count(*) DESC, max(r.created_at) DESC LIMIT 1) AS title, "
    " (SELECT coalesce(json_agg(x.tag ORDER BY x.n DESC, x.tag), '[]') "
    "  FROM (SELECT t.tag, count(*) AS n FROM r "
    "  CROSS JOIN LATERAL unnest(r.tags) AS t (tag) GROUP BY t.tag "
    "  ORDER BY count(*) DESC, t.tag LIMIT 10) x) AS tags) s "
    "WHERE s.url IS NOT NULL "
    "ORDER BY p.saved_by DESC, p.last_saved_at DESC, p.url_key";

/* One statement, so an import lands whole or not at all. Entries come as
 * netscape_parse() made them; a date in the future becomes now. */
static const char SQL_IMPORT[] =
    "WITH e AS (SELECT * FROM json_to_recordset($2::json) AS x (url text, "
    "  url_key text, title text, description text, tags json, "
    "  private boolean, add_date bigint, line bigint)), "
    "ins AS (INSERT INTO bookmarks (owner_id, url, url_key, title, "
    "  description, tags, private, created_at) "
    "  SELECT $1, e.url, e.url_key, e.title, e.description, "
    "  ARRAY(SELECT json_array_elements_text(e.tags)), e.private, "
    "  CASE WHEN e.add_date IS NULL THEN now() "
    "  ELSE least(to_timestamp(e.add_date), now()) END "
    "  FROM e ORDER BY e.line "
    "  ON CONFLICT (owner_id, url_key) DO NOTHING RETURNING 1) "
    "SELECT count(*) FROM ins";
static const char SQL_EXPORT[] =
    "SELECT url, title, description, array_to_json(tags), private, "
    "floor(extract(epoch FROM created_at))::bigint FROM bookmarks "
    "WHERE owner_id = $1 ORDER BY created_at, id";

static void
int_text(char buf[24], int64_t v)
{
	(void)snprintf(buf, 24, "%lld", (long long)v);
}

static json_t *
json_text(const char *s)
{
	json_error_t	err;

	return (s ? json_loads(s, 0, &err) : json_array());
}

/* What the placeholder of a hidden bookmark leaves out. */
static const char *const BOOKMARK_HIDDEN_FIELDS[] = { "url", "title",
    "description", "tags", NULL };

static json_t *
bookmark_json(struct ctx *c, int row)
{
	json_t	*tags = json_text(db_value(c, row, 4)), *b;

	if (tags == NULL)
		return (NULL);
	b = json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:b, s:s, s:b, s:I}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "owner", userref_json(c, row, 10),
	    "url", db_value(c, row, 1),
	    "title", db_value(c, row, 2),
	    "description", db_value(c, row, 3),
	    "tags", tags,
	    "private", db_bool(c, row, 5),
	    "created_at", db_value(c, row, 6),
	    "hidden", db_bool(c, row, 7),
	    "saved_by", (json_int_t)db_int(c, row, 8));
	if (moderation_redact(b, db_bool(c, row, 7), db_value(c, row, 15),
	    BOOKMARK_HIDDEN_FIELDS) != 0) {
		json_decref(b);
		return (NULL);
	}
	return (b);
}

/* Sets c->out to {"bookmark": ...} if the caller may see it, else 404. */
static int
bookmark_load(struct ctx *c, int64_t id)
{
	char		 me[24], idbuf[24];
	const char	*p[2] = { me, idbuf };
	json_t		*b;

	int_text(me, c->me.id);
	int_text(idbuf, id);
	if (db_query(c, SQL_GET, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if ((b = bookmark_json(c, 0)) == NULL ||
	    (c->out = json_pack("{s:o}", "bookmark", b)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* ---- input ---------------------------------------------------------- */

/* The fields of POST and PATCH, checked; strings point into c->in, except
 * tags (JSON text, free()d by the caller). */
struct bookmark_input {
	const char	*url, *title, *description;
	char		 key[URLNORM_MAX + 8];
	char		*tags;
	int		 private_, has_private;
};

static const char *const BOOKMARK_KEYS[] = { "url", "title", "description",
    "tags", "private", NULL };

static int
input_url(struct ctx *c, int required, struct bookmark_input *in)
{
	const char	*why;

	if (body_string(c, "url", required, 1, 1 << 20, &in->url, NULL) != 200)
		return (c->status);
	if (in->url == NULL)
		return (HTTP_STATUS_OK);
	if (strlen(in->url) > URLNORM_MAX)
		return (ctx_fail(c, 422, NULL, "url",
		    "A URL is at most 2048 bytes."));
	if ((why = urlnorm_check(in->url, strlen(in->url))) != NULL ||
	    !urlnorm_key(in->url, strlen(in->url), in->key, sizeof(in->key)))
		return (ctx_fail(c, 422, NULL, "url",
		    why ? why : "The URL is not valid."));
	return (HTTP_STATUS_OK);
}

/* tags: up to NETSCAPE_TAGS_MAX words, lower-cased, each one a tag as in
 * posts (text_valid_tag); repeats are dropped. */
static int
input_tags(struct ctx *c, struct bookmark_input *in)
{
	json_t		*v = json_object_get(c->in, "tags"), *tag, *out;
	char		 buf[256];
	const char	*s;
	size_t		 i, j;

	if (v == NULL || json_is_null(v))
		return (HTTP_STATUS_OK);
	if (!json_is_array(v))
		return (ctx_fail(c, 422, NULL, "tags",
		    "Tags must be a list of words."));
	if (json_array_size(v) > NETSCAPE_TAGS_MAX)
		return (ctx_fail(c, 422, NULL, "tags",
		    "A bookmark has at most 20 tags."));
	if ((out = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	json_array_foreach(v, i, tag) {
		s = json_string_value(tag);
		if (s == NULL || json_string_length(tag) >= sizeof(buf) ||
		    strlen(s) != json_string_length(tag)) {
			json_decref(out);
			return (ctx_fail(c, 422, NULL, "tags", "Each tag is a "
			    "word of letters, digits and underscores."));
		}
		memcpy(buf, s, strlen(s) + 1);
		text_lower(buf);
		if (!text_valid_tag(buf)) {
			json_decref(out);
			return (ctx_fail(c, 422, NULL, "tags", "Each tag is a "
			    "word of letters, digits and underscores (at most "
			    "50, not only digits)."));
		}
		for (j = 0; j < json_array_size(out); j++)
			if (strcmp(json_string_value(json_array_get(out, j)),
			    buf) == 0)
				break;
		if (j == json_array_size(out))
			json_array_append_new(out, json_string(buf));
	}
	in->tags = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return (in->tags ? HTTP_STATUS_OK : ctx_fail(c, 500, NULL, NULL, NULL));
}

/* Reads and checks the body of POST (creating) or PATCH (!creating). */
static int
bookmark_input(struct ctx *c, int creating, struct bookmark_input *in)
{
	memset(in, 0, sizeof(*in));
	if (body_json(c) != 200 || body_only_keys(c, BOOKMARK_KEYS) != 200 ||
	    input_url(c, creating, in) != 200 ||
	    body_string(c, "title", creating, 1, NETSCAPE_TITLE_MAX,
	    &in->title, NULL) != 200 ||
	    body_string(c, "description", 0, 0, NETSCAPE_DESCRIPTION_MAX,
	    &in->description, NULL) != 200 ||
	    input_tags(c, in) != 200 ||
	    body_bool(c, "private", 0, &in->private_, &in->has_private) != 200)
		return (c->status);
	if (in->title != NULL && text_blank(in->title))
		return (ctx_fail(c, 422, NULL, "title",
		    "A title cannot be blank."));
	return (HTTP_STATUS_OK);
}

/* ---- routes --------------------------------------------------------- */

/* POST /api/v1/bookmarks -> 201 {"bookmark"} | 409 with existing_id */
static int
bookmarks_create(struct ctx *c)
{
	struct bookmark_input	 in;
	char			 me[24];
	const char		*p[7];

	if (bookmark_input(c, 1, &in) != 200)
		goto out;
	int_text(me, c->me.id);
	p[0] = me;
	p[1] = in.url;
	p[2] = in.key;
	p[3] = in.title;
	p[4] = in.description ? in.description : "";
	p[5] = in.tags ? in.tags : "[]";
	p[6] = in.private_ ? "true" : "false";
	if (db_query(c, SQL_CREATE, 7, p) != 200)
		goto out;
	if (db_rows(c) != 1 || !db_bool(c, 0, 1)) {
		ctx_fail(c, 409, NULL, "url",
		    "You have already saved this page.");
		c->err.existing_id = db_rows(c) == 1 ? db_int(c, 0, 0) : 0;
		goto out;
	}
	if (bookmark_load(c, db_int(c, 0, 0)) == 200)
		c->status = HTTP_STATUS_CREATED;
out:
	free(in.tags);
	return (c->status);
}

/* The optional filters of a list, checked. */
struct list_filter {
	char	owner[64], tag[256], words[1024];
	int	has_owner, has_tag, has_words;
};

static int
list_filter(struct ctx *c, struct list_filter *f)
{
	const char	*p[1] = { f->owner };
	char		*t = f->tag;
	int		 r;

	memset(f, 0, sizeof(*f));
	if ((r = query_param(c->req, "owner", f->owner, sizeof(f->owner))) < 0)
		return (ctx_fail(c, 422, NULL, "owner", "No such person."));
	if ((f->has_owner = (r == 1 && f->owner[0] != '\0'))) {
		if (db_query(c, SQL_OWNER, 1, p) != 200)
			return (c->status);
		if (db_rows(c) != 1)
			return (ctx_fail(c, 404, NULL, "owner",
			    "No such person."));
		int_text(f->owner, db_int(c, 0, 0));
	}
	r = query_param(c->req, "tag", f->tag, sizeof(f->tag));
	if (r == 1 && t[0] == '#')
		memmove(t, t + 1, strlen(t));
	text_lower(t);
	if (r < 0 || (r == 1 && t[0] != '\0' && !text_valid_tag(t)))
		return (ctx_fail(c, 422, NULL, "tag", "That is not a tag."));
	f->has_tag = (t[0] != '\0');
	r = query_param(c->req, "q", f->words, sizeof(f->words));
	if (r < 0 || utf8_length(f->words, strlen(f->words)) > Q_MAX_CHARS)
		return (ctx_fail(c, 422, NULL, "q",
		    "Search words are at most 200 characters."));
	f->has_words = !text_blank(f->words);
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/bookmarks?owner=&tag=&q=&cursor=&limit= */
static int
bookmarks_list(struct ctx *c)
{
	struct list_filter	 f;
	char			 me[24], lim[24], at[24], idbuf[24];
	const char		*p[7];
	json_t			*items;
	int64_t			 at_us = 253402300799000000LL;
	int64_t			 id = INT64_MAX;
	long			 limit;
	int			 i, rows, has_cursor;

	if (page_params(c, &limit, &has_cursor, &at_us, &id) != 200 ||
	    list_filter(c, &f) != 200)
		return (c->status);
	if (!has_cursor) {
		at_us = 253402300799000000LL;	/* after the end of time */
		id = INT64_MAX;
	}
	int_text(me, c->me.id);
	int_text(lim, limit + 1);
	int_text(at, at_us);
	int_text(idbuf, id);
	p[0] = me;
	p[1] = lim;
	p[2] = at;
	p[3] = idbuf;
	p[4] = f.has_tag ? f.tag : NULL;
	p[5] = f.has_words ? f.words : NULL;
	p[6] = f.owner;
	if (db_query(c, SQL_LIST[f.has_owner][f.has_tag][f.has_words],
	    f.has_owner ? 7 : 6, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, bookmark_json(c, i));
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, (int)limit - 1, 9), db_int(c, (int)limit - 1, 0)));
}

/* GET|POST /api/v1/bookmarks */
int
api_bookmarks(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_POST,
	    "GET, POST") == 200) {
		if (req->method == HTTP_METHOD_POST)
			(void)bookmarks_create(&c);
		else
			(void)bookmarks_list(&c);
	}
	return (ctx_finish(&c));
}

/* GET /api/v1/bookmarks/popular?limit= -> {"items": [{"url", "title",
 * "saved_by", "tags", "first_saved_at", "saved_by_me"}], "next_cursor":
 * null}: one page, most savers first, then the most recently saved. */
int
api_bookmarks_popular(struct http_request *req)
{
	struct ctx	 c;
	char		 lim[24], me[24];
	const char	*p[2] = { lim, me };
	json_t		*items, *tags;
	int64_t		 at_us, id;
	long		 limit;
	int		 i, has_cursor;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    page_params(&c, &limit, &has_cursor, &at_us, &id) != 200)
		return (ctx_finish(&c));
	int_text(lim, limit);
	int_text(me, c.me.id);
	if (db_query(&c, SQL_POPULAR, 2, p) != 200 ||
	    (items = json_array()) == NULL)
		return (ctx_finish(&c));
	for (i = 0; i < db_rows(&c); i++) {
		if ((tags = json_text(db_value(&c, i, 4))) == NULL)
			continue;
		json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:o, "
		    "s:s, s:b}", "url", db_value(&c, i, 0),
		    "title", db_value(&c, i, 1),
		    "saved_by", (json_int_t)db_int(&c, i, 2), "tags", tags,
		    "first_saved_at", db_value(&c, i, 3),
		    "saved_by_me", db_bool(&c, i, 5)));
	}
	if ((c.out = reply_page(items, NULL)) == NULL)
		ctx_fail(&c, 500, NULL, NULL, NULL);
	return (ctx_finish(&c));
}

/* Locks bookmark id for a change by the caller: 404 when it does not
 * exist or the caller may not see it, 403 when it is someone else's. */
static int
bookmark_authorise(struct ctx *c, const char *id)
{
	const char	*p[1] = { id };

	if (db_begin(c) != 200 || db_query(c, SQL_FOR_UPDATE, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if (db_int(c, 0, 0) == c->me.id)
		return (HTTP_STATUS_OK);
	if (db_bool(c, 0, 1))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	return (ctx_fail(c, 403, NULL, NULL,
	    "Only the person who saved a bookmark can change it."));
}

/* PATCH /api/v1/bookmarks/{id} {url?, title?, description?, tags?,
 * private?} -> {"bookmark"} */
static int
bookmark_edit(struct ctx *c, int64_t id)
{
	struct bookmark_input	 in;
	char			 me[24], idbuf[24];
	const char		*p[7];

	int_text(me, c->me.id);
	int_text(idbuf, id);
	if (bookmark_input(c, 0, &in) != 200 ||
	    bookmark_authorise(c, idbuf) != 200)
		goto out;
	p[0] = me;
	p[1] = in.key;
	p[2] = idbuf;
	if (in.url != NULL && db_query(c, SQL_KEY_TAKEN, 3, p) != 200)
		goto out;
	if (in.url != NULL && db_rows(c) > 0) {
		ctx_fail(c, 409, NULL, "url",
		    "You have already saved this page.");
		c->err.existing_id = db_int(c, 0, 0);
		goto out;
	}
	p[0] = idbuf;
	p[1] = in.url;
	p[2] = in.url ? in.key : NULL;
	p[3] = in.title;
	p[4] = in.description;
	p[5] = in.tags;
	p[6] = in.has_private ? (in.private_ ? "true" : "false") : NULL;
	if (db_query(c, SQL_UPDATE, 7, p) == 200 && db_commit(c) == 200)
		(void)bookmark_load(c, id);
out:
	free(in.tags);
	return (c->status);
}

static int
bookmark_delete(struct ctx *c, int64_t id)
{
	char		 idbuf[24];
	const char	*p[1] = { idbuf };

	int_text(idbuf, id);
	if (bookmark_authorise(c, idbuf) != 200 ||
	    db_query(c, SQL_DELETE, 1, p) != 200 || db_commit(c) != 200)
		return (c->status);
	c->status = HTTP_STATUS_NO_CONTENT;
	return (c->status);
}

/* GET|PATCH|DELETE /api/v1/bookmarks/{id} */
int
api_bookmark(struct http_request *req)
{
	struct ctx	c;
	char		buf[24];
	int64_t		id;

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_PATCH |
	    HTTP_METHOD_DELETE, "GET, PATCH, DELETE") != 200)
		return (ctx_finish(&c));
	if (!path_segment(req, 3, buf, sizeof(buf)) || !parse_id(buf, &id)) {
		ctx_fail(&c, 404, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	if (req->method == HTTP_METHOD_GET)
		(void)bookmark_load(&c, id);
	else if (req->method == HTTP_METHOD_PATCH)
		(void)bookmark_edit(&c, id);
	else
		(void)bookmark_delete(&c, id);
	return (ctx_finish(&c));
}

/*
 * Import. Reading, parsing and storing a 32 MiB file takes seconds, so a
 * thread of its own does it while the worker serves others (bgtask.c);
 * the handler checks only the caller, the content type and the size.
 */
struct bookmarks_import {
	struct bgtask		bg;	/* first: the request's state */
	struct netscape_result	r;
	size_t			entries;	/* distinct URLs in the file */
	int64_t			imported;
};

/* Inserts the parsed entries, which it empties (a big file's entries are
 * not kept beside their JSON text). */
static int
import_entries(struct bookmarks_import *job)
{
	char		 me[24], *text;
	const char	*p[2] = { me, NULL }, *v;
	int		 status;

	if (json_array_size(job->r.entries) == 0)
		return (HTTP_STATUS_OK);
	if ((text = json_dumps(job->r.entries, JSON_COMPACT)) == NULL)
		return (bgtask_fail(&job->bg, 500, NULL, NULL));
	json_array_clear(job->r.entries);
	int_text(me, job->bg.me.id);
	p[1] = text;
	status = db_thread_query(job->bg.db, SQL_IMPORT, 2, p);
	free(text);
	if (status == HTTP_STATUS_OK &&
	    (v = db_thread_value(job->bg.db, 0, 0)) != NULL)
		job->imported = strtoll(v, NULL, 10);
	return (status);
}

/* The thread: reads and parses the file, then stores it (one statement). */
static int
import_run(struct bgtask *bg)
{
	struct bookmarks_import	*job = (struct bookmarks_import *)bg;
	char			*buf;
	size_t			 len;
	int			 status, parsed;

	if ((status = bgtask_body(bg, &buf, &len)) != HTTP_STATUS_OK)
		return (status);
	parsed = netscape_parse(buf, len, &job->r);
	free(buf);
	if (parsed != 0)
		return (bgtask_fail(bg, 500, NULL, NULL));
	if (!job->r.is_bookmarks)
		return (bgtask_fail(bg, 422, NULL, "This is not a bookmark "
		    "file: export one from your browser (an HTML file in the "
		    "Netscape bookmark format)."));
	job->entries = json_array_size(job->r.entries);
	if (bgtask_cancelled(bg))
		return (bgtask_fail(bg, 499, NULL, NULL));
	return (import_entries(job));
}

static int
import_answer(struct ctx *c, struct bgtask *bg)
{
	struct bookmarks_import	*job = (struct bookmarks_import *)bg;

	c->out = json_pack("{s:I, s:I, s:O, s:I}",
	    "imported", (json_int_t)job->imported,
	    "duplicates", (json_int_t)(job->r.duplicates + job->entries -
	    (size_t)job->imported),
	    "rejected", job->r.rejected,
	    "rejected_total", (json_int_t)job->r.rejected_total);
	if (c->out == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static void
import_release(struct bgtask *bg)
{
	netscape_result_free(&((struct bookmarks_import *)bg)->r);
}

/* POST /api/v1/bookmarks/import (text/html, a Netscape bookmark file) ->
 * {"imported", "duplicates", "rejected": [{"line", "reason"}],
 * "rejected_total"} */
int
api_bookmarks_import(struct http_request *req)
{
	struct bookmarks_import	*job;
	struct ctx		 c;

	if (http_state_exists(req))
		return (bgtask_resume(req));
	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") != 200 ||
	    body_stream(&c, "text/html", IMPORT_MAX) != 200)
		return (bgtask_abort(&c));
	job = bgtask_create(req, sizeof(*job), import_run, import_answer,
	    import_release);
	return (bgtask_start(&c, &job->bg));
}

/* Sends html as the answer, with the headers and access log line that
 * ctx_finish() would have written; frees what the context holds. */
static int
bookmarks_send_html(struct ctx *c, const char *html, size_t len)
{
	db_close(&c->db);
	reply_security_headers(c->req);
	http_response_header(c->req, "cache-control", "no-store");
	http_response_header(c->req, "content-type",
	    "text/html; charset=utf-8");
	http_response_header(c->req, "content-disposition",
	    "attachment; filename=\"bookmarks.html\"");
	http_response(c->req, HTTP_STATUS_OK, html, len);
	reply_access_log(c->req, c->started_ms, HTTP_STATUS_OK, c->me.id);
	json_decref(c->in);
	json_decref(c->out);
	c->in = c->out = NULL;
	return (KORE_RESULT_OK);
}

/* GET /api/v1/bookmarks/export -> text/html: all of the caller's
 * bookmarks as a Netscape bookmark file. */
int
api_bookmarks_export(struct http_request *req)
{
	struct ctx	 c;
	char		 me[24], *html = NULL;
	const char	*p[1] = { me };
	json_t		*entries = NULL, *e;
	size_t		 len;
	int		 i, sent;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200)
		return (ctx_finish(&c));
	int_text(me, c.me.id);
	if (db_query(&c, SQL_EXPORT, 1, p) != 200 ||
	    (entries = json_array()) == NULL)
		goto fail;
	for (i = 0; i < db_rows(&c); i++) {
		e = json_pack("{s:s, s:s, s:s, s:o, s:b, s:I}",
		    "url", db_value(&c, i, 0), "title", db_value(&c, i, 1),
		    "description", db_value(&c, i, 2),
		    "tags", json_text(db_value(&c, i, 3)),
		    "private", db_bool(&c, i, 4),
		    "add_date", (json_int_t)db_int(&c, i, 5));
		if (e == NULL || json_array_append_new(entries, e) != 0)
			goto fail;
	}
	if ((html = netscape_write(entries, &len)) == NULL)
		goto fail;
	json_decref(entries);
	sent = bookmarks_send_html(&c, html, len);
	free(html);
	return (sent);
fail:
	json_decref(entries);
	if (c.status == 200)
		ctx_fail(&c, 500, NULL, NULL, NULL);
	return (ctx_finish(&c));
}
