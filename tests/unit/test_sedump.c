/* Unit tests for app/sedump*.c: Stack Exchange HTML to text (structure,
 * code, links, entities, hostile and broken markup), one-line fields,
 * tags, dump times, integers, COPY escaping, the row-to-COPY-line
 * converters, and the streaming reader (progress, malformed XML with its
 * position, the wrong file, a refusing callback), ending with the real
 * history.meta dump, which must be present. */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

#define DUMP_DIR	"/work/shared/data/stackexchange-history-meta"

/* tap.h's check() evaluates its condition twice; these conditions have side
 * effects (they parse), so each is evaluated once here. */
#define check(cond, ...) do {						\
	int	check_ = (cond);					\
	ok(check_, __VA_ARGS__);					\
} while (0)

static char	*last;

/* The text of html; the previous result is freed. */
static const char *
h2t(const char *html)
{
	free(last);
	last = sedump_html_to_text(html, strlen(html));
	if (last == NULL) {
		printf("# sedump_html_to_text returned NULL\n");
		exit(1);
	}
	return (last);
}

static int
h2t_is(const char *html, const char *want)
{
	const char	*got = h2t(html);

	if (strcmp(got, want) == 0)
		return (1);
	printf("# html: %s\n# want: [%s]\n# got:  [%s]\n", html, want, got);
	return (0);
}

