/*
 * Text of HTML files written by other programs: their bytes as UTF-8 (as
 * they are when valid UTF-8, else read as Windows-1252, which is what a
 * Latin-1 label means in practice) and HTML character references (&amp;
 * &#233; &#xE9; and the common named ones). Pure (no Kore): netscape.c
 * uses it for bookmark files and the unit tests call it directly.
 */
#define PARLEY_PURE
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/* Windows-1252's 0x80-0x9F; its five holes become U+FFFD. */
static const unsigned short cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static const struct {
	const char	*name;
	unsigned short	 cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "AMP", '&' }, { "LT", '<' }, { "GT", '>' },
	{ "QUOT", '"' }, { "nbsp", 0xa0 }, { "iexcl", 0xa1 },
	{ "cent", 0xa2 }, { "pound", 0xa3 }, { "yen", 0xa5 },
	{ "sect", 0xa7 }, { "copy", 0xa9 }, { "laquo", 0xab },
	{ "reg", 0xae }, { "deg", 0xb0 }, { "plusmn", 0xb1 },
	{ "para", 0xb6 }, { "middot", 0xb7 }, { "raquo", 0xbb },
	{ "frac14", 0xbc }, { "frac12", 0xbd }, { "frac34", 0xbe },
	{ "iquest", 0xbf }, { "Agrave", 0xc0 }, { "Aacute", 0xc1 },
	{ "Acirc", 0xc2 }, { "Auml", 0xc4 }, { "Aring", 0xc5 },
	{ "AElig", 0xc6 }, { "Ccedil", 0xc7 }, { "Egrave", 0xc8 },
	{ "Eacute", 0xc9 }, { "Ecirc", 0xca }, { "Iacute", 0xcd },
	{ "Ntilde", 0xd1 }, { "Oacute", 0xd3 }, { "Ouml", 0xd6 },
	{ "times", 0xd7 }, { "Oslash", 0xd8 }, { "Uacute", 0xda },
	{ "Uuml", 0xdc }, { "szlig", 0xdf }, { "agrave", 0xe0 },
	{ "aacute", 0xe1 }, { "acirc", 0xe2 }, { "atilde", 0xe3 },
	{ "auml", 0xe4 }, { "aring", 0xe5 }, { "aelig", 0xe6 },
	{ "ccedil", 0xe7 }, { "egrave", 0xe8 }, { "eacute", 0xe9 },
	{ "ecirc", 0xea }, { "euml", 0xeb }, { "igrave", 0xec },
	{ "iacute", 0xed }, { "icirc", 0xee }, { "iuml", 0xef },
	{ "ntilde", 0xf1 }, { "ograve", 0xf2 }, { "oacute", 0xf3 },
	{ "ocirc", 0xf4 }, { "otilde", 0xf5 }, { "ouml", 0xf6 },
	{ "divide", 0xf7 }, { "oslash", 0xf8 }, { "ugrave", 0xf9 },
	{ "uacute", 0xfa }, { "ucirc", 0xfb }, { "uuml", 0xfc },
	{ "yacute", 0xfd }, { "yuml", 0xff }, { "OElig", 0x152 },
	{ "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d }, { "bdquo", 0x201e }, { "dagger", 0x2020 },
	{ "bull", 0x2022 }, { "hellip", 0x2026 }, { "prime", 0x2032 },
	{ "lsaquo", 0x2039 }, { "rsaquo", 0x203a }, { "euro", 0x20ac },
	{ "trade", 0x2122 }, { "larr", 0x2190 }, { "rarr", 0x2192 },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200c }, { "zwj", 0x200d },
};

size_t
htmltext_encode(unsigned long cp, char out[4])
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* The code point byte c stands for in Windows-1252 (NUL: U+FFFD). */
static unsigned long
cp1252_char(unsigned char c)
{
	if (c == 0)
		return (0xfffd);
	return (c >= 0x80 && c < 0xa0 ? cp1252[c - 0x80] : c);
}

char *
htmltext_to_utf8(const char *buf, size_t len, size_t *outlen)
{
	char	*out, u[4];
	size_t	 i, n = 0, o = 0;
	int	 utf8;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	utf8 = utf8_valid(buf, len);
	/* Two passes: the exact size first (at most 3 bytes a byte). */
	for (i = 0; i < len; i++)
		n += (utf8 && buf[i] != '\0') ? 1 :
		    htmltext_encode(cp1252_char((unsigned char)buf[i]), u);
	if (n > ((size_t)1 << 31) || (out = malloc(n + 1)) == NULL)
		return (NULL);
	for (i = 0; i < len; i++) {
		if (utf8 && buf[i] != '\0') {
			out[o++] = buf[i];
			continue;
		}
		o += htmltext_encode(cp1252_char((unsigned char)buf[i]),
		    out + o);
	}
	out[o] = '\0';
	*outlen = o;
	return (out);
}

/* A numeric reference after "&#": decimal or x-hex digits and an optional
 * ';' (as HTML allows). Returns the bytes used, 0 when it is not one. */
static size_t
numeric_ref(const char *s, size_t n, unsigned long *cp)
{
	size_t	i = 0, digits = 0;
	int	hex = 0, d;

	if (i < n && (s[i] == 'x' || s[i] == 'X')) {
		hex = 1;
		i++;
	}
	for (*cp = 0; i < n; i++, digits++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (hex && (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')
			d = (s[i] | 0x20) - 'a' + 10;
		else
			break;
		if (*cp <= 0x10ffff)	/* larger stays larger: U+FFFD */
			*cp = *cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (digits == 0)
		return (0);
	if (*cp >= 0x80 && *cp < 0xa0)	/* as HTML: Windows-1252 */
		*cp = cp1252[*cp - 0x80];
	return (i + (i < n && s[i] == ';'));
}

size_t
htmltext_ref(const char *s, size_t n, unsigned long *cp)
{
	size_t	i, len, used;

	if (n < 2 || s[0] != '&')
		return (0);
	if (s[1] == '#') {
		used = numeric_ref(s + 2, n - 2, cp);
		return (used ? used + 2 : 0);
	}
	for (len = 1; len < n && len < 10 &&
	    (((s[len] | 0x20) >= 'a' && (s[len] | 0x20) <= 'z') ||
	    (s[len] >= '0' && s[len] <= '9')); len++)
		;
	if (len >= n || s[len] != ';')
		return (0);
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (strlen(entities[i].name) == len - 1 &&
		    memcmp(entities[i].name, s + 1, len - 1) == 0) {
			*cp = entities[i].cp;
			return (len + 1);
		}
	return (0);
}

char *
htmltext_unescape(const char *s, size_t len, size_t *outlen)
{
	unsigned long	 cp;
	size_t		 i = 0, o = 0, used;
	char		*out;

	/* A reference is never shorter than what it stands for. */
	if ((out = malloc(len + 1)) == NULL)
		return (NULL);
	while (i < len) {
		if (s[i] == '&' && (used = htmltext_ref(s + i, len - i,
		    &cp)) > 0) {
			o += htmltext_encode(cp, out + o);
			i += used;
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return (out);
}
