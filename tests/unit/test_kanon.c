/* Unit tests for app/kanon.c: the privacy rules reports share. */
#define PARLEY_PURE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static void
test_k(void)
{
	ok(kanon_k(5) == 5, "k 5 stays 5");
	ok(kanon_k(3) == 3, "k 3 stays 3");
	ok(kanon_k(2) == KANON_K_MIN && kanon_k(0) == 3 && kanon_k(-7) == 3,
	    "k is never below 3");
	ok(kanon_k(1000000) == KANON_K_MAX, "k is capped");
	ok(kanon_enough(5, 5) && !kanon_enough(4, 5), "5 people pass k=5, 4 do not");
	ok(!kanon_enough(2, 1) && kanon_enough(3, 1),
	    "a configured k of 1 still needs 3 people");
	ok(!kanon_enough(0, 5) && !kanon_enough(-1, 5),
	    "no people (or a bad count) never pass");
}

static void
test_fold(void)
{
	struct kanon_group	g[5] = { { 5, -1 }, { 4, -1 }, { 12, -1 },
				    { 0, -1 }, { 3, -1 } };

	ok(kanon_fold(g, 5, 5) == 3, "k=5: three of five groups folded");
	ok(g[0].shown == 1 && g[1].shown == 0 && g[2].shown == 1 &&
	    g[3].shown == 0 && g[4].shown == 0, "each group decided on its own");
	ok(kanon_fold(g, 5, 3) == 1 && g[4].shown == 1 && g[1].shown == 1 &&
	    g[3].shown == 0, "k=3: only the empty group folded");
	ok(kanon_fold(g, 0, 5) == 0, "no groups, nothing folded");
	ok(kanon_fold(g, 5, 100) == 5, "a large k folds everything");
}

static void
test_parts(void)
{
	const long long	both[2] = { 5, 7 }, short_with[2] = { 4, 9 },
			short_without[2] = { 9, 2 }, three[3] = { 5, 5, 5 },
			three_short[3] = { 5, 5, 1 };

	ok(kanon_parts(both, 2, 5), "both sides have k: shown");
	ok(!kanon_parts(short_with, 2, 5), "one side short: none shown");
	ok(!kanon_parts(short_without, 2, 5), "the other side short: none shown");
	ok(kanon_parts(three, 3, 5) && !kanon_parts(three_short, 3, 5),
	    "any number of parts, all or none");
	ok(!kanon_parts(both, 0, 5), "no parts: nothing to show");
	ok(kanon_parts(short_with, 2, 4), "k=4 lets 4 people pass");
}

static void
test_mask(void)
{
	static const char *const keys[] = { "conversations", "csat_average",
	    NULL };
	json_t	*o, *other;
	char	*s;

	o = json_pack("{s:i, s:f, s:s, s:b}", "conversations", 3,
	    "csat_average", 4.5, "week", "2019-03-04", "suppressed", 0);
	ok(o != NULL && kanon_mask(o, keys) == 0, "mask succeeds");
	ok(json_is_null(json_object_get(o, "conversations")) &&
	    json_is_null(json_object_get(o, "csat_average")),
	    "masked figures are null, keys kept");
	ok(json_is_true(json_object_get(o, "suppressed")), "marked suppressed");
	ok(json_is_string(json_object_get(o, "week")), "other keys untouched");
	json_decref(o);
	o = json_array();
	ok(kanon_mask(o, keys) == -1 && kanon_mask(NULL, keys) == -1,
	    "only objects are masked");
	json_decref(o);

	other = kanon_other(2, keys);
	ok(other != NULL && json_integer_value(json_object_get(other,
	    "groups")) == 2, "other says how many groups were folded");
	ok(json_is_true(json_object_get(other, "suppressed")) &&
	    json_is_null(json_object_get(other, "conversations")) &&
	    json_is_null(json_object_get(other, "csat_average")),
	    "other: suppressed, every figure null");
	s = json_dumps(other, JSON_COMPACT | JSON_SORT_KEYS);
	ok(s != NULL && strcmp(s, "{\"conversations\":null,"
	    "\"csat_average\":null,\"groups\":2,\"suppressed\":true}") == 0,
	    "other holds nothing else: %s", s ? s : "(null)");
	free(s);
	json_decref(other);
	other = kanon_other(0, NULL);
	ok(other != NULL && json_object_size(other) == 2,
	    "other with no figure keys");
	json_decref(other);
}

