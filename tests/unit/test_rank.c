/*
 * Unit tests for app/rank.c: cleaning search queries (bounds, controls,
 * invalid UTF-8, punctuation only) and the experts' "why" sentence
 * (singular and plural, clause order, topic shortening, small buffers).
 */
#define PARLEY_PURE
#include <stdint.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static long
code_points(const char *s)
{
	return (utf8_length(s, strlen(s)));
}

static int
count_words(const char *s)
{
	int	n = 0, in = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return (n);
}

static void
test_clean(void)
{
	char	out[RANK_QUERY_BUF], big[2101], words[4001];
	int	tr, n, i;

	n = rank_query_clean("  running\tfast \r\n ", 18, out, sizeof(out), &tr);
	ok(n == 12 && strcmp(out, "running fast") == 0 && !tr,
	    "spaces, tabs and newlines collapse to one space, trimmed");
	n = rank_query_clean("a\x01" "b\x7f" "c", 5, out, sizeof(out), &tr);
	ok(n == 5 && strcmp(out, "a b c") == 0, "control characters separate words");
	n = rank_query_clean("caf\xc3\xa9\xc2\xa0" "cr\xc3\xa8me\xe3\x80\x80x", 18,
	    out, sizeof(out), &tr);
	ok(n > 0 && strcmp(out, "caf\xc3\xa9 cr\xc3\xa8me x") == 0,
	    "no-break and ideographic spaces separate words; accents stay");
	ok(rank_query_clean("ab\xff", 3, out, sizeof(out), &tr) == -1,
	    "invalid UTF-8 is -1");
	ok(rank_query_clean("\xed\xa0\x80", 3, out, sizeof(out), &tr) == -1,
	    "a surrogate is invalid UTF-8");
	ok(rank_query_clean("a\0b", 3, out, sizeof(out), &tr) == 3 &&
	    strcmp(out, "a b") == 0, "an embedded NUL separates words");
	ok(rank_query_clean("", 0, out, sizeof(out), &tr) == 0 && out[0] == '\0' &&
	    !tr, "empty stays empty");
	ok(rank_query_clean(" \t ", 3, out, sizeof(out), &tr) == 0 &&
	    out[0] == '\0', "blank becomes empty");

	/* 2,000 characters of words: bounded by characters and by words. */
	for (i = 0; i < 1000; i++)
		memcpy(words + i * 3, i % 2 ? "ab " : "cd ", 3);
	words[2999] = '\0';
	n = rank_query_clean(words, strlen(words), out, sizeof(out), &tr);
	ok(tr && count_words(out) == RANK_QUERY_MAX_TERMS,
	    "a long query keeps %d words", RANK_QUERY_MAX_TERMS);
	memset(big, 'x', 2100);
	big[2100] = '\0';
	for (i = 10; i < 2100; i += 11)
		big[i] = ' ';
	n = rank_query_clean(big, 2100, out, sizeof(out), &tr);
	ok(tr && code_points(out) <= RANK_QUERY_MAX_CHARS && n > 0 &&
	    out[n - 1] == 'x' && count_words(out) == 18,
	    "at most %d code points, whole words only", RANK_QUERY_MAX_CHARS);
	memset(big, 'y', 2000);
	big[2000] = '\0';
	n = rank_query_clean(big, 2000, out, sizeof(out), &tr);
	ok(tr && n == RANK_QUERY_MAX_CHARS && code_points(out) == n,
	    "one 2,000-character word keeps its first %d", RANK_QUERY_MAX_CHARS);
	for (i = 0; i < 700; i++)
		memcpy(big + i * 3, "\xe2\x82\xac", 3);	/* € x 700 */
	big[2100] = '\0';
	n = rank_query_clean(big, 2100, out, sizeof(out), &tr);
	ok(tr && code_points(out) == RANK_QUERY_MAX_CHARS &&
	    n == RANK_QUERY_MAX_CHARS * 3, "multi-byte words are cut at a "
	    "code point, never inside one");
	ok(rank_query_clean("hello world", 11, out, 8, &tr) == 5 &&
	    strcmp(out, "hello") == 0 && tr, "a small buffer keeps whole words");
	ok(rank_query_clean("hello", 5, out, 0, &tr) == -1, "no buffer is -1");
}

