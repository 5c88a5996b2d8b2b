/*
 * Netscape bookmark files (<!DOCTYPE NETSCAPE-Bookmark-file-1>), the format
 * every browser and bookmark service imports and exports: a parser that
 * turns one into bookmark entries and per-line rejections, and a writer for
 * the export. Pure (no Kore): the unit tests feed it real exports and
 * hostile bytes directly.
 *
 * The parser is a tokenizer over the buffer, not a DOM: it walks from tag
 * to tag once, remembering only the open folders (<DL> levels named by the
 * <H3> before them), the entry the next <DD> describes, and the URLs seen.
 * A broken tag (an unclosed quote at the end of its line, a '<' before its
 * '>') is given up where the damage is noticed and parsing goes on from
 * there, so one bad line never costs the rest of the file, and the time
 * spent stays linear in the size of the file whatever it holds.
 *
 * Text (htmltext.c): UTF-8 when the bytes are valid UTF-8, Windows-1252
 * otherwise (what Internet Explorer writes); NUL bytes become U+FFFD as in
 * HTML; character references are decoded. Titles become one line, folder
 * names and TAGS items tags (netscape_tag), descriptions keep their lines.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parley.h"

#define DEPTH_MAX	64	/* folder levels that still give tags */
#define NAME_MAX_LEN	7	/* longest tag name we look at, +1 */

/* ---- references and code points --------------------------------------- */

/* Byte length of the longest prefix of s[0..len) with at most max code
 * points (s is valid UTF-8). */
static size_t
cp_prefix(const char *s, size_t len, size_t max)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			return (i);
	return (len);
}

/* Appends s[0..n) to b with character references decoded. */
static void
decode_refs(struct strbuf *b, const char *s, size_t n)
{
	const char	*amp;
	unsigned long	 cp;
	size_t		 i = 0, used;
	char		 u[4];

	while (i < n && (amp = memchr(s + i, '&', n - i)) != NULL) {
		strbuf_add(b, s + i, (size_t)(amp - (s + i)));
		i = (size_t)(amp - s);
		if ((used = htmltext_ref(s + i, n - i, &cp)) == 0) {
			strbuf_char(b, '&');
			i++;
			continue;
		}
		strbuf_add(b, u, htmltext_encode(cp, u));
		i += used;
	}
	if (i < n)
		strbuf_add(b, s + i, n - i);
}

/* ---- text clean-up ------------------------------------------------------ */

static int
is_space(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v');
}

/* One line of text: whitespace runs become one space, other control
 * characters go, the ends are trimmed. At most max code points. */
static void
clean_line(struct strbuf *out, const char *s, size_t n, size_t max)
{
	size_t	i;
	int	space = 0;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (is_space(c)) {
			space = 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (space && out->len > 0)
			strbuf_char(out, ' ');
		space = 0;
		strbuf_add(out, s + i, 1);
	}
	if (!out->failed && out->data != NULL) {
		out->len = cp_prefix(out->data, out->len, max);
		out->data[out->len] = '\0';
	}
}

/* A block of text (descriptions): line breaks become "\n", tabs stay,
 * other control characters go, the ends are trimmed. */
static void
clean_block(struct strbuf *out, const char *s, size_t n, size_t max)
{
	size_t	i, start;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == '\r') {
			strbuf_char(out, '\n');
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
			strbuf_add(out, s + i, 1);
		}
	}
	if (out->failed || out->data == NULL)
		return;
	while (out->len > 0 && is_space((unsigned char)out->data[out->len - 1]))
		out->len--;
	for (start = 0; start < out->len &&
	    is_space((unsigned char)out->data[start]); start++)
		;
	memmove(out->data, out->data + start, out->len - start);
	out->len -= start;
	out->len = cp_prefix(out->data, out->len, max);
	out->data[out->len] = '\0';
}

/* ---- tags --------------------------------------------------------------- */

/* 1 if the code point at s (n bytes) may be part of a tag. */
static int
tag_char(const char *s, size_t n)
{
	char	tmp[8];

	tmp[0] = 'a';
	memcpy(tmp + 1, s, n);
	tmp[n + 1] = '\0';
	return (text_valid_tag(tmp));
}

