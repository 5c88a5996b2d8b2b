/*
 * Stack Exchange data dumps (Posts.xml, Users.xml, Votes.xml, ...): the
 * streaming reader (expat, fixed-size reads, one callback per <row>), the
 * conversion of one row into a line of PostgreSQL COPY text for the staging
 * tables of sql/0007_stackexchange.sql, and the text work that needs:
 * Stack Exchange HTML to our plain text, tag lists, dump times.
 * Pure (no Kore, no libpq): tools/se_import.c and the unit tests link it.
 */
#define PARLEY_PURE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <expat.h>

#include "parley.h"

#define SEDUMP_BUF_LIMIT	((size_t)1 << 30)
#define SEDUMP_READ_SIZE	65536
#define SEDUMP_LISTS_MAX	16	/* nesting of <ul>/<ol> we track */

/* ---- buffers ---------------------------------------------------------- */

void
sedump_buf_add(struct sedump_buf *b, const char *s, size_t n)
{
	char	*p;
	size_t	 cap;

	if (b->failed)
		return;
	if (n >= SEDUMP_BUF_LIMIT || b->len + n + 1 > SEDUMP_BUF_LIMIT) {
		b->failed = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->data, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_str(struct sedump_buf *b, const char *s)
{
	sedump_buf_add(b, s, strlen(s));
}

void
sedump_buf_free(struct sedump_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
sedump_buf_copy_field(struct sedump_buf *b, const char *s, size_t n)
{
	size_t		 i, start = 0;
	const char	*rep;

	if (s == NULL) {
		buf_str(b, "\\N");
		return;
	}
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default: continue;
		}
		sedump_buf_add(b, s + start, i - start);
		buf_str(b, rep);
		start = i + 1;
	}
	sedump_buf_add(b, s + start, n - start);
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0..left), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	size_t		n, i;
	unsigned int	cp;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return (0);
	if (left < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return (0);
	return (n);
}

/* Appends code point cp; NUL, surrogates and values past U+10FFFF become
 * U+FFFD, other controls except tab and newline are dropped. */
static void
buf_cp(struct sedump_buf *b, unsigned long cp)
{
	char	u[4];

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if ((cp < 0x20 && cp != '\n' && cp != '\t') ||
	    (cp >= 0x7f && cp < 0xa0))
		return;
	if (cp < 0x80) {
		u[0] = (char)cp;
		sedump_buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		sedump_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sedump_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sedump_buf_add(b, u, 4);
	}
}

size_t
sedump_utf8_cut(char *s, size_t max)
{
	size_t	i = 0, cps = 0;

	while (s[i] != '\0') {
		if (cps == max) {
			s[i] = '\0';
			break;
		}
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cps++;
	}
	return (i);
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
	struct sedump_buf	 out;
	int			 pending_nl;	/* line breaks before the next text */
	int			 pending_space;
	size_t			 after_marker;	/* out.len right after "- " */
	int			 pre;		/* inside <pre> */
	int			 quote;		/* <blockquote> depth */
	int			 skip;		/* inside <script>/<style> */
	int			 lists[SEDUMP_LISTS_MAX]; /* 0 ul, n ol */
	int			 list_depth;
	struct sedump_buf	 href;		/* of the open <a>, or empty */
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
		buf_str(&h->out, "\n");
	if (h->quote > 0 && (lines > 0 || h->out.len == 0)) {
		for (i = 0; i < h->quote; i++)
			buf_str(&h->out, ">");
		buf_str(&h->out, " ");
	} else if (lines == 0 && h->pending_space && !at_line_start(h))
		buf_str(&h->out, " ");
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
	sedump_buf_add(&h->out, s, n);
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
		h2t_flush(h);
		if (raw != NULL)
			sedump_buf_add(&h->out, raw, n);
		else
			buf_cp(&h->out, cp);
		return;
	}
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == '\f') {
		h->pending_space = 1;
		return;
	}
	h2t_flush(h);
	if (raw != NULL)
		sedump_buf_add(&h->out, raw, n);
	else
		buf_cp(&h->out, cp);
}

/* The value of attribute name inside a tag's attribute text, entity
 * decoded, into v (emptied first); 1 if present. */
