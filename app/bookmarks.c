/*
 * Bookmarks: save, list, popular, edit, delete, Netscape import and export.
 * Placeholder: answers 404 until the work lands.
 */
#include "parley.h"

int
api_bookmarks(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_bookmarks_popular(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_bookmarks_import(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_bookmarks_export(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_bookmark(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}
