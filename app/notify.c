/*
 * Notifications: the list (newest first; repeated likes of one post are one
 * item with a count), the unread count for the page header, and marking
 * read. They are written by the SQL function notify() where the event
 * happens (sql/0002_microblog.sql).
 */
#include <string.h>

#include "parley.h"

static const char SQL_LIST[] =
    "SELECT n.id, n.kind, n.object_type, n.object_id, api_time(n.created_at), "
    "n.read_at IS NOT NULL, n.actor_count, n.detail, "
    "a.id, a.handle, a.display_name, a.title, a.department "
    "FROM notifications n LEFT JOIN users a ON a.id = n.actor_id "
    "WHERE n.user_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3";
static const char SQL_UNREAD[] =
    "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
static const char SQL_READ[] =
    "UPDATE notifications SET read_at = now() "
    "WHERE user_id = $1 AND id <= $2 AND read_at IS NULL";

/* A moderation notification's detail is {"action", "reason"} (written by
 * moderation_apply(), sql/0014_moderation.sql): shown as "moderation",
 * and its reason as "detail". It has no actor: moderators stay anonymous
 * to authors. */
static void
notification_moderation(json_t *n, const char *detail)
{
	json_error_t	 err;
	json_t		*m, *reason;

	if ((m = json_loads(detail, 0, &err)) == NULL || !json_is_object(m)) {
		json_decref(m);
		return;
	}
	if ((reason = json_object_get(m, "reason")) != NULL &&
	    json_is_string(reason))
		json_object_set(n, "detail", reason);
	json_object_set_new(n, "moderation", m);
}

static int
notifications_list(struct ctx *c)
{
	char		 me[24], before[24], lim[24];
	const char	*p[3] = { me, before, lim };
	json_t		*items, *n;
	int64_t		 at, id;
	long		 limit;
	int		 i, rows, has_cursor;

	if (page_params(c, &limit, &has_cursor, &at, &id) != 200)
		return (c->status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(before, sizeof(before), "%lld",
	    has_cursor ? (long long)id : (long long)INT64_MAX);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	if (db_query(c, SQL_LIST, 3, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++) {
		n = json_pack("{s:I, s:s, s:o, s:{s:s, s:I}, s:s, s:b, s:I}",
		    "id", (json_int_t)db_int(c, i, 0),
		    "kind", db_value(c, i, 1),
		    "actor", userref_json(c, i, 8),
		    "object", "type", db_value(c, i, 2),
		    "id", (json_int_t)db_int(c, i, 3),
		    "created_at", db_value(c, i, 4),
		    "read", db_bool(c, i, 5),
		    "count", (json_int_t)db_int(c, i, 6));
		if (n != NULL && strcmp(db_value(c, i, 1), "moderation") == 0)
			notification_moderation(n, db_value(c, i, 7));
		else if (n != NULL && db_value(c, i, 7)[0] != '\0')
			json_object_set_new(n, "detail",
			    json_string(db_value(c, i, 7)));
		json_array_append_new(items, n);
	}
	return (reply_keyset_page(c, items, rows > limit, 0,
	    db_int(c, (int)limit - 1, 0)));
}

/* GET /api/v1/notifications -> paginated notifications */
int
api_notifications(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	if (auth_require(&c) != 200)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_GET)
		(void)notifications_list(&c);
	else
		ctx_method_not_allowed(&c, "GET");
	return (ctx_finish(&c));
}

/* GET /api/v1/notifications/unread -> {"unread": n} */
int
api_notifications_unread(struct http_request *req)
{
	struct ctx	 c;
	char		 me[24];
	const char	*p[1] = { me };

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	if (db_query(&c, SQL_UNREAD, 1, p) == 200)
		c.out = json_pack("{s:I}", "unread", (json_int_t)db_int(&c, 0, 0));
	return (ctx_finish(&c));
}

/* POST /api/v1/notifications/read {up_to_id} -> 204 */
int
api_notifications_read(struct http_request *req)
{
	struct ctx	 c;
	char		 me[24], upto[24];
	const char	*p[2] = { me, upto };
	int64_t		 up_to;

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") != 200)
		return (ctx_finish(&c));
	if (body_json(&c) != 200 ||
	    body_int(&c, "up_to_id", 1, 1, INT64_MAX, &up_to, NULL) != 200)
		return (ctx_finish(&c));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c.me.id);
	(void)snprintf(upto, sizeof(upto), "%lld", (long long)up_to);
	if (db_query(&c, SQL_READ, 2, p) == 200)
		c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}