int
netscape_tag(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	i, n, o = 0, cps = 0;
	int	sep = 0;

	if (outlen < 8)
		return (0);
	for (i = 0; i < len; i += n) {
		unsigned char	c = (unsigned char)s[i];

		n = 1;
		if (c >= 0x80) {
			n = (c >= 0xf0) ? 4 : (c >= 0xe0) ? 3 : 2;
			if (i + n > len || utf8_length(s + i, n) != 1) {
				n = 1;
				continue;
			}
			if (!tag_char(s + i, n)) {
				sep = 1;
				continue;
			}
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')) {
			if (is_space(c) || strchr("-.,/+:;|&\\", c) != NULL)
				sep = 1;
			continue;
		}
		if (cps + (sep && o > 0) + 1 > 50 || o + n + 2 > outlen)
			break;
		if (sep && o > 0) {
			out[o++] = '_';
			cps++;
		}
		sep = 0;
		memcpy(out + o, s + i, n);
		if (n == 1 && c >= 'A' && c <= 'Z')
			out[o] = (char)(c - 'A' + 'a');
		o += n;
		cps++;
	}
	out[o] = '\0';
	return (o > 0 && text_valid_tag(out));
}

/* Appends tag to the array unless it is there or the array is full. */
static void
tags_add(json_t *tags, const char *tag)
{
	json_t	*v;
	size_t	 i;

	if (json_array_size(tags) >= NETSCAPE_TAGS_MAX)
		return;
	json_array_foreach(tags, i, v)
		if (strcmp(json_string_value(v), tag) == 0)
			return;
	json_array_append_new(tags, json_string(tag));
}

/* Splits a TAGS attribute (commas or spaces) into valid tags. */
static void
tags_from_list(json_t *tags, const char *s, size_t n)
{
	char	tag[256];
	size_t	i = 0, start;

	while (i < n) {
		while (i < n && (s[i] == ',' || is_space((unsigned char)s[i])))
			i++;
		for (start = i; i < n && s[i] != ',' &&
		    !is_space((unsigned char)s[i]); i++)
			;
		if (i > start && netscape_tag(s + start, i - start, tag,
		    sizeof(tag)))
			tags_add(tags, tag);
	}
}

/* ---- dates ---------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (long long)doe - 719468);
}

/* "10/Oct/2000:13:55:36 +0300", as some services write ADD_DATE. */
static int
apache_date(const char *s, long long *out)
{
	static const char	months[] =
	    "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char		*m;
	int			 d, y, hh, mm, ss, zh, zm, used = 0;
	char			 mon[4], sign;

	if (sscanf(s, "%2d/%3[A-Za-z]/%4d:%2d:%2d:%2d %c%2d%2d%n", &d, mon, &y,
	    &hh, &mm, &ss, &sign, &zh, &zm, &used) != 9 || s[used] != '\0' ||
	    (m = strstr(months, mon)) == NULL || (m - months) % 3 != 0 ||
	    strlen(mon) != 3 || d < 1 || d > 31 || y < 1970 || hh > 23 ||
	    mm > 59 || ss > 60 || (sign != '+' && sign != '-') || zh > 14 ||
	    zm > 59)
		return (0);
	*out = days_from_civil(y, (unsigned)((m - months) / 3 + 1),
	    (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss -
	    (sign == '+' ? 1 : -1) * (zh * 3600 + zm * 60);
	return (*out > 0);
}

/* ADD_DATE as Unix seconds (milli- and microseconds are scaled down), or
 * JSON null when absent, zero or unreadable. */
static json_t *
add_date_json(const char *v, size_t n)
{
	char		 buf[64];
	long long	 t = 0;
	size_t		 i;

	while (n > 0 && is_space((unsigned char)*v)) {
		v++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)v[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return (json_null());
	memcpy(buf, v, n);
	buf[n] = '\0';
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		;
	if (i == n && n <= 18) {
		t = strtoll(buf, NULL, 10);
		/* After the year 5000: milli- or microseconds. */
		while (t > 100000000000LL)
			t /= 1000;
	} else if (!apache_date(buf, &t)) {
		t = 0;
	}
	return (t > 0 ? json_integer(t) : json_null());
}

/* ---- the tokenizer ------------------------------------------------------ */

struct attr {
	const char	*v;
	size_t		 n;
	int		 set;
};

struct tag {
	char		 name[NAME_MAX_LEN + 2];	/* "a", "/dl" ... */
	size_t		 end;		/* after '>', or where to go on */
	struct attr	 href, add_date, tags, private_, description, special;
};

enum { TAG_OK, TAG_NOT, TAG_BROKEN };

struct scan {
	const char		*s;
	size_t			 len, pos;
	size_t			 line, line_at;	/* line of s[line_at] */
	char			*folders[DEPTH_MAX];
	size_t			 depth;
	char			*pending;	/* tag for the next <DL> */
	long			 last;		/* entry a <DD> describes */
	json_t			*seen;		/* url_key -> entry index */
	struct strbuf		 text, clean, url;
	struct netscape_result	*r;
	int			 failed, stop;
};

/* The line of s[at]; at never goes backwards. */
static size_t
line_of(struct scan *sc, size_t at)
{
	for (; sc->line_at < at; sc->line_at++)
		if (sc->s[sc->line_at] == '\n' || (sc->s[sc->line_at] == '\r' &&
		    sc->s[sc->line_at + 1] != '\n'))
			sc->line++;
	return (sc->line);
}

static void
attr_keep(struct tag *t, const char *name, size_t nlen, const char *v,
    size_t n)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} wanted[] = {
		{ "href", offsetof(struct tag, href) },
		{ "add_date", offsetof(struct tag, add_date) },
		{ "tags", offsetof(struct tag, tags) },
		{ "private", offsetof(struct tag, private_) },
		{ "description", offsetof(struct tag, description) },
		{ "personal_toolbar_folder", offsetof(struct tag, special) },
		{ "unfiled_bookmarks_folder", offsetof(struct tag, special) },
	};
	struct attr	*a;
	size_t		 i;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (strlen(wanted[i].name) != nlen ||
		    strncasecmp(wanted[i].name, name, nlen) != 0)
			continue;
		a = (struct attr *)(void *)((char *)t + wanted[i].off);
		if (!a->set) {		/* the first one counts, as in HTML */
			a->v = v;
			a->n = n;
			a->set = 1;
		}
		return;
	}
}

