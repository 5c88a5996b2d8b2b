/*
 * Quoting a customer's words into an internal question (escalation), so
 * that what the customer wrote reaches the company as text and nothing
 * else: no @mention that pulls an employee in, no #tag that files the
 * question under a topic, no control or bidirectional-override characters,
 * and never more than the question's body can hold. Pure (no Kore): the
 * unit tests feed it hostile text directly.
 *
 * A mention or tag is neutralised by writing its sign as the full-width
 * form (U+FF20 for '@', U+FF03 for '#'): a reader sees the same words, the
 * grammar of text.c sees none, and the length in code points is unchanged,
 * so the budget computed before neutralising still holds.
 */
#define PARLEY_PURE
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define FULLWIDTH_AT		"\xef\xbc\xa0"	/* U+FF20 */
#define FULLWIDTH_NUMBER	"\xef\xbc\x83"	/* U+FF03 */
#define REPLACEMENT		"\xef\xbf\xbd"	/* U+FFFD */

/* A strbuf (strbuf.c) that also counts the code points written. */
struct qbuf {
	struct strbuf	 s;
	size_t		 cps;
};

static void
qb_add(struct qbuf *b, const char *s, size_t n)
{
	size_t	before = b->s.len, i;

	strbuf_add(&b->s, s, n);
	if (b->s.failed || b->s.len == before)
		return;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			b->cps++;
}

static void
qb_str(struct qbuf *b, const char *s)
{
	qb_add(b, s, strlen(s));
}

/*
 * Decodes one code point at s[0..len): its length in *n (at least 1), or
 * -1 when the bytes there are not valid UTF-8 (then *n is 1).
 */
static long
decode(const unsigned char *s, size_t len, size_t *n)
{
	unsigned long	cp;
	size_t		need, i;

	*n = 1;
	if (s[0] < 0x80)
		return (s[0]);
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return (-1);
	if (len < need)
		return (-1);
	cp = s[0] & (0x7f >> need);
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (-1);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);
	*n = need;
	return ((long)cp);
}

/* Characters that change how the text around them is displayed rather
 * than being text: embeddings, overrides and isolates. */
static int
bidi_control(long cp)
{
	return ((cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069));
}

/*
 * Appends s[0..len) as plain quoted text: invalid bytes become U+FFFD,
 * controls and bidirectional controls are dropped, CR LF and CR become LF
 * and tabs stay. With oneline, line breaks and tabs become spaces. Each
 * line break is followed by prefix (the quote's "> ").
 */
static void
qb_clean(struct qbuf *b, const char *str, size_t len, int oneline,
    const char *prefix)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n;
	long			 cp;

	while (i < len && !b->s.failed) {
		cp = decode(s + i, len - i, &n);
		if (cp == '\r' || cp == '\n') {
			if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
				n = 2;
			if (oneline)
				qb_add(b, " ", 1);
			else {
				qb_add(b, "\n", 1);
				qb_str(b, prefix);
			}
		} else if (cp == '\t')
			qb_add(b, oneline ? " " : "\t", 1);
		else if (cp < 0)
			qb_str(b, REPLACEMENT);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    bidi_control(cp))
			;	/* dropped */
		else
			qb_add(b, str + i, n);
		i += n;
	}
}

/* Neutralises the mentions and tags text_scan finds; keeps the rest. */
static int
neutralise_token(int kind, const char *s, size_t n, void *arg)
{
	struct qbuf	*b = arg;

	if (kind == TEXT_MENTION || kind == TEXT_TAG) {
		qb_str(b, kind == TEXT_MENTION ? FULLWIDTH_AT :
		    FULLWIDTH_NUMBER);
		qb_add(b, s + 1, n - 1);
	} else
		qb_add(b, s, n);
	return (b->s.failed ? -1 : 0);
}

/* 1 when text_scan finds no mention and no tag in s. */
static int
inert(const char *s, size_t len)
{
	json_t	*mentions, *tags;
	int	 ok;

	mentions = json_array();
	tags = json_array();
	ok = mentions != NULL && tags != NULL &&
	    text_extract(s, len, mentions, tags) == 0 &&
	    json_array_size(mentions) == 0 && json_array_size(tags) == 0;
	json_decref(mentions);
	json_decref(tags);
	return (ok);
}

