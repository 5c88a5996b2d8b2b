/*
 * Unit tests for app/csv.c: the RFC 4180 record reader (quoting, embedded
 * newlines and quotes, CRLF, empty lines, a last record without newline,
 * hostile input: unterminated quotes, very long fields, NUL bytes), the
 * same records from a stream fed piece by piece (any piece size), the
 * header mapping, ids written as floats, True/False/1/0, both date
 * formats, and rows turned into messages or rejected with a reason.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static struct csv_reader	rd;

/* ok() evaluates its condition twice; these conditions read records. */
#define check(cond, ...) do {						\
	int	check_ = (cond);					\
	ok(check_, __VA_ARGS__);					\
} while (0)

/* Reads the next record of rd; returns its field count, -1 at the end. */
static long
next(void)
{
	return (csv_next(&rd) ? (long)rd.nfields : -1);
}

static int
field_is(size_t i, const char *want)
{
	return (i < rd.nfields && rd.fields[i].len == strlen(want) &&
	    memcmp(rd.fields[i].s, want, strlen(want)) == 0);
}

static void
open_s(const char *s, size_t len)
{
	csv_reader_free(&rd);
	csv_reader_init(&rd, s, len);
}

static void
test_reader(void)
{
	static const char	q[] = "a,\"b,c\",\"he said \"\"hi\"\"\"\r\n"
				    "\"line1\nline2\r\nline3\",x,\r\n"
				    "\n\r\n"
				    "last,,\"\"";

	open_s(q, sizeof(q) - 1);
	check(next() == 3 && rd.record == 1 && field_is(0, "a") &&
	    field_is(1, "b,c") && field_is(2, "he said \"hi\""),
	    "quoted comma and \"\" escapes");
	check(next() == 3 && rd.record == 2 &&
	    field_is(0, "line1\nline2\r\nline3") && field_is(1, "x") &&
	    field_is(2, ""), "quoted newlines (LF and CRLF), CRLF ends");
	check(next() == 3 && rd.record == 3 && field_is(0, "last") &&
	    field_is(1, "") && field_is(2, "") && rd.failed == 0,
	    "empty lines skipped; last record without newline");
	check(next() == -1, "end");

	open_s("", 0);
	check(next() == -1, "empty buffer: no records");
	open_s("\n\n\r\n", 4);
	check(next() == -1, "only empty lines: no records");

	open_s("a,\"open\nnever closed", 20);
	check(next() == 2 && rd.failed == CSV_ERR_QUOTE,
	    "unterminated quote at EOF is reported");
	check(csv_error(rd.failed) != NULL && next() == -1,
	    "it has a reason and ends the file");

	open_s("ab\"c,d\n", 7);
	check(next() == 2 && field_is(0, "ab\"c") && rd.failed == 0,
	    "a stray quote inside an unquoted field is text");
	open_s("a\rb\r", 4);
	check(next() == 1 && field_is(0, "a") && next() == 1 &&
	    field_is(0, "b") && next() == -1, "lone CR ends records");
	open_s("a\0b,c\nd\n", 8);
	check(next() == 2 && rd.has_nul && next() == 1 && !rd.has_nul &&
	    field_is(0, "d"), "NUL byte marks its record only");
}

/* Feeds the next piece of src (at most piece bytes from *at) in a buffer
 * of its own; the previous one is freed first, so ASan sees any use of
 * an old piece. */
static char *
feed(struct csv_reader *r, char *old, const char *src, size_t len,
    size_t *at, size_t piece)
{
	size_t	 n = len - *at < piece ? len - *at : piece;
	char	*copy;

	free(old);
	if ((copy = malloc(n + 1)) == NULL)
		abort();
	memcpy(copy, src + *at, n);
	*at += n;
	csv_reader_feed(r, copy, n, *at == len);
	return (copy);
}

/* The records of src as text, "number:failed:nul|len:field|...\n", read
 * whole (piece 0) or in pieces of piece bytes. */
