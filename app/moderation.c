/*
 * Moderation (issue 6): flags, the moderators' queue, and their actions.
 * The policy terms are policy.c's, the audit page and the figures
 * modaudit.c's; the tables, the automatic flags (triggers) and the one
 * function that applies an action are in sql/0014_moderation.sql.
 *
 * Who moderates: admins and community_managers everywhere ("global"); a
 * community's active managers the posts, questions and answers of that
 * community. Bookmarks have no community: global moderators only. Anyone
 * else gets 403 from every moderation route; a flag outside a moderator's
 * scope is 404, as if it did not exist.
 *
 * Flags on one target gather into a case; an action on any flag of a
 * target resolves the target's open case with all its flags.
 *
 * JSON (for the pages built on this):
 *
 *   POST /api/v1/flags {target_type: post|question|answer|bookmark,
 *       target_id, reason: harassment|off_topic|sensitive_topic|
 *       confidential|spam|other, note?: <= 1000}
 *     201 {"flag": Flag}; 409 {"error", "existing_id"} when the caller has
 *     an open flag on the target; 422 field target_id when the target does
 *     not exist, is not visible to the caller, is deleted or is hidden.
 *   Flag = {"id", "target": {"type", "id"}, "reason", "note", "status":
 *     "open"|"resolved", "created_at", "automatic": bool,
 *     "flagger": UserRef|null (null: raised by a policy term),
 *     "term": {"pattern", "category"}|null}
 *
 *   GET /api/v1/moderation/queue?status=open|resolved&limit=&cursor=
 *     {"items": [Case], "next_cursor"}; open: oldest first (by the first
 *     flag), resolved: most recently resolved first.
 *   Case = {"id", "status", "opened_at", "resolved_at"|null,
 *     "target": {"type", "id", "title"|null, "excerpt" (<= 300 code
 *       points of the text), "url"|null (bookmarks), "question_id"|null
 *       (answers), "community": slug|null, "hidden", "deleted"},
 *     "author": UserRef|null, "flag_count", "flagger_count" (people),
 *     "reasons": [{"reason", "count"}] (most frequent first),
 *     "flags": [Flag] (oldest first, the first 100; moderators see who
 *       flagged, authors never do),
 *     "resolution": {"action", "reason", "at", "moderator": UserRef}|null}
 *
 *   POST /api/v1/moderation/flags/{id} {action: hide|dismiss|restore,
 *       reason: 1-500}
 *     200 {"action": {"id", "action", "reason", "created_at",
 *       "moderator": UserRef, "case_id"|null, "resolved_flags"},
 *       "target": {"type", "id", "hidden"}}
 *
 * Hidden items everywhere (posts, questions, answers, bookmarks): "hidden":
 * true, and "moderation": {"action": "hide", "reason", "at"} for their
 * author and moderators, who see the content; everyone else gets
 * "moderation": null and the content emptied (a placeholder). See
 * moderation_redact().
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define FLAG_NOTE_MAX		1000
#define ACTION_REASON_MAX	500

static const char *const TARGET_TYPES[] = { "post", "question", "answer",
    "bookmark", NULL };
const char *const MODERATION_REASONS[] = { "harassment", "off_topic",
    "sensitive_topic", "confidential", "spam", "other", NULL };
static const char *const ACTIONS[] = { "hide", "dismiss", "restore", NULL };

static const char SQL_MANAGES[] =
    "SELECT EXISTS (SELECT 1 FROM community_members WHERE user_id = $1 "
    "AND role = 'manager' AND status = 'active')";

/*
 * The target as the flagger may see it: $1 flagger, $2 type, $3 id, $4
 * whether the flagger is an admin. Columns: community, hidden, visible
 * (exists, not deleted, not someone else's private bookmark, in an open
 * community or one the flagger belongs to).
 */
static const char SQL_FLAG_TARGET[] =
    "SELECT t.community_id, t.hidden, NOT t.deleted "
    "AND (NOT t.private OR t.author_id = $1) "
    "AND (t.community_id IS NULL OR c.visibility = 'open' OR $4::boolean "
    "  OR EXISTS (SELECT 1 FROM community_members m "
    "  WHERE m.community_id = t.community_id AND m.user_id = $1 "
    "  AND m.status = 'active')) "
    "FROM moderation_target($2, $3) t "
    "LEFT JOIN communities c ON c.id = t.community_id";