/* Reads one attribute value at s[*i]; TAG_BROKEN (and *i where to go on)
 * when a quote is still open at the end of the line. */
static int
attr_value(const char *s, size_t len, size_t *i, const char **v, size_t *n)
{
	const char	*q;
	size_t		 j;

	if (*i < len && (s[*i] == '"' || s[*i] == '\'')) {
		for (j = *i + 1; j < len && s[j] != s[*i] && s[j] != '\n'; j++)
			;
		if (j >= len || s[j] == '\n') {
			*i = j;
			return (TAG_BROKEN);
		}
		*v = s + *i + 1;
		*n = j - *i - 1;
		*i = j + 1;
		return (TAG_OK);
	}
	for (j = *i; j < len && !is_space((unsigned char)s[j]) && s[j] != '>' &&
	    s[j] != '<'; j++)
		;
	q = s + *i;
	*v = q;
	*n = j - *i;
	*i = j;
	return (TAG_OK);
}

/* Parses the tag whose '<' is at s[at]. */
static int
parse_tag(struct scan *sc, size_t at, struct tag *t)
{
	const char	*s = sc->s, *v, *name;
	size_t		 len = sc->len, i = at + 1, k = 0, nlen, n;

	memset(t, 0, sizeof(*t));
	if (i < len && s[i] == '/')
		t->name[k++] = s[i++];
	if (i >= len || !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
		return (TAG_NOT);
	for (; i < len && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
	    (s[i] >= '0' && s[i] <= '9')); i++)
		if (k <= NAME_MAX_LEN)
			t->name[k++] = (char)(s[i] | 0x20);
	for (;;) {
		while (i < len && (is_space((unsigned char)s[i]) ||
		    s[i] == '/'))
			i++;
		if (i >= len || s[i] == '<') {
			t->end = i;
			return (TAG_BROKEN);
		}
		if (s[i] == '>') {
			t->end = i + 1;
			return (TAG_OK);
		}
		for (name = s + i; i < len && !is_space((unsigned char)s[i]) &&
		    s[i] != '=' && s[i] != '>' && s[i] != '<' &&
		    s[i] != '/'; i++)
			;
		nlen = (size_t)(s + i - name);
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		v = "";
		n = 0;
		if (i < len && s[i] == '=') {
			i++;
			while (i < len && is_space((unsigned char)s[i]))
				i++;
			if (attr_value(s, len, &i, &v, &n) == TAG_BROKEN) {
				t->end = i;
				return (TAG_BROKEN);
			}
		}
		if (nlen > 0)
			attr_keep(t, name, nlen, v, n);
	}
}

