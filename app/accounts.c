/*
 * Accounts: register, login and logout. Register and login hash or verify
 * the password in a Kore task (pwtask.c), so each runs in two phases: the
 * first validates and reads the database, the second (after the thread is
 * done) writes and answers. The database connection is released between the
 * phases so a slow hash never holds one.
 */
#include <ctype.h>
#include <string.h>

#include "parley.h"

#define SESSION_TOKEN_MAX	(SECRET_TOKEN_LEN + 8)

static const char SQL_TAKEN[] =
    "SELECT (SELECT id FROM users WHERE lower(handle) = lower($1)), "
    "       (SELECT id FROM users WHERE lower(email) = lower($2))";

/* The advisory lock serialises registrations just long enough for "the very
 * first account becomes admin" to hold under concurrency. */
static const char SQL_REGISTER_LOCK[] =
    "SELECT pg_advisory_xact_lock(7226001)";
static const char SQL_REGISTER[] =
    "INSERT INTO users (handle, email, password_hash, display_name, role) "
    "VALUES ($1, $2, $3, $4, CASE WHEN EXISTS (SELECT 1 FROM users) "
    "  THEN 'employee' ELSE 'admin' END) RETURNING id";

/* Retry-After in seconds when the fifth most recent failure inside the last
 * 15 minutes exists; that one leaves the window first. */
static const char SQL_LOCKOUT[] =
    "SELECT greatest(1, ceil(extract(epoch FROM failed_at + "
    "  interval '15 minutes' - now())))::int FROM login_failures "
    "WHERE login_key = $1 AND failed_at > now() - interval '15 minutes' "
    "ORDER BY failed_at DESC OFFSET 4 LIMIT 1";
static const char SQL_LOGIN_USER[] =
    "SELECT id, password_hash, status FROM users "
    "WHERE lower(handle) = $1 OR lower(email) = $1 "
    "ORDER BY (lower(handle) = $1) DESC LIMIT 1";
static const char SQL_LOGIN_FAILED[] =
    "WITH gc AS (DELETE FROM login_failures "
    "  WHERE failed_at < now() - interval '1 day') "
    "INSERT INTO login_failures (login_key) VALUES ($1)";
static const char SQL_LOGIN_CLEAR[] =
    "DELETE FROM login_failures WHERE login_key = $1";
static const char SQL_SESSION_CREATE[] =
    "WITH gc AS (DELETE FROM sessions WHERE user_id = $1 "
    "  AND expires_at < now()) "
    "INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at) "
    "VALUES ($1, $2, $3, now() + make_interval(hours => $4::int))";
static const char SQL_SESSION_DELETE[] =
    "DELETE FROM sessions WHERE id = $1";

struct register_state {
	struct pwtask	pw;
	char		handle[32];
	char		email[256];
	char		display_name[401];
};

struct login_state {
	struct pwtask	pw;
	int64_t		user_id;	/* 0: unknown login */
	int		suspended;
	char		login_key[1025];
};

static void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Phase 1 of register: validate, check the allow-list and that the handle
 * and e-mail are free (the unique indexes still decide under a race). */
static int
register_validate(struct ctx *c, struct register_state *st,
    const char **password)
{
	const char	*handle, *email, *name, *params[2];
	int		 status;

	if ((status = body_json(c)) != HTTP_STATUS_OK)
		return (status);
	if (body_string(c, "handle", 1, 1, 30, &handle, NULL) != 200 ||
	    body_string(c, "email", 1, 3, 254, &email, NULL) != 200 ||
	    body_string(c, "password", 1, 10, PW_MAX_CODEPOINTS, password,
	    NULL) != 200 ||
	    body_string(c, "display_name", 1, 1, 100, &name, NULL) != 200)
		return (c->status);
	if (text_blank(name))
		return (ctx_fail(c, 422, NULL, "display_name",
		    "The name cannot be blank."));
	kore_strlcpy(st->handle, handle, sizeof(st->handle));
	lower_ascii(st->handle);
	if (!valid_handle(st->handle))
		return (ctx_fail(c, 422, NULL, "handle", "A handle is 3 to 30 "
		    "letters, digits or underscores."));
	if (!valid_email(email))
		return (ctx_fail(c, 422, NULL, "email",
		    "That is not an e-mail address."));
	if (!email_domain_allowed(email, config.email_domains))
		return (ctx_fail(c, 422, "domain_not_allowed", "email",
		    "E-mail addresses of that domain cannot register here."));
	kore_strlcpy(st->email, email, sizeof(st->email));
	kore_strlcpy(st->display_name, name, sizeof(st->display_name));

	params[0] = st->handle;
	params[1] = st->email;
	if ((status = db_query(c, SQL_TAKEN, 2, params)) != HTTP_STATUS_OK)
		return (status);
	if (!db_isnull(c, 0, 0) || !db_isnull(c, 0, 1)) {
		return (ctx_fail(c, 409, NULL, db_isnull(c, 0, 0) ? "email" :
		    "handle", "That handle or e-mail is already registered."));
	}
	return (HTTP_STATUS_OK);
}

