/*
 * Search over people, posts, questions, answers and bookmarks; the expert finder.
 * Placeholder: answers 404 until the work lands.
 */
#include "parley.h"

int
api_search(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_experts(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}