static const char SQL_FLAG_ADD[] =
    "SELECT moderation_flag_add($1, $2, $3, $4, $5, $6, NULL, NULL, NULL)";
static const char SQL_FLAG_OPEN[] =
    "SELECT id FROM moderation_flags WHERE target_type = $1 "
    "AND target_id = $2 AND flagger_id = $3 AND status = 'open'";

#define USERREF_JSON(u) \
    "CASE WHEN " u ".id IS NULL THEN NULL ELSE json_build_object('id', " \
    u ".id, 'handle', " u ".handle, 'display_name', " u ".display_name, " \
    "'title', " u ".title, 'department', " u ".department) END"
#define FLAG_JSON(f, u) \
    "json_build_object('id', " f ".id, 'target', json_build_object(" \
    "'type', " f ".target_type, 'id', " f ".target_id), " \
    "'reason', " f ".reason, 'note', " f ".note, 'status', " f ".status, " \
    "'created_at', api_time(" f ".created_at), " \
    "'automatic', " f ".flagger_id IS NULL, 'flagger', " USERREF_JSON(u) \
    ", 'term', CASE WHEN " f ".flagger_id IS NULL THEN json_build_object(" \
    "'pattern', " f ".term_pattern, 'category', " f ".reason) END)"

static const char SQL_FLAG_GET[] =
    "SELECT " FLAG_JSON("f", "u") " FROM moderation_flags f "
    "LEFT JOIN users u ON u.id = f.flagger_id WHERE f.id = $1";

/*
 * The queue: the page's case ids first (by the indexes on open and
 * resolved cases), then each case rendered. $1/$2 the keyset, $3 limit + 1;
 * the community variants add $4, the moderator.
 */
#define IN_MANAGED(col) \
    col " IN (SELECT community_id FROM community_members " \
    "WHERE user_id = $4 AND role = 'manager' AND status = 'active') "
#define AFTER(col) \
    "(" col ", k.id) > (timestamptz 'epoch' + $1::bigint * " \
    "interval '1 microsecond', $2::bigint) "
#define BEFORE(col) \
    "(" col ", k.id) < (timestamptz 'epoch' + $1::bigint * " \
    "interval '1 microsecond', $2::bigint) "
#define PAGE_OPEN(SCOPE) \
    "WITH page AS (SELECT k.id FROM moderation_cases k " \
    "WHERE k.status = 'open' AND " SCOPE AFTER("k.opened_at") \
    "ORDER BY k.opened_at, k.id LIMIT $3) "
#define PAGE_RESOLVED(SCOPE) \
    "WITH page AS (SELECT k.id FROM moderation_cases k " \
    "WHERE k.status = 'resolved' AND " SCOPE BEFORE("k.resolved_at") \
    "ORDER BY k.resolved_at DESC, k.id DESC LIMIT $3) "
#define CASE_SELECT \
    "SELECT k.id, k.status, k.target_type, k.target_id, " \
    "api_time(k.opened_at), api_time(k.resolved_at), cm.slug, " \
    "t.title, left(t.body, 300), coalesce(t.hidden, false), " \
    "coalesce(t.deleted, true), t.question_id, t.url, " \
    "au.id, au.handle, au.display_name, au.title, au.department, " \
    "(SELECT count(*) FROM moderation_flags f WHERE f.case_id = k.id), " \
    "(SELECT count(DISTINCT f.flagger_id) FROM moderation_flags f " \
    "  WHERE f.case_id = k.id), " \
    "(SELECT coalesce(json_agg(r ORDER BY r.count DESC, r.reason), '[]') " \
    "  FROM (SELECT f.reason, count(*) AS count FROM moderation_flags f " \
    "  WHERE f.case_id = k.id GROUP BY f.reason) r), " \
    "(SELECT coalesce(json_agg(" FLAG_JSON("f", "u") \
    "  ORDER BY f.created_at, f.id), '[]') FROM (SELECT * " \
    "  FROM moderation_flags f WHERE f.case_id = k.id " \
    "  ORDER BY f.created_at, f.id LIMIT 100) f " \
    "  LEFT JOIN users u ON u.id = f.flagger_id), " \
    "a.action, a.reason, api_time(a.created_at), " \
    "mu.id, mu.handle, mu.display_name, mu.title, mu.department, " \
    "(extract(epoch FROM k.opened_at) * 1000000)::bigint, " \
    "(extract(epoch FROM k.resolved_at) * 1000000)::bigint " \
    "FROM page JOIN moderation_cases k ON k.id = page.id " \
    "LEFT JOIN communities cm ON cm.id = k.community_id " \
    "LEFT JOIN LATERAL moderation_target(k.target_type, k.target_id) t " \
    "  ON true " \
    "LEFT JOIN users au ON au.id = t.author_id " \
    "LEFT JOIN moderation_actions a ON a.id = k.resolution_id " \
    "LEFT JOIN users mu ON mu.id = a.moderator_id "