/* 1 if needle (lower case) occurs in s[0..n), ignoring ASCII case. */
static int
contains_ci(const char *s, size_t n, const char *needle)
{
	size_t	i, m = strlen(needle);

	for (i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return (1);
	return (0);
}

/* Skips <!-- comments --> and <!declarations> or <?instructions?> at
 * s[at]; returns where to go on. Notes the Netscape doctype. */
static size_t
skip_markup(struct scan *sc, size_t at)
{
	const char	*end;
	size_t		 n;

	if (sc->len - at >= 4 && memcmp(sc->s + at, "<!--", 4) == 0) {
		end = memmem(sc->s + at + 4, sc->len - at - 4, "-->", 3);
		return (end ? (size_t)(end - sc->s) + 3 : sc->len);
	}
	if ((end = memchr(sc->s + at, '>', sc->len - at)) == NULL)
		return (sc->len);
	n = (size_t)(end - sc->s) - at;
	if (n >= 9 && strncasecmp(sc->s + at, "<!doctype", 9) == 0 &&
	    contains_ci(sc->s + at, n, "netscape-bookmark-file"))
		sc->r->is_bookmarks = 1;
	return ((size_t)(end - sc->s) + 1);
}

enum { READ_TITLE, READ_FOLDER, READ_DESCRIPTION };

/* Tags that end the text of a title, a folder name or a description: the
 * structure of the list. A description may hold links of its own (Shaarli
 * appends a thumbnail anchor), so <A> only ends titles and folder names. */
static int
ends_text(const char *name, int mode)
{
	static const char *const structure[] = { "dt", "dd", "dl", "/dl",
	    "h1", "h2", "h3", "hr", "/body", "/html", NULL };
	size_t	i;

	for (i = 0; structure[i] != NULL; i++)
		if (strcmp(name, structure[i]) == 0)
			return (1);
	return (mode != READ_DESCRIPTION && strcmp(name, "a") == 0);
}

/* Reads the text that starts at s[i] into sc->text, references decoded and
 * markup inside it dropped (<br> and <p> become line breaks). Returns where
 * to go on: after </A> or </H3>, or at the tag that ended the text. */
static size_t
read_text(struct scan *sc, size_t i, int mode)
{
	struct tag	 t;
	const char	*lt;
	size_t		 at;
	int		 r;

	strbuf_reset(&sc->text);
	while (i < sc->len) {
		lt = memchr(sc->s + i, '<', sc->len - i);
		at = lt ? (size_t)(lt - sc->s) : sc->len;
		decode_refs(&sc->text, sc->s + i, at - i);
		if (lt == NULL)
			break;
		if (at + 1 < sc->len && (sc->s[at + 1] == '!' ||
		    sc->s[at + 1] == '?')) {
			i = skip_markup(sc, at);
			continue;
		}
		if ((r = parse_tag(sc, at, &t)) == TAG_NOT) {
			strbuf_char(&sc->text, '<');
			i = at + 1;
			continue;
		}
		if (r == TAG_BROKEN)
			return (at);
		if ((mode == READ_TITLE && strcmp(t.name, "/a") == 0) ||
		    (mode == READ_FOLDER && strcmp(t.name, "/h3") == 0))
			return (t.end);
		if (ends_text(t.name, mode))
			return (at);
		if (mode == READ_DESCRIPTION && (strcmp(t.name, "br") == 0 ||
		    strcmp(t.name, "p") == 0))
			strbuf_char(&sc->text, '\n');
		i = t.end;
	}
	return (sc->len);
}

static void
reject(struct scan *sc, size_t line, const char *reason)
{
	sc->r->rejected_total++;
	if (json_array_size(sc->r->rejected) < NETSCAPE_REJECTED_MAX &&
	    json_array_append_new(sc->r->rejected, json_pack("{s:I, s:s}",
	    "line", (json_int_t)line, "reason", reason)) != 0)
		sc->failed = 1;
}

/* The tags of an entry: its TAGS attribute, then the folders it is in
 * (outermost first); merged into tags, which may hold some already. */
static void
entry_tags(struct scan *sc, const struct tag *t, json_t *tags)
{
	struct strbuf	b = STRBUF_INIT;
	size_t		i;

	if (tags == NULL)
		return;
	if (t->tags.set) {
		decode_refs(&b, t->tags.v, t->tags.n);
		if (b.failed)
			sc->failed = 1;
		else
			tags_from_list(tags, b.data, b.len);
		strbuf_free(&b);
	}
	for (i = 0; i < sc->depth && i < DEPTH_MAX; i++)
		if (sc->folders[i] != NULL)
			tags_add(tags, sc->folders[i]);
}

static int
attr_true(const struct attr *a)
{
	return (a->set && ((a->n == 1 && a->v[0] == '1') ||
	    (a->n == 4 && strncasecmp(a->v, "true", 4) == 0) ||
	    (a->n == 3 && strncasecmp(a->v, "yes", 3) == 0)));
}

/* The entry for an <A HREF>: its URL checked and keyed, its title from
 * sc->text (the URL when it has none), description, tags, date, flag. */
static json_t *
entry_new(struct scan *sc, size_t line, const struct tag *t, const char *u,
    size_t ulen, const char *key)
{
	json_t	*e;

	clean_line(&sc->clean, sc->text.data, sc->text.len,
	    NETSCAPE_TITLE_MAX);
	if (sc->clean.failed)
		return (NULL);
	e = json_pack("{s:s%, s:s, s:s%, s:s, s:o, s:b, s:o, s:I}",
	    "url", u, ulen, "url_key", key,
	    "title", sc->clean.len ? sc->clean.data : u,
	    sc->clean.len ? sc->clean.len : cp_prefix(u, ulen,
	    NETSCAPE_TITLE_MAX),
	    "description", "", "tags", json_array(),
	    "private", attr_true(&t->private_),
	    "add_date", t->add_date.set ?
	    add_date_json(t->add_date.v, t->add_date.n) : json_null(),
	    "line", (json_int_t)line);
	if (e == NULL)
		return (NULL);
	entry_tags(sc, t, json_object_get(e, "tags"));
	if (t->description.set) {	/* Scuttle writes it as an attribute */
		strbuf_reset(&sc->text);
		decode_refs(&sc->text, t->description.v, t->description.n);
		clean_block(&sc->clean, sc->text.data, sc->text.len,
		    NETSCAPE_DESCRIPTION_MAX);
		if (sc->clean.len > 0)
			json_object_set_new(e, "description",
			    json_stringn(sc->clean.data, sc->clean.len));
	}
	return (e);
}

static void
add_entry(struct scan *sc, size_t line, const struct tag *t)
{
	json_t		*e, *prev;
	char		 key[URLNORM_MAX + 8];
	const char	*u, *why;
	size_t		 ulen;

	sc->last = -1;
	if (json_array_size(sc->r->entries) >= NETSCAPE_ENTRIES_MAX) {
		reject(sc, line, "The file holds more bookmarks than one "
		    "import takes; the rest were not read.");
		sc->stop = 1;
		return;
	}
	strbuf_reset(&sc->url);
	decode_refs(&sc->url, t->href.v, t->href.n);
	u = sc->url.data ? sc->url.data : "";
	ulen = sc->url.len;
	while (ulen > 0 && is_space((unsigned char)*u)) {
		u++;
		ulen--;
	}
	while (ulen > 0 && is_space((unsigned char)u[ulen - 1]))
		ulen--;
	if (ulen == 0) {
		reject(sc, line, "The bookmark has no URL.");
		return;
	}
	if ((why = urlnorm_check(u, ulen)) != NULL ||
	    !urlnorm_key(u, ulen, key, sizeof(key))) {
		reject(sc, line, why ? why : "The URL is not valid.");
		return;
	}
	if ((prev = json_object_get(sc->seen, key)) != NULL) {
		sc->r->duplicates++;	/* its tags join the first one's */
		entry_tags(sc, t, json_object_get(json_array_get(
		    sc->r->entries, (size_t)json_integer_value(prev)), "tags"));
		return;
	}
	if ((e = entry_new(sc, line, t, u, ulen, key)) == NULL ||
	    json_object_set_new(sc->seen, key,
	    json_integer((json_int_t)json_array_size(sc->r->entries))) != 0 ||
	    json_array_append_new(sc->r->entries, e) != 0) {
		sc->failed = 1;
		return;
	}
	sc->last = (long)json_array_size(sc->r->entries) - 1;
}

static size_t
on_anchor(struct scan *sc, size_t at, const struct tag *t)
{
	size_t	line = line_of(sc, at), next;

	if (!t->href.set)		/* <A NAME>: not a bookmark */
		return (t->end);
	sc->r->is_bookmarks = 1;
	next = read_text(sc, t->end, READ_TITLE);
	add_entry(sc, line, t);
	return (next);
}

/* <DD>: the description of the entry just before, if there is one. */
static size_t
on_description(struct scan *sc, const struct tag *t)
{
	size_t	next = read_text(sc, t->end, READ_DESCRIPTION);
	json_t	*e;

	if (sc->last >= 0) {
		clean_block(&sc->clean, sc->text.data, sc->text.len,
		    NETSCAPE_DESCRIPTION_MAX);
		e = json_array_get(sc->r->entries, (size_t)sc->last);
		if (sc->clean.len > 0 && json_object_set_new(e, "description",
		    json_stringn(sc->clean.data, sc->clean.len)) != 0)
			sc->failed = 1;
	}
	sc->last = -1;
	return (next);
}

/* <H3>: a folder, whose name tags what the next <DL> holds. The browsers'
 * own containers (toolbar, unfiled) are not categories and give no tag. */
static size_t
on_folder(struct scan *sc, const struct tag *t)
{
	size_t	next = read_text(sc, t->end, READ_FOLDER);
	char	tag[256];

	free(sc->pending);
	sc->pending = NULL;
	sc->last = -1;
	clean_line(&sc->clean, sc->text.data, sc->text.len, 200);
	if (!t->special.set && sc->clean.len > 0 &&
	    netscape_tag(sc->clean.data, sc->clean.len, tag, sizeof(tag)) &&
	    (sc->pending = strdup(tag)) == NULL)
		sc->failed = 1;
	return (next);
}

static size_t
on_tag(struct scan *sc, size_t at, const struct tag *t)
{
	if (strcmp(t->name, "a") == 0)
		return (on_anchor(sc, at, t));
	if (strcmp(t->name, "dd") == 0)
		return (on_description(sc, t));
	if (strcmp(t->name, "h3") == 0)
		return (on_folder(sc, t));
	if (strcmp(t->name, "dl") == 0) {
		if (sc->depth < DEPTH_MAX)
			sc->folders[sc->depth] = sc->pending;
		else
			free(sc->pending);
		sc->pending = NULL;
		sc->depth++;
	} else if (strcmp(t->name, "/dl") == 0 && sc->depth > 0) {
		if (--sc->depth < DEPTH_MAX) {
			free(sc->folders[sc->depth]);
			sc->folders[sc->depth] = NULL;
		}
	}
	if (strcmp(t->name, "dt") == 0 || strcmp(t->name, "dl") == 0 ||
	    strcmp(t->name, "/dl") == 0 || strcmp(t->name, "hr") == 0)
		sc->last = -1;
	return (t->end);
}

static void
scan_all(struct scan *sc)
{
	struct tag	 t;
	const char	*lt;
	size_t		 at;
	int		 r;

	while (sc->pos < sc->len && !sc->failed && !sc->stop) {
		if ((lt = memchr(sc->s + sc->pos, '<', sc->len - sc->pos)) ==
		    NULL)
			break;
		at = (size_t)(lt - sc->s);
		if (at + 1 < sc->len && (sc->s[at + 1] == '!' ||
		    sc->s[at + 1] == '?')) {
			sc->pos = skip_markup(sc, at);
			continue;
		}
		if ((r = parse_tag(sc, at, &t)) == TAG_NOT) {
			sc->pos = at + 1;
			continue;
		}
		if (r == TAG_BROKEN) {
			if (strcmp(t.name, "a") == 0)
				reject(sc, line_of(sc, at), "The bookmark's "
				    "tag is not closed (a quote or '>' is "
				    "missing).");
			sc->pos = t.end > at ? t.end : at + 1;
			continue;
		}
		sc->pos = on_tag(sc, at, &t);
		if (sc->text.failed || sc->clean.failed || sc->url.failed)
			sc->failed = 1;
	}
}

int
netscape_parse(const char *buf, size_t len, struct netscape_result *r)
{
	struct scan	sc;
	char		*text = NULL;
	size_t		 tlen = 0, i;

	memset(r, 0, sizeof(*r));
	memset(&sc, 0, sizeof(sc));
	r->entries = json_array();
	r->rejected = json_array();
	sc.seen = json_object();
	if (r->entries != NULL && r->rejected != NULL && sc.seen != NULL &&
	    (text = htmltext_to_utf8(buf, len, &tlen)) != NULL) {
		sc.s = text;
		sc.len = tlen;
		sc.line = 1;
		sc.last = -1;
		sc.r = r;
		for (i = 0; i < tlen && is_space((unsigned char)text[i]); i++)
			;
		if (i == tlen)		/* an empty file: no bookmarks */
			r->is_bookmarks = 1;
		scan_all(&sc);
	} else {
		sc.failed = 1;
	}
	for (i = 0; i < DEPTH_MAX; i++)
		free(sc.folders[i]);
	free(sc.pending);
	strbuf_free(&sc.text);
	strbuf_free(&sc.clean);
	strbuf_free(&sc.url);
	json_decref(sc.seen);
	free(text);
	if (sc.failed) {
		netscape_result_free(r);
		return (-1);
	}
	return (0);
}

void
netscape_result_free(struct netscape_result *r)
{
	json_decref(r->entries);
	json_decref(r->rejected);
	r->entries = r->rejected = NULL;
}

/* ---- the writer ------------------------------------------------------ */

static const char EXPORT_HEAD[] =
    "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
    "<!-- This is an automatically generated file.\n"
    "     It will be read and overwritten.\n"
    "     DO NOT EDIT! -->\n"
    "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; "
    "charset=UTF-8\">\n"
    "<TITLE>Bookmarks</TITLE>\n"
    "<H1>Bookmarks</H1>\n"
    "<DL><p>\n";

/* Appends the C string s HTML-escaped. */
static void
add_html(struct strbuf *b, const char *s)
{
	strbuf_add_html(b, s, strlen(s));
}

static const char *
str_or_empty(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s ? s : "");
}

