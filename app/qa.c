/*
 * Questions and answers in communities: ask, list, read, answer, vote,
 * accept, and similar questions (for "has this been asked?" while typing a
 * title). Also the Question representation other domains reuse (customer
 * care escalates a conversation into a question).
 *
 * Rules, in one place:
 *   reading   open communities: every signed-in person; closed ones: their
 *             active members and admins. Anyone else gets 404 for a
 *             question or answer, so closed content does not leak.
 *   asking    active members only (admins too must join; they join closed
 *             communities without approval).
 *   answering and voting: anyone in an open community (a first answer
 *             joins the person to it); active members in a closed one.
 *   accepting the asker, the community's managers, admins.
 * Deleted items are never listed. Hidden items are listed and shown by id
 * as placeholders (title, body, tags emptied) to everyone but their author
 * and moderators, who see them whole with the moderator's reason
 * (moderation_redact()); they cannot be answered, voted on or accepted,
 * and similar questions leave them out. Votes and accepts lock the row they
 * change, so concurrent votes never lose an update.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define QA_TITLE_MIN		10
#define QA_TITLE_MAX		200
#define QA_BODY_MAX		20000
#define QA_TAGS_MAX		5
#define QA_SIMILAR_TITLE_MAX	300

/* No cursor: start above every key. */
#define QA_START_US		"253402300799000000"
#define QA_START_MAX		"9223372036854775807"

/* $1 the viewer, $2 whether the viewer is an admin. */
#define QA_READABLE \
    "(c.visibility = 'open' OR $2::boolean OR EXISTS (SELECT 1 " \
    "  FROM community_members cm WHERE cm.community_id = c.id " \
    "  AND cm.user_id = $1 AND cm.status = 'active')) "
static const char SQL_QUESTION_GET[] =
    "SELECT " QUESTION_COLUMNS "FROM " QUESTION_FROM
    "WHERE q.id = $3 AND q.deleted_at IS NULL AND " QA_READABLE;

/*
 * Lists: $3 community id or NULL, $4 tag or NULL, $5 status filter ('' for
 * any), $6/$7 the keyset of the previous page, $8 limit + 1. The page's ids
 * are chosen first and only they are rendered: with optional filters a
 * generic plan cannot know which index fits, and then at least the
 * per-row columns (votes, authors) are not computed for every candidate.
 */
#define QA_LIST_WHERE \
    "WHERE q.deleted_at IS NULL AND " QA_READABLE \
    "AND ($3::bigint IS NULL OR q.community_id = $3::bigint) " \
    "AND ($4::text IS NULL OR q.tags @> ARRAY[$4::text]) " \
    "AND CASE $5::text WHEN 'unanswered' THEN q.answer_count = 0 " \
    "  WHEN 'answered' THEN q.answer_count > 0 " \
    "  WHEN 'accepted' THEN q.accepted_answer_id IS NOT NULL ELSE true END "
static const char SQL_QUESTIONS_NEWEST[] =
    "WITH page AS (SELECT q.id FROM questions q "
    "  JOIN communities c ON c.id = q.community_id " QA_LIST_WHERE
    "  AND (q.created_at, q.id) < (timestamptz 'epoch' + "
    "  $6::bigint * interval '1 microsecond', $7::bigint) "
    "  ORDER BY q.created_at DESC, q.id DESC LIMIT $8) "
    "SELECT " QUESTION_COLUMNS "FROM page, " QUESTION_FROM
    "WHERE q.id = page.id ORDER BY q.created_at DESC, q.id DESC";
static const char SQL_QUESTIONS_VOTES[] =
    "WITH page AS (SELECT q.id FROM questions q "
    "  JOIN communities c ON c.id = q.community_id " QA_LIST_WHERE
    "  AND (q.score, q.id) < ($6::bigint, $7::bigint) "
    "  ORDER BY q.score DESC, q.id DESC LIMIT $8) "
    "SELECT " QUESTION_COLUMNS "FROM page, " QUESTION_FROM
    "WHERE q.id = page.id ORDER BY q.score DESC, q.id DESC";

/*
 * Similar questions: any of the title's words (qa_similar_query() in
 * sql/0005_qa.sql, computed once as an init plan) against the titles
 * through their expression index, best rank first. $3 community id or
 * NULL, $4 the title.
 */
