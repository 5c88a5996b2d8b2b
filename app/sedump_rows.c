/*
 * Stack Exchange dump rows (the attribute lists sedump_read hands over) as
 * lines of PostgreSQL COPY text for the staging tables of
 * sql/0007_stackexchange.sql, and the small fields that takes: one-line
 * names and titles, tag lists in our tag grammar, dump times, integers.
 * Pure (no Kore, no libpq): tools/se_import.c and the unit tests link it.
 */
#define PARLEY_PURE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/* ---- COPY fields ------------------------------------------------------ */

static const char *
copy_rep(char c)
{
	switch (c) {
	case '\\': return ("\\\\");
	case '\n': return ("\\n");
	case '\r': return ("\\r");
	case '\t': return ("\\t");
	default: return (NULL);
	}
}

void
sedump_copy_field(struct strbuf *b, const char *s, size_t n)
{
	if (s == NULL)
		strbuf_str(b, "\\N");
	else
		strbuf_add_escaped(b, s, n, copy_rep);
}

/* ---- small fields ----------------------------------------------------- */

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

void
sedump_oneline(struct strbuf *b, const char *s, size_t max)
{
	size_t		i = 0, n, cps = 0, len = strlen(s);
	int		space = 0;
	unsigned char	c;

	while (i < len && cps < max) {
		c = (unsigned char)s[i];
		if ((n = utf8_sequence(s + i, len - i)) == 0) {
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
			strbuf_add(b, " ", 1);
			cps++;
		}
		space = 0;
		strbuf_add(b, s + i, n);
		cps++;
		i += n;
	}
	strbuf_add(b, "", 0);
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
	struct strbuf		b;
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
			strbuf_add(&b, &c, 1);
		else if (c == '+' || c == '#' || (c == '.' && b.len == 0))
			strbuf_str(&b, c == '+' ? "plus" : c == '#' ? "sharp" :
			    "dot");
		else if (b.len > 0 && b.data[b.len - 1] != '_')
			strbuf_str(&b, "_");
	}
	while (b.len > 0 && b.data[b.len - 1] == '_')
		b.data[--b.len] = '\0';
	if (b.len > 0 && strspn(b.data, "0123456789") == b.len) {
		strbuf_add(&b, "_", 1);	/* room for the prefix */
		if (!b.failed) {
			memmove(b.data + 1, b.data, b.len - 1);
			b.data[0] = '_';
		}
	}
	ok = k == n && !b.failed && b.len > 0 && b.len <= SEDUMP_TAG_MAX &&
	    text_valid_tag(b.data);
	if (ok)
		memcpy(out, b.data, b.len + 1);
	strbuf_free(&b);
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
field_int(struct strbuf *b, const int64_t *v, int last)
{
	char	n[24];

	if (v == NULL)
		strbuf_str(b, "\\N");
	else {
		(void)snprintf(n, sizeof(n), "%lld", (long long)*v);
		strbuf_str(b, n);
	}
	strbuf_str(b, last ? "\n" : "\t");
}

static void
field_str(struct strbuf *b, const char *s, int last)
{
	sedump_copy_field(b, s, s ? strlen(s) : 0);
	strbuf_str(b, last ? "\n" : "\t");
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
    struct strbuf *tmp)
{
	const char	*v = sedump_attr(attrs, name);

	strbuf_reset(tmp);
	if (v == NULL)
		return (NULL);
	sedump_oneline(tmp, v, max);
	return (tmp->len > 0 ? tmp->data : NULL);
}

/* Tags as a PostgreSQL array literal, {"a","b"}. */
static void
field_tags(struct strbuf *b, const char *s)
{
	char			 tags[SEDUMP_TAGS_MAX][SEDUMP_TAG_MAX + 1];
	struct strbuf		 lit;
	int			 i, n;
	const char		*t;

	memset(&lit, 0, sizeof(lit));
	n = s ? sedump_tags(s, tags) : 0;
	strbuf_str(&lit, "{");
	for (i = 0; i < n; i++) {
		strbuf_str(&lit, i ? ",\"" : "\"");
		for (t = tags[i]; *t != '\0'; t++) {
			if (*t == '"' || *t == '\\')
				strbuf_str(&lit, "\\");
			strbuf_add(&lit, t, 1);
		}
		strbuf_str(&lit, "\"");
	}
	strbuf_str(&lit, "}");
	b->failed |= lit.failed;
	field_str(b, lit.data, 0);
	strbuf_free(&lit);
}

static int
no_mentions(const char *handle, void *arg)
{
	return (0);
}

/* Body (text cut to SEDUMP_BODY_MAX, never empty) and its HTML. */
static void
field_body(struct strbuf *b, const char *html)
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
sedump_post_line(struct strbuf *b, const char **attrs, const char **why)
{
	struct strbuf		 tmp;
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
	strbuf_free(&tmp);
	if (b->failed)
		b->len = start;
	return (question ? SEDUMP_QUESTION : SEDUMP_ANSWER);
}

int
sedump_user_line(struct strbuf *b, const char **attrs, const char **why)
{
	struct strbuf		 tmp;
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
	strbuf_free(&tmp);
	return (SEDUMP_USER);
}

int
sedump_vote_line(struct strbuf *b, const char **attrs, const char **why)
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