char *
quote_neutralise(const char *s, size_t len, size_t *outlen)
{
	struct qbuf	 b;
	struct strbuf	 all = STRBUF_INIT;
	size_t		 i;

	memset(&b, 0, sizeof(b));
	qb_add(&b, "", 0);
	if (text_scan(s, len, neutralise_token, &b) != 0 || b.s.failed) {
		strbuf_free(&b.s);
		return (NULL);
	}
	if (inert(b.s.data, b.s.len))
		return (strbuf_take(&b.s, outlen));
	/*
	 * Changing a sign never makes a new token (the full-width forms are
	 * neither word nor tag characters), so this does not happen; if the
	 * grammar ever changes, every '@' and '#' goes.
	 */
	for (i = 0; i < b.s.len; i++) {
		if (b.s.data[i] == '@')
			strbuf_str(&all, FULLWIDTH_AT);
		else if (b.s.data[i] == '#')
			strbuf_str(&all, FULLWIDTH_NUMBER);
		else
			strbuf_char(&all, b.s.data[i]);
	}
	strbuf_free(&b.s);
	return (strbuf_take(&all, outlen));
}

/* Cuts b to at most max code points, on a code point boundary. */
static void
qb_cut(struct qbuf *b, size_t max)
{
	size_t	i, cps = 0;

	if (b->s.failed || b->cps <= max)
		return;
	for (i = 0; i < b->s.len; i++) {
		if (((unsigned char)b->s.data[i] & 0xc0) != 0x80) {
			if (cps == max)
				break;
			cps++;
		}
	}
	b->s.len = i;
	b->s.data[i] = '\0';
	b->cps = cps;
}

static size_t
cp_count(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

/*
 * The quote itself, before neutralising: the heading, then each message
 * as "> author, sent_at:" and its lines after "> ", messages separated by
 * a ">" line. Writing stops once more than room code points are there.
 */
static void
quote_raw(struct qbuf *q, const char *heading,
    const struct quote_message *m, size_t n, size_t room)
{
	size_t	i;

	qb_clean(q, heading, strlen(heading), 1, "");
	for (i = 0; i < n && q->cps <= room && !q->s.failed; i++) {
		qb_str(q, i == 0 ? "\n> " : "\n>\n> ");
		qb_clean(q, m[i].author, strlen(m[i].author), 1, "");
		qb_str(q, ", ");
		qb_clean(q, m[i].sent_at, strlen(m[i].sent_at), 1, "");
		qb_str(q, ":\n> ");
		qb_clean(q, m[i].text, strlen(m[i].text), 0, "> ");
	}
}

char *
quote_escalation(const char *intro, const char *heading,
    const struct quote_message *m, size_t n, int more, const char *marker,
    size_t max, size_t *outlen)
{
	struct qbuf	 body, q;
	char		*safe = NULL;
	size_t		 intro_cps, room, mark, safelen;

	memset(&body, 0, sizeof(body));
	memset(&q, 0, sizeof(q));
	qb_add(&body, "", 0);
	qb_add(&q, "", 0);
	if (intro != NULL && !text_blank(intro)) {
		qb_str(&body, intro);
		qb_str(&body, "\n\n");
	}
	intro_cps = body.cps;
	room = max > intro_cps ? max - intro_cps : 0;
	quote_raw(&q, heading, m, n, room);
	mark = 1 + cp_count(marker);		/* "\n" marker */
	if (q.cps > room || more) {
		qb_cut(&q, room > mark ? room - mark : 0);
		qb_str(&q, "\n");
		qb_str(&q, marker);
		qb_cut(&q, room);
	}
	if (q.s.failed || (safe = quote_neutralise(q.s.data, q.s.len,
	    &safelen)) == NULL)
		goto fail;
	qb_add(&body, safe, safelen);
	/* The escalator's words alone can pass max: cut them too. */
	qb_cut(&body, max);
	free(safe);
	strbuf_free(&q.s);
	return (strbuf_take(&body.s, outlen));
fail:
	free(safe);
	strbuf_free(&q.s);
	strbuf_free(&body.s);
	return (NULL);
}