#define QA_SIMILAR_QUERY "(SELECT qa_similar_query($4)) "
static const char SQL_SIMILAR[] =
    "SELECT q.id, q.title, q.score, q.answer_count, "
    "q.accepted_answer_id IS NOT NULL, c.slug "
    "FROM questions q JOIN communities c ON c.id = q.community_id "
    "WHERE to_tsvector('english', q.title) @@ " QA_SIMILAR_QUERY
    "AND q.deleted_at IS NULL AND NOT q.hidden AND " QA_READABLE
    "AND ($3::bigint IS NULL OR q.community_id = $3::bigint) "
    "ORDER BY ts_rank(to_tsvector('english', q.title), " QA_SIMILAR_QUERY
    ") DESC, q.score DESC, q.id DESC LIMIT 5";

#define ANSWER_COLUMNS \
    "an.id, an.question_id, an.body, an.html, an.score, " \
    "coalesce(an.id = q.accepted_answer_id, false), " \
    "api_time(an.created_at), " \
    "a.id, a.handle, a.display_name, a.title, a.department, " \
    "coalesce((SELECT v.value FROM answer_votes v WHERE v.answer_id = an.id " \
    "  AND v.user_id = $1), 0), an.hidden, " \
    MODERATION_NOTE("answer", "an", "an.author_id", "q.community_id")
#define ANSWER_FROM \
    "answers an JOIN questions q ON q.id = an.question_id " \
    "JOIN users a ON a.id = an.author_id "
static const char SQL_ANSWERS[] =
    "SELECT " ANSWER_COLUMNS "FROM " ANSWER_FROM
    "WHERE an.question_id = $2 AND an.deleted_at IS NULL "
    "ORDER BY coalesce(an.id = q.accepted_answer_id, false) DESC, "
    "an.score DESC, an.created_at, an.id LIMIT 1000";
static const char SQL_ANSWER_GET[] =
    "SELECT " ANSWER_COLUMNS "FROM " ANSWER_FROM "WHERE an.id = $2";

/* A community by slug with the caller's membership ($2). */
static const char SQL_COMMUNITY_ACCESS[] =
    "SELECT c.id, c.visibility, m.status FROM communities c "
    "LEFT JOIN community_members m ON m.community_id = c.id "
    "  AND m.user_id = $2 WHERE c.slug = $1";

/*
 * What a write needs to know about its target, with the row it changes
 * locked: $1 the caller, $2 the question or answer id. Columns: question
 * id, the item's author, community id, visibility, the caller's role and
 * status there, the question's title, accepted answer and asker.
 */
#define QA_TARGET_JOIN \
    "JOIN communities c ON c.id = q.community_id " \
    "LEFT JOIN community_members cm ON cm.community_id = c.id " \
    "  AND cm.user_id = $1 "
static const char SQL_QUESTION_TARGET[] =
    "SELECT q.id, q.author_id, c.id, c.visibility, cm.role, cm.status, "
    "q.title, q.accepted_answer_id, q.author_id FROM questions q "
    QA_TARGET_JOIN "WHERE q.id = $2 AND q.deleted_at IS NULL "
    "AND NOT q.hidden FOR NO KEY UPDATE OF q";
#define QA_ANSWER_TARGET \
    "SELECT q.id, an.author_id, c.id, c.visibility, cm.role, cm.status, " \
    "q.title, q.accepted_answer_id, q.author_id FROM answers an " \
    "JOIN questions q ON q.id = an.question_id " QA_TARGET_JOIN \
    "WHERE an.id = $2 AND an.deleted_at IS NULL AND NOT an.hidden " \
    "AND q.deleted_at IS NULL AND NOT q.hidden "
/* Votes on an answer lock the answer; accepting locks the question. */
static const char SQL_ANSWER_TARGET_VOTE[] =
    QA_ANSWER_TARGET "FOR NO KEY UPDATE OF an";
static const char SQL_ANSWER_TARGET_ACCEPT[] =
    QA_ANSWER_TARGET "FOR NO KEY UPDATE OF q";

static const char SQL_KNOWN_HANDLES[] =
    "SELECT coalesce(json_agg(lower(handle)), '[]') FROM users "
    "WHERE lower(handle) IN (SELECT json_array_elements_text($1::json))";
static const char SQL_QUESTION_INSERT[] =
    "INSERT INTO questions (community_id, author_id, title, body, html, tags) "
    "VALUES ($1, $2, $3, $4, $5, "
    "  ARRAY(SELECT json_array_elements_text($6::json))) RETURNING id";
static const char SQL_NOTIFY_EXPERTS[] =
    "SELECT notify_experts($1)";
static const char SQL_JOIN_OPEN[] =
    "INSERT INTO community_members (community_id, user_id) "
    "VALUES ($1, $2) ON CONFLICT DO NOTHING";
/* The asker hears of each answer that is not their own (notify() skips
 * oneself); the question's title is the notification's detail. */