static int
tag_attr(const char *a, size_t len, const char *name, struct sedump_buf *v)
{
	size_t		i = 0, ns, ne, vs, ve, nl = strlen(name), k;
	unsigned long	cp;
	char		q;

	v->len = 0;
	if (v->data != NULL)
		v->data[0] = '\0';
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
				sedump_buf_add(v, a + k, 1);
		}
		sedump_buf_add(v, "", 0);
		return (1);
	}
	return (0);
}

static int
is_web_url(const struct sedump_buf *u)
{
	return (u->len > 8 && u->len <= TEXT_URL_MAX &&
	    (strncasecmp(u->data, "http://", 7) == 0 ||
	    strncasecmp(u->data, "https://", 8) == 0) &&
	    strpbrk(u->data, " \t\n\r<>\"") == NULL);
}

static void
h2t_link_open(struct h2t *h, const char *attrs, size_t alen)
{
	struct sedump_buf	rel;

	/* Tag links (rel="tag") name the tag already; the URL adds nothing. */
	memset(&rel, 0, sizeof(rel));
	if (!tag_attr(attrs, alen, "href", &h->href) || !is_web_url(&h->href) ||
	    (tag_attr(attrs, alen, "rel", &rel) && rel.len == 3 &&
	    strcasecmp(rel.data, "tag") == 0))
		h->href.len = 0;
	sedump_buf_free(&rel);
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
		sedump_buf_add(&h->out, h->href.data, h->href.len);
		buf_str(&h->out, ")");
	}
	h->href.len = 0;
}

static void
h2t_image(struct h2t *h, const char *attrs, size_t alen)
{
	struct sedump_buf	alt;

	memset(&alt, 0, sizeof(alt));
	/* Stack Exchange's editor fills in a placeholder alt text. */
	if (tag_attr(attrs, alen, "alt", &alt) && alt.len > 0 &&
	    strcasecmp(alt.data, "enter image description here") != 0) {
		h2t_text(h, "[image: ", 8);
		sedump_oneline(&h->out, alt.data, 200);
		buf_str(&h->out, "]");
	} else
		h2t_text(h, "[image]", 7);
	if (tag_attr(attrs, alen, "src", &alt) && is_web_url(&alt)) {
		buf_str(&h->out, " ");
		sedump_buf_add(&h->out, alt.data, alt.len);
	}
	h->out.failed |= alt.failed;
	sedump_buf_free(&alt);
}

