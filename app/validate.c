/*
 * Pure validators for everything that arrives from outside: UTF-8, lengths
 * in code points, handles, e-mail addresses and ids. No Kore, no libpq: the
 * unit tests link this file on its own.
 */
#define PARLEY_PURE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parley.h"

size_t
utf8_sequence(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	unsigned int		 cp;
	size_t			 n, i;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return (0);
	}
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
		return (0);				/* overlong */
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);				/* out of range, surrogate */
	return (n);
}

long
utf8_length(const char *s, size_t len)
{
	size_t	off, n;
	long	count = 0;

	for (off = 0; off < len; off += n) {
		if ((n = utf8_sequence(s + off, len - off)) == 0)
			return (-1);
		count++;
	}
	return (count);
}

int
utf8_valid(const char *s, size_t len)
{
	return (utf8_length(s, len) >= 0);
}

int
valid_handle(const char *s)
{
	size_t	i, len = strlen(s);

	if (len < 3 || len > 30)
		return (0);
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return (0);
	}
	return (1);
}

int
valid_email(const char *s)
{
	const char	*at, *d, *label;
	size_t		 len = strlen(s), i;

	if (len < 3 || len > 254)
		return (0);
	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return (0);
	if (at - s > 64)
		return (0);
	for (i = 0; s + i < at; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("()<>[]\\,;:\"", c))
			return (0);
	}
	d = at + 1;
	if (*d == '\0' || strchr(d, '.') == NULL)
		return (0);
	label = d;
	for (; *d != '\0'; d++) {
		if (*d == '.') {
			if (d == label || d[-1] == '-' || *label == '-')
				return (0);
			label = d + 1;
		} else if (!isalnum((unsigned char)*d) && *d != '-') {
			return (0);
		}
	}
	return (*label != '\0' && *label != '-' && d[-1] != '-');
}

const char *
email_domain(const char *s)
{
	const char	*at;

	if ((at = strrchr(s, '@')) == NULL || at[1] == '\0')
		return (NULL);
	return (at + 1);
}

int
email_domain_allowed(const char *email, const char *allow_list)
{
	const char	*domain, *p, *end;
	size_t		 dlen, n;

	if (allow_list == NULL || *allow_list == '\0')
		return (1);
	if ((domain = email_domain(email)) == NULL)
		return (0);
	dlen = strlen(domain);
	for (p = allow_list; *p != '\0'; p = (*end == ',') ? end + 1 : end) {
		while (*p == ' ')
			p++;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == dlen && n > 0 && strncasecmp(p, domain, n) == 0)
			return (1);
	}
	return (0);
}

int
parse_id(const char *s, int64_t *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 19)
		return (0);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1)
		return (0);
	*out = (int64_t)v;
	return (1);
}

int
parse_int_range(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) ||
	    strlen(s) > 19)
		return (0);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (0);
	*out = v;
	return (1);
}

int
text_blank(const char *s)
{
	/* ASCII whitespace and the Unicode spaces people paste: NBSP, the
	 * U+2000 block, U+3000 and the zero-width space. */
	const unsigned char	*p = (const unsigned char *)s;

	while (*p != '\0') {
		if (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
			p++;
		} else if (p[0] == 0xc2 && p[1] == 0xa0) {
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] <= 0x8b || p[2] == 0xaf)) {
			p += 3;
		} else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
		} else {
			return (0);
		}
	}
	return (1);
}
