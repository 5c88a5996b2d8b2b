/*
 * Communities: create, list, read, and membership (join, a closed
 * community's join requests and their approval, leave, remove). Any
 * employee may create a community and becomes its first manager; its
 * managers approve requests and remove members. Questions live in qa.c.
 *
 * Who sees what: every community is listed with its name and description;
 * a closed community's questions and member list are for its active
 * members (and admins) only. Pending requests are shown to the community's
 * managers and admins.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define COMMUNITY_QUERY_MAX	100

/* $1 must be the viewer's id. community_json() reads these by position. */
#define COMMUNITY_COLUMNS \
    "c.id, c.slug, c.name, c.description, c.visibility, " \
    "api_time(c.created_at), " \
    "(SELECT count(*) FROM community_members m " \
    "  WHERE m.community_id = c.id AND m.status = 'active'), " \
    "(SELECT count(*) FROM questions q WHERE q.community_id = c.id " \
    "  AND q.deleted_at IS NULL AND NOT q.hidden), " \
    "(SELECT CASE WHEN m.status = 'pending' THEN 'pending' ELSE m.role END " \
    "  FROM community_members m WHERE m.community_id = c.id " \
    "  AND m.user_id = $1) "

static const char SQL_COMMUNITY_CREATE[] =
    "WITH c AS (INSERT INTO communities (slug, name, description, "
    "  visibility, created_by) VALUES ($1, $2, $3, $4, $5) "
    "  ON CONFLICT (slug) DO NOTHING RETURNING id), "
    "m AS (INSERT INTO community_members (community_id, user_id, role) "
    "  SELECT id, $5, 'manager' FROM c) "
    "SELECT id FROM c";
static const char SQL_COMMUNITY_ID[] =
    "SELECT id FROM communities WHERE slug = $1";
static const char SQL_COMMUNITY_GET[] =
    "SELECT " COMMUNITY_COLUMNS "FROM communities c WHERE c.slug = $2";
/*
 * The directory, by id (oldest first). $2 a text filter matched as a plain
 * substring of name, slug and description (no wildcards), $3 "only mine",
 * $4 the last id of the previous page, $5 limit + 1.
 */
static const char SQL_COMMUNITY_LIST[] =
    "SELECT " COMMUNITY_COLUMNS "FROM communities c "
    "WHERE ($2 = '' OR strpos(lower(c.name || ' ' || c.slug || ' ' || "
    "  c.description), lower($2)) > 0) "
    "AND (NOT $3::boolean OR EXISTS (SELECT 1 FROM community_members m "
    "  WHERE m.community_id = c.id AND m.user_id = $1)) "
    "AND c.id > $4::bigint ORDER BY c.id LIMIT $5";

/* The community and the caller's place in it, for membership changes. */
static const char SQL_COMMUNITY_ACCESS[] =
    "SELECT c.id, c.visibility, m.role, m.status FROM communities c "
    "LEFT JOIN community_members m ON m.community_id = c.id "
    "  AND m.user_id = $2 WHERE c.slug = $1";
/* The same, locking the community so that manager changes serialise. */
static const char SQL_COMMUNITY_ACCESS_LOCK[] =
    "SELECT c.id, c.visibility, m.role, m.status FROM communities c "
    "LEFT JOIN community_members m ON m.community_id = c.id "
    "  AND m.user_id = $2 WHERE c.slug = $1 FOR UPDATE OF c";
static const char SQL_USER_ID[] =
    "SELECT id FROM users WHERE lower(handle) = lower($1)";

#define MEMBER_COLUMNS \
    "u.id, u.handle, u.display_name, u.title, u.department, m.role, " \
    "m.status, api_time(m.created_at), " \
    "(extract(epoch FROM m.created_at) * 1000000)::bigint "
static const char SQL_MEMBER_GET[] =
    "SELECT " MEMBER_COLUMNS "FROM community_members m "
    "JOIN users u ON u.id = m.user_id "
    "WHERE m.community_id = $1 AND m.user_id = $2";
