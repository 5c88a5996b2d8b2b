/* Customer conversation links and escalation (issue 5) — being written. */
#include "parley.h"

static int
not_yet(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	(void)ctx_fail(&c, 501, NULL, NULL, "Not implemented yet.");
	return (ctx_finish(&c));
}

int api_customer_links(struct http_request *r) { return (not_yet(r)); }
int api_customer_link(struct http_request *r) { return (not_yet(r)); }
int api_customer_escalate(struct http_request *r) { return (not_yet(r)); }
int api_customer_linked(struct http_request *r) { return (not_yet(r)); }