static void
dump(struct csv_reader *r, char *out, size_t outlen, size_t piece,
    const char *src, size_t len)
{
	size_t	 at = 0, o = 0, i;
	char	*copy = NULL;
	int	 got;

	out[0] = '\0';
	csv_reader_free(r);
	if (piece == 0)
		csv_reader_init(r, src, len);
	else {
		csv_reader_init(r, NULL, 0);
		copy = feed(r, copy, src, len, &at, piece);
	}
	while (o < outlen && (got = csv_next(r)) != 0) {
		if (got == CSV_MORE) {
			copy = feed(r, copy, src, len, &at, piece);
			continue;
		}
		o += (size_t)snprintf(out + o, outlen - o, "%ld:%d:%d",
		    r->record, r->failed, r->has_nul);
		for (i = 0; i < r->nfields && o < outlen; i++)
			o += (size_t)snprintf(out + o, outlen - o, "|%zu:%.*s",
			    r->fields[i].len, (int)r->fields[i].len,
			    r->fields[i].s);
		if (o < outlen)
			o += (size_t)snprintf(out + o, outlen - o, "\n");
	}
	free(copy);
}

static void
test_stream(void)
{
	static const char	q[] = "a,\"b,c\",\"he said \"\"hi\"\"\"\r\n"
				    "\"line1\nline2\r\nline3\",x,\r\n"
				    "\n\r\n\"\"\"\",\"q\"\"\",ab\"c\r"
				    "n\0l,\"\",\r\n"
				    "last,,\"open\n\"\"";
	static char		whole[4096], pieces[4096];
	struct csv_reader	s;
	size_t			piece;
	char			*big;
	int			same = 1;

	memset(&s, 0, sizeof(s));
	dump(&rd, whole, sizeof(whole), 0, q, sizeof(q) - 1);
	for (piece = 1; piece <= sizeof(q); piece++) {
		dump(&s, pieces, sizeof(pieces), piece, q, sizeof(q) - 1);
		if (strcmp(whole, pieces) != 0) {
			same = 0;
			printf("# piece %zu:\n%s---\n%s", piece, whole,
			    pieces);
		}
	}
	check(same && strstr(whole, "5:1:0|4:last|0:|") != NULL,
	    "a stream read in pieces of 1..%zu bytes gives the same records "
	    "(quotes, \"\" escapes and CRLF split between pieces)", sizeof(q));
	csv_reader_free(&s);
	csv_reader_init(&s, NULL, 0);
	csv_reader_feed(&s, "", 0, 1);
	check(csv_next(&s) == 0, "an empty stream has no records");
	csv_reader_free(&s);

	/* Fields before one that makes the record's storage grow (past 1024
	 * bytes) still read right. */
	big = malloc(5000);
	memcpy(big, "first,second,", 13);
	memset(big + 13, 'z', 4000);
	memcpy(big + 4013, ",last\n", 6);
	csv_reader_free(&rd);
	csv_reader_init(&rd, big, 4019);
	check(next() == 4 && field_is(0, "first") && field_is(1, "second") &&
	    rd.fields[2].len == 4000 && field_is(3, "last"),
	    "fields stay valid while a long record grows");
	free(big);
}

static void
test_limits(void)
{
	size_t	 n = CSV_RECORD_MAX + 100, i;
	char	*big = malloc(n + 10);

	memset(big, 'x', n);
	memcpy(big + n, "\nok,1\n", 6);
	open_s(big, n + 6);
	check(next() >= 0 && rd.failed == CSV_ERR_LONG,
	    "a very long field makes the record too long");
	check(next() == 2 && rd.failed == 0 && field_is(0, "ok") &&
	    rd.record == 2, "reading goes on after it");
	for (i = 0; i < n; i++)
		big[i] = ',';
	open_s(big, n + 6);
	check(next() >= 0 && rd.failed == CSV_ERR_FIELDS,
	    "too many fields is reported");
	check(next() == 2 && field_is(1, "1"), "and reading goes on");
	big[0] = '"';
	memset(big + 1, 'y', n - 1);
	open_s(big, n + 6);
	check(next() >= 0 && rd.failed != 0 && next() == -1,
	    "huge unterminated quoted field swallows the rest, no crash");
	free(big);
}