static void
h2t_list_item(struct h2t *h)
{
	char	marker[32];
	int	i, *n;

	h2t_break(h, 1);
	h2t_flush(h);
	for (i = 1; i < h->list_depth && i < SEDUMP_LISTS_MAX; i++)
		buf_str(&h->out, "  ");
	n = h->list_depth > 0 && h->list_depth <= SEDUMP_LISTS_MAX ?
	    &h->lists[h->list_depth - 1] : NULL;
	if (n != NULL && *n > 0)
		(void)snprintf(marker, sizeof(marker), "%d. ", (*n)++);
	else
		(void)snprintf(marker, sizeof(marker), "- ");
	buf_str(&h->out, marker);
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
	sedump_buf_add(&h.out, "", 0);
	while (i < len && !h.out.failed) {
		if (html[i] == '<' && (n = h2t_markup(&h, html, len, i)) > 0) {
			i += n;
		} else if (html[i] == '&' &&
		    (n = entity_decode(html + i, len - i, &cp)) > 0) {
			h2t_cp(&h, cp, NULL, 0);
			i += n;
		} else if ((n = utf8_seq((const unsigned char *)html + i,
		    len - i)) == 0) {
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
	sedump_buf_free(&h.href);
	if (h.out.failed) {
		sedump_buf_free(&h.out);
		return (NULL);
	}
	while (h.out.len > 0 && strchr(" \t\n", h.out.data[h.out.len - 1]))
		h.out.data[--h.out.len] = '\0';
	return (h.out.data);
}

/* ---- small fields ----------------------------------------------------- */

void
sedump_oneline(struct sedump_buf *b, const char *s, size_t max)
{
	size_t		i = 0, n, cps = 0, len = strlen(s);
	int		space = 0;
	unsigned char	c;

	while (i < len && cps < max) {
		c = (unsigned char)s[i];
		if ((n = utf8_seq((const unsigned char *)s + i, len - i)) == 0) {
			i++;
			continue;
		}
		if (n == 1 && (c <= 0x20 || c == 0x7f)) {
			space = 1;
			i++;
			continue;
		}
		if (space && cps > 0) {
			if (cps + 1 >= max)
				break;
			sedump_buf_add(b, " ", 1);
			cps++;
		}
		space = 0;
		sedump_buf_add(b, s + i, n);
		cps++;
		i += n;
	}
	sedump_buf_add(b, "", 0);
}

/*
 * One Stack Exchange tag (s[0..n)) in our tag grammar (text.c), so that
 * imported questions can be filtered and linked by tag like any other:
 * ASCII lower-cased, '+' "plus", '#' "sharp", a leading '.' "dot", other
 * ASCII punctuation '_' (runs of it one, none at the ends), a tag of only
 * digits prefixed with '_'. 1 with the tag in out; 0 when it cannot be one
 * (controls, invalid UTF-8, too long).
 */
static int
tag_normalise(const char *s, size_t n, char out[SEDUMP_TAG_MAX + 1])
{
	struct sedump_buf	b;
	size_t			k;
	char			c;
	int			ok;

	if (utf8_length(s, n) < 0)
		return (0);
	memset(&b, 0, sizeof(b));
	for (k = 0; k < n; k++) {
		c = s[k];
		if ((unsigned char)c < 0x20 || c == 0x7f)
			break;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c | 0x20);
		if ((unsigned char)c >= 0x80 || (c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'z'))
			sedump_buf_add(&b, &c, 1);
		else if (c == '+' || c == '#' || (c == '.' && b.len == 0))
			buf_str(&b, c == '+' ? "plus" : c == '#' ? "sharp" : "dot");
		else if (b.len > 0 && b.data[b.len - 1] != '_')
			buf_str(&b, "_");
	}
	while (b.len > 0 && b.data[b.len - 1] == '_')
		b.data[--b.len] = '\0';
	if (b.len > 0 && strspn(b.data, "0123456789") == b.len) {
		sedump_buf_add(&b, "_", 1);	/* room for the prefix */
		if (!b.failed) {
			memmove(b.data + 1, b.data, b.len - 1);
			b.data[0] = '_';
		}
	}
	ok = k == n && !b.failed && b.len > 0 && b.len <= SEDUMP_TAG_MAX &&
	    text_valid_tag(b.data);
	if (ok)
		memcpy(out, b.data, b.len + 1);
	sedump_buf_free(&b);
	return (ok);
}

int
sedump_tags(const char *s, char tags[SEDUMP_TAGS_MAX][SEDUMP_TAG_MAX + 1])
{
	size_t	n;
	int	count = 0, i;

	while (*s != '\0' && count < SEDUMP_TAGS_MAX) {
		s += strspn(s, "<>| \t\r\n");
		n = strcspn(s, "<>| \t\r\n");
		if (n == 0)
			break;
		if (n <= SEDUMP_TAG_MAX && tag_normalise(s, n, tags[count])) {
			for (i = 0; i < count; i++)
				if (strcmp(tags[i], tags[count]) == 0)
					break;
			if (i == count)
				count++;
		}
		s += n;
	}
	return (count);
}

/* Reads exactly n digits at *s into *v; advances *s. */
static int
digits(const char **s, int n, int *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return (0);
		*v = *v * 10 + (*(*s)++ - '0');
	}
	return (1);
}

int
sedump_date(const char *s, char out[SEDUMP_DATE_LEN])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y, mo, d, h, mi, sec, us = 0, scale = 100000, leap, r;

	if (s == NULL || !digits(&s, 4, &y) || *s++ != '-' ||
	    !digits(&s, 2, &mo) || *s++ != '-' || !digits(&s, 2, &d))
		return (0);
	if ((*s != 'T' && *s != ' ') || (s++, !digits(&s, 2, &h)) ||
	    *s++ != ':' || !digits(&s, 2, &mi) || *s++ != ':' ||
	    !digits(&s, 2, &sec))
		return (0);
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return (0);
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			if (scale > 0)
				us += (*s - '0') * scale;
	}
	if (*s == 'Z')
		s++;
	if (*s != '\0')
		return (0);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1000 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 ||
	    sec > 59)
		return (0);
	r = snprintf(out, SEDUMP_DATE_LEN, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00",
	    y, mo, d, h, mi, sec, us);
	return (r > 0 && r < SEDUMP_DATE_LEN);
}