static const char SQL_QUEUE_OPEN_ALL[] =
    PAGE_OPEN("") CASE_SELECT "ORDER BY k.opened_at, k.id";
static const char SQL_QUEUE_OPEN_MINE[] =
    PAGE_OPEN(IN_MANAGED("k.community_id") "AND ")
    CASE_SELECT "ORDER BY k.opened_at, k.id";
static const char SQL_QUEUE_RESOLVED_ALL[] =
    PAGE_RESOLVED("") CASE_SELECT "ORDER BY k.resolved_at DESC, k.id DESC";
static const char SQL_QUEUE_RESOLVED_MINE[] =
    PAGE_RESOLVED(IN_MANAGED("k.community_id") "AND ")
    CASE_SELECT "ORDER BY k.resolved_at DESC, k.id DESC";

/* The flag's target, if the moderator ($2 global, $3 id) may act on it. */
static const char SQL_FLAG_IN_SCOPE[] =
    "SELECT f.target_type, f.target_id FROM moderation_flags f "
    "WHERE f.id = $1 AND ($2::boolean "
    "OR f.community_id IN (SELECT community_id FROM community_members "
    "WHERE user_id = $3 AND role = 'manager' AND status = 'active'))";
/*
 * The target's row is locked before moderation_apply() locks the target's
 * open case: an edit that raises an automatic flag holds the row (its
 * UPDATE) and then reads the case, so taking them in the same order means
 * an action and an edit queue behind each other instead of deadlocking.
 */
static const char SQL_LOCK_POST[] =
    "SELECT 1 FROM posts WHERE id = $1 FOR UPDATE";
static const char SQL_LOCK_QUESTION[] =
    "SELECT 1 FROM questions WHERE id = $1 FOR UPDATE";
static const char SQL_LOCK_ANSWER[] =
    "SELECT 1 FROM answers WHERE id = $1 FOR UPDATE";
static const char SQL_LOCK_BOOKMARK[] =
    "SELECT 1 FROM bookmarks WHERE id = $1 FOR UPDATE";
static const char SQL_APPLY[] =
    "SELECT moderation_apply($1, $2, $3, $4)";
static const char SQL_ACTION_GET[] =
    "SELECT a.id, a.action, a.reason, api_time(a.created_at), a.case_id, "
    "(SELECT count(*) FROM moderation_flags f WHERE f.action_id = a.id), "
    "a.target_type, a.target_id, coalesce(t.hidden, false), "
    "u.id, u.handle, u.display_name, u.title, u.department "
    "FROM moderation_actions a JOIN users u ON u.id = a.moderator_id "
    "LEFT JOIN LATERAL moderation_target(a.target_type, a.target_id) t "
    "  ON true WHERE a.id = $1";

/* No cursor: open cases start after the epoch, resolved ones before the
 * end of year 9999. */
#define START_US_OPEN	0
#define START_US_LAST	INT64_C(253402300799000000)

