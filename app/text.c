/*
 * Micro-blog text: finding @mentions, #tags and links in a post, and
 * rendering the post as safe HTML (text escaped; only our own anchors).
 * Pure (no Kore): the unit tests feed it hostile text directly.
 *
 * The grammar, shared with the browser (assets/js/text.js):
 *   link     http:// or https:// then non-space characters, minus trailing
 *            punctuation .,;:!?'")]} ; at most TEXT_URL_MAX bytes
 *   mention  '@' + 3..30 of [A-Za-z0-9_], not preceded by a word character,
 *            '.', '@' or '/' (so e-mail addresses are not mentions)
 *   tag      '#' + 1..50 tag characters (ASCII letters, digits, '_', and
 *            non-ASCII code points outside the space, punctuation and symbol
 *            blocks: see is_tag_cp), not all digits, not preceded by a tag
 *            character or '&'; tags are compared lower-cased (ASCII)
 */
#define PARLEY_PURE
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/* Percent-encodes everything but [a-z0-9_] (tags in an href). */
static void
url_escaped(struct strbuf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	char			esc[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_') {
			strbuf_char(b, *s);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 0xf];
		strbuf_add(b, esc, 3);
	}
}

static int
is_ascii_word(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_');
}

/*
 * Tag characters: ASCII word characters, and non-ASCII code points outside
 * the blocks of spaces, punctuation and symbols (so "#tag—more", "#tag😀"
 * and "#tag\u3000" end the tag where a reader would). assets/js/text.js
 * has the same table.
 */
static int
is_tag_cp(unsigned int cp)
{
	if (cp < 0x80)
		return (is_ascii_word((unsigned char)cp));
	return (!(cp <= 0xbf || cp == 0xd7 || cp == 0xf7 ||
	    (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f) ||
	    (cp >= 0xff1a && cp <= 0xff20) || cp >= 0xfff0 ||
	    (cp >= 0x1f000 && cp <= 0x1faff)));
}

/* Decodes the code point at s[i] (valid UTF-8 is assumed: bodies were
 * checked); *n is its length in bytes. */
static unsigned int
cp_at(const char *str, size_t len, size_t i, size_t *n)
{
	const unsigned char	*s = (const unsigned char *)str + i;
	size_t			 left = len - i;

	if (s[0] < 0x80 || left < 2) {
		*n = 1;
		return (s[0]);
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return (((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu));
	}
	if (s[0] < 0xf0 || left < 4) {
		*n = left < 3 ? 1 : 3;
		return (left < 3 ? s[0] : ((s[0] & 0x0fu) << 12) |
		    ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu));
	}
	*n = 4;
	return (((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) |
	    ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu));
}

/* The code point that ends just before s[i]. */
static unsigned int
cp_before(const char *s, size_t len, size_t i)
{
	size_t	start = i - 1, n;

	while (start > 0 && i - start < 4 &&
	    ((unsigned char)s[start] & 0xc0) == 0x80)
		start--;
	return (cp_at(s, len, start, &n));
}

static size_t
match_link(const char *s, size_t len, size_t i)
{
	size_t	j, start = i, host;

	if (len - i >= 8 && strncmp(s + i, "https://", 8) == 0)
		j = i + 8;
	else if (len - i >= 7 && strncmp(s + i, "http://", 7) == 0)
		j = i + 7;
	else
		return (0);
	host = j;
	if (j >= len || s[j] == ' ' || s[j] == '/' )
		return (0);
	while (j < len && (unsigned char)s[j] > 0x20 && s[j] != '<' &&
	    s[j] != '>' && s[j] != '"' && (unsigned char)s[j] != 0x7f)
		j++;
	while (j > start && strchr(".,;:!?'\")]}", s[j - 1]) != NULL)
		j--;
	if (j <= host || j - start > TEXT_URL_MAX)
		return (0);
	return (j - start);
}

static int
word_before(const char *s, size_t i)
{
	return (i > 0 && is_ascii_word((unsigned char)s[i - 1]));
}

static size_t
match_mention(const char *s, size_t len, size_t i)
{
	size_t	j;

	if (s[i] != '@' || word_before(s, i) ||
	    (i > 0 && (s[i - 1] == '.' || s[i - 1] == '@' || s[i - 1] == '/')))
		return (0);
	for (j = i + 1; j < len && is_ascii_word((unsigned char)s[j]); j++)
		;
	if (j - i - 1 < 3 || j - i - 1 > 30)
		return (0);
	if (j < len && ((unsigned char)s[j] >= 0x80 || s[j] == '@'))
		return (0);
	return (j - i);
}

static size_t
match_tag(const char *s, size_t len, size_t i)
{
	size_t		j, n, digits = 0, chars = 0;
	unsigned int	cp;

	if (s[i] != '#' || (i > 0 && (is_tag_cp(cp_before(s, len, i)) ||
	    s[i - 1] == '&')))
		return (0);
	for (j = i + 1; j < len; j += n) {
		if (!is_tag_cp(cp = cp_at(s, len, j, &n)))
			break;
		chars++;
		if (cp >= '0' && cp <= '9')
			digits++;
	}
	if (chars < 1 || chars > 50 || digits == chars)
		return (0);
	return (j - i);
}

