/*
 * Query strings and keyset cursors. Kore 4.1 only hands a handler the query
 * parameters declared in a params block, and silently drops bad ones; we
 * parse the raw query string ourselves so that a bad value is a clear 4xx.
 * Cursors are opaque to clients but checked strictly here: a tampered cursor
 * is a 400, never a 500 or a silently different page.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* URL-decodes s[0..len) into out; -1 on a bad escape, a NUL or overflow.
 * plus_is_space: '+' means ' ' (query strings), not in paths. */
static int
url_decode_mode(const char *s, size_t len, char *out, size_t outlen,
    int plus_is_space)
{
	size_t	i, o = 0;
	int	hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '+' && plus_is_space) {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= len)
				return (-1);
			if ((hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return (-1);
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0 || o + 1 >= outlen)
			return (-1);
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (1);
}

static int
url_decode(const char *s, size_t len, char *out, size_t outlen)
{
	return (url_decode_mode(s, len, out, outlen, 1));
}

int
path_decode(const char *s, size_t len, char *out, size_t outlen)
{
	return (url_decode_mode(s, len, out, outlen, 0) == 1 ? 1 : 0);
}

int
qs_get(const char *query, const char *name, char *out, size_t outlen)
{
	const char	*p, *amp, *eq;
	size_t		 nlen = strlen(name);

	if (query == NULL || outlen == 0)
		return (0);
	for (p = query; *p != '\0'; p = (*amp == '&') ? amp + 1 : amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		if ((size_t)(eq - p) != nlen || memcmp(p, name, nlen) != 0)
			continue;
		if (eq == amp) {
			out[0] = '\0';
			return (1);
		}
		return (url_decode(eq + 1, (size_t)(amp - eq - 1), out, outlen));
	}
	return (0);
}

/*
 * A cursor is "c1" followed by the two numbers in lower-case hex, each
 * XOR-ed with a fixed mask so that nobody is tempted to build them by hand,
 * and a 16-bit check over both. It is not a secret (keyset values are not
 * sensitive); it only has to be strict.
 */
#define CURSOR_MASK	0x5a17c3e9a4d2b681ULL

static unsigned int
cursor_check(uint64_t a, uint64_t b)
{
	uint64_t	h = 1469598103934665603ULL;
	int		i;

	for (i = 0; i < 8; i++) {
		h = (h ^ ((a >> (i * 8)) & 0xff)) * 1099511628211ULL;
		h = (h ^ ((b >> (i * 8)) & 0xff)) * 1099511628211ULL;
	}
	return ((unsigned int)(h & 0xffff));
}

int
cursor_encode(int64_t at_us, int64_t id, char *out, size_t outlen)
{
	uint64_t	a = (uint64_t)at_us ^ CURSOR_MASK;
	uint64_t	b = (uint64_t)id ^ CURSOR_MASK;
	int		n;

	n = snprintf(out, outlen, "c1%016llx%016llx%04x",
	    (unsigned long long)a, (unsigned long long)b,
	    cursor_check((uint64_t)at_us, (uint64_t)id));
	return (n > 0 && (size_t)n < outlen);
}

static int
hex_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;
	int		d;

	for (i = 0; i < n; i++) {
		if ((d = hexval(s[i])) < 0 || (s[i] >= 'A' && s[i] <= 'F'))
			return (0);
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return (1);
}

int
cursor_decode(const char *s, int64_t *at_us, int64_t *id)
{
	uint64_t	a, b, check;

	if (s == NULL || strlen(s) != 2 + 16 + 16 + 4 ||
	    s[0] != 'c' || s[1] != '1')
		return (0);
	if (!hex_u64(s + 2, 16, &a) || !hex_u64(s + 18, 16, &b) ||
	    !hex_u64(s + 34, 4, &check))
		return (0);
	a ^= CURSOR_MASK;
	b ^= CURSOR_MASK;
	if (cursor_check(a, b) != check || (int64_t)b < 0)
		return (0);
	*at_us = (int64_t)a;
	*id = (int64_t)b;
	return (1);
}