static int
one_of(const char *s, const char *const *list)
{
	size_t	i;

	for (i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return (1);
	return (0);
}

static void
int_text(char buf[24], int64_t v)
{
	(void)snprintf(buf, 24, "%lld", (long long)v);
}

static json_t *
json_parsed(const char *s)
{
	json_error_t	err;

	return (s != NULL ? json_loads(s, JSON_DECODE_ANY, &err) : json_null());
}

int
moderation_scope(struct ctx *c, struct modscope *s)
{
	const char	*p[1];

	memset(s, 0, sizeof(*s));
	int_text(s->me, c->me.id);
	s->admin = auth_is_admin(&c->me);
	s->global = s->admin || strcmp(c->me.role, "community_manager") == 0;
	if (s->global)
		return (HTTP_STATUS_OK);
	p[0] = s->me;
	if (db_query(c, SQL_MANAGES, 1, p) != 200)
		return (c->status);
	if (!db_bool(c, 0, 0))
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only moderators can do that."));
	return (HTTP_STATUS_OK);
}

int
moderation_redact(json_t *item, int hidden, const char *note,
    const char *const *fields)
{
	json_t	*v, *m;
	size_t	 i;

	if (item == NULL)
		return (-1);
	if (!hidden)
		return (0);
	if (note != NULL) {
		if ((m = json_parsed(note)) == NULL)
			return (-1);
		return (json_object_set_new(item, "moderation", m));
	}
	for (i = 0; fields[i] != NULL; i++) {
		if ((v = json_object_get(item, fields[i])) == NULL)
			continue;
		if (json_object_set_new(item, fields[i], json_is_array(v) ?
		    json_array() : json_string("")) != 0)
			return (-1);
	}
	return (json_object_set_new(item, "moderation", json_null()));
}

/* ---- POST /api/v1/flags --------------------------------------------------- */

static int
flag_create(struct ctx *c)
{
	static const char *const keys[] = { "target_type", "target_id",
	    "reason", "note", NULL };
	const char	*type, *reason, *note, *p[6];
	char		 me[24], id[24], admin[8], community[24];
	int64_t		 target, flag;

	if (body_json(c) != 200 || body_only_keys(c, keys) != 200 ||
	    body_string(c, "target_type", 1, 1, 20, &type, NULL) != 200)
		return (c->status);
	if (!one_of(type, TARGET_TYPES))
		return (ctx_fail(c, 422, NULL, "target_type",
		    "target_type must be post, question, answer or bookmark."));
	if (body_int(c, "target_id", 1, 1, INT64_MAX, &target, NULL) != 200 ||
	    body_string(c, "reason", 1, 1, 40, &reason, NULL) != 200)
		return (c->status);
	if (!one_of(reason, MODERATION_REASONS))
		return (ctx_fail(c, 422, NULL, "reason", "reason must be one "
		    "of harassment, off_topic, sensitive_topic, confidential, "
		    "spam, other."));
	if (body_string(c, "note", 0, 0, FLAG_NOTE_MAX, &note, NULL) != 200)
		return (c->status);

	int_text(me, c->me.id);
	int_text(id, target);
	(void)snprintf(admin, sizeof(admin), "%s",
	    auth_is_admin(&c->me) ? "true" : "false");
	p[0] = me;
	p[1] = type;
	p[2] = id;
	p[3] = admin;
	if (db_query(c, SQL_FLAG_TARGET, 4, p) != 200)
		return (c->status);
	if (db_rows(c) != 1 || !db_bool(c, 0, 2))
		return (ctx_fail(c, 422, NULL, "target_id",
		    "There is no such item to flag."));
	if (db_bool(c, 0, 1))
		return (ctx_fail(c, 422, NULL, "target_id",
		    "This item is hidden already."));

	/* p: type, target, community (NULL for none), flagger, reason, note */
	p[0] = type;
	p[1] = id;
	if (db_isnull(c, 0, 0))
		p[2] = NULL;
	else {
		int_text(community, db_int(c, 0, 0));
		p[2] = community;
	}
	p[3] = me;
	p[4] = reason;
	p[5] = note != NULL ? note : "";
	if (db_query(c, SQL_FLAG_ADD, 6, p) != 200)
		return (c->status);
	if (db_isnull(c, 0, 0)) {
		p[2] = me;
		if (db_query(c, SQL_FLAG_OPEN, 3, p) != 200)
			return (c->status);
		if (db_rows(c) == 1)
			c->err.existing_id = db_int(c, 0, 0);
		return (ctx_fail(c, 409, NULL, NULL,
		    "You have an open flag on this item already."));
	}
	flag = db_int(c, 0, 0);
	int_text(id, flag);
	p[0] = id;
	if (db_query(c, SQL_FLAG_GET, 1, p) != 200)
		return (c->status);
	if ((c->out = json_pack("{s:o}", "flag",
	    json_parsed(db_value(c, 0, 0)))) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	c->status = HTTP_STATUS_CREATED;
	return (c->status);
}

int
api_flags(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200)
		(void)flag_create(&c);
	return (ctx_finish(&c));
}

/* ---- GET /api/v1/moderation/queue ------------------------------------------ */

static json_t *
case_json(struct ctx *c, int row)
{
	json_t	*item, *target, *resolution;

	target = json_pack("{s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:b, s:b}",
	    "type", db_value(c, row, 2),
	    "id", (json_int_t)db_int(c, row, 3),
	    "title", db_isnull(c, row, 7) ? json_null() :
	    json_string(db_value(c, row, 7)),
	    "excerpt", db_isnull(c, row, 8) ? "" : db_value(c, row, 8),
	    "url", db_isnull(c, row, 12) ? json_null() :
	    json_string(db_value(c, row, 12)),
	    "question_id", db_isnull(c, row, 11) ? json_null() :
	    json_integer(db_int(c, row, 11)),
	    "community", db_isnull(c, row, 6) ? json_null() :
	    json_string(db_value(c, row, 6)),
	    "hidden", db_bool(c, row, 9),
	    "deleted", db_bool(c, row, 10));
	if (db_isnull(c, row, 22))
		resolution = json_null();
	else
		resolution = json_pack("{s:s, s:s, s:s, s:o}",
		    "action", db_value(c, row, 22),
		    "reason", db_value(c, row, 23),
		    "at", db_value(c, row, 24),
		    "moderator", userref_json(c, row, 25));
	item = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:o, s:o, "
	    "s:o}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "status", db_value(c, row, 1),
	    "opened_at", db_value(c, row, 4),
	    "resolved_at", db_isnull(c, row, 5) ? json_null() :
	    json_string(db_value(c, row, 5)),
	    "target", target,
	    "author", userref_json(c, row, 13),
	    "flag_count", (json_int_t)db_int(c, row, 18),
	    "flagger_count", (json_int_t)db_int(c, row, 19),
	    "reasons", json_parsed(db_value(c, row, 20)),
	    "flags", json_parsed(db_value(c, row, 21)),
	    "resolution", resolution);
	return (item);
}

