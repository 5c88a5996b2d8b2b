/*
 * Customer conversations (issue 5): channels with webhook secrets, the
 * signed webhook that takes messages in, and conversations to list, read,
 * resolve and reopen. Storing and threading is customer_ingest() in
 * sql/0009_customer.sql, which the CSV import (customer_import.c) shares.
 *
 * Who: admins and community managers create channels and rotate secrets;
 * admins, community managers and analysts read channels and conversations
 * (customer data is sensitive, so employees get 403). The webhook has no
 * session and no CSRF: the HMAC-SHA256 signature of the raw body under the
 * channel's secret is its only credential, checked before the body is
 * parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define CHANNEL_NAME_MAX	100
#define BATCH_MAX		1000
#define EXTERNAL_ID_MAX		200
#define AUTHOR_MAX		200
#define MESSAGE_TEXT_MAX	20000
#define Q_MAX			200

static const char *const CHANNEL_KINDS[] = { "twitter", "facebook", "email",
    "chat", "other", NULL };

#define CHANNEL_COLUMNS "h.id, h.name, h.kind, api_time(h.created_at) "

static const char SQL_CHANNEL_CREATE[] =
    "INSERT INTO customer_channels AS h (name, kind, webhook_secret, "
    "created_by) VALUES ($1, $2, $3, $4) RETURNING " CHANNEL_COLUMNS;
static const char SQL_CHANNEL_LIST[] =
    "SELECT " CHANNEL_COLUMNS "FROM customer_channels h ORDER BY h.id";
static const char SQL_CHANNEL_GET[] =
    "SELECT " CHANNEL_COLUMNS "FROM customer_channels h WHERE h.id = $1";
static const char SQL_CHANNEL_ROTATE[] =
    "UPDATE customer_channels AS h SET webhook_secret = $2 WHERE h.id = $1 "
    "RETURNING h.id";
static const char SQL_CHANNEL_SECRET[] =
    "SELECT webhook_secret FROM customer_channels WHERE id = $1";
static const char SQL_INGEST[] = "SELECT customer_ingest($1, $2::jsonb)";

#define CONV_COLUMNS	CONVERSATION_COLUMNS
#define CONV_FROM	CONVERSATION_FROM

static const char SQL_CONV_GET[] =
    "SELECT " CONV_COLUMNS CONV_FROM "WHERE v.id = $1";
/* $1 limit + 1, $2/$3 cursor (NULL: from the newest), $4 status, $5 channel, $6 words: a filter
 * that is off is NULL. */
static const char SQL_CONV_LIST[] =
    "SELECT " CONV_COLUMNS CONV_FROM
    "WHERE ($2::bigint IS NULL OR (v.opened_at, v.id) < "
    "  (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', "
    "  $3::bigint)) "
    "AND ($4::text IS NULL OR v.status = $4) "
    "AND ($5::bigint IS NULL OR v.channel_id = $5) "
    "AND ($6::text IS NULL OR strpos(lower(v.subject || ' ' || v.customer), "
    "  lower($6)) > 0 OR EXISTS (SELECT 1 FROM customer_messages m "
    "  WHERE m.conversation_id = v.id AND strpos(lower(m.body), "
    "  lower($6)) > 0)) "
    "ORDER BY v.opened_at DESC, v.id DESC LIMIT $1";
static const char SQL_MESSAGES[] =
    "SELECT id, external_id, in_reply_to_external_id, direction, author, "
    "body, api_time(sent_at) FROM customer_messages "
    "WHERE conversation_id = $1 ORDER BY sent_at, id";
/* The figures of customer_collaboration() and the names of the
 * departments it counts (distinct, trimmed, sorted). */
static const char SQL_COLLABORATION[] =
    "SELECT k.internal_participants, k.departments, k.internal_messages, "
    "k.minutes_to_first_internal_response, "
    "(SELECT coalesce(json_agg(x.d ORDER BY x.d), '[]') FROM "
    "  (SELECT DISTINCT btrim(u.department) AS d "
    "  FROM customer_internal_messages($1) m "
    "  JOIN users u ON u.id = m.author_id "
    "  WHERE btrim(u.department) <> '') x) "
    "FROM customer_collaboration($1) k";
