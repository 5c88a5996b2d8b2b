/*
 * Parley: shared declarations, one section per source file (httpd.h style).
 *
 * Files in the "pure" sections (validate.c, qs.c, secret.c, errors.c) do not
 * use Kore and are linked into the unit tests on their own; everything else
 * runs inside a Kore worker.
 */
#ifndef PARLEY_H
#define PARLEY_H

#include <stddef.h>
#include <stdint.h>

/* ---- validate.c: pure validators (no Kore) ---------------------------- */

/* Returns the number of code points in s[0..len) or -1 if not valid UTF-8
 * (overlongs, surrogates and code points above U+10FFFF are invalid). */
long	utf8_length(const char *s, size_t len);
int	utf8_valid(const char *s, size_t len);
/* 1 if s is empty or only whitespace (ASCII and common Unicode spaces). */
int	text_blank(const char *s);
/* 1 if handle matches ^[a-z0-9_]{3,30}$ (the caller lower-cases first). */
int	valid_handle(const char *s);
/* 1 for a plausible address: one '@', non-empty local part, a dotted domain
 * of letters, digits and hyphens; at most 254 bytes; no spaces or controls. */
int	valid_email(const char *s);
/* Domain part of an e-mail address (pointer into s) or NULL. */
const char *email_domain(const char *s);
/* 1 if the domain is in the comma-separated allow-list (case-insensitive);
 * an empty or NULL list allows every domain. */
int	email_domain_allowed(const char *email, const char *allow_list);
/* Parses a decimal id in [1, INT64_MAX]; no sign, spaces or leading zeros. */
int	parse_id(const char *s, int64_t *out);
/* Parses a decimal integer in [min, max]; 1 on success. */
int	parse_int_range(const char *s, long min, long max, long *out);

/* ---- qs.c: query strings and keyset cursors (no Kore) ----------------- */

/* Finds name in a raw query string and URL-decodes its value into out
 * (NUL-terminated, at most outlen-1 bytes). Returns 1 when found and
 * decoded, 0 when absent, -1 when malformed or too long. */
int	qs_get(const char *query, const char *name, char *out, size_t outlen);
/* Percent-decodes one path segment ('+' stays '+'); 1 on success. */
int	path_decode(const char *s, size_t len, char *out, size_t outlen);
/* Cursor = opaque text for a (microsecond time, id) keyset position. */
int	cursor_encode(int64_t at_us, int64_t id, char *out, size_t outlen);
/* 1 on a well-formed cursor, 0 on anything else (tampered, truncated). */
int	cursor_decode(const char *s, int64_t *at_us, int64_t *id);

/* ---- text.c: mentions, tags, links and safe HTML (no Kore) ----------- */

#include <jansson.h>

#define TEXT_URL_MAX	2048

enum { TEXT_PLAIN, TEXT_LINK, TEXT_MENTION, TEXT_TAG };
typedef int	(*text_token_cb)(int kind, const char *s, size_t n, void *arg);
typedef int	(*text_known_cb)(const char *handle, void *arg);

/* Splits s into plain text, links, mentions and tags, in order; stops and
 * returns -1 when cb does. */
int	text_scan(const char *s, size_t len, text_token_cb cb, void *arg);
/* Appends the distinct lower-cased mentions (handles, without '@') and tags
 * (without '#') of s to two JSON arrays, at most 50 of each. */
int	text_extract(const char *s, size_t len, json_t *mentions, json_t *tags);
/* The post as HTML: everything escaped; links, known mentions (known ==
 * NULL: all) and tags as our own anchors. malloc'd; NULL on failure. */
char	*text_render_html(const char *s, size_t len, text_known_cb known,
	    void *arg);
/* 1 if tag (without '#') is one text_extract would produce. */
int	text_valid_tag(const char *tag);
void	text_lower(char *s);

/* ---- secret.c: tokens, password hashes, constant-time checks (no Kore) - */