static int
queue_list(struct ctx *c)
{
	struct modscope	 s;
	char		 status[16], at[24], after[24], lim[24];
	const char	*p[4] = { at, after, lim, NULL }, *sql;
	json_t		*items, *item;
	int64_t		 at_us, id;
	long		 limit;
	int		 i, rows, has_cursor, open, r;

	if (moderation_scope(c, &s) != 200)
		return (c->status);
	r = query_param(c->req, "status", status, sizeof(status));
	if (r < 0 || (r == 1 && strcmp(status, "open") != 0 &&
	    strcmp(status, "resolved") != 0))
		return (ctx_fail(c, 422, NULL, "status",
		    "status must be open or resolved."));
	open = (r == 0 || strcmp(status, "open") == 0);
	if (page_params(c, &limit, &has_cursor, &at_us, &id) != 200)
		return (c->status);
	if (!has_cursor) {
		at_us = open ? START_US_OPEN : START_US_LAST;
		id = open ? 0 : INT64_MAX;
	}
	int_text(at, at_us);
	int_text(after, id);
	int_text(lim, limit + 1);
	p[3] = s.me;
	if (open)
		sql = s.global ? SQL_QUEUE_OPEN_ALL : SQL_QUEUE_OPEN_MINE;
	else
		sql = s.global ? SQL_QUEUE_RESOLVED_ALL :
		    SQL_QUEUE_RESOLVED_MINE;
	if (db_query(c, sql, s.global ? 3 : 4, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++) {
		if ((item = case_json(c, i)) == NULL ||
		    json_array_append_new(items, item) != 0) {
			json_decref(items);
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		}
	}
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, (int)limit - 1, open ? 30 : 31),
	    db_int(c, (int)limit - 1, 0)));
}