int
sedump_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char	*end;
	long long v;

	if (s == NULL || *s == '\0' || !(*s == '-' || (*s >= '0' && *s <= '9')))
		return (0);
	if (s[0] == '-' && (s[1] < '0' || s[1] > '9'))
		return (0);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (0);
	*out = v;
	return (1);
}

const char *
sedump_attr(const char **attrs, const char *name)
{
	for (; attrs != NULL && attrs[0] != NULL; attrs += 2)
		if (strcmp(attrs[0], name) == 0)
			return (attrs[1]);
	return (NULL);
}

/* ---- rows to COPY lines ----------------------------------------------- */

static void
field_int(struct sedump_buf *b, const int64_t *v, int last)
{
	char	n[24];

	if (v == NULL)
		buf_str(b, "\\N");
	else {
		(void)snprintf(n, sizeof(n), "%lld", (long long)*v);
		buf_str(b, n);
	}
	buf_str(b, last ? "\n" : "\t");
}

static void
field_str(struct sedump_buf *b, const char *s, int last)
{
	sedump_buf_copy_field(b, s, s ? strlen(s) : 0);
	buf_str(b, last ? "\n" : "\t");
}

/* An optional integer attribute: v set and returned, or NULL. */
static const int64_t *
attr_int(const char **attrs, const char *name, int64_t min, int64_t *v)
{
	return (sedump_int(sedump_attr(attrs, name), min, INT64_MAX, v) ?
	    v : NULL);
}

/* A one-line text attribute cut to max code points, or NULL when it is
 * absent or blank; the result lives in tmp. */
static const char *
attr_line(const char **attrs, const char *name, size_t max,
    struct sedump_buf *tmp)
{
	const char	*v = sedump_attr(attrs, name);

	tmp->len = 0;
	if (v == NULL)
		return (NULL);
	sedump_oneline(tmp, v, max);
	return (tmp->len > 0 ? tmp->data : NULL);
}

/* Tags as a PostgreSQL array literal, {"a","b"}. */
static void
field_tags(struct sedump_buf *b, const char *s)
{
	char			 tags[SEDUMP_TAGS_MAX][SEDUMP_TAG_MAX + 1];
	struct sedump_buf	 lit;
	int			 i, n;
	const char		*t;

	memset(&lit, 0, sizeof(lit));
	n = s ? sedump_tags(s, tags) : 0;
	buf_str(&lit, "{");
	for (i = 0; i < n; i++) {
		buf_str(&lit, i ? ",\"" : "\"");
		for (t = tags[i]; *t != '\0'; t++) {
			if (*t == '"' || *t == '\\')
				buf_str(&lit, "\\");
			sedump_buf_add(&lit, t, 1);
		}
		buf_str(&lit, "\"");
	}
	buf_str(&lit, "}");
	b->failed |= lit.failed;
	field_str(b, lit.data, 0);
	sedump_buf_free(&lit);
}

static int
no_mentions(const char *handle, void *arg)
{
	return (0);
}

/* Body (text cut to SEDUMP_BODY_MAX, never empty) and its HTML. */
static void
field_body(struct sedump_buf *b, const char *html)
{
	char	*text, *rendered;
	size_t	 n;

	if ((text = sedump_html_to_text(html, html ? strlen(html) : 0)) ==
	    NULL) {
		b->failed = 1;
		return;
	}
	if ((n = sedump_utf8_cut(text, SEDUMP_BODY_MAX)) == 0) {
		free(text);
		if ((text = strdup("(no text)")) == NULL) {
			b->failed = 1;
			return;
		}
		n = strlen(text);
	}
	/* Stack Exchange names in "@name" are not our handles: no anchors. */
	if ((rendered = text_render_html(text, n, no_mentions, NULL)) == NULL)
		b->failed = 1;
	else {
		field_str(b, text, 0);
		field_str(b, rendered, 0);
	}
	free(text);
	free(rendered);
}

