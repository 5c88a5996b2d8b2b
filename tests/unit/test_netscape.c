/*
 * Unit tests for app/urlnorm.c, app/htmltext.c and app/netscape.c: which
 * URLs bookmarks take and the key that makes two of them one page; text of
 * other programs' HTML (Windows-1252, character references); the Netscape
 * bookmark parser (folders as tags, <DD> descriptions,
 * PRIVATE/TAGS/ADD_DATE, Windows-1252, duplicates, limits, hostile input:
 * unclosed tags, huge attributes, NUL bytes, deep nesting); the writer and
 * its round trip; and the 20 real exports in the shared data set, which
 * must be present.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "parley.h"
#include "tap.h"

#define DATA	"/work/shared/data/netscape-bookmarks/"

static struct netscape_result	res;

/* Parses len bytes of s into res; returns the number of entries. */
static size_t
parse_n(const char *s, size_t len)
{
	netscape_result_free(&res);
	if (netscape_parse(s, len, &res) != 0) {
		printf("# netscape_parse failed\n");
		exit(1);
	}
	return (json_array_size(res.entries));
}

static size_t
parse(const char *s)
{
	return (parse_n(s, strlen(s)));
}

static const char *
field(size_t i, const char *key)
{
	const char	*v;

	v = json_string_value(json_object_get(json_array_get(res.entries, i),
	    key));
	return (v ? v : "(null)");
}

static long long
num(size_t i, const char *key)
{
	json_t	*v = json_object_get(json_array_get(res.entries, i), key);

	return (json_is_integer(v) ? json_integer_value(v) : -1);
}

static int
is_private(size_t i)
{
	return (json_is_true(json_object_get(json_array_get(res.entries, i),
	    "private")));
}

/* The entry's tags joined by ',' (static buffer). */
static const char *
tags(size_t i)
{
	static char	 buf[4096];
	json_t		*t, *v;
	size_t		 k;

	buf[0] = '\0';
	t = json_object_get(json_array_get(res.entries, i), "tags");
	json_array_foreach(t, k, v) {
		if (k > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, json_string_value(v), sizeof(buf) - strlen(buf) - 1);
	}
	return (buf);
}

static long long
rejected_line(size_t i)
{
	return (json_integer_value(json_object_get(json_array_get(res.rejected,
	    i), "line")));
}

static const char *
rejected_reason(size_t i)
{
	const char	*v;

	v = json_string_value(json_object_get(json_array_get(res.rejected, i),
	    "reason"));
	return (v ? v : "(none)");
}

static int
key_is(const char *url, const char *want)
{
	char	key[URLNORM_MAX + 8];

	if (!urlnorm_key(url, strlen(url), key, sizeof(key)))
		return (want == NULL);
	return (want != NULL && strcmp(key, want) == 0);
}

static int
refused(const char *url, const char *reason_part)
{
	const char	*why = urlnorm_check(url, strlen(url));

	return (why != NULL && strstr(why, reason_part) != NULL);
}

static void
test_urls(void)
{
	static const char *const good[] = { "http://a.com", "http://a",
	    "https://Example.com:443/x?y#z", "http://[::1]:8080/",
	    "https://b\xc3\xbc" "cher.de/", "HTTP://EXAMPLE.COM",
	    "https://a.com:/", "https://x.com/p?q=<\"'>&r={}|^`",
	    "https://sub-1.x_y.example.org./a%20b", NULL };
	char	long_url[URLNORM_MAX + 2];
	size_t	i;
	int	all = 1;

	for (i = 0; good[i] != NULL; i++)
		if (urlnorm_check(good[i], strlen(good[i])) != NULL) {
			printf("# refused %s\n", good[i]);
			all = 0;
		}
	ok(all, "absolute http(s) URLs with hosts, ports, IPv6, IDN, queries");
	ok(refused("javascript:alert(1)", "javascript:") &&
	    refused("JavaScript:void(0)", "javascript:") &&
	    refused("data:text/html,<script>", "data:") &&
	    refused("place:sort=8&maxResults=10", "place:") &&
	    refused("ftp://ftp.example.com/", "ftp:") &&
	    refused("file:///etc/passwd", "file:") &&
	    refused("mailto:a@example.com", "mailto:") &&
	    refused("gopher://x.com/", "Only http and https"),
	    "other schemes are refused, known ones by name");
	ok(refused("?lY47tw", "not absolute") &&
	    refused("/relative/path", "not absolute") &&
	    refused("example.com", "not absolute") &&
	    refused("//example.com/x", "not absolute") &&
	    refused("", "empty"),
	    "relative URLs and bare host names are refused");
	ok(refused("http:/x.com", "no host") && refused("http://", "no host") &&
	    refused("https:///path", "no host") &&
	    refused("http://:80/", "no host") &&
	    refused("http:example.com", "no host"),
	    "a URL without a host is refused");
	ok(refused("http://user:pw@x.com/", "user name") &&
	    refused("http://x.com\\@evil.com/", "host is not valid") &&
	    refused("http://a..b/", "host is not valid") &&
	    refused("http://.a/", "host is not valid") &&
	    refused("http://a!b.com/", "host is not valid") &&
	    refused("http://[::1/", "host is not valid") &&
	    refused("http://[]/", "host is not valid") &&
	    refused("http://[::1]x/", "host is not valid"),
	    "credentials and malformed hosts are refused");
	ok(refused("http://x.com:0/", "port") &&
	    refused("http://x.com:65536/", "port") &&
	    refused("http://x.com:8a/", "port") &&
	    refused("http://x.com:99999999999999999999/", "port") &&
	    urlnorm_check("http://x.com:65535/", 19) == NULL,
	    "ports are 1-65535");
	ok(refused("http://x.com/a b", "spaces") &&
	    refused(" http://x.com/", "spaces") &&
	    refused("http://x.com/\t", "control") &&
	    refused("http://x.com/\x7f", "control") &&
	    refused("http://x.com/\n", "control") &&
	    urlnorm_check("http://x.com/\0", 14) != NULL,
	    "spaces, tabs, DEL, newlines and NUL are refused");
	ok(refused("http://x.com/\xff", "UTF-8") &&
	    refused("http://x.com/\xc0\xaf", "UTF-8") &&
	    refused("http://x.com/\xef\xbf\xbd", "could not be read"),
	    "invalid UTF-8 and U+FFFD are refused");
	memcpy(long_url, "http://x.com/", 13);
	memset(long_url + 13, 'a', URLNORM_MAX - 13);
	long_url[URLNORM_MAX] = '\0';
	ok(urlnorm_check(long_url, URLNORM_MAX) == NULL,
	    "a URL of exactly 2048 bytes is accepted");
	long_url[URLNORM_MAX] = 'a';
	long_url[URLNORM_MAX + 1] = '\0';
	ok(refused(long_url, "2048"), "2049 bytes are refused");
}

