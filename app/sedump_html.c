/*
 * Stack Exchange post HTML as our plain text (sedump_html_to_text): what
 * the importer stores as a question's or an answer's body. Tags dropped,
 * entities decoded, paragraphs and list items on their own lines, code
 * blocks verbatim, links as "text (url)"; the result is valid UTF-8 however
 * broken the input. Pure (no Kore, no libpq): sedump_rows.c and the unit
 * tests call it.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parley.h"

#define SEDUMP_LISTS_MAX	16	/* nesting of <ul>/<ol> we track */

/* Appends code point cp as UTF-8: NUL, surrogates and values past U+10FFFF
 * become U+FFFD (htmltext_encode), other controls except tab and newline
 * are dropped. */
static void
buf_cp(struct strbuf *b, unsigned long cp)
{
	char	u[4];

	if (cp != 0 && ((cp < 0x20 && cp != '\n' && cp != '\t') ||
	    (cp >= 0x7f && cp < 0xa0)))
		return;
	strbuf_add(b, u, htmltext_encode(cp, u));
}

/* ---- entities --------------------------------------------------------- */

static const struct {
	const char	*name;
	unsigned int	 cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "hellip", 0x2026 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "copy", 0xa9 },
	{ "reg", 0xae }, { "trade", 0x2122 }, { "deg", 0xb0 },
	{ "times", 0xd7 }, { "divide", 0xf7 }, { "middot", 0xb7 },
	{ "bull", 0x2022 }, { "sect", 0xa7 }, { "para", 0xb6 },
	{ "euro", 0x20ac }, { "pound", 0xa3 }, { "yen", 0xa5 },
	{ "cent", 0xa2 }, { "plusmn", 0xb1 }, { "frac12", 0xbd },
	{ "eacute", 0xe9 }, { "egrave", 0xe8 }, { "aacute", 0xe1 },
	{ "agrave", 0xe0 }, { "ouml", 0xf6 }, { "uuml", 0xfc },
	{ "auml", 0xe4 }, { "szlig", 0xdf }, { "ccedil", 0xe7 },
	{ "rarr", 0x2192 }, { "larr", 0x2190 }, { "shy", 0xad },
	{ "zwj", 0x200d }, { "zwnj", 0x200c }, { "thinsp", 0x2009 },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 },
};

/*
 * Decodes the entity at s[0..len) (s[0] == '&'). Returns its length in
 * bytes and the code point in *cp, or 0 when it is not one we know (the
 * caller then keeps the '&' as text).
 */
static size_t
entity_decode(const char *s, size_t len, unsigned long *cp)
{
	size_t		i, j, digits;
	unsigned long	v = 0;
	int		hex;

	for (j = 1; j < len && j < 12 && s[j] != ';'; j++)
		;
	if (j >= len || s[j] != ';' || j == 1)
		return (0);
	if (s[1] != '#') {
		for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
			if (strlen(entities[i].name) == j - 1 &&
			    memcmp(s + 1, entities[i].name, j - 1) == 0) {
				*cp = entities[i].cp;
				return (j + 1);
			}
		return (0);
	}
	hex = (j > 2 && (s[2] == 'x' || s[2] == 'X'));
	digits = 0;
	for (i = hex ? 3 : 2; i < j; i++, digits++) {
		char	c = s[i];

		if (c >= '0' && c <= '9')
			v = v * (hex ? 16 : 10) + (unsigned long)(c - '0');
		else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			v = v * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
		else
			return (0);
	}
	if (digits == 0 || digits > 7)
		return (0);
	*cp = v > 0x10ffff ? 0xfffd : v;
	return (j + 1);
}

/* ---- HTML to text ----------------------------------------------------- */

struct h2t {
	struct strbuf		 out;
	int			 pending_nl;	/* line breaks before the next text */
	int			 pending_space;
	size_t			 after_marker;	/* out.len right after "- " */
	int			 pre;		/* inside <pre> */
	int			 quote;		/* <blockquote> depth */
	int			 skip;		/* inside <script>/<style> */
	int			 lists[SEDUMP_LISTS_MAX]; /* 0 ul, n ol */
	int			 list_depth;
	struct strbuf		 href;		/* of the open <a>, or empty */
	size_t			 link_start;
};

