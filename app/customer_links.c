/*
 * Customer conversations tied to internal content (issue 5): links from a
 * conversation to posts, questions and communities, escalation of a
 * conversation into a new question that quotes the customer (quote.c makes
 * the quote inert), and the reverse lookup "which conversations are tied to
 * this item". The collaboration a conversation drew is computed from these
 * links by customer_collaboration() in sql/0010_customer_collab.sql.
 *
 * Rules:
 *   who       admins, community managers and analysts read links; admins
 *             and community managers link, unlink and escalate.
 *   targets   a live item the caller may see: not deleted, not hidden, and
 *             not in a closed community the caller is not an active member
 *             of (admins see every community). Anything else is 422 field
 *             "id", the same as an id that never existed.
 *   again     linking what is already linked changes nothing and answers
 *             200 with the existing link (201 when it is new).
 *   titles    are read live: a post's first 80 characters, a question's
 *             title, a community's name; null (with "available": false)
 *             when the item has since gone or the viewer may not see it.
 * Every change writes the audit log in the same transaction as itself.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define ESCALATE_TITLE_MIN	10
#define ESCALATE_TITLE_MAX	200
#define QUESTION_BODY_MAX	20000	/* as when asking (qa.c) */
#define ESCALATE_QUOTE_ROOM	1000	/* kept for the customer's words */
#define ESCALATE_BODY_MAX	(QUESTION_BODY_MAX - ESCALATE_QUOTE_ROOM)
#define ESCALATE_MESSAGES_MAX	200	/* inbound messages quoted at most */

static const char *const LINK_TYPES[] = { "post", "question", "community",
    NULL };

/* $1 the viewer, $2 whether the viewer is an admin; c a community. */
#define LINK_READABLE \
    "(c.visibility = 'open' OR $2::boolean OR EXISTS (SELECT 1 " \
    "  FROM community_members cm WHERE cm.community_id = c.id " \
    "  AND cm.user_id = $1 AND cm.status = 'active')) "

/*
 * The title of item (t, i) as the viewer ($1, $2) sees it, or NULL when it
 * is missing, deleted, hidden or in a community the viewer cannot read.
 */
#define LINK_TITLE(t, i) \
    "CASE " t " WHEN 'post' THEN (SELECT CASE WHEN char_length(x.s) > 80 " \
    "  THEN left(x.s, 79) || '…' ELSE x.s END FROM posts p " \
    "  LEFT JOIN communities c ON c.id = p.community_id, " \
    "  LATERAL (SELECT regexp_replace(btrim(p.body), '[[:space:]]+', ' ', " \
    "  'g') AS s) x WHERE p.id = " i " AND p.deleted_at IS NULL " \
    "  AND NOT p.hidden AND (c.id IS NULL OR " LINK_READABLE ")) " \
    "WHEN 'question' THEN (SELECT q.title FROM questions q " \
    "  JOIN communities c ON c.id = q.community_id WHERE q.id = " i \
    "  AND q.deleted_at IS NULL AND NOT q.hidden AND " LINK_READABLE ") " \
    "WHEN 'community' THEN (SELECT c.name FROM communities c " \
    "  WHERE c.id = " i " AND " LINK_READABLE ") END "

/* $3 conversation, $4/$5 one link (type, id) or NULL for all of them. */
static const char SQL_LINKS[] =
    "SELECT l.target_type, l.target_id, l.via, api_time(l.linked_at), "
    "u.id, u.handle, u.display_name, u.title, u.department, "
    LINK_TITLE("l.target_type", "l.target_id")
    "FROM customer_links l JOIN users u ON u.id = l.linked_by "
    "WHERE l.conversation_id = $3 AND ($4::text IS NULL OR "
    "  (l.target_type = $4 AND l.target_id = $5::bigint)) "
    "ORDER BY l.linked_at, l.target_type, l.target_id LIMIT 1000";
/* $3 type, $4 id. */
static const char SQL_TARGET_TITLE[] =
    "SELECT " LINK_TITLE("$3::text", "$4::bigint");
static const char SQL_CONV_EXISTS[] =
    "SELECT id FROM customer_conversations WHERE id = $1";
/* Held until commit, so links never point at a conversation mid-change. */
static const char SQL_CONV_LOCK[] =
    "SELECT v.id, h.name, h.kind FROM customer_conversations v "
    "JOIN customer_channels h ON h.id = v.channel_id WHERE v.id = $1 "
    "FOR KEY SHARE OF v";
static const char SQL_LINK_INSERT[] =
    "INSERT INTO customer_links (conversation_id, target_type, target_id, "
    "linked_by, via) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT DO NOTHING RETURNING via";