static const char SQL_ANSWER_INSERT[] =
    "WITH an AS (INSERT INTO answers (question_id, author_id, body, html) "
    "  VALUES ($1, $2, $3, $4) RETURNING id), "
    "q AS (UPDATE questions SET answer_count = answer_count + 1 "
    "  WHERE id = $1 RETURNING author_id, title) "
    "SELECT an.id, notify(q.author_id, 'answer', $2, 'question', $1, "
    "  q.title) FROM an, q";

static const char SQL_QUESTION_VOTE_SET[] =
    "INSERT INTO question_votes (question_id, user_id, value) "
    "VALUES ($1, $2, $3) ON CONFLICT (question_id, user_id) "
    "DO UPDATE SET value = EXCLUDED.value, created_at = now()";
static const char SQL_QUESTION_VOTE_DELETE[] =
    "DELETE FROM question_votes WHERE question_id = $1 AND user_id = $2";
/* Under the row lock the sum is exact, and it repairs any drift. */
static const char SQL_QUESTION_SCORE[] =
    "UPDATE questions SET score = (SELECT coalesce(sum(value), 0) "
    "  FROM question_votes WHERE question_id = $1) WHERE id = $1 "
    "RETURNING score";
static const char SQL_ANSWER_VOTE_SET[] =
    "INSERT INTO answer_votes (answer_id, user_id, value) "
    "VALUES ($1, $2, $3) ON CONFLICT (answer_id, user_id) "
    "DO UPDATE SET value = EXCLUDED.value, created_at = now()";
static const char SQL_ANSWER_VOTE_DELETE[] =
    "DELETE FROM answer_votes WHERE answer_id = $1 AND user_id = $2";
static const char SQL_ANSWER_SCORE[] =
    "UPDATE answers SET score = (SELECT coalesce(sum(value), 0) "
    "  FROM answer_votes WHERE answer_id = $1) WHERE id = $1 "
    "RETURNING score";
static const char SQL_ACCEPT[] =
    "WITH q AS (UPDATE questions SET accepted_answer_id = $2 WHERE id = $1 "
    "  RETURNING title) "
    "SELECT notify($3, 'accepted', $4, 'question', $1, q.title) FROM q";
static const char SQL_UNACCEPT[] =
    "UPDATE questions SET accepted_answer_id = NULL "
    "WHERE id = $1 AND accepted_answer_id = $2";

/* The viewer as query parameters: id, admin. */
struct viewer {
	char		 id[24];
	const char	*admin;
};

/* A write's target, as the *_TARGET statements read it. */
struct qa_target {
	char	question[24];
	char	community[24];
	char	item_author[24];
	char	asker[24];
	char	accepted[24];	/* "" when none */
	char	title[QA_TITLE_MAX * 4 + 1];
	int	closed, active, manager;
};

static void
viewer_init(struct ctx *c, struct viewer *v)
{
	(void)snprintf(v->id, sizeof(v->id), "%lld", (long long)c->me.id);
	v->admin = auth_is_admin(&c->me) ? "true" : "false";
}

static json_t *
json_from_text(const char *s)
{
	json_error_t	err;

	return (s ? json_loads(s, 0, &err) : json_array());
}

/* What placeholders of hidden questions and answers leave out. */
static const char *const QUESTION_HIDDEN_FIELDS[] = { "title", "body",
    "html", "tags", NULL };
static const char *const ANSWER_HIDDEN_FIELDS[] = { "body", "html", NULL };

/* The item, or a placeholder when it is hidden from the viewer; NULL when
 * out of memory. */
static json_t *
qa_redacted(json_t *item, int hidden, const char *note,
    const char *const *fields)
{
	if (moderation_redact(item, hidden, note, fields) != 0) {
		json_decref(item);
		return (NULL);
	}
	return (item);
}

json_t *
question_json(struct ctx *c, int row)
{
	return (qa_redacted(json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:I, s:I, s:o, "
	    "s:s, s:I, s:I, s:b}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "community", db_value(c, row, 1),
	    "author", userref_json(c, row, 10),
	    "title", db_value(c, row, 2),
	    "body", db_value(c, row, 3),
	    "html", db_value(c, row, 4),
	    "tags", json_from_text(db_value(c, row, 5)),
	    "score", (json_int_t)db_int(c, row, 6),
	    "answer_count", (json_int_t)db_int(c, row, 7),
	    "accepted_answer_id", db_isnull(c, row, 8) ? json_null() :
	    json_integer(db_int(c, row, 8)),
	    "created_at", db_value(c, row, 9),
	    "customer_links", (json_int_t)db_int(c, row, 18),
	    "my_vote", (json_int_t)db_int(c, row, 15),
	    "hidden", db_bool(c, row, 17)), db_bool(c, row, 17),
	    db_value(c, row, 19), QUESTION_HIDDEN_FIELDS));
}