static void
test_dates(void)
{
	long	d, f, t;
	char	buf[KANON_DATE_LEN], tiny[5];

	ok(kanon_date_parse("1970-01-01", &d) && d == 0, "the epoch is day 0");
	ok(kanon_date_parse("2019-03-06", &d) && d == 17961, "2019-03-06");
	ok(kanon_date_format(d, buf, sizeof(buf)) &&
	    strcmp(buf, "2019-03-06") == 0, "formats back");
	ok(!kanon_date_format(d, tiny, sizeof(tiny)), "too small a buffer");
	ok(kanon_date_parse("2020-02-29", &d), "leap day 2020");
	ok(kanon_date_parse("2000-02-29", &d), "leap day 2000");
	ok(!kanon_date_parse("2019-02-29", &d), "no leap day 2019");
	ok(!kanon_date_parse("1900-02-29", &d) &&
	    !kanon_date_parse("2100-02-29", &d), "no leap day 1900 or 2100");
	ok(!kanon_date_parse("2019-04-31", &d) &&
	    !kanon_date_parse("2019-13-01", &d) &&
	    !kanon_date_parse("2019-00-10", &d) &&
	    !kanon_date_parse("2019-01-00", &d), "impossible dates");
	ok(!kanon_date_parse("2019-3-6", &d) &&
	    !kanon_date_parse("2019-03-06T00:00:00Z", &d) &&
	    !kanon_date_parse(" 2019-03-06", &d) &&
	    !kanon_date_parse("2019/03/06", &d) &&
	    !kanon_date_parse("", &d) && !kanon_date_parse(NULL, &d) &&
	    !kanon_date_parse("+019-03-06", &d) &&
	    !kanon_date_parse("2019-03-0\xc3\xa9", &d),
	    "only strict YYYY-MM-DD");
	ok(!kanon_date_parse("1969-12-31", &d) &&
	    !kanon_date_parse("9999-01-01", &d) &&
	    kanon_date_parse("9998-12-31", &d) &&
	    kanon_date_format(d, buf, sizeof(buf)) &&
	    strcmp(buf, "9998-12-31") == 0, "years 1970 to 9998");
	ok(kanon_range(d, d, &f, &t) == KANON_RANGE_OK &&
	    kanon_date_format(t, buf, sizeof(buf)) &&
	    strcmp(buf, "9999-01-03") == 0,
	    "the last day widens to a 4-digit year (%s)", buf);

	/* 2019-03-04 was a Monday. */
	(void)kanon_date_parse("2019-03-04", &d);
	ok(kanon_week_monday(d) == d, "a Monday is its own week start");
	ok(kanon_week_monday(d + 6) == d, "the Sunday after belongs to it");
	ok(kanon_week_monday(d + 7) == d + 7, "the next Monday starts anew");
	ok(kanon_week_monday(d - 1) == d - 7, "the Sunday before: last week");
	ok(kanon_week_monday(0) == -3, "1970-01-01 (Thu): week of 1969-12-29");
	ok(kanon_week_monday(-1) == -3 && kanon_week_monday(-4) == -10,
	    "negative day numbers work (1969-12-31, 1969-12-28)");

	/* 2019-03-06 (Wed) .. 2019-03-20 (Wed) -> 03-04 (Mon) .. 03-24 (Sun) */
	(void)kanon_date_parse("2019-03-06", &f);
	(void)kanon_date_parse("2019-03-20", &t);
	ok(kanon_range(f, t, &f, &t) == KANON_RANGE_OK, "a range widens");
	ok(kanon_date_format(f, buf, sizeof(buf)) &&
	    strcmp(buf, "2019-03-04") == 0, "from: back to Monday (%s)", buf);
	ok(kanon_date_format(t, buf, sizeof(buf)) &&
	    strcmp(buf, "2019-03-24") == 0, "to: on to Sunday (%s)", buf);
	ok(kanon_range(f, f, &d, &t) == KANON_RANGE_OK && d == f && t == f + 6,
	    "one day is one whole week");
	ok(kanon_range(f + 1, f, &d, &t) == KANON_RANGE_REVERSED,
	    "from after to is refused");
	ok(kanon_range(f, f + KANON_RANGE_MAX_DAYS, &d, &t) == KANON_RANGE_OK,
	    "two years is allowed");
	ok(kanon_range(f, f + KANON_RANGE_MAX_DAYS + 1, &d, &t) ==
	    KANON_RANGE_TOO_LONG, "longer is refused");
}