static void
test_keys(void)
{
	char	key[32];

	ok(key_is("https://Example.com", "https://example.com/") &&
	    key_is("https://example.com/", "https://example.com/") &&
	    key_is("HTTPS://EXAMPLE.COM:443", "https://example.com/"),
	    "scheme and host lower-cased, default port dropped, empty path /");
	ok(key_is("HTTP://Example.COM:80/Path/A?Q=B#Frag",
	    "http://example.com/Path/A?Q=B"),
	    "path and query keep their case; the fragment goes");
	ok(key_is("http://a.com:0080/", "http://a.com/") &&
	    key_is("http://a.com:8080/x", "http://a.com:8080/x") &&
	    key_is("https://a.com:80/", "https://a.com:80/") &&
	    key_is("http://a.com:443/", "http://a.com:443/") &&
	    key_is("http://a.com:/", "http://a.com/"),
	    "only the scheme's own default port is dropped; zeros go");
	ok(key_is("http://a.com?x=1", "http://a.com/?x=1") &&
	    key_is("http://a.com#top", "http://a.com/") &&
	    key_is("http://a.com/#", "http://a.com/") &&
	    key_is("http://a.com/x/", "http://a.com/x/"),
	    "an empty path before a query or fragment becomes /");
	ok(key_is("http://[::1]:80/", "http://[::1]/") &&
	    key_is("http://[::1]:81", "http://[::1]:81/"),
	    "IPv6 literals");
	ok(key_is("javascript:x", NULL) && key_is("http://a b", NULL),
	    "no key for a refused URL");
	ok(!urlnorm_key("https://example.com/abcdefghijklmnop", 36, key,
	    sizeof(key)) && urlnorm_key("http://a.com", 12, key, 14) &&
	    strcmp(key, "http://a.com/") == 0,
	    "a short output buffer is refused, an exact one works");
}

static int
tag_is(const char *s, const char *want)
{
	char	out[256];
	int	r = netscape_tag(s, strlen(s), out, sizeof(out));

	if (want == NULL)
		return (r == 0);
	if (r != 1 || strcmp(out, want) != 0)
		printf("# tag of %s: %d %s\n", s, r, out);
	return (r == 1 && strcmp(out, want) == 0);
}