static const struct {
	const char	*name, *html, *text;
} cases[] = {
	{ "empty input", "", "" },
	{ "only whitespace and tags", " <p> \n </p>\n ", "" },
	{ "paragraphs get a blank line between them",
	    "<p>one</p>\n\n<p>two</p>\n", "one\n\ntwo" },
	{ "whitespace runs collapse outside code", "<p>a  \n\t b</p>",
	    "a b" },
	{ "br is one line break, two make a blank line",
	    "a<br>b<br/><br />c", "a\nb\n\nc" },
	{ "unordered list items on their own lines",
	    "<p>x</p><ul>\n<li>one</li>\n<li>two</li>\n</ul><p>y</p>",
	    "x\n\n- one\n- two\n\ny" },
	{ "ordered lists are numbered",
	    "<ol><li>a</li><li>b</li><li>c</li></ol>", "1. a\n2. b\n3. c" },
	{ "nested lists are indented",
	    "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
	    "- a\n  - b\n- c" },
	{ "a paragraph inside an item stays beside its marker",
	    "<ul><li><p>a</p></li><li><p>b</p></li></ul>", "- a\n\n- b" },
	{ "blockquote lines start with >",
	    "<p>x</p><blockquote><p>q1</p><p>q2</p></blockquote><p>y</p>",
	    "x\n\n> q1\n\n> q2\n\ny" },
	{ "a quote at the start is still marked",
	    "<blockquote>q<br>r</blockquote>", "> q\n> r" },
	{ "nested quotes", "<blockquote><blockquote>deep</blockquote>"
	    "</blockquote>", ">> deep" },
	{ "code blocks are kept verbatim, last newline absorbed",
	    "<p>Run:</p>\n<pre><code>if (a &lt; b)\n    x  =  1;\n\n"
	    "done\n</code></pre>\n<p>after</p>",
	    "Run:\n\nif (a < b)\n    x  =  1;\n\ndone\n\nafter" },
	{ "inline code in backticks", "<p>use <code>git  log</code> now</p>",
	    "use `git log` now" },
	{ "links become text (url)",
	    "see <a href=\"https://example.org/a?b=1&amp;c=2\">this</a>.",
	    "see this (https://example.org/a?b=1&c=2)." },
	{ "a link whose text is its url once",
	    "<a href=\"http://x.example\">http://x.example</a>",
	    "http://x.example" },
	{ "an empty link shows its url", "<a href='https://e.example/'></a>",
	    "https://e.example/" },
	{ "tag links keep only the tag",
	    "<a href=\"https://h.example/questions/tagged/ww2\" "
	    "class=\"post-tag\" rel=\"tag\">ww2</a>", "ww2" },
	{ "relative and script links keep only their text",
	    "<a href=\"/questions/1\">q</a> <a href=\"javascript:alert(1)\">"
	    "x</a>", "q x" },
	{ "images show alt and source",
	    "<img src=\"https://i.example/a.png\" alt=\"A map\">",
	    "[image: A map] https://i.example/a.png" },
	{ "the editor's placeholder alt text is dropped",
	    "<img src=\"https://i.example/b.png\" alt=\"enter image "
	    "description here\" />", "[image] https://i.example/b.png" },
	{ "headings and rules are blocks",
	    "<h2>Title</h2><p>a</p><hr><p>b</p>", "Title\n\na\n\n---\n\nb" },
	{ "emphasis tags vanish", "<p><strong>bold</strong> <em>it</em>"
	    "<sup>2</sup> <kbd>Ctrl</kbd></p>", "bold it2 Ctrl" },
	{ "table cells are spaced, rows on lines",
	    "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
	    "a b\nc" },
	{ "named entities", "&amp;&lt;&gt;&quot;&apos;&nbsp;x&mdash;&hellip;",
	    "&<>\"' x\xe2\x80\x94\xe2\x80\xa6" },
	{ "numeric entities", "&#65;&#x42;&#X43;&#233;&#x1F600;",
	    "ABC\xc3\xa9\xf0\x9f\x98\x80" },
	{ "unknown or unterminated entities stay text",
	    "&bogus; & x &amp &#; &#xZZ;", "&bogus; & x &amp &#; &#xZZ;" },
	{ "NUL, surrogate and too-large entities become U+FFFD",
	    "a&#0;b&#xD800;c&#x110000;d",
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d" },
	{ "control-character entities are dropped", "a&#1;b&#x7f;c&#x85;d",
	    "abcd" },
	{ "a < that starts no tag is text", "a < b, 3<4, x<-y",
	    "a < b, 3<4, x<-y" },
	{ "comments and declarations vanish",
	    "<!DOCTYPE html>a<!-- <p>hidden</p> -->b<?xml x?>c", "abc" },
	{ "an unterminated comment swallows the rest", "a<!-- b", "a" },
	{ "script and style content is dropped",
	    "a<script>alert('x')</script>b<style>p{}</style>c", "abc" },
	{ "an unclosed tag at the end is text", "a <b", "a <b" },
	{ "a > inside a quoted attribute does not end the tag",
	    "<a title=\"x>y\" href=\"https://q.example\">q</a>",
	    "q (https://q.example)" },
	{ "an unterminated attribute quote is text",
	    "<a href=\"https://q.example>q", "<a href=\"https://q.example>q" },
	{ "upper-case tags work", "<P>a</P><UL><LI>b</LI></UL>",
	    "a\n\n- b" },
	{ "a hostile script tag in text stays text, escaped later",
	    "&lt;script&gt;alert(1)&lt;/script&gt;",
	    "<script>alert(1)</script>" },
};

static void
test_html(void)
{
	size_t		 i;
	struct strbuf b;
	char		 big[64];
	const char	*t;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(h2t_is(cases[i].html, cases[i].text), "html: %s",
		    cases[i].name);

	t = h2t("a\xff" "b\xc3(c\xed\xa0\x80" "d");
	check(strcmp(t, "a\xef\xbf\xbd" "b\xef\xbf\xbd(c\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "d") == 0 && utf8_valid(t, strlen(t)),
	    "html: invalid UTF-8 bytes become U+FFFD");
	free(last);
	last = sedump_html_to_text("a\0b", 3);
	check(last != NULL && strcmp(last, "a\xef\xbf\xbd" "b") == 0,
	    "html: a NUL byte becomes U+FFFD");
	check(h2t_is("a\x01\x1b" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b"),
	    "html: raw control characters become U+FFFD");

	/* 40 nested lists and quotes: bounded depth, no crash. */
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 40; i++)
		strbuf_add(&b, "<ul><li><blockquote>", 20);
	strbuf_add(&b, "deep", 4);
	t = h2t(b.data);
	check(strstr(t, "deep") != NULL && strstr(t, ">>>>>>>>>") == NULL,
	    "html: deep nesting is bounded (quotes at most 8 deep)");
	strbuf_free(&b);

	/* A megabyte of paragraphs converts (and stays valid UTF-8). */
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 20000; i++) {
		snprintf(big, sizeof(big), "<p>para %zu &eacute;</p>\n", i);
		strbuf_add(&b, big, strlen(big));
	}
	t = h2t(b.data);
	check(strncmp(t, "para 0 \xc3\xa9\n\npara 1", 17) == 0 &&
	    utf8_valid(t, strlen(t)) && strstr(t, "para 19999 \xc3\xa9") != NULL,
	    "html: a large body converts completely");
	strbuf_free(&b);
}

static int
oneline_is(const char *s, size_t max, const char *want)
{
	struct strbuf		b;
	int			r;

	memset(&b, 0, sizeof(b));
	sedump_oneline(&b, s, max);
	r = b.data != NULL && strcmp(b.data, want) == 0;
	if (!r)
		printf("# oneline [%s] -> [%s], want [%s]\n", s,
		    b.data ? b.data : "(null)", want);
	strbuf_free(&b);
	return (r);
}

static void
test_fields(void)
{
	char	s[64];

	check(oneline_is("  a \n\t b  ", 100, "a b"), "oneline: collapses and trims");
	check(oneline_is("", 100, ""), "oneline: empty stays empty");
	check(oneline_is("\x01\x02", 100, ""), "oneline: controls vanish");
	check(oneline_is("h\xc3\xa9llo world", 4, "h\xc3\xa9ll"),
	    "oneline: cut at max code points");
	check(oneline_is("ab cd", 3, "ab"), "oneline: no trailing space at the cut");
	check(oneline_is("a\xff" "b", 10, "ab"), "oneline: invalid bytes dropped");

	strcpy(s, "h\xc3\xa9llo");
	check(sedump_utf8_cut(s, 2) == 3 && strcmp(s, "h\xc3\xa9") == 0,
	    "utf8_cut: on a code point boundary");
	strcpy(s, "abc");
	check(sedump_utf8_cut(s, 10) == 3 && strcmp(s, "abc") == 0,
	    "utf8_cut: shorter strings are untouched");
	check(sedump_utf8_cut(s, 0) == 0 && s[0] == '\0', "utf8_cut: zero");
}

/* sedump_tags(s) joined with ',' equals want. */
static int
tags_are(const char *s, const char *want)
{
	char	t[SEDUMP_TAGS_MAX][SEDUMP_TAG_MAX + 1], got[2048];
	int	i, n = sedump_tags(s, t);

	got[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(got, ",");
		strcat(got, t[i]);
		if (!text_valid_tag(t[i]))
			return (0);
	}
	if (strcmp(got, want) == 0)
		return (1);
	printf("# tags %s -> [%s], want [%s]\n", s, got, want);
	return (0);
}

static void
test_tags(void)
{
	char	long_tag[200], many[400];
	int	i;

	check(tags_are("<discussion><feature-request>",
	    "discussion,feature_request"), "tags: <a><b> form, '-' as '_'");
	check(tags_are("|c++|c#|.net|asp.net-mvc|", "cplusplus,csharp,dotnet,"
	    "asp_net_mvc"), "tags: |a|b| form; + # and a leading . spelled out");
	check(tags_are("<A><a><B><a-b><a_b><a--b>", "a,b,a_b"),
	    "tags: lower-cased, runs of '_' one, distinct after that");
	check(tags_are("<-x-><1945><18th-century>", "x,_1945,18th_century"),
	    "tags: no '_' at the ends; digits only get a '_' (not all digits)");
	check(tags_are("", "") && tags_are("<><>||", "") &&
	    tags_are("<->|--|", ""), "tags: none");
	check(tags_are("<caf\xc3\xa9><\xe4\xb8\xad\xe6\x96\x87>",
	    "caf\xc3\xa9,\xe4\xb8\xad\xe6\x96\x87"), "tags: non-ASCII letters kept");
	memset(long_tag, 'x', 100);
	long_tag[0] = '<';
	strcpy(long_tag + 100, "><ok>");
	check(tags_are(long_tag, "ok"), "tags: too long ones dropped (bytes)");
	memset(long_tag, 'y', 60);
	strcpy(long_tag + 60, "|ok");
	check(tags_are(long_tag, "ok"), "tags: more than 50 characters dropped");
	check(tags_are("<a\x01" "b><c\xff><d><e\xe2\x80\x94" "f>", "d"),
	    "tags: controls, invalid UTF-8 and symbols dropped");
	many[0] = '\0';
	for (i = 0; i < 30; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "<t%d>", i);
	check(tags_are(many, "t0,t1,t2,t3,t4,t5,t6,t7,t8,t9,t10,t11,t12,t13,"
	    "t14,t15"), "tags: at most %d", SEDUMP_TAGS_MAX);
}

static void
test_dates(void)
{
	static const char *bad[] = { "", "2016-04-12", "2016-04-12T18:47",
	    "2016-13-01T00:00:00", "2016-00-01T00:00:00", "2015-02-29T00:00:00",
	    "2016-04-31T00:00:00", "2016-04-12T24:00:00", "2016-04-12T18:60:00",
	    "2016-04-12T18:47:60", "2016-04-12T18:47:05.", "2016-04-12T18:47:05x",
	    "2016-04-12T18:47:05.737+01:00", "16-04-12T18:47:05", "0999-01-01T00:00:00",
	    " 2016-04-12T18:47:05", "2016-4-12T18:47:05", NULL };
	char	out[SEDUMP_DATE_LEN];
	int	i, all = 1;

	check(sedump_date("2016-04-12T18:47:05.737", out) &&
	    strcmp(out, "2016-04-12 18:47:05.737000+00") == 0,
	    "date: the dump's form, as UTC");
	check(sedump_date("2011-10-11T19:42:20", out) &&
	    strcmp(out, "2011-10-11 19:42:20.000000+00") == 0,
	    "date: without a fraction");
	check(sedump_date("2020-02-29 23:59:59.1234567Z", out) &&
	    strcmp(out, "2020-02-29 23:59:59.123456+00") == 0,
	    "date: leap day, space, long fraction, Z");
	check(sedump_date("2000-02-29T00:00:00", out), "date: 2000 is a leap year");
	check(!sedump_date("1900-02-29T00:00:00", out), "date: 1900 is not");
	check(!sedump_date(NULL, out), "date: NULL");
	for (i = 0; bad[i] != NULL; i++)
		if (sedump_date(bad[i], out)) {
			printf("# accepted %s\n", bad[i]);
			all = 0;
		}
	check(all, "date: malformed and out-of-range times refused");
}

static void
test_ints(void)
{
	int64_t	v = 0;

	check(sedump_int("42", 0, 100, &v) && v == 42, "int: plain");
	check(sedump_int("-1", -5, 5, &v) && v == -1, "int: negative");
	check(!sedump_int("101", 0, 100, &v) && !sedump_int("-6", -5, 5, &v),
	    "int: bounds");
	check(!sedump_int("", 0, 9, &v) && !sedump_int("-", -9, 9, &v) &&
	    !sedump_int("+1", 0, 9, &v) && !sedump_int(" 1", 0, 9, &v) &&
	    !sedump_int("1x", 0, 9, &v) && !sedump_int(NULL, 0, 9, &v),
	    "int: malformed refused");
	check(!sedump_int("99999999999999999999", 0, INT64_MAX, &v),
	    "int: overflow refused");
}

static void
test_copy_field(void)
{
	struct strbuf	b;

	memset(&b, 0, sizeof(b));
	sedump_copy_field(&b, "a\\b\tc\nd\re", 9);
	check(strcmp(b.data, "a\\\\b\\tc\\nd\\re") == 0,
	    "copy: backslash, tab, newline, CR escaped");
	b.len = 0;
	sedump_copy_field(&b, NULL, 0);
	check(strcmp(b.data, "\\N") == 0, "copy: NULL is \\N");
	strbuf_free(&b);
}

/* Converts one row (NULL-terminated name/value pairs) with fn. */
static int
line_of(int (*fn)(struct strbuf *, const char **, const char **),
    const char **attrs, struct strbuf *b, const char **why)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	*why = NULL;
	return (fn(b, attrs, why));
}