#define SECRET_TOKEN_LEN	43	/* base64url of 32 random bytes */
#define SECRET_HASH_HEX		64	/* hex of a 32-byte BLAKE2b hash */
#define SECRET_PWHASH_MAX	128

int	secret_init(void);
/* Random token: prefix + 43 base64url characters, NUL-terminated. */
int	secret_token(const char *prefix, char *out, size_t outlen);
/* Hex BLAKE2b-256 of a token: what the database stores instead of it. */
int	secret_token_hash(const char *token, char out[SECRET_HASH_HEX + 1]);
/* Constant-time equality of two NUL-terminated strings. */
int	secret_equal(const char *a, const char *b);
/* argon2id; 0 on success. Both are slow (about 0.1 s) and meant to run in
 * a task thread, never on the worker's event loop. */
int	secret_password_hash(const char *pw, char out[SECRET_PWHASH_MAX]);
int	secret_password_verify(const char *hash, const char *pw);
void	secret_wipe(void *, size_t);
/* HMAC-SHA256 hex digest comparison for webhooks: 1 if sig matches. */
int	secret_hmac_sha256_verify(const char *key, const void *body,
	    size_t len, const char *hexsig);

/* ---- errors.c: status codes and SQLSTATE mapping (no Kore) ------------- */

/* The contract's default error code and message for an HTTP status. */
const char	*error_code_for(int status);
const char	*error_message_for(int status);
/* Maps a SQLSTATE to the HTTP status it means for a client:
 * 23505 -> 409, 23503/23502 -> 422, 23514/22001/22P02/22003 -> 422,
 * 40001/40P01 -> 503 (retryable), 08xxx/57P0x/57014 -> 503, else 500. */
int		sqlstate_status(const char *sqlstate);
int		sqlstate_retryable(const char *sqlstate);

/* ---- ldif.c: LDIF directory exports to person entries (no Kore) ------- */

#define LDIF_VALUE_MAX		4096	/* bytes of one value we use */
#define LDIF_DN_MAX		1024	/* bytes of a dn (users.external_id) */
#define LDIF_ENTRIES_MAX	100000	/* people per file; the rest unread */
#define LDIF_REJECTED_MAX	1000	/* rejections listed per file */

struct json_t;
/* Parses an LDIF file (RFC 2849) into a new JSON array of the person
 * entries import_people() takes: {"dn" (normalised), "uid",
 * "display_name", "email", "department", "location", "title",
 * "manager_uid", "manager_dn", "line"}, null where absent. *rejected gets a
 * new array of {"line", "reason"}; the caller owns both. Records that are
 * not people are skipped. NULL (and *rejected NULL) only when out of
 * memory. */
struct json_t	*ldif_parse(const char *buf, size_t len,
		    struct json_t **rejected);

#ifndef PARLEY_PURE

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>
#include <kore/tasks.h>
#include <jansson.h>

/* ---- init.c: configuration, read once in the parent, const after ------ */

struct parley_config {
	char	email_domains[1024];	/* comma list; empty = any */
	int	cookie_secure;		/* add Secure to cookies (TLS) */
	int	session_hours;
	int	report_min_group;	/* k for privacy folding, >= 3 */
	char	dummy_hash[SECRET_PWHASH_MAX];	/* for unknown logins */
};
extern struct parley_config	config;

/* ---- reply.c, errors: the only place that sends responses ------------- */

struct apierror {
	const char	*code;		/* NULL: the default for the status */
	const char	*message;	/* NULL: the default for the status */
	const char	*field;		/* NULL: "field": null */
	int64_t		 existing_id;	/* > 0: "existing_id" in a 409 */
	int		 retry_after;	/* > 0: Retry-After header */
};

/* ---- db.c: the only file that talks to libpq -------------------------- */

#define DB_MAX_PARAMS	16