static const char SQL_RESOLVE[] =
    "UPDATE customer_conversations SET status = 'resolved', "
    "resolved_at = now(), first_contact_resolution = $2, csat = $3 "
    "WHERE id = $1 RETURNING id";
static const char SQL_REOPEN[] =
    "UPDATE customer_conversations SET status = 'open', resolved_at = NULL, "
    "first_contact_resolution = NULL, csat = NULL WHERE id = $1 "
    "RETURNING id";

static void
int_text(char buf[24], int64_t v)
{
	(void)snprintf(buf, 24, "%lld", (long long)v);
}

/* Readers of customer data: admins, community managers, analysts. */
int
customer_reader(struct ctx *c)
{
	if (auth_is_admin(&c->me) ||
	    strcmp(c->me.role, "community_manager") == 0 ||
	    strcmp(c->me.role, "analyst") == 0)
		return (HTTP_STATUS_OK);
	return (ctx_fail(c, 403, NULL, NULL,
	    "Customer conversations are for community managers, analysts "
	    "and admins."));
}

/* Who acts on conversations (resolve, link, escalate): admins and
 * community managers; analysts only read. */
int
customer_actor(struct ctx *c)
{
	if (auth_is_admin(&c->me) ||
	    strcmp(c->me.role, "community_manager") == 0)
		return (HTTP_STATUS_OK);
	return (ctx_fail(c, 403, NULL, NULL, "Only community managers and "
	    "admins act on customer conversations."));
}

/* The numeric path segment n as an id; 404 otherwise. */
static int
id_param(struct ctx *c, int n, char out[24], const char *what)
{
	int64_t	id;

	if (!path_segment(c->req, n, out, 24) || !parse_id(out, &id))
		return (ctx_fail(c, 404, NULL, NULL, what));
	return (HTTP_STATUS_OK);
}

static json_t *
channel_json(struct ctx *c, int row)
{
	return (json_pack("{s:I, s:s, s:s, s:s}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "name", db_value(c, row, 1),
	    "kind", db_value(c, row, 2),
	    "created_at", db_value(c, row, 3)));
}

/* ---- channels ------------------------------------------------------- */