int
text_scan(const char *s, size_t len, text_token_cb cb, void *arg)
{
	size_t	i = 0, plain = 0, n;
	int	kind;

	while (i < len) {
		kind = TEXT_PLAIN;
		if ((n = match_link(s, len, i)) > 0)
			kind = TEXT_LINK;
		else if ((n = match_mention(s, len, i)) > 0)
			kind = TEXT_MENTION;
		else if ((n = match_tag(s, len, i)) > 0)
			kind = TEXT_TAG;
		if (kind == TEXT_PLAIN) {
			i++;
			continue;
		}
		if (i > plain && cb(TEXT_PLAIN, s + plain, i - plain, arg) != 0)
			return (-1);
		if (cb(kind, s + i, n, arg) != 0)
			return (-1);
		i += n;
		plain = i;
	}
	if (len > plain && cb(TEXT_PLAIN, s + plain, len - plain, arg) != 0)
		return (-1);
	return (0);
}

void
text_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int
text_valid_tag(const char *tag)
{
	size_t	len = strlen(tag);

	if (len == 0 || len > 200 || utf8_length(tag, len) < 0)
		return (0);
	/* A tag is whatever match_tag accepts after a '#'. */
	{
		char	buf[256];

		buf[0] = '#';
		memcpy(buf + 1, tag, len + 1);
		return (match_tag(buf, len + 1, 0) == len + 1);
	}
}

struct render {
	struct strbuf		 out;
	text_known_cb		 known;
	void			*arg;
};

static int
render_token(int kind, const char *s, size_t n, void *varg)
{
	struct render	*r = varg;
	char		 name[64];

	switch (kind) {
	case TEXT_LINK:
		strbuf_str(&r->out, "<a href=\"");
		strbuf_add_html(&r->out, s, n);
		strbuf_str(&r->out, "\" rel=\"nofollow noopener noreferrer\" "
		    "target=\"_blank\">");
		strbuf_add_html(&r->out, s, n);
		strbuf_str(&r->out, "</a>");
		break;
	case TEXT_MENTION:
		memcpy(name, s + 1, n - 1);
		name[n - 1] = '\0';
		text_lower(name);
		if (r->known != NULL && !r->known(name, r->arg)) {
			strbuf_add_html(&r->out, s, n);
			break;
		}
		strbuf_str(&r->out, "<a href=\"#/people/");
		strbuf_str(&r->out, name);	/* [a-z0-9_] only */
		strbuf_str(&r->out, "\" class=\"mention\">@");
		strbuf_add_html(&r->out, s + 1, n - 1);
		strbuf_str(&r->out, "</a>");
		break;
	case TEXT_TAG:
		{
			char	tag[256];

			if (n - 1 >= sizeof(tag))
				return (-1);
			memcpy(tag, s + 1, n - 1);
			tag[n - 1] = '\0';
			text_lower(tag);
			strbuf_str(&r->out, "<a href=\"#/tags/");
			url_escaped(&r->out, tag);
			strbuf_str(&r->out, "\" class=\"tag\">#");
			strbuf_add_html(&r->out, s + 1, n - 1);
			strbuf_str(&r->out, "</a>");
		}
		break;
	default:
		strbuf_add_html(&r->out, s, n);
	}
	return (r->out.failed ? -1 : 0);
}

char *
text_render_html(const char *s, size_t len, text_known_cb known, void *arg)
{
	struct render	r;

	memset(&r, 0, sizeof(r));
	r.known = known;
	r.arg = arg;
	if (text_scan(s, len, render_token, &r) != 0) {
		strbuf_free(&r.out);
		return (NULL);
	}
	return (strbuf_take(&r.out, NULL));
}

struct extract {
	json_t	*mentions;
	json_t	*tags;
};

static int
array_has(json_t *a, const char *v)
{
	size_t	 i;
	json_t	*x;

	json_array_foreach(a, i, x)
		if (strcmp(json_string_value(x), v) == 0)
			return (1);
	return (0);
}

static int
extract_token(int kind, const char *s, size_t n, void *varg)
{
	struct extract	*e = varg;
	json_t		*into;
	char		 v[256];

	if (kind == TEXT_MENTION)
		into = e->mentions;
	else if (kind == TEXT_TAG)
		into = e->tags;
	else
		return (0);
	if (n - 1 >= sizeof(v))
		return (-1);
	memcpy(v, s + 1, n - 1);
	v[n - 1] = '\0';
	text_lower(v);
	/* At most 50 of each per post; a post is not a mailing list. */
	if (array_has(into, v) || json_array_size(into) >= 50)
		return (0);
	return (json_array_append_new(into, json_string(v)));
}

int
text_extract(const char *s, size_t len, json_t *mentions, json_t *tags)
{
	struct extract	e = { mentions, tags };

	return (text_scan(s, len, extract_token, &e));
}

int
text_known_handle(const char *handle, void *known_array)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach((json_t *)known_array, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), handle) == 0)
			return (1);
	return (0);
}