int
api_moderation_queue(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)queue_list(&c);
	return (ctx_finish(&c));
}

/* ---- POST /api/v1/moderation/flags/{id} ------------------------------------ */

static int
action_reply(struct ctx *c, const char *action_id)
{
	const char	*p[1] = { action_id };

	if (db_query(c, SQL_ACTION_GET, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	c->out = json_pack("{s:{s:I, s:s, s:s, s:s, s:o, s:o, s:I}, "
	    "s:{s:s, s:I, s:b}}",
	    "action",
	    "id", (json_int_t)db_int(c, 0, 0),
	    "action", db_value(c, 0, 1),
	    "reason", db_value(c, 0, 2),
	    "created_at", db_value(c, 0, 3),
	    "moderator", userref_json(c, 0, 9),
	    "case_id", db_isnull(c, 0, 4) ? json_null() :
	    json_integer(db_int(c, 0, 4)),
	    "resolved_flags", (json_int_t)db_int(c, 0, 5),
	    "target",
	    "type", db_value(c, 0, 6),
	    "id", (json_int_t)db_int(c, 0, 7),
	    "hidden", db_bool(c, 0, 8));
	return (c->out != NULL ? HTTP_STATUS_OK :
	    ctx_fail(c, 500, NULL, NULL, NULL));
}

static int
flag_act(struct ctx *c)
{
	static const char *const keys[] = { "action", "reason", NULL };
	struct modscope	 s;
	const char	*action, *reason, *p[4], *type, *lock;
	char		 idbuf[24], flag[24], action_id[24], target[24];
	int64_t		 id;

	if (!path_segment(c->req, 4, idbuf, sizeof(idbuf)) ||
	    !parse_id(idbuf, &id))
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if (moderation_scope(c, &s) != 200)
		return (c->status);
	if (body_json(c) != 200 || body_only_keys(c, keys) != 200 ||
	    body_string(c, "action", 1, 1, 20, &action, NULL) != 200)
		return (c->status);
	if (!one_of(action, ACTIONS))
		return (ctx_fail(c, 422, NULL, "action",
		    "action must be hide, dismiss or restore."));
	if (body_string(c, "reason", 1, 1, ACTION_REASON_MAX, &reason,
	    NULL) != 200)
		return (c->status);
	if (text_blank(reason))
		return (ctx_fail(c, 422, NULL, "reason",
		    "Say why, for the author and the audit log."));

	int_text(flag, id);
	p[0] = flag;
	p[1] = s.global ? "true" : "false";
	p[2] = s.me;
	if (db_begin(c) != 200 || db_query(c, SQL_FLAG_IN_SCOPE, 3, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such flag."));
	type = db_value(c, 0, 0);
	if (strcmp(type, "post") == 0)
		lock = SQL_LOCK_POST;
	else if (strcmp(type, "question") == 0)
		lock = SQL_LOCK_QUESTION;
	else if (strcmp(type, "answer") == 0)
		lock = SQL_LOCK_ANSWER;
	else
		lock = SQL_LOCK_BOOKMARK;
	int_text(target, db_int(c, 0, 1));
	p[0] = target;
	if (db_query(c, lock, 1, p) != 200)
		return (c->status);
	p[0] = flag;
	p[1] = s.me;
	p[2] = action;
	p[3] = reason;
	if (db_query(c, SQL_APPLY, 4, p) != 200)
		return (c->status);
	if (db_isnull(c, 0, 0))
		return (ctx_fail(c, 404, NULL, NULL, "No such flag."));
	int_text(action_id, db_int(c, 0, 0));
	if (db_commit(c) != 200)
		return (c->status);
	return (action_reply(c, action_id));
}

int
api_moderation_flag(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200)
		(void)flag_act(&c);
	return (ctx_finish(&c));
}