struct db {
	struct kore_pgsql	 sql;
	PGresult		*res;
	int			 open;
	int			 in_tx;
	int			 queries;	/* statements sent so far */
	char			 sqlstate[6];
	char			 constraint[64];
};

/* ---- the per-request context every handler uses ----------------------- */

struct user {
	int64_t	id;		/* 0: anonymous */
	char	handle[32];
	char	role[24];
	char	csrf[64];	/* only for cookie sessions */
	int	via_cookie;
	int64_t	session_id;
};

struct ctx {
	struct http_request	*req;
	struct db		 db;
	struct user		 me;
	json_t			*in;
	json_t			*out;
	int			 status;
	struct apierror		 err;
	struct kore_buf		*raw;	/* the raw body, when read */
	u_int64_t		 started_ms;	/* for the access log */
};

/* Sets up a context; always pair with ctx_finish(). */
void	ctx_init(struct ctx *, struct http_request *);
/* Sends ctx->out (or the error envelope when status >= 400, or nothing for
 * 204), logs the access line, frees everything. Returns KORE_RESULT_OK. */
int	ctx_finish(struct ctx *);
/* Records an error; returns status so callers can "return ctx_fail(...)". */
int	ctx_fail(struct ctx *, int status, const char *code,
	    const char *field, const char *message);
int	ctx_method_not_allowed(struct ctx *, const char *allow);
void	reply_security_headers(struct http_request *);
void	reply_access_log(struct http_request *, u_int64_t started_ms,
	    int status, int64_t user_id);
/* {"items": items, "next_cursor": cursor or null}; takes items. */
json_t	*reply_page(json_t *items, const char *next_cursor);
/* Sets c->out to a page of items (taken), with a cursor made of the two
 * keyset values when more follow. 200 or 500. */
int	reply_keyset_page(struct ctx *, json_t *items, int more, int64_t key1,
	    int64_t key2);
/* ctx_init, then auth_require, then the method must be one of methods
 * (HTTP_METHOD_* bits; allow is the Allow header). 200 or the error. */
int	ctx_begin(struct ctx *, struct http_request *, int methods,
	    const char *allow);

/* ---- body.c: JSON request bodies --------------------------------------- */

#define BODY_MAX_JSON	(1024 * 1024)

/* Reads and parses a JSON object body into ctx->in. 200 or an error. */
int	body_json(struct ctx *);
/* Reads a raw body of the given content type (e.g. "text/html") up to max
 * bytes into ctx->raw. */
int	body_raw(struct ctx *, const char *content_type, size_t max);
/* Typed getters. present is set to 1 when the key exists (may be NULL).
 * Strings are checked for length in code points; NULL JSON means absent
 * unless nullable, in which case *out is NULL and present is 1. */
int	body_string(struct ctx *, const char *key, int required, size_t min,
	    size_t max, const char **out, int *present);
int	body_bool(struct ctx *, const char *key, int required, int *out,
	    int *present);
int	body_int(struct ctx *, const char *key, int required, int64_t min,
	    int64_t max, int64_t *out, int *present);
/* Rejects keys that are not in the NULL-terminated list (422 field). */
int	body_only_keys(struct ctx *, const char *const *allowed);

/* ---- db.c --------------------------------------------------------------- */

int	db_open(struct ctx *);
void	db_close(struct db *);
int	db_begin(struct ctx *);
int	db_commit(struct ctx *);
/* Runs sql with n text parameters (NULL entries are SQL NULL). Returns 200
 * or an HTTP status for the failure, with the error recorded in ctx. */
int	db_query(struct ctx *, const char *sql, int n, const char *const *p);
int	db_rows(struct ctx *);
const char *db_value(struct ctx *, int row, int col);	/* NULL if NULL */
int	db_isnull(struct ctx *, int row, int col);
int64_t	db_int(struct ctx *, int row, int col);
int	db_bool(struct ctx *, int row, int col);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t	db_affected(struct ctx *);
/* Pings the database for /healthz; 1 when it answers. */
int	db_ping(struct ctx *);

