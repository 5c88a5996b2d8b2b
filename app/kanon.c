/*
 * The privacy rules every report shares (issues 5 and 6): which groups may
 * be shown, which figures must be masked, and the date ranges reports are
 * computed over. No Kore, no libpq: the report handlers query, this file
 * decides, and tests/unit/test_kanon.c proves the decisions.
 *
 * The rules (API.md "Reports"):
 *
 *  1. Smallest group. A group (e.g. channel x week) behind which fewer than
 *     k distinct people stand is not shown. It is folded into one "other"
 *     row marked "suppressed": true. k comes from configuration and is
 *     never below KANON_K_MIN.
 *  2. No figure of a folded group anywhere. The "other" row only says how
 *     many groups were folded; every figure in it is null. Were its figures
 *     shown, "other" for one date range minus "other" for an overlapping one
 *     would give a single small group away.
 *  3. Totals over shown groups only. A summary is computed from the shown
 *     groups' data, never as "everything minus what is shown".
 *  4. Whole weeks. Date ranges are widened to whole ISO weeks (Monday to
 *     Sunday, UTC), so two overlapping ranges never cut one week in two
 *     different places and their difference is always a set of whole,
 *     separately decided groups. The answer says which range it used.
 *  5. Sub-figures have their own people. A figure inside a shown group
 *     that describes another, smaller set of people (e.g. the employees who
 *     collaborated on the group's conversations) is masked when that set
 *     has fewer than k people.
 *  6. Complementary parts fall together. When a shown group is split into
 *     parts that add up to it (e.g. with and without collaboration), either
 *     every part has at least k people and all are shown, or none is: the
 *     group's own figures minus the shown parts would give a short one away.
 *  7. No individuals. Reports never list people; this file has no way to.
 *
 * CSV cells are written here as well because every report exports CSV and
 * every report must guard against formula injection the same way.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <string.h>

#include "parley.h"

int
kanon_k(long configured)
{
	if (configured < KANON_K_MIN)
		return (KANON_K_MIN);
	if (configured > KANON_K_MAX)
		return (KANON_K_MAX);
	return ((int)configured);
}

int
kanon_enough(long long people, int k)
{
	return (people >= (long long)kanon_k(k));
}

size_t
kanon_fold(struct kanon_group *groups, size_t n, int k)
{
	size_t	i, folded = 0;

	for (i = 0; i < n; i++) {
		groups[i].shown = kanon_enough(groups[i].people, k);
		if (!groups[i].shown)
			folded++;
	}
	return (folded);
}

int
kanon_parts(const long long *people, size_t n, int k)
{
	size_t	i;

	if (n == 0)
		return (0);
	for (i = 0; i < n; i++)
		if (!kanon_enough(people[i], k))
			return (0);
	return (1);
}

int
kanon_mask(json_t *figures, const char *const *keys)
{
	size_t	i;

	if (!json_is_object(figures))
		return (-1);
	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		if (json_object_set_new(figures, keys[i], json_null()) != 0)
			return (-1);
	if (json_object_set_new(figures, "suppressed", json_true()) != 0)
		return (-1);
	return (0);
}

json_t *
kanon_other(size_t folded, const char *const *keys)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		return (NULL);
	if (kanon_mask(o, keys) != 0 ||
	    json_object_set_new(o, "groups", json_integer((json_int_t)folded))
	    != 0) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

/* ---- dates: day numbers (days since 1970-01-01, a Thursday) ---------- */

/* Days from the civil date (proleptic Gregorian), after H. Hinnant. */
static long
days_from_civil(long y, long m, long d)
{
	long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static void
civil_from_days(long z, long *y, long *m, long *d)
{
	long	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *s, int n, long *out)
{
	int	i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		*out = *out * 10 + (s[i] - '0');
	}
	return (1);
}

int
kanon_date_parse(const char *s, long *day)
{
	static const int	mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	long			y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
	    !digits(s + 8, 2, &d))
		return (0);
	if (y < KANON_YEAR_MIN || y > KANON_YEAR_MAX || m < 1 || m > 12 ||
	    d < 1 || d > mdays[m - 1])
		return (0);
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return (0);
	*day = days_from_civil(y, m, d);
	return (1);
}

int
kanon_date_format(long day, char *out, size_t outlen)
{
	long	y, m, d;
	int	n;

	civil_from_days(day, &y, &m, &d);
	n = snprintf(out, outlen, "%04ld-%02ld-%02ld", y, m, d);
	return (n > 0 && (size_t)n < outlen);
}

long
kanon_week_monday(long day)
{
	long	wd;

	/* 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays. */
	wd = (day + 3) % 7;
	if (wd < 0)
		wd += 7;
	return (day - wd);
}

int
kanon_range(long from, long to, long *wfrom, long *wto)
{
	if (from > to)
		return (KANON_RANGE_REVERSED);
	if (to - from > KANON_RANGE_MAX_DAYS)
		return (KANON_RANGE_TOO_LONG);
	*wfrom = kanon_week_monday(from);
	*wto = kanon_week_monday(to) + 6;
	return (KANON_RANGE_OK);
}

/* ---- CSV cells --------------------------------------------------------- */

size_t
kanon_csv_cell(const char *s, char *out, size_t outlen)
{
	size_t	 need = 0, i;
	int	 guard, quote;
	char	 c;

	if (s == NULL)
		s = "";
	/*
	 * A spreadsheet runs a cell that starts with = + - @ (or a tab or
	 * carriage return, which some strip first) as a formula; a leading
	 * apostrophe makes it text (OWASP "CSV injection").
	 */
	guard = (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r');
	quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
	    (s[0] != '\0' && s[strlen(s) - 1] == ' ');

#define PUT(ch) do {							\
	if (out != NULL && need + 1 < outlen)				\
		out[need] = (ch);					\
	need++;								\
} while (0)
	if (quote)
		PUT('"');
	if (guard)
		PUT('\'');
	for (i = 0; (c = s[i]) != '\0'; i++) {
		if (c == '"')
			PUT('"');
		PUT(c);
	}
	if (quote)
		PUT('"');
#undef PUT
	if (out != NULL && outlen > 0)
		out[need < outlen ? need : outlen - 1] = '\0';
	return (need);
}
