/*
 * Unit tests for app/quote.c: a customer's words quoted into an escalated
 * question never mention anyone or add a tag (whatever the text, including
 * what the cut at the budget leaves), lose controls and bidirectional
 * overrides, keep links and ordinary text, and never pass the budget.
 */
#define PARLEY_PURE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static long
cps(const char *s)
{
	return (utf8_length(s, strlen(s)));
}

/* Mentions and tags text.c would find in s. */
static size_t
tokens(const char *s, size_t *tags)
{
	json_t	*m = json_array(), *t = json_array();
	size_t	 n;

	(void)text_extract(s, strlen(s), m, t);
	n = json_array_size(m);
	*tags = json_array_size(t);
	json_decref(m);
	json_decref(t);
	return (n);
}

static int
inert(const char *s)
{
	size_t	tags, mentions = tokens(s, &tags);

	return (mentions == 0 && tags == 0);
}

static void
test_neutralise(void)
{
	const char	*in = "Hi @founder and @Ops_Team, see #refund #Billing "
	    "and https://example.com/a#frag and bob@example.com";
	char		*out;
	size_t		 len, tags;

	ok(tokens(in, &tags) == 2 && tags == 2, "the input has 2 mentions and "
	    "2 tags");
	out = quote_neutralise(in, strlen(in), &len);
	ok(out != NULL && len == strlen(out), "neutralised");
	ok(inert(out), "no mention and no tag is left");
	ok(strstr(out, "\xef\xbc\xa0" "founder") != NULL,
	    "a mention keeps its words behind a full-width at sign");
	ok(strstr(out, "\xef\xbc\x83" "refund") != NULL,
	    "a tag keeps its words behind a full-width number sign");
	ok(strstr(out, "https://example.com/a#frag") != NULL,
	    "a link (with its fragment) is kept as written");
	ok(strstr(out, "bob@example.com") != NULL,
	    "an e-mail address is not a mention and is kept");
	ok(cps(out) == cps(in), "same number of code points");
	free(out);

	out = quote_neutralise("", 0, &len);
	ok(out != NULL && len == 0 && out[0] == '\0', "empty in, empty out");
	free(out);
	out = quote_neutralise("@@abc #123 &#tag x@abc @ab", 26, NULL);
	ok(out != NULL && inert(out) &&
	    strcmp(out, "@@abc #123 &#tag x@abc @ab") == 0,
	    "signs that are not mentions or tags stay as they are");
	free(out);
}

static void
test_escalation_shape(void)
{
	struct quote_message m[2] = {
		{ "@carol", "2026-01-01T10:00:00Z",
		    "My card was charged twice.\r\nPlease help @founder #refund" },
		{ "@carol", "2026-01-01T10:05:00Z", "<script>alert(1)</script>" },
	};
	char	*b;
	size_t	 len, tags;

	b = quote_escalation("Can someone in @billing look? #payments",
	    "From the customer:", m, 2, 0, "[cut]", 20000, &len);
	ok(b != NULL && len == strlen(b), "built");
	ok(strncmp(b, "Can someone in @billing look? #payments\n\n", 41) == 0,
	    "the escalator's words come first, as written");
	ok(tokens(b, &tags) == 1 && tags == 1,
	    "only the escalator's mention and tag remain");
	ok(strstr(b, "From the customer:\n> \xef\xbc\xa0" "carol, "
	    "2026-01-01T10:00:00Z:\n> My card was charged twice.\n> Please "
	    "help \xef\xbc\xa0" "founder \xef\xbc\x83" "refund\n>\n> "
	    "\xef\xbc\xa0" "carol, 2026-01-01T10:05:00Z:\n> "
	    "<script>alert(1)</script>") != NULL, "the quote's layout");
	ok(strstr(b, "[cut]") == NULL, "no marker when all of it fits");
	ok(strchr(b, '\r') == NULL, "CR LF became LF");
	free(b);

	b = quote_escalation(NULL, "H:", m, 1, 0, "[cut]", 20000, NULL);
	ok(b != NULL && strncmp(b, "H:\n> ", 5) == 0,
	    "without intro the quote starts the body");
	free(b);
	b = quote_escalation("   \n ", "H:", m, 1, 1, "[more]", 20000, NULL);
	ok(b != NULL && strncmp(b, "H:\n", 3) == 0,
	    "a blank intro counts as none");
	ok(b != NULL && strlen(b) > 6 &&
	    strcmp(b + strlen(b) - 7, "\n[more]") == 0,
	    "more: the marker ends the quote even when everything fits");
	free(b);
	b = quote_escalation(NULL, "H:", NULL, 0, 0, "[cut]", 20000, NULL);
	ok(b != NULL && strcmp(b, "H:") == 0, "no messages: the heading");
	free(b);
}