static void
test_post_lines(void)
{
	struct strbuf		 b;
	const char		*why;
	const char *q[] = { "Id", "11", "PostTypeId", "1", "AcceptedAnswerId",
	    "10", "CreationDate", "2011-10-11T21:51:55.050", "Score", "3",
	    "Body", "<p>Is @bob here?\tA <b>\"q\"</b> \\ #tag</p>\n", "OwnerUserId",
	    "-1", "Title", "  Too\nlocalized? ", "Tags",
	    "<discussion><a\"b>", "LastEditDate", "2017-04-13T12:18:55.567",
	    NULL };
	const char *a[] = { "Id", "12", "PostTypeId", "2", "ParentId", "11",
	    "CreationDate", "2011-10-11T22:00:00", "Score", "-2", "Body",
	    "<script>x</script>", "OwnerDisplayName", "user39", NULL };
	const char *noparent[] = { "Id", "13", "PostTypeId", "2",
	    "CreationDate", "2011-10-11T22:00:00", "Body", "x", NULL };
	const char *wiki[] = { "Id", "14", "PostTypeId", "4", NULL };
	const char *noid[] = { "PostTypeId", "1", NULL };
	const char *nodate[] = { "Id", "15", "PostTypeId", "1",
	    "CreationDate", "yesterday", NULL };
	const char *notitle[] = { "Id", "16", "PostTypeId", "1",
	    "CreationDate", "2011-10-11T22:00:00", "Score", "many", NULL };

	memset(&b, 0, sizeof(b));
	check(line_of(sedump_post_line, q, &b, &why) == SEDUMP_QUESTION &&
	    strcmp(b.data, "11\t1\t\\N\t10\t-1\t\\N\tToo localized?\t"
	    "Is @bob here? A \"q\" \\\\ #tag\t"
	    "Is @bob here? A &quot;q&quot; \\\\ <a href=\"#/tags/tag\" "
	    "class=\"tag\">#tag</a>\t{\"discussion\",\"a_b\"}\t3\t"
	    "2011-10-11 21:51:55.050000+00\t2017-04-13 12:18:55.567000+00\n")
	    == 0, "post: a question's COPY line (text, safe HTML without "
	    "mention anchors, tags array, times)");
	check(line_of(sedump_post_line, a, &b, &why) == SEDUMP_ANSWER &&
	    strcmp(b.data, "12\t2\t11\t\\N\t\\N\tuser39\t\\N\t(no text)\t"
	    "(no text)\t\\N\t-2\t2011-10-11 22:00:00.000000+00\t\\N\n") == 0,
	    "post: an answer of a deleted account with an empty body");
	check(line_of(sedump_post_line, noparent, &b, &why) == SEDUMP_REJECT &&
	    b.len == 0 && strstr(why, "ParentId") != NULL,
	    "post: an answer without a parent is rejected");
	check(line_of(sedump_post_line, wiki, &b, &why) == SEDUMP_SKIP &&
	    b.len == 0, "post: tag wikis are skipped");
	check(line_of(sedump_post_line, noid, &b, &why) == SEDUMP_REJECT &&
	    strstr(why, "Id") != NULL, "post: no Id is rejected");
	check(line_of(sedump_post_line, nodate, &b, &why) == SEDUMP_REJECT &&
	    strstr(why, "CreationDate") != NULL, "post: a bad date is rejected");
	check(line_of(sedump_post_line, notitle, &b, &why) == SEDUMP_QUESTION &&
	    strncmp(b.data, "16\t1\t\\N\t\\N\t\\N\t\\N\t(untitled)\t(no text)\t"
	    "(no text)\t{}\t0\t", 44) == 0,
	    "post: no title, body, tags or score get defaults");
	strbuf_free(&b);
}

