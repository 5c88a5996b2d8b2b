/*
 * The only place that calls http_response(): JSON bodies, the contract's
 * error envelope, the security headers every response carries, and the
 * one-line access log. Handlers fill a struct ctx and call ctx_finish().
 */
#include <string.h>
#include <time.h>

#include "parley.h"

static const char CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

static const char OOM_BODY[] = "{\"error\":{\"code\":\"internal_error\","
    "\"message\":\"Out of memory.\",\"field\":null}}";

void
ctx_init(struct ctx *c, struct http_request *req)
{
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->status = HTTP_STATUS_OK;
	c->started_ms = kore_time_ms();
	kore_pgsql_init(&c->db.sql);
}

int
ctx_fail(struct ctx *c, int status, const char *code, const char *field,
    const char *message)
{
	c->status = status;
	json_decref(c->out);	/* never half a success beside an error */
	c->out = NULL;
	c->err.code = code;
	c->err.field = field;
	c->err.message = message;
	return (status);
}

int
ctx_method_not_allowed(struct ctx *c, const char *allow)
{
	http_response_header(c->req, "allow", allow);
	return (ctx_fail(c, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL, NULL));
}

void
reply_security_headers(struct http_request *req)
{
	http_response_header(req, "content-security-policy", CSP);
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_header(req, "x-frame-options", "DENY");
	http_response_header(req, "referrer-policy", "same-origin");
	http_response_header(req, "cross-origin-opener-policy", "same-origin");
	http_response_header(req, "cross-origin-resource-policy",
	    "same-origin");
	http_response_header(req, "permissions-policy",
	    "camera=(), microphone=(), geolocation=()");
}

void
reply_access_log(struct http_request *req, u_int64_t started_ms, int status,
    int64_t user_id)
{
	u_int64_t	now = kore_time_ms();

	/* Never the query string or the body: they may hold secrets. */
	kore_log(LOG_INFO, "access method=%s path=%s status=%d ms=%llu user=%lld",
	    http_method_text(req->method), req->path, status,
	    (unsigned long long)(now - started_ms), (long long)user_id);
}

json_t *
reply_page(json_t *items, const char *next_cursor)
{
	/* "s?" renders a NULL cursor as JSON null. */
	return (json_pack("{s:o, s:s?}", "items", items,
	    "next_cursor", next_cursor));
}

int
reply_keyset_page(struct ctx *c, json_t *items, int more, int64_t key1,
    int64_t key2)
{
	char	next[64];

	if (items == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	if (more && !cursor_encode(key1, key2, next, sizeof(next))) {
		json_decref(items);
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	}
	if ((c->out = reply_page(items, more ? next : NULL)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

int
ctx_begin(struct ctx *c, struct http_request *req, int methods,
    const char *allow)
{
	ctx_init(c, req);
	if (auth_require(c) != HTTP_STATUS_OK)
		return (c->status);
	if (!(req->method & methods))
		return (ctx_method_not_allowed(c, allow));
	return (HTTP_STATUS_OK);
}

static json_t *
error_envelope(const struct ctx *c)
{
	json_t	*err;

	err = json_pack("{s:s, s:s, s:s?}",
	    "code", c->err.code ? c->err.code : error_code_for(c->status),
	    "message", c->err.message ? c->err.message :
	    error_message_for(c->status),
	    "field", c->err.field);
	if (err == NULL)
		return (NULL);
	if (c->err.field == NULL)
		json_object_set_new(err, "field", json_null());
	if (c->err.existing_id > 0)
		json_object_set_new(err, "existing_id",
		    json_integer(c->err.existing_id));
	return (json_pack("{s:o}", "error", err));
}

int
ctx_finish(struct ctx *c)
{
	struct http_request	*req = c->req;
	json_t			*body;
	char			*text = NULL, num[16];
	int			 status = c->status;

	db_close(&c->db);
	if (status == HTTP_STATUS_OK && c->out == NULL)
		status = HTTP_STATUS_INTERNAL_ERROR;
	if (status >= 500 && status != HTTP_STATUS_SERVICE_UNAVAILABLE)
		kore_log(LOG_ERR, "error path=%s status=%d user=%lld",
		    req->path, status, (long long)c->me.id);

	reply_security_headers(req);
	http_response_header(req, "cache-control", "no-store");
	if (status == HTTP_STATUS_SERVICE_UNAVAILABLE && c->err.retry_after == 0)
		c->err.retry_after = DB_RETRY_AFTER;
	if (c->err.retry_after > 0) {
		(void)snprintf(num, sizeof(num), "%d", c->err.retry_after);
		http_response_header(req, "retry-after", num);
	}

	if (status == HTTP_STATUS_NO_CONTENT) {
		http_response(req, status, NULL, 0);
	} else {
		/* An error status with a body set is a deliberate answer
		 * (e.g. /healthz while degraded); otherwise the envelope. */
		body = (status >= 400 && c->out == NULL) ? error_envelope(c) :
		    json_incref(c->out);
		if (body != NULL)
			text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII |
			    JSON_REAL_PRECISION(15));
		json_decref(body);
		if (text == NULL) {
			status = HTTP_STATUS_INTERNAL_ERROR;
			http_response_header(req, "content-type",
			    "application/json; charset=utf-8");
			http_response(req, status, OOM_BODY,
			    sizeof(OOM_BODY) - 1);
		} else {
			http_response_header(req, "content-type",
			    "application/json; charset=utf-8");
			http_response(req, status, text, strlen(text));
			free(text);
		}
	}
	reply_access_log(req, c->started_ms, status, c->me.id);

	json_decref(c->in);
	json_decref(c->out);
	c->in = c->out = NULL;
	if (c->raw != NULL) {
		kore_buf_free(c->raw);
		c->raw = NULL;
	}
	return (KORE_RESULT_OK);
}
