/*
 * Growable byte strings for the pure parsers and renderers (text.c,
 * netscape.c, the Stack Exchange dump reader): appends that never truncate
 * silently. A buffer that cannot grow (no memory, or past its limit) is
 * marked failed and stays so, so a caller appends freely and checks once.
 * Pure (no Kore): the unit tests drive it to its limits directly.
 */
#define PARLEY_PURE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define STRBUF_FIRST_CAP	64	/* bytes of the first allocation */

/* The limit in force: max, or STRBUF_MAX when unset; never SIZE_MAX, so
 * that the limit plus its NUL still fits in a size_t. */
static size_t
strbuf_limit(const struct strbuf *b)
{
	size_t	max = b->max ? b->max : STRBUF_MAX;

	return (max < SIZE_MAX ? max : SIZE_MAX - 1);
}

/* Makes room for need bytes (the NUL included; need <= limit + 1).
 * Doubling stops at limit + 1, so the arithmetic cannot overflow. */
static int
strbuf_grow(struct strbuf *b, size_t need, size_t limit)
{
	size_t	 cap;
	char	*p;

	if (need <= b->cap)
		return (0);
	cap = b->cap ? b->cap : STRBUF_FIRST_CAP;
	while (cap < need)
		cap = cap > (limit + 1) / 2 ? limit + 1 : cap * 2;
	if (cap > limit + 1)
		cap = limit + 1;
	if ((p = realloc(b->data, cap)) == NULL)
		return (-1);
	b->data = p;
	b->cap = cap;
	return (0);
}

void
strbuf_add(struct strbuf *b, const void *s, size_t n)
{
	size_t	limit = strbuf_limit(b);

	if (b->failed)
		return;
	if (b->len > limit || n > limit - b->len ||
	    strbuf_grow(b, b->len + n + 1, limit) != 0) {
		b->failed = 1;
		return;
	}
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
strbuf_str(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void
strbuf_char(struct strbuf *b, char c)
{
	strbuf_add(b, &c, 1);
}

void
strbuf_add_escaped(struct strbuf *b, const char *s, size_t n,
    const char *(*rep)(char))
{
	const char	*r;
	size_t		 i, start = 0;

	for (i = 0; i < n; i++) {
		if ((r = rep(s[i])) == NULL)
			continue;
		strbuf_add(b, s + start, i - start);
		strbuf_str(b, r);
		start = i + 1;
	}
	strbuf_add(b, s + start, n - start);
}

static const char *
html_rep(char c)
{
	switch (c) {
	case '&': return ("&amp;");
	case '<': return ("&lt;");
	case '>': return ("&gt;");
	case '"': return ("&quot;");
	case '\'': return ("&#39;");
	default: return (NULL);
	}
}

void
strbuf_add_html(struct strbuf *b, const char *s, size_t n)
{
	strbuf_add_escaped(b, s, n, html_rep);
}

void
strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
strbuf_free(struct strbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

char *
strbuf_take(struct strbuf *b, size_t *len)
{
	char	*data;

	if (!b->failed && b->data == NULL)
		strbuf_add(b, "", 0);
	if (b->failed) {
		strbuf_free(b);
		return (NULL);
	}
	data = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return (data);
}
