/*
 * Administration of people: role and status changes. Suspending someone
 * ends every session and revokes every token they hold, in the same
 * transaction, and each change is written to the audit log.
 */
#include <string.h>

#include "parley.h"


static const char SQL_ADMIN_TARGET[] =
    "SELECT id, role, status FROM users WHERE lower(handle) = lower($1) "
    "FOR UPDATE";
static const char SQL_ADMIN_UPDATE[] =
    "UPDATE users SET role = coalesce($2, role), "
    "status = coalesce($3, status), updated_at = now() WHERE id = $1";
static const char SQL_ADMIN_END_SESSIONS[] =
    "DELETE FROM sessions WHERE user_id = $1";
static const char SQL_ADMIN_REVOKE_TOKENS[] =
    "UPDATE api_tokens SET revoked_at = now() "
    "WHERE user_id = $1 AND revoked_at IS NULL";

static int
valid_role(const char *r)
{
	return (strcmp(r, "employee") == 0 ||
	    strcmp(r, "community_manager") == 0 ||
	    strcmp(r, "analyst") == 0 || strcmp(r, "admin") == 0);
}

static int
admin_update(struct ctx *c, const char *handle)
{
	const char	*role, *status_text, *p[3];
	char		 id[24], reason[96];
	int64_t		 target;

	if (body_json(c) != 200 ||
	    body_string(c, "role", 0, 1, 30, &role, NULL) != 200 ||
	    body_string(c, "status", 0, 1, 30, &status_text, NULL) != 200)
		return (c->status);
	if (role == NULL && status_text == NULL)
		return (ctx_fail(c, 422, NULL, "role",
		    "Give a role, a status, or both."));
	if (role != NULL && !valid_role(role))
		return (ctx_fail(c, 422, NULL, "role", "Unknown role."));
	if (status_text != NULL && strcmp(status_text, "active") != 0 &&
	    strcmp(status_text, "suspended") != 0)
		return (ctx_fail(c, 422, NULL, "status",
		    "status is active or suspended."));

	p[0] = handle;
	if (db_begin(c) != 200 || db_query(c, SQL_ADMIN_TARGET, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	target = db_int(c, 0, 0);
	if (target == c->me.id)
		return (ctx_fail(c, 422, NULL, role ? "role" : "status",
		    "Admins cannot change their own role or status; "
		    "ask another admin."));
	kore_strlcpy(id, db_value(c, 0, 0), sizeof(id));
	p[0] = id;
	p[1] = role;
	p[2] = status_text;
	if (db_query(c, SQL_ADMIN_UPDATE, 3, p) != 200)
		return (c->status);
	if (status_text != NULL && strcmp(status_text, "suspended") == 0 &&
	    (db_query(c, SQL_ADMIN_END_SESSIONS, 1, p) != 200 ||
	    db_query(c, SQL_ADMIN_REVOKE_TOKENS, 1, p) != 200))
		return (c->status);
	(void)snprintf(reason, sizeof(reason), "role=%s status=%s",
	    role ? role : "-", status_text ? status_text : "-");
	if (audit_write(c, "admin.user.update", "user", id, reason) != 200 ||
	    db_commit(c) != 200)
		return (c->status);
	if (user_load(c, target, 1, &c->out) != 200)
		return (c->status);
	c->out = json_pack("{s:o}", "user", c->out);
	return (HTTP_STATUS_OK);
}

/* PATCH /api/v1/admin/users/{handle} {role?, status?} -> {"user"} */
int
api_admin_user(struct http_request *req)
{
	struct ctx	c;
	char		handle[64];

	ctx_init(&c, req);
	if (auth_require_role(&c, "admin") != HTTP_STATUS_OK)
		return (ctx_finish(&c));
	if (req->method != HTTP_METHOD_PATCH) {
		ctx_method_not_allowed(&c, "PATCH");
		return (ctx_finish(&c));
	}
	if (!path_segment(req, 4, handle, sizeof(handle))) {
		ctx_fail(&c, 404, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	(void)admin_update(&c, handle);
	return (ctx_finish(&c));
}