static void
test_user_vote_lines(void)
{
	struct strbuf		 b;
	const char		*why;
	const char *u[] = { "Id", "-1", "DisplayName", " Com\tmunity ",
	    "Location", "on the\nserver farm", "CreationDate",
	    "2011-10-11T18:16:00.230", "Reputation", "1", NULL };
	const char *bare[] = { "Id", "7", NULL };
	const char *bad[] = { "DisplayName", "x", NULL };
	const char *up[] = { "Id", "1", "PostId", "2", "VoteTypeId", "2", NULL };
	const char *fav[] = { "Id", "2", "PostId", "2", "VoteTypeId", "5",
	    "UserId", "9", NULL };
	const char *nopost[] = { "Id", "3", "VoteTypeId", "2", NULL };

	memset(&b, 0, sizeof(b));
	check(line_of(sedump_user_line, u, &b, &why) == SEDUMP_USER &&
	    strcmp(b.data, "-1\tCom munity\ton the server farm\t"
	    "2011-10-11 18:16:00.230000+00\n") == 0, "user: a full row");
	check(line_of(sedump_user_line, bare, &b, &why) == SEDUMP_USER &&
	    strcmp(b.data, "7\t\\N\t\\N\t\\N\n") == 0, "user: only an Id");
	check(line_of(sedump_user_line, bad, &b, &why) == SEDUMP_REJECT &&
	    b.len == 0, "user: no Id is rejected");
	check(line_of(sedump_vote_line, up, &b, &why) == SEDUMP_VOTE &&
	    strcmp(b.data, "2\t2\n") == 0, "vote: an up vote");
	check(line_of(sedump_vote_line, fav, &b, &why) == SEDUMP_SKIP &&
	    b.len == 0, "vote: favourites and others skipped");
	check(line_of(sedump_vote_line, nopost, &b, &why) == SEDUMP_REJECT,
	    "vote: no PostId is rejected");
	strbuf_free(&b);
}

