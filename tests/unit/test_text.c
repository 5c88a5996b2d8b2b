/* Unit tests for app/text.c: mentions, tags and links, and HTML that stays
 * inert whatever the post says. */
#define PARLEY_PURE
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static int
only_alice(const char *handle, void *arg)
{
	(void)arg;
	return (strcmp(handle, "alice") == 0);
}

static char *
render(const char *s)
{
	return (text_render_html(s, strlen(s), only_alice, NULL));
}

static int
renders(const char *in, const char *want)
{
	char	*got = render(in);
	int	 same = got != NULL && strcmp(got, want) == 0;

	if (!same)
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)", want);
	free(got);
	return (same);
}

static char *
extracted(const char *s, int which)
{
	json_t	*m = json_array(), *t = json_array();
	char	*out;

	(void)text_extract(s, strlen(s), m, t);
	out = json_dumps(which ? t : m, JSON_COMPACT);
	json_decref(m);
	json_decref(t);
	return (out);
}

static int
extracts(const char *s, int which, const char *want)
{
	char	*got = extracted(s, which);
	int	 same = got != NULL && strcmp(got, want) == 0;

	if (!same)
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)", want);
	free(got);
	return (same);
}

int
main(void)
{
	char	*big, *html;
	size_t	 i;

	ok(renders("hello", "hello"), "plain text stays");
	ok(renders("<script>alert('x')</script> & \"q\"",
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"),
	    "HTML is escaped");
	ok(renders("hi @alice!", "hi <a href=\"#/people/alice\" class=\"mention\">@alice</a>!"),
	    "a known mention is an anchor");
	ok(renders("hi @Alice", "hi <a href=\"#/people/alice\" class=\"mention\">@Alice</a>"),
	    "mentions match case-insensitively, keep their spelling");
	ok(renders("hi @bob", "hi @bob"), "an unknown mention stays plain text");
	ok(renders("mail bob@alice.com", "mail bob@alice.com"),
	    "an e-mail address is not a mention");
	ok(renders("#Kore rocks", "<a href=\"#/tags/kore\" class=\"tag\">#Kore</a> rocks"),
	    "a tag links to its lower-cased page");
	ok(renders("#caf\xc3\xa9", "<a href=\"#/tags/caf%C3%A9\" class=\"tag\">#caf\xc3\xa9</a>"),
	    "non-ASCII tags are percent-encoded in the href");
	ok(renders("issue #123", "issue #123"), "all-digit tags are not tags");
	ok(renders("a#b &#39;", "a#b &amp;#39;"), "# inside words and entities is text");
	ok(renders("see https://example.com/a?b=1&c=2.",
	    "see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\" "
	    "target=\"_blank\">https://example.com/a?b=1&amp;c=2</a>."),
	    "links are anchors, trailing punctuation excluded, & escaped");
	ok(renders("https://example.com/#frag", "<a href=\"https://example.com/#frag\" "
	    "rel=\"nofollow noopener noreferrer\" target=\"_blank\">https://example.com/#frag</a>"),
	    "a # inside a link is not a tag");
	ok(renders("javascript:alert(1) data:text/html,x", "javascript:alert(1) data:text/html,x"),
	    "only http and https become links");
	ok(renders("https://x\"onmouseover=\"alert(1)",
	    "<a href=\"https://x\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">"
	    "https://x</a>&quot;onmouseover=&quot;alert(1)"),
	    "a quote ends a link: no attribute injection");
	ok(renders("https://<b>", "https://&lt;b&gt;"), "a link needs a host");
	ok(renders("", ""), "an empty body renders empty");

	ok(extracts("@Alice and @bob and @alice again", 0, "[\"alice\",\"bob\"]"),
	    "mentions are distinct and lower-cased");
	ok(extracts("@ab @abcdefghijabcdefghijabcdefghijk x", 0, "[]"),
	    "mentions shorter than 3 or longer than 30 are ignored");
	ok(extracts("#Work #work #WORK #r2d2 #42", 1, "[\"work\",\"r2d2\"]"),
	    "tags are distinct, lower-cased, not all digits");
	ok(extracts("https://a.example/#tag @x.y", 1, "[]"), "no tags inside links");
	ok(extracts("#tag\xe2\x80\x94more #caf\xc3\xa9 #emoji\xf0\x9f\x98\x80 #\xf0\x9f\x98\x80 "
	    "#a\xe3\x80\x80" "b", 1, "[\"tag\",\"caf\xc3\xa9\",\"emoji\",\"a\"]"),
	    "tags end at Unicode punctuation, emoji and spaces; letters of "
	    "other scripts belong");
	ok(extracts("\xc3\xa9#x \xe2\x80\x94#y", 1, "[\"y\"]"),
	    "a letter before '#' is a word, a dash is not");

	big = malloc(200 * 6 + 1);
	for (i = 0; i < 200; i++)
		memcpy(big + i * 6, "#t", 2), big[i * 6 + 2] = (char)('a' + i % 26),
		    big[i * 6 + 3] = (char)('a' + i / 26), big[i * 6 + 4] = 'x',
		    big[i * 6 + 5] = ' ';
	big[200 * 6] = '\0';
	{
		json_t *m = json_array(), *t = json_array();
		(void)text_extract(big, strlen(big), m, t);
		ok(json_array_size(t) == 50, "at most 50 tags per post");
		json_decref(m);
		json_decref(t);
	}
	free(big);

	big = malloc(5001);
	memset(big, '<', 5000);
	big[5000] = '\0';
	html = text_render_html(big, 5000, NULL, NULL);
	ok(html != NULL && strlen(html) == 5000 * 4, "5000 '<' render as 5000 &lt;");
	free(html);
	free(big);

	{
		json_t *known = json_pack("[s,s]", "alice", "bob");
		ok(text_known_handle("bob", known) && !text_known_handle("carol", known),
		    "text_known_handle looks the handle up in the array");
		json_decref(known);
	}
	ok(text_valid_tag("kore") && text_valid_tag("caf\xc3\xa9") &&
	    text_valid_tag("r2d2"), "valid tags");
	ok(!text_valid_tag("") && !text_valid_tag("42") && !text_valid_tag("a b") &&
	    !text_valid_tag("a#b") && !text_valid_tag("\xff"), "invalid tags");
	return (done_testing());
}
