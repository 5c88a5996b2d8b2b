/* Unit tests for app/qs.c: query-string parsing and keyset cursors. */
#define PARLEY_PURE
#include <stdint.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

int
main(void)
{
	char	out[16], cur[64], bad[64];
	int64_t	at, id;

	ok(qs_get("a=1&b=two", "b", out, sizeof(out)) == 1 &&
	    strcmp(out, "two") == 0, "finds the second parameter");
	ok(qs_get("a=1&b=two", "c", out, sizeof(out)) == 0, "absent is 0");
	ok(qs_get(NULL, "a", out, sizeof(out)) == 0, "no query string is 0");
	ok(qs_get("ab=1&a=2", "a", out, sizeof(out)) == 1 &&
	    strcmp(out, "2") == 0, "names match exactly, not by prefix");
	ok(qs_get("q=caf%C3%A9+au+lait", "q", out, sizeof(out)) == 1 &&
	    strcmp(out, "caf\xc3\xa9 au lait") == 0, "decodes %%XX and +");
	ok(qs_get("q=", "q", out, sizeof(out)) == 1 && out[0] == '\0',
	    "empty value");
	ok(qs_get("q", "q", out, sizeof(out)) == 1 && out[0] == '\0',
	    "bare name");
	ok(qs_get("q=%zz", "q", out, sizeof(out)) == -1, "bad escape is -1");
	ok(qs_get("q=%4", "q", out, sizeof(out)) == -1, "truncated escape is -1");
	ok(qs_get("q=%00", "q", out, sizeof(out)) == -1, "NUL is -1");
	ok(qs_get("q=0123456789abcdef", "q", out, sizeof(out)) == -1,
	    "too long for the buffer is -1");

	ok(path_decode("c%2B%2B+x", 9, out, sizeof(out)) &&
	    strcmp(out, "c+++x") == 0, "path segments decode %%XX");
	ok(path_decode("a+b", 3, out, sizeof(out)) && strcmp(out, "a+b") == 0,
	    "'+' stays '+' in a path");
	ok(!path_decode("a%00", 4, out, sizeof(out)) &&
	    !path_decode("%g1", 3, out, sizeof(out)),
	    "NUL and bad escapes are refused in paths");
	ok(cursor_encode(1732270000123456LL, 42, cur, sizeof(cur)),
	    "cursor encodes");
	ok(cursor_decode(cur, &at, &id) && at == 1732270000123456LL && id == 42,
	    "cursor round-trips");
	ok(cursor_encode(-5, INT64_MAX, cur, sizeof(cur)) &&
	    cursor_decode(cur, &at, &id) && at == -5 && id == INT64_MAX,
	    "extreme values round-trip");
	ok(!cursor_encode(1, 1, cur, 10), "a short buffer is refused");
	(void)cursor_encode(1732270000123456LL, 42, cur, sizeof(cur));
	memcpy(bad, cur, sizeof(cur));
	bad[10] = bad[10] == '0' ? '1' : '0';
	ok(!cursor_decode(bad, &at, &id), "a changed digit is detected");
	ok(!cursor_decode("", &at, &id) && !cursor_decode(NULL, &at, &id),
	    "empty cursor is rejected");
	ok(!cursor_decode("c1zz", &at, &id), "short cursor is rejected");
	memcpy(bad, cur, sizeof(cur));
	bad[0] = 'C';
	ok(!cursor_decode(bad, &at, &id), "wrong version is rejected");
	memcpy(bad, cur, sizeof(cur));
	bad[5] = (char)(bad[5] >= 'a' ? bad[5] - 32 : bad[5]);
	ok(bad[5] == cur[5] || !cursor_decode(bad, &at, &id),
	    "upper-case hex is rejected");
	return (done_testing());
}
