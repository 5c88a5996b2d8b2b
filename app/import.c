/*
 * Organisation import from LDIF (issue 3). Placeholder until the LDIF work
 * lands: answers 404 like an unknown route.
 */
#include "parley.h"

int
api_admin_import_ldif(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}