/* ---- auth.c: sessions, tokens, CSRF, roles ----------------------------- */

/* Resolves the caller from the bearer token or session cookie, and for
 * cookie sessions checks CSRF on unsafe methods. 200 or 401/403. */
int	auth_require(struct ctx *);
/* Like auth_require but anonymous callers pass with me.id == 0. */
int	auth_optional(struct ctx *);
int	auth_require_role(struct ctx *, const char *role);
int	auth_is_admin(const struct user *);
void	auth_set_session_cookie(struct http_request *, const char *token,
	    int max_age);

/* ---- users.c: the User representation shared by every domain ---------- */

/* SELECT list for a User row (users u LEFT JOIN users m ON m.id =
 * u.manager_id), read by user_json() by position: 19 columns. */
#define USER_COLUMNS \
    "u.id, u.handle, u.display_name, u.title, u.department, u.location, " \
    "u.bio, u.role, u.status, u.email, api_time(u.created_at), " \
    "m.id, m.handle, m.display_name, m.title, m.department, " \
    "(SELECT count(*) FROM follows f WHERE f.followee_id = u.id), " \
    "(SELECT count(*) FROM follows f WHERE f.follower_id = u.id), " \
    "(SELECT coalesce(json_agg(json_build_object('name', s.skill, " \
    "  'endorsements', (SELECT count(*) FROM skill_endorsements e " \
    "   WHERE e.user_id = u.id AND e.skill_key = lower(s.skill))) " \
    "  ORDER BY s.position), '[]') FROM user_skills s " \
    "  WHERE s.user_id = u.id) "
/* Queries by id or handle, and the renderer. */
extern const char	SQL_USER_BY_ID[];
extern const char	SQL_USER_BY_HANDLE[];
json_t	*user_json(struct ctx *, int row, int with_email);
json_t	*userref_json(struct ctx *, int row, int col);
/* Loads a User by id into a JSON object (NULL and an error on failure). */
int	user_load(struct ctx *, int64_t id, int with_email, json_t **out);
/* Writes to the append-only audit log inside the current transaction. */
int	audit_write(struct ctx *, const char *action, const char *target_type,
	    const char *target_id, const char *reason);

/* ---- pwtask.c: argon2id off the event loop, in a Kore task thread ----- */

#define PW_MAX_CODEPOINTS	1024
#define PW_MAX_BYTES		(PW_MAX_CODEPOINTS * 4 + 1)

struct pwtask {
	struct kore_task	task;
	u_int64_t		started_ms;	/* when the request began */
	int			started;
	int			ok;
	char			hash[SECRET_PWHASH_MAX];
};

/* Starts hashing pw (hash == NULL) or verifying pw against hash in a task
 * thread and puts the request to sleep; the handler returns
 * KORE_RESULT_RETRY and is called again when the thread is done. */
void	pwtask_start(struct pwtask *, struct http_request *, const char *pw,
	    const char *hash);
/* 0 while the thread works (the request sleeps again), 1 when done: then
 * t->ok says whether it verified (or hashed) and t->hash holds a new hash. */
int	pwtask_done(struct pwtask *, struct http_request *);

/* ---- posts.c: the Post representation timelines share --------------- */

/* The SELECT list of a Post (posts p JOIN users a ON a.id = p.author_id);
 * the query's $1 must be the viewer's id. post_json() reads it by position. */