static int
channel_create(struct ctx *c)
{
	static const char *const keys[] = { "name", "kind", NULL };
	char		 secret[64], me[24];
	const char	*name, *kind, *p[4];
	json_t		*ch;
	int		 i;

	if (auth_require_role(c, "community_manager") != 200 ||
	    body_json(c) != 200 || body_only_keys(c, keys) != 200 ||
	    body_string(c, "name", 1, 1, CHANNEL_NAME_MAX, &name, NULL) != 200 ||
	    body_string(c, "kind", 1, 1, 16, &kind, NULL) != 200)
		return (c->status);
	if (text_blank(name))
		return (ctx_fail(c, 422, NULL, "name", "name must not be blank."));
	for (i = 0; CHANNEL_KINDS[i] != NULL; i++)
		if (strcmp(kind, CHANNEL_KINDS[i]) == 0)
			break;
	if (CHANNEL_KINDS[i] == NULL)
		return (ctx_fail(c, 422, NULL, "kind", "kind is twitter, "
		    "facebook, email, chat or other."));
	if (secret_token("whsec_", secret, sizeof(secret)) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	int_text(me, c->me.id);
	p[0] = name;
	p[1] = kind;
	p[2] = secret;
	p[3] = me;
	if (db_query(c, SQL_CHANNEL_CREATE, 4, p) != 200)
		goto out;
	if ((ch = channel_json(c, 0)) == NULL ||
	    (c->out = json_pack("{s:o, s:s}", "channel", ch,
	    "webhook_secret", secret)) == NULL) {
		ctx_fail(c, 500, NULL, NULL, NULL);
		goto out;
	}
	c->status = HTTP_STATUS_CREATED;
out:
	secret_wipe(secret, sizeof(secret));
	return (c->status);
}

static int
channel_list(struct ctx *c)
{
	json_t	*items;
	int	 i;

	if (customer_reader(c) != 200 ||
	    db_query(c, SQL_CHANNEL_LIST, 0, NULL) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	for (i = 0; i < db_rows(c); i++)
		json_array_append_new(items, channel_json(c, i));
	if ((c->out = reply_page(items, NULL)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* GET|POST /api/v1/customer/channels */
int
api_customer_channels(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET | HTTP_METHOD_POST,
	    "GET, POST") != 200)
		return (ctx_finish(&c));
	if (req->method == HTTP_METHOD_GET)
		(void)channel_list(&c);
	else
		(void)channel_create(&c);
	return (ctx_finish(&c));
}

/* GET /api/v1/customer/channels/{id} -> {"channel"} */
int
api_customer_channel(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24];
	const char	*p[1] = { id };
	json_t		*ch;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    customer_reader(&c) != 200 ||
	    id_param(&c, 4, id, "No such channel.") != 200 ||
	    db_query(&c, SQL_CHANNEL_GET, 1, p) != 200)
		return (ctx_finish(&c));
	if (db_rows(&c) != 1)
		ctx_fail(&c, 404, NULL, NULL, "No such channel.");
	else if ((ch = channel_json(&c, 0)) == NULL ||
	    (c.out = json_pack("{s:o}", "channel", ch)) == NULL)
		ctx_fail(&c, 500, NULL, NULL, NULL);
	return (ctx_finish(&c));
}

/* POST /api/v1/customer/channels/{id}/secret -> {"webhook_secret"}: the
 * old secret stops working at once. */
int
api_customer_channel_secret(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24], secret[64];
	const char	*p[2] = { id, secret };

	secret[0] = '\0';
	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") != 200 ||
	    auth_require_role(&c, "community_manager") != 200 ||
	    id_param(&c, 4, id, "No such channel.") != 200)
		return (ctx_finish(&c));
	if (secret_token("whsec_", secret, sizeof(secret)) != 0)
		ctx_fail(&c, 500, NULL, NULL, NULL);
	else if (db_query(&c, SQL_CHANNEL_ROTATE, 2, p) != 200)
		;
	else if (db_rows(&c) != 1)
		ctx_fail(&c, 404, NULL, NULL, "No such channel.");
	else if ((c.out = json_pack("{s:s}", "webhook_secret", secret)) == NULL)
		ctx_fail(&c, 500, NULL, NULL, NULL);
	secret_wipe(secret, sizeof(secret));
	return (ctx_finish(&c));
}

/* ---- the webhook ------------------------------------------------------ */

static int
digits(const char *s, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

static int
num(const char *s, int n)
{
	int	i, v = 0;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return (v);
}

/* 1 for an RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM). */
static int
rfc3339_valid(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y, mo, d;

	if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
	    s[16] != ':' || !digits(s + 17, 2))
		return (0);
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 != 0 ||
	    (y % 100 == 0 && y % 400 != 0))) ||
	    num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
		return (0);
	s += 19;
	if (*s == '.') {
		if (!digits(++s, 1))
			return (0);
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0')
		return (1);
	return ((s[0] == '+' || s[0] == '-') && digits(s + 1, 2) &&
	    s[3] == ':' && digits(s + 4, 2) && s[6] == '\0' &&
	    num(s + 1, 2) < 24 && num(s + 4, 2) < 60);
}

/* An external id (string or non-negative integer) as text in out; NULL
 * when fine, else the reason. */
static const char *
external_id(json_t *v, char *out, size_t outlen)
{
	const char	*s;
	long		 n;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		(void)snprintf(out, outlen, "%lld",
		    (long long)json_integer_value(v));
		return (NULL);
	}
	if (!json_is_string(v))
		return ("must be a string or a whole number");
	s = json_string_value(v);
	n = utf8_length(s, json_string_length(v));
	if (n < 1 || n > EXTERNAL_ID_MAX || text_blank(s))
		return ("must be 1 to 200 characters");
	(void)snprintf(out, outlen, "%s", s);
	return (NULL);
}

static const char *
string_field(json_t *m, const char *key, size_t min, size_t max)
{
	json_t	*v = json_object_get(m, key);
	long	 n;

	if (!json_is_string(v))
		return ("must be a string");
	n = utf8_length(json_string_value(v), json_string_length(v));
	if (n < (long)min || n > (long)max)
		return ("has the wrong length");
	return (NULL);
}

/* Checks one message and appends it, normalised, to good; NULL on
 * success, else a reason (a static string naming the field). */
