/* Unit tests for app/strbuf.c: growth from empty, large appends, embedded
 * NULs, escaping, and the ways an append can fail (the limit, size
 * arithmetic that would overflow, an allocation that cannot be made). */
#define PARLEY_PURE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

/* An allocation too large to make must come back NULL rather than stop
 * the test under AddressSanitizer, so that the failure path can be seen. */
const char	*__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return ("allocator_may_return_null=1");
}

static const char *
copy_rep(char c)
{
	return (c == '\t' ? "\\t" : c == '\\' ? "\\\\" : NULL);
}

static void
test_growth(void)
{
	struct strbuf	 b = STRBUF_INIT;
	char		*big, *s;
	size_t		 i, len = 0, n = 3 * 1000 * 1000;
	int		 same = 1;

	ok(b.data == NULL && b.len == 0 && !b.failed, "empty: nothing allocated");
	strbuf_add(&b, "", 0);
	ok(!b.failed && b.data != NULL && strcmp(b.data, "") == 0 && b.len == 0,
	    "empty append: data becomes \"\"");
	for (i = 0; i < 1000; i++)
		strbuf_char(&b, (char)('a' + i % 26));
	for (i = 0; i < 1000; i++)
		same &= b.data[i] == (char)('a' + i % 26);
	ok(b.len == 1000 && same && b.data[1000] == '\0' && b.cap > 1000 &&
	    !b.failed, "grows one char at a time, NUL-terminated");
	strbuf_reset(&b);
	ok(b.len == 0 && b.data != NULL && b.data[0] == '\0' && b.cap > 1000,
	    "reset: empty, memory kept");

	if ((big = malloc(n)) == NULL)
		return;
	for (i = 0; i < n; i++)
		big[i] = (char)('0' + i % 10);
	strbuf_add(&b, big, n);
	strbuf_add(&b, big, n);
	ok(!b.failed && b.len == 2 * n && memcmp(b.data + n, big, n) == 0 &&
	    b.data[2 * n] == '\0', "large appends: 2 x 3 MB");
	free(big);
	s = strbuf_take(&b, &len);
	ok(s != NULL && len == 2 * n && b.data == NULL && b.len == 0 &&
	    b.cap == 0, "take: the caller owns the data, b is empty");
	free(s);
	strbuf_str(&b, "again");
	ok(!b.failed && strcmp(b.data, "again") == 0,
	    "a taken buffer can be used again");
	strbuf_free(&b);
}

static void
test_contents(void)
{
	struct strbuf	 b = STRBUF_INIT;
	char		*s;
	size_t		 len = 99;

	strbuf_add(&b, "a\0b", 3);
	strbuf_char(&b, '\0');
	strbuf_str(&b, "c");
	ok(b.len == 5 && memcmp(b.data, "a\0b\0c", 6) == 0,
	    "embedded NULs are data: len counts them");
	strbuf_free(&b);

	s = strbuf_take(&b, &len);
	ok(s != NULL && strcmp(s, "") == 0 && len == 0,
	    "take of an untouched buffer: \"\", not NULL");
	free(s);
	s = strbuf_take(&b, NULL);
	ok(s != NULL && *s == '\0', "take: len may be NULL");
	free(s);

	strbuf_add_html(&b, "<a href=\"x\">Tom & 'Jerry'</a>", 29);
	ok(strcmp(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; "
	    "&#39;Jerry&#39;&lt;/a&gt;") == 0, "html: & < > \" ' escaped");
	strbuf_reset(&b);
	strbuf_add_html(&b, "a<b", 2);
	ok(strcmp(b.data, "a&lt;") == 0, "html: only n bytes are read");
	strbuf_reset(&b);
	strbuf_add_escaped(&b, "\ta\\b\t", 5, copy_rep);
	ok(strcmp(b.data, "\\ta\\\\b\\t") == 0,
	    "escaped: replacements at both ends and in the middle");
	strbuf_reset(&b);
	strbuf_add_escaped(&b, "plain", 5, copy_rep);
	ok(strcmp(b.data, "plain") == 0, "escaped: nothing to replace");
	strbuf_free(&b);
}

static void
test_failures(void)
{
	struct strbuf	 b = STRBUF_INIT;
	char		*s;
	int		 fitted;

	b.max = 8;
	strbuf_str(&b, "12345678");
	ok(!b.failed && b.len == 8 && b.cap == 9,
	    "limit: exactly max bytes fit (the NUL beyond them)");
	strbuf_char(&b, '9');
	ok(b.failed && b.len == 8 && strcmp(b.data, "12345678") == 0,
	    "limit: one byte more fails and appends nothing");
	strbuf_str(&b, "");
	ok(b.failed && b.len == 8, "failure sticks: later appends do nothing");
	strbuf_reset(&b);
	strbuf_char(&b, 'x');
	ok(b.failed && b.len == 0, "reset keeps the failure");
	s = strbuf_take(&b, NULL);
	ok(s == NULL && b.data == NULL && !b.failed && b.max == 8,
	    "take of a failed buffer: NULL, freed, limit kept");
	strbuf_str(&b, "abc");
	fitted = !b.failed;
	strbuf_str(&b, "defghi");
	ok(fitted && b.failed && strcmp(b.data, "abc") == 0,
	    "a piece that does not fit is not cut to fit");
	strbuf_free(&b);
	ok(!b.failed && b.data == NULL && b.max == 8,
	    "free: empty and usable, limit kept");

	b.max = 0;
	strbuf_str(&b, "xy");
	strbuf_add(&b, "z", SIZE_MAX);
	ok(b.failed && b.len == 2,
	    "size arithmetic: len + SIZE_MAX does not wrap around");
	strbuf_free(&b);
	strbuf_add(&b, "z", STRBUF_MAX + 1);
	ok(b.failed, "default limit: STRBUF_MAX");
	strbuf_free(&b);

	/* A limit as large as it goes: nothing stops the append but memory. */
	b.max = SIZE_MAX;
	strbuf_str(&b, "xy");
	strbuf_add(&b, "z", SIZE_MAX - 2);
	ok(b.failed && b.len == 2,
	    "size arithmetic: len + n + NUL would wrap to 0; refused");
	strbuf_free(&b);
	strbuf_str(&b, "xy");
	printf("# AddressSanitizer warns on stderr of the two allocations "
	    "refused next: expected\n");
	strbuf_add(&b, "z", SIZE_MAX / 2);
	ok(b.failed && b.len == 2 && strcmp(b.data, "xy") == 0,
	    "allocation failure: reported, the data left as it was");
	strbuf_free(&b);
	strbuf_add(&b, "z", SIZE_MAX - 1);
	ok(b.failed,
	    "largest limit: SIZE_MAX - 1 bytes cannot be allocated");
	strbuf_free(&b);
}

int
main(void)
{
	test_growth();
	test_contents();
	test_failures();
	return (done_testing());
}