static void
test_escalation_controls(void)
{
	struct quote_message m = { "eve\n@founder", "t",
	    "a\x01" "b\x1b[31m" "c\xe2\x80\xae" "d\xe2\x81\xa6" "e\x7f" "f"
	    "\xc2\x85" "g\tz\rw" };
	struct quote_message bad = { "x", "t", "ok \xff\xfe \xc0\xaf end" };
	char	*b;

	b = quote_escalation(NULL, "H\n#head", &m, 1, 0, "[cut]", 1000, NULL);
	ok(b != NULL, "built");
	ok(strstr(b, "H #head") == NULL && strstr(b, "H \xef\xbc\x83" "head")
	    != NULL, "the heading is one line and neutralised");
	ok(strstr(b, "> eve \xef\xbc\xa0" "founder, t:") != NULL,
	    "the author is one line and neutralised");
	ok(strstr(b, "> ab[31mcdefg\tz\n> w") != NULL,
	    "controls, C1 controls and bidi overrides dropped; tab kept; a "
	    "lone CR is a line break");
	ok(inert(b), "inert");
	free(b);
	b = quote_escalation(NULL, "H", &bad, 1, 0, "[cut]", 1000, NULL);
	ok(b != NULL && utf8_valid(b, strlen(b)), "invalid UTF-8 in: valid out");
	ok(b != NULL && strstr(b, "ok \xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd end") != NULL,
	    "each invalid byte is U+FFFD");
	free(b);
}

static void
test_escalation_budget(void)
{
	struct quote_message	 m[3];
	char			*big, *b, intro[64];
	size_t			 i, max;
	int			 all_ok = 1, all_inert = 1;

	/* 30000 code points, mostly two-byte letters, with mentions. */
	if ((big = malloc(30000 * 2 + 1)) == NULL)
		return;
	for (i = 0; i < 30000; i++)
		memcpy(big + i * 2, "\xc3\xa9", 2);
	big[30000 * 2] = '\0';
	memcpy(big + 100, " @founder ", 10);
	m[0] = (struct quote_message){ "@carol", "t1", big };
	m[1] = (struct quote_message){ "@carol", "t2", "second" };
	m[2] = (struct quote_message){ "@carol", "t3", "third" };
	b = quote_escalation("Look at this.", "Heading:", m, 3, 0,
	    "[cut: see the conversation]", 20000, NULL);
	ok(b != NULL && cps(b) == 20000, "cut to exactly the budget (%ld)",
	    b ? cps(b) : -1L);
	ok(b != NULL && strcmp(b + strlen(b) - 28,
	    "\n[cut: see the conversation]") == 0, "the marker ends it");
	ok(b != NULL && strstr(b, "second") == NULL,
	    "messages past the cut are not quoted");
	ok(b != NULL && inert(b), "inert");
	ok(b != NULL && utf8_valid(b, strlen(b)), "cut on a code point boundary");
	free(b);

	/*
	 * Cuts that would make a token: "@founder" followed by a non-ASCII
	 * letter is not a mention, nor is "#" + 60 letters a tag, but either
	 * cut short becomes one. Every budget from 1 to 200 is tried.
	 */
	m[0] = (struct quote_message){ "c", "t",
	    "@founder\xc3\xa9 #aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaa x@founder @@founder" };
	for (max = 1; max <= 200; max++) {
		b = quote_escalation(NULL, "H", m, 1, max % 2, "…", max, NULL);
		if (b == NULL || cps(b) > (long)max ||
		    !utf8_valid(b, strlen(b)))
			all_ok = 0;
		if (b != NULL && !inert(b))
			all_inert = 0;
		free(b);
	}
	ok(all_ok, "every budget from 1 to 200: valid and within it");
	ok(all_inert, "every budget from 1 to 200: no token made by the cut");

	/* The escalator's words are never cut for the quote's sake... */
	(void)snprintf(intro, sizeof(intro), "%s", "0123456789");
	b = quote_escalation(intro, "Heading", m, 1, 0, "[cut]", 15, NULL);
	ok(b != NULL && strncmp(b, "0123456789\n\n\n[c", 15) == 0 &&
	    cps(b) == 15, "a tiny budget keeps the intro; the marker goes "
	    "before the quote");
	free(b);
	/* ...but the whole never passes max. */
	b = quote_escalation(intro, "Heading", m, 1, 0, "[cut]", 5, NULL);
	ok(b != NULL && strcmp(b, "01234") == 0, "an intro over max is cut");
	free(b);
	free(big);
}

int
main(void)
{
	test_neutralise();
	test_escalation_shape();
	test_escalation_controls();
	test_escalation_budget();
	return (done_testing());
}
