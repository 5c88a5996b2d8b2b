/*
 * GET /healthz: is Parley up, and can it reach PostgreSQL? Load balancers
 * and the resilience test poll it.
 */
#include "parley.h"


/* GET /healthz -> 200 {"status":"ok","db":"ok"} | 503 degraded */
int
api_healthz(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
		ctx_method_not_allowed(&c, "GET, HEAD");
		return (ctx_finish(&c));
	}
	if (db_ping(&c)) {
		c.status = HTTP_STATUS_OK;
		c.out = json_pack("{s:s, s:s}", "status", "ok", "db", "ok");
	} else {
		c.status = HTTP_STATUS_SERVICE_UNAVAILABLE;
		c.out = json_pack("{s:s, s:s}", "status", "degraded",
		    "db", "unavailable");
	}
	return (ctx_finish(&c));
}

/* Any /api/ path no route claims: the JSON 404 rather than Kore's HTML. */
int
api_not_found(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}