static const char *
message_check(json_t *m, json_t *good, char *why, size_t whylen,
    const char **fieldp)
{
	char		 ext[EXTERNAL_ID_MAX * 4 + 1];
	char		 parent[EXTERNAL_ID_MAX * 4 + 1];
	const char	*r, *field, *dir;
	json_t		*v, *out;

	*fieldp = NULL;
	if (!json_is_object(m))
		return ("a message must be a JSON object");
	if ((r = external_id(json_object_get(m, "external_id"), ext,
	    sizeof(ext))) != NULL) {
		field = "external_id";
		goto bad;
	}
	v = json_object_get(m, "in_reply_to_external_id");
	parent[0] = '\0';
	if (v != NULL && !json_is_null(v) &&
	    (r = external_id(v, parent, sizeof(parent))) != NULL) {
		field = "in_reply_to_external_id";
		goto bad;
	}
	dir = json_string_value(json_object_get(m, "direction"));
	if (dir == NULL || (strcmp(dir, "inbound") != 0 &&
	    strcmp(dir, "outbound") != 0)) {
		r = "must be \"inbound\" or \"outbound\"";
		field = "direction";
		goto bad;
	}
	field = "author";
	if ((r = string_field(m, field, 1, AUTHOR_MAX)) != NULL)
		goto bad;
	field = "text";
	if ((r = string_field(m, field, 0, MESSAGE_TEXT_MAX)) != NULL)
		goto bad;
	field = "sent_at";
	v = json_object_get(m, field);
	if (!json_is_string(v) || !rfc3339_valid(json_string_value(v))) {
		r = "must be an RFC 3339 date-time";
		goto bad;
	}
	out = json_pack("{s:s, s:s?, s:s, s:O, s:O, s:O}", "external_id", ext,
	    "in_reply_to_external_id", parent[0] ? parent : NULL,
	    "direction", dir, "author", json_object_get(m, "author"),
	    "text", json_object_get(m, "text"), "sent_at", v);
	if (out == NULL || json_array_append_new(good, out) != 0)
		return ("out of memory");
	return (NULL);
bad:
	*fieldp = field;
	(void)snprintf(why, whylen, "%s %s", field, r);
	return (why);
}

/* Verifies X-Parley-Signature over the raw body under the channel's
 * secret (read from the database). 200, or 404/401/503. */