static void
test_header(void)
{
	struct csv_header	h;
	static const char	h1[] = "\xef\xbb\xbfmain_tweet_id, Text ,"
				    "TWEET_ID,author_id,inbound,created_at,"
				    "in_response_to_tweet_id,company";
	static const char	h2[] = "tweet_id,author_id,created_at,text,"
				    "in_response_to_tweet_id";

	open_s(h1, sizeof(h1) - 1);
	next();
	check(csv_header_map(&rd, &h) == NULL, "header in any order, extra "
	    "columns, BOM, case and spaces");
	check(h.col[CSV_COL_TWEET_ID] == 2 && h.col[CSV_COL_TEXT] == 1 &&
	    h.col[CSV_COL_REPLY_TO] == 6 && h.col[CSV_COL_CREATED_AT_ISO] ==
	    -1, "columns found by name");
	open_s(h2, sizeof(h2) - 1);
	next();
	check(csv_header_map(&rd, &h) != NULL &&
	    strcmp(csv_header_map(&rd, &h), "inbound") == 0,
	    "missing column named");
	open_s("", 0);
	rd.nfields = 0;
	check(strcmp(csv_header_map(&rd, &h), "tweet_id") == 0,
	    "no header: tweet_id missing");
}

static void
test_values(void)
{
	char	id[CSV_ID_MAX], d[CSV_DATE_MAX];

	check(csv_id("119237", 6, id) && strcmp(id, "119237") == 0, "int id");
	check(csv_id("119237.0", 8, id) && strcmp(id, "119237") == 0,
	    "float id");
	check(csv_id(" 7.000 ", 7, id) && strcmp(id, "7") == 0, "spaces, .000");
	check(csv_id("9223372036854775807", 19, id), "INT64_MAX");
	check(!csv_id("9223372036854775808", 19, id), "past INT64_MAX");
	check(!csv_id("1.5", 3, id) && !csv_id("1.", 2, id) &&
	    !csv_id("-1", 2, id) && !csv_id("0", 1, id) &&
	    !csv_id("", 0, id) && !csv_id("1e5", 3, id) &&
	    !csv_id("12a", 3, id), "non-integers rejected");
	check(csv_bool("True", 4) == 1 && csv_bool("FALSE", 5) == 0 &&
	    csv_bool("1", 1) == 1 && csv_bool("0", 1) == 0 &&
	    csv_bool("1.0", 3) == 1 && csv_bool("yes", 3) == -1 &&
	    csv_bool("", 0) == -1, "True/False/1/0");
	check(csv_date("Tue Oct 31 22:10:47 +0000 2017", 30, d) &&
	    strcmp(d, "2017-10-31T22:10:47Z") == 0, "twcs date");
	check(csv_date("Tue Oct 31 22:10:47 -0230 2017", 30, d) &&
	    strcmp(d, "2017-11-01T00:40:47Z") == 0, "twcs date with offset");
	check(csv_date("2017-10-07 10:33:00+00:00", 25, d) &&
	    strcmp(d, "2017-10-07T10:33:00Z") == 0, "ISO with space");
	check(csv_date("2017-10-29T06:16:40.5+01:00", 27, d) &&
	    strcmp(d, "2017-10-29T05:16:40.5Z") == 0, "ISO, fraction, offset");
	check(csv_date("2016-02-29T00:00:00Z", 20, d) && csv_date("2017-01-01",
	    10, d) && strcmp(d, "2017-01-01T00:00:00Z") == 0,
	    "leap day, date only");
	check(csv_date("2000-01-01T00:30:00+01:00", 25, d) &&
	    strcmp(d, "1999-12-31T23:30:00Z") == 0, "offset crosses a year");
	check(!csv_date("2017-02-29T00:00:00Z", 20, d) &&
	    !csv_date("2017-13-01", 10, d) &&
	    !csv_date("2017-10-31T24:00:00Z", 20, d) &&
	    !csv_date("Tue Foo 31 22:10:47 +0000 2017", 30, d) &&
	    !csv_date("43037.26157407407", 17, d) &&
	    !csv_date("", 0, d) && !csv_date("2017-10-31T10:00:00+5", 21, d),
	    "bad dates rejected");
}