static int
at_line_start(const struct h2t *h)
{
	return (h->out.len == 0 || h->out.data[h->out.len - 1] == '\n' ||
	    (h->quote > 0 && h->out.len >= 2 &&
	    h->out.data[h->out.len - 1] == ' ' &&
	    h->out.data[h->out.len - 2] == '>'));
}

/* Writes the pending line breaks or space before text (no breaks at the
 * very start); a line inside a quote starts with "> ". */
static void
h2t_flush(struct h2t *h)
{
	int	i, k, lines = h->out.len == 0 ? 0 : h->pending_nl;

	for (k = 0; k < lines; k++)
		strbuf_str(&h->out, "\n");
	if (h->quote > 0 && (lines > 0 || h->out.len == 0)) {
		for (i = 0; i < h->quote; i++)
			strbuf_str(&h->out, ">");
		strbuf_str(&h->out, " ");
	} else if (lines == 0 && h->pending_space && !at_line_start(h))
		strbuf_str(&h->out, " ");
	h->pending_nl = h->pending_space = 0;
}

/* Asks for n line breaks before the next text (at most two in a row,
 * none right after a list marker). */
static void
h2t_break(struct h2t *h, int n)
{
	if (h->out.len > 0 && h->out.len == h->after_marker)
		return;
	if (h->pending_nl < n)
		h->pending_nl = n;
}

static void
h2t_text(struct h2t *h, const char *s, size_t n)
{
	if (h->skip)
		return;
	h2t_flush(h);
	strbuf_add(&h->out, s, n);
}

/* One code point of text: whitespace collapses outside <pre>; inside,
 * newlines become pending breaks so that a closing </pre> absorbs the
 * last one. */
static void
h2t_cp(struct h2t *h, unsigned long cp, const char *raw, size_t n)
{
	if (h->skip)
		return;
	if (h->pre) {
		if (cp == '\n') {
			h->pending_nl++;
			return;
		}
		if (cp == '\r')
			return;
	} else if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == '\f') {
		h->pending_space = 1;
		return;
	}
	h2t_flush(h);
	if (raw != NULL)
		strbuf_add(&h->out, raw, n);
	else
		buf_cp(&h->out, cp);
}

/* The value of attribute name inside a tag's attribute text, entity
 * decoded, into v (emptied first); 1 if present. */
static int
tag_attr(const char *a, size_t len, const char *name, struct strbuf *v)
{
	size_t		i = 0, ns, ne, vs, ve, nl = strlen(name), k;
	unsigned long	cp;
	char		q;

	strbuf_reset(v);
	while (i < len) {
		while (i < len && strchr(" \t\r\n/", a[i]) != NULL)
			i++;
		for (ns = i; i < len && strchr(" \t\r\n/=>", a[i]) == NULL; i++)
			;
		ne = i;
		while (i < len && strchr(" \t\r\n", a[i]) != NULL)
			i++;
		vs = ve = i;
		if (i < len && a[i] == '=') {
			i++;
			while (i < len && strchr(" \t\r\n", a[i]) != NULL)
				i++;
			q = (i < len && (a[i] == '"' || a[i] == '\'')) ? a[i] : 0;
			vs = q ? ++i : i;
			while (i < len && (q ? a[i] != q :
			    strchr(" \t\r\n>", a[i]) == NULL))
				i++;
			ve = i;
			if (q && i < len)
				i++;
		}
		if (ne == ns) {
			i++;
			continue;
		}
		if (ne - ns != nl || strncasecmp(a + ns, name, nl) != 0)
			continue;
		for (k = vs; k < ve; k++) {
			size_t	e;

			if (a[k] == '&' && (e = entity_decode(a + k, ve - k,
			    &cp)) > 0) {
				buf_cp(v, cp);
				k += e - 1;
			} else
				strbuf_add(v, a + k, 1);
		}
		strbuf_add(v, "", 0);
		return (1);
	}
	return (0);
}

static int
is_web_url(const struct strbuf *u)
{
	return (u->len > 8 && u->len <= TEXT_URL_MAX &&
	    (strncasecmp(u->data, "http://", 7) == 0 ||
	    strncasecmp(u->data, "https://", 8) == 0) &&
	    strpbrk(u->data, " \t\n\r<>\"") == NULL);
}