static const char SQL_MEMBER_JOIN[] =
    "INSERT INTO community_members (community_id, user_id, status) "
    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
static const char SQL_MEMBER_APPROVE[] =
    "UPDATE community_members SET status = 'active', created_at = now() "
    "WHERE community_id = $1 AND user_id = $2 AND status = 'pending'";
static const char SQL_MEMBER_DELETE[] =
    "DELETE FROM community_members WHERE community_id = $1 AND user_id = $2";
static const char SQL_MANAGER_COUNT[] =
    "SELECT count(*) FROM community_members WHERE community_id = $1 "
    "AND role = 'manager' AND status = 'active'";
/*
 * Members in the order they joined. $2 whether pending requests may be
 * shown, $3 a status filter ('' for all), $4/$5 the keyset, $6 limit + 1.
 */
static const char SQL_MEMBER_LIST[] =
    "SELECT " MEMBER_COLUMNS "FROM community_members m "
    "JOIN users u ON u.id = m.user_id WHERE m.community_id = $1 "
    "AND (m.status = 'active' OR $2::boolean) AND ($3 = '' OR m.status = $3) "
    "AND (m.created_at, m.user_id) > (timestamptz 'epoch' + "
    "  $4::bigint * interval '1 microsecond', $5::bigint) "
    "ORDER BY m.created_at, m.user_id LIMIT $6";

/* What a membership-changing request knows about the community and the
 * caller. */
struct community_access {
	char	id[24];
	int	closed;
	int	active;		/* the caller is an active member */
	int	pending;	/* the caller has asked to join */
	int	manager;	/* an active manager, or an admin */
};

/* 1 if s matches ^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$ (the table's CHECK). */
static int
community_slug_valid(const char *s)
{
	size_t	i, n = strlen(s);

	if (n < 3 || n > 50)
		return (0);
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (s[i] != '-' || i == 0 || i == n - 1)
			return (0);
	}
	return (1);
}

static json_t *
community_json(struct ctx *c, int row)
{
	return (json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s?}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "slug", db_value(c, row, 1),
	    "name", db_value(c, row, 2),
	    "description", db_value(c, row, 3),
	    "visibility", db_value(c, row, 4),
	    "created_at", db_value(c, row, 5),
	    "members", (json_int_t)db_int(c, row, 6),
	    "questions", (json_int_t)db_int(c, row, 7),
	    "my_role", db_value(c, row, 8)));
}

static json_t *
member_json(struct ctx *c, int row)
{
	return (json_pack("{s:o, s:s, s:s, s:s}",
	    "user", userref_json(c, row, 0),
	    "role", db_value(c, row, 5),
	    "status", db_value(c, row, 6),
	    "joined_at", db_value(c, row, 7)));
}

