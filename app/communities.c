/*
 * Communities: list, create, read, membership (join, approve, leave, remove).
 * Placeholder: answers 404 until the work lands.
 */
#include "parley.h"

int
api_communities(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_community(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_community_members(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_community_member(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_community_member_approve(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}