static void
h2t_link_open(struct h2t *h, const char *attrs, size_t alen)
{
	struct strbuf	rel;

	/* Tag links (rel="tag") name the tag already; the URL adds nothing. */
	memset(&rel, 0, sizeof(rel));
	if (!tag_attr(attrs, alen, "href", &h->href) || !is_web_url(&h->href) ||
	    (tag_attr(attrs, alen, "rel", &rel) && rel.len == 3 &&
	    strcasecmp(rel.data, "tag") == 0))
		h->href.len = 0;
	strbuf_free(&rel);
	h2t_flush(h);
	h->link_start = h->out.len;
}

/* "text (url)" unless the text is the URL already. */
static void
h2t_link_close(struct h2t *h)
{
	const char	*text;
	size_t		 n;

	if (h->href.len == 0 || h->skip)
		return;
	text = h->out.data ? h->out.data + h->link_start : "";
	n = h->out.len - h->link_start;
	if (n == 0)
		h2t_text(h, h->href.data, h->href.len);
	else if (n != h->href.len || memcmp(text, h->href.data, n) != 0) {
		h2t_text(h, " (", 2);
		strbuf_add(&h->out, h->href.data, h->href.len);
		strbuf_str(&h->out, ")");
	}
	h->href.len = 0;
}

static void
h2t_image(struct h2t *h, const char *attrs, size_t alen)
{
	struct strbuf	alt;

	memset(&alt, 0, sizeof(alt));
	/* Stack Exchange's editor fills in a placeholder alt text. */
	if (tag_attr(attrs, alen, "alt", &alt) && alt.len > 0 &&
	    strcasecmp(alt.data, "enter image description here") != 0) {
		h2t_text(h, "[image: ", 8);
		sedump_oneline(&h->out, alt.data, 200);
		strbuf_str(&h->out, "]");
	} else
		h2t_text(h, "[image]", 7);
	if (tag_attr(attrs, alen, "src", &alt) && is_web_url(&alt)) {
		strbuf_str(&h->out, " ");
		strbuf_add(&h->out, alt.data, alt.len);
	}
	h->out.failed |= alt.failed;
	strbuf_free(&alt);
}

static void
h2t_list_item(struct h2t *h)
{
	char	marker[32];
	int	i, *n;

	h2t_break(h, 1);
	h2t_flush(h);
	for (i = 1; i < h->list_depth && i < SEDUMP_LISTS_MAX; i++)
		strbuf_str(&h->out, "  ");
	n = h->list_depth > 0 && h->list_depth <= SEDUMP_LISTS_MAX ?
	    &h->lists[h->list_depth - 1] : NULL;
	if (n != NULL && *n > 0)
		(void)snprintf(marker, sizeof(marker), "%d. ", (*n)++);
	else
		(void)snprintf(marker, sizeof(marker), "- ");
	strbuf_str(&h->out, marker);
	h->after_marker = h->out.len;
	h->pending_space = 0;
}

static void
h2t_list(struct h2t *h, int end, int ordered)
{
	if (end) {
		if (h->list_depth > 0)
			h->list_depth--;
		h2t_break(h, h->list_depth > 0 ? 1 : 2);
		return;
	}
	h2t_break(h, h->list_depth > 0 ? 1 : 2);
	if (h->list_depth < SEDUMP_LISTS_MAX)
		h->lists[h->list_depth] = ordered ? 1 : 0;
	h->list_depth++;
}

/* Tags that break lines: how many breaks they ask for. */
static int
block_breaks(const char *name)
{
	static const char *const two[] = { "p", "pre", "blockquote", "h1",
	    "h2", "h3", "h4", "h5", "h6", "table", "dl", "hr", NULL };
	static const char *const one[] = { "div", "tr", "dt", "dd",
	    "section", "article", "header", "footer", "figure", NULL };
	int	i;

	for (i = 0; two[i] != NULL; i++)
		if (strcmp(name, two[i]) == 0)
			return (2);
	for (i = 0; one[i] != NULL; i++)
		if (strcmp(name, one[i]) == 0)
			return (1);
	return (0);
}

