/* Unit tests for app/validate.c: UTF-8, code point lengths, handles,
 * e-mail addresses, the domain allow-list and id parsing. */
#define PARLEY_PURE
#include <stdint.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static const struct { const char *s; size_t len; long want; const char *name; } utf8[] = {
	{ "", 0, 0, "empty string has 0 code points" },
	{ "abc", 3, 3, "ASCII" },
	{ "\xc3\xa9t\xc3\xa9", 5, 3, "two-byte sequences count once" },
	{ "\xe2\x80\xa8", 3, 1, "U+2028 is one code point" },
	{ "\xf0\x9f\x98\x80", 4, 1, "four-byte emoji" },
	{ "\xff", 1, -1, "0xff is never valid" },
	{ "\xc0\xaf", 2, -1, "overlong '/' is rejected" },
	{ "\xe0\x80\xaf", 3, -1, "three-byte overlong is rejected" },
	{ "\xed\xa0\x80", 3, -1, "UTF-16 surrogate is rejected" },
	{ "\xf4\x90\x80\x80", 4, -1, "above U+10FFFF is rejected" },
	{ "\xc3", 1, -1, "truncated sequence is rejected" },
	{ "a\xc3(", 3, -1, "bad continuation byte is rejected" },
	{ "a\0b", 3, 3, "NUL is valid UTF-8 (rejected elsewhere)" },
};

static const struct { const char *s; int want; } handles[] = {
	{ "abc", 1 }, { "a_b_9", 1 }, { "ab", 0 }, { "", 0 },
	{ "abcdefghijabcdefghijabcdefghij", 1 },
	{ "abcdefghijabcdefghijabcdefghijk", 0 },
	{ "Abc", 0 }, { "a-b", 0 }, { "a b", 0 }, { "\xc3\xa9t\xc3\xa9", 0 },
};

static const struct { const char *s; int want; } emails[] = {
	{ "a@example.com", 1 }, { "first.last+tag@sub.example.org", 1 },
	{ "no-at.example.com", 0 }, { "@example.com", 0 }, { "a@", 0 },
	{ "a@b@example.com", 0 }, { "a@localhost", 0 }, { "a b@example.com", 0 },
	{ "a@-example.com", 0 }, { "a@example-.com", 0 }, { "a@exa..mple.com", 0 },
	{ "a@example.com.", 0 }, { "a<b@example.com", 0 },
};

int
main(void)
{
	size_t	i;
	int64_t	id;
	long	n;
	char	big[300];

	for (i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++)
		ok(utf8_length(utf8[i].s, utf8[i].len) == utf8[i].want,
		    "utf8: %s", utf8[i].name);
	ok(utf8_valid("ok", 2) && !utf8_valid("\xff", 1), "utf8_valid agrees");

	for (i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
		ok(valid_handle(handles[i].s) == handles[i].want,
		    "handle '%s' -> %d", handles[i].s, handles[i].want);

	for (i = 0; i < sizeof(emails) / sizeof(emails[0]); i++)
		ok(valid_email(emails[i].s) == emails[i].want,
		    "email '%s' -> %d", emails[i].s, emails[i].want);
	memset(big, 'a', sizeof(big));
	memcpy(big + 250, "@x.io", 6);
	ok(!valid_email(big), "email longer than 254 bytes is rejected");

	ok(email_domain_allowed("a@Example.COM", ""), "empty allow-list allows all");
	ok(email_domain_allowed("a@x.org", NULL), "NULL allow-list allows all");
	ok(email_domain_allowed("a@Example.COM", "example.com"),
	    "domain match ignores case");
	ok(email_domain_allowed("a@example.org", " example.com , example.org "),
	    "list entries are trimmed");
	ok(!email_domain_allowed("a@evil.test", "example.com,example.org"),
	    "other domains are refused");
	ok(!email_domain_allowed("a@sub.example.com", "example.com"),
	    "subdomains are not the domain");
	ok(!email_domain_allowed("a@example.com.evil.test", "example.com"),
	    "suffix tricks are refused");

	ok(text_blank("") && text_blank(" \t\n") &&
	    text_blank("\xc2\xa0\xe2\x80\x8b\xe3\x80\x80"),
	    "blank: empty, ASCII and Unicode spaces");
	ok(!text_blank(" a ") && !text_blank("\xc3\xa9"),
	    "not blank: letters, accented letters");
	ok(parse_id("1", &id) && id == 1, "id 1");
	ok(parse_id("9223372036854775807", &id) && id == INT64_MAX, "id max");
	ok(!parse_id("9223372036854775808", &id), "id overflow is rejected");
	ok(!parse_id("0", &id) && !parse_id("-1", &id) && !parse_id("01", &id),
	    "zero, negative and leading zeros are rejected");
	ok(!parse_id("1a", &id) && !parse_id("", &id) && !parse_id(NULL, &id) &&
	    !parse_id(" 1", &id), "junk is rejected");
	ok(parse_int_range("100", 1, 100, &n) && n == 100, "range upper bound");
	ok(!parse_int_range("101", 1, 100, &n), "above range is rejected");
	ok(!parse_int_range("0", 1, 100, &n), "below range is rejected");
	ok(!parse_int_range("5x", 1, 100, &n) && !parse_int_range("", 1, 100, &n),
	    "non-numbers are rejected");
	return (done_testing());
}