static const char SQL_LINK_DELETE[] =
    "DELETE FROM customer_links WHERE conversation_id = $1 "
    "AND target_type = $2 AND target_id = $3 RETURNING via";

/* The community escalated into, with the caller's membership ($2). */
static const char SQL_COMMUNITY[] =
    "SELECT c.id, c.visibility, m.status FROM communities c "
    "LEFT JOIN community_members m ON m.community_id = c.id "
    "  AND m.user_id = $2 WHERE c.slug = $1";
static const char SQL_JOIN_OPEN[] =
    "INSERT INTO community_members (community_id, user_id) "
    "VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_INBOUND[] =
    "SELECT author, body, api_time(sent_at) FROM customer_messages "
    "WHERE conversation_id = $1 AND direction = 'inbound' "
    "ORDER BY sent_at, id LIMIT $2";
/* The community's managers hear of an escalation into it. */
static const char SQL_NOTIFY_MANAGERS[] =
    "SELECT notify(m.user_id, 'escalation', $2, 'question', $3, $4) "
    "FROM community_members m WHERE m.community_id = $1 "
    "AND m.role = 'manager' AND m.status = 'active'";

/* $1 type, $2 id; $3 limit + 1, $4/$5 the keyset (NULL: from the newest). */
static const char SQL_LINKED[] =
    "SELECT " CONVERSATION_COLUMNS CONVERSATION_FROM
    "JOIN customer_links l ON l.conversation_id = v.id "
    "WHERE l.target_type = $1 AND l.target_id = $2::bigint "
    "AND ($4::bigint IS NULL OR (v.opened_at, v.id) < "
    "  (timestamptz 'epoch' + $4::bigint * interval '1 microsecond', "
    "  $5::bigint)) "
    "ORDER BY v.opened_at DESC, v.id DESC LIMIT $3";

/* The viewer as the first two parameters of the LINK_TITLE queries. */
struct viewer {
	char		 id[24];
	const char	*admin;
};

static void
viewer_init(struct ctx *c, struct viewer *v)
{
	(void)snprintf(v->id, sizeof(v->id), "%lld", (long long)c->me.id);
	v->admin = auth_is_admin(&c->me) ? "true" : "false";
}

static void
int_text(char buf[24], int64_t v)
{
	(void)snprintf(buf, 24, "%lld", (long long)v);
}

static int
link_type_known(const char *type)
{
	int	i;

	for (i = 0; LINK_TYPES[i] != NULL; i++)
		if (strcmp(type, LINK_TYPES[i]) == 0)
			return (1);
	return (0);
}

/* The conversation id of .../conversations/{id}/...; 404 otherwise. */
static int
conversation_param(struct ctx *c, char out[24])
{
	int64_t	id;

	if (!path_segment(c->req, 4, out, 24) || !parse_id(out, &id))
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	return (HTTP_STATUS_OK);
}