static const char	*why;
static struct csv_message	msg;

static void
row(const char *data)
{
	static char		 buf[4096];
	static struct csv_header h;
	int			 n;

	n = snprintf(buf, sizeof(buf), "tweet_id,author_id,inbound,created_at,"
	    "text,response_tweet_id,in_response_to_tweet_id\n%s", data);
	open_s(buf, (size_t)n);
	next();
	csv_header_map(&rd, &h);
	next();
	why = csv_row_message(&rd, &h, &msg);
}

static void
test_rows(void)
{
	row("119237.0,AmazonHelp,False,Tue Oct 31 22:10:47 +0000 2017,"
	    "\"@1 Hi,\nthere \"\"you\"\"\",,119236.0\r\n");
	check(why == NULL && strcmp(msg.external_id, "119237") == 0 &&
	    strcmp(msg.reply_to, "119236") == 0 && msg.inbound == 0 &&
	    strcmp(msg.author, "AmazonHelp") == 0 &&
	    strcmp(msg.sent_at, "2017-10-31T22:10:47Z") == 0 &&
	    strcmp(msg.text, "@1 Hi,\nthere \"you\"") == 0, "a good reply");
	row("5,115712.0,1,2017-10-31T22:10:47Z,hello,6,");
	check(why == NULL && msg.reply_to[0] == '\0' && msg.inbound == 1 &&
	    strcmp(msg.author, "115712") == 0, "no reply-to; float author");
	row("x,a,1,2017-10-31,hello,,");
	check(why != NULL && strstr(why, "tweet_id"), "bad tweet_id: %s", why);
	row("5,a,1,2017-10-31,hello,,1.5");
	check(why != NULL && strstr(why, "in_response_to"), "bad reply id");
	row("5,a,maybe,2017-10-31,hello,,");
	check(why != NULL && strstr(why, "inbound"), "bad inbound");
	row("5,a,1,yesterday,hello,,");
	check(why != NULL && strstr(why, "created_at"), "bad date");
	row("5,,1,2017-10-31,hello,,");
	check(why != NULL && strstr(why, "author_id"), "empty author");
	row("5,a,1,2017-10-31, ,,");
	check(why != NULL && strstr(why, "text"), "blank text");
	row("5,a,1,2017-10-31,h\xff\xfello,,");
	check(why != NULL && strstr(why, "UTF-8"), "invalid UTF-8 row");
	row("5,a,1");
	check(why != NULL && strstr(why, "fewer"), "short row");
	row("5,a,1,2017-10-31,\"open");
	check(why != NULL && strstr(why, "quoted"), "unterminated quote row");
}

static void
test_iso_column(void)
{
	static const char	s[] = "tweet_id,in_response_to_tweet_id,"
				    "created_at,author_id,inbound,text,"
				    "created_at_iso\n"
				    "1,,43037.26157407407,9,1,hi,"
				    "2017-10-29T06:16:40+00:00\n"
				    "2,,43037.26157407407,9,1,hi,\n";
	struct csv_header	h;

	open_s(s, sizeof(s) - 1);
	next();
	check(csv_header_map(&rd, &h) == NULL && h.col[CSV_COL_CREATED_AT_ISO] ==
	    6, "created_at_iso found");
	next();
	why = csv_row_message(&rd, &h, &msg);
	check(why == NULL && strcmp(msg.sent_at, "2017-10-29T06:16:40Z") == 0,
	    "created_at_iso preferred to an Excel day number");
	next();
	why = csv_row_message(&rd, &h, &msg);
	check(why != NULL && rd.record == 3, "empty created_at_iso: created_at "
	    "is used (and an Excel day number is rejected)");
}

int
main(void)
{
	test_reader();
	test_stream();
	test_limits();
	test_header();
	test_values();
	test_rows();
	test_iso_column();
	csv_reader_free(&rd);
	return (done_testing());
}
