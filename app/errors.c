/*
 * The contract's error vocabulary in one table: which code and sentence go
 * with a status, and what a PostgreSQL SQLSTATE means for the client. Pure,
 * so the mapping is unit-tested without a database.
 */
#define PARLEY_PURE
#include <string.h>

#include "parley.h"

static const struct {
	int		 status;
	const char	*code;
	const char	*message;
} errors[] = {
	{ 400, "bad_request", "The request is not valid." },
	{ 401, "unauthenticated", "Sign in first." },
	{ 403, "forbidden", "You are not allowed to do that." },
	{ 404, "not_found", "Nothing is here." },
	{ 405, "method_not_allowed", "This method is not allowed here." },
	{ 409, "conflict", "That already exists." },
	{ 413, "payload_too_large", "The request body is too large." },
	{ 415, "unsupported_media_type", "Send the body as application/json." },
	{ 422, "validation_failed", "A field is not valid." },
	{ 429, "rate_limited", "Too many attempts; try again later." },
	{ 503, "unavailable",
	    "The database is unavailable; nothing was written." },
};

const char *
error_code_for(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].status == status)
			return (errors[i].code);
	return ("internal_error");
}

const char *
error_message_for(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].status == status)
			return (errors[i].message);
	return ("Something went wrong on our side.");
}

int
sqlstate_retryable(const char *s)
{
	return (s != NULL && (strcmp(s, "40001") == 0 ||
	    strcmp(s, "40P01") == 0));
}

int
sqlstate_status(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return (503);	/* no SQLSTATE: the connection itself failed */
	if (strcmp(s, "23505") == 0)
		return (409);
	if (strcmp(s, "23503") == 0 || strcmp(s, "23502") == 0 ||
	    strcmp(s, "23514") == 0 || strcmp(s, "22001") == 0 ||
	    strcmp(s, "22P02") == 0 || strcmp(s, "22003") == 0 ||
	    strcmp(s, "22007") == 0 || strcmp(s, "22008") == 0)
		return (422);
	if (sqlstate_retryable(s) || strcmp(s, "57014") == 0 ||
	    strncmp(s, "08", 2) == 0 || strncmp(s, "57P0", 4) == 0 ||
	    strcmp(s, "53300") == 0)
		return (503);
	return (500);
}