#define POST_COLUMNS \
	"p.id, p.body, p.html, p.reply_to, p.root_id, api_time(p.created_at), " \
	"api_time(p.edited_at), p.like_count, p.reply_count, p.hidden, " \
	"a.id, a.handle, a.display_name, a.title, a.department, " \
	"(SELECT coalesce(json_agg(u.handle ORDER BY u.handle), '[]') " \
	"  FROM post_mentions m JOIN users u ON u.id = m.user_id " \
	"  WHERE m.post_id = p.id), " \
	"(SELECT coalesce(json_agg(t.tag ORDER BY t.tag), '[]') " \
	"  FROM post_tags t WHERE t.post_id = p.id), " \
	"EXISTS (SELECT 1 FROM post_likes l WHERE l.post_id = p.id " \
	"  AND l.user_id = $1), " \
	"(extract(epoch FROM p.created_at) * 1000000)::bigint, " \
	"p.deleted_at IS NOT NULL "
json_t	*post_json(struct ctx *, int row);
/* The row's created_at in microseconds, for keyset cursors. */
int64_t	post_cursor_time(struct ctx *, int row);

/* ---- path.c: path parameters from regex routes ------------------------ */

/* Copies the n-th '/'-separated segment (0-based) of req->path into out.
 * Returns 1 on success, 0 if absent or too long. */
int	path_segment(struct http_request *, int n, char *out, size_t outlen);
/* Reads the request's query-string parameter; 1 found, 0 absent, -1 bad. */
int	query_param(struct http_request *, const char *name, char *out,
	    size_t outlen);
/* Parses ?limit= and ?cursor= per the contract: 200 or 400/422. */
int	page_params(struct ctx *, long *limit, int *has_cursor,
	    int64_t *at_us, int64_t *id);

/* ---- route handlers (conf/parley.conf.in names them) ------------------ */
/* Every handler name carries a prefix: Kore resolves names through libc
 * first, and a handler called "login" would run login(3). */

int	api_healthz(struct http_request *);
int	api_not_found(struct http_request *);
int	api_auth_register(struct http_request *);
int	api_auth_login(struct http_request *);
int	api_auth_logout(struct http_request *);
int	api_me(struct http_request *);
int	api_me_tokens(struct http_request *);
int	api_me_token(struct http_request *);
int	api_admin_user(struct http_request *);
int	asset_serve(struct http_request *);
/* import.c */
int	api_admin_import_ldif(struct http_request *);
/* people.c */
int	api_people(struct http_request *);
int	api_departments(struct http_request *);
int	api_user(struct http_request *);
int	api_user_follow(struct http_request *);
int	api_user_endorse(struct http_request *);
int	api_user_unendorse(struct http_request *);
/* posts.c */
int	api_posts(struct http_request *);
int	api_post(struct http_request *);
int	api_post_like(struct http_request *);
int	api_post_versions(struct http_request *);
/* timeline.c */
int	api_me_tags(struct http_request *);
int	api_timeline_home(struct http_request *);
int	api_user_posts(struct http_request *);
int	api_tag(struct http_request *);
int	api_tag_posts(struct http_request *);
int	api_tag_follow(struct http_request *);
/* communities.c */
int	api_communities(struct http_request *);
int	api_community(struct http_request *);
int	api_community_members(struct http_request *);
int	api_community_member(struct http_request *);
int	api_community_member_approve(struct http_request *);
/* qa.c */
int	api_community_questions(struct http_request *);
int	api_questions(struct http_request *);
int	api_questions_similar(struct http_request *);
int	api_question(struct http_request *);
int	api_question_answers(struct http_request *);
int	api_question_votes(struct http_request *);
int	api_answer_votes(struct http_request *);
int	api_answer_accept(struct http_request *);
/* bookmarks.c */
int	api_bookmarks(struct http_request *);
int	api_bookmarks_popular(struct http_request *);
int	api_bookmarks_import(struct http_request *);
int	api_bookmarks_export(struct http_request *);
int	api_bookmark(struct http_request *);
/* search.c */
int	api_search(struct http_request *);
int	api_experts(struct http_request *);
/* notify.c */
int	api_notifications(struct http_request *);
int	api_notifications_read(struct http_request *);
int	api_notifications_unread(struct http_request *);

#endif /* PARLEY_PURE */

#endif /* PARLEY_H */