struct seen {
	unsigned long	rows, progress, last_rows, refuse_at;
	char		first_id[16];
};

static int
count_row(struct sedump_stream *s, const char **attrs)
{
	struct seen	*seen = s->arg;
	const char	*id = sedump_attr(attrs, "Id");

	if (seen->rows++ == 0 && id != NULL)
		snprintf(seen->first_id, sizeof(seen->first_id), "%s", id);
	if (seen->refuse_at && seen->rows == seen->refuse_at) {
		snprintf(s->error, sizeof(s->error), "refused");
		return (-1);
	}
	return (0);
}

static void
count_progress(struct sedump_stream *s)
{
	struct seen	*seen = s->arg;

	seen->progress++;
	seen->last_rows = s->rows;
}

/* Streams the string doc; returns sedump_read's result. */
static int
read_doc(const char *doc, const char *root, struct sedump_stream *s,
    struct seen *seen)
{
	FILE	*f;
	int	 r;

	memset(s, 0, sizeof(*s));
	s->name = "Test.xml";
	s->root = root;
	s->row = count_row;
	s->progress = count_progress;
	s->arg = seen;
	s->every = 2;
	if ((f = fmemopen((void *)(uintptr_t)doc, strlen(doc), "r")) == NULL)
		return (-2);
	r = sedump_read(f, s);
	fclose(f);
	return (r);
}