static void
test_tags(void)
{
	char	long_name[128];

	ok(tag_is("Dev", "dev") && tag_is("Self-hosting", "self_hosting") &&
	    tag_is("Linux, Unix OS,Other   stuff", "linux_unix_os_other_stuff") &&
	    tag_is("Microsoft Websites", "microsoft_websites"),
	    "folder names: lower-cased, word separators become one '_'");
	ok(tag_is("@font-face", "font_face") && tag_is("C++", "c") &&
	    tag_is("it's", "its") && tag_is("Node.js", "node_js") &&
	    tag_is("  -lead and trail- ", "lead_and_trail"),
	    "other punctuation is dropped; no '_' at either end");
	ok(tag_is("\xc3\x89t\xc3\xa9", "\xc3\x89t\xc3\xa9") &&
	    tag_is("\xf0\x9f\x93\x9a Reading list", "reading_list") &&
	    tag_is("a\xe2\x80\x94" "b", "a_b") &&
	    tag_is("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"),
	    "non-ASCII letters stay; symbols and dashes separate words");
	ok(tag_is("2019", NULL) && tag_is("", NULL) && tag_is(" - ", NULL) &&
	    tag_is("!!!", NULL) && tag_is("\xff\xfe", NULL) &&
	    tag_is("3d", "3d") && tag_is("_", "_"),
	    "nothing left, or only digits: no tag");
	memset(long_name, 'a', 60);
	long_name[60] = '\0';
	ok(tag_is(long_name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	    "at most 50 code points");
	ok(tag_is("word word", "word_word") && !netscape_tag("abc", 3,
	    long_name, 4), "a tiny output buffer is refused");
}

static int
unescaped_is(const char *s, const char *want)
{
	size_t	 n;
	char	*out = htmltext_unescape(s, strlen(s), &n);
	int	 ok_ = out != NULL && n == strlen(want) &&
		    memcmp(out, want, n) == 0;

	if (!ok_)
		printf("# unescape %s -> %s\n", s, out ? out : "(null)");
	free(out);
	return (ok_);
}

static void
test_entities(void)
{
	ok(unescaped_is("&amp;&lt;&gt;&quot;&#39;&apos;", "&<>\"''") &&
	    unescaped_is("&AMP;&LT;", "&<"),
	    "the five escapes (and upper-case AMP, LT)");
	ok(unescaped_is("&#233;&#xE9;&#XE9;&#x1F600;",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xf0\x9f\x98\x80") &&
	    unescaped_is("&#233 x", "\xc3\xa9 x"),
	    "decimal and hex references, with or without ';'");
	ok(unescaped_is("&eacute;&hellip;&nbsp;&mdash;&rsquo;&euro;&copy;",
	    "\xc3\xa9\xe2\x80\xa6\xc2\xa0\xe2\x80\x94\xe2\x80\x99\xe2\x82\xac"
	    "\xc2\xa9"), "common named references");
	ok(unescaped_is("&bogus; &amp &#; &#x; & &;", "&bogus; &amp &#; &#x; & &;"),
	    "unknown or incomplete references stay as they are");
	ok(unescaped_is("&#0;&#xD800;&#1114112;&#99999999999999999999;",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	    "NUL, surrogates and values past U+10FFFF become U+FFFD");
	ok(unescaped_is("&#150;&#128;&#x92;", "\xe2\x80\x93\xe2\x82\xac"
	    "\xe2\x80\x99"), "references to 128-159 read as Windows-1252");
	ok(unescaped_is("&amp;#8230;", "&#8230;"), "decoded once, not twice");
	ok(unescaped_is("&#0&#9&#x10000&#65536&zwj;&#128",
	    "\xef\xbf\xbd\t\xf0\x90\x80\x80\xf0\x90\x80\x80\xe2\x80\x8d"
	    "\xe2\x82\xac"), "the shortest references for their output fit");
}

static int
utf8_is(const char *in, size_t len, const char *want, size_t wantlen)
{
	size_t	 n;
	char	*out = htmltext_to_utf8(in, len, &n);
	int	 r = out != NULL && n == wantlen && memcmp(out, want, n) == 0 &&
		    out[n] == '\0';

	free(out);
	return (r);
}

static void
test_to_utf8(void)
{
	unsigned long	cp;

	ok(utf8_is("\xef\xbb\xbf" "a\0b\xc3\xa9", 8,
	    "a\xef\xbf\xbd" "b\xc3\xa9", 7),
	    "UTF-8: the byte order mark goes, NUL becomes U+FFFD");
	ok(utf8_is("\x80\x81\x9f\xa0\xe9\xff\0x", 8, "\xe2\x82\xac"
	    "\xef\xbf\xbd\xc5\xb8\xc2\xa0\xc3\xa9\xc3\xbf\xef\xbf\xbdx", 18),
	    "not UTF-8: Windows-1252, byte by byte");
	ok(utf8_is("", 0, "", 0) && utf8_is("\xef\xbb\xbf", 3, "", 0),
	    "empty input, or only a byte order mark: an empty string");
	ok(htmltext_ref("&amp;rest", 9, &cp) == 5 && cp == '&' &&
	    htmltext_ref("&amp", 4, &cp) == 0 && htmltext_ref("x", 1, &cp) == 0 &&
	    htmltext_ref("&#x41", 5, &cp) == 5 && cp == 'A',
	    "htmltext_ref: the length of one reference");
}

#define HEAD	"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n" \
		"<H1>Bookmarks</H1>\n<DL><p>\n"

static void
test_structure(void)
{
	ok(parse(HEAD
	    "<DT><H3 ADD_DATE=\"1\" PERSONAL_TOOLBAR_FOLDER=\"true\">Bar</H3>\n"
	    "<DL><p>\n<DT><A HREF=\"http://t.com/\">T</A>\n</DL><p>\n"
	    "<DT><H3>Dev Stuff</H3>\n<DD>About dev\n<DL><p>\n"
	    "  <DT><H3 FOLDED>PHP</H3>\n  <DL><p>\n"
	    "    <DT><A HREF=\"http://p.com/\" TAGS=\"lang,web\">P</A>\n"
	    "  </DL><p>\n"
	    "  <DT><A HREF=\"http://d.com/\">D</A>\n"
	    "</DL><p>\n<DT><A HREF=\"http://top.com/\">Top</A>\n</DL>\n") == 4 &&
	    strcmp(tags(0), "") == 0 && strcmp(tags(1), "lang,web,dev_stuff,php")
	    == 0 && strcmp(tags(2), "dev_stuff") == 0 && strcmp(tags(3), "") == 0
	    && strcmp(field(1, "description"), "") == 0,
	    "folders tag what they hold (outermost first) after TAGS; the "
	    "toolbar folder gives no tag; a folder's <DD> describes no "
	    "bookmark");
	ok(parse(HEAD "<DT><A HREF=\"http://a.com/\">A</A>\n"
	    "<DD>Line one\n- item\n\n  indented\n"
	    "<DT><A HREF=\"http://b.com/\">B</A>\n<DD>  \n"
	    "<DT><A HREF=\"http://c.com/\">C</A>\r\n<DD>x\r\ny\r\n</DL>") == 3 &&
	    strcmp(field(0, "description"), "Line one\n- item\n\n  indented")
	    == 0 && strcmp(field(1, "description"), "") == 0 &&
	    strcmp(field(2, "description"), "x\ny") == 0,
	    "multi-line <DD> descriptions keep their lines; CRLF becomes LF; "
	    "the ends are trimmed");
	ok(parse(HEAD "<DT><A HREF=\"http://a.com/\">A</A>\n<DD>Text<br>more "
	    "<a href=\"http://thumb/\"><img src=\"x\"/></a> &lt;b&gt;\n"
	    "<DT><A HREF=\"http://b.com/\" DESCRIPTION=\"from &quot;attr&quot;\">"
	    "B</A>\n</DL>") == 2 &&
	    strcmp(field(0, "description"), "Text\nmore  <b>") == 0 &&
	    strcmp(field(1, "description"), "from \"attr\"") == 0,
	    "markup inside a description is dropped (an anchor there is no "
	    "bookmark); a DESCRIPTION attribute is used");
	ok(parse("<dt><a href='http://a.com/' add_date=1456433748 private=1 "
	    "tags='x y,z'>  Lower\n  case  </a>\n<DT><A HREF=\"http://b.com/\" "
	    "PRIVATE=\"0\">B</A><DT><A HREF=\"http://c.com/\" PRIVATE=\"true\">"
	    "C</A>") == 3 && num(0, "add_date") == 1456433748 && is_private(0)
	    && strcmp(tags(0), "x,y,z") == 0 &&
	    strcmp(field(0, "title"), "Lower case") == 0 && !is_private(1) &&
	    is_private(2) && res.is_bookmarks,
	    "lower-case tags and attributes, single and missing quotes, no "
	    "doctype; PRIVATE 1/true; TAGS by commas and spaces");
	ok(parse(HEAD "<DT><A HREF=\"http://a.com/\" ADD_DATE=\"1456433748000\">"
	    "A</A><DT><A HREF=\"http://b.com/\" ADD_DATE=\"1456433748000000\">B"
	    "</A><DT><A HREF=\"http://c.com/\" ADD_DATE=\"10/Oct/2000:13:55:36 "
	    "+0300\">C</A><DT><A HREF=\"http://d.com/\" ADD_DATE=\"soon\">D</A>"
	    "<DT><A HREF=\"http://e.com/\" ADD_DATE=\"0\">E</A>"
	    "<DT><A HREF=\"http://f.com/\">F</A>") == 6 &&
	    num(0, "add_date") == 1456433748 && num(1, "add_date") == 1456433748
	    && num(2, "add_date") == 971175336 && num(3, "add_date") == -1 &&
	    num(4, "add_date") == -1 && num(5, "add_date") == -1,
	    "ADD_DATE: seconds, milliseconds, microseconds, the Apache log "
	    "form; junk, zero and none are null");
	ok(parse(HEAD "<DT><A HREF=\"http://a.com/x\" TAGS=\"one\">A</A>\n<DD>d\n"
	    "<DT><A HREF=\"HTTP://A.COM:80/x#f\" TAGS=\"two,one\">A again</A>\n"
	    "<DD>ignored\n") == 1 && res.duplicates == 1 &&
	    strcmp(tags(0), "one,two") == 0 &&
	    strcmp(field(0, "description"), "d") == 0 &&
	    strcmp(field(0, "url_key"), "http://a.com/x") == 0,
	    "the same page twice: counted as a duplicate, its tags merged");
	ok(parse(HEAD "<A NAME=\"top\">anchor</A><DT><A HREF=\"\">empty</A>\n"
	    "<DT><A HREF=\"  http://a.com/  \"></A>\n"
	    "<!-- <DT><A HREF=\"http://commented.com/\">x</A> -->\n") == 1 &&
	    res.rejected_total == 1 && rejected_line(0) == 5 &&
	    strstr(rejected_reason(0), "no URL") != NULL &&
	    strcmp(field(0, "url"), "http://a.com/") == 0 &&
	    strcmp(field(0, "title"), "http://a.com/") == 0,
	    "anchors without HREF are skipped; an empty HREF is rejected; "
	    "spaces around a URL go; no title: the URL; comments are skipped");
	ok(parse("\r\n\r\n<DT><A HREF=\"javascript:alert(1)\">j</A>\r"
	    "<DT><A HREF=\"ftp://x/\">f</A>\n") == 0 && res.rejected_total == 2
	    && rejected_line(0) == 3 && rejected_line(1) == 4 &&
	    strstr(rejected_reason(0), "javascript:") != NULL &&
	    strstr(rejected_reason(1), "ftp:") != NULL,
	    "rejections name the line (CRLF and lone CR count once)");
}

static void
test_encodings(void)
{
	ok(parse("<DT><A HREF=\"http://x.com/\">Caf\xe9 \x93quoted\x94 \x80 "
	    "\x81</A>\n<DD>na\xefve") == 1 && strcmp(field(0, "title"),
	    "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac "
	    "\xef\xbf\xbd") == 0 && strcmp(field(0, "description"),
	    "na\xc3\xafve") == 0,
	    "not UTF-8: read as Windows-1252 (its holes are U+FFFD)");
	ok(parse("\xef\xbb\xbf<DT><A HREF=\"http://x.com/\">Caf\xc3\xa9</A>") == 1
	    && strcmp(field(0, "title"), "Caf\xc3\xa9") == 0,
	    "UTF-8 with a byte order mark");
#define NULS	"<DT><A HREF=\"http://x.com/\">a\0b</A>\n<DD>c\0d"
	ok(parse_n(NULS, sizeof(NULS) - 1) == 1
	    && strcmp(field(0, "title"), "a\xef\xbf\xbd" "b") == 0 &&
	    strcmp(field(0, "description"), "c\xef\xbf\xbd" "d") == 0,
	    "NUL bytes become U+FFFD");
#define NUL_URL	"<DT><A HREF=\"http://x.com/\0\">x</A>"
	ok(parse_n(NUL_URL, sizeof(NUL_URL) - 1) == 0 &&
	    res.rejected_total == 1 && strstr(rejected_reason(0),
	    "could not be read") != NULL, "a NUL in a URL rejects that URL");
	ok(parse("<DT><A HREF=\"http://x.com/\">a&#7;b\tc\x01</A>") == 1 &&
	    strcmp(field(0, "title"), "ab c") == 0,
	    "control characters leave titles; tabs are spaces");
}

static void
test_hostile(void)
{
	char	*big, *p;
	size_t	 i, n;
	clock_t	 started;

	ok(parse(HEAD "<DT><A HREF=\"http://a.com/>Unclosed quote\n"
	    "<DT><A HREF=\"http://b.com/\">B</A>\n"
	    "<DT><A HREF=\"http://c.com/\" <DT><A HREF=\"http://d.com/\">D</A>\n"
	    "<DT><A HREF=\"http://e.com/\">E unterminated\n"
	    "<DT><A HREF=\"http://f.com/\"") == 3 &&
	    strcmp(field(0, "title"), "B") == 0 &&
	    strcmp(field(1, "url"), "http://d.com/") == 0 &&
	    strcmp(field(2, "title"), "E unterminated") == 0 &&
	    res.rejected_total == 3 && rejected_line(0) == 5 &&
	    rejected_line(1) == 7 && rejected_line(2) == 9 &&
	    strstr(rejected_reason(0), "not closed") != NULL,
	    "broken tags cost their own line only; a title without </A> ends "
	    "at the next tag");
	n = 8 * 1024 * 1024;
	big = malloc(n + 4096);
	p = big + sprintf(big, "<DT><A HREF=\"http://a.com/\" ICON=\"data:");
	memset(p, 'A', n);
	p += n;
	p += sprintf(p, "\">Icon</A>\n<DT><A HREF=\"http://b.com/");
	memset(p, 'b', 3000);
	p += 3000;
	p += sprintf(p, "\">Long</A>\n");
	ok(parse_n(big, (size_t)(p - big)) == 1 &&
	    strcmp(field(0, "title"), "Icon") == 0 && res.rejected_total == 1 &&
	    rejected_line(0) == 2 && strstr(rejected_reason(0), "2048") != NULL,
	    "an 8 MiB ICON attribute is skipped; a 3000-byte HREF is rejected");
	free(big);
	n = 20000;
	big = malloc(n * 32 + 256);
	for (p = big, i = 0; i < n; i++)
		p += sprintf(p, "<DL><H3>f%zu</H3>", i);
	p += sprintf(p, "<DT><A HREF=\"http://deep.com/\">Deep</A>");
	for (i = 0; i < n; i++)
		p += sprintf(p, "</DL>");
	ok(parse_n(big, (size_t)(p - big)) == 1 &&
	    json_array_size(json_object_get(json_array_get(res.entries, 0),
	    "tags")) == NETSCAPE_TAGS_MAX,
	    "20000 nested folders: no crash, at most 20 tags");
	free(big);
	n = 4 * 1024 * 1024;
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)("<a\"'=>\n \x80\0"[i % 11]);
	started = clock();
	ok(parse_n(big, n) == 0 && !res.is_bookmarks &&
	    res.rejected_total <= 1, "4 MiB of tag fragments, quotes and NULs: "
	    "no bookmarks (only the cut-off last tag is rejected)");
	printf("# 4 MiB of fragments parsed in %.2f s\n",
	    (double)(clock() - started) / CLOCKS_PER_SEC);
	for (i = 0; i < n; i++)
		big[i] = (char)("<A HREF=\"http://x.com/"[i % 22]);
	started = clock();
	ok(parse_n(big, n) == 0 && res.rejected_total > 90000,
	    "4 MiB of unclosed anchors: each rejected on its own");
	printf("# 4 MiB of unclosed anchors parsed in %.2f s\n",
	    (double)(clock() - started) / CLOCKS_PER_SEC);
	for (i = 0; i < n; i++)
		big[i] = (char)((i * 2654435761u >> 13) & 0xff);
	for (i = 0; i < n; i++)
		if (big[i] == '<')
			big[i] = '.';
	ok(parse_n(big, n) == 0 && !res.is_bookmarks,
	    "binary junk is not a bookmark file");
	free(big);
	ok(parse("Just some text.\nNo bookmarks here.\n") == 0 &&
	    !res.is_bookmarks && parse("<html><body><p>Hi</p></body></html>")
	    == 0 && !res.is_bookmarks, "text and plain HTML are not bookmark "
	    "files");
	ok(parse("") == 0 && res.is_bookmarks && parse(" \r\n\t") == 0 &&
	    res.is_bookmarks && parse("\xef\xbb\xbf") == 0 && res.is_bookmarks,
	    "an empty (or blank) file is an empty bookmark file");
	ok(parse("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL></DL>") == 0 &&
	    res.is_bookmarks && parse("<!doctype netscape-bookmark-file-1>")
	    == 0 && res.is_bookmarks && parse("<!DOCTYPE html><!-- x") == 0 &&
	    !res.is_bookmarks && parse("<!DOCTYPE") == 0 && !res.is_bookmarks,
	    "the doctype (in any case) makes a bookmark file");
}

static void
test_limits(void)
{
	char	*big, *p, title[600 * 2 + 1];
	size_t	 i, n = NETSCAPE_ENTRIES_MAX + 3;

	for (i = 0; i < 600; i++)
		memcpy(title + i * 2, "\xc3\xa9", 2);
	title[1200] = '\0';
	big = malloc(40000);
	p = big + sprintf(big, "<DT><A HREF=\"http://a.com/\" TAGS=\"");
	for (i = 0; i < 30; i++)
		p += sprintf(p, "t%zu,", i);
	p += sprintf(p, "\">%s</A><DD>", title);
	for (i = 0; i < 11000; i++)
		*p++ = 'x';
	*p = '\0';
	ok(parse(big) == 1 &&
	    utf8_length(field(0, "title"), strlen(field(0, "title"))) == 500 &&
	    strlen(field(0, "description")) == NETSCAPE_DESCRIPTION_MAX &&
	    json_array_size(json_object_get(json_array_get(res.entries, 0),
	    "tags")) == NETSCAPE_TAGS_MAX,
	    "titles are cut at 500 code points, descriptions at 10000, tags "
	    "at 20");
	free(big);
	big = malloc(n * 64 + 64);
	for (p = big, i = 0; i < n; i++)
		p += sprintf(p, "<DT><A HREF=\"http://x.com/%zu\">%zu</A>\n", i, i);
	ok(parse_n(big, (size_t)(p - big)) == NETSCAPE_ENTRIES_MAX &&
	    res.rejected_total == 1 && rejected_line(0) ==
	    NETSCAPE_ENTRIES_MAX + 1, "at most 100000 bookmarks per file");
	free(big);
	big = malloc(2000 * 64);
	for (p = big, i = 0; i < 2000; i++)
		p += sprintf(p, "<DT><A HREF=\"place:%zu\">%zu</A>\n", i, i);
	ok(parse_n(big, (size_t)(p - big)) == 0 && res.rejected_total == 2000 &&
	    json_array_size(res.rejected) == NETSCAPE_REJECTED_MAX,
	    "rejections are all counted, the first 1000 listed");
	free(big);
}

static void
test_writer(void)
{
	json_t	*entries, *copy;
	char	*html;
	size_t	 len;

	entries = json_pack("[{s:s, s:s, s:s, s:[s, s], s:b, s:I}, "
	    "{s:s, s:s, s:s, s:[], s:b, s:I}]",
	    "url", "https://x.com/a?b=1&c=\"2\"#f",
	    "title", "<script>alert('x')</script> & \xc3\xa9\xf0\x9f\x98\x80",
	    "description", "two\nlines & <b>", "tags", "one", "\xc3\xa9t\xc3\xa9",
	    "private", 1, "add_date", (json_int_t)1456433748,
	    "url", "http://y.com/", "title", "Y", "description", "",
	    "tags", "private", 0, "add_date", (json_int_t)1);
	html = netscape_write(entries, &len);
	ok(html != NULL && strstr(html, "<!DOCTYPE NETSCAPE-Bookmark-file-1>")
	    == html && strstr(html, "charset=UTF-8") != NULL &&
	    strstr(html, "<TITLE>Bookmarks</TITLE>") != NULL &&
	    strstr(html, "<H1>Bookmarks</H1>") != NULL &&
	    strstr(html, "<script>") == NULL &&
	    strstr(html, "HREF=\"https://x.com/a?b=1&amp;c=&quot;2&quot;#f\" "
	    "ADD_DATE=\"1456433748\" PRIVATE=\"1\" TAGS=\"one,\xc3\xa9t\xc3\xa9\">"
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; ") != NULL &&
	    strstr(html, "<DD>two\nlines &amp; &lt;b&gt;\n") != NULL &&
	    strstr(html, "PRIVATE=\"0\">Y</A>\n    <DT>") == NULL &&
	    strstr(html, "PRIVATE=\"0\">Y</A>\n</DL>") != NULL,
	    "the writer: doctype, charset, everything escaped, no <DD> when "
	    "there is no description");
	ok(html != NULL && parse_n(html, len) == 2 && res.rejected_total == 0 &&
	    strcmp(field(0, "url"), "https://x.com/a?b=1&c=\"2\"#f") == 0 &&
	    strcmp(field(0, "title"), "<script>alert('x')</script> & "
	    "\xc3\xa9\xf0\x9f\x98\x80") == 0 &&
	    strcmp(field(0, "description"), "two\nlines & <b>") == 0 &&
	    strcmp(tags(0), "one,\xc3\xa9t\xc3\xa9") == 0 && is_private(0) &&
	    num(0, "add_date") == 1456433748 && !is_private(1) &&
	    num(1, "add_date") == 1 && strcmp(tags(1), "") == 0,
	    "what the writer writes, the parser reads back unchanged");
	free(html);
	copy = json_array();
	html = netscape_write(copy, &len);
	ok(html != NULL && parse_n(html, len) == 0 && res.is_bookmarks,
	    "no bookmarks: still a bookmark file");
	free(html);
	json_decref(copy);
	json_decref(entries);
}

static char *
slurp(const char *name, size_t *len)
{
	char	 path[512], *buf;
	FILE	*f;
	long	 n;

	(void)snprintf(path, sizeof(path), DATA "%s", name);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("# cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return (buf);
}

/* The 20 real files: how many <A> elements each holds and what becomes of
 * them (entries + rejected + duplicates == bookmarks in the file; the one
 * exception is netscape_extended, whose second <A> is a thumbnail link
 * inside a description). */
static const struct {
	const char	*file;
	size_t		 anchors, entries, rejected;
} files[] = {
	{ "netscape-bookmark-parser/chromium_flat.htm", 9, 9, 0 },
	{ "netscape-bookmark-parser/chromium_nested.htm", 18, 18, 0 },
	{ "netscape-bookmark-parser/delicious.htm", 5, 5, 0 },
	{ "netscape-bookmark-parser/empty.htm", 0, 0, 0 },
	{ "netscape-bookmark-parser/firefox_flat.htm", 24, 21, 3 },
	{ "netscape-bookmark-parser/firefox_nested.htm", 24, 21, 3 },
	{ "netscape-bookmark-parser/internet_explorer_11_flat.htm", 18, 18, 0 },
	{ "netscape-bookmark-parser/internet_explorer_11_nested.htm", 27, 27, 0 },
	{ "netscape-bookmark-parser/netscape_basic.htm", 2, 2, 0 },
	{ "netscape-bookmark-parser/netscape_extended.htm", 2, 1, 0 },
	{ "netscape-bookmark-parser/netscape_multiline.htm", 3, 3, 0 },
	{ "netscape-bookmark-parser/scuttle.htm", 4, 4, 0 },
	{ "netscape-bookmark-parser/shaarli.htm", 6, 5, 1 },
	{ "netscape-bookmark-parser/shaarli_legacy.htm", 2, 2, 0 },
	{ "netscape-bookmark-parser/shaarli_markdown.htm", 3, 0, 3 },
	{ "shaarli/internet_explorer_encoding.htm", 1, 1, 0 },
	{ "shaarli/lowercase_doctype.htm", 2, 2, 0 },
	{ "shaarli/netscape_nodate.htm", 1, 1, 0 },
	{ "shaarli/no_doctype.htm", 2, 2, 0 },
	{ "shaarli/same_date.htm", 3, 3, 0 },
};

/* Index of the entry with this URL, or -1. */
static long
entry_with(const char *url)
{
	size_t	i;

	for (i = 0; i < json_array_size(res.entries); i++)
		if (strcmp(field(i, "url"), url) == 0)
			return ((long)i);
	return (-1);
}

static void
parse_file(const char *name)
{
	char	*buf;
	size_t	 len;

	buf = slurp(name, &len);
	(void)parse_n(buf, len);
	free(buf);
}

static void
test_real_files(void)
{
	size_t	i;
	long	e;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		parse_file(files[i].file);
		ok(res.is_bookmarks && json_array_size(res.entries) ==
		    files[i].entries && res.rejected_total == files[i].rejected &&
		    res.duplicates == 0, "%s: %zu <A>, %zu bookmarks, %zu "
		    "rejected", files[i].file, files[i].anchors,
		    files[i].entries, files[i].rejected);
	}
	parse_file("netscape-bookmark-parser/netscape_basic.htm");
	ok(strcmp(field(0, "title"), "Secret stuff") == 0 && is_private(0) &&
	    num(0, "add_date") == 971175336 && strcmp(tags(0),
	    "private,secret") == 0 && strcmp(field(0, "description"),
	    "Super-secret stuff you're not supposed to know about") == 0 &&
	    !is_private(1) && num(1, "add_date") == 1456433748 &&
	    strcmp(tags(1), "public,hello,world") == 0,
	    "netscape_basic: private flag, both date forms, tags, description");
	parse_file("netscape-bookmark-parser/chromium_nested.htm");
	ok((e = entry_with("https://www.kernel.org/")) >= 0 &&
	    strcmp(tags((size_t)e), "linux_unix_os_other_stuff") == 0 &&
	    (e = entry_with("http://www.php-fig.org/psr/")) >= 0 &&
	    strcmp(tags((size_t)e), "dev,php") == 0 &&
	    num((size_t)e, "add_date") == 1466013084 &&
	    (e = entry_with("http://www.jabber.org/")) >= 0 &&
	    strcmp(tags((size_t)e), "") == 0,
	    "chromium_nested: nested folders as tags, the toolbar gives none");
	parse_file("netscape-bookmark-parser/firefox_nested.htm");
	ok((e = entry_with("http://hginit.com/")) >= 0 &&
	    strcmp(tags((size_t)e), "hg,mercurial,version,control,scm,python,"
	    "tutorial,dev") == 0 && strcmp(field((size_t)e, "description"),
	    "A friendly introduction to the Mercurial DVCS by Joel Spolsky") == 0
	    && rejected_line(0) == 10 &&
	    strstr(rejected_reason(0), "place:") != NULL &&
	    (e = entry_with("http://www.statisticsdonewrong.com/")) >= 0 &&
	    strcmp(tags((size_t)e), "statistics,best_practices,donot,data,"
	    "analysis,dev") == 0 &&
	    strcmp(field((size_t)e, "title"),
	    "Welcome \xe2\x80\x94 Statistics Done Wrong") == 0,
	    "firefox_nested: TAGS then folders, descriptions, place: rejected");
	parse_file("netscape-bookmark-parser/scuttle.htm");
	ok(strcmp(field(0, "url"), "http://eurovoc.europa.eu/drupal/"
	    "?q=navigation&cl=en") == 0 && strcmp(field(0, "description"),
	    "Multilingual Thesaurus of the European Union") == 0 &&
	    strcmp(field(3, "title"), "UN Terminology in German, English "
	    "(& French & Spanish)") == 0 && strcmp(tags(3), "dictionary") == 0,
	    "scuttle: lower-case markup, DESCRIPTION attribute, references");
	parse_file("netscape-bookmark-parser/shaarli.htm");
	ok(rejected_line(0) == 9 && strstr(rejected_reason(0), "absolute") &&
	    (e = entry_with("http://sebsauvage.net/paste/?8434b27936c09649"
	    "#bR7XsXhoTiLcqCpQbmOpBi3rq2zzQUC5hBI7ZT1O3x8=")) >= 0 &&
	    is_private((size_t)e) && strcmp(field((size_t)e, "url_key"),
	    "http://sebsauvage.net/paste/?8434b27936c09649") == 0,
	    "shaarli: a relative link is rejected; fragments leave the key");
	parse_file("netscape-bookmark-parser/delicious.htm");
	ok(strcmp(tags(4), "font_face,os,typography") == 0 && is_private(2),
	    "delicious: comma tags made valid (@font-face)");
	parse_file("shaarli/netscape_nodate.htm");
	ok(num(0, "add_date") == -1 && strcmp(tags(0), "safari,import") == 0,
	    "no ADD_DATE: null");
	parse_file("shaarli/internet_explorer_encoding.htm");
	ok(strcmp(field(0, "title"), "Hg Init a Mercurial tutorial by Joel "
	    "Spolsky") == 0, "Internet Explorer's file with its byte order mark");
}

int
main(void)
{
	test_urls();
	test_keys();
	test_tags();
	test_entities();
	test_to_utf8();
	test_structure();
	test_encodings();
	test_hostile();
	test_limits();
	test_writer();
	test_real_files();
	netscape_result_free(&res);
	return (done_testing());
}
