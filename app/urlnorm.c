/*
 * Bookmark URLs: which ones Parley stores (absolute http and https URLs with
 * a host, no credentials, no spaces or control characters, at most
 * URLNORM_MAX bytes) and the key that says two of them are the same page
 * (scheme and host lower-cased, default port dropped, fragment removed, an
 * empty path written "/"). Pure (no Kore): the unit tests call it directly,
 * and both the JSON routes and the Netscape import go through it.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parley.h"

/* Where the parts of a URL that urlnorm_check accepted begin and end. */
struct urlparts {
	size_t	scheme_end;		/* index of the ':' */
	size_t	host_start, host_end;
	long	port;			/* -1: none (or empty) */
	size_t	path_start;		/* path, query: up to frag */
	size_t	frag;			/* index of '#', or len */
};

/* Schemes named in rejections, so a reader sees what was wrong without the
 * message ever repeating the input. */
static const struct {
	const char	*scheme;
	const char	*reason;
} known_schemes[] = {
	{ "javascript", "Only http and https links can be saved; this is a "
	    "javascript: link." },
	{ "data", "Only http and https links can be saved; this is a data: "
	    "URL." },
	{ "place", "Only http and https links can be saved; this is a "
	    "browser place: query." },
	{ "ftp", "Only http and https links can be saved; this is an ftp: "
	    "link." },
	{ "file", "Only http and https links can be saved; this is a local "
	    "file: link." },
	{ "mailto", "Only http and https links can be saved; this is a "
	    "mailto: address." },
};

static int
is_alpha(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int
is_digit(unsigned char c)
{
	return (c >= '0' && c <= '9');
}

/* The reason a scheme other than http and https is refused. */
static const char *
scheme_refused(const char *url, size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof(known_schemes) / sizeof(known_schemes[0]); i++)
		if (strlen(known_schemes[i].scheme) == n &&
		    strncasecmp(url, known_schemes[i].scheme, n) == 0)
			return (known_schemes[i].reason);
	return ("Only http and https links can be saved.");
}

/* Checks the scheme and the "//"; sets p->scheme_end. */
static const char *
split_scheme(const char *u, size_t len, struct urlparts *p)
{
	size_t	i;

	for (i = 0; i < len && (is_alpha((unsigned char)u[i]) ||
	    (i > 0 && (is_digit((unsigned char)u[i]) || u[i] == '+' ||
	    u[i] == '-' || u[i] == '.'))); i++)
		;
	if (i == 0 || i >= len || u[i] != ':')
		return ("The URL is not absolute: it must start with http:// "
		    "or https://.");
	if (!((i == 4 && strncasecmp(u, "http", 4) == 0) ||
	    (i == 5 && strncasecmp(u, "https", 5) == 0)))
		return (scheme_refused(u, i));
	p->scheme_end = i;
	if (len - i < 3 || u[i + 1] != '/' || u[i + 2] != '/')
		return ("The URL has no host: it must start with http:// or "
		    "https:// and a host name.");
	return (NULL);
}

/* A host name: letters, digits, '-', '_', '~', '%' and non-ASCII (IDN),
 * in non-empty dot-separated labels (a trailing dot is allowed); or an IP
 * literal in brackets. */
static int
host_valid(const char *h, size_t n)
{
	size_t	i;

	if (n >= 2 && h[0] == '[') {
		if (h[n - 1] != ']' || n == 2)
			return (0);
		for (i = 1; i < n - 1; i++)
			if (!(is_digit((unsigned char)h[i]) ||
			    strchr("abcdefABCDEF:.", h[i]) != NULL))
				return (0);
		return (1);
	}
	if (n == 0 || h[0] == '.')
		return (0);
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)h[i];

		if (c == '.' && i + 1 < n && h[i + 1] == '.')
			return (0);
		if (!(is_alpha(c) || is_digit(c) || c >= 0x80 ||
		    strchr("-_~%.", c) != NULL))
			return (0);
	}
	return (1);
}