static void
h2t_tag(struct h2t *h, const char *name, int end, const char *attrs,
    size_t alen)
{
	int	n;

	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
		h->skip = !end;
		return;
	}
	if ((n = block_breaks(name)) > 0) {
		h2t_break(h, n);
		if (strcmp(name, "pre") == 0)
			h->pre = !end;
		else if (strcmp(name, "blockquote") == 0 && (end ?
		    h->quote > 0 : h->quote < 8))
			h->quote += end ? -1 : 1;
		else if (strcmp(name, "hr") == 0 && !end) {
			h2t_text(h, "---", 3);
			h2t_break(h, 2);
		}
	} else if (strcmp(name, "br") == 0)
		h->pending_nl = h->pending_nl < 2 ? h->pending_nl + 1 : 2;
	else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0)
		h2t_list(h, end, name[0] == 'o');
	else if (strcmp(name, "li") == 0 && !end)
		h2t_list_item(h);
	else if ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) && !end)
		h->pending_space = 1;
	else if (strcmp(name, "code") == 0 && !h->pre)
		h2t_text(h, "`", 1);
	else if (strcmp(name, "a") == 0)
		end ? h2t_link_close(h) : h2t_link_open(h, attrs, alen);
	else if (strcmp(name, "img") == 0 && !end)
		h2t_image(h, attrs, alen);
}

/*
 * Parses the markup at s[i] ('<'): a tag (handed to h2t_tag), a comment or
 * a declaration (skipped). Returns the bytes consumed, or 0 when it is not
 * markup, so that the '<' is text ("a < b").
 */
static size_t
h2t_markup(struct h2t *h, const char *s, size_t len, size_t i)
{
	const char	*p, *gt;
	char		 name[16];
	size_t		 n = 0, j = i + 1;
	int		 end = 0;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		p = memmem(s + i + 4, len - i - 4, "-->", 3);
		return (p ? (size_t)(p - (s + i)) + 3 : len - i);
	}
	if (j < len && (s[j] == '!' || s[j] == '?')) {
		gt = memchr(s + j, '>', len - j);
		return (gt ? (size_t)(gt - (s + i)) + 1 : 0);
	}
	if (j < len && s[j] == '/')
		end = 1, j++;
	while (j < len && n < sizeof(name) - 1 &&
	    ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
	    (n > 0 && s[j] >= '0' && s[j] <= '9')))
		name[n++] = (char)(s[j++] | 0x20);
	name[n] = '\0';
	if (n == 0 || j >= len || strchr(" \t\r\n/>", s[j]) == NULL)
		return (0);
	for (p = s + j; p < s + len && *p != '>'; p++)
		if (*p == '"' || *p == '\'') {
			const char *q = memchr(p + 1, *p, (size_t)(s + len - p - 1));

			if (q == NULL)
				return (0);
			p = q;
		}
	if (p >= s + len)
		return (0);
	h2t_tag(h, name, end, s + j, (size_t)(p - (s + j)));
	return ((size_t)(p - (s + i)) + 1);
}

char *
sedump_html_to_text(const char *html, size_t len)
{
	struct h2t	h;
	size_t		i = 0, n;
	unsigned long	cp;

	memset(&h, 0, sizeof(h));
	h.after_marker = (size_t)-1;
	strbuf_add(&h.out, "", 0);
	while (i < len && !h.out.failed) {
		if (html[i] == '<' && (n = h2t_markup(&h, html, len, i)) > 0) {
			i += n;
		} else if (html[i] == '&' &&
		    (n = entity_decode(html + i, len - i, &cp)) > 0) {
			h2t_cp(&h, cp, NULL, 0);
			i += n;
		} else if ((n = utf8_sequence(html + i, len - i)) == 0) {
			h2t_cp(&h, 0xfffd, NULL, 0);
			i++;
		} else {
			cp = (unsigned char)html[i];
			if (n == 1 && (cp < 0x20 || cp == 0x7f) && cp != '\n' &&
			    cp != '\t' && cp != '\r' && cp != '\f')
				cp = 0xfffd;
			h2t_cp(&h, cp, cp == 0xfffd || n == 1 ? NULL : html + i,
			    n);
			i += n;
		}
	}
	h.out.failed |= h.href.failed;
	strbuf_free(&h.href);
	while (!h.out.failed && h.out.len > 0 &&
	    strchr(" \t\n", h.out.data[h.out.len - 1]))
		h.out.data[--h.out.len] = '\0';
	return (strbuf_take(&h.out, NULL));
}