static void
test_reader(void)
{
	struct sedump_stream	s;
	struct seen		seen;
	static const char	good[] =
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n"
	    "  <row Id=\"1\" Body=\"&lt;p&gt;x&lt;/p&gt;&#xA;\" />\n"
	    "  <row Id=\"2\"><row Id=\"nested\"/></row>\n"
	    "  <other Id=\"9\"/>\n  <row Id=\"3\" />\n</posts>\n";
	static const char	bomb[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE posts [<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
	    "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
	    "<posts><row Id=\"&h;\"/></posts>";

	memset(&seen, 0, sizeof(seen));
	check(read_doc(good, "posts", &s, &seen) == 0 && seen.rows == 3 &&
	    s.rows == 3 && strcmp(seen.first_id, "1") == 0,
	    "reader: rows directly under the root, nested and other "
	    "elements ignored");
	check(seen.progress == 2 && seen.last_rows == 3 && s.bytes == strlen(good),
	    "reader: progress every N rows and at the end, all bytes counted");

	memset(&seen, 0, sizeof(seen));
	check(read_doc("<posts>\n<row Id=\"1\"/>\n<row Id=\"2\" Body=\"abc",
	    "posts", &s, &seen) == -1 &&
	    strncmp(s.error, "Test.xml:3:", 11) == 0 &&
	    strstr(s.error, "malformed XML") != NULL,
	    "reader: a file cut mid-row fails with file:line:column");
	printf("# %s\n", s.error);
	memset(&seen, 0, sizeof(seen));
	check(read_doc("<posts>\n<row Id=\"1\"></wrong></posts>", "posts", &s,
	    &seen) == -1 && strcmp(s.error, "Test.xml:2:15: malformed XML "
	    "(mismatched tag)") == 0, "reader: mismatched tag at its column");
	printf("# %s\n", s.error);
	memset(&seen, 0, sizeof(seen));
	check(read_doc("<users><row Id=\"1\"/></users>", "posts", &s, &seen) == -1 &&
	    strstr(s.error, "<users>") != NULL && seen.rows == 0,
	    "reader: the wrong file (root element) is refused");
	memset(&seen, 0, sizeof(seen));
	check(read_doc("", "posts", &s, &seen) == -1 &&
	    strstr(s.error, "malformed XML") != NULL, "reader: an empty file");
	memset(&seen, 0, sizeof(seen));
	seen.refuse_at = 2;
	check(read_doc(good, "posts", &s, &seen) == -1 &&
	    strcmp(s.error, "Test.xml:4:3: refused") == 0 && seen.rows == 2,
	    "reader: a refusing callback stops it where the row is");
	memset(&seen, 0, sizeof(seen));
	check(read_doc(bomb, "posts", &s, &seen) == -1 && seen.rows == 0,
	    "reader: an entity expansion bomb is refused");
	printf("# %s\n", s.error);
}

/* The real dump streams whole, with progress by bytes. */
static void
test_real_dump(void)
{
	struct sedump_stream	s;
	struct seen		seen;
	FILE			*f;

	if ((f = fopen(DUMP_DIR "/Posts.xml", "r")) == NULL) {
		check(0, "real dump: %s/Posts.xml is present", DUMP_DIR);
		return;
	}
	memset(&s, 0, sizeof(s));
	memset(&seen, 0, sizeof(seen));
	s.name = "Posts.xml";
	s.root = "posts";
	s.row = count_row;
	s.progress = count_progress;
	s.arg = &seen;
	s.every = 500;
	check(sedump_read(f, &s) == 0 && s.rows == 1111 && s.total > 1000000 &&
	    s.bytes == s.total && seen.progress == 3,
	    "real dump: 1111 posts streamed, all bytes, progress at 500, "
	    "1000 and the end");
	fclose(f);
}

/* Every post row converts into one valid UTF-8 COPY line. */
static int
convert_row(struct sedump_stream *s, const char **attrs)
{
	unsigned long	*kinds = s->arg;
	struct strbuf b;
	const char	*why;
	int		 k;

	memset(&b, 0, sizeof(b));
	k = sedump_post_line(&b, attrs, &why);
	if (k == SEDUMP_REJECT || b.failed || (k > 0 &&
	    (!utf8_valid(b.data, b.len) || b.data[b.len - 1] != '\n' ||
	    memchr(b.data, '\n', b.len) != b.data + b.len - 1)))
		kinds[0]++;	/* bad */
	else
		kinds[k == SEDUMP_SKIP ? 3 : k]++;
	strbuf_free(&b);
	return (0);
}

static void
test_real_posts(void)
{
	struct sedump_stream	s;
	unsigned long		kinds[4] = { 0 };
	FILE			*f;

	if ((f = fopen(DUMP_DIR "/Posts.xml", "r")) == NULL) {
		check(0, "real dump: Posts.xml is present");
		return;
	}
	memset(&s, 0, sizeof(s));
	s.name = "Posts.xml";
	s.root = "posts";
	s.row = convert_row;
	s.arg = kinds;
	check(sedump_read(f, &s) == 0 && kinds[0] == 0 &&
	    kinds[SEDUMP_QUESTION] == 387 && kinds[SEDUMP_ANSWER] == 718 &&
	    kinds[3] == 6, "real dump: 387 questions and 718 answers become "
	    "one valid UTF-8 COPY line each, 6 other posts skipped "
	    "(bad %lu)", kinds[0]);
	fclose(f);
}

int
main(void)
{
	test_html();
	test_fields();
	test_tags();
	test_dates();
	test_ints();
	test_copy_field();
	test_post_lines();
	test_user_vote_lines();
	test_reader();
	test_real_dump();
	test_real_posts();
	free(last);
	return (done_testing());
}
