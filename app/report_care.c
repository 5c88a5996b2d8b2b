/* The customer-care report (issue 5) — being written. */
#include "parley.h"

int
api_report_customer_care(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	(void)ctx_fail(&c, 501, NULL, NULL, "Not implemented yet.");
	return (ctx_finish(&c));
}
