/* Moderation (issue 6) — being written. */
#include "parley.h"

static int
not_yet(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	(void)ctx_fail(&c, 501, NULL, NULL, "Not implemented yet.");
	return (ctx_finish(&c));
}

int api_flags(struct http_request *r) { return (not_yet(r)); }
int api_moderation_queue(struct http_request *r) { return (not_yet(r)); }
int api_moderation_flag(struct http_request *r) { return (not_yet(r)); }
int api_moderation_policy(struct http_request *r) { return (not_yet(r)); }
int api_moderation_audit(struct http_request *r) { return (not_yet(r)); }
int api_moderation_stats(struct http_request *r) { return (not_yet(r)); }
