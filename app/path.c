/*
 * Request addressing: path segments of regex routes (Kore 4.1 does not fill
 * capture groups), query parameters parsed from the raw query string, and
 * the contract's ?limit=&cursor= pagination.
 */
#include <string.h>

#include "parley.h"

int
path_segment(struct http_request *req, int n, char *out, size_t outlen)
{
	const char	*p = req->path, *end;
	int		 i;

	if (*p == '/')
		p++;
	for (i = 0; i < n; i++) {
		if ((p = strchr(p, '/')) == NULL)
			return (0);
		p++;
	}
	end = strchr(p, '/');
	if (end == NULL)
		end = p + strlen(p);
	if (end == p || !path_decode(p, (size_t)(end - p), out, outlen))
		return (0);
	return (utf8_valid(out, strlen(out)));
}

int
query_param(struct http_request *req, const char *name, char *out,
    size_t outlen)
{
	int	r;

	/* Absent or bad leaves out empty, never stale. */
	out[0] = '\0';
	r = qs_get(req->query_string, name, out, outlen);
	if (r != 1 || !utf8_valid(out, strlen(out))) {
		out[0] = '\0';
		return (r == 1 ? -1 : r);
	}
	return (r);
}

int
page_params(struct ctx *c, long *limit, int *has_cursor, int64_t *at_us,
    int64_t *id)
{
	char	buf[64];
	int	r;

	*limit = 20;
	*has_cursor = 0;
	r = query_param(c->req, "limit", buf, sizeof(buf));
	if (r < 0 || (r == 1 && !parse_int_range(buf, 1, 100, limit)))
		return (ctx_fail(c, 422, NULL, "limit",
		    "limit must be a whole number from 1 to 100."));
	r = query_param(c->req, "cursor", buf, sizeof(buf));
	if (r < 0 || (r == 1 && buf[0] != '\0' &&
	    !cursor_decode(buf, at_us, id)))
		return (ctx_fail(c, 400, NULL, "cursor",
		    "The cursor is not valid; start again without it."));
	*has_cursor = (r == 1 && buf[0] != '\0');
	return (HTTP_STATUS_OK);
}
