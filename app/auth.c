/*
 * Who is calling: bearer tokens and session cookies resolved to a user, CSRF
 * on cookie sessions for unsafe methods, and role predicates. Secrets are
 * only ever compared by their hash (secret.c).
 */
#include <string.h>
#include <strings.h>

#include "parley.h"

/* Touches last_used_at at most every five minutes, not on every request. */
static const char SQL_TOKEN_USER[] =
    "WITH t AS (SELECT id, user_id, last_used_at FROM api_tokens "
    "  WHERE token_hash = $1 AND revoked_at IS NULL), "
    "touch AS (UPDATE api_tokens a SET last_used_at = now() FROM t "
    "  WHERE a.id = t.id AND (t.last_used_at IS NULL OR "
    "  t.last_used_at < now() - interval '5 minutes')) "
    "SELECT u.id, u.handle, u.role, u.status, 0, '' "
    "FROM t JOIN users u ON u.id = t.user_id";

static const char SQL_SESSION_USER[] =
    "SELECT u.id, u.handle, u.role, u.status, s.id, s.csrf_token "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = $1 AND s.expires_at > now()";

static int
method_is_unsafe(int method)
{
	return (method == HTTP_METHOD_POST || method == HTTP_METHOD_PUT ||
	    method == HTTP_METHOD_PATCH || method == HTTP_METHOD_DELETE);
}

/* Finds the caller's secret: 1 bearer, 2 cookie, 0 none, -1 malformed. */
static int
auth_credential(struct http_request *req, char *out, size_t outlen)
{
	const char	*h;
	char		*cookie;

	if (http_request_header(req, "authorization", &h)) {
		if (strncasecmp(h, "Bearer ", 7) != 0)
			return (-1);
		h += 7;
		if (*h == '\0' || kore_strlcpy(out, h, outlen) >= outlen)
			return (-1);
		return (1);
	}
	http_populate_cookies(req);
	if (http_request_cookie(req, "parley_session", &cookie)) {
		if (*cookie == '\0' ||
		    kore_strlcpy(out, cookie, outlen) >= outlen)
			return (-1);
		return (2);
	}
	return (0);
}

static int
auth_resolve(struct ctx *c, int required)
{
	char		 secret[128], hash[SECRET_HASH_HEX + 1];
	const char	*params[1], *csrf;
	int		 kind, status;

	kind = auth_credential(c->req, secret, sizeof(secret));
	if (kind == 0 && !required)
		return (HTTP_STATUS_OK);
	if (kind <= 0)
		return (ctx_fail(c, 401, NULL, NULL, NULL));
	if (secret_token_hash(secret, hash) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	params[0] = hash;
	status = db_query(c, kind == 1 ? SQL_TOKEN_USER : SQL_SESSION_USER,
	    1, params);
	if (status != HTTP_STATUS_OK)
		return (status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 401, NULL, NULL,
		    "The session or token is not valid."));
	c->me.id = db_int(c, 0, 0);
	kore_strlcpy(c->me.handle, db_value(c, 0, 1), sizeof(c->me.handle));
	kore_strlcpy(c->me.role, db_value(c, 0, 2), sizeof(c->me.role));
	c->me.session_id = db_int(c, 0, 4);
	kore_strlcpy(c->me.csrf, db_value(c, 0, 5), sizeof(c->me.csrf));
	c->me.via_cookie = (kind == 2);
	if (strcmp(db_value(c, 0, 3), "active") != 0)
		return (ctx_fail(c, 403, "account_suspended", NULL,
		    "This account is suspended."));
	if (c->me.via_cookie && method_is_unsafe(c->req->method)) {
		if (!http_request_header(c->req, "x-csrf-token", &csrf) ||
		    !secret_equal(csrf, c->me.csrf))
			return (ctx_fail(c, 403, "csrf_failed", NULL,
			    "The X-CSRF-Token header is missing or wrong."));
	}
	return (HTTP_STATUS_OK);
}

int
auth_require(struct ctx *c)
{
	return (auth_resolve(c, 1));
}

int
auth_optional(struct ctx *c)
{
	return (auth_resolve(c, 0));
}

int
auth_is_admin(const struct user *u)
{
	return (strcmp(u->role, "admin") == 0);
}

/* Admins pass every role check. */
int
auth_require_role(struct ctx *c, const char *role)
{
	int	status;

	if ((status = auth_require(c)) != HTTP_STATUS_OK)
		return (status);
	if (auth_is_admin(&c->me) || strcmp(c->me.role, role) == 0)
		return (HTTP_STATUS_OK);
	return (ctx_fail(c, 403, NULL, NULL, NULL));
}

/* Kore 4.1's cookie helper cannot say SameSite, so the header is written
 * here. max_age 0 deletes the cookie. */
void
auth_set_session_cookie(struct http_request *req, const char *token,
    int max_age)
{
	struct kore_buf	 buf;
	char		*s;

	kore_buf_init(&buf, 160);
	kore_buf_appendf(&buf, "parley_session=%s; Path=/; Max-Age=%d; "
	    "HttpOnly; SameSite=Lax%s", token, max_age,
	    config.cookie_secure ? "; Secure" : "");
	s = kore_buf_stringify(&buf, NULL);
	http_response_header(req, "set-cookie", s);
	kore_buf_cleanup(&buf);
}