/* Splits "host[:port]" in u[start..end). */
static const char *
split_authority(const char *u, size_t start, size_t end, struct urlparts *p)
{
	size_t	i, colon = end;
	long	port = 0;

	if (memchr(u + start, '@', end - start) != NULL)
		return ("The URL must not contain a user name or password.");
	if (start == end)
		return ("The URL has no host.");
	if (u[start] == '[') {
		for (i = start; i < end && u[i] != ']'; i++)
			;
		colon = (i + 1 < end) ? i + 1 : end;
		if (i == end || (colon < end && u[colon] != ':'))
			return ("The URL's host is not valid.");
	} else {
		for (i = start; i < end && u[i] != ':'; i++)
			;
		colon = i;
	}
	if (!host_valid(u + start, colon - start))
		return (colon == start ? "The URL has no host." :
		    "The URL's host is not valid.");
	p->host_start = start;
	p->host_end = colon;
	p->port = -1;
	if (colon + 1 >= end)
		return (NULL);		/* no port, or an empty one */
	for (i = colon + 1; i < end; i++) {
		if (!is_digit((unsigned char)u[i]) || port > 65535)
			return ("The URL's port is not valid.");
		port = port * 10 + (u[i] - '0');
	}
	if (port < 1 || port > 65535)
		return ("The URL's port is not valid.");
	p->port = port;
	return (NULL);
}

static const char *
urlnorm_split(const char *u, size_t len, struct urlparts *p)
{
	const char	*why;
	size_t		 i, auth;

	memset(p, 0, sizeof(*p));
	if (len == 0)
		return ("The URL is empty.");
	if (len > URLNORM_MAX)
		return ("The URL is longer than 2048 bytes.");
	for (i = 0; i < len; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] == 0x7f)
			return ("The URL contains spaces or control "
			    "characters.");
	if (!utf8_valid(u, len))
		return ("The URL is not valid UTF-8.");
	/* U+FFFD: bytes that could not be read (a NUL, a bad encoding). */
	if (memmem(u, len, "\xef\xbf\xbd", 3) != NULL)
		return ("The URL holds characters that could not be read.");
	if ((why = split_scheme(u, len, p)) != NULL)
		return (why);
	auth = p->scheme_end + 3;
	for (i = auth; i < len && u[i] != '/' && u[i] != '?' &&
	    u[i] != '#'; i++)
		if (u[i] == '\\')
			return ("The URL's host is not valid.");
	if ((why = split_authority(u, auth, i, p)) != NULL)
		return (why);
	p->path_start = i;
	for (p->frag = i; p->frag < len && u[p->frag] != '#'; p->frag++)
		;
	return (NULL);
}

const char *
urlnorm_check(const char *url, size_t len)
{
	struct urlparts	p;

	return (urlnorm_split(url, len, &p));
}

int
urlnorm_key(const char *url, size_t len, char *out, size_t outlen)
{
	struct urlparts	 p;
	size_t		 o = 0, i;
	long		 dflt;
	int		 n;

	if (urlnorm_split(url, len, &p) != NULL)
		return (0);
	/* Everything we copy is at most the URL plus "/" and the NUL. */
	if (outlen < len + 2)
		return (0);
	for (i = 0; i < p.scheme_end; i++)
		out[o++] = (char)(url[i] | 0x20);	/* letters only */
	memcpy(out + o, "://", 3);
	o += 3;
	for (i = p.host_start; i < p.host_end; i++)
		out[o++] = (url[i] >= 'A' && url[i] <= 'Z') ?
		    (char)(url[i] - 'A' + 'a') : url[i];
	dflt = (p.scheme_end == 4) ? 80 : 443;
	if (p.port != -1 && p.port != dflt) {
		n = snprintf(out + o, outlen - o, ":%ld", p.port);
		if (n < 0 || (size_t)n >= outlen - o)
			return (0);
		o += (size_t)n;
	}
	if (p.path_start == p.frag || url[p.path_start] == '?')
		out[o++] = '/';
	if (o + (p.frag - p.path_start) + 1 > outlen)
		return (0);
	memcpy(out + o, url + p.path_start, p.frag - p.path_start);
	o += p.frag - p.path_start;
	out[o] = '\0';
	return (1);
}