static int
register_store(struct ctx *c, struct register_state *st)
{
	const char	*params[4];
	int64_t		 id;
	int		 status;

	if (!st->pw.ok)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	params[0] = st->handle;
	params[1] = st->email;
	params[2] = st->pw.hash;
	params[3] = st->display_name;
	if (db_begin(c) != 200 || db_query(c, SQL_REGISTER_LOCK, 0, NULL) != 200 ||
	    db_query(c, SQL_REGISTER, 4, params) != 200)
		goto conflict;
	id = db_int(c, 0, 0);
	if ((status = db_commit(c)) != HTTP_STATUS_OK)
		return (status);
	if ((status = user_load(c, id, 1, &c->out)) != HTTP_STATUS_OK)
		return (status);
	c->out = json_pack("{s:o}", "user", c->out);
	c->status = HTTP_STATUS_CREATED;
	return (c->status);
conflict:
	if ((status = c->status) == 409)
		return (ctx_fail(c, 409, NULL, strstr(c->db.constraint,
		    "email") ? "email" : "handle",
		    "That handle or e-mail is already registered."));
	return (status);
}

/* POST /api/v1/auth/register -> 201 {"user"} | 400 | 409 | 415 | 422 */
int
api_auth_register(struct http_request *req)
{
	struct register_state	*st;
	struct ctx		 c;
	const char		*password;

	ctx_init(&c, req);
	if ((st = http_state_get(req)) == NULL) {
		if (req->method != HTTP_METHOD_POST) {
			ctx_method_not_allowed(&c, "POST");
			return (ctx_finish(&c));
		}
		st = http_state_create(req, sizeof(*st), NULL);
		if (register_validate(&c, st, &password) != HTTP_STATUS_OK) {
			http_state_cleanup(req);
			return (ctx_finish(&c));
		}
		pwtask_start(&st->pw, req, password, NULL);
		db_close(&c.db);
		json_decref(c.in);
		if (c.raw != NULL)
			kore_buf_free(c.raw);
		return (KORE_RESULT_RETRY);
	}
	if (!pwtask_done(&st->pw, req))
		return (KORE_RESULT_RETRY);
	c.started_ms = st->pw.started_ms;
	(void)register_store(&c, st);
	secret_wipe(st, sizeof(*st));
	http_state_cleanup(req);
	return (ctx_finish(&c));
}

/* Phase 1 of login: the user's hash (or the dummy one, so an unknown login
 * costs the same time as a wrong password), then the lockout. Failures are
 * counted per account when the login names one, so the handle and the
 * e-mail address share one budget, and per login text otherwise. */
static int
login_lookup(struct ctx *c, struct login_state *st, const char **password,
    const char **hash)
{
	const char	*login, *params[1];
	int		 status;

	if ((status = body_json(c)) != HTTP_STATUS_OK)
		return (status);
	if (body_string(c, "login", 1, 1, 254, &login, NULL) != 200 ||
	    body_string(c, "password", 1, 1, PW_MAX_CODEPOINTS, password,
	    NULL) != 200)
		return (c->status);
	kore_strlcpy(st->login_key, login, sizeof(st->login_key));
	lower_ascii(st->login_key);
	params[0] = st->login_key;
	if ((status = db_query(c, SQL_LOGIN_USER, 1, params)) != HTTP_STATUS_OK)
		return (status);
	*hash = config.dummy_hash;
	if (db_rows(c) == 1 && !db_isnull(c, 0, 1)) {
		st->user_id = db_int(c, 0, 0);
		st->suspended = strcmp(db_value(c, 0, 2), "active") != 0;
		kore_strlcpy(st->pw.hash, db_value(c, 0, 1),
		    sizeof(st->pw.hash));
		*hash = st->pw.hash;
		(void)snprintf(st->login_key, sizeof(st->login_key),
		    "user:%lld", (long long)st->user_id);
	}
	params[0] = st->login_key;
	if ((status = db_query(c, SQL_LOCKOUT, 1, params)) != HTTP_STATUS_OK)
		return (status);
	if (db_rows(c) == 1) {
		c->err.retry_after = (int)db_int(c, 0, 0);
		return (ctx_fail(c, 429, NULL, NULL, "Too many failed sign-ins; "
		    "try again later."));
	}
	return (HTTP_STATUS_OK);
}