static int
reject(const char **why, const char *reason)
{
	*why = reason;
	return (SEDUMP_REJECT);
}

int
sedump_post_line(struct sedump_buf *b, const char **attrs, const char **why)
{
	struct sedump_buf	 tmp;
	int64_t			 id, type, parent, accepted, owner, score;
	char			 created[SEDUMP_DATE_LEN], edited[SEDUMP_DATE_LEN];
	const char		*title;
	size_t			 start = b->len;
	int			 question;

	if (!sedump_int(sedump_attr(attrs, "Id"), 1, INT64_MAX, &id))
		return (reject(why, "no valid Id"));
	if (!sedump_int(sedump_attr(attrs, "PostTypeId"), 0, 100, &type))
		return (reject(why, "no valid PostTypeId"));
	if (type != 1 && type != 2)
		return (SEDUMP_SKIP);
	question = type == 1;
	if (!question && !attr_int(attrs, "ParentId", 1, &parent))
		return (reject(why, "an answer without a valid ParentId"));
	if (!sedump_date(sedump_attr(attrs, "CreationDate"), created))
		return (reject(why, "no valid CreationDate"));
	if (!sedump_int(sedump_attr(attrs, "Score"), INT32_MIN, INT32_MAX,
	    &score))
		score = 0;
	memset(&tmp, 0, sizeof(tmp));
	field_int(b, &id, 0);
	field_int(b, &type, 0);
	field_int(b, question ? NULL : &parent, 0);
	field_int(b, question ? attr_int(attrs, "AcceptedAnswerId", 1,
	    &accepted) : NULL, 0);
	field_int(b, attr_int(attrs, "OwnerUserId", INT32_MIN, &owner), 0);
	field_str(b, attr_line(attrs, "OwnerDisplayName", SEDUMP_NAME_MAX,
	    &tmp), 0);
	title = question ? attr_line(attrs, "Title", SEDUMP_TITLE_MAX, &tmp) :
	    NULL;
	field_str(b, question && title == NULL ? "(untitled)" : title, 0);
	field_body(b, sedump_attr(attrs, "Body"));
	if (question)
		field_tags(b, sedump_attr(attrs, "Tags"));
	else
		field_str(b, NULL, 0);
	field_int(b, &score, 0);
	field_str(b, created, 0);
	field_str(b, sedump_date(sedump_attr(attrs, "LastEditDate"), edited) ?
	    edited : NULL, 1);
	b->failed |= tmp.failed;
	sedump_buf_free(&tmp);
	if (b->failed)
		b->len = start;
	return (question ? SEDUMP_QUESTION : SEDUMP_ANSWER);
}

int
sedump_user_line(struct sedump_buf *b, const char **attrs, const char **why)
{
	struct sedump_buf	 tmp;
	int64_t			 id;
	char			 created[SEDUMP_DATE_LEN];

	if (!sedump_int(sedump_attr(attrs, "Id"), INT32_MIN, INT64_MAX, &id))
		return (reject(why, "no valid Id"));
	memset(&tmp, 0, sizeof(tmp));
	field_int(b, &id, 0);
	field_str(b, attr_line(attrs, "DisplayName", SEDUMP_NAME_MAX, &tmp), 0);
	field_str(b, attr_line(attrs, "Location", 100, &tmp), 0);
	field_str(b, sedump_date(sedump_attr(attrs, "CreationDate"), created) ?
	    created : NULL, 1);
	b->failed |= tmp.failed;
	sedump_buf_free(&tmp);
	return (SEDUMP_USER);
}

int
sedump_vote_line(struct sedump_buf *b, const char **attrs, const char **why)
{
	int64_t	post, type;

	if (!sedump_int(sedump_attr(attrs, "PostId"), 1, INT64_MAX, &post))
		return (reject(why, "no valid PostId"));
	if (!sedump_int(sedump_attr(attrs, "VoteTypeId"), 0, 1000, &type))
		return (reject(why, "no valid VoteTypeId"));
	if (type < 1 || type > 3)
		return (SEDUMP_SKIP);
	field_int(b, &post, 0);
	field_int(b, &type, 1);
	return (SEDUMP_VOTE);
}