static void
write_entry(struct strbuf *b, const json_t *e)
{
	const json_t	*tags = json_object_get(e, "tags"), *date;
	json_t		*tag;
	char		 num[48];
	size_t		 i;

	strbuf_str(b, "    <DT><A HREF=\"");
	add_html(b, str_or_empty(e, "url"));
	strbuf_str(b, "\"");
	date = json_object_get(e, "add_date");
	if (json_is_integer(date)) {
		(void)snprintf(num, sizeof(num), " ADD_DATE=\"%lld\"",
		    (long long)json_integer_value(date));
		strbuf_str(b, num);
	}
	strbuf_str(b, json_is_true(json_object_get(e, "private")) ?
	    " PRIVATE=\"1\"" : " PRIVATE=\"0\"");
	if (json_array_size(tags) > 0) {
		strbuf_str(b, " TAGS=\"");
		json_array_foreach(tags, i, tag) {
			if (i > 0)
				strbuf_str(b, ",");
			add_html(b, json_string_value(tag) ?
			    json_string_value(tag) : "");
		}
		strbuf_str(b, "\"");
	}
	strbuf_str(b, ">");
	add_html(b, str_or_empty(e, "title"));
	strbuf_str(b, "</A>\n");
	if (*str_or_empty(e, "description") != '\0') {
		strbuf_str(b, "    <DD>");
		add_html(b, str_or_empty(e, "description"));
		strbuf_str(b, "\n");
	}
}

char *
netscape_write(const json_t *entries, size_t *outlen)
{
	struct strbuf	 b = STRBUF_INIT;
	json_t		*e;
	size_t		 i;

	strbuf_str(&b, EXPORT_HEAD);
	json_array_foreach(entries, i, e)
		write_entry(&b, e);
	strbuf_str(&b, "</DL><p>\n");
	return (strbuf_take(&b, outlen));
}