static int
login_finish(struct ctx *c, struct login_state *st)
{
	char		 token[SESSION_TOKEN_MAX], csrf[SESSION_TOKEN_MAX];
	char		 hash[SECRET_HASH_HEX + 1], uid[24], hours[12];
	const char	*params[4];
	json_t		*user = NULL;
	int		 status;

	params[0] = st->login_key;
	if (st->user_id == 0 || !st->pw.ok) {
		if ((status = db_query(c, SQL_LOGIN_FAILED, 1, params)) != 200)
			return (status);
		return (ctx_fail(c, 401, "invalid_credentials", NULL,
		    "The login or password is wrong."));
	}
	if (st->suspended)
		return (ctx_fail(c, 403, "account_suspended", NULL,
		    "This account is suspended."));
	if (secret_token("", token, sizeof(token)) != 0 ||
	    secret_token("", csrf, sizeof(csrf)) != 0 ||
	    secret_token_hash(token, hash) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)st->user_id);
	(void)snprintf(hours, sizeof(hours), "%d", config.session_hours);
	params[0] = uid;
	params[1] = hash;
	params[2] = csrf;
	params[3] = hours;
	if ((status = db_query(c, SQL_SESSION_CREATE, 4, params)) != 200)
		return (status);
	params[0] = st->login_key;
	if ((status = db_query(c, SQL_LOGIN_CLEAR, 1, params)) != 200)
		return (status);
	c->me.id = st->user_id;
	if ((status = user_load(c, st->user_id, 1, &user)) != HTTP_STATUS_OK)
		return (status);
	c->out = json_pack("{s:o, s:s}", "user", user, "csrf_token", csrf);
	auth_set_session_cookie(c->req, token, config.session_hours * 3600);
	secret_wipe(token, sizeof(token));
	return (HTTP_STATUS_OK);
}

/* POST /api/v1/auth/login -> 200 {"user", "csrf_token"} + cookie | 401 |
 * 403 account_suspended | 429 rate_limited */
int
api_auth_login(struct http_request *req)
{
	struct login_state	*st;
	struct ctx		 c;
	const char		*password = NULL, *hash = NULL;

	ctx_init(&c, req);
	if ((st = http_state_get(req)) == NULL) {
		if (req->method != HTTP_METHOD_POST) {
			ctx_method_not_allowed(&c, "POST");
			return (ctx_finish(&c));
		}
		st = http_state_create(req, sizeof(*st), NULL);
		if (login_lookup(&c, st, &password, &hash) != HTTP_STATUS_OK) {
			http_state_cleanup(req);
			return (ctx_finish(&c));
		}
		pwtask_start(&st->pw, req, password, hash);
		db_close(&c.db);
		json_decref(c.in);
		if (c.raw != NULL)
			kore_buf_free(c.raw);
		return (KORE_RESULT_RETRY);
	}
	if (!pwtask_done(&st->pw, req))
		return (KORE_RESULT_RETRY);
	c.started_ms = st->pw.started_ms;
	(void)login_finish(&c, st);
	secret_wipe(st, sizeof(*st));
	http_state_cleanup(req);
	return (ctx_finish(&c));
}

/* POST /api/v1/auth/logout -> 204; the session row is deleted. */
int
api_auth_logout(struct http_request *req)
{
	struct ctx	 c;
	char		 sid[24];
	const char	*params[1] = { sid };

	ctx_init(&c, req);
	if (req->method != HTTP_METHOD_POST) {
		ctx_method_not_allowed(&c, "POST");
		return (ctx_finish(&c));
	}
	if (auth_require(&c) != HTTP_STATUS_OK)
		return (ctx_finish(&c));
	if (c.me.via_cookie) {
		(void)snprintf(sid, sizeof(sid), "%lld",
		    (long long)c.me.session_id);
		if (db_query(&c, SQL_SESSION_DELETE, 1, params) != 200)
			return (ctx_finish(&c));
	}
	auth_set_session_cookie(req, "", 0);
	c.status = HTTP_STATUS_NO_CONTENT;
	return (ctx_finish(&c));
}