/* 200 when the conversation exists, else 404. */
static int
conversation_exists(struct ctx *c, const char *id)
{
	const char	*p[1] = { id };

	if (db_query(c, SQL_CONV_EXISTS, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	return (HTTP_STATUS_OK);
}

static json_t *
link_json(struct ctx *c, int row)
{
	const char	*title = db_value(c, row, 9);

	return (json_pack("{s:s, s:I, s:s?, s:o, s:s, s:s, s:b}",
	    "type", db_value(c, row, 0),
	    "id", (json_int_t)db_int(c, row, 1),
	    "title", title,
	    "linked_by", userref_json(c, row, 4),
	    "linked_at", db_value(c, row, 3),
	    "via", db_value(c, row, 2),
	    "available", title != NULL));
}

/*
 * The links of a conversation (type and target NULL) or one of them, as
 * the caller sees them, into *out (a new array the caller owns).
 */
static int
links_load(struct ctx *c, const char *conv, const char *type,
    const char *target, json_t **out)
{
	struct viewer	 v;
	const char	*p[5];
	json_t		*items;
	int		 i;

	*out = NULL;
	viewer_init(c, &v);
	p[0] = v.id;
	p[1] = v.admin;
	p[2] = conv;
	p[3] = type;
	p[4] = target;
	if (db_query(c, SQL_LINKS, 5, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	for (i = 0; i < db_rows(c); i++)
		if (json_array_append_new(items, link_json(c, i)) != 0) {
			json_decref(items);
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		}
	*out = items;
	return (HTTP_STATUS_OK);
}

int
customer_links_load(struct ctx *c, const char *conv, json_t **out)
{
	return (links_load(c, conv, NULL, NULL, out));
}

/* Sets *visible to whether (type, id) is an item the caller may see. */
static int
target_visible(struct ctx *c, const char *type, const char *id,
    int *visible)
{
	struct viewer	 v;
	const char	*p[4];

	*visible = 0;
	viewer_init(c, &v);
	p[0] = v.id;
	p[1] = v.admin;
	p[2] = type;
	p[3] = id;
	if (db_query(c, SQL_TARGET_TITLE, 4, p) != 200)
		return (c->status);
	*visible = db_rows(c) == 1 && !db_isnull(c, 0, 0);
	return (HTTP_STATUS_OK);
}

/* Reads {type, id} of a link to make. */
static int
link_input(struct ctx *c, const char **type, char id[24])
{
	static const char *const keys[] = { "type", "id", NULL };
	int64_t	target;

	if (body_json(c) != 200 || body_only_keys(c, keys) != 200 ||
	    body_string(c, "type", 1, 1, 16, type, NULL) != 200)
		return (c->status);
	if (!link_type_known(*type))
		return (ctx_fail(c, 422, NULL, "type",
		    "type is \"post\", \"question\" or \"community\"."));
	if (body_int(c, "id", 1, 1, INT64_MAX, &target, NULL) != 200)
		return (c->status);
	int_text(id, target);
	return (HTTP_STATUS_OK);
}

/* Writes "customer.link"/"customer.unlink" for conversation conv. */
static int
link_audit(struct ctx *c, const char *action, const char *conv,
    const char *type, const char *id, const char *via)
{
	char	reason[96];

	(void)snprintf(reason, sizeof(reason), "%s %s%s", type, id,
	    strcmp(via, "escalation") == 0 ? " (escalation)" : "");
	return (audit_write(c, action, "customer_conversation", conv, reason));
}

/* POST .../links {type, id} -> 201 {"link"} (200 when already linked) */
static int
link_create(struct ctx *c, const char *conv)
{
	const char	*type, *p[5];
	char		 id[24], me[24];
	json_t		*links;
	int		 created, visible;

	if (link_input(c, &type, id) != 200 || db_begin(c) != 200)
		return (c->status);
	p[0] = conv;
	if (db_query(c, SQL_CONV_LOCK, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	if (target_visible(c, type, id, &visible) != 200)
		return (c->status);
	if (!visible)
		return (ctx_fail(c, 422, NULL, "id", "There is no such item, "
		    "or it cannot be linked."));
	int_text(me, c->me.id);
	p[1] = type;
	p[2] = id;
	p[3] = me;
	p[4] = "link";
	if (db_query(c, SQL_LINK_INSERT, 5, p) != 200)
		return (c->status);
	created = db_rows(c) == 1;
	if (created && link_audit(c, "customer.link", conv, type, id,
	    "link") != 200)
		return (c->status);
	if (db_commit(c) != 200 || links_load(c, conv, type, id, &links) != 200)
		return (c->status);
	if (json_array_size(links) != 1 || (c->out = json_pack("{s:O}", "link",
	    json_array_get(links, 0))) == NULL) {
		json_decref(links);
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	}
	json_decref(links);
	c->status = created ? HTTP_STATUS_CREATED : HTTP_STATUS_OK;
	return (c->status);
}

/* GET .../links -> {"items": [link]} */
static int
link_list(struct ctx *c, const char *conv)
{
	json_t	*links;

	if (conversation_exists(c, conv) != 200 ||
	    links_load(c, conv, NULL, NULL, &links) != 200)
		return (c->status);
	if ((c->out = json_pack("{s:o}", "items", links)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* GET|POST /api/v1/customer/conversations/{id}/links */
int
api_customer_links(struct http_request *req)
{
	struct ctx	c;
	char		conv[24];

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_POST,
	    "GET, POST") != 200)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_GET) {
		if (customer_reader(&c) == 200 &&
		    conversation_param(&c, conv) == 200)
			(void)link_list(&c, conv);
	} else if (customer_actor(&c) == 200 &&
	    conversation_param(&c, conv) == 200)
		(void)link_create(&c, conv);
	return (ctx_finish(&c));
}

/* DELETE /api/v1/customer/conversations/{id}/links/{type}/{target} -> 204;
 * 404 when there is no such link (or conversation). */
int
api_customer_link(struct http_request *req)
{
	struct ctx	 c;
	char		 conv[24], type[16], id[24];
	const char	*p[3] = { conv, type, id };
	char		 via[16];
	int64_t		 n;

	if (ctx_begin(&c, req, HTTP_METHOD_DELETE, "DELETE") != 200 ||
	    customer_actor(&c) != 200 || conversation_param(&c, conv) != 200)
		return (ctx_finish(&c));
	if (!path_segment(req, 6, type, sizeof(type)) ||
	    !link_type_known(type) || !path_segment(req, 7, id, sizeof(id)) ||
	    !parse_id(id, &n)) {
		ctx_fail(&c, 404, NULL, NULL, "No such link.");
		return (ctx_finish(&c));
	}
	if (db_begin(&c) != 200 || db_query(&c, SQL_LINK_DELETE, 3, p) != 200)
		return (ctx_finish(&c));
	if (db_rows(&c) != 1) {
		ctx_fail(&c, 404, NULL, NULL, "No such link.");
		return (ctx_finish(&c));
	}
	(void)snprintf(via, sizeof(via), "%s", db_value(&c, 0, 0));
	if (link_audit(&c, "customer.unlink", conv, type, id, via) == 200 &&
	    db_commit(&c) == 200)
		c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}

/* ---- escalation -------------------------------------------------------- */

struct escalation {
	const char	*slug, *title, *intro;
	char		 conv[24];
	char		 community[24];
	char		 heading[768];
	char		 marker[256];
	char		*body;		/* malloc'd */
	int64_t		 question;
};

static int
escalate_input(struct ctx *c, struct escalation *e)
{
	static const char *const keys[] = { "community", "title", "body",
	    NULL };

	if (body_json(c) != 200 || body_only_keys(c, keys) != 200 ||
	    body_string(c, "community", 1, 1, 64, &e->slug, NULL) != 200 ||
	    body_string(c, "title", 1, ESCALATE_TITLE_MIN, ESCALATE_TITLE_MAX,
	    &e->title, NULL) != 200)
		return (c->status);
	if (text_blank(e->title))
		return (ctx_fail(c, 422, NULL, "title", "The title is blank."));
	if (body_string(c, "body", 0, 0, ESCALATE_BODY_MAX, &e->intro,
	    NULL) != 200)
		return (c->status);
	return (HTTP_STATUS_OK);
}

/*
 * The community to escalate into, as when asking or answering (qa.c): an
 * open one joins the caller if need be; a closed one takes its active
 * members and admins. Anything else, like a missing slug, is 422
 * "community", so closed communities do not show through.
 */
static int
escalate_community(struct ctx *c, struct escalation *e)
{
	char		 me[24];
	const char	*p[2] = { e->slug, me }, *status;
	int		 open, active;

	int_text(me, c->me.id);
	if (db_query(c, SQL_COMMUNITY, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		goto none;
	status = db_value(c, 0, 2);
	open = strcmp(db_value(c, 0, 1), "open") == 0;
	active = status != NULL && strcmp(status, "active") == 0;
	(void)snprintf(e->community, sizeof(e->community), "%s",
	    db_value(c, 0, 0));
	if (!open && !active && !auth_is_admin(&c->me))
		goto none;
	if (open && !active) {
		p[0] = e->community;
		if (db_query(c, SQL_JOIN_OPEN, 2, p) != 200)
			return (c->status);
	}
	return (HTTP_STATUS_OK);
none:
	return (ctx_fail(c, 422, NULL, "community", "No such community."));
}

/* Builds e->body: the escalator's words, then the customer's, quoted. */
static int
escalate_body(struct ctx *c, struct escalation *e, const char *channel,
    const char *kind)
{
	struct quote_message	 m[ESCALATE_MESSAGES_MAX];
	char			 lim[24];
	const char		*p[2] = { e->conv, lim };
	int			 i, rows;

	int_text(lim, ESCALATE_MESSAGES_MAX + 1);
	(void)snprintf(e->heading, sizeof(e->heading), "Customer conversation "
	    "%s on \xe2\x80\x9c%s\xe2\x80\x9d (%s), in the customer's words:",
	    e->conv, channel, kind);
	(void)snprintf(e->marker, sizeof(e->marker), "[\xe2\x80\xa6] Shortened "
	    "to fit the question; the whole of customer conversation %s is in "
	    "Parley.", e->conv);
	if (db_query(c, SQL_INBOUND, 2, p) != 200)
		return (c->status);
	rows = db_rows(c);
	for (i = 0; i < rows && i < ESCALATE_MESSAGES_MAX; i++) {
		m[i].author = db_value(c, i, 0);
		m[i].text = db_value(c, i, 1);
		m[i].sent_at = db_value(c, i, 2);
	}
	if ((e->body = quote_escalation(e->intro, e->heading, m, (size_t)i,
	    rows > ESCALATE_MESSAGES_MAX, e->marker, QUESTION_BODY_MAX,
	    NULL)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* Everything an escalation writes, in the open transaction. */
static int
escalate_write(struct ctx *c, struct escalation *e)
{
	char		 me[24], qid[24];
	const char	*p[5];

	if (question_create(c, strtoll(e->community, NULL, 10), e->title,
	    e->body, "[]", &e->question) != 200)
		return (c->status);
	int_text(me, c->me.id);
	int_text(qid, e->question);
	p[0] = e->conv;
	p[1] = "question";
	p[2] = qid;
	p[3] = me;
	p[4] = "escalation";
	if (db_query(c, SQL_LINK_INSERT, 5, p) != 200)
		return (c->status);
	p[0] = e->community;
	p[1] = me;
	p[2] = qid;
	p[3] = e->title;
	if (db_query(c, SQL_NOTIFY_MANAGERS, 4, p) != 200)
		return (c->status);
	return (link_audit(c, "customer.escalate", e->conv, "question", qid,
	    "escalation"));
}

static int
escalate(struct ctx *c, struct escalation *e)
{
	char		 channel[512], kind[16];
	const char	*p[1] = { e->conv };
	json_t		*q;

	if (escalate_input(c, e) != 200 || db_begin(c) != 200 ||
	    db_query(c, SQL_CONV_LOCK, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	(void)snprintf(channel, sizeof(channel), "%s", db_value(c, 0, 1));
	(void)snprintf(kind, sizeof(kind), "%s", db_value(c, 0, 2));
	if (escalate_community(c, e) != 200 ||
	    escalate_body(c, e, channel, kind) != 200 ||
	    escalate_write(c, e) != 200 || db_commit(c) != 200 ||
	    question_load(c, e->question, &q) != 200)
		return (c->status);
	if ((c->out = json_pack("{s:o}", "question", q)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	c->status = HTTP_STATUS_CREATED;
	return (c->status);
}

/* POST /api/v1/customer/conversations/{id}/escalate {community, title,
 * body?} -> 201 {"question"} */
int
api_customer_escalate(struct http_request *req)
{
	struct ctx		c;
	struct escalation	e;

	memset(&e, 0, sizeof(e));
	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200 &&
	    customer_actor(&c) == 200 && conversation_param(&c, e.conv) == 200)
		(void)escalate(&c, &e);
	free(e.body);
	return (ctx_finish(&c));
}

/* ---- the other way round ------------------------------------------------ */

/* Reads ?type= and ?id= of GET /api/v1/customer/linked. */
static int
linked_params(struct ctx *c, char *type, size_t typelen, char id[24])
{
	int64_t	n;

	if (query_param(c->req, "type", type, typelen) != 1 ||
	    !link_type_known(type))
		return (ctx_fail(c, 422, NULL, "type",
		    "type is \"post\", \"question\" or \"community\"."));
	if (query_param(c->req, "id", id, 24) != 1 || !parse_id(id, &n))
		return (ctx_fail(c, 422, NULL, "id", "id is an item's id."));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/customer/linked?type=&id= -> a page of the Conversations
 * linked to an item the caller may see (404 otherwise), newest first. */
int
api_customer_linked(struct http_request *req)
{
	struct ctx	 c;
	char		 type[16], id[24], lim[24], at[24], after[24];
	const char	*p[5];
	json_t		*items;
	int64_t		 at_us = 0, key = 0;
	long		 limit;
	int		 i, rows, has_cursor, visible;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    customer_reader(&c) != 200 ||
	    linked_params(&c, type, sizeof(type), id) != 200 ||
	    page_params(&c, &limit, &has_cursor, &at_us, &key) != 200)
		return (ctx_finish(&c));
	if (target_visible(&c, type, id, &visible) != 200)
		return (ctx_finish(&c));
	if (!visible) {
		ctx_fail(&c, 404, NULL, NULL, "No such item.");
		return (ctx_finish(&c));
	}
	int_text(lim, limit + 1);
	int_text(at, at_us);
	int_text(after, key);
	p[0] = type;
	p[1] = id;
	p[2] = lim;
	p[3] = has_cursor ? at : NULL;
	p[4] = has_cursor ? after : NULL;
	if (db_query(&c, SQL_LINKED, 5, p) != 200)
		return (ctx_finish(&c));
	if ((items = json_array()) == NULL) {
		ctx_fail(&c, 500, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	rows = db_rows(&c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, conversation_json(&c, i));
	(void)reply_keyset_page(&c, items, rows > limit,
	    rows > limit ? db_int(&c, (int)limit - 1, 14) : 0,
	    rows > limit ? db_int(&c, (int)limit - 1, 0) : 0);
	return (ctx_finish(&c));
}