/* ---- the streaming reader --------------------------------------------- */

struct reader {
	XML_Parser		 parser;
	struct sedump_stream	*s;
	int			 depth;
	int			 failed;
};

static void
reader_fail(struct reader *r, const char *what)
{
	struct sedump_stream	*s = r->s;

	(void)snprintf(s->error, sizeof(s->error), "%s:%lu:%lu: %s",
	    s->name, (unsigned long)XML_GetCurrentLineNumber(r->parser),
	    (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1, what);
	r->failed = 1;
	(void)XML_StopParser(r->parser, XML_FALSE);
}

static void XMLCALL
reader_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct reader		*r = arg;
	struct sedump_stream	*s = r->s;
	char			 why[sizeof(s->error)];

	if (r->failed)
		return;
	if (++r->depth == 1 && strcmp(name, s->root) != 0) {
		(void)snprintf(why, sizeof(why), "the root element is <%.64s>, "
		    "not <%s>: is this the right file?", name, s->root);
		reader_fail(r, why);
		return;
	}
	if (r->depth != 2 || strcmp(name, "row") != 0)
		return;
	s->rows++;
	s->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
	s->error[0] = '\0';
	if (s->row != NULL && s->row(s, attrs) != 0) {
		(void)snprintf(why, sizeof(why), "%s", s->error[0] ?
		    s->error : "the row was refused");
		reader_fail(r, why);
		return;
	}
	if (s->progress != NULL && s->every > 0 && s->rows % s->every == 0) {
		s->bytes = (uint64_t)XML_GetCurrentByteIndex(r->parser);
		s->progress(s);
	}
}

static void XMLCALL
reader_end(void *arg, const XML_Char *name)
{
	struct reader	*r = arg;

	r->depth--;
}

/* Feeds f to the parser in SEDUMP_READ_SIZE pieces. */
static int
reader_feed(struct reader *r, FILE *f)
{
	struct sedump_stream	*s = r->s;
	void			*chunk;
	size_t			 n;
	uint64_t		 fed = 0;
	int			 last;

	do {
		if ((chunk = XML_GetBuffer(r->parser, SEDUMP_READ_SIZE)) ==
		    NULL) {
			reader_fail(r, "out of memory");
			return (-1);
		}
		n = fread(chunk, 1, SEDUMP_READ_SIZE, f);
		if (ferror(f)) {
			(void)snprintf(s->error, sizeof(s->error),
			    "%s: read error: %s", s->name, strerror(errno));
			return (-1);
		}
		last = feof(f) != 0;
		if (XML_ParseBuffer(r->parser, (int)n, last) ==
		    XML_STATUS_ERROR) {
			if (!r->failed) {
				char	why[128];

				(void)snprintf(why, sizeof(why),
				    "malformed XML (%s)", XML_ErrorString(
				    XML_GetErrorCode(r->parser)));
				reader_fail(r, why);
			}
			return (-1);
		}
		s->bytes = fed += n;
	} while (!last);
	return (0);
}

int
sedump_read(FILE *f, struct sedump_stream *s)
{
	struct reader	r;
	struct stat	st;
	int		ret;

	memset(&r, 0, sizeof(r));
	r.s = s;
	s->rows = s->line = 0;
	s->bytes = 0;
	s->error[0] = '\0';
	s->total = (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) ?
	    (uint64_t)st.st_size : 0;
	/* NULL: the encoding the document declares (dumps say UTF-8);
	 * expat hands us UTF-8 either way. */
	if ((r.parser = XML_ParserCreate(NULL)) == NULL) {
		(void)snprintf(s->error, sizeof(s->error), "%s: out of memory",
		    s->name);
		return (-1);
	}
	(void)XML_SetParamEntityParsing(r.parser,
	    XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetUserData(r.parser, &r);
	XML_SetElementHandler(r.parser, reader_start, reader_end);
	ret = reader_feed(&r, f);
	XML_ParserFree(r.parser);
	if (ret == 0 && s->progress != NULL)
		s->progress(s);
	return (ret);
}