static json_t *
answer_json(struct ctx *c, int row)
{
	return (qa_redacted(json_pack("{s:I, s:I, s:o, s:s, s:s, s:I, s:b, "
	    "s:s, s:I, s:b}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "question_id", (json_int_t)db_int(c, row, 1),
	    "author", userref_json(c, row, 7),
	    "body", db_value(c, row, 2),
	    "html", db_value(c, row, 3),
	    "score", (json_int_t)db_int(c, row, 4),
	    "accepted", db_bool(c, row, 5),
	    "created_at", db_value(c, row, 6),
	    "my_vote", (json_int_t)db_int(c, row, 12),
	    "hidden", db_bool(c, row, 13)), db_bool(c, row, 13),
	    db_value(c, row, 14), ANSWER_HIDDEN_FIELDS));
}

int
question_load(struct ctx *c, int64_t id, json_t **out)
{
	struct viewer	 v;
	char		 idbuf[24];
	const char	*p[3] = { v.id, NULL, idbuf };

	*out = NULL;
	viewer_init(c, &v);
	p[1] = v.admin;
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (db_query(c, SQL_QUESTION_GET, 3, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such question."));
	if ((*out = question_json(c, 0)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* Sets c->out to {"question": Question}. */
static int
question_reply(struct ctx *c, int64_t id)
{
	json_t	*q;

	if (question_load(c, id, &q) != 200)
		return (c->status);
	if ((c->out = json_pack("{s:o}", "question", q)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}


/* Renders text as safe HTML with links for the mentions of people who
 * exist. *html is malloc'd (the caller frees it). */
static int
qa_render(struct ctx *c, const char *text, char **html)
{
	json_t		*mentions = NULL, *tags = NULL, *known = NULL;
	char		*wanted = NULL;
	const char	*p[1];

	*html = NULL;
	if ((mentions = json_array()) == NULL ||
	    (tags = json_array()) == NULL ||
	    text_extract(text, strlen(text), mentions, tags) != 0 ||
	    (wanted = json_dumps(mentions, JSON_COMPACT)) == NULL) {
		ctx_fail(c, 500, NULL, NULL, NULL);
		goto out;
	}
	p[0] = wanted;
	if (db_query(c, SQL_KNOWN_HANDLES, 1, p) != 200)
		goto out;
	if ((known = json_from_text(db_value(c, 0, 0))) == NULL ||
	    (*html = text_render_html(text, strlen(text), text_known_handle,
	    known)) == NULL)
		ctx_fail(c, 500, NULL, NULL, NULL);
out:
	json_decref(mentions);
	json_decref(tags);
	json_decref(known);
	free(wanted);
	return (c->status);
}

int
question_create(struct ctx *c, int64_t community_id, const char *title,
    const char *body, const char *tags_json, int64_t *id)
{
	char		 community[24], me[24], *html = NULL;
	const char	*p[6];

	*id = 0;
	if (qa_render(c, body, &html) != 200)
		return (c->status);
	(void)snprintf(community, sizeof(community), "%lld",
	    (long long)community_id);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = community;
	p[1] = me;
	p[2] = title;
	p[3] = body;
	p[4] = html;
	p[5] = tags_json;
	if (db_query(c, SQL_QUESTION_INSERT, 6, p) == 200) {
		*id = db_int(c, 0, 0);
		p[0] = db_value(c, 0, 0);
		(void)db_query(c, SQL_NOTIFY_EXPERTS, 1, p);
	}
	free(html);
	return (c->status);
}

/* Normalises one tag in place: an optional leading '#' dropped, ASCII
 * lower-cased. 1 when it is then a tag text_extract would produce. */
static int
qa_tag_normalise(char *tag, size_t len)
{
	if (tag[0] == '#')
		memmove(tag, tag + 1, len);	/* with the NUL */
	text_lower(tag);
	return (text_valid_tag(tag));
}

/* The "tags" field: absent or null is none; otherwise an array of at most
 * QA_TAGS_MAX tags, normalised and without repeats. *out is malloc'd JSON
 * text. */
static int
qa_tags_input(struct ctx *c, char **out)
{
	json_t		*in, *tags, *v, *w;
	char		 tag[256];
	size_t		 i, j, len;

	*out = NULL;
	in = json_object_get(c->in, "tags");
	if ((tags = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	if (in != NULL && !json_is_null(in) && (!json_is_array(in) ||
	    json_array_size(in) > QA_TAGS_MAX))
		goto bad;
	json_array_foreach(in, i, v) {
		if (!json_is_string(v) || (len = json_string_length(v)) == 0 ||
		    len >= sizeof(tag) || strlen(json_string_value(v)) != len)
			goto bad;
		memcpy(tag, json_string_value(v), len + 1);
		if (!qa_tag_normalise(tag, len))
			goto bad;
		json_array_foreach(tags, j, w)
			if (strcmp(json_string_value(w), tag) == 0)
				break;
		if (j == json_array_size(tags))
			json_array_append_new(tags, json_string(tag));
	}
	*out = json_dumps(tags, JSON_COMPACT);
	json_decref(tags);
	return (*out ? HTTP_STATUS_OK : ctx_fail(c, 500, NULL, NULL, NULL));
bad:
	json_decref(tags);
	return (ctx_fail(c, 422, NULL, "tags", "tags is a list of at most 5 "
	    "tags: letters, digits and '_', up to 50 characters each."));
}

/* Looks a community up by slug: its id (text) and whether the caller may
 * read it (can_read) and is an active member (active). 404 when missing. */
static int
qa_community(struct ctx *c, const char *slug, char *id, size_t len,
    int *can_read, int *active)
{
	char		 me[24];
	const char	*p[2] = { slug, me }, *status;

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (db_query(c, SQL_COMMUNITY_ACCESS, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such community."));
	kore_strlcpy(id, db_value(c, 0, 0), len);
	status = db_value(c, 0, 2);
	*active = status != NULL && strcmp(status, "active") == 0;
	*can_read = *active || auth_is_admin(&c->me) ||
	    strcmp(db_value(c, 0, 1), "open") == 0;
	return (HTTP_STATUS_OK);
}

static int
question_ask(struct ctx *c, const char *slug)
{
	static const char *const allowed[] = { "title", "body", "tags", NULL };
	const char	*title, *body;
	char		 community[24], *tags = NULL;
	int64_t		 id;
	int		 can_read, active;

	if (qa_community(c, slug, community, sizeof(community), &can_read,
	    &active) != 200)
		return (c->status);
	if (!active)
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only the community's members can ask; join it first."));
	if (body_json(c) != 200 || body_only_keys(c, allowed) != 200 ||
	    body_string(c, "title", 1, QA_TITLE_MIN, QA_TITLE_MAX, &title,
	    NULL) != 200)
		return (c->status);
	if (text_blank(title))
		return (ctx_fail(c, 422, NULL, "title", "The title is blank."));
	if (body_string(c, "body", 1, 1, QA_BODY_MAX, &body, NULL) != 200)
		return (c->status);
	if (text_blank(body))
		return (ctx_fail(c, 422, NULL, "body", "The body is blank."));
	if (qa_tags_input(c, &tags) != 200)
		return (c->status);
	if (db_begin(c) == 200 && question_create(c, strtoll(community, NULL,
	    10), title, body, tags, &id) == 200 && db_commit(c) == 200 &&
	    question_reply(c, id) == 200)
		c->status = HTTP_STATUS_CREATED;
	free(tags);
	return (c->status);
}

/* The list's filters from the query string. community_id is NULL for all
 * communities. */
struct qa_filter {
	char		 community[24];
	char		 tag[256];
	char		 status[16];
	int		 votes;
	const char	*community_id;
	const char	*tag_param;
};

static int
qa_filter_parse(struct ctx *c, const char *slug, struct qa_filter *f)
{
	char	buf[64];
	int	can_read, active, r;

	/* An empty parameter is the same as none. */
	memset(f, 0, sizeof(*f));
	if (slug == NULL &&
	    (r = query_param(c->req, "community", buf, sizeof(buf))) != 0) {
		if (r < 0)
			return (ctx_fail(c, 404, NULL, NULL,
			    "No such community."));
		slug = buf[0] != '\0' ? buf : NULL;
	}
	if (slug != NULL) {
		if (qa_community(c, slug, f->community, sizeof(f->community),
		    &can_read, &active) != 200)
			return (c->status);
		if (!can_read)
			return (ctx_fail(c, 403, NULL, NULL, "Only members "
			    "read the questions of a closed community."));
		f->community_id = f->community;
	}
	if ((r = query_param(c->req, "tag", f->tag, sizeof(f->tag))) < 0 ||
	    (r == 1 && f->tag[0] != '\0' &&
	    !qa_tag_normalise(f->tag, strlen(f->tag))))
		return (ctx_fail(c, 422, NULL, "tag", "Not a tag."));
	f->tag_param = f->tag[0] != '\0' ? f->tag : NULL;
	if (query_param(c->req, "status", f->status, sizeof(f->status)) < 0 ||
	    (f->status[0] != '\0' && strcmp(f->status, "unanswered") != 0 &&
	    strcmp(f->status, "answered") != 0 &&
	    strcmp(f->status, "accepted") != 0))
		return (ctx_fail(c, 422, NULL, "status", "status is "
		    "\"unanswered\", \"answered\" or \"accepted\"."));
	if (query_param(c->req, "sort", buf, sizeof(buf)) < 0 ||
	    (buf[0] != '\0' && strcmp(buf, "newest") != 0 &&
	    strcmp(buf, "votes") != 0))
		return (ctx_fail(c, 422, NULL, "sort",
		    "sort is \"newest\" or \"votes\"."));
	f->votes = strcmp(buf, "votes") == 0;
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/questions and /api/v1/communities/{slug}/questions. Pages
 * are keyset on (created_at, id) when newest first and (score, id) by
 * votes. */
static int
question_list(struct ctx *c, const char *slug)
{
	struct qa_filter f;
	struct viewer	 v;
	char		 k1[24], k2[24], lim[24];
	const char	*p[8];
	json_t		*items;
	int64_t		 key1, key2;
	long		 limit;
	int		 i, rows, has_cursor, last;

	if (page_params(c, &limit, &has_cursor, &key1, &key2) != 200 ||
	    qa_filter_parse(c, slug, &f) != 200)
		return (c->status);
	viewer_init(c, &v);
	(void)snprintf(k1, sizeof(k1), "%lld", (long long)key1);
	(void)snprintf(k2, sizeof(k2), "%lld", (long long)key2);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	p[0] = v.id;
	p[1] = v.admin;
	p[2] = f.community_id;
	p[3] = f.tag_param;
	p[4] = f.status;
	p[5] = has_cursor ? k1 : f.votes ? QA_START_MAX : QA_START_US;
	p[6] = has_cursor ? k2 : QA_START_MAX;
	p[7] = lim;
	if (db_query(c, f.votes ? SQL_QUESTIONS_VOTES : SQL_QUESTIONS_NEWEST,
	    8, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, question_json(c, i));
	last = (int)limit - 1;
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, last, f.votes ? 6 : 16), db_int(c, last, 0)));
}

/* GET|POST /api/v1/communities/{slug}/questions: list, ask */
int
api_community_questions(struct http_request *req)
{
	struct ctx	c;
	char		slug[64];

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_POST,
	    "GET, POST") != 200)
		return (ctx_finish(&c));
	if (!path_segment(req, 3, slug, sizeof(slug)))
		ctx_fail(&c, 404, NULL, NULL, "No such community.");
	else if (req->method == HTTP_METHOD_GET)
		(void)question_list(&c, slug);
	else
		(void)question_ask(&c, slug);
	return (ctx_finish(&c));
}

/* GET /api/v1/questions?community=&tag=&status=&sort=&cursor=&limit= */
int
api_questions(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)question_list(&c, NULL);
	return (ctx_finish(&c));
}

static int
question_similar(struct ctx *c)
{
	struct qa_filter f;
	struct viewer	 v;
	char		 title[QA_SIMILAR_TITLE_MAX * 4 + 1];
	const char	*p[4];
	json_t		*items;
	int		 i, r;

	if ((r = query_param(c->req, "title", title, sizeof(title))) < 0 ||
	    (r == 1 &&
	    utf8_length(title, strlen(title)) > QA_SIMILAR_TITLE_MAX))
		return (ctx_fail(c, 422, NULL, "title",
		    "The title is too long."));
	if (r == 0 || text_blank(title))
		return (ctx_fail(c, 422, NULL, "title",
		    "A title is required."));
	if (qa_filter_parse(c, NULL, &f) != 200)
		return (c->status);
	viewer_init(c, &v);
	p[0] = v.id;
	p[1] = v.admin;
	p[2] = f.community_id;
	p[3] = title;
	if (db_query(c, SQL_SIMILAR, 4, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	for (i = 0; i < db_rows(c); i++)
		json_array_append_new(items, json_pack(
		    "{s:I, s:s, s:I, s:I, s:b, s:s}",
		    "id", (json_int_t)db_int(c, i, 0),
		    "title", db_value(c, i, 1),
		    "score", (json_int_t)db_int(c, i, 2),
		    "answer_count", (json_int_t)db_int(c, i, 3),
		    "accepted", db_bool(c, i, 4),
		    "community", db_value(c, i, 5)));
	if ((c->out = json_pack("{s:o}", "items", items)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/questions/similar?title=&community= -> {"items": [5 best]} */
int
api_questions_similar(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)question_similar(&c);
	return (ctx_finish(&c));
}

/* The numeric {id} in /api/v1/questions/{id}... and /api/v1/answers/{id}...;
 * 404 when it is not one. */
static int
qa_id_param(struct ctx *c, char *id, size_t len)
{
	int64_t	n;

	if (!path_segment(c->req, 3, id, len) || !parse_id(id, &n))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static int
question_thread(struct ctx *c, const char *id)
{
	struct viewer	 v;
	const char	*p[2];
	json_t		*question, *answers;
	int		 i;

	if (question_load(c, strtoll(id, NULL, 10), &question) != 200)
		return (c->status);
	viewer_init(c, &v);
	p[0] = v.id;
	p[1] = id;
	if (db_query(c, SQL_ANSWERS, 2, p) != 200 ||
	    (answers = json_array()) == NULL) {
		json_decref(question);
		return (c->status == 200 ? ctx_fail(c, 500, NULL, NULL, NULL) :
		    c->status);
	}
	for (i = 0; i < db_rows(c); i++)
		json_array_append_new(answers, answer_json(c, i));
	if ((c->out = json_pack("{s:o, s:o}", "question", question, "answers",
	    answers)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/questions/{id} -> {"question", "answers"} */
int
api_question(struct http_request *req)
{
	struct ctx	c;
	char		id[24];

	ctx_init(&c, req);
	db_generic_plans(&c);
	if (auth_require(&c) != 200)
		return (ctx_finish(&c));
	if (req->method != HTTP_METHOD_GET)
		ctx_method_not_allowed(&c, "GET");
	else if (qa_id_param(&c, id, sizeof(id)) == 200)
		(void)question_thread(&c, id);
	return (ctx_finish(&c));
}

/*
 * Loads a write's target with sql (one of the *_TARGET statements) and
 * locks it; 404 when it is missing, deleted, hidden or unreadable to the
 * caller, 403 when readable but not open to the caller's writes.
 */
static int
qa_target(struct ctx *c, const char *sql, const char *id,
    struct qa_target *t)
{
	char		 me[24];
	const char	*p[2] = { me, id }, *role, *status;

	memset(t, 0, sizeof(*t));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (db_begin(c) != 200 || db_query(c, sql, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	kore_strlcpy(t->question, db_value(c, 0, 0), sizeof(t->question));
	kore_strlcpy(t->item_author, db_value(c, 0, 1), sizeof(t->item_author));
	kore_strlcpy(t->community, db_value(c, 0, 2), sizeof(t->community));
	t->closed = strcmp(db_value(c, 0, 3), "closed") == 0;
	role = db_value(c, 0, 4);
	status = db_value(c, 0, 5);
	kore_strlcpy(t->title, db_value(c, 0, 6), sizeof(t->title));
	if (!db_isnull(c, 0, 7))
		kore_strlcpy(t->accepted, db_value(c, 0, 7),
		    sizeof(t->accepted));
	kore_strlcpy(t->asker, db_value(c, 0, 8), sizeof(t->asker));
	t->active = status != NULL && strcmp(status, "active") == 0;
	t->manager = auth_is_admin(&c->me) ||
	    (t->active && strcmp(role, "manager") == 0);
	if (t->closed && !t->active)
		return (auth_is_admin(&c->me) ? ctx_fail(c, 403, NULL, NULL,
		    "Only the community's members can do that; join first.") :
		    ctx_fail(c, 404, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

static int
answer_create(struct ctx *c, const char *qid)
{
	static const char *const allowed[] = { "body", NULL };
	struct qa_target t;
	const char	*body, *p[4];
	char		 me[24], aid[24], *html = NULL;
	json_t		*answer;

	if (body_json(c) != 200 || body_only_keys(c, allowed) != 200 ||
	    body_string(c, "body", 1, 1, QA_BODY_MAX, &body, NULL) != 200)
		return (c->status);
	if (text_blank(body))
		return (ctx_fail(c, 422, NULL, "body", "The answer is blank."));
	if (qa_target(c, SQL_QUESTION_TARGET, qid, &t) != 200)
		return (c->status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = t.community;
	p[1] = me;
	if ((!t.active && db_query(c, SQL_JOIN_OPEN, 2, p) != 200) ||
	    qa_render(c, body, &html) != 200)
		goto out;
	p[0] = qid;
	p[1] = me;
	p[2] = body;
	p[3] = html;
	if (db_query(c, SQL_ANSWER_INSERT, 4, p) != 200)
		goto out;
	kore_strlcpy(aid, db_value(c, 0, 0), sizeof(aid));
	p[0] = me;
	p[1] = aid;
	if (db_commit(c) != 200 || db_query(c, SQL_ANSWER_GET, 2, p) != 200)
		goto out;
	if (db_rows(c) != 1 || (answer = answer_json(c, 0)) == NULL ||
	    (c->out = json_pack("{s:o}", "answer", answer)) == NULL) {
		ctx_fail(c, 500, NULL, NULL, NULL);
		goto out;
	}
	c->status = HTTP_STATUS_CREATED;
out:
	free(html);
	return (c->status);
}

/* POST /api/v1/questions/{id}/answers {body} -> 201 {"answer"} */
int
api_question_answers(struct http_request *req)
{
	struct ctx	c;
	char		id[24];

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200 &&
	    qa_id_param(&c, id, sizeof(id)) == 200)
		(void)answer_create(&c, id);
	return (ctx_finish(&c));
}

/*
 * One vote per person and item: 1 or -1 sets it, 0 removes it; never on
 * one's own item (422 field value). The target's row lock serialises
 * voters, and the score is recounted under it.
 */
static int
qa_vote(struct ctx *c, int answer)
{
	static const char *const allowed[] = { "value", NULL };
	struct qa_target t;
	char		 id[24], me[24], value[8];
	const char	*p[3] = { id, me, value };
	int64_t		 v;

	if (qa_id_param(c, id, sizeof(id)) != 200 || body_json(c) != 200 ||
	    body_only_keys(c, allowed) != 200 ||
	    body_int(c, "value", 1, -1, 1, &v, NULL) != 200)
		return (c->status);
	if (qa_target(c, answer ? SQL_ANSWER_TARGET_VOTE : SQL_QUESTION_TARGET,
	    id, &t) != 200)
		return (c->status);
	if (strtoll(t.item_author, NULL, 10) == c->me.id)
		return (ctx_fail(c, 422, NULL, "value",
		    "You cannot vote on your own question or answer."));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(value, sizeof(value), "%d", (int)v);
	if (v == 0) {
		if (db_query(c, answer ? SQL_ANSWER_VOTE_DELETE :
		    SQL_QUESTION_VOTE_DELETE, 2, p) != 200)
			return (c->status);
	} else if (db_query(c, answer ? SQL_ANSWER_VOTE_SET :
	    SQL_QUESTION_VOTE_SET, 3, p) != 200)
		return (c->status);
	if (db_query(c, answer ? SQL_ANSWER_SCORE : SQL_QUESTION_SCORE, 1,
	    p) != 200)
		return (c->status);
	c->out = json_pack("{s:I, s:I}", "score", (json_int_t)db_int(c, 0, 0),
	    "my_vote", (json_int_t)v);
	if (db_commit(c) != 200)
		return (c->status);
	return (c->out ? HTTP_STATUS_OK : ctx_fail(c, 500, NULL, NULL, NULL));
}

/* POST /api/v1/questions/{id}/votes {value} -> {"score", "my_vote"} */
int
api_question_votes(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200)
		(void)qa_vote(&c, 0);
	return (ctx_finish(&c));
}

/* POST /api/v1/answers/{id}/votes {value} -> {"score", "my_vote"} */
int
api_answer_votes(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200)
		(void)qa_vote(&c, 1);
	return (ctx_finish(&c));
}

/*
 * Accepting (POST) or withdrawing the acceptance (DELETE) of an answer:
 * the asker, the community's managers, admins. One accepted answer per
 * question: accepting another switches it; accepting the same one again
 * changes nothing and notifies no one.
 */
static int
answer_accept(struct ctx *c, int accept)
{
	struct qa_target t;
	char		 id[24], me[24];
	const char	*p[4];

	if (qa_id_param(c, id, sizeof(id)) != 200 ||
	    qa_target(c, SQL_ANSWER_TARGET_ACCEPT, id, &t) != 200)
		return (c->status);
	if (strtoll(t.asker, NULL, 10) != c->me.id && !t.manager)
		return (ctx_fail(c, 403, NULL, NULL, "Only the asker or the "
		    "community's managers can accept an answer."));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = t.question;
	p[1] = id;
	p[2] = t.item_author;
	p[3] = me;
	if (accept && strcmp(t.accepted, id) != 0) {
		if (db_query(c, SQL_ACCEPT, 4, p) != 200)
			return (c->status);
	} else if (!accept && db_query(c, SQL_UNACCEPT, 2, p) != 200)
		return (c->status);
	if (db_commit(c) != 200)
		return (c->status);
	return (question_reply(c, strtoll(t.question, NULL, 10)));
}

/* POST|DELETE /api/v1/answers/{id}/accept -> {"question"} */
int
api_answer_accept(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_POST | HTTP_METHOD_DELETE,
	    "POST, DELETE") == 200)
		(void)answer_accept(&c, req->method == HTTP_METHOD_POST);
	return (ctx_finish(&c));
}