static void
test_searchable(void)
{
	ok(!rank_query_searchable("!!! ??? ... --- ***"), "punctuation only");
	ok(!rank_query_searchable(""), "empty");
	ok(!rank_query_searchable("\xe2\x80\x94 \xc2\xab\xc2\xbb \xf0\x9f\x98\x80"),
	    "dashes, guillemets and emoji only");
	ok(rank_query_searchable("?? c++ ??"), "a letter among punctuation");
	ok(rank_query_searchable("2024"), "digits");
	ok(rank_query_searchable("\xd0\xbf\xd1\x80\xd0\xb8"), "Cyrillic letters");
	ok(rank_query_searchable("\xe6\x97\xa5\xe6\x9c\xac"), "CJK ideographs");
}

static void
test_topic(void)
{
	char	out[RANK_TOPIC_MAX_CHARS * 4 + 8], longq[300];
	int	i;

	ok(rank_topic("git revert", out, sizeof(out)) &&
	    strcmp(out, "git revert") == 0, "a short topic is unchanged");
	for (i = 0; i < 40; i++)
		memcpy(longq + i * 6, "word5 ", 6);
	longq[239] = '\0';
	ok(rank_topic(longq, out, sizeof(out)) &&
	    code_points(out) <= RANK_TOPIC_MAX_CHARS + 1 &&
	    strcmp(out + strlen(out) - 3, "\xe2\x80\xa6") == 0 &&
	    out[strlen(out) - 4] == '5', "a long topic is cut at a space, "
	    "with an ellipsis");
	memset(longq, 'z', 100);
	longq[100] = '\0';
	ok(rank_topic(longq, out, sizeof(out)) &&
	    code_points(out) == RANK_TOPIC_MAX_CHARS + 1,
	    "a long word is cut at the limit");
	ok(!rank_topic("git revert", out, 5), "too small a buffer is 0");
}

static void
test_why(void)
{
	struct rank_evidence	e;
	char			out[RANK_WHY_MAX];

	memset(&e, 0, sizeof(e));
	e.answers = 5;
	e.accepted_answers = 3;
	e.answer_score = 21;
	e.posts = 2;
	e.skill_declared = 1;
	e.endorsements = 2;
	ok(rank_why(&e, "postgres replication", "PostgreSQL", out,
	    sizeof(out)) > 0 && strcmp(out, "5 answers (3 accepted, total "
	    "score 21) on questions about \xe2\x80\x9cpostgres replication"
	    "\xe2\x80\x9d; 2 posts about it; lists PostgreSQL as a skill "
	    "(2 endorsements).") == 0, "everything, plural: %s", out);

	memset(&e, 0, sizeof(e));
	e.answers = 1;
	e.accepted_answers = 1;
	e.answer_score = 1;
	e.posts = 1;
	e.bookmarks = 1;
	e.skill_declared = 1;
	e.endorsements = 1;
	ok(rank_why(&e, "git", "Git", out, sizeof(out)) > 0 &&
	    strcmp(out, "1 answer (accepted, score 1) on a question about "
	    "\xe2\x80\x9cgit\xe2\x80\x9d; 1 post about it; 1 public bookmark "
	    "about it; lists Git as a skill (1 endorsement).") == 0,
	    "everything, singular: %s", out);

	memset(&e, 0, sizeof(e));
	e.answers = 2;
	e.answer_score = -3;
	ok(rank_why(&e, "x", NULL, out, sizeof(out)) > 0 &&
	    strcmp(out, "2 answers (total score -3) on questions about "
	    "\xe2\x80\x9cx\xe2\x80\x9d.") == 0,
	    "no accepted answers, a negative score: %s", out);

	memset(&e, 0, sizeof(e));
	e.posts = 7;
	e.bookmarks = 2;
	ok(rank_why(&e, "kafka", NULL, out, sizeof(out)) > 0 &&
	    strcmp(out, "7 posts about \xe2\x80\x9ckafka\xe2\x80\x9d; 2 public "
	    "bookmarks about it.") == 0, "the first clause names the topic: %s",
	    out);

	memset(&e, 0, sizeof(e));
	e.skill_declared = 1;
	ok(rank_why(&e, "kafka", "Apache Kafka", out, sizeof(out)) > 0 &&
	    strcmp(out, "Lists Apache Kafka as a skill.") == 0,
	    "a skill alone, no endorsements, capitalised: %s", out);

	memset(&e, 0, sizeof(e));
	ok(rank_why(&e, "kafka", NULL, out, sizeof(out)) > 0 &&
	    strcmp(out, "No evidence.") == 0, "no evidence at all");

	e.answers = 123456789;
	ok(rank_why(&e, "kafka", NULL, out, 20) == -1,
	    "-1 when the buffer is too small");
	ok(rank_why(&e, "kafka", NULL, out, 0) == -1, "-1 without a buffer");
}

int
main(void)
{
	test_clean();
	test_searchable();
	test_topic();
	test_why();
	return (done_testing());
}