static void
test_csv(void)
{
	char	buf[64], tiny[4];

	ok(kanon_csv_cell("Twitter EU", buf, sizeof(buf)) == 10 &&
	    strcmp(buf, "Twitter EU") == 0, "plain text is written as is");
	ok(kanon_csv_cell("a,b", buf, sizeof(buf)) == 5 &&
	    strcmp(buf, "\"a,b\"") == 0, "a comma is quoted");
	ok(kanon_csv_cell("say \"hi\"", buf, sizeof(buf)) &&
	    strcmp(buf, "\"say \"\"hi\"\"\"") == 0, "quotes are doubled");
	ok(kanon_csv_cell("two\nlines", buf, sizeof(buf)) &&
	    strcmp(buf, "\"two\nlines\"") == 0, "a newline is quoted");
	ok(kanon_csv_cell("=HYPERLINK(\"x\")", buf, sizeof(buf)) &&
	    strcmp(buf, "\"'=HYPERLINK(\"\"x\"\")\"") == 0,
	    "= gets an apostrophe (and quoting for its quotes): %s", buf);
	ok(kanon_csv_cell("+1", buf, sizeof(buf)) && strcmp(buf, "'+1") == 0,
	    "+ gets an apostrophe");
	ok(kanon_csv_cell("-2+3", buf, sizeof(buf)) &&
	    strcmp(buf, "'-2+3") == 0, "- gets an apostrophe");
	ok(kanon_csv_cell("@SUM(A1)", buf, sizeof(buf)) &&
	    strcmp(buf, "'@SUM(A1)") == 0, "@ gets an apostrophe");
	ok(kanon_csv_cell("\t=1", buf, sizeof(buf)) &&
	    strcmp(buf, "'\t=1") == 0, "a leading tab gets an apostrophe");
	ok(kanon_csv_cell("\r=1", buf, sizeof(buf)) &&
	    strcmp(buf, "\"'\r=1\"") == 0, "a leading CR: apostrophe, quoted");
	ok(kanon_csv_cell("a=b", buf, sizeof(buf)) && strcmp(buf, "a=b") == 0,
	    "= later in the text is harmless");
	ok(kanon_csv_cell(" x", buf, sizeof(buf)) && strcmp(buf, "\" x\"") == 0,
	    "leading space kept by quoting");
	ok(kanon_csv_cell("", buf, sizeof(buf)) == 0 && buf[0] == '\0' &&
	    kanon_csv_cell(NULL, buf, sizeof(buf)) == 0, "empty and NULL");
	ok(kanon_csv_cell("caf\xc3\xa9", buf, sizeof(buf)) == 5 &&
	    strcmp(buf, "caf\xc3\xa9") == 0, "UTF-8 passes through");
	ok(kanon_csv_cell("=abcdef", tiny, sizeof(tiny)) == 8 &&
	    strlen(tiny) == 3, "too small: truncated, NUL-terminated, length "
	    "needed returned");
	ok(kanon_csv_cell("a,\"b\"", NULL, 0) == 9, "measuring only");
}

int
main(void)
{
	test_k();
	test_fold();
	test_parts();
	test_mask();
	test_dates();
	test_csv();
	return (done_testing());
}