/* Loads {"community": Community} by slug into c->out; 404 when missing. */
static int
community_load(struct ctx *c, const char *slug)
{
	char		 me[24];
	const char	*p[2] = { me, slug };
	json_t		*community;

	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (db_query(c, SQL_COMMUNITY_GET, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such community."));
	if ((community = community_json(c, 0)) == NULL ||
	    (c->out = json_pack("{s:o}", "community", community)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* Validates the create body; *visibility defaults to "open". */
static int
community_create_input(struct ctx *c, const char **slug, const char **name,
    const char **description, const char **visibility)
{
	static const char *const allowed[] = { "slug", "name", "description",
	    "visibility", NULL };

	if (body_json(c) != 200 || body_only_keys(c, allowed) != 200 ||
	    body_string(c, "slug", 1, 1, 64, slug, NULL) != 200)
		return (c->status);
	if (!community_slug_valid(*slug))
		return (ctx_fail(c, 422, NULL, "slug", "A slug is 3 to 50 "
		    "lower-case letters, digits and inner hyphens."));
	if (body_string(c, "name", 1, 1, 100, name, NULL) != 200)
		return (c->status);
	if (text_blank(*name))
		return (ctx_fail(c, 422, NULL, "name", "The name is blank."));
	if (body_string(c, "description", 0, 0, 2000, description,
	    NULL) != 200 ||
	    body_string(c, "visibility", 0, 1, 16, visibility, NULL) != 200)
		return (c->status);
	if (*description == NULL)
		*description = "";
	if (*visibility == NULL)
		*visibility = "open";
	if (strcmp(*visibility, "open") != 0 &&
	    strcmp(*visibility, "closed") != 0)
		return (ctx_fail(c, 422, NULL, "visibility",
		    "visibility is \"open\" or \"closed\"."));
	return (HTTP_STATUS_OK);
}

/* POST /api/v1/communities: any employee; the creator becomes manager. */
static int
community_create(struct ctx *c)
{
	const char	*slug, *name, *description, *visibility, *p[5];
	char		 me[24];

	if (community_create_input(c, &slug, &name, &description,
	    &visibility) != 200)
		return (c->status);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = slug;
	p[1] = name;
	p[2] = description;
	p[3] = visibility;
	p[4] = me;
	if (db_query(c, SQL_COMMUNITY_CREATE, 5, p) != 200)
		return (c->status);
	if (db_rows(c) != 1) {
		/* Taken: a new statement sees the winner's row. */
		if (db_query(c, SQL_COMMUNITY_ID, 1, p) != 200)
			return (c->status);
		ctx_fail(c, 409, NULL, "slug", "That slug is taken.");
		c->err.existing_id = db_int(c, 0, 0);
		return (c->status);
	}
	if (community_load(c, slug) == 200)
		c->status = HTTP_STATUS_CREATED;
	return (c->status);
}

static int
community_list(struct ctx *c)
{
	char		 me[24], q[COMMUNITY_QUERY_MAX * 4 + 1], mine[8];
	char		 after[24], lim[24];
	const char	*p[5] = { me, q, "false", after, lim };
	json_t		*items;
	int64_t		 key1, id = 0;
	long		 limit;
	int		 i, rows, has_cursor;

	if (page_params(c, &limit, &has_cursor, &key1, &id) != 200)
		return (c->status);
	if (has_cursor && key1 != 0)
		return (ctx_fail(c, 400, NULL, "cursor",
		    "The cursor is not valid; start again without it."));
	if (query_param(c->req, "q", q, sizeof(q)) < 0 ||
	    utf8_length(q, strlen(q)) > COMMUNITY_QUERY_MAX)
		return (ctx_fail(c, 422, NULL, "q", "The query is too long."));
	if (query_param(c->req, "mine", mine, sizeof(mine)) == 1)
		p[2] = strcmp(mine, "true") == 0 || strcmp(mine, "1") == 0 ?
		    "true" : "false";
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	(void)snprintf(after, sizeof(after), "%lld", (long long)id);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	if (db_query(c, SQL_COMMUNITY_LIST, 5, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, community_json(c, i));
	return (reply_keyset_page(c, items, rows > limit, 0,
	    db_int(c, (int)limit - 1, 0)));
}

/* GET|POST /api/v1/communities */
int
api_communities(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_POST,
	    "GET, POST") != 200)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_GET)
		(void)community_list(&c);
	else
		(void)community_create(&c);
	return (ctx_finish(&c));
}

/* The {slug} segment; 404 when it cannot be one. */
static int
community_slug_param(struct ctx *c, char *slug, size_t len)
{
	if (!path_segment(c->req, 3, slug, len) || !community_slug_valid(slug))
		return (ctx_fail(c, 404, NULL, NULL, "No such community."));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/communities/{slug} */
int
api_community(struct http_request *req)
{
	struct ctx	c;
	char		slug[64];

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200 &&
	    community_slug_param(&c, slug, sizeof(slug)) == 200)
		(void)community_load(&c, slug);
	return (ctx_finish(&c));
}

/* Reads the community by slug and the caller's membership into a;
 * lock: take the community's row lock (inside a transaction). */
static int
community_access(struct ctx *c, const char *slug, int lock,
    struct community_access *a)
{
	char		 me[24];
	const char	*p[2] = { slug, me }, *role, *status;

	memset(a, 0, sizeof(*a));
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	if (db_query(c, lock ? SQL_COMMUNITY_ACCESS_LOCK : SQL_COMMUNITY_ACCESS,
	    2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such community."));
	kore_strlcpy(a->id, db_value(c, 0, 0), sizeof(a->id));
	a->closed = strcmp(db_value(c, 0, 1), "closed") == 0;
	role = db_value(c, 0, 2);
	status = db_value(c, 0, 3);
	a->active = status != NULL && strcmp(status, "active") == 0;
	a->pending = status != NULL && strcmp(status, "pending") == 0;
	a->manager = auth_is_admin(&c->me) ||
	    (a->active && strcmp(role, "manager") == 0);
	return (HTTP_STATUS_OK);
}

/* Renders one membership row as {"member": Member} into c->out. */
static int
member_load(struct ctx *c, const char *community_id, const char *user_id)
{
	const char	*p[2] = { community_id, user_id };
	json_t		*member;

	if (db_query(c, SQL_MEMBER_GET, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such member."));
	if ((member = member_json(c, 0)) == NULL ||
	    (c->out = json_pack("{s:o}", "member", member)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/*
 * Joining: an open community takes the caller at once (201; 200 when
 * already a member); a closed one records a request for its managers
 * (202, also when asked again). Admins join closed communities directly.
 */
static int
community_join(struct ctx *c, const char *slug)
{
	struct community_access	 a;
	char			 me[24];
	const char		*p[3];
	int			 direct, created;

	if (community_access(c, slug, 0, &a) != 200)
		return (c->status);
	direct = !a.closed || auth_is_admin(&c->me);
	(void)snprintf(me, sizeof(me), "%lld", (long long)c->me.id);
	p[0] = a.id;
	p[1] = me;
	p[2] = direct ? "active" : "pending";
	if (db_query(c, SQL_MEMBER_JOIN, 3, p) != 200)
		return (c->status);
	created = db_affected(c) == 1;
	if (member_load(c, a.id, me) != 200)
		return (c->status);
	if (strcmp(json_string_value(json_object_get(json_object_get(c->out,
	    "member"), "status")), "pending") == 0)
		c->status = HTTP_STATUS_ACCEPTED;
	else
		c->status = created ? HTTP_STATUS_CREATED : HTTP_STATUS_OK;
	return (c->status);
}

static int
member_list(struct ctx *c, const char *slug)
{
	struct community_access	 a;
	char			 at[24], after[24], lim[24], status[16];
	const char		*p[6];
	json_t			*items;
	int64_t			 at_us = 0, id = 0;
	long			 limit;
	int			 i, rows, has_cursor;

	if (page_params(c, &limit, &has_cursor, &at_us, &id) != 200 ||
	    community_access(c, slug, 0, &a) != 200)
		return (c->status);
	if (a.closed && !a.active && !auth_is_admin(&c->me))
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only members see who belongs to a closed community."));
	if (query_param(c->req, "status", status, sizeof(status)) < 0 ||
	    (status[0] != '\0' && strcmp(status, "active") != 0 &&
	    strcmp(status, "pending") != 0))
		return (ctx_fail(c, 422, NULL, "status",
		    "status is \"active\" or \"pending\"."));
	(void)snprintf(at, sizeof(at), "%lld", (long long)at_us);
	(void)snprintf(after, sizeof(after), "%lld", (long long)id);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	p[0] = a.id;
	p[1] = a.manager ? "true" : "false";
	p[2] = status;
	p[3] = at;
	p[4] = after;
	p[5] = lim;
	if (db_query(c, SQL_MEMBER_LIST, 6, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, member_json(c, i));
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, (int)limit - 1, 8), db_int(c, (int)limit - 1, 0)));
}

/* GET|POST /api/v1/communities/{slug}/members: list, join */
int
api_community_members(struct http_request *req)
{
	struct ctx	c;
	char		slug[64];

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_POST,
	    "GET, POST") != 200 ||
	    community_slug_param(&c, slug, sizeof(slug)) != 200)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_GET)
		(void)member_list(&c, slug);
	else
		(void)community_join(&c, slug);
	return (ctx_finish(&c));
}

/* The user named by the {handle} segment (segment 5): its id as text. */
static int
member_target(struct ctx *c, char *id, size_t len)
{
	char		 handle[64];
	const char	*p[1] = { handle };

	if (!path_segment(c->req, 5, handle, sizeof(handle)))
		return (ctx_fail(c, 404, NULL, NULL, "No such person."));
	if (db_query(c, SQL_USER_ID, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such person."));
	kore_strlcpy(id, db_value(c, 0, 0), len);
	return (HTTP_STATUS_OK);
}

/*
 * Leaving (oneself) or removing (a manager or an admin); a pending request
 * is withdrawn or declined the same way. The community's row lock makes
 * "the last manager cannot leave" hold when two managers leave at once.
 */
static int
member_remove(struct ctx *c, const char *slug)
{
	struct community_access	 a;
	char			 target[24];
	const char		*p[2];
	int			 is_manager;

	if (db_begin(c) != 200 || community_access(c, slug, 1, &a) != 200 ||
	    member_target(c, target, sizeof(target)) != 200)
		return (c->status);
	if (strtoll(target, NULL, 10) != c->me.id && !a.manager)
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only the community's managers can remove members."));
	p[0] = a.id;
	p[1] = target;
	if (db_query(c, SQL_MEMBER_GET, 2, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "Not a member."));
	is_manager = strcmp(db_value(c, 0, 5), "manager") == 0 &&
	    strcmp(db_value(c, 0, 6), "active") == 0;
	if (is_manager) {
		if (db_query(c, SQL_MANAGER_COUNT, 1, p) != 200)
			return (c->status);
		if (db_int(c, 0, 0) <= 1)
			return (ctx_fail(c, 422, NULL, NULL,
			    "The last manager cannot leave or be removed."));
	}
	if (db_query(c, SQL_MEMBER_DELETE, 2, p) != 200 || db_commit(c) != 200)
		return (c->status);
	c->status = HTTP_STATUS_NO_CONTENT;
	return (c->status);
}

/* DELETE /api/v1/communities/{slug}/members/{handle} -> 204 */
int
api_community_member(struct http_request *req)
{
	struct ctx	c;
	char		slug[64];

	if (ctx_begin(&c, req, HTTP_METHOD_DELETE, "DELETE") == 200 &&
	    community_slug_param(&c, slug, sizeof(slug)) == 200)
		(void)member_remove(&c, slug);
	return (ctx_finish(&c));
}

/* Approving a request: the community's managers and admins. Approving an
 * active member again is a no-op (200). */
static int
member_approve(struct ctx *c, const char *slug)
{
	struct community_access	 a;
	char			 target[24];
	const char		*p[2];

	if (community_access(c, slug, 0, &a) != 200)
		return (c->status);
	if (!a.manager)
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only the community's managers can approve members."));
	if (member_target(c, target, sizeof(target)) != 200)
		return (c->status);
	p[0] = a.id;
	p[1] = target;
	if (db_query(c, SQL_MEMBER_APPROVE, 2, p) != 200)
		return (c->status);
	return (member_load(c, a.id, target));
}

/* POST /api/v1/communities/{slug}/members/{handle}/approve -> {"member"} */
int
api_community_member_approve(struct http_request *req)
{
	struct ctx	c;
	char		slug[64];

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200 &&
	    community_slug_param(&c, slug, sizeof(slug)) == 200)
		(void)member_approve(&c, slug);
	return (ctx_finish(&c));
}
