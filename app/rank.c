/*
 * Search and expertise helpers that need no Kore and no database: the
 * cleaning of a search query before it reaches PostgreSQL (bounded, no
 * control characters, whole words) and the one readable sentence that says
 * why someone is ranked as an expert. The ranking itself is SQL (experts()
 * in sql/0008_search.sql), shared with notify_experts().
 */
#define PARLEY_PURE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parley.h"

/* Decodes the code point at s (valid UTF-8 assumed); returns its length. */
static size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return (2);
	}
	if ((s[0] & 0xf0) == 0xe0) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return (3);
	}
	*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
	    ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
	return (4);
}

/* Spaces and controls separate words; everything else belongs to one. */
static int
is_separator(uint32_t cp)
{
	return (cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200b) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff);
}

/* Could cp be part of a word? ASCII letters and digits, and letters of
 * other scripts; not punctuation, symbols, emoji or private use. */
static int
is_wordish(uint32_t cp)
{
	if (cp < 0x80)
		return ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z'));
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return (0);
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfe00 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff20) || (cp >= 0x1f000 && cp <= 0x1faff))
		return (0);
	return (1);
}

/* Bytes of the first max code points of s[0..len). */
static size_t
utf8_prefix(const unsigned char *s, size_t len, int max)
{
	size_t		i = 0;
	uint32_t	cp;

	for (; i < len && max > 0; max--)
		i += utf8_decode(s + i, &cp);
	return (i);
}

/* Length in bytes of the word at s[0..len), and in code points. */
static size_t
word_length(const unsigned char *s, size_t len, int *chars)
{
	size_t		i = 0, n;
	uint32_t	cp;

	for (*chars = 0; i < len; i += n, (*chars)++) {
		n = utf8_decode(s + i, &cp);
		if (is_separator(cp))
			break;
	}
	return (i);
}

int
rank_query_clean(const char *in, size_t len, char *out, size_t outlen,
    int *truncated)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 i = 0, o = 0, n, wlen;
	uint32_t		 cp;
	int			 terms = 0, chars = 0, wchars, sep;

	*truncated = 0;
	if (outlen == 0 || !utf8_valid(in, len))
		return (-1);
	for (;;) {
		for (; i < len; i += n) {	/* separators between words */
			n = utf8_decode(s + i, &cp);
			if (!is_separator(cp))
				break;
		}
		if (i == len)
			break;
		wlen = word_length(s + i, len - i, &wchars);
		sep = terms > 0;
		if (terms == 0 && wchars > RANK_QUERY_MAX_CHARS) {
			/* One enormous word: keep its beginning. */
			wlen = utf8_prefix(s + i, wlen, RANK_QUERY_MAX_CHARS);
			wchars = RANK_QUERY_MAX_CHARS;
			*truncated = 1;
		}
		if (terms == RANK_QUERY_MAX_TERMS ||
		    chars + sep + wchars > RANK_QUERY_MAX_CHARS ||
		    o + (size_t)sep + wlen >= outlen) {
			*truncated = 1;
			break;
		}
		if (sep)
			out[o++] = ' ';
		memcpy(out + o, in + i, wlen);
		o += wlen;
		i += wlen;
		chars += sep + wchars;
		terms++;
		if (*truncated)
			break;
	}
	out[o] = '\0';
	return ((int)o);
}

int
rank_query_searchable(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;

	while (*p != '\0') {
		p += utf8_decode(p, &cp);
		if (is_wordish(cp))
			return (1);
	}
	return (0);
}

int
rank_topic(const char *query, char *out, size_t outlen)
{
	const unsigned char	*s = (const unsigned char *)query;
	size_t			 i = 0, n, len = strlen(query);
	uint32_t		 cp;
	int			 chars = 0;

	for (; i < len && chars < RANK_TOPIC_MAX_CHARS; i += n, chars++)
		n = utf8_decode(s + i, &cp);
	if (i == len) {
		if (len + 1 > outlen)
			return (0);
		memcpy(out, query, len + 1);
		return (1);
	}
	/* Cut at the last space inside the limit, when there is one. */
	for (n = i; n > 0 && s[n - 1] != ' '; n--)
		;
	if (n > 1)
		i = n - 1;
	if (i + sizeof("\u2026") > outlen)
		return (0);
	memcpy(out, query, i);
	memcpy(out + i, "\u2026", sizeof("\u2026"));
	return (1);
}

/* Appends printf output to the sentence; 0 when it would not fit. */
static int
why_append(char *out, size_t outlen, size_t *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*o >= outlen)
		return (0);
	va_start(ap, fmt);
	n = vsnprintf(out + *o, outlen - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outlen - *o)
		return (0);
	*o += (size_t)n;
	return (1);
}

static const char *
plural(long long n)
{
	return (n == 1 ? "" : "s");
}

/* "5 answers (3 accepted, total score 21) on questions about “x”" */
static int
why_answers(const struct rank_evidence *e, const char *topic, char *out,
    size_t outlen, size_t *o)
{
	long long	n = e->answers, acc = e->accepted_answers;

	if (!why_append(out, outlen, o, "%lld answer%s (", n, plural(n)))
		return (0);
	if (n == 1 && acc == 1 && !why_append(out, outlen, o, "accepted, "))
		return (0);
	if (n > 1 && acc > 0 &&
	    !why_append(out, outlen, o, "%lld accepted, ", acc))
		return (0);
	return (why_append(out, outlen, o, "%sscore %lld) on %s about \u201c%s\u201d",
	    n > 1 ? "total " : "", (long long)e->answer_score,
	    n == 1 ? "a question" : "questions", topic));
}

int
rank_why(const struct rank_evidence *e, const char *topic, const char *skill,
    char *out, size_t outlen)
{
	size_t		o = 0;
	int		clauses = 0, ok = 1;
	const char	*about;

	if (outlen == 0)
		return (-1);
	out[0] = '\0';
	if (e->answers > 0) {
		ok = why_answers(e, topic, out, outlen, &o);
		clauses++;
	}
	if (ok && e->posts > 0) {
		about = clauses ? "it" : topic;
		ok = why_append(out, outlen, &o, "%s%lld post%s about %s%s%s",
		    clauses ? "; " : "", (long long)e->posts, plural(e->posts),
		    clauses ? "" : "\u201c", about, clauses ? "" : "\u201d");
		clauses++;
	}
	if (ok && e->bookmarks > 0) {
		about = clauses ? "it" : topic;
		ok = why_append(out, outlen, &o, "%s%lld public bookmark%s about "
		    "%s%s%s", clauses ? "; " : "", (long long)e->bookmarks,
		    plural(e->bookmarks), clauses ? "" : "\u201c", about,
		    clauses ? "" : "\u201d");
		clauses++;
	}
	if (ok && e->skill_declared) {
		ok = why_append(out, outlen, &o, "%slists %s as a skill",
		    clauses ? "; " : "", skill != NULL ? skill : "it");
		if (ok && e->endorsements > 0)
			ok = why_append(out, outlen, &o, " (%lld endorsement%s)",
			    (long long)e->endorsements, plural(e->endorsements));
		clauses++;
	}
	if (ok && clauses == 0)
		ok = why_append(out, outlen, &o, "no evidence");
	if (!ok || !why_append(out, outlen, &o, "."))
		return (-1);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return ((int)o);
}
