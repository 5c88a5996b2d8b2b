/*
 * Request bodies: content type, size limit, UTF-8, JSON parsing with
 * jansson, and typed getters that turn a wrong type or length into a 422
 * naming the field. Every JSON route goes through body_json().
 */
#include <string.h>
#include <strings.h>

#include "parley.h"

/* 1 if the request's content type is `want` (parameters ignored). */
static int
content_type_is(struct http_request *req, const char *want)
{
	const char	*ct;
	size_t		 n = strlen(want);

	if (!http_request_header(req, "content-type", &ct))
		return (0);
	while (*ct == ' ')
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return (0);
	return (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Reads the whole body into c->raw, enforcing max bytes. */
static int
body_read_all(struct ctx *c, size_t max)
{
	char	 chunk[8192];
	ssize_t	 r;

	if (c->req->content_length > max)
		return (ctx_fail(c, 413, NULL, NULL, NULL));
	if (c->raw != NULL)
		return (HTTP_STATUS_OK);
	c->raw = kore_buf_alloc(c->req->content_length + 1);
	for (;;) {
		r = http_body_read(c->req, chunk, sizeof(chunk));
		if (r == -1)
			return (ctx_fail(c, 400, NULL, NULL,
			    "The request body could not be read."));
		if (r == 0)
			break;
		if (c->raw->offset + (size_t)r > max)
			return (ctx_fail(c, 413, NULL, NULL, NULL));
		kore_buf_append(c->raw, chunk, (size_t)r);
	}
	return (HTTP_STATUS_OK);
}

int
body_stream(struct ctx *c, const char *content_type, size_t max)
{
	if (!content_type_is(c->req, content_type))
		return (ctx_fail(c, 415, NULL, NULL, "Unsupported content type."));
	if (c->req->content_length > max)
		return (ctx_fail(c, 413, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

int
body_raw(struct ctx *c, const char *content_type, size_t max)
{
	int	status;

	if (!content_type_is(c->req, content_type))
		return (ctx_fail(c, 415, NULL, NULL, "Unsupported content type."));
	if ((status = body_read_all(c, max)) != HTTP_STATUS_OK)
		return (status);
	return (HTTP_STATUS_OK);
}

int
body_json(struct ctx *c)
{
	json_error_t	 jerr;
	int		 status;

	if (!content_type_is(c->req, "application/json"))
		return (ctx_fail(c, 415, NULL, NULL, NULL));
	if ((status = body_read_all(c, BODY_MAX_JSON)) != HTTP_STATUS_OK)
		return (status);
	if (!utf8_valid((const char *)c->raw->data, c->raw->offset))
		return (ctx_fail(c, 400, "invalid_utf8", NULL,
		    "The body is not valid UTF-8."));
	c->in = json_loadb((const char *)c->raw->data, c->raw->offset,
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (c->in == NULL)
		return (ctx_fail(c, 400, "malformed_json", NULL,
		    "The body is not valid JSON."));
	if (!json_is_object(c->in))
		return (ctx_fail(c, 400, "malformed_json", NULL,
		    "The body must be a JSON object."));
	return (HTTP_STATUS_OK);
}

static int
body_field_name_ok(const char *key)
{
	size_t	i;

	for (i = 0; key[i] != '\0'; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || key[i] == '_') ||
		    i >= 40)
			return (0);
	return (i > 0);
}

int
body_only_keys(struct ctx *c, const char *const *allowed)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach(c->in, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		/* Name the field only when it looks like one of ours
		 * (snake_case): error bodies never echo arbitrary input.
		 * key points into c->in, which lives until ctx_finish(). */
		if (allowed[i] == NULL)
			return (ctx_fail(c, 422, NULL,
			    body_field_name_ok(key) ? key : NULL,
			    "The body has a field this route does not accept."));
	}
	return (HTTP_STATUS_OK);
}

int
body_string(struct ctx *c, const char *key, int required, size_t min,
    size_t max, const char **out, int *present)
{
	json_t		*v = json_object_get(c->in, key);
	long		 n;

	*out = NULL;
	if (present != NULL)
		*present = (v != NULL);
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (ctx_fail(c, 422, NULL, key,
			    "This field is required."));
		return (HTTP_STATUS_OK);
	}
	if (!json_is_string(v))
		return (ctx_fail(c, 422, NULL, key, "This field must be text."));
	n = utf8_length(json_string_value(v), json_string_length(v));
	if (n < 0)
		return (ctx_fail(c, 400, "invalid_utf8", key,
		    "The text is not valid UTF-8."));
	if (strlen(json_string_value(v)) != json_string_length(v))
		return (ctx_fail(c, 422, NULL, key,
		    "The text must not contain NUL characters."));
	if ((size_t)n < min || (size_t)n > max)
		return (ctx_fail(c, 422, NULL, key,
		    "The text is too short or too long."));
	*out = json_string_value(v);
	return (HTTP_STATUS_OK);
}

int
body_bool(struct ctx *c, const char *key, int required, int *out,
    int *present)
{
	json_t	*v = json_object_get(c->in, key);

	if (present != NULL)
		*present = (v != NULL && !json_is_null(v));
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (ctx_fail(c, 422, NULL, key,
			    "This field is required."));
		return (HTTP_STATUS_OK);
	}
	if (!json_is_boolean(v))
		return (ctx_fail(c, 422, NULL, key,
		    "This field must be true or false."));
	*out = json_is_true(v);
	return (HTTP_STATUS_OK);
}

int
body_int(struct ctx *c, const char *key, int required, int64_t min,
    int64_t max, int64_t *out, int *present)
{
	json_t	*v = json_object_get(c->in, key);

	if (present != NULL)
		*present = (v != NULL && !json_is_null(v));
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (ctx_fail(c, 422, NULL, key,
			    "This field is required."));
		return (HTTP_STATUS_OK);
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return (ctx_fail(c, 422, NULL, key,
		    "This field must be a whole number in range."));
	*out = json_integer_value(v);
	return (HTTP_STATUS_OK);
}