static int
webhook_verify(struct ctx *c, const char *channel)
{
	const char	*p[1] = { channel }, *sig;
	char		 key[128];
	int		 ok;

	if (db_query(c, SQL_CHANNEL_SECRET, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such channel."));
	(void)snprintf(key, sizeof(key), "%s", db_value(c, 0, 0));
	if (body_raw(c, "application/json", BODY_MAX_JSON) != 200) {
		secret_wipe(key, sizeof(key));
		return (c->status);
	}
	ok = http_request_header(c->req, "x-parley-signature", &sig) &&
	    strncmp(sig, "sha256=", 7) == 0 &&
	    secret_hmac_sha256_verify(key, c->raw->data, c->raw->offset,
	    sig + 7);
	secret_wipe(key, sizeof(key));
	if (!ok)
		return (ctx_fail(c, 401, "bad_signature", NULL,
		    "X-Parley-Signature is missing or does not match the "
		    "body."));
	return (HTTP_STATUS_OK);
}

/* Parses the verified body into an array of messages (c->in). */
static int
webhook_parse(struct ctx *c, int *single)
{
	json_error_t	 jerr;
	json_t		*one;

	if (!utf8_valid((const char *)c->raw->data, c->raw->offset))
		return (ctx_fail(c, 400, "invalid_utf8", NULL,
		    "The body is not valid UTF-8."));
	c->in = json_loadb((const char *)c->raw->data, c->raw->offset,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (c->in == NULL)
		return (ctx_fail(c, 400, "malformed_json", NULL,
		    "The body is not valid JSON."));
	*single = json_is_object(c->in);
	if (*single) {
		one = c->in;
		if ((c->in = json_array()) == NULL ||
		    json_array_append_new(c->in, one) != 0)
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		return (HTTP_STATUS_OK);
	}
	if (!json_is_array(c->in))
		return (ctx_fail(c, 400, "malformed_json", NULL,
		    "The body must be a message object or an array of them."));
	if (json_array_size(c->in) > BATCH_MAX)
		return (ctx_fail(c, 413, NULL, NULL,
		    "At most 1000 messages per delivery."));
	return (HTTP_STATUS_OK);
}

/* Stores the good messages; c->out = {"accepted", "duplicates",
 * "rejected"} (rejected taken). */
static int
webhook_store(struct ctx *c, const char *channel, json_t *good,
    json_t *rejected)
{
	const char	*p[2];
	char		*text;
	json_t		*res;
	json_error_t	 jerr;
	int64_t		 accepted = 0, duplicates = 0;

	if (json_array_size(good) > 0) {
		if ((text = json_dumps(good, JSON_COMPACT)) == NULL) {
			json_decref(rejected);
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		}
		p[0] = channel;
		p[1] = text;
		(void)db_query(c, SQL_INGEST, 2, p);
		free(text);
		if (c->status >= 400 || (res = json_loads(db_value(c, 0, 0), 0,
		    &jerr)) == NULL) {
			json_decref(rejected);
			return (c->status >= 400 ? c->status :
			    ctx_fail(c, 500, NULL, NULL, NULL));
		}
		accepted = json_integer_value(json_object_get(res, "accepted"));
		duplicates = json_integer_value(json_object_get(res,
		    "duplicates"));
		json_decref(res);
	}
	if ((c->out = json_pack("{s:I, s:I, s:o}", "accepted",
	    (json_int_t)accepted, "duplicates", (json_int_t)duplicates,
	    "rejected", rejected)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* The reason a single message was refused: ctx_fail keeps the pointer
 * until ctx_finish, and a worker serves one request at a time. */
static char	single_reason[256];

static int
webhook(struct ctx *c, const char *channel, int single)
{
	json_t		*good, *rejected, *m;
	const char	*why, *field;
	char		 buf[256];
	size_t		 i;
	if ((good = json_array()) == NULL || (rejected = json_array()) == NULL) {
		json_decref(good);
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	}
	json_array_foreach(c->in, i, m) {
		if ((why = message_check(m, good, buf, sizeof(buf),
		    &field)) == NULL)
			continue;
		if (single) {
			json_decref(good);
			json_decref(rejected);
			(void)snprintf(single_reason, sizeof(single_reason),
			    "%s", why);
			return (ctx_fail(c, 422, NULL, field, single_reason));
		}
		json_array_append_new(rejected, json_pack("{s:I, s:s}",
		    "index", (json_int_t)i, "reason", why));
	}
	(void)webhook_store(c, channel, good, rejected);
	json_decref(good);
	return (c->status);
}

/* POST /api/v1/customer/channels/{id}/messages (webhook) -> 200
 * {"accepted", "duplicates", "rejected": [{"index", "reason"}]} */
int
api_customer_messages(struct http_request *req)
{
	struct ctx	c;
	char		id[24];
	int		single = 0;

	ctx_init(&c, req);
	db_generic_plans(&c);
	if (req->method != HTTP_METHOD_POST)
		(void)ctx_method_not_allowed(&c, "POST");
	else if (id_param(&c, 4, id, "No such channel.") == 200 &&
	    webhook_verify(&c, id) == 200 && webhook_parse(&c, &single) == 200)
		(void)webhook(&c, id, single);
	/* A 503 (the database is down, or the channel stayed busy past its
	 * wait) carries Retry-After (ctx_finish): the sender tries again. */
	return (ctx_finish(&c));
}

/* ---- conversations ---------------------------------------------------- */

json_t *
conversation_json(struct ctx *c, int row)
{
	json_t	*fcr, *csat;

	fcr = db_isnull(c, row, 10) ? json_null() :
	    json_boolean(db_bool(c, row, 10));
	csat = db_isnull(c, row, 11) ? json_null() :
	    json_integer(db_int(c, row, 11));
	return (json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:s, s:s, s:s, "
	    "s:s?, s:s?, s:o, s:o, s:I, s:I}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "channel", "id", (json_int_t)db_int(c, row, 1),
	    "name", db_value(c, row, 2), "kind", db_value(c, row, 3),
	    "customer", db_value(c, row, 4),
	    "subject", db_value(c, row, 5),
	    "status", db_value(c, row, 6),
	    "opened_at", db_value(c, row, 7),
	    "first_response_at", db_value(c, row, 8),
	    "resolved_at", db_value(c, row, 9),
	    "first_contact_resolution", fcr,
	    "csat", csat,
	    "message_count", (json_int_t)db_int(c, row, 12),
	    "links", (json_int_t)db_int(c, row, 13)));
}

/* Loads one conversation into *out; 200 or 404. */
static int
conversation_load(struct ctx *c, const char *id, json_t **out)
{
	const char	*p[1] = { id };

	if (db_query(c, SQL_CONV_GET, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	if ((*out = conversation_json(c, 0)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* Reads ?status=, ?channel= and ?q= (empty: off). */
static int
conversation_filters(struct ctx *c, char *status, char *channel, char *q)
{
	int64_t	id;

	if (query_param(c->req, "status", status, 16) < 0 ||
	    (status[0] != '\0' && strcmp(status, "open") != 0 &&
	    strcmp(status, "resolved") != 0))
		return (ctx_fail(c, 422, NULL, "status",
		    "status is \"open\" or \"resolved\"."));
	if (query_param(c->req, "channel", channel, 24) < 0 ||
	    (channel[0] != '\0' && !parse_id(channel, &id)))
		return (ctx_fail(c, 422, NULL, "channel",
		    "channel is a channel id."));
	if (query_param(c->req, "q", q, Q_MAX * 4 + 1) < 0 ||
	    utf8_length(q, strlen(q)) > Q_MAX)
		return (ctx_fail(c, 422, NULL, "q",
		    "q is at most 200 characters."));
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/customer/conversations -> a page of Conversations */
int
api_customer_conversations(struct http_request *req)
{
	struct ctx	 c;
	char		 lim[24], at[24], after[24], status[16], channel[24];
	char		 q[Q_MAX * 4 + 1];
	const char	*p[6] = { lim, at, after, NULL, NULL, NULL };
	json_t		*items;
	int64_t		 at_us = 0, id = 0;
	long		 limit;
	int		 i, rows, has_cursor;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    customer_reader(&c) != 200 ||
	    page_params(&c, &limit, &has_cursor, &at_us, &id) != 200 ||
	    conversation_filters(&c, status, channel, q) != 200)
		return (ctx_finish(&c));
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	int_text(at, at_us);
	int_text(after, id);
	if (!has_cursor)
		p[1] = p[2] = NULL;
	p[3] = status[0] ? status : NULL;
	p[4] = channel[0] ? channel : NULL;
	p[5] = q[0] && !text_blank(q) ? q : NULL;
	if (db_query(&c, SQL_CONV_LIST, 6, p) != 200)
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

static json_t *
messages_json(struct ctx *c)
{
	json_t	*items;
	int	 i;

	if ((items = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < db_rows(c); i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s?, s:s, "
		    "s:s, s:s, s:s}", "id", (json_int_t)db_int(c, i, 0),
		    "external_id", db_value(c, i, 1),
		    "in_reply_to_external_id", db_value(c, i, 2),
		    "direction", db_value(c, i, 3),
		    "author", db_value(c, i, 4),
		    "text", db_value(c, i, 5),
		    "sent_at", db_value(c, i, 6)));
	return (items);
}

/* The collaboration figures of the conversation read by SQL_COLLABORATION
 * into *out, and the names of the departments involved into *names. */
static int
collaboration_json(struct ctx *c, const char *id, json_t **out,
    json_t **names)
{
	const char	*p[1] = { id };
	json_t		*minutes;
	json_error_t	 jerr;

	*out = *names = NULL;
	if (db_query(c, SQL_COLLABORATION, 1, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	minutes = db_isnull(c, 0, 3) ? json_null() :
	    json_real(strtod(db_value(c, 0, 3), NULL));
	*out = json_pack("{s:I, s:I, s:I, s:o}",
	    "internal_participants", (json_int_t)db_int(c, 0, 0),
	    "departments", (json_int_t)db_int(c, 0, 1),
	    "internal_messages", (json_int_t)db_int(c, 0, 2),
	    "minutes_to_first_internal_response", minutes);
	*names = json_loads(db_value(c, 0, 4), 0, &jerr);
	if (*out == NULL || *names == NULL) {
		json_decref(*out);
		json_decref(*names);
		*out = *names = NULL;
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	}
	return (HTTP_STATUS_OK);
}

/* GET /api/v1/customer/conversations/{id} -> {"conversation", "messages",
 * "links", "collaboration", "department_names"}: the links as the caller
 * sees them (customer_links.c) and the collaboration they drew
 * (customer_collaboration() in sql/0010_customer_collab.sql); the names of
 * the departments counted there ride beside it, so the contract's four
 * figures stay as they are. */
int
api_customer_conversation(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24];
	const char	*p[1] = { id };
	json_t		*conv = NULL, *msgs = NULL, *links = NULL;
	json_t		*collab = NULL, *names = NULL;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    customer_reader(&c) != 200 ||
	    id_param(&c, 4, id, "No such conversation.") != 200 ||
	    conversation_load(&c, id, &conv) != 200 ||
	    db_query(&c, SQL_MESSAGES, 1, p) != 200)
		goto out;
	if ((msgs = messages_json(&c)) == NULL) {
		ctx_fail(&c, 500, NULL, NULL, NULL);
		goto out;
	}
	if (customer_links_load(&c, id, &links) != 200 ||
	    collaboration_json(&c, id, &collab, &names) != 200)
		goto out;
	if ((c.out = json_pack("{s:o, s:o, s:o, s:o, s:o}",
	    "conversation", conv, "messages", msgs, "links", links,
	    "collaboration", collab, "department_names", names)) == NULL)
		ctx_fail(&c, 500, NULL, NULL, NULL);
	/* json_pack's "o" takes the references, even when it fails. */
	return (ctx_finish(&c));
out:
	json_decref(conv);
	json_decref(msgs);
	json_decref(links);
	json_decref(collab);
	json_decref(names);
	return (ctx_finish(&c));
}

/* Runs sql ($1 id, then extra) and answers {"conversation"}. */
static int
conversation_change(struct ctx *c, const char *id, const char *sql, int n,
    const char *const *p)
{
	json_t	*conv;

	if (db_query(c, sql, n, p) != 200)
		return (c->status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, "No such conversation."));
	if (conversation_load(c, id, &conv) != 200)
		return (c->status);
	if ((c->out = json_pack("{s:o}", "conversation", conv)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* POST /api/v1/customer/conversations/{id}/resolve
 * {first_contact_resolution: bool, csat?: 1-5} -> {"conversation"} */
int
api_customer_resolve(struct http_request *req)
{
	static const char *const keys[] = { "first_contact_resolution",
	    "csat", NULL };
	struct ctx	 c;
	char		 id[24], csat[24];
	const char	*p[3] = { id, NULL, NULL };
	int64_t		 score;
	int		 fcr, has_csat = 0;

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") != 200 ||
	    auth_require_role(&c, "community_manager") != 200 ||
	    id_param(&c, 4, id, "No such conversation.") != 200 ||
	    body_json(&c) != 200 || body_only_keys(&c, keys) != 200 ||
	    body_bool(&c, "first_contact_resolution", 1, &fcr, NULL) != 200 ||
	    body_int(&c, "csat", 0, 1, 5, &score, &has_csat) != 200)
		return (ctx_finish(&c));
	p[1] = fcr ? "true" : "false";
	if (has_csat && !json_is_null(json_object_get(c.in, "csat"))) {
		int_text(csat, score);
		p[2] = csat;
	}
	(void)conversation_change(&c, id, SQL_RESOLVE, 3, p);
	return (ctx_finish(&c));
}

/* POST /api/v1/customer/conversations/{id}/reopen -> {"conversation"} */
int
api_customer_reopen(struct http_request *req)
{
	struct ctx	 c;
	char		 id[24];
	const char	*p[1] = { id };

	if (ctx_begin(&c, req, HTTP_METHOD_POST, "POST") == 200 &&
	    auth_require_role(&c, "community_manager") == 200 &&
	    id_param(&c, 4, id, "No such conversation.") == 200)
		(void)conversation_change(&c, id, SQL_REOPEN, 1, p);
	return (ctx_finish(&c));
}
