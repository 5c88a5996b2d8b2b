/* Collaboration and network reports (issue 6) — being written. */
#include "parley.h"

static int
not_yet(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	(void)ctx_fail(&c, 501, NULL, NULL, "Not implemented yet.");
	return (ctx_finish(&c));
}

int api_report_collaboration(struct http_request *r) { return (not_yet(r)); }
int api_report_network(struct http_request *r) { return (not_yet(r)); }
