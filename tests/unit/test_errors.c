/* Unit tests for app/errors.c: the status -> code table and SQLSTATEs. */
#define PARLEY_PURE
#include <string.h>

#include "parley.h"
#include "tap.h"

static const struct { int status; const char *code; } codes[] = {
	{ 400, "bad_request" }, { 401, "unauthenticated" }, { 403, "forbidden" },
	{ 404, "not_found" }, { 405, "method_not_allowed" }, { 409, "conflict" },
	{ 413, "payload_too_large" }, { 415, "unsupported_media_type" },
	{ 422, "validation_failed" }, { 429, "rate_limited" },
	{ 503, "unavailable" }, { 500, "internal_error" }, { 418, "internal_error" },
};

static const struct { const char *state; int status; } states[] = {
	{ "23505", 409 }, { "23503", 422 }, { "23502", 422 }, { "23514", 422 },
	{ "22001", 422 }, { "22P02", 422 }, { "40001", 503 }, { "40P01", 503 },
	{ "57014", 503 }, { "57P01", 503 }, { "08006", 503 }, { "53300", 503 },
	{ "42P01", 500 }, { "XX000", 500 }, { NULL, 503 }, { "", 503 },
	{ "2350", 503 },
};

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		ok(strcmp(error_code_for(codes[i].status), codes[i].code) == 0,
		    "status %d -> %s", codes[i].status, codes[i].code);
	ok(strlen(error_message_for(422)) > 0 && strlen(error_message_for(999)) > 0,
	    "every status has a message");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		ok(sqlstate_status(states[i].state) == states[i].status,
		    "SQLSTATE %s -> %d", states[i].state ? states[i].state : "(none)",
		    states[i].status);
	ok(sqlstate_retryable("40001") && sqlstate_retryable("40P01") &&
	    !sqlstate_retryable("23505") && !sqlstate_retryable(NULL),
	    "serialization failures and deadlocks are retryable");
	return (done_testing());
}
